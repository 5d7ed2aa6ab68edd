"""``python -m rasad.bench`` (``make bench``): the pipeline end to end on the real stack.

Measures, in one run: the transport's ceiling (kafka-python producing and consuming the same
raw records, no processing), then for each offered load the ingest API (batches at a fixed
pace), N processor workers and alerting as processes on private topics and a private Redis
prefix: sustained throughput, latency ingest→enriched, ingest→counted (p50/p95/p99) and
ingest→alert for several weapon spikes per load. Prints a table, writes JSON and a PNG plot.
"""

from __future__ import annotations

import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import httpx
import redis
from pydantic import BeforeValidator, Field
from pydantic_settings import NoDecode

from rasad.bench import baseline, observe, processes, profile, report, transport, workload
from rasad.bench.latency import rate, summary
from rasad.common.errors import ConfigError, RasadError
from rasad.common.kafka.admin import delete_topics, ensure_topics
from rasad.common.messages import RawArticle
from rasad.common.settings import ServiceSettings, _comma_list
from rasad.common.topics import TOPICS, topic_name
from rasad.counting.redis_store import RedisCountStore

IntList = Annotated[tuple[int, ...], NoDecode, BeforeValidator(_comma_list)]
SPIKE_REPORTS = 6
TICK_S = 0.1
WARMUP_ARTICLES = 120


class BenchSettings(ServiceSettings):
    bench_loads: IntList = (50, 200, 1000)
    bench_seconds: IntList = (20, 15, 10)
    bench_ceiling_records: int = 20_000
    bench_output: Path = Path("docs/benchmarks")
    bench_profile: bool = True
    bench_drain_timeout_s: float = 240.0
    bench_alert_timeout_s: float = 100.0
    bench_alert_cycle_s: int = 2
    #: How often the alerting service runs its detection cycle (seconds).
    bench_alert_interval_s: float = 0.5
    #: Processor workers in one consumer group (the raw topic has 6 partitions).
    bench_processor_workers: int = Field(default=2, ge=1, le=6)
    #: Spikes per load, spread over its duration, each naming a weapon of its own.
    bench_spikes_per_load: int = Field(default=5, ge=1)


def send_paced(url: str, bodies: list[dict[str, Any]], per_s: int) -> dict[str, int]:
    """POST the bodies as batches every ``TICK_S`` at ``per_s`` (a 503 is retried)."""
    size = max(1, round(per_s * TICK_S))
    outcomes: dict[str, int] = {"accepted": 0, "retried": 0}
    with httpx.Client(timeout=60) as client, ThreadPoolExecutor(max_workers=8) as pool:

        def post(batch: list[dict[str, Any]]) -> None:
            for _ in range(20):
                response = client.post(f"{url}/v1/articles/batch", json=batch)
                if response.status_code == 200:
                    outcomes["accepted"] += len(batch)
                    return
                outcomes["retried"] += 1
                time.sleep(0.5)
            raise RasadError(f"ingest kept refusing a batch: {response.status_code} {response.text[:200]}")

        started = time.monotonic()
        futures = []
        for n, start in enumerate(range(0, len(bodies), size)):
            delay = started + n * TICK_S - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(post, bodies[start : start + size]))
        for future in futures:
            future.result()
    return outcomes


