"""Benchmark of the counting layer and the detector: ``python -m rasad.counting.bench``.

Prints, for the real Redis (``RASAD_REDIS_URL``) under a private key prefix deleted afterwards:

* Lua ``record`` calls per second for new articles and for redeliveries, against a baseline
  of ``PING`` round trips measured in the same run (the floor of any synchronous call);
* the in-memory store's records per second;
* the detector's cycle time with about 10,000 keys in the test window, on Redis and in
  memory, cold (baseline read) and warm (baseline cached), against the time of the cycle's
  raw count reads alone.
"""

from __future__ import annotations

import argparse
import random
import time
import uuid
from collections.abc import Callable, Sequence

import redis

from rasad.alerting.detector import Detector, DetectorConfig, cycle_windows
from rasad.alerting.watchlist import AutomaticSpec, WatchlistSpec, compile_watchlist
from rasad.common.settings import ServiceSettings
from rasad.counting.facts import ArticleFacts, Fact
from rasad.counting.memory_store import InMemoryCountStore
from rasad.counting.redis_store import RedisCountStore
from rasad.counting.store import CountStore


def articles(
    count: int, keys: int, now: int, span: int, seed: int, facts_per_article: int = 8
) -> list[ArticleFacts]:
    """Articles over ``span`` seconds before ``now``; key popularity is Zipf-like."""
    rng = random.Random(seed)
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(keys)]
    names = [f"Q{100 + rank}" for rank in range(keys)]
    out = []
    for i in range(count):
        chosen = set(rng.choices(names, weights, k=facts_per_article))
        facts = tuple(Fact("entity", key, f"entity {key}") for key in sorted(chosen))
        story = f"s{i // 2}" if rng.random() < 0.3 else f"s-{i}"
        out.append(
            ArticleFacts(
                f"a{seed}-{i}", story, f"src{rng.randrange(40)}", now - rng.randrange(span), None, facts
            )
        )
    return out


def rate(action: Callable[[], object], repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        action()
    return repeat / (time.perf_counter() - start)


def record_all(store: CountStore, items: Sequence[ArticleFacts]) -> float:
    start = time.perf_counter()
    for item in items:
        store.record(item)
    return len(items) / (time.perf_counter() - start)


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def raw_reads(store: CountStore, detector: Detector, now: float) -> None:
    windows = cycle_windows(now, detector.config, store.now())
    store.totals(windows.test)
    store.totals(windows.baseline)
    store.window_counts("entity", "stories", windows.test)
    store.window_counts("entity", "stories", windows.baseline)


def _cycle_at(detector: Detector, at: float) -> Callable[[], object]:
    return lambda: detector.run_cycle(at)


def bench_cycles(label: str, store: CountStore, now: int, cycles: int) -> None:
    config = DetectorConfig(kinds=("entity",))
    scope = compile_watchlist(
        WatchlistSpec(automatic=AutomaticSpec(enabled=True, min_stories=3), detector=config)
    )
    detector = Detector(store, scope, config)
    tested = len(detector.evaluate(cycle_windows(now, config, store.now())))
    reads = min(timed(lambda: raw_reads(store, detector, now)) for _ in range(3))
    detector = Detector(store, scope, config)
    cold = timed(lambda: detector.run_cycle(now))
    warm = min(timed(_cycle_at(detector, now + 60 * (i + 1))) for i in range(cycles))
    print(
        f"{label:<8} cycle, {tested} keys tested: cold {cold * 1000:8.1f} ms, warm {warm * 1000:8.1f} ms; "
        f"raw reads of test+baseline {reads * 1000:8.1f} ms (cold/raw {cold / reads:.2f}x)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=5000, help="articles for the record rates")
    parser.add_argument("--history", type=int, default=40000, help="articles over 8 days for the cycle bench")
    parser.add_argument("--hot", type=int, default=12000, help="articles in the last hour (test window)")
    parser.add_argument("--keys", type=int, default=20000, help="distinct keys")
    args = parser.parse_args(argv)

    settings = ServiceSettings()
    client = redis.Redis.from_url(settings.redis_url, decode_responses=True)
    prefix = f"bench:{uuid.uuid4().hex[:10]}:"
    now = int(time.time())
    try:
        print(f"redis {settings.redis_url}, prefix {prefix}")
        ping = rate(client.ping, 3000)
        on_redis = RedisCountStore(client, prefix)
        batch = articles(args.records, args.keys, now, 86400, seed=1)
        new = record_all(on_redis, batch)
        again = record_all(on_redis, batch)
        facts = sum(len(a.facts) for a in batch) / len(batch)
        print(f"PING round trips          {ping:9.0f}/s  (baseline)")
        print(
            f"record, new articles      {new:9.0f}/s  ({new / ping:.2f}x PING; {facts:.1f} facts per article)"
        )
        print(f"record, redeliveries      {again:9.0f}/s  ({again / ping:.2f}x PING)")
        memory = InMemoryCountStore(prefix, clock=lambda: float(now))
        print(f"in-memory record          {record_all(memory, batch):9.0f}/s")

        history = articles(args.history, args.keys, now - 3 * 3600, 8 * 86400 - 4 * 3600, seed=2)
        hot = articles(args.hot, args.keys, now, 3600, seed=3)
        fill = RedisCountStore(client, prefix + "c2:", clock=lambda: float(now))
        fill_memory = InMemoryCountStore(prefix + "c2:", clock=lambda: float(now))
        start = time.perf_counter()
        for item in history + hot:
            fill.record(item)
            fill_memory.record(item)
        took = time.perf_counter() - start
        print(f"filled {len(history) + len(hot)} articles into both stores in {took:.0f}s")
        bench_cycles("redis", fill, now, cycles=3)
        bench_cycles("memory", fill_memory, now, cycles=3)
    finally:
        keys = list(client.scan_iter(match=f"{prefix}*", count=5000))
        for i in range(0, len(keys), 5000):
            client.delete(*keys[i : i + 5000])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
