"""From an article's body to event candidates, one sentence at a time.

One pass: the trigger expression runs over each body range once; each sentence with triggers is
read once for modality, roles, dates and casualties. Candidates are merged into events by
:mod:`rasad.extract.events.merge`.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from rasad.common.messages import Entity, Weapon

from .casualties import casualties
from .clauses import QUOTES, Sentence, line_breaks, spans, to_normalized
from .clauses import sentence as make_sentence
from .dates import DateMention, find_dates_in_words
from .lexicon import EventLexicon, TermHit, Trigger
from .modality import modality
from .places import country_of
from .roles import ACTOR_TYPES, AGENT_TYPES, Actor, View, role_words

__all__ = ["Candidate", "Hit", "candidates"]

_WEAPON_SUBTYPES = {
    "drone": "drone_strike",
    "missile": "missile_attack",
    "artillery_rocket": "rocket_attack",
    "fighter_aircraft": "air_strike",
    "attack_aircraft": "air_strike",
}
_ARMS_STATUS = {
    "offer": "offered",
    "possibility": "offered",
    "future": "offered",
    "negotiation": "negotiating",
    "agreement": "agreed",
    "denial": "denied",
    "negation": "denied",
}
_PASSIVE = frozenset({"was", "were", "been", "being"})
_DATE_REACH = 16  # words between a trigger and its date
_DEAL_NOUNS = frozenset(
    {"صفقه", "صفقات", "صفقه اسلحه", "صفقه سلاح", "عقد تسليح", "شراء", "arms deal", "purchase"}
)


class Hit(NamedTuple):
    """A trigger found in a sentence."""

    first: int
    last: int
    trigger: Trigger
    prefix: str
    definite: bool


@dataclass
class Candidate:
    """One description of an event in one sentence."""

    type: str
    subtype: str | None
    sentence: int
    span: tuple[int, int]  # normalized span of the sentence
    attacker: Actor | None = None
    target: Actor | None = None
    target_text: tuple[int, int] | None = None  # normalized span of a free-text target
    target_word: str | None = None  # its first word
    location: Actor | None = None
    weapon: Actor | None = None
    date: date | None = None
    killed: int | None = None
    killed_high: int | None = None
    injured: int | None = None
    injured_high: int | None = None
    status: str | None = None
    persons: set[str] = field(default_factory=set)
    named: bool = False  # a killed person is named
    killed_role: bool = False  # the death toll is one person read from a lone role noun
    definite: bool = False
    anchor: int = 0  # word index of the trigger in its sentence
    anonymous: bool = False  # by aircraft named without their country (طائرات حربية)


_Mention = tuple[int, int, str, str, str, "str | None"]
_Payload = tuple[str, str, str, "str | None"]  # id, name, type, weapon category


def _mentions(
    items: Sequence[Entity] | Sequence[Weapon], kind: str
) -> tuple[list[tuple[int, int, _Payload]], list[int]]:
    """Every mention of ``items`` in original offsets, sorted, with their starts: converted to
    normalized offsets only for the sentences that are read (:func:`_sentence_mentions`)."""
    found: list[tuple[int, int, _Payload]] = []
    for item in items:
        payload: _Payload = (
            (item.id, item.name, "WEAPON", item.category)  # type: ignore[union-attr]
            if kind == "weapon"
            else (item.id, item.name, item.type, None)  # type: ignore[union-attr]
        )
        found.extend([(m.start, m.end, payload) for m in item.mentions])
    out = sorted(found, key=lambda x: (x[0], x[1]))
    return out, [m[0] for m in out]


def _sentence_mentions(
    index: Sequence[int],
    sentence: Sentence,
    mentions: tuple[list[tuple[int, int, _Payload]], list[int]],
) -> list[_Mention]:
    """The mentions whose normalized start lies in the sentence, in normalized order."""
    items, starts = mentions
    # A normalized start n = bisect_left(index, s) lies in [a, b) when index[a-1] < s <= index[b-1].
    lo = bisect.bisect_right(starts, index[sentence.start - 1]) if sentence.start > 0 else 0
    hi = bisect.bisect_right(starts, index[sentence.end - 1])
    out: list[_Mention] = []
    for s, e, payload in items[lo:hi]:
        start, end = bisect.bisect_left(index, s), bisect.bisect_left(index, e)
        if end > start:
            out.append((start, end, *payload))
    out.sort()
    return out


def _actors(sentence: Sentence, mentions: Sequence[_Mention]) -> list[Actor]:
    words = sentence.words
    starts = sentence.starts
    last_word = len(words) - 1
    out = []
    for start, end, ident, name, etype, category in mentions:
        # Sentence.word_at, inlined: the word that holds or follows the offset.
        first = bisect.bisect_right(starts, start) - 1
        if first < 0 or words[first].end <= start:
            first = max(0, min(first + 1, last_word))
        pos = max(start, end - 1)
        last = bisect.bisect_right(starts, pos) - 1
        if last < 0 or words[last].end <= pos:
            last = max(0, min(last + 1, last_word))
        clitic = words[first].text[: max(0, start - words[first].start)]
        out.append(Actor(start, end, first, last, ident, name, etype, category, clitic))
    return out


def _is_trigger(lex: EventLexicon, text: str, m: TermHit) -> bool:
    """A term found by the trigger pass that is a trigger where it stands (not a listed
    non-trigger word)."""
    return (
        m.term in lex.triggers
        and text[m.start : m.end] not in lex.not_triggers
        and _word_end(text, m.end) not in lex.not_triggers
    )


def _support_only(trigger: Trigger) -> bool:
    """A strike's support verb (شنت، نفذ): read only with an event noun of its sentence."""
    return trigger.type == "strike" and trigger.kind == "light"


