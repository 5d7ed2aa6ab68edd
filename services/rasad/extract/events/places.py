"""What the gazetteer knows about an entity that the events layer needs: its coordinates and
the country it belongs to (Kataib Hezbollah → Iraq, CENTCOM → United States).

The gazetteer is read once per process by the entity layer; when it cannot be read, events
simply carry no coordinates and actors are compared by their own ids.
"""

from __future__ import annotations

import functools
from typing import Any

__all__ = ["coordinates", "country_of"]


@functools.cache
def _gazetteer() -> Any | None:
    try:
        from rasad.extract import gazetteer

        return gazetteer.load()
    except Exception:  # the entity layer reports its own data errors
        return None


def coordinates(entity_id: str) -> tuple[float, float] | None:
    gaz = _gazetteer()
    if gaz is None:
        return None
    record = gaz.get(entity_id)
    if record is None or record.lat is None or record.lon is None:
        return None
    return float(record.lat), float(record.lon)


@functools.cache
def country_of(entity_id: str) -> str:
    """The id of the country ``entity_id`` belongs to, else ``entity_id`` itself."""
    gaz = _gazetteer()
    if gaz is None:
        return entity_id
    try:
        country = gaz.country_of(entity_id)
    except Exception:
        return entity_id
    return str(country) if country else entity_id
