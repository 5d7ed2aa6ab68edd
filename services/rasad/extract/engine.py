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
from typing import Any, NamedTuple, TypeVar

from pydantic import BaseModel

from rasad.common.messages import Entity, Event, Extraction, Span, Weapon
from rasad.extract import gazetteer as gazetteer_module
from rasad.extract import lexicon as lexicon_module
from rasad.extract.boilerplate import body_spans
from rasad.extract.gazetteer import Gazetteer, Record
from rasad.extract.headed import Headed, HeadFinder, headed_id
from rasad.extract.lexicon import Lexicon
from rasad.extract.matcher import ANY, PREFIXES, Automaton, Hit, build, key_text, match_key
from rasad.extract.normalize import Normalized, normalize
from rasad.extract.people import Covered, NameFinder, Person, person_id

__all__ = ["EXTRACTOR_VERSION", "Engine", "engine", "extract"]

EXTRACTOR_VERSION = "rasad-extract/1.0"

_PREVIOUS_WORD = re.compile(r"(\w+)\W{0,3}$")
_LOCATIVE_CLITIC = ("ب", "وب", "فب")
_SURNAME_CLITICS = ("", "و", "ف", "ب", "ل")
_DATELINE_END = re.compile(r" ?,| {2}")  # a comma, or a dash (a space in the key text) between spaces


class Mention(NamedTuple):
    """A resolved mention: normalized span, and what it is."""

    start: int
    end: int
    kind: str  # "entity" or "weapon"
    key: str
    record: Record | None
    name: str
    type: str = "PERSON"


