"""The count store in memory: the same keys, operations and expiry as the Redis store.

Used by the offline detector (``rasad detect``) with the stream's event time as its clock,
and by unit tests. It mirrors ``record.lua`` step by step on a small keyspace of hashes,
sorted sets and sets, so both stores give the same counts for the same input.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rasad.counting.buckets import HOUR, MINUTE, WindowPlan
from rasad.counting.facts import ArticleFacts
from rasad.counting.keys import SEEN_FIELD, KeyLayout, mark_field
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

PURGE_EVERY_SECONDS = 600


class _Keyspace:
    """Hashes, sorted sets and sets with expiry times (ms), expired lazily and by purge."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self.values: dict[str, Any] = {}
        self.expiry: dict[str, int] = {}
        self._next_purge = 0.0

    def _now_ms(self) -> float:
        return self._clock() * 1000

    def get(self, key: str) -> Any:
        expiry = self.expiry.get(key)
        if expiry is not None and expiry <= self._now_ms():
            self.delete(key)
            return None
        return self.values.get(key)

    def ensure(self, key: str, factory: Callable[[], Any]) -> Any:
        value = self.get(key)
        if value is None:
            value = self.values[key] = factory()
        return value

    def delete(self, key: str) -> None:
        self.values.pop(key, None)
        self.expiry.pop(key, None)

    def expire_at(self, key: str, at_ms: int) -> None:
        self.expiry[key] = at_ms

    def extend(self, key: str, at_ms: int) -> None:
        """``PEXPIREAT NX`` then ``PEXPIREAT GT``: the later of the current and new expiry."""
        current = self.expiry.get(key)
        if current is None or at_ms > current:
            self.expiry[key] = at_ms

    def purge(self) -> None:
        now = self._clock()
        if now < self._next_purge:
            return
        self._next_purge = now + PURGE_EVERY_SECONDS
        now_ms = now * 1000
        for key in [k for k, at in self.expiry.items() if at <= now_ms]:
            self.delete(key)


