"""Sentences and words of the article body, in normalized offsets.

A sentence ends at ``. ! ? ;`` followed by a space, a quote or the end, and at a line break;
not inside numbers (``9:30``, ``1.5``) nor after a single Latin letter (``U.S.``). Words are
runs of letters and digits; punctuation marks are words of their own so that role searches can
stop at them.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

__all__ = ["Sentence", "Word", "line_breaks", "sentence", "sentences", "spans", "to_normalized"]

# ``\n+`` or ``[.!?;]+`` before a space, a quote, a bracket or the end; written to start with one
# character class so that the expression skips ahead to the next candidate character quickly.
_END = re.compile(r"[\n.!?;](?:(?<=\n)\n*|[.!?;]*(?=[\s\"')\]]|$))")
_WORD = re.compile(r"\w+|[^\w\s]")
_WORD_CHAR = re.compile(r"\w")
_LINE = re.compile(r"\n")
_LINE_END = frozenset(".!?:;؟؛\"'”»)]")
_SHORT_LINE = 30
_ABBREVIATION = re.compile(r"(?:^|\W)[A-Za-z]$")
CLAUSE_PUNCT = frozenset(',;:"()[]{}')
QUOTES = frozenset("\"'")


class Word(NamedTuple):
    start: int
    end: int
    text: str

    @property
    def punct(self) -> bool:
        return not (self.text[0].isalnum() or self.text[0] == "_")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    words: tuple[Word, ...]
    starts: tuple[int, ...] = ()

    def word_at(self, pos: int) -> int:
        """Index of the word that contains or follows normalized offset ``pos``."""
        i = bisect.bisect_right(self.starts, pos) - 1
        if i >= 0 and self.words[i].end > pos:
            return i
        return max(0, min(i + 1, len(self.words) - 1))


def to_normalized(index: Sequence[int], start: int, end: int) -> tuple[int, int]:
    """The normalized span of the original span ``[start, end)``."""
    return bisect.bisect_left(index, start), bisect.bisect_left(index, end)


def line_breaks(original: str, index: Sequence[int]) -> list[int]:
    """Normalized offsets of the original text's line breaks that end a sentence (normalization
    makes them spaces): a blank line, a line ending with punctuation, or a short line (a title,
    a dateline, page furniture). A long line without final punctuation is wrapped text."""
    out = []
    for m in _LINE.finditer(original):
        line_start = original.rfind("\n", 0, m.start()) + 1
        line = original[line_start : m.start()].rstrip()
        blank = original[m.end() : m.end() + 1] == "\n" or not line
        if blank or not line or line[-1] in _LINE_END or len(line) < _SHORT_LINE:
            out.append(bisect.bisect_left(index, m.start()))
    return out


def spans(text: str, ranges: Sequence[tuple[int, int]], breaks: Sequence[int] = ()) -> list[tuple[int, int]]:
    """The sentence spans of ``text`` (normalized) inside the normalized ``ranges``; ``breaks``
    are further sentence ends (line breaks of the original text). Not yet split into words."""
    out: list[tuple[int, int]] = []
    for lo, hi in ranges:
        ends: list[tuple[int, int]] = []
        for m in _END.finditer(text, lo, hi):
            if m.group()[0] == "." and _ABBREVIATION.search(text, max(lo, m.start() - 2), m.start()):
                continue
            ends.append((m.start(), m.end()))
        i = bisect.bisect_left(breaks, lo)
        while i < len(breaks) and breaks[i] < hi:
            ends.append((breaks[i], breaks[i] + 1))
            i += 1
        pos = lo
        for start, end in sorted(ends):
            if start >= pos:
                if start > pos:
                    out.append((pos, start))
                pos = end
        if hi > pos:
            out.append((pos, hi))
    return out


def sentence(text: str, start: int, end: int) -> Sentence | None:
    """The sentence ``text[start:end]`` split into words; None when it has no word."""
    if _WORD_CHAR.search(text, start, end) is None:
        return None  # punctuation only: no word starts with a word character
    new = tuple.__new__  # Word's own constructor is a Python function: skipped for speed
    words = tuple([new(Word, (m.start(), m.end(), m.group())) for m in _WORD.finditer(text, start, end)])
    return Sentence(words[0].start, words[-1].end, words, tuple([w.start for w in words]))


def sentences(text: str, ranges: Sequence[tuple[int, int]], breaks: Sequence[int] = ()) -> list[Sentence]:
    """The sentences of ``text`` (normalized) inside the normalized ``ranges``, split into words."""
    out = []
    for start, end in spans(text, ranges, breaks):
        found = sentence(text, start, end)
        if found is not None:
            out.append(found)
    return out
