"""The count store on Redis: writes through one Lua script, reads with pipelines."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from importlib import resources
from typing import Any

import redis

from rasad.counting.buckets import HOUR, MINUTE, WindowPlan
from rasad.counting.facts import ArticleFacts
from rasad.counting.keys import KeyLayout, mark_field
from rasad.counting.store import (
    DEFAULT_EVIDENCE_CAP,
    EvidenceItem,
    KeyCount,
    Measure,
    Totals,
    evidence_member,
    expiry_ms,
    measure_code,
    parse_evidence,
    ranked,
)

SCRATCH_TTL_MS = 60_000


def record_script_source() -> str:
    return resources.files("rasad.counting").joinpath("record.lua").read_text(encoding="utf-8")


class RedisCountStore:
    """:class:`rasad.counting.store.CountStore` on Redis (7.0+).

    ``client`` must decode responses (``decode_responses=True``); :meth:`from_url` builds one.
    """

    def __init__(
        self,
        client: redis.Redis,
        prefix: str = "rasad:",
        *,
        clock: Callable[[], float] = time.time,
        evidence_cap: int = DEFAULT_EVIDENCE_CAP,
    ) -> None:
        if evidence_cap < 1:
            raise ValueError("evidence_cap must be at least 1")
        self._redis = client
        self.layout = KeyLayout(prefix)
        self._clock = clock
        self._evidence_cap = evidence_cap
        self._script = client.register_script(record_script_source())

    @classmethod
    def from_url(cls, url: str, prefix: str = "rasad:", **options: Any) -> RedisCountStore:
        password = options.pop("password", None)
        client = redis.Redis.from_url(url, decode_responses=True, password=password)
        return cls(client, prefix, **options)

    def now(self) -> float:
        return self._clock()

    # -- writing -----------------------------------------------------------------------

    def record(self, article: ArticleFacts) -> bool:
        return self.record_many([article])[0]

    def record_many(self, articles: Sequence[ArticleFacts]) -> list[bool]:
        """One script call per article (each atomic), all sent in one pipeline."""
        now = self.now()
        expiries = [expiry_ms(article, now) for article in articles]
        due = [(article, expiry) for article, expiry in zip(articles, expiries, strict=True) if expiry]
        if not due:
            return [False] * len(articles)
        pipe = self._redis.pipeline(transaction=False)
        for article, (minute_expiry, hour_expiry) in due:
            keys, args = self._record_keys(article), self._record_args(article, minute_expiry, hour_expiry)
            self._script(keys=keys, args=args, client=pipe)
        replies = iter(pipe.execute())
        return [bool(int(next(replies)[0])) if expiry else False for expiry in expiries]

    def _record_keys(self, article: ArticleFacts) -> list[str]:
        lay = self.layout
        minute, hour = MINUTE.start(article.event_time), HOUR.start(article.event_time)
        keys = [
            lay.article_marks(article.article_id),
            lay.story_marks(article.story_id),
            lay.totals(MINUTE, minute),
            lay.totals(HOUR, hour),
        ]
        for fact in article.facts:
            for resolution, bucket in ((MINUTE, minute), (HOUR, hour)):
                keys += [
                    lay.counts(resolution, bucket, fact.kind, "a"),
                    lay.counts(resolution, bucket, fact.kind, "s"),
                    lay.sources(resolution, bucket, fact.kind, fact.key),
                ]
            keys += [lay.evidence(fact.kind, fact.key), lay.names(fact.kind)]
        return keys

    def _record_args(self, article: ArticleFacts, minute_expiry: int, hour_expiry: int) -> list[str | int]:
        args: list[str | int] = [
            minute_expiry,
            hour_expiry,
            article.source,
            article.event_time * 1000,
            evidence_member(article),
            self._evidence_cap,
        ]
        for fact in article.facts:
            args += [mark_field(fact.kind, fact.key), fact.key, fact.name]
        return args

    # -- reading -----------------------------------------------------------------------

    def _count_keys(self, kind: str, measure: Measure, plan: WindowPlan) -> list[str]:
        code = measure_code(measure)
        return [self.layout.counts(res, bucket, kind, code) for res, bucket in plan.buckets]

    def window_counts(self, kind: str, measure: Measure, plan: WindowPlan) -> dict[str, int]:
        keys = self._count_keys(kind, measure, plan)
        if not keys:
            return {}
        rows = self._redis.zunion(keys, withscores=True)
        return {str(member): int(score) for member, score in rows}

    def distinct_sources(self, kind: str, key: str, plan: WindowPlan) -> int:
        keys = [self.layout.sources(res, bucket, kind, key) for res, bucket in plan.buckets]
        return len(self._redis.sunion(keys)) if keys else 0

    def totals(self, plan: WindowPlan) -> Totals:
        pipe = self._redis.pipeline(transaction=False)
        for res, bucket in plan.buckets:
            pipe.hmget(self.layout.totals(res, bucket), "articles", "stories")
        articles = stories = 0
        for row in pipe.execute():
            articles += int(row[0] or 0)
            stories += int(row[1] or 0)
        return Totals(articles, stories)

    def top(self, kind: str, plan: WindowPlan, by: Measure, limit: int) -> list[KeyCount]:
        keys = self._count_keys(kind, by, plan)
        if not keys or limit < 1:
            return []
        scratch = self.layout.scratch(uuid.uuid4().hex)
        pipe = self._redis.pipeline(transaction=True)
        pipe.zunionstore(scratch, keys)
        pipe.pexpire(scratch, SCRATCH_TTL_MS)
        pipe.zrevrange(scratch, limit - 1, limit - 1, withscores=True)
        _, _, last = pipe.execute()
        threshold = last[0][1] if last else 1
        leaders = self._redis.zrangebyscore(scratch, threshold, "+inf", withscores=True)
        self._redis.delete(scratch)
        chosen = ranked({str(k): int(v) for k, v in leaders}, limit)
        return self._complete(kind, plan, by, chosen)

    def _complete(
        self, kind: str, plan: WindowPlan, by: Measure, chosen: list[tuple[str, int]]
    ) -> list[KeyCount]:
        if not chosen:
            return []
        other: Measure = "stories" if by == "articles" else "articles"
        pipe = self._redis.pipeline(transaction=False)
        for key in self._count_keys(kind, other, plan):
            pipe.zmscore(key, [k for k, _ in chosen])
        sums = [0] * len(chosen)
        for scores in pipe.execute():
            for i, score in enumerate(scores):
                sums[i] += int(score or 0)
        names = self.names(kind, [k for k, _ in chosen])
        rows = []
        for (key, count), other_count in zip(chosen, sums, strict=True):
            articles, stories = (count, other_count) if by == "articles" else (other_count, count)
            sources = self.distinct_sources(kind, key, plan)
            rows.append(KeyCount(kind, key, names.get(key, key), articles, stories, sources))
        return rows

    def evidence(self, kind: str, key: str, start: int, end: int, limit: int) -> list[EvidenceItem]:
        rows = self._redis.zrevrangebyscore(
            self.layout.evidence(kind, key),
            f"({end * 1000}",
            start * 1000,
            start=0,
            num=limit,
            withscores=True,
        )
        return [parse_evidence(str(member), score) for member, score in rows]

    def names(self, kind: str, keys: Iterable[str]) -> dict[str, str]:
        wanted = list(keys)
        if not wanted:
            return {}
        values = self._redis.hmget(self.layout.names(kind), wanted)
        return {k: str(v) for k, v in zip(wanted, values, strict=True) if v is not None}

    def dump(self) -> dict[str, Any]:
        """Every key of the layout with its content and expiry (ms): for tests and debugging."""
        out: dict[str, Any] = {}
        for key in self._redis.scan_iter(match=self.layout.pattern(), count=1000):
            kind = self._redis.type(key)
            if kind == "hash":
                value: Any = self._redis.hgetall(key)
            elif kind == "zset":
                value = {m: float(s) for m, s in self._redis.zrange(key, 0, -1, withscores=True)}
            elif kind == "set":
                value = set(self._redis.smembers(key))
            else:
                value = self._redis.get(key)
            out[key] = (value, int(self._redis.execute_command("PEXPIRETIME", key)))
        return out
