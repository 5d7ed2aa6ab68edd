"""The gazetteer: entities and weapon systems as typed records, read from the data files.

The files live in ``data/gazetteer/`` beside this module, one per kind (countries, organizations,
people, places, weapons). Each file holds ``version``, ``sources`` (where its facts come from)
and ``entries``. Country names in Arabic and English come from CLDR through Babel and are merged
with the curated country entries (QIDs, demonyms, extra spellings) at load time.

``load()`` reads and validates everything once per process and returns a :class:`Gazetteer`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from babel import Locale
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from rasad.common.errors import ConfigError
from rasad.common.messages import QID, EntityType, WeaponCategory

__all__ = ["DATA_DIR", "Gazetteer", "Record", "load"]

DATA_DIR = Path(__file__).parent / "data" / "gazetteer"
FILES: tuple[str, ...] = ("countries", "organizations", "people", "places", "weapons")
RecordType = Literal["PERSON", "ORG", "COUNTRY", "PLACE", "WEAPON"]
Slug = Annotated[str, StringConstraints(pattern=r"^(Q[1-9][0-9]*|[a-z0-9][a-z0-9._:\-]*)$")]
Alias = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Record(BaseModel):
    """One entity or weapon system.

    ``id`` is the Wikidata QID when there is one, else a lower-case slug. ``affiliation`` names
    the id of the entity it belongs to (Kataib Hezbollah → PMF; Quds Force → IRGC → Iran).
    ``country`` is the country a place, organization or person belongs to; ``origin`` the
    country that makes a weapon. ``capital_of`` marks a capital that may stand for its
    government. ``demonyms`` are nisba/adjective forms that mention a country as affiliation.
    ``cased`` aliases match only with the case written here (``US``, ``Patriot``).
    ``ambiguous`` aliases may be shared with another record; context picks one.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Slug
    type: RecordType
    name: Alias
    name_ar: Alias | None = None
    wikidata: QID | None = None
    aliases_ar: tuple[Alias, ...] = ()
    aliases_en: tuple[Alias, ...] = ()
    aliases_ru: tuple[Alias, ...] = ()
    demonyms_ar: tuple[Alias, ...] = ()
    demonyms_en: tuple[Alias, ...] = ()
    cased: tuple[Alias, ...] = ()
    ambiguous: tuple[Alias, ...] = ()
    affiliation: Slug | None = None
    country: Slug | None = None
    capital_of: Slug | None = None
    iso: str | None = None
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None
    category: WeaponCategory | None = None
    origin: Slug | None = None
    source: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Record:
        if self.wikidata and self.id.startswith("Q") and self.id != self.wikidata:
            raise ValueError(f"id {self.id} and wikidata {self.wikidata} differ")
        if (self.type == "WEAPON") != (self.category is not None):
            raise ValueError("weapons, and only weapons, have a category")
        return self

    @property
    def entity_type(self) -> EntityType | None:
        return None if self.type == "WEAPON" else self.type

    def aliases(self) -> Iterator[str]:
        """Every surface form: names, aliases in each language (not demonyms)."""
        yield self.name
        if self.name_ar:
            yield self.name_ar
        yield from self.aliases_ar
        yield from self.aliases_en
        yield from self.aliases_ru


class GazetteerFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1] = 1
    description: str | None = None
    sources: Annotated[list[str], Field(min_length=1)]
    entries: list[dict[str, Any]]


class Gazetteer:
    """All records by id, with the file each came from."""

    def __init__(self, records: list[Record], sources: Mapping[str, list[str]]) -> None:
        self.records: tuple[Record, ...] = tuple(records)
        self.by_id: dict[str, Record] = {}
        for record in records:
            if record.id in self.by_id:
                raise ConfigError(f"gazetteer: id {record.id} is defined twice")
            self.by_id[record.id] = record
        self.sources = dict(sources)

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records)

    def get(self, record_id: str) -> Record | None:
        return self.by_id.get(record_id)

    def country_of(self, record_id: str) -> str | None:
        """The country an entity belongs to, following affiliations up to a country."""
        seen: set[str] = set()
        current = self.by_id.get(record_id)
        while current is not None and current.id not in seen:
            if current.type == "COUNTRY":
                return current.id
            seen.add(current.id)
            parent = current.country or current.capital_of or current.affiliation or current.origin
            current = self.by_id.get(parent) if parent else None
        return None


def _read(path: Path) -> GazetteerFile:
    try:
        with path.open(encoding="utf-8") as handle:
            raw = yaml.load(handle, Loader=yaml.CSafeLoader)
        return GazetteerFile.model_validate(raw)
    except OSError as exc:
        raise ConfigError(f"gazetteer: cannot read {path}: {exc}") from exc
    except (yaml.YAMLError, ValidationError) as exc:
        raise ConfigError(f"gazetteer: {path.name} is not valid: {exc}") from exc


def _cldr_names(entry: dict[str, Any], ar: Mapping[str, str], en: Mapping[str, str]) -> dict[str, Any]:
    iso = entry.get("iso")
    if not iso:
        return entry
    merged = dict(entry)
    cldr_ar = ar.get(iso)
    if cldr_ar:
        merged.setdefault("name_ar", cldr_ar)
        if cldr_ar != merged["name_ar"]:
            merged["aliases_ar"] = [cldr_ar, *merged.get("aliases_ar", [])]
    cldr_en = en.get(iso)
    if cldr_en and cldr_en != merged.get("name"):
        merged.setdefault("name", cldr_en)
        if cldr_en != merged["name"]:
            merged["aliases_en"] = [cldr_en, *merged.get("aliases_en", [])]
    return merged


def load_from(directory: Path) -> Gazetteer:
    """Read every gazetteer file of ``directory``; raises :class:`ConfigError` on bad data."""
    ar, en = Locale("ar").territories, Locale("en").territories
    records: list[Record] = []
    sources: dict[str, list[str]] = {}
    for name in FILES:
        path = directory / f"{name}.yaml"
        data = _read(path)
        sources[name] = data.sources
        for position, entry in enumerate(data.entries):
            if name == "countries":
                entry = _cldr_names(entry, ar, en)
            try:
                records.append(Record.model_validate(entry))
            except ValidationError as exc:
                raise ConfigError(f"gazetteer: {path.name} entry {position + 1} is not valid: {exc}") from exc
    gazetteer = Gazetteer(records, sources)
    _check_references(gazetteer)
    return gazetteer


def _check_references(gazetteer: Gazetteer) -> None:
    for record in gazetteer:
        for field in ("affiliation", "country", "capital_of", "origin"):
            target = getattr(record, field)
            if target is not None and target not in gazetteer.by_id:
                raise ConfigError(f"gazetteer: {record.id}.{field} names unknown id {target}")


@functools.cache
def load() -> Gazetteer:
    """The packaged gazetteer, read once per process."""
    return load_from(DATA_DIR)