def _hits(lex: EventLexicon, text: str, sentence: Sentence, found: Sequence[TermHit]) -> list[Hit]:
    """The triggers ``found`` (already checked by :func:`_is_trigger`) as words of the sentence."""
    hits = []
    for m in found:
        trigger = lex.triggers[m.term]
        first = sentence.word_at(m.start)
        last = sentence.word_at(m.end - 1)
        before = sentence.words[first - 1].text if first > 0 else ""
        prefix = m.prefix
        definite = (
            "ال" in prefix or "لل" in prefix or m.term.startswith("ال") or before in ("هذا", "هذه", "the")
        )
        hits.append(Hit(first, last, trigger, prefix, definite))
    return hits


def _word_end(text: str, pos: int) -> str:
    """The whole word that ends at or after ``pos`` (a term with its suffix)."""
    a = pos
    while a > 0 and text[a - 1].isalnum():
        a -= 1
    b = pos
    while b < len(text) and text[b].isalnum():
        b += 1
    return text[a:b]


def _nearest_date(
    view: View, dates: Sequence[DateMention], i: int, lo: int, hi: int
) -> tuple[bool, date | None]:
    """The date nearest to word ``i`` within its segment, not across a quotation mark."""
    best: tuple[int, date | None] | None = None
    for d in dates:
        w = view.sentence.word_at(d.start)
        if not lo <= w < hi:
            continue
        a, b = sorted((w, i))
        if any(view.words[k].text in QUOTES for k in range(a, b)):
            continue
        if abs(w - i) <= _DATE_REACH and (best is None or abs(w - i) < best[0]):
            best = (abs(w - i), d.value)
    return (best is not None), (best[1] if best else None)


@dataclass
class _Group:
    hits: list[Hit]
    closed: bool = False
    kills: list[Hit] = field(default_factory=list)

    @property
    def main(self) -> Hit:
        return self.hits[0]


def _strike_groups(view: View, lex: EventLexicon, hits: Sequence[Hit]) -> tuple[list[_Group], set[int]]:
    groups: list[_Group] = []
    suppressed: set[int] = set()  # segment starts with a strike that is not a reported act
    for hit in hits:
        t = hit.trigger
        if t.type != "strike" or t.kind in ("light", "kill"):
            continue
        lo, _ = view.segment(hit.first)
        if modality(lex, view.words, hit.first, hit.prefix, view.stops) is not None:
            suppressed.add(view.seg(hit.first))
            continue
        current = groups[-1] if groups else None
        if (
            current is not None
            and view.segment(current.hits[-1].first)[0] == lo
            and hit.first - current.hits[-1].last <= 6
            and (not current.closed or hit.first <= current.main.last + 2)
        ):
            current.hits.append(hit)
        else:
            # A definite event noun followed by a relative clause (الغارة التي قتلت سليماني)
            # refers to an event; only the relative clause's verb belongs to it.
            closed = hit.definite and hit.last + 1 < len(view.keys) and view.relative_before(hit.last + 1 + 1)
            groups.append(_Group([hit], closed=closed))
    for hit in hits:
        if hit.trigger.kind != "kill" or hit.trigger.type != "strike":
            continue
        seg = view.seg(hit.first)
        if modality(lex, view.words, hit.first, hit.prefix, view.stops) is not None:
            continue
        same = [g for g in groups if view.seg(g.main.first) == seg]
        pool = same or ([] if seg in suppressed else groups)
        owner = _consequence_owner(view, lex, groups, hit.first) if _consequence(view, hit) else None
        if owner is not None:
            owner.kills.append(hit)
        elif pool:
            before = [g for g in pool if g.main.first < hit.first]
            nearest = (
                max(before, key=lambda g: g.main.first) if before else min(pool, key=lambda g: g.main.first)
            )
            nearest.kills.append(hit)
        elif seg not in suppressed and view.agent_after(hit.last, view.segment(hit.first)[1]) is not None:
            groups.append(_Group([hit], kills=[hit]))
    return groups, suppressed


