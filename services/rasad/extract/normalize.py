"""Arabic-first normalization for matching only, with a map back to the original text.

The normalized text is never shown: it exists so that spelling variants meet. Every normalized
character remembers the offset of the original character it came from, so a match found in the
normalized text maps back to a span of the text as given.

What is folded:

* alef forms (أ إ آ ٱ ٲ ٳ) to bare alef, alef maqsura (ى) to yeh, taa marbuta (ة) to heh;
* hamza seats (ؤ → و, ئ → ي);
* diacritics (harakat, tanween, shadda, sukun, superscript alef, Quranic marks) and tatweel
  are removed, as are zero-width and direction marks and the soft hyphen;
* Arabic-Indic and Persian digits to ASCII digits;
* Persian and other non-Arabic letters (ک گ ی پ چ ژ ڤ) to their Arabic matching forms;
* typographic quotes to ``"`` or ``'`` and every dash to ``-``; every space-like character to
  a plain space; Arabic comma, semicolon and question mark to their ASCII forms;
* Arabic presentation forms (ligatures such as ﻻ) through NFKC;
* Latin letters are lower-cased (the only length-changing case mapping, ``İ``, is folded to ``i``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Normalized", "normalize", "normalize_term"]

_ALEF = "أإآٱٲٳ"
_DIACRITICS = (
    [chr(c) for c in range(0x0610, 0x061B)]
    + [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670"]
    + [chr(c) for c in range(0x06D6, 0x06DD)]
    + [chr(c) for c in range(0x06DF, 0x06E5)]
    + [chr(c) for c in range(0x06E7, 0x06E9)]
    + [chr(c) for c in range(0x06EA, 0x06EE)]
)
_REMOVED = (
    ["\u0640", "\u00ad", "\u061c", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\ufeff"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)
_SPACES = [
    "\t",
    "\n",
    "\r",
    "\x0b",
    "\x0c",
    "\u00a0",
    "\u1680",
    "\u2028",
    "\u2029",
    "\u202f",
    "\u205f",
    "\u3000",
] + [chr(c) for c in range(0x2000, 0x200B)]
_DOUBLE_QUOTES = "“”„‟«»″〝〞＂"
_SINGLE_QUOTES = "‘’‚‛′‹›`´"
_DASHES = "‐‑‒–—―−⁃﹘﹣－"
_LETTERS = {
    "ى": "ي",
    "ة": "ه",
    "ؤ": "و",
    "ئ": "ي",
    "ی": "ي",  # Persian yeh
    "ۍ": "ي",
    "ې": "ي",
    "ے": "ي",
    "ک": "ك",  # keheh
    "ڪ": "ك",
    "گ": "ك",
    "پ": "ب",
    "چ": "ج",
    "ژ": "ز",
    "ڤ": "ف",
    "ڥ": "ف",
    "ۀ": "ه",
    "ہ": "ه",
    "ھ": "ه",
    "ە": "ه",
    "٬": ",",
    "،": ",",
    "؛": ";",
    "؟": "?",
    "٪": "%",
    "İ": "i",
}


def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    for c in range(0xFB50, 0xFE00):
        _add_presentation_form(table, chr(c))
    for c in range(0xFE70, 0xFEFF):
        _add_presentation_form(table, chr(c))
    table.update({ord(c): "ا" for c in _ALEF})
    table.update({ord(c): "" for c in _DIACRITICS + _REMOVED})
    table.update({ord(c): " " for c in _SPACES})
    table.update({ord(c): '"' for c in _DOUBLE_QUOTES})
    table.update({ord(c): "'" for c in _SINGLE_QUOTES})
    table.update({ord(c): "-" for c in _DASHES})
    table.update({0x0660 + i: str(i) for i in range(10)})
    table.update({0x06F0 + i: str(i) for i in range(10)})
    table.update({ord(k): v for k, v in _LETTERS.items()})
    return table


def _add_presentation_form(table: dict[int, str], char: str) -> None:
    if unicodedata.category(char) == "Cn":
        return
    folded = unicodedata.normalize("NFKC", char).strip()
    if folded and folded != char:
        table[ord(char)] = "".join(_LETTERS.get(ch, "ا" if ch in _ALEF else ch) for ch in folded)


_TABLE = _table()
# Characters whose replacement is not exactly one character: they shift offsets.
_UNEVEN = re.compile("[" + "".join(re.escape(chr(k)) for k, v in sorted(_TABLE.items()) if len(v) != 1) + "]")


@dataclass(frozen=True)
class Normalized:
    """A normalized text; ``index[i]`` is the original offset of normalized character ``i``.

    ``len(index) == len(text) + 1`` and ``index[-1]`` is the length of the original text.
    """

    text: str
    index: Sequence[int]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The original span ``[start, end)`` of the normalized span ``[start, end)``.

        The span starts at the original character of its first normalized character and ends
        just before the original character of the first normalized character after it, so
        removed marks inside or right after a word stay with the word.
        """
        if start >= end:
            pos = self.index[start]
            return pos, pos
        return self.index[start], self.index[end]


def normalize(text: str) -> Normalized:
    """Fold ``text`` for matching and keep the map back to ``text``'s offsets."""
    fast = _fast(text)
    return fast if fast is not None else _slow(text)


def _slow(text: str) -> Normalized:
    """The reference folding, character by character; used when :func:`_fast` cannot apply."""
    folded = text.translate(_TABLE).lower()
    if len(folded) == len(text) and _UNEVEN.search(text) is None:
        return Normalized(folded, range(len(text) + 1))
    return Normalized(folded, _index(text))


_DROP = 0x10000
_ODD = 0x20000


@functools.cache
def _fold() -> np.ndarray:
    """The folding of every Basic Multilingual Plane character as one array: what the
    character becomes when it becomes one character, else ``_DROP`` when it is removed, or
    ``_ODD`` when it becomes several characters or its lower case depends on context (sigma)."""
    size = 0x10000
    table = np.arange(size, dtype=np.uint32)
    for c in range(size):
        if 0xD800 <= c < 0xE000:
            continue
        folded = _TABLE.get(c, chr(c)).lower()
        table[c] = ord(folded) if len(folded) == 1 else _DROP if not folded else _ODD
    table[0x03A3] = _ODD  # capital sigma: lower() depends on the next letter
    return table


def _fast(text: str) -> Normalized | None:
    """The same folding as :func:`_slow` with one table look-up over the whole text; None for
    texts outside the plane the table covers or with characters that expand."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    if not codes.size:
        return Normalized("", range(1))
    if int(codes.max()) >= 0x10000:
        return None
    mapped = _fold().take(codes)
    if int(mapped.max()) < _DROP:
        return Normalized(mapped.tobytes().decode("utf-32-le", "surrogatepass"), range(len(text) + 1))
    if (mapped == _ODD).any():
        return None
    kept = np.flatnonzero(mapped != _DROP)
    folded = mapped.take(kept).tobytes().decode("utf-32-le", "surrogatepass")
    index = array("q", kept.astype(np.int64).tobytes())
    index.append(len(text))
    return Normalized(folded, index)


def _index(text: str) -> list[int]:
    index: list[int] = []
    last = 0
    for match in _UNEVEN.finditer(text):
        pos = match.start()
        index.extend(range(last, pos))
        index.extend([pos] * len(_TABLE[ord(text[pos])]))
        last = pos + 1
    index.extend(range(last, len(text) + 1))
    return index


_RUNS = re.compile(r"\s+")


def normalize_term(term: str) -> str:
    """A lexicon or watchlist term folded as texts are, with spaces collapsed and trimmed."""
    return _RUNS.sub(" ", normalize(term).text).strip()