def wait_until(predicate: Any, timeout_s: float, services: list[processes.Service]) -> bool:
    """Poll ``predicate`` until true or the timeout; stop at once when a service died."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        for service in services:
            if service.process.poll() is not None:
                raise RasadError(f"{service.name} exited during the run; see {service.log}")
        time.sleep(0.2)
    return False


@dataclass(frozen=True)
class Spike:
    weapon: str
    ids: list[str]


def with_spikes(
    bodies: list[dict[str, Any]], level: int, count: int, tag: str
) -> tuple[list[dict[str, Any]], list[Spike]]:
    """The bodies with ``count`` spikes spread evenly over them, each of ``SPIKE_REPORTS`` short
    reports naming a weapon of its own."""
    weapons = workload.SPIKE_WEAPONS[level * count : (level + 1) * count]
    if len(weapons) < count:
        raise ConfigError(f"{len(workload.SPIKE_WEAPONS)} spike weapons are too few for this plan")
    out, step = list(bodies), len(bodies) // (count + 1)
    spikes: list[Spike] = []
    for k in reversed(range(count)):
        weapon, weapon_ar = weapons[k]
        reports = [
            workload.spike_report(weapon_ar, k * SPIKE_REPORTS + n, tag, seed=level)
            for n in range(SPIKE_REPORTS)
        ]
        out[(k + 1) * step : (k + 1) * step] = reports
        spikes.insert(0, Spike(weapon, [str(r["id"]) for r in reports]))
    return out, spikes


def run_level(
    settings: BenchSettings,
    level: int,
    load: int,
    seconds: int,
    services: list[processes.Service],
    watchers: observe.Watchers,
    corpus: list[workload.Sample],
    run: str,
) -> dict[str, Any]:
    tag = f"l{load}-{run}"
    plain = list(workload.articles(corpus, load * seconds, tag, seed=level))
    bodies, spikes = with_spikes(plain, level, settings.bench_spikes_per_load, tag)
    ids = [str(b["id"]) for b in bodies]
    timeline = watchers.timeline
    print(f"load {load}/s: {len(bodies)} articles over {seconds} s ...", flush=True)
    sent = send_paced(services[0].url, bodies, load)

    def all_counted() -> bool:
        with timeline.lock:
            return all(i in timeline.counted for i in ids)

    drained = wait_until(all_counted, settings.bench_drain_timeout_s, services)

    def fired(weapon: str) -> float | None:
        return next((t for t, key, status in timeline.alerts if key == weapon and status == "firing"), None)

    def all_alerted() -> bool:
        with timeline.lock:
            return all(fired(spike.weapon) is not None for spike in spikes)

    wait_until(all_alerted, settings.bench_alert_timeout_s, services)
    with timeline.lock:
        ingested = [timeline.ingested[i] for i in ids if i in timeline.ingested]
        enriched = [timeline.enriched[i] - timeline.ingested[i] for i in ids if i in timeline.enriched]
        counted = [timeline.counted[i] - timeline.ingested[i] for i in ids if i in timeline.counted]
        last_counted = max((timeline.counted[i] for i in ids if i in timeline.counted), default=None)
        alert_delays = [_alert_delay(timeline, spike, fired(spike.weapon)) for spike in spikes]
    sustained = rate(len(counted), min(ingested, default=None), last_counted)
    measured = [d for d in alert_delays if d is not None]
    return {
        "offered_per_s": load,
        "articles": len(bodies),
        "seconds": seconds,
        "accepted": sent["accepted"],
        "retried_batches": sent["retried"],
        "drained": drained,
        "ingested_per_s": rate(len(ingested), min(ingested, default=None), max(ingested, default=None)),
        "sustained_per_s": sustained,
        "latency": {"enriched": summary(enriched), "counted": summary(counted), "alert": summary(measured)},
        "alerts": {
            "spikes": len(spikes),
            "fired": len(measured),
            "per_spike": [
                {"weapon": spike.weapon, "latency_s": delay}
                for spike, delay in zip(spikes, alert_delays, strict=True)
            ],
        },
    }


def _alert_delay(timeline: observe.Timeline, spike: Spike, alert_at: float | None) -> float | None:
    """From the ingestion of the spike's last report to the emission of its firing alert."""
    last = max((timeline.ingested[i] for i in spike.ids if i in timeline.ingested), default=None)
    return None if alert_at is None or last is None else alert_at - last


def warm_up(
    settings: BenchSettings, services: list[processes.Service], watchers: observe.Watchers, corpus: list[Any]
) -> None:
    """A few articles through the whole pipeline before measuring: the workers have their
    partitions and the extraction data is loaded."""
    bodies = list(workload.articles(corpus, WARMUP_ARTICLES, "warmup"))
    send_paced(services[0].url, bodies, 100)
    ids = [str(b["id"]) for b in bodies]

    def all_counted() -> bool:
        with watchers.timeline.lock:
            return all(i in watchers.timeline.counted for i in ids)

    if not wait_until(all_counted, settings.bench_drain_timeout_s, services):
        raise RasadError("the warm-up articles were not all counted")


def raw_values(corpus: list[workload.Sample], count: int) -> list[bytes]:
    now = datetime.now(UTC)
    return [
        RawArticle.model_validate({**body, "ingested_at": now}).model_dump_json().encode()
        for body in workload.articles(corpus, count, "ceiling")
    ]