def _consequence(view: View, hit: Hit) -> bool:
    """A killing word introduced as a consequence: ``مما أسفر عن مقتل``, ``, killing``."""
    return _consequence_at(view, hit.first) or any(
        tuple(view.keys[hit.first : hit.first + len(p)]) == p for p in view.rw.consequence
    )


def _consequence_at(view: View, i: int) -> bool:
    """A consequence phrase (``وأدى إلى``: with a conjunction) ends right before word ``i``."""
    for p in view.rw.consequence:
        n = len(p)
        if n <= i:
            words = view.keys[i - n : i]
            if tuple(words[1:]) == p[1:] and words[0] in (p[0], "و" + p[0], "ف" + p[0]):
                return True
    return False


def _consequence_owner(view: View, lex: EventLexicon, groups: Sequence[_Group], i: int) -> _Group | None:
    """The group of the nearest strike stated by a clause (a strike verb, or a support verb
    before the event noun) before word ``i`` in the sentence; None when there is none (the
    segment rules decide)."""
    best: tuple[int, _Group] | None = None
    for g in groups:
        for h in g.hits:
            if h.last < i and (best is None or h.first > best[0]) and _clausal(view, lex, g):
                best = (h.first, g)
    return best[1] if best else None


def _clausal(view: View, lex: EventLexicon, g: _Group) -> bool:
    if any(h.trigger.kind in ("verb", "receive") for h in g.hits):
        return True
    return any(_is_light(lex, view.keys[j]) for j in range(max(0, g.main.first - 6), g.main.first))


def _strike(view: View, lex: EventLexicon, group: _Group, english: bool, stop: int) -> Candidate:
    """The strike of ``group``; its place is read before ``stop``, the next group's trigger."""
    main = group.main
    lo, hi = view.segment(main.first)
    words = [h.first for h in group.hits + group.kills] + [h.last for h in group.hits + group.kills]
    span = view.clause(min(words), max(words))
    cand = Candidate("strike", None, 0, span, definite=main.definite)
    cand.attacker = _strike_attacker(view, lex, group, lo, hi, english)
    _strike_target(view, group, cand, hi)
    exclude = {a.id for a in (cand.attacker, cand.target) if a is not None and a.type != "PLACE"}
    cand.location = view.location(lo, max(main.last + 1, min(hi, stop)), main.first, exclude)
    if cand.location is None and cand.target is not None and cand.target.type == "PLACE":
        cand.location = cand.target
    weapons = [w for w in view.weapons if lo <= w.first < hi and abs(w.first - main.first) <= 8]
    if weapons:
        cand.weapon = min(weapons, key=lambda w: abs(w.first - main.first))
    cand.subtype = _subtype(view, lex, group, cand.weapon)
    return cand


