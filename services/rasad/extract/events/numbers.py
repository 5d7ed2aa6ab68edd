"""Counts written in digits or words: ``16``, ``١٦``, ``ثلاثة عشر``, ``خمسة وعشرين``, ``العشرات``.

Works on normalized words (Arabic-Indic and Persian digits are already ASCII there). A count is
``(low, high)``: equal for an exact number, a range for vague quantities (العشرات → 20–99).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from rasad.extract.normalize import normalize_term

from .lexicon import load

__all__ = ["Count", "NumberWords", "read_count"]

_DIGITS = re.compile(r"^\d{1,7}$")
_MAX_WORDS = 6


class Count(NamedTuple):
    low: int
    high: int
    words: int  # how many words the count took

    @property
    def exact(self) -> bool:
        return self.low == self.high


@dataclass(frozen=True)
class NumberWords:
    values: Mapping[str, int]  # single word or fixed phrase → value
    tens: frozenset[str]
    hundreds_word: frozenset[str]
    thousands_word: frozenset[str]
    ranges: Mapping[str, tuple[int, int]]
    max_phrase: int

    @classmethod
    def build(cls, data: Mapping[str, Any]) -> NumberWords:
        values: dict[str, int] = {}
        tens: set[str] = set()
        for group in ("units", "tens", "hundreds", "thousands", "english_units"):
            for value, words in data.get(group, {}).items():
                for word in words:
                    key = normalize_term(str(word))
                    values.setdefault(key, int(value))
                    if group == "tens":
                        tens.add(key)
        # Teens: ثلاثة عشر, ثلاث عشرة ...
        for value, words in data["units"].items():
            if 3 <= int(value) <= 9:
                for word in words:
                    for ten in ("عشر", "عشرة"):
                        values.setdefault(normalize_term(f"{word} {ten}"), int(value) + 10)
        # Hundreds written as one word: ثلاثمئة, خمسمائة.
        for value, words in data["units"].items():
            if 3 <= int(value) <= 9:
                for word in words:
                    for hundred in data["hundred_word"]:
                        values.setdefault(normalize_term(f"{word}{hundred}"), int(value) * 100)
        ranges: dict[str, tuple[int, int]] = {}
        for entry in data.get("ranges", []):
            for term in entry["terms"]:
                ranges[normalize_term(str(term))] = (int(entry["low"]), int(entry["high"]))
        return cls(
            values=values,
            tens=frozenset(tens),
            hundreds_word=frozenset(normalize_term(w) for w in data["hundred_word"]),
            thousands_word=frozenset(normalize_term(w) for w in data["thousands_word"]),
            ranges=ranges,
            max_phrase=max(len(k.split()) for k in list(values) + list(ranges)),
        )


@functools.cache
def number_words() -> NumberWords:
    return NumberWords.build(load().numbers)


def _strip_clitic(word: str) -> str:
    """``وعشرين`` → ``عشرين``; ``بالعشرات`` → ``العشرات``."""
    for prefix in ("و", "ب", "ل"):
        if word.startswith(prefix) and len(word) > len(prefix) + 2:
            return word[len(prefix) :]
    return word


def _phrase(words: Sequence[str], i: int, table: Mapping[str, Any], max_len: int) -> tuple[str, int] | None:
    for n in range(min(max_len, len(words) - i), 0, -1):
        key = " ".join(words[i : i + n])
        if key in table:
            return key, n
        stripped = " ".join([_strip_clitic(words[i]), *words[i + 1 : i + n]])
        if stripped in table:
            return stripped, n
    return None


def read_count(words: Sequence[str], i: int, table: NumberWords | None = None) -> Count | None:
    """The count that starts at ``words[i]``, or None."""
    table = table or number_words()
    if i >= len(words):
        return None
    word = words[i]
    if _DIGITS.match(word):
        return _digits(words, i)
    found = _phrase(words, i, table.ranges, table.max_phrase)
    if found:
        low, high = table.ranges[found[0]]
        return Count(low, high, found[1])
    return _words(words, i, table)


def _digits(words: Sequence[str], i: int) -> Count:
    value = int(words[i])
    used = 1
    # 1,200 or 1.200 come as separate words around the separator; keep the simple reading.
    if i + 1 < len(words) and words[i + 1] in ("الف", "الاف", "thousand"):
        value *= 1000
        used = 2
    return Count(value, value, used)


def _words(words: Sequence[str], i: int, table: NumberWords) -> Count | None:
    total = 0
    used = 0
    pos = i
    while pos < len(words) and used < _MAX_WORDS:
        found = _phrase(words, pos, table.values, table.max_phrase)
        if not found:
            break
        key, n = found
        value = table.values[key]
        if pos + n < len(words) and words[pos + n] in table.hundreds_word and value < 10:
            value, n = value * 100, n + 1
        elif pos + n < len(words) and words[pos + n] in table.thousands_word and value < 100:
            value, n = value * 1000, n + 1
        total += value
        pos += n
        used += n
        # Continue only over "و" + a further number: خمسة وعشرين, مئة وعشرون.
        if (
            pos < len(words)
            and words[pos].startswith("و")
            and _phrase(words, pos, table.values, table.max_phrase)
        ):
            continue
        break
    if used == 0:
        return None
    return Count(total, total, used)
