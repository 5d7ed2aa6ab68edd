"""One multi-pattern automaton over the normalized text: gazetteer names, demonyms, titles,
given names and boilerplate markers, found in a single pass on word boundaries with their
Arabic clitics, longest match first.

Keys are stored as normalized by :func:`match_key`. An Arabic key whose first word carries the
article (``العراق``) is stored without it (``عراق``) and then requires a prefix that ends in the
article or is ``لل`` (``بالعراق``, ``والعراق``, ``للعراق``); a key without the article accepts
the one-letter proclitics and their pairs (``لروسيا``, ``وبروسيا``); demonyms accept either.

Word boundaries and clitics are in the automaton, not checked per occurrence: it reads the
:func:`boundary_text` of the text (every character that is not a letter or digit as a space,
one space before and after), and holds each key as ``" " + prefix + key + " "`` for every prefix
the key allows. An occurrence therefore starts and ends on a word boundary and its whole
proclitic run is an allowed prefix. Keys with spaces or punctuation are compared with the text
once found, since the boundary text no longer tells a space from a comma.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final, NamedTuple

import ahocorasick
import numpy as np

from rasad.extract.gazetteer import Gazetteer, Record
from rasad.extract.lexicon import Lexicon
from rasad.extract.normalize import normalize_term

__all__ = ["Automaton", "Hit", "Kind", "boundary_text", "build", "match_key", "targets"]

_ARABIC = re.compile(r"[\u0600-\u06FF]")
_DASH_TO_SPACE = str.maketrans({"-": " ", "_": " "})
_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_]) (?=\d)|(?<=\d) (?=[^\W\d_])")
_LETTER_DIGIT_JOIN = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
_SPACES = re.compile(r" +")

# How a key may be preceded inside its word.
LATIN, PLAIN, ARTICLE, ANY = 0, 1, 2, 3
_CLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك")
_ARTICLES = ("ال", "وال", "فال", "بال", "كال", "وبال", "فبال", "وكال", "لل", "ولل", "فلل")
PREFIXES: dict[int, frozenset[str]] = {
    LATIN: frozenset({""}),
    PLAIN: frozenset(_CLITICS),
    ARTICLE: frozenset(_ARTICLES),
    ANY: frozenset(_CLITICS + _ARTICLES),
}
_NISBA_SUFFIXES = ("", "ه", "ين", "ون", "ان")


class Kind:
    RECORD: Final = 0
    DEMONYM: Final = 1
    TITLE_RANK: Final = 2
    TITLE_ROLE: Final = 3
    GIVEN: Final = 4
    TAIL: Final = 5
    LINE: Final = 6
    LOCATIVE: Final = 7
    STOP: Final = 8
    JOINER: Final = 9
    SKIP: Final = 10
    HEAD_ORG: Final = 11  # an armed group's name follows (كتائب ..., سرايا ...)
    HEAD_ORG_QUOTED: Final = 12  # a quoted name follows (وكالة «...», مجموعة "...")
    HEAD_PLACE: Final = 13  # a place name follows (قضاء ..., town of ...)
    HEAD_PLACE_AFTER: Final = 14  # a place name comes before (... neighborhood)
    HEAD_UNIT: Final = 15  # a unit number follows (اللواء 45)
    HEAD_PLACE_BARE: Final = 16  # a place name without the article follows (منطقة رميلان)


@dataclass(frozen=True, slots=True)
class Target:
    """What a key stands for: its kind, key length, record index (or -1), prefix rule and,
    for case-sensitive aliases, the upper-case pattern of the alias's letters. A class with
    slots rather than a named tuple: its fields are read at every hit, and a slot is read
    faster (and natively when compiled)."""

    kind: int
    length: int
    record: int
    rule: int
    case: tuple[bool, ...] | None


class Hit(NamedTuple):
    """A validated occurrence in the normalized text: ``[start, end)`` of the key, the
    clitic/article prefix before it, and its target."""

    start: int
    end: int
    prefix: str
    target: Target


def match_key(term: str) -> str:
    """A term as the automaton stores it: normalized, dashes as spaces, single spaces."""
    return _SPACES.sub(" ", normalize_term(term).translate(_DASH_TO_SPACE)).strip()


def key_text(normalized_text: str) -> str:
    """The normalized text as the automaton reads it (same length)."""
    return normalized_text.replace("-", " ").replace("_", " ")


def _spellings(key: str) -> set[str]:
    return {key, _LETTER_DIGIT.sub("", key), _LETTER_DIGIT_JOIN.sub(" ", key)}


def _case_pattern(alias: str) -> tuple[bool, ...]:
    return tuple(ch.isupper() for ch in alias if ch.isalpha())


def _forms(term: str, *, nisba: bool = False) -> Iterator[tuple[str, int]]:
    """(key, prefix rule) pairs for one term."""
    for key in _spellings(match_key(term)):
        if not key:
            continue
        if not _ARABIC.match(key):
            yield key, LATIN
            continue
        has_article = key.startswith("ال") and len(key.split(" ")[0]) > 3
        core = key[2:] if has_article else key
        if nisba:
            for suffix in _NISBA_SUFFIXES:
                yield core + suffix, ANY
        elif has_article:
            yield core, ARTICLE
        else:
            yield key, PLAIN


@functools.cache
def _alnum() -> np.ndarray:
    """Whether each Basic Multilingual Plane character is a letter or digit (``str.isalnum``)."""
    return np.array([chr(c).isalnum() for c in range(0x10000)], dtype=bool)


_SPACE = ord(" ")


def boundary_text(text: str) -> str:
    """``text`` (a :func:`key_text`) as the automaton reads it: every character that is not a
    letter or digit as a space, with one space added before and after (so two characters longer)."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    out = np.full(codes.size + 2, _SPACE, dtype="<u4")
    if codes.size:
        if int(codes.max()) < 0x10000:
            keep = _alnum().take(codes)
        else:
            keep = np.fromiter((ch.isalnum() for ch in text), dtype=bool, count=codes.size)
        out[1:-1] = np.where(keep, codes, _SPACE)
    return out.tobytes().decode("utf-32-le", "surrogatepass")