def _strike_attacker(
    view: View, lex: EventLexicon, group: _Group, lo: int, hi: int, english: bool
) -> Actor | None:
    for hit in group.hits + group.kills:
        agent = view.agent_after(hit.last, hi) or view.attributed_to(hit.first, hit.last)
        if agent is not None:
            return agent
    for hit in group.hits:
        t = hit.trigger
        if t.kind == "noun" and english:
            actor = view.modifier_before(hit.first, lo)
            if actor is not None:
                return actor
        if t.kind == "noun" and not english:  # an English actor after the noun is no adjective
            actor = (
                view.nisba_after(hit.last, hi)
                or _relative_light_subject(view, lex, hit.last, hi)
                or view.instrument_owner(hit.last, hi)
            )
            if actor is not None:
                return actor
        if t.kind == "verb" and _relative_object(view, hit):
            # القائدين ... اللذين اغتالتهما إسرائيل: the subject follows the verb.
            actor = view.actor_starting(hit.last + 1, min(hi, hit.last + 4), AGENT_TYPES)
            if actor is not None and view.preposition(actor) is None:
                return actor
        if t.kind == "verb" and any(h.trigger.kind == "noun" and h.last == hit.first - 1 for h in group.hits):
            continue  # في قصف استهدف موكبهما: the event noun is the verb's subject
        if t.kind == "verb":
            actor = view.origin_before(hit.first, lo) or view.subject(
                hit.first, lo, hi, english=english, coordinated=hit.prefix[:1] in ("و", "ف")
            )
            if actor is not None and actor.type in AGENT_TYPES:
                return actor
            actor = view.instrument_owner(hit.last, hi)
            if actor is not None:
                return actor
    main = group.main
    if any(view.keys[j] in view.rw.unknown_agent for j in range(main.last + 1, min(hi, main.last + 6))):
        return None  # بقصف طائرة مسيرة مجهولة: no actor stated, none taken from before
    if main.trigger.kind == "noun":
        for j in range(main.first - 1, max(lo, main.first - 7) - 1, -1):
            key = view.keys[j]
            trig = lex.triggers.get(key) or lex.triggers.get(key[1:] if key[:1] in "وف" else key)
            if trig is not None and trig.kind == "light":
                if j > 0 and view.keys[j - 1] in view.rw.passive_aux:
                    return None  # تم تنفيذ الضربة: no actor stated
                inside = view.actor_starting(j + 1, main.first, ACTOR_TYPES)
                return inside or view.nearest_before(j, lo, ACTOR_TYPES)
        if "ب" in main.prefix:
            return view.nearest_before(main.first, lo, ACTOR_TYPES)
    return None


_OBJECT_PRONOUNS = ("هما", "هم", "ها", "ه")


def _relative_object(view: View, hit: Hit) -> bool:
    """A past verb after a relative pronoun with an object pronoun (الذين اغتالتهم): the
    relative pronoun stands for the verb's object, not its subject."""
    if hit.trigger.tense != "past" or hit.first != hit.last or not view.relative_before(hit.first):
        return False  # the present (المواقع التي تستهدفها إسرائيل) states a habit, not an event
    rest = view.keys[hit.first][len(hit.prefix) + len(hit.trigger.term) :]
    return rest in _OBJECT_PRONOUNS


def _relative_light_subject(view: View, lex: EventLexicon, last: int, hi: int) -> Actor | None:
    """X in ``غارة شنتها طائرة مسيّرة إسرائيلية`` / ``قصف نفذه الطيران الإسرائيلي``: the subject of a
    support verb with a pronoun for the event noun right after it."""
    j = last + 1
    if j >= hi:
        return None
    key = view.keys[j]
    stem = next((key[: -len(p)] for p in _OBJECT_PRONOUNS if key.endswith(p) and len(key) > len(p) + 1), None)
    if stem is None or not _is_light(lex, stem):
        return None
    return view.actor_starting(j + 1, min(hi, j + 5), AGENT_TYPES)


