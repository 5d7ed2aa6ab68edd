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

from rasad.common.messages import Entity, Event, Extraction, Span, Weapon
from rasad.extract import gazetteer as gazetteer_module
from rasad.extract import lexicon as lexicon_module
from rasad.extract.boilerplate import body_spans
from rasad.extract.gazetteer import Gazetteer, Record
from rasad.extract.matcher import Automaton, Hit, Kind, build, key_text, match_key
from rasad.extract.normalize import Normalized, normalize
from rasad.extract.people import NameFinder, Person, person_id

__all__ = ["EXTRACTOR_VERSION", "Engine", "engine", "extract"]

EXTRACTOR_VERSION = "rasad-extract/1.0"

_ARABIC = re.compile(r"[\u0600-\u06FF]")
_LATIN_LETTERS = re.compile(r"[A-Za-z]")
_PREVIOUS_WORD = re.compile(r"(\w+)\W{0,3}$")
_LOCATIVE_CLITIC = ("ب", "وب", "فب")
_SURNAME_CLITICS = ("", "و", "ف", "ب", "ل")


@dataclass(frozen=True)
class Mention:
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

    @classmethod
    def build(cls) -> Engine:
        gazetteer = gazetteer_module.load()
        lexicon = lexicon_module.load()
        return cls(
            gazetteer=gazetteer,
            automaton=build(gazetteer, lexicon),
            names=NameFinder.build(lexicon),
            locative=frozenset(match_key(w) for w in lexicon.locative),
            locative_clitics=frozenset(match_key(w) for w in lexicon.locative_clitics),
            countries={r.id: gazetteer.country_of(r.id) for r in gazetteer},
        )

    # -- the pass -------------------------------------------------------------------------

    def run(self, text: str, *, title: str | None = None) -> Analysis:
        normalized = normalize(text)
        keys = key_text(normalized.text)
        index = normalized.index
        hits = [h for h in self.automaton.hits(keys) if h.target.case is None or _case_ok(text, index, h)]
        tails = [index[h.start] for h in hits if h.target.kind == Kind.TAIL]
        line_marks = [index[h.start] for h in hits if h.target.kind == Kind.LINE]
        body = body_spans(text, tails, line_marks)
        selected = _select(hits)
        resolved = self._resolve(keys, selected)
        people = self._people(keys, text, index, hits, selected)
        mentions = [m for m in resolved + people if _inside(body, index[m.start])]
        return Analysis(text, normalized, body, mentions)

    def _resolve(self, keys: str, selected: list[list[Hit]]) -> list[Mention]:
        records = self.automaton.records
        countries = self.countries
        sure_countries = {
            countries[records[group[0].target.record].id] for group in selected if len(group) == 1
        }
        mentions: list[Mention] = []
        for group in selected:
            hit = _choose(group, records, countries, sure_countries)
            record = records[hit.target.record]
            start = _span_start(hit)
            if record.capital_of and not self._locative(keys, hit):
                record = self.gazetteer.by_id[record.capital_of]
            kind = "weapon" if record.type == "WEAPON" else "entity"
            mentions.append(Mention(start, hit.end, kind, record.id, record, record.name))
        return mentions

    def _locative(self, keys: str, hit: Hit) -> bool:
        if hit.prefix in _LOCATIVE_CLITIC:
            return True
        word = _PREVIOUS_WORD.search(
            keys, max(0, hit.start - len(hit.prefix) - 30), hit.start - len(hit.prefix)
        )
        return word is not None and word.group(1) in self.locative

    def _people(
        self, keys: str, text: str, index: Sequence[int], hits: list[Hit], selected: list[list[Hit]]
    ) -> list[Mention]:
        records = self.automaton.records
        entities = [group[0] for group in selected]
        spans = [(h.start - len(h.prefix), h.end) for h in entities]
        known = frozenset(
            start
            for (start, _), h in zip(spans, entities, strict=True)
            if records[h.target.record].type == "PERSON"
        )
        found = self.names.find(keys, text, index, hits, spans, known)
        if not found:
            return []
        taken = [(_span_start(h), h.end) for h in entities] + [(p.start, p.end) for p in found]
        full = {p.key.split(" ")[-1]: p.key for p in found if " " in p.key}
        mentions = [
            Mention(p.start, p.end, "entity", person_id(full.get(p.key, p.key)), None, full.get(p.key, p.key))
            for p in found
        ]
        for person in {p.key: p for p in found}.values():
            mentions.extend(_surname_mentions(keys, person, taken))
        return mentions


