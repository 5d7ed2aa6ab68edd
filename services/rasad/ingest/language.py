"""A light language guess for articles that do not say theirs: Arabic script or Latin English.

rasad reads Arabic-first news with English alongside; telling those two apart needs no model.
Text that is neither (too few letters, another script, Latin without English function words)
gets ``None`` rather than a wrong guess.
"""

from __future__ import annotations

import re
import unicodedata

ARABIC_RANGES = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
MIN_LETTERS = 3
ARABIC_SHARE = 0.5
# fmt: off
ENGLISH_WORDS = frozenset({
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "with", "as", "was", "by", "at",
    "from", "it", "said", "has", "have", "are", "be", "were", "this", "an", "which", "its", "their",
    "after", "not", "or", "but", "they",
})
# fmt: on
WORD = re.compile(r"[a-z]+")


def is_arabic_letter(char: str) -> bool:
    code = ord(char)
    return any(lo <= code <= hi for lo, hi in ARABIC_RANGES) and unicodedata.category(char).startswith("L")


def detect_language(text: str) -> str | None:
    """``"ar"``, ``"en"`` or ``None`` when the text is neither or too short to tell."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < MIN_LETTERS:
        return None
    arabic = sum(1 for c in letters if is_arabic_letter(c))
    if arabic / len(letters) >= ARABIC_SHARE:
        return "ar"
    latin = sum(1 for c in letters if c.isascii())
    if latin / len(letters) < ARABIC_SHARE:
        return None
    words = WORD.findall(text.lower())
    english = sum(1 for w in words if w in ENGLISH_WORDS)
    return "en" if words and (english >= 2 or english / len(words) >= 0.1) else None