def _strike_target(view: View, group: _Group, cand: Candidate, group_hi: int) -> None:
    persons = [a for a in view.actors if a.type == "PERSON"]
    killed: list[Actor] = []
    for k in group.kills:
        hi = view.segment(k.first)[1]
        after = [a for a in persons if k.last < a.first <= k.last + 9 and a.first < hi]
        passive = [a for a in persons if a.last == k.first - 1 and k.trigger.term == "قتل" and not k.prefix]
        if not passive and k.first > 0 and view.keys[k.first - 1] in ("was", "were"):
            passive = [a for a in persons if k.first - 25 <= a.first < k.first][:2]
        killed.extend(passive or after[:2])
        if not after and not passive:
            org = view.actor_starting(k.last + 1, min(hi, k.last + 4), frozenset({"ORG"}), stop_punct=False)
            if org is not None:
                killed.append(org)
    for hit in group.hits:
        if hit.trigger.subtype == "assassination" and not killed:
            # اغتيال إسرائيل القيادي في حماس صالح العاروري: the person named after it.
            hi = view.segment(hit.first)[1]
            killed.extend([a for a in persons if hit.last < a.first <= hit.last + 9 and a.first < hi][:2])
    relative = next((h for h in group.hits if h.trigger.kind == "verb" and _relative_object(view, h)), None)
    if relative is not None and not killed:
        # The persons the relative pronoun stands for: named right before it.
        before = [a for a in persons if relative.first - 12 <= a.first and a.last < relative.first - 1]
        killed.extend(before[-2:])
    cand.persons = {a.id for a in killed}
    cand.named = any(a.type == "PERSON" for a in killed)
    receive = next((h for h in group.hits if h.trigger.kind == "receive"), None)
    if receive is not None:
        # تعرضت القاعدة لهجوم / هجوم تعرضت له قاعدة: the one who suffered it is the target.
        pronoun = receive.last + 1
        if pronoun < len(view.keys) and view.keys[pronoun] in ("له", "لها", "لهم"):
            sufferer = view.object_after(pronoun, group_hi)
            if isinstance(sufferer, Actor):
                cand.target = sufferer
                return
            if sufferer is not None:
                cand.target_text = (view.words[sufferer[0]].start, view.words[sufferer[1]].end)
                cand.target_word = view.keys[sufferer[0]]
                return
        subject = view.nearest_before(receive.first, 0, ACTOR_TYPES)
        if subject is not None:
            cand.target = subject
            return
    if killed:
        cand.target = killed[0]
        return
    hi = group_hi
    for hit in group.hits:
        found: Actor | tuple[int, int] | None = None
        if hit.trigger.kind == "verb" and hit.first > 1 and view.keys[hit.first - 1] in _PASSIVE:
            # their vehicle was struck by missiles: the subject is the target.
            found = view.passive_subject(hit.first - 1)
            if isinstance(found, Actor):
                cand.target = found
                return
            if found is not None:
                cand.target_text = (view.words[found[0]].start, view.words[found[1]].end)
                cand.target_word = view.keys[found[0]]
            return
        # The object of a targeting verb or its noun (استهدف، استهداف) comes first; an event noun
        # names its target after a marker (الهجوم على السفارة).
        if hit.trigger.kind == "verb" or hit.trigger.term in view.rw.target_verbs:
            # استهدفت غارة بطائرة مسيّرة سيارة: the event noun right after the verb is its subject.
            start = next(
                (h.last for h in group.hits if h.first == hit.last + 1 and h.trigger.kind == "noun"), hit.last
            )
            found = view.object_after(start, hi)
            if found is not None and found == cand.attacker:
                # The owner of the instrument (بطائرات مسيّرة للتحالف سيارة) or the subject right
                # after the verb (استهدفت إسرائيل سيارة): the object follows it.
                owner = cand.attacker
                skip = owner is not None and owner.first > start and view.preposition(owner) == "ل"
                if owner is not None and hit.trigger.kind == "verb" and owner.first == start + 1:
                    skip = view.preposition(owner) is None  # VSO: استهدفت إسرائيل سيارة
                found = view.object_after(owner.last, hi) if skip and owner is not None else None
        if found is None and hit.trigger.kind == "noun":
            found = view.target_after_marker(hit.last, hi)
        if isinstance(found, Actor):
            cand.target = found
            return
        if found is not None:
            first, last = found
            cand.target_text = (view.words[first].start, view.words[last].end)
            cand.target_word = view.keys[first]
            return


def _subtype(view: View, lex: EventLexicon, group: _Group, weapon: Actor | None) -> str:
    for hit in group.hits:
        if hit.trigger.subtype:
            return hit.trigger.subtype
    a = max(0, group.main.first - 4)
    b = min(len(view.words), group.hits[-1].last + 6)
    start, end = view.words[a].start, view.words[b - 1].end
    for m in lex.qualifier_pattern.finditer(view.sentence_text, start, end):
        key = " ".join((m.group("term") or m.group("lterm")).split())
        if key in lex.qualifiers:
            return lex.qualifiers[key]
    if weapon is not None and weapon.category in _WEAPON_SUBTYPES:
        return _WEAPON_SUBTYPES[weapon.category]
    return "attack"


def _is_light(lex: EventLexicon, key: str) -> bool:
    trig = lex.triggers.get(key) or lex.triggers.get(key[1:] if key[:1] in "وف" else key)
    return trig is not None and trig.kind == "light"


