"""The Redis store against the in-memory store, redelivery and restarts, on the real Redis."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time

import pytest
import redis

from rasad.counting.buckets import plan_named
from rasad.counting.facts import KINDS, ArticleFacts, Fact
from rasad.counting.memory_store import InMemoryCountStore
from rasad.counting.redis_store import RedisCountStore
from rasad.counting.store import CountStore

pytestmark = pytest.mark.integration

WINDOWS = ("15m", "1h", "24h", "7d")


def random_stream(now: int, count: int, seed: int) -> list[ArticleFacts]:
    """Articles over the last nine days: stories with copies, shared keys, several sources."""
    rng = random.Random(seed)
    keys = [(kind, f"{kind[0]}{i}") for kind in KINDS for i in range(6)] + [("keyword", "مسيرة")]
    articles = []
    for i in range(count):
        story = f"s{rng.randrange(count // 3)}"
        at = now - rng.randrange(9 * 86400 + 7200)  # some are already too old for any bucket
        chosen = rng.sample(keys, rng.randrange(0, 5))
        facts = tuple(Fact(kind, key, f"name of {key}") for kind, key in chosen)  # type: ignore[arg-type]
        articles.append(ArticleFacts(f"a{i}", story, f"src{rng.randrange(5)}", at, f"عنوان {i}", facts))
    return articles


def snapshot(store: CountStore, now: float) -> dict[str, object]:
    out: dict[str, object] = {}
    for window in WINDOWS:
        plan = plan_named(window, now, store.now())
        out[f"{window} totals"] = store.totals(plan)
        for kind in KINDS:
            for measure in ("articles", "stories"):
                counts = store.window_counts(kind, measure, plan)  # type: ignore[arg-type]
                out[f"{window} {kind} {measure}"] = counts
                for key in sorted(counts):
                    out[f"{window} {kind} {key} sources"] = store.distinct_sources(kind, key, plan)
            out[f"{window} {kind} top"] = store.top(kind, plan, "stories", 5)
            out[f"{window} {kind} evidence"] = [
                store.evidence(kind, k, plan.start, plan.end, 8) for k in ("e0", "w1")
            ]
    return out


def test_redis_and_memory_stores_count_alike(redis_client: redis.Redis, key_prefix: str) -> None:
    now = int(time.time())
    stream = random_stream(now, 600, seed=5)
    clock = lambda: float(now)  # noqa: E731 - one clock for both stores
    on_redis = RedisCountStore(redis_client, key_prefix, clock=clock)
    in_memory = InMemoryCountStore(key_prefix, clock=clock)
    for article in stream:
        assert on_redis.record(article) == in_memory.record(article)
    assert snapshot(on_redis, now) == snapshot(in_memory, now)
    assert on_redis.dump() == in_memory.dump()
    totals = on_redis.totals(plan_named("7d", now, now))
    assert 0 < totals.stories < totals.articles < 600


def test_redelivery_and_restarts_never_double_count(
    redis_client: redis.Redis, redis_url: str, key_prefix: str
) -> None:
    now = int(time.time())
    stream = random_stream(now, 300, seed=9)
    first = RedisCountStore(redis_client, key_prefix)
    for article in stream[:200]:
        first.record(article)
    # a restarted worker: a fresh client and store on the same prefix, redelivered input
    restarted = RedisCountStore.from_url(redis_url, key_prefix)
    for article in stream[150:] + stream[:50]:
        restarted.record(article)
    expected = InMemoryCountStore(key_prefix)
    for article in stream:
        expected.record(article)
    assert snapshot(restarted, now) == snapshot(expected, now)
    assert sum(restarted.record(a) for a in stream) == 0


def test_rasad_top_prints_the_table(redis_client: redis.Redis, redis_url: str, key_prefix: str) -> None:
    now = int(time.time())
    store = RedisCountStore(redis_client, key_prefix)
    for i in range(4):
        store.record(
            ArticleFacts(
                f"a{i}",
                "s1" if i < 3 else "s2",
                f"src{i}",
                now - 120,
                None,
                (Fact("entity", "Q159", "Russia"),),
            )
        )
    store.record(ArticleFacts("b", "s3", "src1", now - 60, None, (Fact("entity", "Q796", "Iraq"),)))
    env = {**os.environ, "RASAD_KEY_PREFIX": key_prefix, "RASAD_REDIS_URL": redis_url}
    result = subprocess.run(
        [sys.executable, "-m", "rasad.cli", "top", "--kind", "entity", "--window", "1h", "--by", "stories"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("top entity by stories, 1h window")
    assert lines[1].split() == ["#", "key", "name", "articles", "stories", "sources"]
    assert lines[2].split() == ["1", "Q159", "Russia", "4", "2", "4"]
    assert lines[3].split() == ["2", "Q796", "Iraq", "1", "1", "1"]


def test_batches_count_like_one_at_a_time_with_redelivery(redis_client: redis.Redis, key_prefix: str) -> None:
    now = int(time.time())
    stream = random_stream(now, 400, seed=13)
    clock = lambda: float(now)  # noqa: E731 - one clock for both stores
    batched = RedisCountStore(redis_client, key_prefix, clock=clock)
    expected = InMemoryCountStore(key_prefix, clock=clock)
    new_flags = [expected.record(article) for article in stream]
    # batches of uneven sizes, the second half redelivered overlapping batches already counted
    got: list[bool] = []
    for start in range(0, 300, 37):
        got += batched.record_many(stream[start : min(start + 37, 300)])
    assert got == new_flags[:300]
    assert batched.record_many(stream[250:]) == [False] * 50 + new_flags[300:]
    assert batched.record_many([]) == []
    assert snapshot(batched, now) == snapshot(expected, now)
    assert batched.dump() == expected.dump()
    assert expected.record_many(stream[:10]) == [False] * 10
