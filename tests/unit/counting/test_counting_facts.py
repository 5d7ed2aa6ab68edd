from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta

import pytest

from rasad.common.errors import InputError
from rasad.common.messages import EnrichedArticle
from rasad.counting.buckets import epoch_seconds
from rasad.counting.facts import Fact, article_facts, pair_fact

NOW = datetime(2024, 5, 6, 12, 0, tzinfo=UTC)  # the fixture's ingested_at
Make = Callable[..., EnrichedArticle]


class FixedVocabulary:
    """Finds 'drone' in any text and names the pair Russia + S-400."""

    def __init__(self) -> None:
        self.seen_texts: list[str] = []

    def keyword_facts(self, texts: Sequence[str]) -> list[Fact]:
        self.seen_texts.extend(texts)
        return [Fact("keyword", "drones", "Drones")] if any("drone" in t for t in texts) else []

    def pair_facts(self, present: Mapping[str, str]) -> list[Fact]:
        wanted = ("entity:Q159", "weapon:W400")
        if all(w in present for w in wanted):
            return [pair_fact({w: present[w] for w in wanted}, "Russia + S-400")]
        return []


def test_entities_weapons_and_event_types_become_facts(enriched: Make) -> None:
    article = enriched(
        entities=[("Q159", "Russia", "COUNTRY"), ("Q796", "Iraq", "COUNTRY"), ("Q159", "Russia", "COUNTRY")],
        weapons=[("W400", "S-400")],
        events=["arms_transfer", "arms_transfer", "strike"],
    )
    facts = article_facts(article, pair_actors=0).facts
    assert facts == (
        Fact("entity", "Q159", "Russia"),
        Fact("entity", "Q796", "Iraq"),
        Fact("weapon", "W400", "S-400"),
        Fact("event", "arms_transfer", "arms_transfer"),
        Fact("event", "strike", "strike"),
    )


def test_automatic_pairs_are_sorted_refs_among_the_most_mentioned_actors(enriched: Make) -> None:
    article = enriched(
        entities=[
            ("Q159", "Russia", "COUNTRY", 5),
            ("Q796", "Iraq", "COUNTRY", 3),
            ("Q1", "Baghdad", "PLACE", 9),
        ],
        weapons=[("W400", "S-400")],
    )
    pairs = [f for f in article_facts(article, pair_actors=2).facts if f.kind == "pair"]
    assert pairs == [Fact("pair", "entity:Q159+entity:Q796", "Russia + Iraq")]
    pairs = [f.key for f in article_facts(article, pair_actors=6).facts if f.kind == "pair"]
    assert sorted(pairs) == ["entity:Q159+entity:Q796", "entity:Q159+weapon:W400", "entity:Q796+weapon:W400"]


def test_vocabulary_adds_keywords_and_named_pairs(enriched: Make) -> None:
    vocabulary = FixedVocabulary()
    article = enriched(
        title="A drone over the base",
        entities=[("Q159", "Russia", "COUNTRY")],
        weapons=[("W400", "S-400")],
    )
    facts = article_facts(article, vocabulary, text="body text", pair_actors=0).facts
    assert Fact("keyword", "drones", "Drones") in facts
    assert Fact("pair", "entity:Q159+weapon:W400", "Russia + S-400") in facts
    assert "body text" in vocabulary.seen_texts and "A drone over the base" in vocabulary.seen_texts


def test_named_pair_wins_over_the_automatic_name(enriched: Make) -> None:
    article = enriched(entities=[("Q159", "Russia", "COUNTRY")], weapons=[("W400", "S-400")])
    pairs = [f for f in article_facts(article, FixedVocabulary()).facts if f.kind == "pair"]
    assert pairs == [Fact("pair", "entity:Q159+weapon:W400", "Russia + S-400")]


def test_story_source_and_event_time(enriched: Make) -> None:
    published = NOW - timedelta(hours=3)
    facts = article_facts(enriched(story_id="s9", url="https://www.example.org/x", published_at=published))
    assert facts.story_id == "s9"
    assert facts.source == "example.org"
    assert facts.event_time == int(epoch_seconds(published))
    alone = article_facts(enriched(source="Agency"))
    assert (alone.story_id, alone.source, alone.event_time) == ("a1", "Agency", int(epoch_seconds(NOW)))


def test_published_in_the_future_falls_back_to_ingested(enriched: Make) -> None:
    facts = article_facts(enriched(published_at=NOW + timedelta(days=2)))
    assert facts.event_time == int(epoch_seconds(NOW))


def test_naive_published_at_is_utc(enriched: Make) -> None:
    facts = article_facts(
        enriched(published_at=(NOW - timedelta(hours=1)).replace(tzinfo=None), ingested_at=None)
    )
    assert facts.event_time == int(epoch_seconds(NOW)) - 3600


def test_no_time_at_all_is_an_input_error(enriched: Make) -> None:
    with pytest.raises(InputError, match=r"a1.*no event time"):
        article_facts(enriched(ingested_at=None))
