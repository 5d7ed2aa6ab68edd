"""The detector gives the same alerts on the Redis store as on the in-memory store."""

from __future__ import annotations

import time

import pytest
import redis

from rasad.alerting.detector import Detector, DetectorConfig
from rasad.counting.memory_store import InMemoryCountStore
from rasad.counting.redis_store import RedisCountStore
from tests.unit.alerting.alerting_streams import HOUR, Spike, StreamBuilder, automatic

pytestmark = pytest.mark.integration


def test_same_stream_same_alerts(redis_client: redis.Redis, key_prefix: str) -> None:
    now = int(time.time()) // 60 * 60
    start = now // HOUR * HOUR - 9 * 24 * HOUR
    spikes = [
        Spike("entity", "SURGE", now // HOUR * HOUR - 10 * HOUR, hours=3, per_hour=6),
        Spike("keyword", "drones", now // HOUR * HOUR - 5 * HOUR, hours=2, per_hour=5),
    ]
    steady = [("entity", f"E{i}", 0.03 + 0.04 * i) for i in range(5)] + [("keyword", "k", 0.05)]
    stream = [
        a
        for a in StreamBuilder(seed=4, start=start, days=9, steady=steady, spikes=spikes).build()
        if a.event_time < now
    ]
    config = DetectorConfig(cycle=300)
    scope = automatic(config)
    clock = lambda: float(now)  # noqa: E731 - one clock for both stores
    stores = (
        RedisCountStore(redis_client, key_prefix, clock=clock),
        InMemoryCountStore(key_prefix, clock=clock),
    )
    for article in stream:
        for store in stores:
            store.record(article)
    detectors = [Detector(store, scope, config) for store in stores]
    results: list[list[dict[str, object]]] = [[], []]
    for at in range(now - 14 * HOUR, now + 1, config.cycle):
        for detector, result in zip(detectors, results, strict=True):
            result.extend(alert.model_dump() for alert in detector.run_cycle(at))
    on_redis, in_memory = results
    assert on_redis == in_memory
    assert sorted({(a["kind"], a["key"]) for a in on_redis if a["status"] == "firing"}) == [
        ("entity", "SURGE"),
        ("keyword", "drones"),
    ]
