"""One event, many sentences: merge the descriptions of an event within an article, and give
each event a stable key.

Two descriptions are the same event when they have the same type, no conflicting actor, date,
death toll or arms status, and enough in common: the same actor, the same target or killed
person, the same place, the same date. A definite description without an actor (الضربة، the
strike) refers back to the latest event of its type in the three sentences before it.

The key is built from the type, the actors and the place reduced to their country where the
gazetteer knows it, the date and (for arms transfers) the status and weapon, so that reports of
the same event in different articles share it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rasad.common.messages import Event

from .finder import Candidate
from .lexicon import EventLexicon
from .places import coordinates, country_of
from .roles import Actor

__all__ = ["event_key", "merge"]

_ANAPHORA_SENTENCES = 3


@dataclass
class _Event:
    first: Candidate
    parts: list[Candidate] = field(default_factory=list)

    _values: dict[str, object] = field(default_factory=dict)

    def add(self, part: Candidate) -> None:
        self.parts.append(part)
        self._values.clear()

    def value(self, name: str) -> object:
        """The first value of ``name`` among the parts (kept until a part is added)."""
        values = self._values
        if name in values:
            return values[name]
        found = None
        for part in self.parts:
            found = getattr(part, name)
            if found is not None:
                break
        values[name] = found
        return found

    @property
    def attacker(self) -> Actor | None:
        return self.value("attacker")  # type: ignore[return-value]

    @property
    def date(self) -> date | None:
        return self.value("date")  # type: ignore[return-value]

    @property
    def persons(self) -> set[str]:
        out: set[str] = set()
        for part in self.parts:
            out |= part.persons
            if part.target is not None:
                out.add(part.target.id)
        return out


def _country(actor: Actor | None) -> str | None:
    return None if actor is None else country_of(actor.id)


def _pair(e: _Event) -> frozenset[str | None]:
    target = e.value("target")
    return frozenset({_country(e.attacker), _country(target if isinstance(target, Actor) else None)})


def _conflict(e: _Event, c: Candidate) -> bool:
    if e.first.type != c.type:
        return True
    if c.type == "cooperation":
        return e.value("status") != c.status or _pair(e) != frozenset(
            {_country(c.attacker), _country(c.target)}
        )
    a, b = e.attacker, c.attacker
    if a is not None and b is not None and a.id != b.id and _country(a) != _country(b):
        return True
    d = e.date
    if d is not None and c.date is not None and d != c.date:
        return True
    k = e.value("killed")
    if k is not None and c.killed is not None and k != c.killed:
        return True
    s = e.value("status")
    if c.type == "arms_transfer" and s != c.status:
        return True
    if c.type == "arms_transfer":
        t = e.value("target")
        if isinstance(t, Actor) and c.target is not None and _country(t) != _country(c.target):
            return True
    loc = e.value("location")
    if not isinstance(loc, Actor) or c.location is None or loc.id == c.location.id:
        return False
    here, there = _known_country(loc), _known_country(c.location)
    return here is not None and there is not None and here != there


def _known_country(actor: Actor) -> str | None:
    if actor.type == "COUNTRY":
        return actor.id
    country = country_of(actor.id)
    return country if country != actor.id else None


def _score(e: _Event, c: Candidate) -> float:
    if c.type == "cooperation":
        return 3.0  # same pair of countries, same status, compatible dates
    score = 0.0
    a = e.attacker
    if a is not None and c.attacker is not None:
        score += 2 if a.id == c.attacker.id else 1.5
    shared = e.persons & (c.persons | ({c.target.id} if c.target is not None else set()))
    for ident in shared:
        kind = next(
            (p.target.type for p in [*e.parts, c] if p.target is not None and p.target.id == ident), "PERSON"
        )
        score += 1 if kind == "COUNTRY" else 2
    loc = e.value("location")
    if isinstance(loc, Actor) and c.location is not None:
        score += 1 if loc.id == c.location.id else (0.5 if _country(loc) == _country(c.location) else 0)
    if e.date is not None and e.date == c.date:
        score += 2
    w = e.value("weapon")
    if isinstance(w, Actor) and c.weapon is not None and w.id == c.weapon.id:
        score += 1
    k = e.value("killed")
    if k is not None and k == c.killed:
        score += 2
    return score


def _target_keys(c: Candidate) -> set[str]:
    out = {c.target.id} if c.target is not None and c.target.type not in ("COUNTRY", "PERSON") else set()
    if c.target_word is not None:
        out.add(c.target_word)
    return out


def _other_target(e: _Event, c: Candidate) -> bool:
    """``c`` names a target and ``e`` names others, none of them ``c``'s: with nothing else in
    common but the actor, another strike of the same actor (a car here, a house there). A
    definite description (الضربة) refers back; a killed person adds to a target."""
    if c.definite:
        return False
    mine = _target_keys(c)
    theirs = set().union(*(_target_keys(p) for p in e.parts))
    return bool(mine) and bool(theirs) and mine.isdisjoint(theirs)


def _anaphoric(c: Candidate) -> bool:
    return c.definite and c.target is None and c.target_text is None and c.location is None


def _same_without_actor(e: _Event, c: Candidate) -> bool:
    """Two reports of a strike, one of them without its actor, and no other target: one event
    when they are in the same country (the same place or one inside the other), or, when one
    has no place, when they strike the same target or are a headline and its first sentence."""
    if c.type != "strike" or e.first.type != "strike":
        return False
    if (e.attacker is not None and c.attacker is not None) or _conflict(e, c):
        return False
    target = e.value("target")
    if isinstance(target, Actor) and c.target is not None and target.id != c.target.id:
        countries = target.type == "COUNTRY" or c.target.type == "COUNTRY"
        if countries or _country(target) != _country(c.target):
            return False
    here, there = e.value("location"), c.location
    if isinstance(here, Actor) and there is not None:
        return _country(here) == _country(there)
    same_target = (isinstance(target, Actor) and c.target is not None and target.id == c.target.id) or (
        c.target_word is not None and c.target_word in {p.target_word for p in e.parts}
    )
    return same_target or (e.first.sentence == 0 and c.sentence == 1)


def merge(candidates: Sequence[Candidate]) -> list[_Event]:
    events: list[_Event] = []
    for c in candidates:
        best: _Event | None = None
        if _anaphoric(c):
            # A definite description without a target (الضربة، the strike) refers back; when it
            # names an actor, only to an event whose actor is unknown or the same.
            recent = [
                e
                for e in reversed(events)
                if e.first.type == c.type and c.sentence - e.parts[-1].sentence <= _ANAPHORA_SENTENCES
            ]
            same = [e for e in recent if c.attacker is not None and _score(e, c) >= 2]
            if same:
                best = None if _conflict(same[0], c) else same[0]
            elif recent:
                e = recent[0]
                fits = c.attacker is None or e.attacker is None
                best = None if _conflict(e, c) or not fits else e
        if best is None:
            scored = [
                (s, e)
                for e in events
                if not _conflict(e, c) and (s := _score(e, c)) >= 2 and not (s < 3 and _other_target(e, c))
            ]
            if scored:
                best = max(scored, key=lambda p: p[0])[1]
        if best is None:
            best = next((e for e in reversed(events) if _same_without_actor(e, c)), None)
        if best is None:
            events.append(_Event(c, [c]))
        else:
            best.add(c)
    kept = [e for e in events if _informative(e)]
    for e in events:
        if e in kept:
            continue
        # A report too thin to stand alone (a drone strike in Baghdad killed two) completes an
        # event of its sentence that it does not contradict.
        sentences = {p.sentence for p in e.parts}
        host = next(
            (
                h
                for h in kept
                if h.first.type == e.first.type
                and any(p.sentence in sentences for p in h.parts)
                and not any(_conflict(h, p) for p in e.parts)
            ),
            None,
        )
        if host is not None:
            for part in e.parts:
                host.add(part)
    return kept


def _informative(e: _Event) -> bool:
    """An event needs an actor, or a target with a place, date or casualties."""
    if e.first.type != "strike":
        return True
    if e.attacker is not None:
        return True
    has_target = any(p.target is not None or p.target_text is not None for p in e.parts)
    details = e.value("location") or e.date or e.value("killed") is not None or e.value("injured") is not None
    specific = any(p.subtype not in (None, "attack") for p in e.parts)
    return has_target and (bool(details) or specific)


# -- building the message -----------------------------------------------------------------


def _ref(actor: Actor | None, name: str | None = None) -> dict[str, Any] | None:
    if actor is None:
        return None
    return {"id": actor.id, "name": name or actor.name}


def _place(actor: Actor | None) -> dict[str, Any] | None:
    if actor is None:
        return None
    coords = coordinates(actor.id)
    lat, lon = coords if coords else (None, None)
    return {"id": actor.id, "name": actor.name, "lat": lat, "lon": lon}


def event_key(
    event_type: str,
    attacker: str | None,
    target: str | None,
    place: str | None,
    day: date | None,
    extra: Sequence[str | None] = (),
) -> str:
    """``type|attacker|target|place|date[|…]`` with ``-`` for what is unknown."""
    parts = [event_type, attacker or "-", target or "-", place or "-", day.isoformat() if day else "-"]
    parts.extend(p or "-" for p in extra)
    return "|".join(parts)


def to_event(
    e: _Event,
    lex: EventLexicon,
    evidence: Sequence[Mapping[str, Any]],
    target_text: str | None,
) -> Event:
    """The message of event ``e``; ``evidence`` holds the fields of its spans. The message is
    validated in one call from plain values (faster than building each part as a model)."""
    first = e.first
    attacker = e.attacker
    target = e.value("target")
    target_actor = target if isinstance(target, Actor) else None
    location = e.value("location")
    location_actor = location if isinstance(location, Actor) else None
    weapon = e.value("weapon")
    weapon_actor = weapon if isinstance(weapon, Actor) else None
    day = e.date
    status = e.value("status")
    subtype = next((p.subtype for p in e.parts if p.subtype and p.subtype != "attack"), first.subtype)
    if first.type == "strike":
        codes = lex.codes_for("strike", subtype)
    elif first.type == "arms_transfer":
        codes = lex.codes_for("arms_transfer", status if isinstance(status, str) else None)
    else:
        codes = lex.codes_for("cooperation", "offered" if status == "offered" else subtype)
    target_ref = _ref(target_actor)
    if target_ref is None and target_text:
        target_ref = {"id": None, "name": target_text}
    place_key = (
        _country(location_actor)
        if location_actor is not None and location_actor.type == "COUNTRY"
        else (location_actor.id if location_actor is not None else None)
    )
    target_key = (
        _country(target_actor) if first.type != "strike" else (target_actor.id if target_actor else None)
    )
    extra: list[str | None] = []
    if first.type == "arms_transfer":
        extra = [status if isinstance(status, str) else None, weapon_actor.id if weapon_actor else None]
    key = event_key(first.type, _country(attacker), target_key, place_key, day, extra)
    killed = e.value("killed")
    if killed == 1 and any(p.killed_role for p in e.parts) and any(p.named for p in e.parts):
        killed = None  # "a commander" who is named elsewhere in the event: no number stated
    injured = e.value("injured")
    killed_max = _upper(e, "killed")
    injured_max = _upper(e, "injured")
    return Event.model_validate(
        {
            "event_key": key,
            "type": first.type,
            "subtype": subtype,
            "attacker": _ref(attacker),
            "target": target_ref,
            "location": _place(location_actor),
            "date": day,
            "killed": killed if isinstance(killed, int) else None,
            "injured": injured if isinstance(injured, int) else None,
            "killed_max": killed_max,
            "injured_max": injured_max,
            "weapon": _ref(weapon_actor),
            "status": status if isinstance(status, str) else None,
            "codes": {"cameo": codes.cameo, "acled": codes.acled},
            "confidence": _confidence(e),
            "evidence": list(evidence),
        }
    )


def _upper(e: _Event, name: str) -> int | None:
    """The upper bound of the count ``name`` when the part that gave the count read a range."""
    for part in e.parts:
        if getattr(part, name) is not None:
            high = getattr(part, f"{name}_high")
            return high if isinstance(high, int) else None
    return None


def _confidence(e: _Event) -> float:
    score = 0.4
    if e.attacker is not None:
        score += 0.2
    if e.value("target") is not None:
        score += 0.1
    if e.value("location") is not None:
        score += 0.1
    if e.date is not None:
        score += 0.05
    score += 0.05 * min(3, len(e.parts) - 1)
    return round(min(score, 0.95), 2)