class InMemoryCountStore:
    """:class:`rasad.counting.store.CountStore` in process memory."""

    def __init__(
        self,
        prefix: str = "rasad:",
        *,
        clock: Callable[[], float] = time.time,
        evidence_cap: int = DEFAULT_EVIDENCE_CAP,
    ) -> None:
        if evidence_cap < 1:
            raise ValueError("evidence_cap must be at least 1")
        self.layout = KeyLayout(prefix)
        self._clock = clock
        self._evidence_cap = evidence_cap
        self._space = _Keyspace(clock)

    def now(self) -> float:
        return self._clock()

    # -- writing: record.lua, step by step ---------------------------------------------

    def record_many(self, articles: Sequence[ArticleFacts]) -> list[bool]:
        return [self.record(article) for article in articles]

    def record(self, article: ArticleFacts) -> bool:
        expiry = expiry_ms(article, self.now())
        if expiry is None:
            return False
        self._space.purge()
        minute_expiry, hour_expiry = expiry
        lay, space, event_ms = self.layout, self._space, article.event_time * 1000
        minute, hour = MINUTE.start(article.event_time), HOUR.start(article.event_time)
        article_marks = space.ensure(lay.article_marks(article.article_id), dict)
        story_marks = space.ensure(lay.story_marks(article.story_id), dict)
        new_article = self._set_if_absent(article_marks, SEEN_FIELD, str(event_ms))
        if new_article:
            new_story = self._set_if_absent(story_marks, SEEN_FIELD, str(event_ms))
            fields = ("articles", "stories") if new_story else ("articles",)
            for field in fields:
                if minute_expiry:
                    self._bump(lay.totals(MINUTE, minute), field, minute_expiry)
                self._bump(lay.totals(HOUR, hour), field, hour_expiry)
        buckets = [(MINUTE, minute, minute_expiry)] if minute_expiry else []
        buckets.append((HOUR, hour, hour_expiry))
        for fact in article.facts:
            field = mark_field(fact.kind, fact.key)
            if not self._set_if_absent(article_marks, field, "1"):
                continue
            new_story_key = self._set_if_absent(story_marks, field, "1")
            for resolution, bucket, at in buckets:
                self._zincr(lay.counts(resolution, bucket, fact.kind, "a"), fact.key, at)
                if new_story_key:
                    self._zincr(lay.counts(resolution, bucket, fact.kind, "s"), fact.key, at)
                sources_key = lay.sources(resolution, bucket, fact.kind, fact.key)
                space.ensure(sources_key, set).add(article.source)
                space.expire_at(sources_key, at)
            if new_story_key:
                self._add_evidence(
                    lay.evidence(fact.kind, fact.key), evidence_member(article), event_ms, hour_expiry
                )
            names_key = lay.names(fact.kind)
            space.ensure(names_key, dict)[fact.key] = fact.name
            space.extend(names_key, hour_expiry)
        space.extend(lay.article_marks(article.article_id), hour_expiry)
        space.extend(lay.story_marks(article.story_id), hour_expiry)
        return new_article

    @staticmethod
    def _set_if_absent(marks: dict[str, str], field: str, value: str) -> bool:
        if field in marks:
            return False
        marks[field] = value
        return True

    def _bump(self, key: str, field: str, at: int) -> None:
        totals = self._space.ensure(key, dict)
        totals[field] = str(int(totals.get(field, "0")) + 1)
        self._space.expire_at(key, at)

    def _zincr(self, key: str, member: str, at: int) -> None:
        zset = self._space.ensure(key, dict)
        zset[member] = zset.get(member, 0.0) + 1
        self._space.expire_at(key, at)

    def _add_evidence(self, key: str, member: str, event_ms: int, at: int) -> None:
        zset: dict[str, float] = self._space.ensure(key, dict)
        zset[member] = float(event_ms)
        if len(zset) > self._evidence_cap:
            keep = sorted(zset.items(), key=lambda item: (item[1], item[0]))[-self._evidence_cap :]
            zset.clear()
            zset.update(keep)
        self._space.extend(key, at)

    # -- reading -----------------------------------------------------------------------

    def window_counts(self, kind: str, measure: Measure, plan: WindowPlan) -> dict[str, int]:
        code = measure_code(measure)
        sums: dict[str, float] = {}
        for res, bucket in plan.buckets:
            zset = self._space.get(self.layout.counts(res, bucket, kind, code))
            if zset:
                for member, score in zset.items():
                    sums[member] = sums.get(member, 0.0) + score
        return {member: int(score) for member, score in sums.items()}

    def distinct_sources(self, kind: str, key: str, plan: WindowPlan) -> int:
        union: set[str] = set()
        for res, bucket in plan.buckets:
            union |= self._space.get(self.layout.sources(res, bucket, kind, key)) or set()
        return len(union)

    def totals(self, plan: WindowPlan) -> Totals:
        articles = stories = 0
        for res, bucket in plan.buckets:
            row = self._space.get(self.layout.totals(res, bucket)) or {}
            articles += int(row.get("articles", 0))
            stories += int(row.get("stories", 0))
        return Totals(articles, stories)

    def top(self, kind: str, plan: WindowPlan, by: Measure, limit: int) -> list[KeyCount]:
        if limit < 1:
            return []
        chosen = ranked(self.window_counts(kind, by, plan), limit)
        other: Measure = "stories" if by == "articles" else "articles"
        other_counts = self.window_counts(kind, other, plan)
        names = self.names(kind, [k for k, _ in chosen])
        rows = []
        for key, count in chosen:
            articles, stories = (
                (count, other_counts.get(key, 0)) if by == "articles" else (other_counts.get(key, 0), count)
            )
            sources = self.distinct_sources(kind, key, plan)
            rows.append(KeyCount(kind, key, names.get(key, key), articles, stories, sources))
        return rows

    def evidence(self, kind: str, key: str, start: int, end: int, limit: int) -> list[EvidenceItem]:
        zset = self._space.get(self.layout.evidence(kind, key)) or {}
        low, high = start * 1000, end * 1000
        rows = sorted(
            ((m, s) for m, s in zset.items() if low <= s < high), key=lambda item: (item[1], item[0])
        )
        return [parse_evidence(member, score) for member, score in reversed(rows)][:limit]

    def names(self, kind: str, keys: Iterable[str]) -> dict[str, str]:
        table = self._space.get(self.layout.names(kind)) or {}
        return {key: table[key] for key in keys if key in table}

    def dump(self) -> dict[str, Any]:
        """Every live key with its content and expiry (ms), shaped like the Redis store's dump."""
        out: dict[str, Any] = {}
        for key in list(self._space.values):
            value = self._space.get(key)
            if not value:
                continue
            copied = set(value) if isinstance(value, set) else dict(value)
            out[key] = (copied, self._space.expiry.get(key, -1))
        return out