@dataclass(frozen=True)
class Engine:
    """Everything built once: gazetteer, automaton, name finder, locative words."""

    gazetteer: Gazetteer
    automaton: Automaton
    names: NameFinder
    heads: HeadFinder
    locative: frozenset[str]
    locative_clitics: frozenset[str]
    countries: dict[str, str | None]
    facts: tuple[RecordFacts, ...]
    headless: dict[str, int]
    is_person: tuple[bool, ...]

    @classmethod
    def build(cls) -> Engine:
        gazetteer = gazetteer_module.load()
        lexicon = lexicon_module.load()
        automaton = build(gazetteer, lexicon)
        countries = {r.id: gazetteer.country_of(r.id) for r in gazetteer}
        facts = tuple(_facts(r, gazetteer, countries) for r in automaton.records)
        return cls(
            gazetteer=gazetteer,
            automaton=automaton,
            names=NameFinder.build(lexicon),
            heads=HeadFinder.build(lexicon),
            locative=frozenset(match_key(w) for w in lexicon.locative),
            locative_clitics=frozenset(match_key(w) for w in lexicon.locative_clitics),
            countries=countries,
            facts=facts,
            headless=_headless(automaton.records, lexicon),
            is_person=tuple(fact.person for fact in facts),
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
        selected = _select(gazetteer_hits)
        collected = _Collector(text, index, body)
        spans, matched, known, persons = self._matched_spans(selected)
        self._resolve(keys, selected, persons, collected)
        headed = self._headed(keys, text, index, scan.heads, matched, spans)
        for mention in headed:
            name = mention.name if mention.record is None else None
            collected.add(
                mention.start, mention.end, mention.kind, mention.key, mention.record, mention.type, name
            )
        spans += [(m.start, m.end) for m in headed]
        people = self._people(keys, text, index, word_hits, matched, sorted(spans), known)
        for mention in sorted(people, key=_start_of):
            collected.add(mention.start, mention.end, "entity", mention.key, None, "PERSON")
        return Analysis(text, normalized, body, collected.groups())

    def _matched_spans(
        self, selected: list[tuple[int, list[Hit]]]
    ) -> tuple[list[tuple[int, int]], list[tuple[int, int]], frozenset[int], list[Hit]]:
        """Of the selected gazetteer matches: their spans with their proclitics, their spans
        from where their names start, where the people among them start (with proclitics), and
        the people's first hits."""
        is_person = self.is_person
        spans: list[tuple[int, int]] = []
        matched: list[tuple[int, int]] = []
        known: list[int] = []
        persons: list[Hit] = []
        for start, group in selected:
            first = group[0]
            begin = first.start - len(first.prefix)
            spans.append((begin, first.end))
            matched.append((start, first.end))
            if is_person[first.target.record]:
                known.append(begin)
                persons.append(first)
        return spans, matched, frozenset(known), persons

    def _headed(
        self,
        keys: str,
        text: str,
        index: Sequence[int],
        head_hits: list[Hit],
        matched: list[tuple[int, int]],
        spans: list[tuple[int, int]],
    ) -> list[Mention]:
        """Organizations and places recognized from their head noun, and later mentions of
        their names alone."""
        if not head_hits:
            return []
        found = self.heads.find(keys, text, index, head_hits, Covered(spans))
        if not found:
            return []
        taken = _Taken(matched + [(h.start, h.end) for h in found])
        mentions = [self._headed_mention(h, h.start, h.end) for h in found]
        for item in {h.key: h for h in found}.values():
            if not item.key[-1].isdigit():
                mentions.extend(self._headed_mention(item, a, b) for a, b in _repeats(keys, item.key, taken))
        return sorted(mentions, key=_start_of)

    def _resolve(
        self, keys: str, selected: list[tuple[int, list[Hit]]], persons: list[Hit], collected: _Collector
    ) -> None:
        """Add the record each selected group stands for to ``collected``, in text order;
        ``persons`` are the first hits of the groups that are people."""
        facts = self.facts
        context = _Selection(keys, selected, persons, facts)
        text, index, body, by_key = collected.text, collected.index, collected.body, collected.by_key
        part, part_count = 0, len(body)
        for start, group in selected:
            begin = index[start]
            while part < part_count and body[part][1] <= begin:
                part += 1
            if part == part_count:
                return
            if begin < body[part][0]:
                continue
            hit = group[0] if len(group) == 1 else _choose(group, facts, context.sure_countries())
            fact = facts[hit.target.record]
            if fact.capital is not None and not self._locative(keys, hit):
                fact = fact.capital
            if fact.kind == "weapon" and (
                self._after_given_name(keys, start) or keys[hit.start : hit.end] in context.surnames()
            ):
                continue
            entry = by_key.get(fact.id)
            if entry is None:
                entry = by_key[fact.id] = (start, Group(fact.id, fact.kind, fact.record, [], fact.type))
            stop = index[hit.end]
            while stop > begin and not text[stop - 1].isalnum():
                stop -= 1
            if stop > begin:
                entry[1].spans.append(_span(text[begin:stop], begin, stop))

    def _after_given_name(self, keys: str, start: int) -> bool:
        """A weapon's name right after a given name, or that is the family name of a person the
        article names, is that family name (جون كيربي ... قال كيربي, not Kirpi)."""
        # The match of ``_PREVIOUS_WORD`` ends one character early only before a final newline.
        if keys[start - 1 : start] != "\n":
            return False
        word = _PREVIOUS_WORD.search(keys, max(0, start - 30), start)
        return word is not None and word.end() == start - 1 and word.group(1) in self.names.given

    def _locative(self, keys: str, hit: Hit) -> bool:
        if hit.prefix in _LOCATIVE_CLITIC or _dateline(keys, hit):
            return True
        return _previous_word(keys, hit.start - len(hit.prefix)) in self.locative

    def _headed_mention(self, item: Headed, start: int, end: int) -> Mention:
        """A mention of a name found from its head noun: the gazetteer record whose alias is
        that head with that name (``ناحية القائم`` → Al-Qa'im, known as ``قضاء القائم``), else a
        new entity."""
        known = self.headless.get(item.key)
        if known is not None:
            fact = self.facts[known]
            return Mention(start, end, fact.kind, fact.id, fact.record, fact.record.name, fact.type)
        return Mention(start, end, "entity", headed_id(item.type, item.key), None, item.name, item.type)

    def _people(
        self,
        keys: str,
        text: str,
        index: Sequence[int],
        word_hits: list[Hit],
        matched: list[tuple[int, int]],
        spans: list[tuple[int, int]],
        known: frozenset[int],
    ) -> list[Mention]:
        """People from titles and given names; ``matched`` are the selected gazetteer matches'
        spans, ``spans`` the known names' spans (gazetteer matches with their proclitics, and
        names found from their head noun), ``known`` where the gazetteer's people start."""
        if not word_hits:
            return []
        found = self.names.find(keys, text, index, word_hits, spans, known)
        if not found:
            return []
        taken = _Taken(matched + [(p.start, p.end) for p in found])
        full = {p.key.split(" ")[-1]: p.key for p in found if " " in p.key}
        mentions = [
            Mention(p.start, p.end, "entity", person_id(full.get(p.key, p.key)), None, full.get(p.key, p.key))
            for p in found
        ]
        for person in {p.key: p for p in found}.values():
            mentions.extend(_surname_mentions(keys, person, taken))
        return mentions


class _Selection:
    """What the selected gazetteer matches of an article say as a whole, computed when first
    needed: how often each country is mentioned unambiguously, and the family names of the
    people the gazetteer knows (``persons``, their first hits). Plain attributes rather than
    ``functools.cached_property``, which takes a lock at each first read in Python 3.11."""

    def __init__(
        self,
        keys: str,
        selected: list[tuple[int, list[Hit]]],
        persons: list[Hit],
        facts: Sequence[RecordFacts],
    ) -> None:
        self.keys = keys
        self.selected = selected
        self.persons = persons
        self.facts = facts
        self._countries: dict[str | None, int] | None = None
        self._surnames: set[str] | None = None

    def sure_countries(self) -> dict[str | None, int]:
        if self._countries is None:
            facts = self.facts
            counts: dict[str | None, int] = {}
            for _, group in self.selected:
                if len(group) == 1:
                    country = facts[group[0].target.record].country
                    counts[country] = counts.get(country, 0) + 1
            self._countries = counts
        return self._countries

    def surnames(self) -> set[str]:
        if self._surnames is None:
            keys = self.keys
            self._surnames = {keys[hit.start : hit.end].rsplit(" ", 1)[-1] for hit in self.persons}
        return self._surnames


@dataclass(frozen=True)
class RecordFacts:
    """What the engine needs of a record at each match, computed once: the record, its mention
    kind, its country, whether it is a person, and the facts of the country its capital stands
    for."""

    record: Record
    id: str
    kind: str
    type: str
    country: str | None
    person: bool
    capital: RecordFacts | None


def _previous_word(keys: str, end: int) -> str | None:
    """The word that ``_PREVIOUS_WORD.search(keys, max(0, end - 30), end)`` finds (its group),
    without the regular expression: the last run of word characters before ``end`` within 30
    characters, when at most three other characters (or four, the last a newline) follow it."""
    low = max(0, end - 30)
    stop = end
    while stop > low and not keys[stop - 1].isalnum():
        stop -= 1
    gap = end - stop
    if stop == low or (gap > 3 and not (gap == 4 and keys[end - 1] == "\n")):
        return None
    begin = stop - 1
    while begin > low and keys[begin - 1].isalnum():
        begin -= 1
    return keys[begin:stop]


def _dateline(keys: str, hit: Hit) -> bool:
    """A capital opening a line before a dash or a comma (``دمشق -``, ``WASHINGTON, March 23``):
    the place the story is filed from, not its government."""
    start = hit.start - len(hit.prefix)
    if start > 0 and keys[keys.rfind("\n", 0, start) + 1 : start].strip():
        return False
    return _DATELINE_END.match(keys, hit.end) is not None


def _headless(records: Sequence[Record], lexicon: Lexicon) -> dict[str, int]:
    """Names of places and organizations whose alias starts with a head noun, without it
    (``قضاء القائم`` → ``القايم``), to the record's index; names claimed twice are left out."""
    heads = {match_key(h) for h in (*lexicon.heads.place, *lexicon.heads.org, *lexicon.heads.org_quoted)}
    out: dict[str, int] = {}
    clashes: set[str] = set()
    for position, record in enumerate(records):
        if record.type not in ("PLACE", "ORG"):
            continue
        for alias in record.aliases():
            key = match_key(alias)
            for head in heads:
                if key.startswith(head + " ") and len(key) > len(head) + 3:
                    rest = key[len(head) + 1 :]
                    if out.get(rest, position) != position:
                        clashes.add(rest)
                    out[rest] = position
    for rest in clashes:
        del out[rest]
    return out


def _facts(record: Record, gazetteer: Gazetteer, countries: dict[str, str | None]) -> RecordFacts:
    capital = None
    if record.capital_of:
        capital = _facts(gazetteer.by_id[record.capital_of], gazetteer, countries)
    kind = "weapon" if record.type == "WEAPON" else "entity"
    entity_type = record.entity_type or "ORG"
    return RecordFacts(
        record, record.id, kind, entity_type, countries[record.id], record.type == "PERSON", capital
    )


class Group(NamedTuple):
    """The mentions of one entity or weapon in the body: its id, ``entity`` or ``weapon``, its
    gazetteer record (None for a name found from context), its entity type and, for a name
    found from its head noun, its name; and its spans in the original text, in text order, as
    plain data."""

    key: str
    kind: str
    record: Record | None
    spans: list[Span]
    type: str | None = None
    name: str | None = None


class _Collector:
    """Mentions, added in text order within each key, kept when they start inside the body and
    grouped by key; :meth:`groups` orders the groups by their first mention."""

    def __init__(self, text: str, index: Sequence[int], body: list[tuple[int, int]]) -> None:
        self.text = text
        self.index = index
        self.body = body
        self.by_key: dict[str, tuple[int, Group]] = {}

    def add(
        self,
        start: int,
        end: int,
        kind: str,
        key: str,
        record: Record | None,
        entity_type: str | None = None,
        name: str | None = None,
    ) -> None:
        index = self.index
        begin = index[start]
        body = self.body
        i = bisect.bisect_right(body, (begin, _FAR)) - 1
        if i < 0 or not body[i][0] <= begin < body[i][1]:
            return
        entry = self.by_key.get(key)
        if entry is None:
            entry = self.by_key[key] = (start, Group(key, kind, record, [], entity_type, name))
        if start >= end:
            return
        text = self.text
        stop = index[end]
        while stop > begin and not text[stop - 1].isalnum():
            stop -= 1
        if stop > begin:
            entry[1].spans.append(_span(text[begin:stop], begin, stop))

    def groups(self) -> list[Group]:
        entries = sorted(self.by_key.values(), key=_first_of)  # stable: earlier additions first on ties
        return [group for _, group in entries]


def _first_of(entry: tuple[int, Group]) -> int:
    return entry[0]


@dataclass(frozen=True)
class Analysis:
    """What one pass found, before it becomes an :class:`Extraction`."""

    text: str
    normalized: Normalized
    body: list[tuple[int, int]]
    groups: list[Group]

    def entity_data(self) -> list[dict[str, Any]]:
        """The entities as plain data, each with the fields it sets."""
        out: list[dict[str, Any]] = []
        for key, kind, record, spans, entity_type, name in self.groups:
            if kind != "entity" or not spans:
                continue
            if record is None:
                if name is None:
                    name = max(spans, key=_name_rank).text
                out.append({"id": key, "name": name, "type": entity_type or "PERSON", "mentions": spans})
            else:
                out.append(
                    {
                        "id": key,
                        "name": record.name,
                        "type": entity_type or "ORG",
                        "wikidata": record.wikidata,
                        "mentions": spans,
                    }
                )
        return out

    def weapon_data(self) -> list[dict[str, Any]]:
        """The weapon systems as plain data."""
        out: list[dict[str, Any]] = []
        for key, kind, record, spans, _, _ in self.groups:
            if kind != "weapon" or record is None or record.category is None or not spans:
                continue
            out.append(
                {
                    "id": key,
                    "name": record.name,
                    "category": record.category,
                    "wikidata": record.wikidata,
                    "mentions": spans,
                }
            )
        return out

    def entities(self) -> list[Entity]:
        """The entities, built from :meth:`entity_data` without validation (:func:`_built`)."""
        return [_built(Entity, item) for item in self.entity_data()]

    def weapons(self) -> list[Weapon]:
        """The weapon systems, built from :meth:`weapon_data` without validation (:func:`_built`)."""
        return [_built(Weapon, item) for item in self.weapon_data()]


def _built(model: type[_Item], data: dict[str, Any]) -> _Item:
    """An entity or weapon from its plain data, as pydantic's ``model_construct`` builds it
    (the fields given are the fields set, ``wikidata`` defaults to None, ``mentions`` is a new
    list), without validation: every value is valid by construction (ids and names are
    non-empty, types, categories and QIDs come from the validated gazetteer or are literals of
    this module, spans are slices of the text). Validation was about a twentieth of the
    engine's time; a test checks on every article that what is built equals what validating the
    same data gives."""
    fields = _FIELDS[model]
    # When the data gives every field it writes them in the model's order.
    values = dict(data) if len(data) == len(fields) else {field: data.get(field) for field in fields}
    values["mentions"] = list(data["mentions"])
    item = _new_model(model)
    _set(item, "__dict__", values)
    _set_fields_set(item, set(data))
    _set_extra(item, None)
    _set_private(item, None)
    return item


def _name_rank(span: Span) -> tuple[int, int]:
    """Longest name in words, the earliest among equals."""
    return len(span.text.split()), -span.start


_new_span = Span.__new__
_new_model = object.__new__
_set = object.__setattr__
# pydantic keeps these in slots of BaseModel: set through their descriptors, which skips the
# look-up of the name that ``object.__setattr__`` makes (a sixth of a span's cost).
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__
_Item = TypeVar("_Item", Entity, Weapon)
# Every field of each model, in its order; each has a default of None or is always given.
_FIELDS: dict[type[BaseModel], tuple[str, ...]] = {
    model: tuple(model.model_fields) for model in (Entity, Weapon)
}


def _span(text: str, start: int, end: int) -> Span:
    """A mention's span as :meth:`Span.model_construct` builds it, without its generic handling
    of defaults and aliases (a span has neither), and without validation: ``text`` is a slice
    of the article and ``0 <= start <= end`` by construction. The spans are about half the cost
    of building an extraction when validated one by one; a test checks that spans built so
    equal validated ones."""
    span = _new_span(Span)
    _set(span, "__dict__", {"text": text, "start": start, "end": end})
    _set_fields_set(span, {"text", "start", "end"})
    _set_extra(span, None)
    _set_private(span, None)
    return span


def _start_of(mention: Mention) -> int:
    return mention.start


def _span_start(hit: Hit) -> int:
    """Where the name starts: after the proclitics, keeping the article of an article key."""
    if hit.prefix.endswith("ال"):
        return hit.start - 2
    return hit.start


def _select(hits: Sequence[Hit]) -> list[tuple[int, list[Hit]]]:
    """Gazetteer hits, longest first, without overlaps; hits on the same span stay together.
    Each group comes with where its name starts (:func:`_span_start`), in text order.

    Spans are taken longest first (the earliest among equals) where they overlap no span taken
    before; that choice only depends on the spans a span overlaps, so it is made within each run
    of overlapping spans, and a span that overlaps nothing is taken as it is."""
    spans: dict[tuple[int, int], list[Hit]] = {}
    get = spans.get
    article = _ARTICLE_PREFIXES
    for hit in hits:
        start, end, prefix, _ = hit
        span = (start - 2, end) if prefix in article else (start, end)
        group = get(span)
        if group is None:
            spans[span] = [hit]
        else:
            group.append(hit)
    chosen: list[tuple[int, list[Hit]]] = []
    run: list[tuple[int, int]] = []
    reach = -1
    for span in sorted(spans):
        if span[0] < reach:
            run.append(span)
            if span[1] > reach:
                reach = span[1]
            continue
        if len(run) == 1:
            chosen.append((run[0][0], spans[run[0]]))
        elif run:
            chosen.extend((taken[0], spans[taken]) for taken in _longest_apart(run))
        run = [span]
        reach = span[1]
    if len(run) == 1:
        chosen.append((run[0][0], spans[run[0]]))
    elif run:
        chosen.extend((taken[0], spans[taken]) for taken in _longest_apart(run))
    return chosen


# The prefixes that end in the article: a key after one starts two characters earlier.
_ARTICLE_PREFIXES = frozenset(p for p in PREFIXES[ANY] if p[-2:] == "ال")


def _longest_apart(run: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans of a run of overlapping spans taken longest first (earliest among equals) where
    they overlap none taken before, in text order."""
    taken: list[tuple[int, int]] = []
    for _, start, end in sorted([(start - end, start, end) for start, end in run]):
        for other_start, other_end in taken:
            if start < other_end and other_start < end:
                break
        else:
            taken.append((start, end))
    taken.sort()
    return taken


def _choose(group: list[Hit], facts: Sequence[RecordFacts], countries: dict[str | None, int]) -> Hit:
    """One hit of a span shared by ambiguous records: the one whose country the article
    mentions most often unambiguously (``وزارة الدفاع`` in an article about Iraq), else the first."""
    best, best_count = group[0], 0
    for hit in group:
        count = countries.get(facts[hit.target.record].country, 0)
        if count > best_count:
            best, best_count = hit, count
    return best


def _case_ok(text: str, index: Sequence[int], hit: Hit) -> bool:
    original = text[index[hit.start] : index[hit.end]]
    return tuple(ch.isupper() for ch in original if ch.isalpha()) == hit.target.case


_FAR = 1 << 62


def _inside(body: Sequence[tuple[int, int]], pos: int) -> bool:
    i = bisect.bisect_right(body, (pos, _FAR)) - 1
    return i >= 0 and body[i][0] <= pos < body[i][1]


class _Taken:
    """Spans already taken; ``overlaps(start, end)`` says whether any of them meets ``[start, end)``."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        self.reach: list[int] = []  # the furthest end among the spans up to each one
        furthest = -1
        reach = self.reach
        for _, end in spans:
            if end > furthest:
                furthest = end
            reach.append(furthest)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end)
        return i > 0 and self.reach[i - 1] > start


def _repeats(keys: str, name: str, taken: _Taken) -> list[tuple[int, int]]:
    """Further occurrences of ``name`` in ``keys`` as a whole word (after a one-letter
    proclitic at most) outside the ``taken`` spans."""
    out: list[tuple[int, int]] = []
    pos = keys.find(name)
    while pos >= 0:
        end = pos + len(name)
        begin = pos
        while begin > 0 and keys[begin - 1].isalnum() and pos - begin < 2:
            begin -= 1
        ok = (end >= len(keys) or not keys[end].isalnum()) and keys[begin:pos] in _SURNAME_CLITICS
        ok = ok and (begin == 0 or not keys[begin - 1].isalnum())
        if ok and not taken.overlaps(pos, end):
            out.append((pos, end))
        pos = keys.find(name, end)
    return out


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


# In UTF-8 a character of the Arabic block (U+0600-U+06FF) starts with one of the bytes D8-DB,
# which no other character's bytes contain, and an ASCII letter is its own byte.
_NOT_ARABIC_LEAD = bytes(b for b in range(256) if not 0xD8 <= b <= 0xDB)
_NOT_LATIN = bytes(b for b in range(256) if not (0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A))


def guess_lang(text: str) -> str:
    """``ar`` when the first 600 characters hold at least as many letters of the Arabic block
    as ASCII letters, else ``en``. Counted on the UTF-8 bytes (see ``_NOT_ARABIC_LEAD``)."""
    head = text[:600].encode("utf-8", "surrogatepass")
    arabic = len(head.translate(None, _NOT_ARABIC_LEAD))
    latin = len(head.translate(None, _NOT_LATIN))
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