def _casualties(view: View, lex: EventLexicon, cands: Sequence[Candidate], groups: Sequence[_Group]) -> None:
    if not cands:
        return
    person_words = frozenset(k for a in view.actors if a.type == "PERSON" for k in range(a.first, a.last + 1))
    for c in casualties(lex, view.keys, person_words):
        seg = view.seg(c.word)
        pool = [i for i, g in enumerate(groups) if view.seg(g.main.first) == seg] or list(range(len(groups)))
        attached = [i for i, g in enumerate(groups) if any(k.first <= c.word <= k.last + 3 for k in g.kills)]
        before = [i for i in pool if groups[i].main.first < c.word]
        owner = _consequence_owner(view, lex, groups, c.word) if _consequence_at(view, c.word) else None
        if owner is not None:
            i = groups.index(owner)
        elif attached:
            i = attached[0]
        elif before:
            i = max(before, key=lambda k: groups[k].main.first)
        else:
            i = min(pool, key=lambda k: groups[k].main.first)
        cand = cands[i]
        if c.kind == "killed" and cand.killed is None:
            cand.killed = c.count.low
            cand.killed_role = c.role
            cand.killed_high = None if c.count.exact else c.count.high
        elif c.kind == "injured" and cand.injured is None:
            cand.injured = c.count.low
            cand.injured_high = None if c.count.exact else c.count.high


def _arms(view: View, lex: EventLexicon, hits: Sequence[Hit], english: bool) -> list[Candidate]:
    if not any(h.trigger.type == "arms_transfer" for h in hits):
        return []
    if not view.weapons and not _arms_context(lex, view.keys):
        return []
    out: list[Candidate] = []
    seen_segments: set[int] = set()
    for hit in hits:
        t = hit.trigger
        if t.type != "arms_transfer":
            continue
        lo, hi = view.segment(hit.first)
        if lo in seen_segments:
            continue
        mood = modality(lex, view.words, hit.first, hit.prefix, view.stops)
        if mood in ("conditional", "threat", "purpose"):
            continue
        status = _ARMS_STATUS.get(mood or "") or t.status or ("agreed" if t.term in _DEAL_NOUNS else None)
        supplier, recipient = _arms_parties(view, hit, lo, hi, english)
        if supplier is None and recipient is None:
            continue
        if (
            supplier is not None
            and recipient is not None
            and country_of(supplier.id) == country_of(recipient.id)
        ):
            continue
        seen_segments.add(lo)
        span = (view.sentence.start, view.sentence.end)
        cand = Candidate(t.type, t.subtype, 0, span, status=status, anchor=hit.first)
        cand.attacker, cand.target = supplier, recipient
        if view.weapons:
            cand.weapon = min(view.weapons, key=lambda w: abs(w.first - hit.first))
        out.append(cand)
    return out


_CONTEXT_CLITICS = ("وبال", "وال", "بال", "لل", "ال", "و", "ب", "ل")


def _arms_context(lex: EventLexicon, keys: Sequence[str]) -> bool:
    """A word about arms in the sentence, also with its article or a clitic (الدبابات، بالأسلحة)."""
    if not lex.arms_context.isdisjoint(keys):
        return True
    for key in keys:
        for clitic in _CONTEXT_CLITICS:
            if key.startswith(clitic) and len(key) - len(clitic) >= 3:
                if key[len(clitic) :] in lex.arms_context:
                    return True
                break
    return False


def _arms_parties(view: View, hit: Hit, lo: int, hi: int, english: bool) -> tuple[Actor | None, Actor | None]:
    t = hit.trigger
    if t.kind == "verb" and _relative_object(view, hit):
        # المروحيات التي باعتها وزارة الدفاع الروسية للعراق: the supplier follows the verb.
        follows = view.actor_starting(hit.last + 1, min(hi, hit.last + 4), ACTOR_TYPES)
        subject = follows if follows is not None and view.preposition(follows) is None else None
    elif t.kind == "verb":
        subject = view.subject(hit.first, lo, hi, english=english)
    else:
        subject = view.nearest_before(hit.first, lo, ACTOR_TYPES, allow=("ل",))
    if subject is not None and subject.type not in ACTOR_TYPES:
        subject = None
    others = [
        a for a in view.actors_between(hit.first + 1, min(hi, hit.last + 8), ACTOR_TYPES) if a != subject
    ]
    if t.inbound:
        sources = [
            a
            for a in view.actors_between(lo, hi, ACTOR_TYPES)
            if a != subject and view.preposition(a) in {"من", "مع", "from", "with"}
        ]
        source = sources[0] if sources else None
        if source is None:
            # شراء منظومات إس-400 الروسية: the weapon's nisba names the supplier.
            after = [
                a
                for a in view.actors_between(hit.last + 1, hi, frozenset({"COUNTRY"}))
                if a != subject
                and view.preposition(a) is None
                and any(w.last + 1 >= a.first - 1 for w in view.weapons)
            ]
            source = after[0] if after else None
        if source is not None and (subject is None or country_of(subject.id) == country_of(source.id)):
            others_before = [
                a
                for a in view.actors
                if a.last < hit.first
                and a.type in ACTOR_TYPES
                and view.preposition(a) is None
                and country_of(a.id) != country_of(source.id)
            ]
            subject = others_before[-1] if others_before else None
        return source, subject
    recipients = [a for a in others if view.preposition(a) not in {"من", "from", "في", "in"}]
    if not recipients:
        # عقدا لتسليم دفعة إضافية من منظومة إس-400 لتركيا: a recipient with ل or إلى further on.
        recipients = [
            a
            for a in view.actors_between(hit.last + 1, hi, ACTOR_TYPES)
            if a != subject and view.preposition(a) in {"ل", "الي", "to"}
        ]
    return subject, (recipients[0] if recipients else None)


