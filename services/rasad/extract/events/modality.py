"""Modality of a trigger: is the act reported as done, or denied, offered, threatened, planned?

Cues are looked for before the trigger, within each cue's window of words, inside the trigger's
clause: the search stops at clause punctuation (comma, quote, colon, brackets), at a reporting
verb and at a segment marker. A negation just before a negotiation or offer cue makes a denial
(``لا تتفاوض``, ``did not offer``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from .clauses import CLAUSE_PUNCT, Word
from .lexicon import EventLexicon

__all__ = ["modality"]

_MAX_LOOKBACK = 12


def _bare(word: str) -> str:
    return word[1:] if len(word) > 3 and word[0] in "وف" else word


def modality(
    lex: EventLexicon, words: Sequence[Word], i: int, prefix: str = "", stops: Collection[int] = ()
) -> str | None:
    """The modality class of the trigger at word ``i`` (None: a reported act)."""
    if "س" in prefix:
        return "future"
    found: list[tuple[int, str]] = []  # (position, class)
    heads, cues, barriers = lex.cue_heads, lex.cues, lex.barriers
    j = i - 1
    while j >= 0 and i - j <= _MAX_LOOKBACK:
        text = words[j].text
        if text in CLAUSE_PUNCT or j in stops:
            break
        bare = _bare(text)
        if bare in barriers:
            break
        if text in heads or (bare is not text and bare in cues):  # else _cue_at finds nothing
            cue = _cue_at(lex, words, j, i)
            if cue is not None and not _pluperfect(lex, words, j):
                found.append((j, cue))
        j -= 1
    if not found:
        return None
    for pos, cls in found:
        if cls in ("negotiation", "offer", "agreement") and _negated(lex, words, pos):
            return "denial"
    return found[0][1]


def _pluperfect(lex: EventLexicon, words: Sequence[Word], j: int) -> bool:
    """Word ``j`` is the particle of a pluperfect (كان الحزب قد نعى): a past act."""
    p = lex.pluperfect
    if words[j].text not in p.particles:
        return False
    return any(words[k].text in p.auxiliaries for k in range(max(0, j - p.window), j))


def _negated(lex: EventLexicon, words: Sequence[Word], pos: int) -> bool:
    for j in range(max(0, pos - 2), pos):
        cue = lex.cues.get(words[j].text)
        if cue is not None and cue.cls == "negation":
            return True
    return False


def _cue_at(lex: EventLexicon, words: Sequence[Word], j: int, i: int) -> str | None:
    text = words[j].text
    phrases = lex.cue_heads.get(text)
    if phrases is None:
        bare = _bare(text)
        cue = lex.cues.get(bare) if bare is not text else None
        if cue is None:
            return None
        return cue.cls if i - j <= cue.window else None
    limit = i - j
    for phrase in phrases:  # longest first
        n = len(phrase)
        if n > limit:
            continue
        if n == 1 or all(words[j + k].text == phrase[k] for k in range(1, n)):
            cue = lex.cues[" ".join(phrase)]
            return cue.cls if i - (j + n - 1) <= cue.window else None
    bare = _bare(text)
    cue = lex.cues.get(bare) if bare is not text else None
    if cue is None:
        return None
    return cue.cls if i - j <= cue.window else None
