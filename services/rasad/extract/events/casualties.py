"""Casualty counts of a sentence: ``مقتل 16 شخصًا``, ``أسفر عن مقتل قائد``, ``إصابة 25 آخرين``,
``سقوط العشرات``, ``killed 5``, ``3 قتلى``, ``12 wounded``.

A count after a killing or injury word (across "at least" words) or before a killed/injured
noun. Vague quantities (عدد من) give no count; a single role noun right after a killing word
(مقتل قائد، مقتل جنديين) counts one or two persons unless a named person follows.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from rasad.extract.normalize import normalize_term

from .lexicon import EventLexicon
from .numbers import Count, read_count
from .roles import Phrases, match_phrase, phrase_index

__all__ = ["Casualty", "CasualtyWords", "casualties"]


@dataclass(frozen=True)
class Casualty:
    kind: str  # killed | injured
    word: int  # word index of the killing/injury word or of the number
    count: Count
    role: bool = False  # read from a lone role noun (مقتل قائد), not from a number


@dataclass(frozen=True)
class CasualtyWords:
    kill: Phrases
    injure: Phrases
    killed_nouns: frozenset[str]
    injured_nouns: frozenset[str]
    lead: Phrases
    vague: Phrases
    singular: frozenset[str]
    dual: frozenset[str]
    verbs: frozenset[str] = frozenset()  # killing/injury verbs: the count may follow their subject
    heads: frozenset[str] = frozenset()  # first words of the killing and injury phrases
    clitic_heads: frozenset[str] = frozenset()  # the same, with the clitics ``_strip`` removes


@functools.cache
def casualty_words(lex: EventLexicon) -> CasualtyWords:
    r, n = lex.roles, lex.numbers
    return CasualtyWords(
        kill=phrase_index(r["kill_words"]),
        injure=phrase_index(r["injure_words"]),
        killed_nouns=frozenset(normalize_term(v) for v in r["killed_nouns"]),
        injured_nouns=frozenset(normalize_term(v) for v in r["injured_nouns"]),
        lead=phrase_index(r["number_lead"]),
        vague=phrase_index(r["vague_quantities"]),
        singular=frozenset(normalize_term(v) for v in n["singular_persons"]),
        dual=frozenset(normalize_term(v) for v in n["dual_persons"]),
        verbs=frozenset(normalize_term(v) for v in r.get("kill_verbs", ())),
        heads=(
            heads := frozenset(normalize_term(str(v)).split()[0] for v in r["kill_words"] + r["injure_words"])
        ),
        clitic_heads=heads | frozenset(p + h for h in heads for p in _CLITICS if len(h) >= 3),
    )


_CLITICS = ("وب", "ول", "و", "ف", "ب", "ل")


def _strip(word: str) -> str:
    for prefix in _CLITICS:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            return word[len(prefix) :]
    return word


def _starts(keys: Sequence[str], i: int, phrases: Phrases) -> int:
    return match_phrase(keys, i, phrases, _strip) if i < len(keys) else 0


def casualties(lex: EventLexicon, keys: Sequence[str], person_words: frozenset[int]) -> list[Casualty]:
    """Casualty counts among the words ``keys`` of a sentence.

    ``person_words`` are the word indices covered by named persons (they stop the reading of a
    lone role noun as one person).
    """
    cw = casualty_words(lex)
    out: list[Casualty] = []
    heads = cw.clitic_heads
    nouns = cw.killed_nouns | cw.injured_nouns
    before_noun = set() if nouns.isdisjoint(keys) else {i - 1 for i, key in enumerate(keys) if key in nouns}
    for i in [i for i, key in enumerate(keys) if key in heads or key[:1].isdigit() or i in before_noun]:
        key = keys[i]
        if key not in heads and not key[:1].isdigit():
            if i in before_noun:
                # A number word before a killed/injured noun: ثلاثة جرحى، وثلاثة جرحى.
                count = read_count([_strip(key)], 0)
                if count is not None:
                    kind = "killed" if keys[i + 1] in cw.killed_nouns else "injured"
                    out.append(Casualty(kind, i, count))
            continue
        for kind, lead in (("killed", cw.kill), ("injured", cw.injure)):
            n = _starts(keys, i, lead)
            if n:
                count = _count_after(cw, keys, i + n, person_words)
                if count is None and _strip(key) in cw.verbs:
                    count = _count_after_subject(cw, keys, i + n, person_words)
                if count is not None:
                    article = keys[i + n] in ("a", "an") if i + n < len(keys) else False
                    out.append(Casualty(kind, i, count, count.words == 0 or article))
        count = read_count(keys, i) if keys[i][:1].isdigit() else None
        if count is not None:
            after = i + count.words
            if after < len(keys) and keys[after] in cw.killed_nouns:
                out.append(Casualty("killed", i, count))
            elif after < len(keys) and keys[after] in cw.injured_nouns:
                out.append(Casualty("injured", i, count))
    return out


_SUBJECT_WORDS = 3
_SUBJECT_STOPS = frozenset(
    {"و", "في", "فى", "على", "من", "الى", "عن", "بعد", "and", "in", "on", "at", "by", "after"}
)


def _count_after_subject(
    cw: CasualtyWords, keys: Sequence[str], j: int, person_words: frozenset[int]
) -> Count | None:
    """The count after a verb's subject (قتلت مسيّرة إسرائيلية شخصا): up to three words on, not
    across punctuation, a conjunction, a preposition or a named person (the verb's object)."""
    for k in range(j + 1, min(len(keys), j + 1 + _SUBJECT_WORDS)):
        word = keys[k - 1]
        if not word[:1].isalnum() or word in _SUBJECT_STOPS or k - 1 in person_words:
            return None
        count = _count_after(cw, keys, k, person_words)
        if count is not None:
            return count
    return None


def _count_after(
    cw: CasualtyWords, keys: Sequence[str], j: int, person_words: frozenset[int]
) -> Count | None:
    if _starts(keys, j, cw.vague):
        return None
    j += _starts(keys, j, cw.lead)
    count = read_count(keys, j)
    if count is not None:
        return count
    if j < len(keys) and keys[j] in cw.singular | cw.dual:
        if any(k in person_words for k in range(j + 1, min(len(keys), j + 6))):
            return None
        if keys[j] in cw.dual:
            return Count(2, 2, 1)
        return Count(1, 1, 0)  # no number word: one person, unless the event names them
    return None
