"""The live service on the real Redis and Kafka: a spike injected into the counts reaches the
``alerts`` topic, GET /alerts, the SSE stream and the webhooks (the first POST failing)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from rasad.common.messages import Alert, DeadLetter
from rasad.common.topics import ALERTS, DEADLETTER
from tests.unit.alerting_service.spikes import SPIKE, STEADY, SyntheticStream

from ..conftest import StackEnv
from .conftest import Receiver, StartService, record_counts, wait_for

pytestmark = pytest.mark.integration


class SseClient:
    """Reads ``GET /alerts/stream`` in a thread; ``alerts`` fills as events arrive."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.lines: list[str] = []
        self.alerts: list[tuple[str, Alert]] = []
        self.connected = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        event_id = None
        with httpx.stream("GET", self.url, timeout=httpx.Timeout(5, read=60)) as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            for line in response.iter_lines():
                self.lines.append(line)
                if line.startswith(": connected") or line == ":connected":
                    self.connected.set()
                elif line.startswith("data: "):
                    alert = Alert.model_validate_json(line.removeprefix("data: "))
                elif line.startswith("id: "):
                    event_id = line.removeprefix("id: ")
                    self.alerts.append((event_id, alert))
                if self._stop.is_set():
                    return

    def close(self) -> None:
        self._stop.set()


def service_settings(watchlist: Path, **extra: str) -> dict[str, str]:
    return {
        "RASAD_ALERTING_WATCHLIST": str(watchlist),
        "RASAD_ALERTING_CYCLE_SECONDS": "1",
        "RASAD_ALERTING_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
        "RASAD_ALERTING_WEBHOOK_BACKOFF_S": "0.2",
        "RASAD_ALERTING_WEBHOOK_RETRIES": "3",
        **extra,
    }


