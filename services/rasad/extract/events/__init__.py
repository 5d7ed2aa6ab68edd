"""Strike, arms-transfer and cooperation events found in an article's text.

``find_events`` runs after the entity and weapon layer: it splits the article body into
sentences, finds event triggers in one pass, reads modality, numbers and dates, assigns the
roles from the entity mentions of the sentence and merges repeated descriptions of one event.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rasad.common.messages import Entity, Event, Weapon

from .finder import Candidate, candidates
from .lexicon import load
from .merge import merge, to_event

if TYPE_CHECKING:
    from rasad.extract.normalize import Normalized

__all__ = ["find_events"]


def find_events(
    text: str,
    normalized: Normalized,
    entities: Sequence[Entity],
    weapons: Sequence[Weapon],
    *,
    body_spans: Sequence[tuple[int, int]],
    lang: str,
    published_at: datetime | None,
) -> list[Event]:
    """The events ``text`` states, with evidence spans into ``text``."""
    lex = load()
    published = published_at.date() if published_at is not None else None
    found = candidates(
        lex,
        text,
        normalized.text,
        normalized.index,
        entities,
        weapons,
        body_spans,
        published,
        english=lang.startswith("en"),
    )
    events = []
    for event in merge(found):
        evidence = _evidence(text, normalized, event.parts)
        free = next((p.target_text for p in event.parts if p.target_text is not None), None)
        target_text = _span(text, normalized, *free)["text"] if free is not None else None
        events.append(to_event(event, lex, evidence, target_text or None))
    return events


def _span(text: str, normalized: Normalized, start: int, end: int) -> dict[str, Any]:
    """The original text of a normalized span, trimmed, as the fields of a :class:`Span`."""
    a, b = normalized.to_original(start, end)
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return {"text": text[a:b], "start": a, "end": b}


def _evidence(text: str, normalized: Normalized, parts: Sequence[Candidate]) -> list[dict[str, Any]]:
    spans: dict[tuple[int, int], dict[str, Any]] = {}
    for part in parts:
        span = _span(text, normalized, *part.span)
        if span["end"] > span["start"]:
            spans.setdefault((span["start"], span["end"]), span)
    return [spans[k] for k in sorted(spans)]
