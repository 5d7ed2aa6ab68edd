"""The service's cycle and HTTP API on the in-memory count store (no network)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry

from rasad.alerting.api import create_app
from rasad.alerting.delivery import Dispatcher
from rasad.alerting.feed import AlertFeed
from rasad.alerting.metrics import AlertingMetrics, spike_score
from rasad.alerting.service import AlertingService, WatchSource
from rasad.alerting.watchlist import WatchlistFile
from rasad.common.messages import Alert
from rasad.counting.memory_store import InMemoryCountStore

from .spikes import SPIKE, STEADY, SyntheticStream, firing

NOW = 1_780_000_000 - 1_780_000_000 % 60

WATCHLIST = """
version: 1
entities: [{id: Q159, name: Russia}]
weapons: [{id: s-400, name: S-400}]
detector: {cycle: 1m}
"""


@dataclass
class Clock:
    now: float = NOW

    def __call__(self) -> float:
        return self.now


@dataclass
class Harness:
    service: AlertingService
    registry: CollectorRegistry
    clock: Clock
    path: Path
    delivered: list[Alert] = field(default_factory=list)

    def sample(self, name: str, **labels: str) -> float | None:
        return self.registry.get_sample_value(name, labels)


@dataclass
class CollectingSink:
    into: list[Alert]
    name: str = "kafka"

    def deliver(self, alert: Alert) -> None:
        self.into.append(alert)


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Harness]:
    path = tmp_path / "watch.yaml"
    path.write_text(WATCHLIST, encoding="utf-8")
    clock = Clock()
    store = InMemoryCountStore(clock=clock)
    for article in SyntheticStream(NOW).articles():
        store.record(article)
    registry = CollectorRegistry()
    metrics = AlertingMetrics.build(registry)
    delivered: list[Alert] = []
    dispatcher = Dispatcher([CollectingSink(delivered)], metrics, None, lambda: [])
    dispatcher.start()
    service = AlertingService(
        store, WatchSource(file=WatchlistFile(path)), metrics, AlertFeed(100), dispatcher, 1.0, clock
    )
    yield Harness(service, registry, clock, path, delivered)
    dispatcher.close()


def test_a_cycle_fires_once_per_spike_and_delivers_it(harness: Harness) -> None:
    alerts = harness.service.cycle()
    [alert] = firing(alerts, SPIKE.kind, SPIKE.key)
    assert firing(alerts, STEADY.kind, STEADY.key) == []
    assert alert.observed == 14 and alert.name == "S-400" and len(alert.article_ids) == 5
    harness.clock.now += 60
    assert firing(harness.service.cycle(), SPIKE.kind, SPIKE.key) == []
    assert harness.service.dispatcher.drain(5)
    assert harness.delivered == alerts
    assert [e.alert for e in harness.service.feed.entries()] == alerts
    assert harness.sample("rasad_alerting_alerts_total", severity=alert.severity, status="firing") == 1
    assert harness.sample("rasad_alerting_cycles_total", outcome="ok") == 2
    assert harness.sample("rasad_alerting_active_spikes") == 1


def test_gauges_label_watched_keys_and_event_types_only(harness: Harness) -> None:
    harness.service.cycle()
    [alert] = [a for a in harness.service.feed.entries() if a.alert.key == SPIKE.key]
    assert harness.sample("rasad_alerting_spike_score", kind="weapon", key="s-400") == pytest.approx(
        spike_score(alert.alert.p_value)
    )
    assert 0.0 <= harness.sample("rasad_alerting_spike_score", kind="entity", key="Q159") < 1.0  # type: ignore[operator]
    assert harness.sample("rasad_alerting_watched_stories", kind="weapon", key="s-400") == 14
    assert harness.sample("rasad_alerting_watched_stories", kind="event", key="strike") is not None
    assert harness.sample("rasad_alerting_spike_score", kind="event", key="strike") is None
    labelled = {
        (s.labels["kind"], s.labels["key"])
        for metric in harness.registry.collect()
        if metric.name == "rasad_alerting_spike_score"
        for s in metric.samples
    }
    assert labelled == {("weapon", "s-400"), ("entity", "Q159")}


def test_watchlist_edits_apply_at_the_next_cycle(harness: Harness) -> None:
    harness.service.cycle()
    harness.path.write_text(WATCHLIST.replace("weapons: [{id: s-400, name: S-400}]", "weapons: []"), "utf-8")
    harness.clock.now += 60
    harness.service.cycle()
    assert harness.sample("rasad_alerting_spike_score", kind="weapon", key="s-400") is None
    assert harness.sample("rasad_alerting_watchlist_valid") == 1
    harness.path.write_text("version: 1\nweapons: [{nope: 1}]\n", "utf-8")
    harness.clock.now += 60
    harness.service.cycle()
    assert harness.sample("rasad_alerting_watchlist_valid") == 0
    assert harness.sample("rasad_alerting_spike_score", kind="entity", key="Q159") is not None


def test_health_turns_bad_when_cycles_stop(harness: Harness) -> None:
    assert harness.service.health() == (True, "starting")
    harness.service.cycle()
    assert harness.service.health()[0]
    harness.clock.now += 31
    ok, detail = harness.service.health()
    assert not ok and "no successful detection cycle for 31s" in detail


@pytest.fixture
def client(harness: Harness) -> Iterator[TestClient]:
    with TestClient(create_app(harness.service, harness.registry, run_loop=False)) as test_client:
        yield test_client


def test_get_alerts_filters(client: TestClient, harness: Harness) -> None:
    harness.service.cycle()
    body = client.get("/alerts").json()
    assert body["count"] == 1 and body["alerts"][0]["key"] == "s-400" and body["last_event_id"] == 1
    assert client.get("/alerts", params={"kind": "weapon", "key": "s-400"}).json()["count"] == 1
    assert client.get("/alerts", params={"kind": "entity"}).json()["count"] == 0
    severity = body["alerts"][0]["severity"]
    assert client.get("/alerts", params=[("severity", "info"), ("severity", severity)]).json()["count"] == 1
    assert client.get("/alerts", params={"since": "2100-01-01T00:00:00"}).json()["count"] == 0
    assert client.get("/alerts", params={"since": "2000-01-01T00:00:00Z", "limit": 1}).json()["count"] == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "country"}, "query.kind"),
        ({"severity": "urgent"}, "query.severity"),
        ({"limit": "0"}, "query.limit"),
        ({"since": "yesterday"}, "query.since"),
    ],
)
def test_get_alerts_names_the_bad_field(client: TestClient, params: dict[str, str], field: str) -> None:
    response = client.get("/alerts", params=params)
    assert response.status_code == 422 and response.json()["error"].startswith(field)


def test_top_reads_the_counts(client: TestClient, harness: Harness) -> None:
    reply = client.get("/top", params={"kind": "weapon", "window": "1h"})
    # /top ends its window at wall time; the synthetic stream is far in the past or future.
    assert reply.status_code == 200 and reply.json()["kind"] == "weapon"
    assert client.get("/top", params={"window": "3 days"}).json()["error"].startswith("query.window")
    assert client.get("/top", params={"window": "30d"}).status_code == 422
    assert client.get("/top", params={"by": "words"}).json()["error"].startswith("query.by")


def test_health_and_metrics_endpoints(client: TestClient, harness: Harness) -> None:
    assert client.get("/healthz").status_code == 200
    harness.clock.now += 100
    assert client.get("/healthz").status_code == 503
    text = client.get("/metrics").text
    assert "rasad_alerting_cycles_total" in text
    assert "/alerts/stream" in client.get("/openapi.json").json()["paths"]


def test_stream_replays_missed_alerts_after_last_event_id(client: TestClient, harness: Harness) -> None:
    harness.service.cycle()
    seen: list[str] = []
    with client.stream("GET", "/alerts/stream", headers={"Last-Event-ID": "0"}) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            seen.append(line)
            if line.startswith("id: "):
                break
    assert seen[0] == "event: alert" and seen[-1] == "id: 1"
    assert Alert.model_validate_json(seen[1].removeprefix("data: ")).key == "s-400"