def main() -> int:
    settings = BenchSettings()
    run = uuid.uuid4().hex[:8]
    prefix, key_prefix = f"bench{run}.", f"bench{run}:"
    corpus = workload.load_corpus()
    work = Path(tempfile.mkdtemp(prefix="rasad-bench-"))
    print(f"corpus: {len(corpus)} articles; logs in {work}", flush=True)

    ceiling = transport.measure_ceiling(
        settings, f"bench{run}-ceiling.", raw_values(corpus, settings.bench_ceiling_records)
    )
    print(f"transport ceiling: {ceiling.end_to_end_per_s:.0f} records/s", flush=True)

    ensure_topics(settings, prefix)
    client = redis.Redis.from_url(
        settings.redis_url,
        password=settings.redis_password.get_secret_value() if settings.redis_password else None,
    )
    weapons = [w for w, _ in workload.SPIKE_WEAPONS]
    baseline.seed_history(RedisCountStore(client, key_prefix), time.time(), weapons)
    watchlist = work / "watchlist.yaml"
    watchlist.write_text(baseline.watchlist_yaml(weapons, settings.bench_alert_cycle_s), encoding="utf-8")
    env = {
        "RASAD_KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
        "RASAD_REDIS_URL": settings.redis_url,
        "RASAD_TOPIC_PREFIX": prefix,
        "RASAD_KEY_PREFIX": key_prefix,
        "RASAD_LOG_LEVEL": "WARNING",
        "RASAD_PROCESSOR_APP_ID": f"bench{run}",
        "RASAD_ALERTING_WATCHLIST": str(watchlist),
        "RASAD_ALERTING_CYCLE_SECONDS": str(settings.bench_alert_interval_s),
    }
    started: list[processes.Service] = []
    watchers = observe.Watchers(settings, prefix, key_prefix, client)
    levels = []
    profile_report: dict[str, Any] | None = None
    try:
        started.append(processes.start("ingest", env, work))
        for n in range(settings.bench_processor_workers):
            started.append(processes.start("processor", env, work, label=f"processor-{n}"))
        started.append(processes.start("alerting", env, work))
        watchers.start()
        processor = started[1]
        warm_up(settings, started, watchers, corpus)
        plan = list(zip(settings.bench_loads, settings.bench_seconds, strict=True))
        for level, (load, seconds) in enumerate(plan):
            profiler = None
            folded = work / "processor.folded"
            if settings.bench_profile and level == len(plan) - 1:
                profiler = profile.start_profiler(processor.process.pid, seconds + 20, folded)
            levels.append(run_level(settings, level, load, seconds, started, watchers, corpus, run))
            if profiler is not None:
                profiler.wait(timeout=120)
                if folded.is_file():
                    own, inclusive = profile.top_functions(folded.read_text(encoding="utf-8"))
                    profile_report = {"load": load, "own": own, "inclusive": inclusive}
    finally:
        watchers.stop()
        for service in reversed(started):
            service.stop()
        delete_topics(settings, [topic_name(t, prefix) for t in TOPICS])
        for key in client.scan_iter(match=f"{key_prefix}*", count=1000):
            client.delete(key)
        client.close()

    for level_result in levels:
        sustained = level_result["sustained_per_s"]
        level_result["ratio_to_transport"] = sustained / ceiling.end_to_end_per_s if sustained else None
    results = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": _cpus(), "python": sys.version.split()[0]},
        "processor_workers": settings.bench_processor_workers,
        "alert_interval_s": settings.bench_alert_interval_s,
        "transport": ceiling.__dict__,
        "levels": levels,
        "profile": profile_report,
    }
    out = settings.bench_output
    report.write_json(results, out / "e2e.json")
    report.plot(results, out / "e2e_latency.png")
    print()
    print(report.table(results))
    if profile_report:
        print(f"\nprocessor profile at {profile_report['load']}/s (share of samples, own time):")
        for name, share in profile_report["own"][:12]:
            print(f"  {share:6.1%}  {name}")
    print(f"\nwrote {out / 'e2e.json'} and {out / 'e2e_latency.png'}")
    return 0


def _cpus() -> int:
    import os

    return os.cpu_count() or 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RasadError as exc:
        print(f"rasad bench: {exc}", file=sys.stderr)
        sys.exit(2)
