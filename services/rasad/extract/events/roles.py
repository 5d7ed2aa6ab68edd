"""Who did what to whom, where: role searches over the words and entity mentions of a sentence.

Everything here is positional and works on one :class:`View` (a sentence with its mentions and
segment boundaries). The searches follow the shapes Arabic news uses:

* the actor after an agent marker (مقتل X على يد الجيش الأمريكي; killed by US forces);
* the actor as a nisba adjective or possessive right after an event noun, across qualifiers
  (ضربة أمريكية، هجوم الطائرة المسيرة الأميركية، القصف الأمريكي);
* the subject of a verb trigger, before it (SVO) or right after it (VSO), or of a support verb
  (شنت قوات القيادة المركزية الأمريكية ضربة);
* the target after a targeting verb or a preposition (استهدفت سيارته، الهجوم على السفارة), or
  the persons killed (مقتل ... قاسم سليماني);
* the place after a locative preposition (في محيط مطار بغداد الدولي).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from rasad.extract.normalize import normalize_term

from .clauses import CLAUSE_PUNCT, Sentence, Word
from .lexicon import EventLexicon
from .numbers import read_count

__all__ = ["ACTOR_TYPES", "Actor", "RoleWords", "View", "role_words"]

ACTOR_TYPES = frozenset({"COUNTRY", "ORG"})
AGENT_TYPES = frozenset({"COUNTRY", "ORG", "PERSON"})
_RELATIVES = frozenset({"التي", "الذي", "اللذين", "اللتين", "الذين", "اللواتي", "which", "that", "who"})
# Qualifier stems (normalized spelling: ئ → ي) that may stand between an event noun and its actor.
_FILLERS_RE = re.compile(
    r"^(?:و|ف)?(?:ب|ل)?(?:ال)?(?:طاير|مسير|جوي|صاروخي|حربي|مدفعي|بدون|طيار|بالستي|باليستي)"
)
_CLAUSE_CONJUNCTIONS = frozenset({"فيما", "بينما", "while", "whereas"})
_COMMAS = frozenset({"،", ","})
_ENGLISH_FILLERS = frozenset({"air", "drone", "missile", "rocket", "artillery", "military"})


class Actor(NamedTuple):
    """An entity or weapon mention inside a sentence (a named tuple: built for every mention of
    every sentence with a trigger, so built cheaply)."""

    start: int  # normalized offsets
    end: int
    first: int  # first and last word index in the sentence
    last: int
    id: str
    name: str
    type: str  # PERSON, ORG, COUNTRY, PLACE or WEAPON
    category: str | None = None  # weapon category
    clitic: str = ""  # letters of its word before the mention (ل، بال، و)


Phrases = Mapping[str, tuple[tuple[str, ...], ...]]  # phrases (word tuples) by their first word


@dataclass(frozen=True)
class RoleWords:
    agent: Phrases
    target: frozenset[str]
    target_verbs: frozenset[str]
    location: frozenset[str]
    source: frozenset[str]
    recipient: frozenset[str]
    segment: Phrases
    response: Phrases
    segment_heads: frozenset[str]
    segment_words: frozenset[str]  # segment heads with and without a conjunction
    prepositions: frozenset[str]
    demonstratives: frozenset[str]
    openers: frozenset[str]
    target_skip: frozenset[str] = frozenset()
    target_instruments: frozenset[str] = frozenset()
    not_target_heads: frozenset[str] = frozenset()
    consequence: frozenset[tuple[str, ...]] = frozenset()
    attribution: frozenset[str] = frozenset()
    passive_aux: frozenset[str] = frozenset()
    not_agent: frozenset[str] = frozenset()  # participles whose "by X" is not the event's agent
    anonymous: Phrases = field(default_factory=dict)  # aircraft named without their country
    anonymous_words: frozenset[str] = frozenset()  # their first words, with and without و/ف
    unknown_agent: frozenset[str] = frozenset()  # qualifiers of an unidentified instrument


def phrase_index(values: Iterable[object]) -> Phrases:
    """Phrases (as word tuples) by their first word, longest first: one dict lookup per word."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in {tuple(normalize_term(str(v)).split()) for v in values}:
        if phrase:
            index.setdefault(phrase[0], []).append(phrase)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in index.items()}


