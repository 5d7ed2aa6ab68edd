from __future__ import annotations

import pytest

from rasad.alerting.detector import Detector, DetectorConfig
from rasad.alerting.watchlist import WatchlistSpec, compile_watchlist
from rasad.common.messages import Alert
from rasad.counting.facts import ArticleFacts, Fact
from rasad.counting.memory_store import InMemoryCountStore
from tests.unit.alerting.alerting_streams import DAY, HOUR, MONDAY, automatic, replay

CONFIG = DetectorConfig(cycle=300)


def regular_stream(days: int = 9, spikes: tuple[tuple[int, int, int, int], ...] = ()) -> list[ArticleFacts]:
    """20 stories an hour; 'steady' in every 10th, 'rare' twice a day (from wire0); spikes of
    'rare' as (start, hours, stories per hour, sources wire0, wire1 ...)."""
    articles = []
    for h in range(days * 24):
        start = MONDAY + h * HOUR
        for i in range(20):
            n = h * 20 + i
            keys = [("entity", "steady")] if n % 10 == 0 else []
            source = f"src{n % 5}"
            if n % 240 == 7:
                keys.append(("entity", "rare"))
                source = "wire0"
            articles.append(story(f"b{n}", start + i * 180, keys, source=source))
        for spike_start, hours, per_hour, sources in spikes:
            if spike_start <= start < spike_start + hours * HOUR:
                for i in range(per_hour):
                    at = start + i * (HOUR // per_hour) + 30
                    articles.append(story(f"x{h}-{i}", at, [("entity", "rare")], source=f"wire{i % sources}"))
    return sorted(articles, key=lambda a: a.event_time)


def story(article_id: str, at: int, keys: list[tuple[str, str]], source: str) -> ArticleFacts:
    facts = tuple(Fact(kind, key, f"The {key}") for kind, key in keys)  # type: ignore[arg-type]
    return ArticleFacts(article_id, f"s-{article_id}", source, at, f"title {article_id}", facts)


def firing(alerts: list[Alert]) -> list[Alert]:
    return [a for a in alerts if a.status == "firing"]


SPIKE = MONDAY + 8 * DAY + 10 * HOUR


def test_a_spike_fires_once_with_evidence_then_updates_and_resolves() -> None:
    alerts = replay(regular_stream(spikes=((SPIKE, 3, 6, 3),)), automatic(CONFIG))
    fired = firing(alerts)
    assert len(fired) == 1
    alert = fired[0]
    assert (alert.kind, alert.key, alert.name) == ("entity", "rare", "The rare")
    assert SPIKE < alert.window_end.timestamp() <= SPIKE + HOUR
    assert alert.window_end.timestamp() - alert.window_start.timestamp() == HOUR
    assert alert.observed >= 3 and alert.p_value <= CONFIG.cycle_alpha
    assert alert.expected < 1.0 and alert.ratio is not None and alert.ratio > 5
    assert alert.article_ids and all(i.startswith("x") for i in alert.article_ids)
    assert [a.id for a in alert.articles] == alert.article_ids and alert.articles[0].title
    assert alert.first_seen is not None and alert.first_seen.timestamp() >= SPIKE
    rest = [a for a in alerts if a.alert_id == alert.alert_id and a.status != "firing"]
    assert rest and {a.status for a in rest[:-1]} <= {"update"} and rest[-1].status == "resolved"
    assert all(a.key == "rare" for a in alerts)


def test_steady_keys_and_a_steady_stream_raise_nothing() -> None:
    assert replay(regular_stream(), automatic(CONFIG)) == []


def test_one_source_is_not_enough() -> None:
    assert replay(regular_stream(spikes=((SPIKE, 3, 6, 1),)), automatic(CONFIG)) == []


def test_fewer_than_three_stories_are_not_enough() -> None:
    config = CONFIG.model_copy(update={"window": 900})
    assert replay(regular_stream(spikes=((SPIKE, 1, 2, 2),)), automatic(config)) == []


def test_a_flare_up_within_the_cooldown_continues_the_alert() -> None:
    alerts = replay(regular_stream(spikes=((SPIKE, 1, 8, 3), (SPIKE + 4 * HOUR, 1, 8, 3))), automatic(CONFIG))
    assert len(firing(alerts)) == 1
    assert len({a.alert_id for a in alerts}) == 1
    assert [a.status for a in alerts].count("resolved") == 2


def test_a_new_spike_after_the_cooldown_is_a_new_alert() -> None:
    alerts = replay(
        regular_stream(spikes=((SPIKE, 1, 8, 3), (SPIKE + 12 * HOUR, 1, 8, 3))), automatic(CONFIG)
    )
    fired = firing(alerts)
    assert len(fired) == 2 and fired[0].alert_id != fired[1].alert_id
    assert fired[1].window_end.timestamp() <= SPIKE + 13 * HOUR


def test_no_baseline_no_alert() -> None:
    assert replay(regular_stream(days=1, spikes=((MONDAY + HOUR, 2, 8, 3),)), automatic(CONFIG)) == []


def test_only_watched_keys_are_tested_when_automatic_mode_is_off() -> None:
    stream = regular_stream(spikes=((SPIKE, 2, 6, 3),))
    unwatched = compile_watchlist(WatchlistSpec(detector=CONFIG), normalize=str.casefold)
    assert replay(stream, unwatched) == []
    watched = compile_watchlist(
        WatchlistSpec.model_validate({"entities": [{"id": "rare"}], "detector": CONFIG.model_dump()}),
        normalize=str.casefold,
    )
    assert [a.key for a in firing(replay(stream, watched))] == ["rare"]


@pytest.mark.parametrize("correction", ["bh", "bonferroni"])
def test_fisher_test_and_both_corrections_find_the_spike(correction: str) -> None:
    config = CONFIG.model_copy(update={"test": "fisher", "correction": correction})
    fired = firing(replay(regular_stream(spikes=((SPIKE, 3, 6, 3),)), automatic(config)))
    assert [a.key for a in fired] == ["rare"]


def test_run_cycle_accepts_a_datetime_and_reports_nothing_on_an_empty_store() -> None:
    detector = Detector(InMemoryCountStore(clock=lambda: SPIKE), automatic(CONFIG), CONFIG)
    from datetime import UTC, datetime

    assert detector.run_cycle(datetime.fromtimestamp(SPIKE, tz=UTC)) == []


def test_a_spike_in_the_minute_under_way_fires_before_the_minute_closes() -> None:
    minute = SPIKE + 7 * 60  # a minute boundary: SPIKE is on the hour
    clock = [float(minute)]
    store = InMemoryCountStore(clock=lambda: clock[0])
    for article in regular_stream():
        if article.event_time < minute:
            store.record(article)
    detector = Detector(store, automatic(CONFIG), CONFIG)
    assert firing(detector.run_cycle(minute)) == []
    burst = [story(f"x{i}", minute + 5 * i, [("entity", "rare")], source=f"wire{i % 3}") for i in range(6)]
    clock[0] = minute + 40.0
    assert store.record_many(burst) == [True] * 6
    fired = firing(detector.run_cycle(minute + 40.0))
    assert [(a.kind, a.key) for a in fired] == [("entity", "rare")]
    assert fired[0].window_end.timestamp() == minute + 60
    assert fired[0].window_end.timestamp() - fired[0].window_start.timestamp() == HOUR
    assert fired[0].observed == 6 and set(fired[0].article_ids) <= {f"x{i}" for i in range(6)}
