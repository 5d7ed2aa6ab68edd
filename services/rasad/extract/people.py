"""People the gazetteer does not know, recognized from context.

A name follows a title or role (``الفريق أول ركن``, ``السفير``, ``وزير الدفاع``, ``General``),
possibly after the title's complements (a demonym, ``لدى روسيا``, ``باسم الجيش``, a comma), or
starts with a known given name. Name words are read on the normalized text up to a stop word,
punctuation, a title, or a gazetteer match; English name words must be capitalized in the
original. Arabic guards: a name does not start with the article or with a word ending in taa
marbuta (unless it is a known given name), and a later word that is a conjunction or
preposition plus a stop word, title or article ends it.

The person's id is derived from the normalized name, so every spelling that normalizes alike
gets the same id; later mentions of the family name alone link to it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rasad.extract.lexicon import Lexicon
from rasad.extract.matcher import Hit, Kind, match_key

__all__ = ["NameFinder", "Person", "person_id"]

_WORD = re.compile(r"\w+")
_GAP = re.compile(r"[ ,\"']*")
_ARABIC = re.compile(r"[\u0600-\u06FF]")
_CLITICS = ("و", "ف", "ب", "ل")
MAX_NAME_WORDS = 4
MAX_SKIPPED = 6
WINDOW = 120
_TITLES = (Kind.TITLE_RANK, Kind.TITLE_ROLE)
_NAME_KINDS = (Kind.TITLE_RANK, Kind.TITLE_ROLE, Kind.GIVEN)
# After these complements of a title only a gazetteer match may follow (``السفير الروسي لدى العراق``).
_PREPOSITIONS = frozenset({"في", "لدي", "ب", "of", "in", "at", "to", "for"})
_PRONOUN_SUFFIXES = ("ها", "هم", "هما", "كم", "هن")


@dataclass(frozen=True)
class Person:
    """A context-recognized person: normalized name and its span in the normalized text."""

    key: str
    start: int
    end: int


def person_id(key: str) -> str:
    return "name:" + key.replace(" ", "_")


class Covered:
    """Positions covered by non-overlapping spans: ``pos in covered`` and ``covered[pos]``, the
    end of the span that covers ``pos``."""

    __slots__ = ("ends", "starts")

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [start for start, _ in ordered]
        self.ends = [end for _, end in ordered]

    def __contains__(self, pos: int) -> bool:
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]

    def end_at(self, pos: int) -> int:
        """The end of the span that covers ``pos``, or -1."""
        i = bisect.bisect_right(self.starts, pos) - 1
        return self.ends[i] if i >= 0 and pos < self.ends[i] else -1

    def __getitem__(self, pos: int) -> int:
        i = bisect.bisect_right(self.starts, pos) - 1
        if i < 0 or pos >= self.ends[i]:
            raise KeyError(pos)
        return self.ends[i]


@dataclass(frozen=True)
class Context:
    """One article as the finder sees it."""

    text: str
    original: str
    index: Sequence[int]
    inside: Covered  # positions inside a gazetteer match, and where that match ends
    people: frozenset[int]  # starts of gazetteer matches that are people


@dataclass(frozen=True)
class NameFinder:
    given: frozenset[str]
    joiners: frozenset[str]
    skip: frozenset[str]
    stop: frozenset[str]

    @classmethod
    def build(cls, lexicon: Lexicon) -> NameFinder:
        def keys(words: Sequence[str]) -> frozenset[str]:
            return frozenset(match_key(w) for w in words)

        title_words = {
            word
            for title in (*lexicon.titles.rank, *lexicon.titles.role)
            for word in match_key(title).split(" ")
        }
        title_words |= {w[2:] for w in title_words if w.startswith("ال") and len(w) > 4}
        stop = keys(lexicon.stopwords) | frozenset(title_words)
        return cls(
            given=keys(lexicon.given_names) - stop,
            joiners=keys(lexicon.name_joiners),
            skip=keys(lexicon.skip_after_title),
            stop=stop,
        )

    def find(
        self,
        text: str,
        original: str,
        index: Sequence[int],
        hits: Sequence[Hit],
        entities: Sequence[tuple[int, int]],
        people_known: frozenset[int],
    ) -> list[Person]:
        """People introduced by the title and given-name ``hits`` of ``text`` (a key text);
        ``entities`` are the spans of the selected gazetteer matches, ``people_known`` the starts
        of those that are people."""
        inside = Covered(entities)
        ctx = Context(text, original, index, inside, people_known)
        people: list[Person] = []
        taken_until = -1
        for hit in _longest(hits):
            start = hit.start - len(hit.prefix)
            if start < taken_until or start in inside:
                continue
            if hit.target.kind in _TITLES:
                person = self._after_title(ctx, hit)
            else:
                person = self._name(ctx, start, first_given=True)
                person = person if person is not None and " " in person.key else None
            if person is not None:
                people.append(person)
                taken_until = person.end
        return people

    def _after_title(self, ctx: Context, hit: Hit) -> Person | None:
        text = ctx.text
        pos = hit.end
        need_entity = False
        size = len(text)
        for _ in range(MAX_SKIPPED):
            gap = _GAP.match(text, pos)
            gap_end = gap.end() if gap is not None else pos
            if gap_end >= size or text[pos:gap_end].count(",") > 1:
                return None
            covered_until = ctx.inside.end_at(gap_end)
            if covered_until >= 0:
                if gap_end in ctx.people:
                    return None
                pos = covered_until
                need_entity = False
                continue
            word = _WORD.match(text, gap_end)
            if word is None or need_entity:
                return None
            if word.group() in self.skip:
                pos = word.end()
                need_entity = word.group() in _PREPOSITIONS
                continue
            if hit.target.kind == Kind.TITLE_RANK or self._bare(word.group()) in self.given:
                return self._name(ctx, gap_end, first_given=False)
            return None
        return None

    def _bare(self, word: str) -> str:
        """The word without a one-letter proclitic, when that leaves a known word."""
        if word in self.given or word in self.stop:
            return word
        if len(word) > 3 and word[0] in _CLITICS:
            rest = word[1:]
            if rest in self.given or rest in self.stop or rest.startswith("ال"):
                return rest
        return word

    def _first_word_ok(self, ctx: Context, match: re.Match[str]) -> bool:
        word = match.group()
        bare = self._bare(word)
        if bare in self.given:
            return True
        if not _ARABIC.match(word):
            return ctx.original[ctx.index[match.start()]].isupper() and word not in self.stop
        if bare in self.stop or bare.startswith("ال") or word.startswith("لل"):
            return False
        return not self._feminine(ctx, match)

    def _next_word_ok(self, ctx: Context, match: re.Match[str]) -> bool:
        word = match.group()
        if word in self.given or word in self.joiners:
            return True
        if match.start() in ctx.inside or word.isdigit() or word in self.stop:
            return False
        if not _ARABIC.match(word):
            return ctx.original[ctx.index[match.start()]].isupper()
        bare = self._bare(word)
        if bare != word or word.startswith("لل"):
            return False
        return not self._feminine(ctx, match)

    def _feminine(self, ctx: Context, match: re.Match[str]) -> bool:
        """Ends in taa marbuta or a pronoun suffix: a common noun, not a name."""
        last = ctx.index[match.end() - 1]
        return ctx.original[last] in "ةۃ" or match.group().endswith(_PRONOUN_SUFFIXES)

    def _name(self, ctx: Context, start: int, *, first_given: bool) -> Person | None:
        text = ctx.text
        words: list[str] = []
        first = _WORD.match(text, start)
        if first is None or not self._first_word_ok(ctx, first):
            return None
        bare = self._bare(first.group())
        if first_given and bare not in self.given:
            return None
        begin = first.end() - len(bare)
        words.append(bare)
        end = first.end()
        for match in _WORD.finditer(text, end, min(len(text), end + WINDOW)):
            if text[end : match.start()] != " " or not self._next_word_ok(ctx, match):
                break
            words.append(match.group())
            end = match.end()
            if len(words) >= MAX_NAME_WORDS or (len(words) >= 3 and match.group() not in self.joiners):
                break
        while words and words[-1] in self.joiners:
            end -= len(words.pop()) + 1
        if not words or len(" ".join(words)) < 3:
            return None
        return Person(" ".join(words), begin, end)


def _longest(hits: Sequence[Hit]) -> list[Hit]:
    """Title and given-name hits, the longest at each place, in text order."""
    # Sorted by where the word starts, longest first, then in the order found (the position
    # keeps the sort stable without comparing hits).
    candidates = sorted(
        [
            (hit.start - len(hit.prefix), hit.start - hit.end, position, hit)
            for position, hit in enumerate(hits)
            if hit.target.kind in _NAME_KINDS
        ]
    )
    out: list[Hit] = []
    until = -1
    for begin, _, _, hit in candidates:
        if begin < until:
            continue
        out.append(hit)
        until = hit.end
    return out