def _cooperation(view: View, lex: EventLexicon, hits: Sequence[Hit]) -> list[Candidate]:
    coop = [h for h in hits if h.trigger.type == "cooperation"]
    if not coop:
        return []
    chosen: Hit | None = None
    offered = False
    for hit in coop:
        mood = modality(lex, view.words, hit.first, hit.prefix, view.stops)
        if mood is None:
            chosen, offered = hit, False
            break
        if mood in ("offer",) and chosen is None:
            chosen, offered = hit, True
    if chosen is None:
        return []
    military = chosen.trigger.subtype in ("military_cooperation", "training", "intelligence_sharing")
    if not military and lex.military_context.isdisjoint(view.keys):
        return []
    parties: list[Actor] = []
    countries: list[str] = []
    subject = view.nearest_before(chosen.first, 0, ACTOR_TYPES)
    ordered = ([subject] if subject is not None else []) + [a for a in view.actors if a is not subject]
    for a in ordered:
        if a.type not in ("COUNTRY", "ORG", "PERSON"):
            continue
        country = country_of(a.id)
        if a.type != "COUNTRY" and country == a.id:
            continue
        if country not in countries:
            countries.append(country)
            parties.append(a)
    if len(parties) < 2:
        return []
    span = (view.sentence.start, view.sentence.end)
    cand = Candidate("cooperation", chosen.trigger.subtype, 0, span, anchor=chosen.first)
    cand.attacker, cand.target = parties[0], parties[1]
    cand.status = "offered" if offered else None
    return [cand]


def candidates(
    lex: EventLexicon,
    original: str,
    text: str,
    index: Sequence[int],
    entities: Sequence[Entity],
    weapons: Sequence[Weapon],
    body: Sequence[tuple[int, int]],
    published: date | None,
    english: bool,
) -> list[Candidate]:
    """Every event description of the body, in text order."""
    ranges = [to_normalized(index, a, b) for a, b in body]
    entity_mentions = _mentions(entities, "entity")
    weapon_mentions = _mentions(weapons, "weapon")
    rw = role_words(lex)
    out: list[Candidate] = []
    breaks = line_breaks(original, index)
    sentence_spans = spans(text, ranges, breaks)
    starts = [a for a, _ in sentence_spans]
    by_sentence: dict[int, list[TermHit]] = {}
    for lo, hi in ranges:
        for m in lex.trigger_finder.find(text, lo, hi):
            n = bisect.bisect_right(starts, m.start) - 1
            if n >= 0 and m.end <= sentence_spans[n][1]:
                by_sentence.setdefault(n, []).append(m)
    for n, found_terms in by_sentence.items():
        terms = [m for m in found_terms if _is_trigger(lex, text, m)]
        if all(_support_only(lex.triggers[m.term]) for m in terms):
            continue  # support verbs alone state no event: the sentence is not split into words
        sentence = make_sentence(text, *sentence_spans[n])
        if sentence is None:
            continue
        hits = _hits(lex, text, sentence, terms)
        view = View(
            sentence,
            _actors(sentence, _sentence_mentions(index, sentence, entity_mentions)),
            _actors(sentence, _sentence_mentions(index, sentence, weapon_mentions)),
            rw,
            text,
        )
        found = _sentence(view, lex, hits, english, published)
        for cand in found:
            cand.sentence = n
        _carry_parties(out, found, n)
        if n > 0 and not _paragraph_break(breaks, sentence_spans[n - 1][1], sentence_spans[n][0]):
            _carry_actor(out, found, n)
        out.extend(found)
    return out


def _paragraph_break(breaks: Sequence[int], end: int, start: int) -> bool:
    """A line break between the end of one sentence and the start of the next."""
    i = bisect.bisect_left(breaks, end)
    return i < len(breaks) and breaks[i] < start + 1