def match_phrase(keys: Sequence[str], i: int, phrases: Phrases, strip: Callable[[str], str]) -> int:
    """Length of the longest phrase of ``phrases`` at word ``i`` (its first word may carry a
    clitic that ``strip`` removes); 0 when none."""
    first = keys[i]
    for head in (first, strip(first)):
        for phrase in phrases.get(head, ()):
            n = len(phrase)
            if tuple(keys[i + 1 : i + n]) == phrase[1:]:
                return n
    return 0


def _phrases(values: Iterable[object]) -> Phrases:
    return phrase_index(values)


def _set(values: Iterable[object]) -> frozenset[str]:
    # Values as YAML read them: an unquoted on/no is a boolean there, kept as its str().
    return frozenset(normalize_term(str(v)) for v in values)


@functools.cache
def role_words(lex: EventLexicon) -> RoleWords:
    r = lex.roles
    return RoleWords(
        agent=_phrases(r["agent_markers"]),
        target=_set(r["target_markers"]),
        target_verbs=_set(r["target_verbs"]),
        location=_set(r["location_markers"]),
        source=_set(r["source_markers"]),
        recipient=_set(r["recipient_markers"]),
        segment=_phrases(r["segment_markers"]),
        response=_phrases(r["response_markers"]),
        segment_heads=(
            heads := frozenset(_phrases(r["segment_markers"])) | frozenset(_phrases(r["response_markers"]))
        ),
        segment_words=heads | frozenset(c + h for h in heads for c in "وف" if len(h) >= 3),
        prepositions=_set(r["prepositions"]),
        demonstratives=_set(r["demonstratives"]),
        openers=_set(r["clause_openers"]),
        target_skip=_set(r.get("target_skip", ())),
        target_instruments=_set(r.get("target_instruments", ())),
        not_target_heads=_set(r.get("not_target_heads", ())),
        attribution=_set(r.get("attribution_verbs", ())),
        passive_aux=_set(r.get("passive_auxiliaries", ())),
        not_agent=_set(r.get("not_agent_participles", ())),
        anonymous=(anonymous := _phrases(r.get("anonymous_instruments", ()))),
        anonymous_words=frozenset(anonymous)
        | frozenset(c + h for h in anonymous for c in "وف" if len(h) >= 3),
        unknown_agent=frozenset(
            w for v in r.get("unknown_agent", ()) for w in normalize_term(str(v)).split()
        ),
        consequence=frozenset(
            tuple(normalize_term(str(v)).split()) for v in r.get("consequence_markers", ())
        ),
    )


def _bare(word: str) -> str:
    return word[1:] if len(word) > 3 and word[0] in "وف" else word