def _boundary_key(key: str) -> str:
    return "".join(ch if ch.isalnum() else " " for ch in key)


class _Entry(NamedTuple):
    """One target of a padded key: the key's length, the prefix before it, the target, the
    key itself when the text must be compared with it (it has spaces or punctuation), and the
    target's kind (read once per hit without going through the target)."""

    length: int
    prefix: str
    target: Target
    check: str | None
    kind: int


@dataclass
class Automaton:
    """The built automaton, the records its targets point at, and the lexicon it came from."""

    automaton: ahocorasick.Automaton
    records: tuple[Record, ...]

    def hits(self, text: str) -> list[Hit]:
        """Every key occurrence of ``text`` (a :func:`key_text`) that sits on word boundaries."""
        return self._scan(text, split=False)[0]

    def scan(self, text: str) -> Scan:
        """The hits of :meth:`hits`, sorted by kind as they are found."""
        return Scan(*self._scan(text, split=True))

    def _scan(
        self, text: str, *, split: bool
    ) -> tuple[list[Hit], list[Hit], list[Hit], list[Hit], list[Hit]]:
        gazetteer: list[Hit] = []
        words: list[Hit] = gazetteer if not split else []
        tails: list[Hit] = gazetteer if not split else []
        lines: list[Hit] = gazetteer if not split else []
        heads: list[Hit] = gazetteer if not split else []
        by_kind = (gazetteer, gazetteer, words, words, words, tails, lines, *([heads] * 10))
        new = tuple.__new__
        # A padded key ending at ``last`` of the boundary text ends at ``last - 1`` of ``text``.
        for last, entries in self.automaton.iter(boundary_text(text)):
            end = last - 1
            for length, prefix, target, check, kind in entries:
                start = end - length
                if check is None or text[start:end] == check:
                    by_kind[kind].append(new(Hit, (start, end, prefix, target)))
        if not split:
            return gazetteer, [], [], [], []
        return gazetteer, words, tails, lines, heads