def metric(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample of a /metrics text, None when absent."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return None


def test_a_spike_reaches_every_sink(
    stack_env: StackEnv,
    start_service: StartService,
    receiver_factory: Callable[..., Receiver],
    watchlist_file: Path,
) -> None:
    now = int(time.time())
    articles = SyntheticStream(now, tag=stack_env.key_prefix.rstrip(":")).articles()
    spike = [a for a in articles if a.event_time > now - 45 * 60 and SPIKE in a.facts]
    assert len(spike) == 14
    assert record_counts(stack_env, [a for a in articles if a not in spike]) == len(articles) - 14
    hook, slack, manager = receiver_factory(503), receiver_factory(), receiver_factory()
    service = start_service(
        "alerting",
        **service_settings(
            watchlist_file,
            RASAD_ALERTING_WEBHOOK_URLS=f"{hook.url}/hook",
            RASAD_ALERTING_SLACK_WEBHOOK_URLS=f"{slack.url}/services/T0/B0/x",
            RASAD_ALERTING_ALERTMANAGER_URL=manager.url,
        ),
    )
    wait_for(
        "a detection cycle", lambda: metric(service.metrics(), "rasad_alerting_cycles_total", outcome="ok")
    )
    assert httpx.get(f"{service.url}/alerts").json()["count"] == 0  # the baseline alone is quiet
    stream = SseClient(f"{service.url}/alerts/stream?kind=weapon")
    assert stream.connected.wait(10), stream.lines

    assert record_counts(stack_env, spike) == 14
    event_id, live = wait_for("the alert on the SSE stream", lambda: stream.alerts and stream.alerts[0])
    stream.close()
    assert (live.status, live.kind, live.key, live.name) == ("firing", "weapon", "s-400", "S-400")
    assert live.observed == 14 and live.p_value <= 0.001 and len(live.article_ids) == 5
    assert set(live.article_ids) <= {a.article_id for a in spike}

    # The alerts topic has it, once.
    records = stack_env.read_json(ALERTS, 1, timeout_s=20)
    assert [Alert.model_validate(r) for r in records] == [live]

    # GET /alerts, with filters.
    listed = httpx.get(f"{service.url}/alerts", params={"kind": "weapon", "key": "s-400"}).json()
    assert listed["count"] == 1 and Alert.model_validate(listed["alerts"][0]) == live
    assert listed["last_event_id"] == int(event_id)
    assert (
        httpx.get(f"{service.url}/alerts", params={"kind": "entity", "key": STEADY.key}).json()["count"] == 0
    )
    bad = httpx.get(f"{service.url}/alerts", params={"severity": "loud"})
    assert bad.status_code == 422 and "query.severity" in bad.json()["error"]

    # Webhooks: the first POST failed (503) and was retried; Slack and Alertmanager got theirs.
    wait_for("the webhook retry", lambda: len(hook.requests) >= 2)
    assert [(path, status) for path, status, _ in hook.requests] == [("/hook", 503), ("/hook", 200)]
    assert Alert.model_validate(hook.bodies(200)[0]["alert"]) == live
    wait_for("the Slack post", lambda: slack.requests)
    slack_body = slack.bodies()[0]
    assert "S-400" in slack_body["text"] and "&lt;about&gt;" not in json.dumps(slack_body["blocks"][2])
    wait_for("the Alertmanager post", lambda: manager.requests)
    path, _, [posted] = manager.requests[0]
    assert path == "/api/v2/alerts" and posted["labels"]["key"] == "s-400"

    # Metrics: the delivery outcomes and the watched keys' gauges.
    text = service.metrics()
    assert metric(text, "rasad_alerting_deliveries_total", sink="webhook", outcome="retried") == 1
    assert metric(text, "rasad_alerting_deliveries_total", sink="webhook", outcome="delivered") == 1
    assert metric(text, "rasad_alerting_deliveries_total", sink="kafka", outcome="delivered") == 1
    assert metric(text, "rasad_alerting_alerts_total", severity=live.severity, status="firing") == 1
    assert (metric(text, "rasad_alerting_spike_score", kind="weapon", key="s-400") or 0) >= 3
    assert (metric(text, "rasad_alerting_spike_score", kind="entity", key="Q159") or 0) < 3
    assert metric(text, "rasad_alerting_watched_stories", kind="weapon", key="s-400") == 14

    # /top reads the same counts.
    top = httpx.get(f"{service.url}/top", params={"kind": "weapon", "window": "1h"}).json()
    assert top["keys"][0]["key"] == "s-400" and top["keys"][0]["stories"] == 14


def test_a_webhook_that_keeps_failing_dead_letters_the_alert(
    stack_env: StackEnv,
    start_service: StartService,
    receiver_factory: Callable[..., Receiver],
    watchlist_file: Path,
) -> None:
    record_counts(
        stack_env, SyntheticStream(int(time.time()), tag=stack_env.key_prefix.rstrip(":")).articles()
    )
    hook = receiver_factory(500, 500, 500, 500, 500)
    service = start_service(
        "alerting",
        **service_settings(
            watchlist_file, RASAD_ALERTING_WEBHOOK_URLS=f"{hook.url}/hook", RASAD_ALERTING_WEBHOOK_RETRIES="2"
        ),
    )
    [record] = stack_env.read_json(DEADLETTER, 1, timeout_s=30)
    letter = DeadLetter.model_validate(record)
    assert (letter.service, letter.stage, letter.error_type) == ("alerting", "notify", "DeliveryExhausted")
    assert "webhook" in letter.error and "3 attempt(s)" in letter.error and "HTTP 500" in letter.error
    alert = Alert.model_validate_json(letter.payload)
    assert (alert.kind, alert.key, letter.key) == ("weapon", "s-400", alert.alert_id)
    assert len(hook.requests) == 3
    text = service.metrics()
    assert metric(text, "rasad_alerting_dead_letters_total") == 1
    assert metric(text, "rasad_alerting_deliveries_total", sink="webhook", outcome="dead_lettered") == 1
    # The other sinks are not held up: the alert is on the topic all the same.
    assert [Alert.model_validate(r) for r in stack_env.read_json(ALERTS, 1)] == [alert]


def test_a_webhook_outside_the_allowed_hosts_stops_the_service(
    start_service: StartService, watchlist_file: Path
) -> None:
    service = start_service(
        "alerting",
        wait=False,
        **service_settings(watchlist_file, RASAD_ALERTING_WEBHOOK_URLS="http://example.org/hook"),
    )
    assert service.process.wait(timeout=60) == 2
    assert "'example.org' is not in RASAD_ALERTING_WEBHOOK_ALLOWED_HOSTS" in service.output()
