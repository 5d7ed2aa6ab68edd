"""The interface both count stores implement, and the records they return."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from rasad.counting.buckets import HOUR, MINUTE, WindowPlan
from rasad.counting.facts import ArticleFacts

Measure = Literal["articles", "stories"]
MEASURES: tuple[Measure, ...] = ("articles", "stories")
DEFAULT_EVIDENCE_CAP = 8


@dataclass(frozen=True)
class Totals:
    articles: int
    stories: int


@dataclass(frozen=True)
class KeyCount:
    kind: str
    key: str
    name: str
    articles: int
    stories: int
    sources: int


@dataclass(frozen=True)
class EvidenceItem:
    article_id: str
    title: str | None
    event_time: int


class CountStore(Protocol):
    """Rolling counts per event-time bucket; see :mod:`rasad.counting.keys` for the layout."""

    def now(self) -> float:
        """The store's clock (seconds): wall time live, the stream's time offline."""
        ...

    def record(self, article: ArticleFacts) -> bool:
        """Count ``article`` once; True when the article was new. Redelivery counts nothing."""
        ...

    def record_many(self, articles: Sequence[ArticleFacts]) -> list[bool]:
        """:meth:`record` for each article in order (one round trip on Redis); the new flags."""
        ...

    def window_counts(self, kind: str, measure: Measure, plan: WindowPlan) -> dict[str, int]:
        """key -> count over the plan's buckets, for every key with a count."""
        ...

    def distinct_sources(self, kind: str, key: str, plan: WindowPlan) -> int: ...

    def totals(self, plan: WindowPlan) -> Totals: ...

    def top(self, kind: str, plan: WindowPlan, by: Measure, limit: int) -> list[KeyCount]:
        """The ``limit`` keys with the highest count, ties by key, with all three counts."""
        ...

    def evidence(self, kind: str, key: str, start: int, end: int, limit: int) -> list[EvidenceItem]:
        """The most recent new stories counted under the key with event time in [start, end)."""
        ...

    def names(self, kind: str, keys: Iterable[str]) -> dict[str, str]: ...


def measure_code(measure: Measure) -> str:
    return "a" if measure == "articles" else "s"


def evidence_member(article: ArticleFacts) -> str:
    return json.dumps([article.article_id, article.title], ensure_ascii=False)


def parse_evidence(member: str, event_ms: float) -> EvidenceItem:
    article_id, title = json.loads(member)
    return EvidenceItem(article_id=article_id, title=title, event_time=int(event_ms // 1000))


def expiry_ms(article: ArticleFacts, now: float) -> tuple[int, int] | None:
    """(minute bucket expiry, hour bucket expiry) in ms; minute 0 when gone; None when too old."""
    hour = HOUR.expires_at(HOUR.start(article.event_time))
    if hour <= now:
        return None
    minute = MINUTE.expires_at(MINUTE.start(article.event_time))
    return (minute * 1000 if minute > now else 0), hour * 1000


def ranked(counts: Mapping[str, int], limit: int) -> list[tuple[str, int]]:
    """The ``limit`` highest counts, ties broken by key."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
