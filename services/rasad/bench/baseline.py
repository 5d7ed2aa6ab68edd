"""A week of synthetic history in the counts, so that the spike weapons have a usual share."""

from __future__ import annotations

import random

from rasad.counting.buckets import HOUR_SECONDS, floor_to
from rasad.counting.facts import ArticleFacts, Fact
from rasad.counting.store import CountStore

FILLER_KEYS = tuple(f"bench-steady-{i}" for i in range(12))


def seed_history(store: CountStore, now: float, weapons: list[str], days: int = 7, per_hour: int = 12) -> int:
    """``per_hour`` stories an hour for ``days`` before the last three hours; each spike weapon
    in one story every twelve hours. The number of stories recorded."""
    rng = random.Random(5)
    end = floor_to(now, HOUR_SECONDS) - 3 * HOUR_SECONDS
    stories = []
    for hour in range(days * 24):
        start = end - (hour + 1) * HOUR_SECONDS
        for i in range(per_hour):
            facts = [Fact("entity", key, key) for key in rng.sample(FILLER_KEYS, 2)]
            if i == 0 and hour % 12 == 0:
                facts += [Fact("weapon", w, w) for w in weapons]
            story = f"history-{hour}-{i}"
            stories.append(ArticleFacts(story, story, f"wire-{i % 5}", start + i * 240, None, tuple(facts)))
    store.record_many(stories)
    return len(stories)


def watchlist_yaml(weapons: list[str], cycle_s: int) -> str:
    """The alerting watchlist of the benchmark: the spike weapons, tested every ``cycle_s``."""
    listed = ", ".join(f"{{id: {w}, name: {w}}}" for w in weapons)
    return (
        "version: 1\n"
        "description: end-to-end benchmark\n"
        f"weapons: [{listed}]\n"
        f"detector: {{cycle: {cycle_s}s, alpha: 0.01, alpha_per: cycle, min_stories: 3, min_sources: 2}}\n"
    )
