from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from rasad.counting.buckets import HOUR, MINUTE, epoch_seconds, plan_named, plan_window
from rasad.counting.facts import ArticleFacts
from rasad.counting.memory_store import InMemoryCountStore
from rasad.counting.store import KeyCount

T0 = int(epoch_seconds(datetime(2024, 5, 6, 10, 0, tzinfo=UTC)))
Make = Callable[..., ArticleFacts]


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(T0 + 3600)


@pytest.fixture
def store(clock: Clock) -> InMemoryCountStore:
    return InMemoryCountStore("t:", clock=clock, evidence_cap=3)


def test_articles_stories_and_sources(store: InMemoryCountStore, facts: Make) -> None:
    store.record(facts("a1", T0 + 60, [("entity", "q1"), ("entity", "q2")], story="s1", source="A"))
    store.record(facts("a2", T0 + 120, [("entity", "q1")], story="s1", source="B"))  # a copy of s1
    store.record(facts("a3", T0 + 180, [("entity", "q1")], story="s2", source="A"))
    plan = plan_window(T0, T0 + 3600, store.now())
    assert store.window_counts("entity", "articles", plan) == {"q1": 3, "q2": 1}
    assert store.window_counts("entity", "stories", plan) == {"q1": 2, "q2": 1}
    assert store.distinct_sources("entity", "q1", plan) == 2
    assert store.distinct_sources("entity", "q2", plan) == 1
    totals = store.totals(plan)
    assert (totals.articles, totals.stories) == (3, 2)


def test_redelivery_counts_nothing(store: InMemoryCountStore, facts: Make) -> None:
    article = facts("a1", T0 + 60, [("entity", "q1")])
    assert store.record(article) is True
    before = store.dump()
    assert store.record(article) is False
    assert store.dump() == before


def test_a_reprocessed_article_adds_only_its_new_keys(store: InMemoryCountStore, facts: Make) -> None:
    store.record(facts("a1", T0 + 60, [("entity", "q1")]))
    assert store.record(facts("a1", T0 + 60, [("entity", "q1"), ("weapon", "w1")])) is False
    plan = plan_window(T0, T0 + 3600, store.now())
    assert store.window_counts("entity", "articles", plan) == {"q1": 1}
    assert store.window_counts("weapon", "articles", plan) == {"w1": 1}
    assert store.totals(plan).articles == 1


def test_a_story_counts_a_key_once_however_many_copies(store: InMemoryCountStore, facts: Make) -> None:
    for i in range(5):
        store.record(facts(f"a{i}", T0 + 60 * i, [("keyword", "drones")], story="s1", source=f"src{i}"))
    plan = plan_window(T0, T0 + 3600, store.now())
    assert store.window_counts("keyword", "stories", plan) == {"drones": 1}
    assert store.window_counts("keyword", "articles", plan) == {"drones": 5}
    assert store.totals(plan).stories == 1


def test_both_resolutions_agree(store: InMemoryCountStore, facts: Make) -> None:
    for i in range(10):
        store.record(facts(f"a{i}", T0 + 360 * i, [("entity", "q1")]))
    whole_hour = plan_window(T0, T0 + 3600, T0 + 3600)
    assert whole_hour.buckets == ((HOUR, T0),)
    by_minute = sum(
        store.window_counts("entity", "articles", plan_window(T0 + 60 * i, T0 + 60 * (i + 1), T0 + 3600)).get(
            "q1", 0
        )
        for i in range(60)
    )
    assert by_minute == store.window_counts("entity", "articles", whole_hour)["q1"] == 10


def test_too_old_articles_are_not_counted_and_old_minutes_are_skipped(
    store: InMemoryCountStore, clock: Clock, facts: Make
) -> None:
    clock.now = T0 + 3 * 86400
    assert store.record(facts("old", T0 - 10 * 86400, [("entity", "q1")])) is False
    assert store.record(facts("a1", T0 + 60, [("entity", "q1")])) is True
    assert not any(":m:" in key for key in store.dump())
    assert store.window_counts("entity", "articles", plan_window(T0, T0 + 3600, clock.now)) == {"q1": 1}


def test_counts_expire_with_their_buckets(store: InMemoryCountStore, clock: Clock, facts: Make) -> None:
    store.record(facts("a1", T0 + 60, [("entity", "q1")]))
    recent = plan_named("1h", T0 + 3600, clock.now)
    assert store.window_counts("entity", "articles", recent) == {"q1": 1}
    clock.now = MINUTE.expires_at(T0 + 60)
    assert not any(":m:" in key for key in store.dump())
    assert store.window_counts("entity", "articles", plan_window(T0, T0 + 3600, clock.now)) == {"q1": 1}
    clock.now = HOUR.expires_at(T0)
    assert store.dump() == {}


def test_top_breaks_ties_by_key_and_fills_all_counts(store: InMemoryCountStore, facts: Make) -> None:
    store.record(facts("a1", T0 + 60, [("entity", "b"), ("entity", "c")], story="s1", source="A"))
    store.record(facts("a2", T0 + 60, [("entity", "b"), ("entity", "c")], story="s1", source="B"))
    store.record(facts("a3", T0 + 60, [("entity", "a"), ("entity", "b")], story="s2", source="A"))
    plan = plan_window(T0, T0 + 3600, store.now())
    assert store.top("entity", plan, "articles", 2) == [
        KeyCount("entity", "b", "B", 3, 2, 2),
        KeyCount("entity", "c", "C", 2, 1, 2),
    ]
    assert [r.key for r in store.top("entity", plan, "stories", 3)] == ["b", "a", "c"]


def test_evidence_keeps_the_latest_new_stories(store: InMemoryCountStore, facts: Make) -> None:
    for i in range(5):
        store.record(facts(f"a{i}", T0 + 60 * i, [("entity", "q1")], story=f"s{i}"))
    store.record(facts("copy", T0 + 600, [("entity", "q1")], story="s4"))
    items = store.evidence("entity", "q1", T0, T0 + 3600, limit=10)
    assert [e.article_id for e in items] == ["a4", "a3", "a2"]
    assert items[0].title == "title of a4" and items[0].event_time == T0 + 240
    assert [e.article_id for e in store.evidence("entity", "q1", T0, T0 + 180, limit=10)] == ["a2"]


def test_names_are_kept_per_kind(store: InMemoryCountStore, facts: Make) -> None:
    store.record(facts("a1", T0 + 60, [("entity", "q1"), ("weapon", "q1")]))
    assert store.names("entity", ["q1", "missing"]) == {"q1": "Q1"}
    assert store.names("weapon", ["q1"]) == {"q1": "Q1"}
