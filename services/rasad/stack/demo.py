"""The local demonstration `make up` ends with: real articles through the running services
until alerts appear.

1. a **baseline**: the held-out articles of ``tests/data/articles`` dated evenly over the
   22 hours that end 2 hours ago;
2. a **spike**: the five sample articles dated over the last 10 minutes, from three sources,
   posted at a compressed pace (2 per second);
3. a wait of up to 90 s for the alerting service to report alerts, then a summary with
   where to look (SSE stream, Prometheus).

The local stack's watchlist (``deploy/watchlists/local-demo.yaml``) sets the detector to
15-minute windows against the previous day so that a few dozen articles suffice.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from rasad.replay import Timing, load, prepare, replay
from rasad.stack.settings import StackSettings

ARTICLES = Path(__file__).resolve().parents[3] / "tests" / "data" / "articles"
BASELINE = ("heldout.jsonl", "ev_heldout.jsonl", "ev_heldout2.jsonl")
SPIKE = "seed.jsonl"
SPIKE_SOURCES = ("agency-a", "agency-b", "agency-c")


def _post(
    settings: StackSettings,
    files: tuple[str, ...],
    timing: Timing,
    sources: tuple[str, ...] = (),
    rate: float | None = None,
) -> None:
    records = [r for name in files for r in load(ARTICLES / name)]
    bodies = [
        prepare(r, timing=timing, index=i, count=len(records), sources=sources) for i, r in enumerate(records)
    ]
    outcomes = replay(bodies, f"http://{settings.host}:{settings.ingest_port}", None, rate)
    print(", ".join(f"{n} {status}" for status, n in sorted(outcomes.items())))


def wait_for_alerts(url: str, timeout_s: float) -> list[dict[str, object]]:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            alerts = list(httpx.get(f"{url}/alerts", timeout=5).json()["alerts"])
        except (httpx.HTTPError, ValueError, KeyError):
            alerts = []
        if alerts or time.monotonic() > deadline:
            return alerts
        time.sleep(3)


def run(settings: StackSettings, timeout_s: float = 90.0) -> int:
    now = datetime.now(UTC)
    print("baseline: held-out articles over the 22 hours ending 2 hours ago")
    _post(settings, BASELINE, Timing(spread=22 * 3600, ending=2 * 3600, now=now))
    print("spike: the five sample articles over the last 10 minutes, from three sources")
    _post(settings, (SPIKE,), Timing(spread=600, now=now), SPIKE_SOURCES, rate=2.0)
    alerting = f"http://{settings.host}:{settings.alerting_port}"
    alerts = wait_for_alerts(alerting, timeout_s)
    for alert in alerts[:10]:
        print(
            f"  {alert['severity']:<8} {alert['kind']:<7} {alert['name']}: {alert['observed']} stories, "
            f"expected {float(str(alert['expected'])):.2f}, p {float(str(alert['p_value'])):.2g}"
        )
    print(
        f"{len(alerts)} alert(s). Live stream from the first alert on: "
        f"curl -N -H 'Last-Event-ID: 0' {alerting}/alerts/stream ; "
        f"in Prometheus: {settings.prometheus_url}/graph?g0.expr=rasad_alerting_alerts_total"
    )
    if not alerts:
        print(
            "No alert: these stories were already counted by an earlier run (a story counts once). "
            f"For a clean demonstration: make down, remove {settings.state_dir}, make up."
        )
    return 0