class Scan(NamedTuple):
    """Hits of one text by kind: gazetteer records and demonyms, title and given-name words,
    tail markers, line markers, head nouns of organizations and places."""

    gazetteer: list[Hit]
    words: list[Hit]
    tails: list[Hit]
    lines: list[Hit]
    heads: list[Hit]


def _add(table: dict[str, list[Target]], key: str, target: Target) -> None:
    targets = table.setdefault(key, [])
    if target not in targets:
        targets.append(target)


def _record_targets(table: dict[str, list[Target]], index: int, record: Record) -> None:
    cased = set(record.cased)
    for alias in record.aliases():
        case = _case_pattern(alias) if alias in cased else None
        for key, rule in _forms(alias):
            _add(table, key, Target(Kind.RECORD, len(key), index, rule, case))
    for demonym in record.demonyms_ar:
        for key, rule in _forms(demonym, nisba=True):
            _add(table, key, Target(Kind.DEMONYM, len(key), index, rule, None))
    for demonym in record.demonyms_en:
        case = _case_pattern(demonym) if demonym in cased else None
        for key, rule in _forms(demonym):
            _add(table, key, Target(Kind.DEMONYM, len(key), index, rule, case))


def _word_targets(table: dict[str, list[Target]], words: Iterable[str], kind: int) -> None:
    for word in words:
        for key, rule in _forms(word, nisba=False):
            if rule == ARTICLE:
                rule = ANY
            _add(table, key, Target(kind, len(key), -1, rule, None))


def build(gazetteer: Gazetteer, lexicon: Lexicon) -> Automaton:
    """Compile every record and word list into one automaton."""
    return Automaton(_compile(targets(gazetteer, lexicon)), gazetteer.records)


def targets(gazetteer: Gazetteer, lexicon: Lexicon) -> dict[str, list[Target]]:
    """Every key (as :func:`match_key` makes it) with what it stands for, in the order added."""
    table: dict[str, list[Target]] = {}
    for index, record in enumerate(gazetteer.records):
        _record_targets(table, index, record)
    _word_targets(table, lexicon.titles.rank, Kind.TITLE_RANK)
    _word_targets(table, lexicon.titles.role, Kind.TITLE_ROLE)
    _word_targets(table, lexicon.given_names, Kind.GIVEN)
    _word_targets(table, lexicon.markers.tail, Kind.TAIL)
    _word_targets(table, lexicon.markers.line, Kind.LINE)
    _word_targets(table, lexicon.heads.org, Kind.HEAD_ORG)
    _word_targets(table, lexicon.heads.org_quoted, Kind.HEAD_ORG_QUOTED)
    _word_targets(table, lexicon.heads.place, Kind.HEAD_PLACE)
    _word_targets(table, lexicon.heads.place_after, Kind.HEAD_PLACE_AFTER)
    _word_targets(table, lexicon.heads.unit, Kind.HEAD_UNIT)
    _word_targets(table, lexicon.heads.place_bare, Kind.HEAD_PLACE_BARE)
    return table


def _compile(table: dict[str, list[Target]]) -> ahocorasick.Automaton:
    """The automaton of ``table``'s keys, each padded with every prefix its targets allow; the
    entries of one padded key are ordered longest key first, then as the targets were added."""
    prefixes = {rule: sorted(allowed) for rule, allowed in PREFIXES.items()}
    padded: dict[str, list[_Entry]] = {}
    new = tuple.__new__
    for key, found in table.items():
        bounded = _boundary_key(key)
        check = key if " " in bounded else None
        length = len(key)
        for target in found:
            for prefix in prefixes[target.rule]:
                entry = new(_Entry, (length, prefix, target, check, target.kind))
                word = " " + prefix + bounded + " "
                entries = padded.get(word)
                if entries is None:
                    padded[word] = [entry]
                else:
                    entries.append(entry)
    automaton = ahocorasick.Automaton()
    for word, entries in padded.items():
        automaton.add_word(
            word, tuple(entries) if len(entries) == 1 else tuple(sorted(entries, key=_longest_first))
        )
    automaton.make_automaton()
    return automaton


def _longest_first(entry: _Entry) -> int:
    return -entry.length
