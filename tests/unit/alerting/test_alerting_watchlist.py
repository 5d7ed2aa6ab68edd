from __future__ import annotations

import os
from pathlib import Path

import pytest

from rasad.alerting.watchlist import WatchlistFile, load_watchlist, parse_watchlist
from rasad.common.errors import ConfigError
from rasad.common.messages import EnrichedArticle
from rasad.counting.facts import article_facts

EXAMPLE = Path(__file__).resolve().parents[3] / "deploy" / "watchlists" / "levant-iraq.yaml"

SMALL = """
version: 1
keywords:
  - {key: s-400, name: S-400, terms: ["S-400", "إس-400"]}
  - {key: drones, name: Drones, terms: ["drone", "drones", "طائرة مسيرة", "المسيرات"]}
  - {name: Kataib Hezbollah, terms: ["Kataib Hezbollah", "كتائب حزب الله"]}
entities: [{id: Q159, name: Russia}]
weapons: [{id: w-tor, name: Tor-M2}]
events: [{id: strike}]
pairs: [{name: Russia + S-400, members: ["entity:Q159", "keyword:s-400"]}]
automatic: {enabled: true, min_stories: 10, kinds: [entity]}
detector: {window: 30m, alpha: 0.0005, cycle: 2m}
"""


def keys(text: str, watchlist_text: str = SMALL) -> list[str]:
    return sorted(f.key for f in parse_watchlist(watchlist_text).keyword_facts([text]))


def test_the_example_watchlist_loads() -> None:
    watchlist = load_watchlist(EXAMPLE)
    assert ("entity", "Q159") in watchlist.watched
    assert ("keyword", "s-400") in watchlist.watched
    assert ("pair", "entity:Q159+keyword:s-400") in watchlist.watched
    assert watchlist.spec.automatic.enabled
    assert watchlist.spec.sources
    assert watchlist.detector.alpha == 0.001


def test_fields_and_detector_settings_are_read() -> None:
    watchlist = parse_watchlist(SMALL)
    assert watchlist.detector.window == 1800 and watchlist.detector.cycle == 120
    assert watchlist.detector.alpha == 0.0005
    assert ("keyword", "kataib-hezbollah") in watchlist.watched  # key derived from the name
    assert {("weapon", "w-tor"), ("event", "strike")} <= watchlist.watched


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Russia offers the S-400 to Baghdad", ["s-400"]),
        ('روسيا تعرض صواريخ "إس-400" على العراق', ["s-400"]),
        ("صواريخ اس 400 الروسية", ["s-400"]),  # hamza seat folded, dash or space alike
        ("هجوم بالطائرة المسيّرة على القاعدة", ["drones"]),  # clitic, shadda, taa marbuta
        ("استهدفوا إيلات بالمسيرات", ["drones"]),
        ("A DRONE struck; drones were seen", ["drones"]),
        ("وكتائب حزب الله تتبنى الهجوم", ["kataib-hezbollah"]),
        ("The dronesque hum of politics", []),  # whole tokens only
        ("حزب الله اللبناني", []),  # a different group
        ("مسيرة حاشدة في بغداد", []),  # a march, not a drone
    ],
)
def test_keywords_match_after_normalization(text: str, expected: list[str]) -> None:
    assert keys(text) == expected


def test_named_pairs_reach_the_facts() -> None:
    watchlist = parse_watchlist(SMALL)
    article = EnrichedArticle.model_validate(
        {
            "id": "a1",
            "extractor_version": "t",
            "title": "Moscow and the S-400",
            "ingested_at": "2024-05-06T12:00:00Z",
            "entities": [{"id": "Q159", "name": "Russia", "type": "COUNTRY"}],
        }
    )
    facts = article_facts(article, watchlist, pair_actors=0).facts
    pairs = [(f.key, f.name) for f in facts if f.kind == "pair"]
    assert pairs == [("entity:Q159+keyword:s-400", "Russia + S-400")]


def test_scope_selects_watched_keys_and_busy_keys_in_automatic_kinds() -> None:
    watchlist = parse_watchlist(SMALL)
    assert watchlist.selects("keyword", "drones", 0)
    assert watchlist.selects("entity", "Q1", 10) and not watchlist.selects("entity", "Q1", 9)
    assert not watchlist.selects("weapon", "other", 100)  # automatic mode covers entities only here
    manual = parse_watchlist("entities: [{id: Q159}]")
    assert manual.selects("entity", "Q159", 0) and not manual.selects("entity", "Q1", 10**6)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: 2", "version"),
        ("keywords: [{name: x}]", "keywords.0.terms"),
        ("keywords: [{name: x, terms: []}]", "keywords.0.terms"),
        ("colour: blue", "colour"),
        ("pairs: [{members: [entity:Q1, keyword:nope]}]", "keyword:nope names no keyword"),
        ("pairs: [{members: [country:Q1, entity:Q2]}]", "pairs.0.members.0"),
        ("pairs: [{members: [entity:Q1]}]", "pairs.0.members"),
        ("keywords: [{name: A b, terms: [x]}, {key: a-b, name: c, terms: [y]}]", "unique: a-b"),
        ("detector: {window: soon}", "detector.window"),
        ("detector: {alpha: 2}", "detector.alpha"),
        ("automatic: {kinds: [colours]}", "automatic.kinds.0"),
        ("- just a list", "expected a mapping"),
        ("keywords: [unclosed", "not valid YAML"),
    ],
)
def test_bad_watchlists_name_the_field(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=r"^watch\.yaml: ") as caught:
        parse_watchlist(text, "watch.yaml")
    assert message in str(caught.value)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read watchlist"):
        load_watchlist(tmp_path / "absent.yaml")


def _write(path: Path, text: str, stamp: int) -> None:
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))


def test_the_file_is_reloaded_when_it_changes_and_a_broken_edit_keeps_the_last_good_one(
    tmp_path: Path,
) -> None:
    path = tmp_path / "watch.yaml"
    _write(path, "entities: [{id: Q1}]", 1_000_000_000)
    watched = WatchlistFile(path)
    assert watched.selects("entity", "Q1", 0) and not watched.selects("entity", "Q2", 0)
    _write(path, "entities: [{id: Q2}]", 2_000_000_000)
    assert watched.selects("entity", "Q2", 0) and not watched.selects("entity", "Q1", 0)
    _write(path, "entities: [{idd: Q3}]", 3_000_000_000)
    assert watched.selects("entity", "Q2", 0)
    assert watched.error is not None and "entities.0" in watched.error
    _write(path, "keywords: [{key: d, name: Drones, terms: [drone]}]", 4_000_000_000)
    assert [f.key for f in watched.keyword_facts(["a drone"])] == ["d"]
    assert watched.error is None