def _carry_actor(before: Sequence[Candidate], found: Sequence[Candidate], n: int) -> None:
    """A strike by aircraft named without their country (شنت طائرات حربية غارات) takes the actor
    of the strike in the sentence right before it, in the same paragraph."""
    previous = next(
        (c for c in reversed(before) if c.type == "strike" and c.sentence == n - 1 and c.attacker), None
    )
    if previous is None:
        return
    for cand in found:
        if cand.type == "strike" and cand.attacker is None and cand.anonymous:
            cand.attacker = previous.attacker


def _carry_parties(before: Sequence[Candidate], found: Sequence[Candidate], n: int) -> None:
    """An arms transfer whose supplier or recipient is missing takes it from the transfer of the
    sentence before (the supplier named in one sentence, the recipient in the next)."""
    previous = next((c for c in reversed(before) if c.type == "arms_transfer" and c.sentence == n - 1), None)
    if previous is None:
        return
    for cand in found:
        if cand.type != "arms_transfer" or (cand.attacker is None) == (cand.target is None):
            continue
        if cand.attacker is None:
            supplier, recipient = previous.attacker, cand.target
        else:
            supplier, recipient = cand.attacker, previous.target
        if supplier is None or recipient is None or country_of(supplier.id) == country_of(recipient.id):
            continue
        cand.attacker, cand.target = supplier, recipient


def _sentence(
    view: View, lex: EventLexicon, hits: Sequence[Hit], english: bool, published: date | None
) -> list[Candidate]:
    groups, _ = _strike_groups(view, lex, hits)
    strikes = [
        _strike(view, lex, g, english, groups[n + 1].main.first if n + 1 < len(groups) else len(view.keys))
        for n, g in enumerate(groups)
    ]
    _means_actor(view, groups, strikes)
    if not view.rw.anonymous_words.isdisjoint(view.keys):
        for group, cand in zip(groups, strikes, strict=True):
            if cand.attacker is None:
                lo, hi = view.segment(group.main.first)
                cand.anonymous = any(view.phrase_at(j, view.rw.anonymous) for j in range(lo, hi))
    others = _arms(view, lex, hits, english) + _cooperation(view, lex, hits)
    if not strikes and not others:
        return []
    # Dates are read only for sentences that state an event.
    dates = find_dates_in_words(view.sentence_text, view.words, view.sentence.end, published, view.keys)
    _casualties(view, lex, strikes, groups)
    for g, c in zip(groups, strikes, strict=True):
        light = [j for j in range(max(0, g.main.first - 6), g.main.first) if _is_light(lex, view.keys[j])]
        c.anchor = light[0] if light else g.main.first
    for cand in strikes:
        # Each date belongs to the strike nearest to it.
        owned = [d for d in dates if _owner(view, strikes, d) is cand]
        lo, hi = view.segment(cand.anchor)
        _, cand.date = _nearest_date(view, owned, cand.anchor, lo, hi)
    for cand in others:
        lo, hi = view.segment(cand.anchor)
        _, cand.date = _nearest_date(view, dates, cand.anchor, lo, hi)
    return strikes + others


_MEANS_REACH = 12  # words between a killing and the strike it happened in


def _means_actor(view: View, groups: Sequence[_Group], strikes: Sequence[Candidate]) -> None:
    """A killing or assassination without an actor that happened in a strike stated right after
    it (اغتيال المرشد ... في الضربات الافتتاحية من قبل الولايات المتحدة; قتل X بغارة إسرائيلية)
    takes that strike's actor."""
    for n, (group, cand) in enumerate(zip(groups, strikes, strict=True)):
        if cand.attacker is not None:
            continue
        if not any(h.trigger.subtype == "assassination" or h.trigger.kind == "kill" for h in group.hits):
            continue
        end = max(h.last for h in group.hits + group.kills)
        for later, other in zip(groups[n + 1 :], strikes[n + 1 :], strict=True):
            first = later.main.first
            if view.seg(first) != view.seg(group.main.first) or first - end > _MEANS_REACH:
                break
            means = "ب" in later.main.prefix or (first > 0 and view.keys[first - 1] in ("في", "فى"))
            if means and other.attacker is not None:
                cand.attacker = other.attacker
                break


def _owner(view: View, strikes: Sequence[Candidate], d: DateMention) -> Candidate | None:
    w = view.sentence.word_at(d.start)
    return min(strikes, key=lambda c: abs(c.anchor - w), default=None)