@dataclass
class View:
    """One sentence, its words, its mentions and its segments."""

    sentence: Sentence
    actors: list[Actor]  # entities, in order
    weapons: list[Actor]
    rw: RoleWords
    sentence_text: str  # the whole normalized text the sentence's offsets index
    stops: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.words: tuple[Word, ...] = self.sentence.words
        self.keys = [w.text for w in self.words]
        self.seg_ids, self.stops = self._segments()

    # -- words ------------------------------------------------------------------------------

    def _segments(self) -> tuple[list[int], list[int]]:
        """A segment id per word, and the words where the id changes: a segment marker opens a
        new segment; a response phrase opens one that ends at the next clause punctuation, where
        the previous segment resumes. Only marker words and clause punctuation are visited."""
        keys = self.keys
        n = len(keys)
        heads = self.rw.segment_words
        if heads.isdisjoint(keys):
            return [0] * n, []
        ids: list[int] = []
        stops: list[int] = []
        current, fresh, filled = 0, 0, 0
        resume: int | None = None
        for i in [i for i, key in enumerate(keys) if key in heads or key in CLAUSE_PUNCT]:
            if keys[i] not in heads:
                if resume is None:
                    continue
                new, resume = resume, None
            elif self.phrase_at(i, self.rw.response):
                fresh += 1
                resume, new = current, fresh
            elif self.phrase_at(i, self.rw.segment):
                fresh += 1
                resume, new = None, fresh
            elif resume is not None and self.is_punct(i):
                new, resume = resume, None
            else:
                continue
            ids.extend([current] * (i - filled))
            if i > 0 and new != current:
                stops.append(i)
            current, filled = new, i
        ids.extend([current] * (n - filled))
        return ids, stops

    def clause_opens(self, k: int) -> bool:
        """Word ``k`` opens a coordinated clause: ``، وأكدت``, ``فيما``, ``, while``."""
        key = self.keys[k]
        if key in _CLAUSE_CONJUNCTIONS:
            return True
        return (
            k > 0
            and self.keys[k - 1] in _COMMAS
            and len(key) > 3
            and key[0] in "وف"
            and key not in _CLAUSE_CONJUNCTIONS
        )

    @functools.cached_property
    def _clause_starts(self) -> list[int]:
        """The words that open a coordinated clause, in order (computed once per sentence)."""
        keys = self.keys
        return [
            k
            for k, (before, key) in enumerate(itertools.pairwise(keys), 1)
            if key in _CLAUSE_CONJUNCTIONS or (before in _COMMAS and len(key) > 3 and key[0] in "وف")
        ]

    def clause(self, first: int, last: int) -> tuple[int, int]:
        """Normalized span of the coordinated clause that holds words ``first`` to ``last``."""
        starts = self._clause_starts
        n = bisect.bisect_right(starts, first)
        lo = starts[n - 1] if n else 0
        m = bisect.bisect_right(starts, last)
        hi = starts[m] if m < len(starts) else len(self.keys)
        while hi - 1 > lo and self.keys[hi - 1] in _COMMAS:
            hi -= 1
        return self.words[lo].start, self.words[hi - 1].end

    def seg(self, i: int) -> int:
        return self.seg_ids[i]

    def phrase_at(self, i: int, phrases: Phrases) -> int:
        """Length of the phrase of ``phrases`` that starts at word ``i`` (0: none); the first word
        may carry a conjunction (:func:`match_phrase` with ``_bare``, inlined: called for many
        words of every sentence)."""
        keys = self.keys
        first = keys[i]
        found = phrases.get(first)
        if found is None:
            bare = first[1:] if len(first) > 3 and first[0] in "وف" else first
            if bare is first:
                return 0
            found = phrases.get(bare)
            if found is None:
                return 0
        for phrase in found:
            n = len(phrase)
            if n == 1 or tuple(keys[i + 1 : i + n]) == phrase[1:]:
                return n
        if first in phrases:
            bare = first[1:] if len(first) > 3 and first[0] in "وف" else first
            for phrase in phrases.get(bare, ()) if bare is not first else ():
                n = len(phrase)
                if n == 1 or tuple(keys[i + 1 : i + n]) == phrase[1:]:
                    return n
        return 0

    def segment(self, i: int) -> tuple[int, int]:
        """The contiguous words around word ``i`` that share its segment."""
        lo, hi = 0, len(self.words)
        for s in self.stops:
            if s <= i:
                lo = s
            else:
                hi = s
                break
        return lo, hi

    def is_punct(self, i: int) -> bool:
        return self.words[i].text in CLAUSE_PUNCT

    def is_filler(self, i: int) -> bool:
        key = self.keys[i]
        return bool(_FILLERS_RE.match(key)) or key in _ENGLISH_FILLERS

    def relative_before(self, i: int) -> bool:
        return i > 0 and self.keys[i - 1] in _RELATIVES

    # -- mentions ---------------------------------------------------------------------------

    def preposition(self, actor: Actor) -> str | None:
        """The preposition governing ``actor``: a clitic of its word or the word before."""
        clitic = actor.clitic.removeprefix("و").removeprefix("ف")
        if clitic[:1] in ("ب", "ل", "ك"):
            return clitic[:1]
        if actor.first > 0:
            before = _bare(self.keys[actor.first - 1])
            if before in self.rw.prepositions or before in self.rw.location:
                return before
        return None

    def actors_between(self, lo: int, hi: int, types: frozenset[str]) -> list[Actor]:
        return [a for a in self.actors if lo <= a.first < hi and a.type in types]

    def actor_starting(
        self, lo: int, hi: int, types: frozenset[str], *, stop_punct: bool = True
    ) -> Actor | None:
        """The first actor of ``types`` that starts in words ``[lo, hi)``, not across punctuation."""
        for a in self.actors:
            if a.first < lo or a.type not in types:
                continue
            if a.first >= hi:
                return None
            if stop_punct and any(self.is_punct(k) for k in range(lo, a.first)):
                return None
            return a
        return None

    # -- roles ------------------------------------------------------------------------------

    def agent_after(self, i: int, hi: int) -> Actor | None:
        """X in ``… على يد X`` / ``… by X`` within six words after word ``i``."""
        for j in range(i + 1, min(hi, i + 8)):
            n = self.phrase_at(j, self.rw.agent)
            if n and j - 1 > i and self.keys[j - 1] in self.rw.not_agent:
                return None  # an area controlled by X: X is not the one who struck
            if n:
                return self.actor_starting(j + n, j + n + 3, AGENT_TYPES)
        return None

    def origin_before(self, i: int, lo: int) -> Actor | None:
        """X in ``مسيّرة أطلقت من اليمن استهدفت`` / ``a drone launched from Yemen hit``: a launch
        origin between the verb at word ``i`` and the six words before it."""
        for j in range(max(lo, i - 6), i):
            n = self.phrase_at(j, self.rw.agent)
            if n and self.keys[j] not in ("by", "من"):
                actor = self.actor_starting(j + n, i, AGENT_TYPES)
                if actor is not None and actor.last < i:
                    return actor
        return None

    def passive_subject(self, aux: int) -> Actor | tuple[int, int] | None:
        """The subject before an English passive auxiliary: a mention ending there, else the noun
        (with the word before it unless that is a determiner)."""
        j = aux - 1
        for a in self.actors:
            if a.last == j and a.type in ACTOR_TYPES | {"PERSON", "PLACE"}:
                return a
        if j < 0 or self.is_punct(j) or self.keys[j] in self.rw.not_target_heads:
            return None
        first = (
            j - 1 if j > 0 and not self.is_punct(j - 1) and self.keys[j - 1] not in self.rw.target_skip else j
        )
        return first, j

    def attributed_to(self, first: int, last: int) -> Actor | None:
        """X in ``نسبت تلك الغارة إلى X`` / ``attributed the strike to X``."""
        if last + 1 >= len(self.keys) or self.keys[last + 1] not in ("الي", "to"):
            return None
        if not any(self.keys[k] in self.rw.attribution for k in range(max(0, first - 3), first)):
            return None
        return self.actor_starting(last + 2, last + 5, AGENT_TYPES)

    def nisba_after(self, i: int, hi: int) -> Actor | None:
        """A country or organization right after an event noun, across qualifiers."""
        j = i + 1
        while j < hi and j <= i + 4:
            for a in self.actors:
                if a.first == j and a.type in ACTOR_TYPES and self.preposition(a) is None:
                    return a
            if not self.is_filler(j):
                return None
            j += 1
        return None

    def instrument_owner(self, i: int, hi: int) -> Actor | None:
        """X in ``قصف بطائرات مسيّرة للتحالف الدولي``: the owner of the instrument after an event
        word, a country or organization with ``ل`` right after the instrument phrase."""
        rw = self.rw
        instrument = False
        j = i + 1
        while j < hi and j <= i + 5:
            for a in self.actors:
                if a.first == j and a.type in ACTOR_TYPES:
                    return a if instrument and self.preposition(a) == "ل" else None
            key = self.keys[j]
            if key[:1] == "ب" and len(key) > 3 and (key[1:] in rw.target_instruments or self.is_filler(j)):
                instrument = True
            elif not self.is_filler(j):
                return None
            j += 1
        return None

    def modifier_before(self, i: int, lo: int) -> Actor | None:
        """An English actor adjective before an event noun: ``a US strike``, ``Israeli air raids``."""
        j = i - 1
        while j >= lo and j >= i - 3:
            for a in self.actors:
                if a.last == j and a.type in ACTOR_TYPES:
                    return a
            if not self.is_filler(j):
                return None
            j -= 1
        return None

    def subject(self, i: int, lo: int, hi: int, *, english: bool, coordinated: bool = False) -> Actor | None:
        """The subject of the verb at word ``i``: just before it, else right after, else before.
        A verb with a conjunction (واستهدفت) opens a clause: its subject is not before it."""
        if self.relative_before(i):
            return None
        lo = i if coordinated and not english else max(lo, self.clause_start(i))
        before = [a for a in self.actors if lo <= a.first and a.last < i and a.type in AGENT_TYPES]
        before = [a for a in before if self.preposition(a) is None]
        if before and i - before[-1].last <= 2:
            return before[-1]
        if not english:
            after = self.actor_starting(i + 1, min(hi, i + 4), AGENT_TYPES)
            if (
                after is not None
                and after.type in ACTOR_TYPES | {"PERSON"}
                and self.preposition(after) is None
            ):
                return after
        wide = [a for a in before if a.type in ACTOR_TYPES]
        if wide and i - wide[-1].last <= 8:
            return wide[-1]
        return None

    def clause_start(self, i: int) -> int:
        """The first word after the last complementizer (أن، that) before word ``i``."""
        for j in range(i - 1, -1, -1):
            if self.keys[j] in self.rw.openers:
                return j + 1
        return 0

    def nearest_before(
        self, i: int, lo: int, types: frozenset[str], allow: Iterable[str] = ()
    ) -> Actor | None:
        allowed = set(allow)
        lo = max(lo, self.clause_start(i))
        for a in reversed(self.actors):
            if a.last < i and a.first >= lo and a.type in types:
                prep = self.preposition(a)
                if prep is None or prep in allowed:
                    return a
        return None

    def object_after(self, i: int, hi: int) -> Actor | tuple[int, int] | None:
        """The object after word ``i``, across time words and an instrument (``استهدفت بثلاثة
        صواريخ سيارة``): a mention within three words, else the head noun phrase."""
        j = self._skip_to_head(i + 1, hi)
        if j < hi and self.keys[j] in self.rw.not_target_heads:
            return None
        actor = self.actor_starting(j, min(hi, j + 3), ACTOR_TYPES | {"PERSON", "PLACE"})
        if actor is not None and actor.first > j and self.preposition(actor) in self.rw.location:
            actor = None  # سيارة في منطقة المشتل: the place of the event, not its target
        if actor is not None:
            return actor
        return self.free_text(j, hi)

    def _skip_to_head(self, j: int, hi: int) -> int:
        """The first word from ``j`` that is not a time word, a determiner or an instrument
        phrase (``ب`` + a number or an instrument noun, with the words that qualify it)."""
        rw = self.rw
        start = j
        while j < hi and j < start + 6:
            key = self.keys[j]
            if key in rw.target_skip or self.is_filler(j):
                j += 1
                continue
            if (
                key[:1] == "ب"
                and len(key) > 3
                and (key[1:] in rw.target_instruments or self._number(key[1:]))
            ):
                j += 1
                while j < hi and (
                    self.keys[j] in rw.target_instruments
                    or self.is_filler(j)
                    or self.keys[j] in rw.target_skip
                ):
                    j += 1
                continue
            if key in ("by", "with") and j + 1 < hi and self.keys[j + 1] in rw.target_instruments:
                j += 2
                continue
            break
        return j

    def _qualifier(self, j: int) -> bool:
        return self.is_filler(j) or self.keys[j] in self.rw.target_skip

    @staticmethod
    def _number(key: str) -> bool:
        return key.isdigit() or read_count((key,), 0) is not None

    def free_text(self, j: int, hi: int) -> tuple[int, int] | None:
        """The head noun phrase at ``j``: one or two words up to punctuation, a preposition or a
        mention governed by a clitic preposition (``مقرا للحشد``): ``(first, last)``."""
        if j >= hi:
            return None
        head = self.keys[j]
        if head in self.rw.not_target_heads or (head[:1] == "و" and len(head) > 3 and head[1:2] != "و"):
            return None
        words: list[int] = []
        while j < hi and len(words) < 2:
            key = _bare(self.keys[j])
            if self.is_punct(j) or key in self.rw.prepositions or key in self.rw.location:
                break
            raw = self.keys[j]
            if raw.isdigit() or raw in self.rw.not_target_heads or raw in _RELATIVES:
                break
            if words and any(a.first == j and a.clitic[-1:] in ("ل", "ب") for a in self.actors):
                break
            words.append(j)
            j += 1
        if not words:
            return None
        return words[0], words[-1]

    def target_after_marker(self, i: int, hi: int) -> Actor | tuple[int, int] | None:
        """``… على X`` / ``… against X`` within four words after the event noun."""
        for j in range(i + 1, min(hi, i + 6)):
            key = self.keys[j]
            if key in self.rw.target:
                return self.object_after(j, hi)
            if self.is_punct(j):
                return None
            skippable = self.is_filler(j) or any(a.first <= j <= a.last for a in self.actors + self.weapons)
            if not skippable and j > i + 2:
                return None
        return None

    def location(self, lo: int, hi: int, after: int, exclude: Iterable[str]) -> Actor | None:
        """The place of the event: a PLACE after a locative word, else a country after في."""
        skip = set(exclude)

        def located(a: Actor) -> bool:
            prep = self.preposition(a)
            return prep is not None and (prep in self.rw.location or prep == "ب")

        for types in (frozenset({"PLACE"}), frozenset({"COUNTRY"})):
            candidates = [
                a for a in self.actors if lo <= a.first < hi and a.type in types and a.id not in skip
            ]
            candidates = [a for a in candidates if located(a)]
            later = [a for a in candidates if a.first > after]
            if later:
                return later[0]
            if candidates:
                return candidates[-1]
        return None
