"""What one enriched article contributes to the counts: a pure function of the article.

Kinds of facts:

* ``entity`` and ``weapon``: each extracted entity or weapon, keyed by its id;
* ``event``: each event type the article states (strike, arms_transfer, cooperation);
* ``keyword``: each watched keyword found in the title, the text (when given) and the
  mention texts, as the watchlist's vocabulary matches them;
* ``pair``: actors co-occurring in the article's story: the watchlist's pairs whose two
  members are both present, plus (automatic pairs) every pair among the article's most
  mentioned actors (entities other than places, and weapons). A pair's key is its two member
  references (``entity:Q159``, ``weapon:...``, ``keyword:...``) sorted and joined by ``+``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from itertools import combinations
from typing import Literal, Protocol
from urllib.parse import urlsplit

from rasad.common.errors import InputError
from rasad.common.messages import EnrichedArticle
from rasad.counting.buckets import epoch_seconds

Kind = Literal["entity", "weapon", "keyword", "event", "pair"]
KINDS: tuple[Kind, ...] = ("entity", "weapon", "keyword", "event", "pair")
PAIR_JOINER = "+"
UNKNOWN_SOURCE = "unknown"

#: A ``published_at`` later than ``ingested_at`` by more than this is not trusted.
MAX_CLOCK_SKEW = timedelta(minutes=10)
#: Automatic pairs are formed among at most this many actors of an article.
DEFAULT_PAIR_ACTORS = 6


@dataclass(frozen=True)
class Fact:
    kind: Kind
    key: str
    name: str


@dataclass(frozen=True)
class ArticleFacts:
    """One article reduced to what the counts need."""

    article_id: str
    story_id: str
    source: str
    event_time: int
    title: str | None
    facts: tuple[Fact, ...]


class Vocabulary(Protocol):
    """What a watchlist adds to the facts: keyword matches and named pairs."""

    def keyword_facts(self, texts: Sequence[str]) -> list[Fact]: ...

    def pair_facts(self, present: Mapping[str, str]) -> list[Fact]: ...


def ref(kind: str, key: str) -> str:
    """A member reference as pairs use it: ``entity:Q159``."""
    return f"{kind}:{key}"


def pair_fact(members: Mapping[str, str], name: str | None = None) -> Fact:
    """The pair fact of two member references (ref -> display name)."""
    ordered = sorted(members)
    return Fact("pair", PAIR_JOINER.join(ordered), name or " + ".join(members[r] for r in ordered))


def event_time_of(article: EnrichedArticle) -> int:
    """``published_at`` unless missing or later than ``ingested_at`` (+ skew), else ``ingested_at``."""
    published, ingested = article.published_at, article.ingested_at
    if published is not None and published.tzinfo is None:
        published = published.replace(tzinfo=ingested.tzinfo if ingested else None)
    if published is not None and (
        ingested is None or epoch_seconds(published) <= epoch_seconds(ingested + MAX_CLOCK_SKEW)
    ):
        return int(epoch_seconds(published))
    if ingested is not None:
        return int(epoch_seconds(ingested))
    raise InputError(f"article {article.id}: neither published_at nor ingested_at is set, no event time")


def source_of(article: EnrichedArticle) -> str:
    if article.source:
        return article.source
    if article.url:
        host = urlsplit(article.url).hostname
        if host:
            return host.removeprefix("www.")
    return UNKNOWN_SOURCE


def _dedupe(facts: Iterable[Fact]) -> tuple[Fact, ...]:
    seen: dict[tuple[str, str], Fact] = {}
    for fact in facts:
        seen.setdefault((fact.kind, fact.key), fact)
    return tuple(seen.values())


def _texts(article: EnrichedArticle, text: str | None) -> list[str]:
    texts = [t for t in (article.title, text) if t]
    for item in article.entities:
        texts.append(item.name)
        texts.extend(span.text for span in item.mentions)
    for weapon in article.weapons:
        texts.append(weapon.name)
        texts.extend(span.text for span in weapon.mentions)
    for event in article.events:
        texts.extend(span.text for span in event.evidence)
    return texts


def _actors(article: EnrichedArticle, limit: int) -> dict[str, str]:
    ranked = [(len(e.mentions), ref("entity", e.id), e.name) for e in article.entities if e.type != "PLACE"]
    ranked += [(len(w.mentions), ref("weapon", w.id), w.name) for w in article.weapons]
    ranked.sort(key=lambda item: (-item[0], item[1]))
    actors: dict[str, str] = {}
    for _, reference, name in ranked:
        if len(actors) == limit:
            break
        actors.setdefault(reference, name)
    return actors


def article_facts(
    article: EnrichedArticle,
    vocabulary: Vocabulary | None = None,
    *,
    text: str | None = None,
    pair_actors: int = DEFAULT_PAIR_ACTORS,
) -> ArticleFacts:
    """The facts to count for ``article``; ``text`` is its body when the caller has it."""
    facts: list[Fact] = [Fact("entity", e.id, e.name) for e in article.entities]
    facts += [Fact("weapon", w.id, w.name) for w in article.weapons]
    facts += [Fact("event", e.type, e.type) for e in article.events]
    keywords = vocabulary.keyword_facts(_texts(article, text)) if vocabulary else []
    facts += keywords
    present = {ref(f.kind, f.key): f.name for f in facts if f.kind in ("entity", "weapon", "keyword")}
    if vocabulary:
        facts += vocabulary.pair_facts(present)
    if pair_actors > 1:
        actors = _actors(article, pair_actors)
        facts += [pair_fact({a: actors[a], b: actors[b]}) for a, b in combinations(sorted(actors), 2)]
    return ArticleFacts(
        article_id=article.id,
        story_id=article.story_id or article.id,
        source=source_of(article),
        event_time=event_time_of(article),
        title=article.title,
        facts=_dedupe(facts),
    )
