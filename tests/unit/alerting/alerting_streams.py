"""Synthetic news streams and replay helpers for the detector's tests."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from rasad.alerting.detector import DetectorConfig
from rasad.alerting.offline import Replay
from rasad.alerting.watchlist import AutomaticSpec, Watchlist, WatchlistSpec, compile_watchlist
from rasad.common.messages import Alert
from rasad.counting.buckets import epoch_seconds
from rasad.counting.facts import ArticleFacts, Fact

MONDAY = int(epoch_seconds(datetime(2024, 3, 4, tzinfo=UTC)))
HOUR = 3600
DAY = 86400


@dataclass(frozen=True)
class Spike:
    kind: str
    key: str
    start: int
    hours: int
    per_hour: int


@dataclass
class StreamBuilder:
    """Synthetic news: steady keys at fixed shares of a daily and weekly cycle of volume, plus spikes."""

    seed: int = 1
    start: int = MONDAY
    days: int = 11
    per_hour: float = 40.0
    weekend_factor: float = 0.25
    night_factor: float = 0.3
    steady: list[tuple[str, str, float]] = field(default_factory=list)
    spikes: list[Spike] = field(default_factory=list)
    sources: int = 8

    def volume(self, hour_start: int) -> float:
        day = ((hour_start - MONDAY) // DAY) % 7
        hour = (hour_start // HOUR) % 24
        rate = self.per_hour * (self.weekend_factor if day >= 5 else 1.0)
        return rate * (self.night_factor if hour < 6 else 1.0)

    def build(self) -> list[ArticleFacts]:
        rng = random.Random(self.seed)
        articles: list[ArticleFacts] = []
        story = 0
        for h in range(self.days * 24):
            hour_start = self.start + h * HOUR
            stories: list[tuple[Fact, ...]] = []
            for _ in range(_poisson(rng, self.volume(hour_start))):
                stories.append(
                    tuple(Fact(k, key, key) for k, key, share in self.steady if rng.random() < share)
                )  # type: ignore[arg-type]
            for spike in self.spikes:
                if spike.start <= hour_start < spike.start + spike.hours * HOUR:
                    stories += [(Fact(spike.kind, spike.key, spike.key),)] * spike.per_hour  # type: ignore[arg-type]
            for facts in stories:
                story += 1
                at = hour_start + rng.randrange(HOUR)
                copies = 1 + (rng.randrange(1, 4) if rng.random() < 0.3 else 0)
                for c in range(copies):
                    source = f"src{rng.randrange(self.sources)}"
                    articles.append(
                        ArticleFacts(f"a{story}-{c}", f"s{story}", source, at + 60 * c, f"t{story}", facts)
                    )
        articles.sort(key=lambda a: a.event_time)
        return _jitter(articles, rng)


def _poisson(rng: random.Random, mean: float) -> int:
    count, limit, product = 0, pow(2.718281828459045, -mean), rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _jitter(articles: list[ArticleFacts], rng: random.Random) -> list[ArticleFacts]:
    """Lines slightly out of order: swap neighbours a few positions apart."""
    for i in range(0, len(articles) - 4, 5):
        j = i + rng.randrange(1, 4)
        articles[i], articles[j] = articles[j], articles[i]
    return articles


def automatic(config: DetectorConfig, min_stories: int = 3) -> Watchlist:
    spec = WatchlistSpec(
        automatic=AutomaticSpec(enabled=True, min_stories=min_stories, kinds=("entity", "keyword", "weapon")),
        detector=config,
    )
    return compile_watchlist(spec, normalize=str.casefold)


def replay(articles: Iterable[ArticleFacts], watchlist: Watchlist) -> list[Alert]:
    run = Replay.in_memory(watchlist)
    alerts: list[Alert] = []
    for article in articles:
        alerts += run.push(article)
    alerts += run.finish()
    return alerts
