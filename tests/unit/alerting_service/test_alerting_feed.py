from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import timedelta

from fastapi.sse import format_sse_event

from rasad.alerting.feed import (
    SUBSCRIBER_BUFFER,
    AlertFeed,
    AlertFilter,
    FeedEntry,
    alert_event,
    parse_last_event_id,
    select,
)
from rasad.common.messages import Alert

from .conftest import WINDOW_END

MakeAlert = Callable[..., Alert]


def test_alert_event_wire_format(make_alert: MakeAlert) -> None:
    alert = make_alert(name="S-400\nline two")  # a newline inside the JSON is escaped, one data line
    event = alert_event(FeedEntry(42, alert))
    wire = format_sse_event(
        data_str=event.raw_data, event=event.event, id=event.id, retry=event.retry
    ).decode()
    assert wire == f"event: alert\ndata: {alert.model_dump_json()}\nid: 42\nretry: 3000\n\n"
    data = wire.split("\n")[1].removeprefix("data: ")
    assert Alert.model_validate(json.loads(data)) == alert


def test_parse_last_event_id() -> None:
    assert parse_last_event_id("17") == 17
    assert parse_last_event_id(" 3 ") == 3
    assert parse_last_event_id(None) is None
    assert parse_last_event_id("abc") is None
    assert parse_last_event_id("-1") is None


def test_filter_matches_each_field(make_alert: MakeAlert) -> None:
    alert = make_alert()
    assert AlertFilter().matches(alert)
    assert AlertFilter(kind="weapon", key="s-400").matches(alert)
    assert not AlertFilter(kind="entity").matches(alert)
    assert not AlertFilter(key="s-300").matches(alert)
    assert AlertFilter(severities=frozenset({"warning", "critical"})).matches(alert)
    assert not AlertFilter(severities=frozenset({"info"})).matches(alert)
    assert AlertFilter(statuses=frozenset({"firing"})).matches(alert)
    assert not AlertFilter(statuses=frozenset({"resolved"})).matches(alert)
    assert AlertFilter(since=WINDOW_END).matches(alert)
    assert not AlertFilter(since=WINDOW_END + timedelta(seconds=1)).matches(alert)


def test_select_newest_first_up_to_the_limit(make_alert: MakeAlert) -> None:
    entries = [
        FeedEntry(i, make_alert(alert_id=f"id{i}", severity="info" if i % 2 else "critical"))
        for i in range(1, 8)
    ]
    assert [e.seq for e in select(entries, AlertFilter(), 3)] == [7, 6, 5]
    assert [e.seq for e in select(entries, AlertFilter(severities=frozenset({"critical"})), 10)] == [6, 4, 2]
    assert select(entries, AlertFilter(kind="pair"), 10) == []


def test_feed_keeps_the_latest_capacity_and_numbers_them(make_alert: MakeAlert) -> None:
    feed = AlertFeed(capacity=3)
    for i in range(5):
        feed.append(make_alert(alert_id=f"id{i}"))
    assert [e.seq for e in feed.entries()] == [3, 4, 5]
    assert [e.alert.alert_id for e in feed.after(3)] == ["id3", "id4"]
    assert feed.last_seq == 5


def test_subscribers_get_alerts_appended_from_another_thread(make_alert: MakeAlert) -> None:
    feed = AlertFeed()
    feed.append(make_alert(alert_id="before"))

    async def scenario() -> list[str]:
        with feed.subscribe() as (sub, seen):
            assert seen == 1
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(
                None, lambda: [feed.append(make_alert(alert_id=f"a{i}")) for i in range(3)]
            )
            got = [await asyncio.wait_for(sub.queue.get(), 5) for _ in range(3)]
        assert feed.subscribers == 0
        return [e.alert.alert_id for e in got if e is not None]

    assert asyncio.run(scenario()) == ["a0", "a1", "a2"]


def test_a_subscriber_that_falls_behind_is_closed(make_alert: MakeAlert) -> None:
    feed = AlertFeed()

    async def scenario() -> FeedEntry | None:
        with feed.subscribe() as (sub, _):
            for i in range(SUBSCRIBER_BUFFER + 5):
                sub.offer(FeedEntry(i, make_alert()))
            assert sub.overflowed and sub.queue.qsize() == 1
            return await sub.queue.get()

    assert asyncio.run(scenario()) is None
