"""Hand-built entity and weapon mentions for unit tests of the events layer (pure logic).

``mentions(text, table)`` finds every occurrence of each surface form of ``table`` in ``text``
(longest first, no overlaps) and returns the Entity and Weapon objects the entity layer would
give for them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rasad.common.messages import Entity, Span, Weapon

US = ("Q30", "United States", "COUNTRY")
IRAQ = ("Q796", "Iraq", "COUNTRY")
IRAN = ("Q794", "Iran", "COUNTRY")
RUSSIA = ("Q159", "Russia", "COUNTRY")
SYRIA = ("Q858", "Syria", "COUNTRY")
JORDAN = ("Q810", "Jordan", "COUNTRY")


def mentions(text: str, table: Mapping[str, tuple[str, str, str]]) -> tuple[list[Entity], list[Weapon]]:
    taken: list[tuple[int, int]] = []
    found: dict[tuple[str, str, str], list[Span]] = {}
    for surface in sorted(table, key=len, reverse=True):
        for m in re.finditer(re.escape(surface), text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            found.setdefault(table[surface], []).append(Span(text=m.group(), start=m.start(), end=m.end()))
    entities: list[Entity] = []
    weapons: list[Weapon] = []
    for (ident, name, kind), spans in found.items():
        spans.sort(key=lambda s: s.start)
        if kind.startswith("WEAPON:"):
            weapons.append(Weapon(id=ident, name=name, category=kind.split(":")[1], mentions=spans))
        else:
            entities.append(Entity(id=ident, name=name, type=kind, mentions=spans))
    return entities, weapons
