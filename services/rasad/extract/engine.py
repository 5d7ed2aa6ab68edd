"""The extraction engine: one article's text in, its entities, weapons and events out.

Pure: no I/O beyond reading the packaged data files once per process. The automaton, the
gazetteer and the lexicon are built on first use and shared by every later call.

Steps: normalize (:mod:`rasad.extract.normalize`), one automaton pass
(:mod:`rasad.extract.matcher`), body detection (:mod:`rasad.extract.boilerplate`), longest
non-overlapping matches, context (capitals standing for governments, ambiguous names), people
from titles and given names (:mod:`rasad.extract.people`), then events.
"""

from __future__ import annotations

import bisect
import functools
import importlib
import importlib.util
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import numpy as np
from pydantic import TypeAdapter

from rasad.common.messages import Entity, Event, Extraction, Span, Weapon
from rasad.extract import gazetteer as gazetteer_module
from rasad.extract import lexicon as lexicon_module
from rasad.extract.boilerplate import body_spans
from rasad.extract.gazetteer import Gazetteer, Record
from rasad.extract.matcher import Automaton, Hit, build, key_text, match_key
from rasad.extract.normalize import Normalized, normalize
from rasad.extract.people import NameFinder, Person, person_id

__all__ = ["EXTRACTOR_VERSION", "Engine", "engine", "extract"]

EXTRACTOR_VERSION = "rasad-extract/1.0"

_PREVIOUS_WORD = re.compile(r"(\w+)\W{0,3}$")
_LOCATIVE_CLITIC = ("ب", "وب", "فب")
_SURNAME_CLITICS = ("", "و", "ف", "ب", "ل")


class Mention(NamedTuple):
    """A resolved mention: normalized span, and what it is."""

    start: int
    end: int
    kind: str  # "entity" or "weapon"
    key: str
    record: Record | None
    name: str


@dataclass(frozen=True)
class Engine:
    """Everything built once: gazetteer, automaton, name finder, locative words."""

    gazetteer: Gazetteer
    automaton: Automaton
    names: NameFinder
    locative: frozenset[str]
    locative_clitics: frozenset[str]
    countries: dict[str, str | None]
    facts: tuple[RecordFacts, ...]

    @classmethod
    def build(cls) -> Engine:
        gazetteer = gazetteer_module.load()
        lexicon = lexicon_module.load()
        automaton = build(gazetteer, lexicon)
        countries = {r.id: gazetteer.country_of(r.id) for r in gazetteer}
        return cls(
            gazetteer=gazetteer,
            automaton=automaton,
            names=NameFinder.build(lexicon),
            locative=frozenset(match_key(w) for w in lexicon.locative),
            locative_clitics=frozenset(match_key(w) for w in lexicon.locative_clitics),
            countries=countries,
            facts=tuple(_facts(r, gazetteer, countries) for r in automaton.records),
        )

    # -- the pass -------------------------------------------------------------------------

    def run(self, text: str, *, title: str | None = None) -> Analysis:
        normalized = normalize(text)
        keys = key_text(normalized.text)
        index = normalized.index
        scan = self.automaton.scan(keys)
        gazetteer_hits = [h for h in scan.gazetteer if h.target.case is None or _case_ok(text, index, h)]
        word_hits = scan.words
        tails = [index[h.start] for h in scan.tails]
        line_marks = [index[h.start] for h in scan.lines]
        body = body_spans(text, tails, line_marks)
        selected = _select(gazetteer_hits, len(keys))
        resolved = self._resolve(keys, selected)
        people = self._people(keys, text, index, word_hits, selected)
        mentions = [m for m in resolved + people if _inside(body, index[m.start])]
        return Analysis(text, normalized, body, mentions)

    def _resolve(self, keys: str, selected: list[tuple[int, list[Hit]]]) -> list[Mention]:
        facts = self.facts
        sure_countries = {facts[group[0].target.record].country for _, group in selected if len(group) == 1}
        mentions: list[Mention] = []
        for start, group in selected:
            hit = group[0] if len(group) == 1 else _choose(group, facts, sure_countries)
            fact = facts[hit.target.record]
            if fact.capital is not None and not self._locative(keys, hit):
                fact = fact.capital
            mentions.append(Mention(start, hit.end, fact.kind, fact.record.id, fact.record, fact.record.name))
        return mentions

    def _locative(self, keys: str, hit: Hit) -> bool:
        if hit.prefix in _LOCATIVE_CLITIC:
            return True
        word = _PREVIOUS_WORD.search(
            keys, max(0, hit.start - len(hit.prefix) - 30), hit.start - len(hit.prefix)
        )
        return word is not None and word.group(1) in self.locative

    def _people(
        self,
        keys: str,
        text: str,
        index: Sequence[int],
        word_hits: list[Hit],
        selected: list[tuple[int, list[Hit]]],
    ) -> list[Mention]:
        if not word_hits:
            return []
        facts = self.facts
        entities = [group[0] for _, group in selected]
        spans = [(h.start - len(h.prefix), h.end) for h in entities]
        known = frozenset(
            start for (start, _), h in zip(spans, entities, strict=True) if facts[h.target.record].person
        )
        found = self.names.find(keys, text, index, word_hits, spans, known)
        if not found:
            return []
        taken = _Taken(
            [(start, group[0].end) for start, group in selected] + [(p.start, p.end) for p in found]
        )
        full = {p.key.split(" ")[-1]: p.key for p in found if " " in p.key}
        mentions = [
            Mention(p.start, p.end, "entity", person_id(full.get(p.key, p.key)), None, full.get(p.key, p.key))
            for p in found
        ]
        for person in {p.key: p for p in found}.values():
            mentions.extend(_surname_mentions(keys, person, taken))
        return mentions


