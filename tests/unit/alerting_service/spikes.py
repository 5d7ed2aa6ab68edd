"""Synthetic counts for the alerting service's tests: a week of steady news, then a spike.

Built relative to a moment ``now`` so that the same stream serves the in-memory store (unit
tests, any clock) and the real Redis (integration tests, wall-clock time).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from rasad.common.messages import Alert
from rasad.counting.facts import ArticleFacts, Fact

HOUR = 3600
STEADY = Fact("entity", "Q159", "Russia")
SPIKE = Fact("weapon", "s-400", "S-400")
STRIKE = Fact("event", "strike", "strike")


@dataclass(frozen=True)
class SyntheticStream:
    """``days`` of ``per_hour`` stories (STEADY in a third, STRIKE in a tenth, SPIKE once a
    day), then ``spike_stories`` stories about SPIKE from several sources in the last 40 minutes."""

    now: int
    days: int = 8
    per_hour: int = 6
    spike_stories: int = 14
    sources: int = 4
    seed: int = 7
    tag: str = "x"

    def articles(self) -> list[ArticleFacts]:
        rng = random.Random(self.seed)
        out: list[ArticleFacts] = []
        start = self.now - self.now % HOUR - self.days * 24 * HOUR
        story = 0
        for hour in range(start, self.now - HOUR, HOUR):
            for i in range(self.per_hour):
                story += 1
                facts = [STEADY] if i % 3 == 0 else []
                if i % 10 == 1:
                    facts.append(STRIKE)
                if i == 0 and (hour // HOUR) % 24 == 5:
                    facts.append(SPIKE)
                out.append(self._article(story, hour + rng.randrange(HOUR), facts, rng))
        for i in range(self.spike_stories):
            story += 1
            at = self.now - 40 * 60 + i * 120
            out.append(self._article(story, at, [SPIKE, STEADY] if i % 4 == 0 else [SPIKE], rng, i))
        return out

    def _article(
        self, story: int, at: int, facts: list[Fact], rng: random.Random, source: int | None = None
    ) -> ArticleFacts:
        src = source % self.sources if source is not None else rng.randrange(self.sources)
        return ArticleFacts(
            article_id=f"{self.tag}-a{story}",
            story_id=f"{self.tag}-s{story}",
            source=f"source{src}",
            event_time=at,
            title=f"Story {story} <about> *{facts[0].name if facts else 'news'}*",
            facts=tuple(facts),
        )


def firing(alerts: list[Alert], kind: str, key: str) -> list[Alert]:
    return [a for a in alerts if a.status == "firing" and (a.kind, a.key) == (kind, key)]