@dataclass(frozen=True)
class Analysis:
    """What one pass found, before it becomes an :class:`Extraction`."""

    text: str
    normalized: Normalized
    body: list[tuple[int, int]]
    mentions: list[Mention]

    def spans(self, mentions: Sequence[Mention]) -> list[Span]:
        out: list[Span] = []
        for mention in sorted(mentions, key=lambda m: m.start):
            start, end = self.normalized.to_original(mention.start, mention.end)
            end = _trim(self.text, start, end)
            if end > start:
                out.append(Span(text=self.text[start:end], start=start, end=end))
        return out

    def entities(self) -> list[Entity]:
        out: list[Entity] = []
        for key, group in _grouped(self.mentions, "entity").items():
            record = group[0].record
            spans = self.spans(group)
            if not spans:
                continue
            if record is None:
                out.append(Entity(id=key, name=_person_name(spans), type="PERSON", mentions=spans))
            else:
                entity_type = record.entity_type or "ORG"
                out.append(
                    Entity(
                        id=key, name=record.name, type=entity_type, wikidata=record.wikidata, mentions=spans
                    )
                )
        return out

    def weapons(self) -> list[Weapon]:
        out: list[Weapon] = []
        for key, group in _grouped(self.mentions, "weapon").items():
            record = group[0].record
            spans = self.spans(group)
            if record is None or record.category is None or not spans:
                continue
            out.append(
                Weapon(
                    id=key,
                    name=record.name,
                    category=record.category,
                    wikidata=record.wikidata,
                    mentions=spans,
                )
            )
        return out


def _grouped(mentions: Sequence[Mention], kind: str) -> dict[str, list[Mention]]:
    groups: dict[str, list[Mention]] = {}
    for mention in sorted(mentions, key=lambda m: m.start):
        if mention.kind == kind:
            groups.setdefault(mention.key, []).append(mention)
    return groups


def _person_name(spans: Sequence[Span]) -> str:
    return max(spans, key=lambda s: (len(s.text.split()), -s.start)).text


def _trim(text: str, start: int, end: int) -> int:
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return end


def _span_start(hit: Hit) -> int:
    """Where the name starts: after the proclitics, keeping the article of an article key."""
    if hit.prefix.endswith("ال"):
        return hit.start - 2
    return hit.start


def _select(hits: Sequence[Hit]) -> list[list[Hit]]:
    """Gazetteer hits, longest first, without overlaps; hits on the same span stay together."""
    spans: dict[tuple[int, int], list[Hit]] = {}
    for hit in hits:
        if hit.target.kind in (Kind.RECORD, Kind.DEMONYM):
            spans.setdefault((_span_start(hit), hit.end), []).append(hit)
    order = sorted(spans, key=lambda s: (s[0] - s[1], s[0]))
    taken: list[tuple[int, int]] = []
    chosen: list[tuple[int, int]] = []
    for start, end in order:
        i = bisect.bisect_left(taken, (start, end))
        if i > 0 and taken[i - 1][1] > start:
            continue
        if i < len(taken) and taken[i][0] < end:
            continue
        taken.insert(i, (start, end))
        chosen.append((start, end))
    return [spans[s] for s in sorted(chosen)]


def _choose(
    group: list[Hit], records: Sequence[Record], country_of: dict[str, str | None], countries: set[str | None]
) -> Hit:
    """One hit of a span shared by ambiguous records: the one whose country the article
    mentions unambiguously, else the first."""
    if len(group) == 1:
        return group[0]
    for hit in group:
        if country_of[records[hit.target.record].id] in countries:
            return hit
    return group[0]


def _case_ok(text: str, index: Sequence[int], hit: Hit) -> bool:
    original = text[index[hit.start] : index[hit.end]]
    return tuple(ch.isupper() for ch in original if ch.isalpha()) == hit.target.case


def _inside(body: Sequence[tuple[int, int]], pos: int) -> bool:
    i = bisect.bisect_right(body, (pos, 1 << 62)) - 1
    return i >= 0 and body[i][0] <= pos < body[i][1]


def _surname_mentions(keys: str, person: Person, taken: list[tuple[int, int]]) -> list[Mention]:
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
        if ok and not any(s < end and pos < e for s, e in taken):
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
    sample = text[:600]
    return "ar" if len(_ARABIC.findall(sample)) >= len(_LATIN_LETTERS.findall(sample)) else "en"


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