@dataclass(frozen=True)
class RecordFacts:
    """What the engine needs of a record at each match, computed once: the record, its mention
    kind, its country, whether it is a person, and the facts of the country its capital stands
    for."""

    record: Record
    kind: str
    country: str | None
    person: bool
    capital: RecordFacts | None


def _facts(record: Record, gazetteer: Gazetteer, countries: dict[str, str | None]) -> RecordFacts:
    capital = None
    if record.capital_of:
        capital = _facts(gazetteer.by_id[record.capital_of], gazetteer, countries)
    kind = "weapon" if record.type == "WEAPON" else "entity"
    return RecordFacts(record, kind, countries[record.id], record.type == "PERSON", capital)


@dataclass(frozen=True)
class Analysis:
    """What one pass found, before it becomes an :class:`Extraction`."""

    text: str
    normalized: Normalized
    body: list[tuple[int, int]]
    mentions: list[Mention]

    def spans(self, mentions: Sequence[Mention]) -> list[Span]:
        """The original spans of ``mentions`` (in text order), trimmed of trailing punctuation."""
        return [Span(**span) for span in self._spans(mentions)]

    def _spans(self, mentions: Sequence[Mention]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        text = self.text
        index = self.normalized.index
        for mention in sorted(mentions, key=_start_of):
            if mention.start >= mention.end:
                continue
            start, end = index[mention.start], index[mention.end]
            while end > start and not text[end - 1].isalnum():
                end -= 1
            if end > start:
                out.append({"text": text[start:end], "start": start, "end": end})
        return out

    def entities(self) -> list[Entity]:
        """The entities, validated in one call from plain data."""
        out: list[dict[str, Any]] = []
        for key, group in _grouped(self.mentions, "entity").items():
            record = group[0].record
            spans = self._spans(group)
            if not spans:
                continue
            if record is None:
                name = max(spans, key=_name_rank)["text"]
                out.append({"id": key, "name": name, "type": "PERSON", "mentions": spans})
            else:
                out.append(
                    {
                        "id": key,
                        "name": record.name,
                        "type": record.entity_type or "ORG",
                        "wikidata": record.wikidata,
                        "mentions": spans,
                    }
                )
        return _ENTITIES.validate_python(out)

    def weapons(self) -> list[Weapon]:
        """The weapon systems, validated in one call from plain data."""
        out: list[dict[str, Any]] = []
        for key, group in _grouped(self.mentions, "weapon").items():
            record = group[0].record
            if record is None or record.category is None:
                continue
            spans = self._spans(group)
            if spans:
                out.append(
                    {
                        "id": key,
                        "name": record.name,
                        "category": record.category,
                        "wikidata": record.wikidata,
                        "mentions": spans,
                    }
                )
        return _WEAPONS.validate_python(out)


_ENTITIES = TypeAdapter(list[Entity])
_WEAPONS = TypeAdapter(list[Weapon])


def _name_rank(span: dict[str, Any]) -> tuple[int, int]:
    """Longest name in words, the earliest among equals."""
    return len(span["text"].split()), -span["start"]


def _start_of(mention: Mention) -> int:
    return mention.start


def _grouped(mentions: Sequence[Mention], kind: str) -> dict[str, list[Mention]]:
    groups: dict[str, list[Mention]] = {}
    for mention in sorted(mentions, key=lambda m: m.start):
        if mention.kind == kind:
            groups.setdefault(mention.key, []).append(mention)
    return groups


def _span_start(hit: Hit) -> int:
    """Where the name starts: after the proclitics, keeping the article of an article key."""
    if hit.prefix.endswith("ال"):
        return hit.start - 2
    return hit.start


def _select(hits: Sequence[Hit], length: int) -> list[tuple[int, list[Hit]]]:
    """Gazetteer hits of a text of ``length`` characters, longest first, without overlaps;
    hits on the same span stay together. Each group comes with where its name starts
    (:func:`_span_start`), in text order."""
    spans: dict[tuple[int, int], list[Hit]] = {}
    for hit in hits:
        start = hit.start - 2 if hit.prefix.endswith("ال") else hit.start
        group = spans.get((start, hit.end))
        if group is None:
            spans[(start, hit.end)] = [hit]
        else:
            group.append(hit)
    taken = bytearray(length + 1)
    chosen: list[tuple[int, int]] = []
    for _, start, end in sorted([(start - end, start, end) for start, end in spans]):
        if taken.find(1, start, end) < 0:
            taken[start:end] = b"\x01" * (end - start)
            chosen.append((start, end))
    chosen.sort()
    return [(span[0], spans[span]) for span in chosen]


def _choose(group: list[Hit], facts: Sequence[RecordFacts], countries: set[str | None]) -> Hit:
    """One hit of a span shared by ambiguous records: the one whose country the article
    mentions unambiguously, else the first."""
    for hit in group:
        if facts[hit.target.record].country in countries:
            return hit
    return group[0]


def _case_ok(text: str, index: Sequence[int], hit: Hit) -> bool:
    original = text[index[hit.start] : index[hit.end]]
    return tuple(ch.isupper() for ch in original if ch.isalpha()) == hit.target.case


def _inside(body: Sequence[tuple[int, int]], pos: int) -> bool:
    i = bisect.bisect_right(body, (pos, 1 << 62)) - 1
    return i >= 0 and body[i][0] <= pos < body[i][1]


class _Taken:
    """Spans already taken; ``overlaps(start, end)`` says whether any of them meets ``[start, end)``."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        self.reach: list[int] = []  # the furthest end among the spans up to each one
        furthest = -1
        for _, end in spans:
            furthest = max(furthest, end)
            self.reach.append(furthest)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end)
        return i > 0 and self.reach[i - 1] > start


def _surname_mentions(keys: str, person: Person, taken: _Taken) -> list[Mention]:
    words = person.key.split(" ")
    if len(words) < 2 or len(words[-1]) < 3:
        return []
    surname = words[-1]
    out: list[Mention] = []
    pos = keys.find(surname)
    while pos >= 0:
        end = pos + len(surname)
        begin = pos
        while begin > 0 and keys[begin - 1].isalnum() and pos - begin < 2:
            begin -= 1
        ok = (end >= len(keys) or not keys[end].isalnum()) and keys[begin:pos] in _SURNAME_CLITICS
        ok = ok and (begin == 0 or not keys[begin - 1].isalnum())
        if ok and not taken.overlaps(pos, end):
            out.append(Mention(pos, end, "entity", person_id(person.key), None, person.key))
        pos = keys.find(surname, end)
    return out


_lock = threading.Lock()


@functools.cache
def engine() -> Engine:
    """The process's engine, built on first use."""
    with _lock:
        return Engine.build()


def _find_events(
    text: str,
    analysis: Analysis,
    entities: list[Entity],
    weapons: list[Weapon],
    lang: str,
    published_at: datetime | None,
) -> list[Event]:
    if importlib.util.find_spec("rasad.extract.events") is None:
        return []
    events = importlib.import_module("rasad.extract.events")
    found: list[Event] = events.find_events(
        text,
        analysis.normalized,
        entities,
        weapons,
        body_spans=analysis.body,
        lang=lang,
        published_at=published_at,
    )
    return found


def guess_lang(text: str) -> str:
    """``ar`` when Arabic letters outnumber Latin ones, else ``en``."""
    codes = np.frombuffer(text[:600].encode("utf-32-le", "surrogatepass"), dtype="<u4")
    arabic = int(np.count_nonzero((codes >= 0x0600) & (codes <= 0x06FF)))
    lower = codes | 0x20
    latin = int(np.count_nonzero((lower >= 0x61) & (lower <= 0x7A)))
    return "ar" if arabic >= latin else "en"


def extract(
    text: str,
    *,
    article_id: str,
    lang: str | None = None,
    title: str | None = None,
    published_at: datetime | None = None,
    with_events: bool = True,
) -> Extraction:
    """Entities, weapons and (with ``with_events``) events of one article."""
    analysis = engine().run(text, title=title)
    entities = analysis.entities()
    weapons = analysis.weapons()
    language = lang or guess_lang(text)
    events = _find_events(text, analysis, entities, weapons, language, published_at) if with_events else []
    return Extraction(
        id=article_id,
        lang=language,
        extractor_version=EXTRACTOR_VERSION,
        entities=entities,
        weapons=weapons,
        events=events,
    )
