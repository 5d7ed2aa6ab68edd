from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rasad.counting.buckets import (
    HOUR,
    MINUTE,
    epoch_seconds,
    format_duration,
    parse_duration,
    plan_named,
    plan_window,
)

T0 = int(epoch_seconds(datetime(2024, 5, 6, 10, 0, tzinfo=UTC)))  # a whole hour


def test_bucket_starts_and_expiry() -> None:
    assert MINUTE.start(T0 + 125) == T0 + 120
    assert HOUR.start(T0 + 3599) == T0
    assert HOUR.start(T0 + 3600) == T0 + 3600
    assert MINUTE.expires_at(T0) == T0 + 60 + MINUTE.retention
    assert MINUTE.retention >= 24 * 3600
    assert HOUR.retention >= 8 * 24 * 3600
    assert HOUR.kept(T0, T0 + 3600 + HOUR.retention - 1)
    assert not HOUR.kept(T0, T0 + 3600 + HOUR.retention)


@pytest.mark.parametrize(
    ("text", "seconds"), [("90s", 90), ("15m", 900), ("1h", 3600), ("7d", 604800), ("2w", 1209600)]
)
def test_durations_round_trip(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds
    assert parse_duration(format_duration(seconds)) == seconds


@pytest.mark.parametrize("text", ["", "15", "1y", "-1h", "0m", "h"])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_15m_window_reads_fifteen_minute_buckets() -> None:
    plan = plan_named("15m", T0 + 37 * 60 + 20, now=T0 + 38 * 60)
    assert (plan.start, plan.end) == (T0 + 22 * 60, T0 + 37 * 60)
    assert [b for _, b in plan.buckets] == [T0 + i * 60 for i in range(22, 37)]
    assert {r for r, _ in plan.buckets} == {MINUTE}


def test_aligned_hour_reads_one_hour_bucket() -> None:
    plan = plan_named("1h", T0, now=T0 + 30)
    assert plan.buckets == ((HOUR, T0 - 3600),)


def test_unaligned_hour_reads_minutes_on_both_sides() -> None:
    plan = plan_named("1h", T0 + 30 * 60, now=T0 + 30 * 60)
    assert len(plan.buckets) == 60
    assert plan.buckets[0] == (MINUTE, T0 - 30 * 60)
    assert plan.buckets[-1] == (MINUTE, T0 + 29 * 60)


def test_24h_window_uses_hours_in_the_middle() -> None:
    end = T0 + 17 * 60
    plan = plan_named("24h", end, now=end)
    hours = [b for r, b in plan.buckets if r is HOUR]
    minutes = [b for r, b in plan.buckets if r is MINUTE]
    assert len(hours) == 23
    assert len(minutes) == 43 + 17
    assert (plan.start, plan.end) == (end - 86400, end)


def test_7d_window_widens_the_expired_minute_edge_to_the_hour() -> None:
    end = T0 + 17 * 60
    plan = plan_named("7d", end, now=end)
    assert plan.start == T0 - 7 * 86400  # 10:17 a week ago widened to 10:00
    assert plan.end == end
    assert sum(1 for r, _ in plan.buckets if r is HOUR) == 7 * 24
    assert sum(1 for r, _ in plan.buckets if r is MINUTE) == 17


def test_old_window_reads_whole_hours_only() -> None:
    plan = plan_window(T0 - 3 * 86400 + 600, T0 - 3 * 86400 + 1200, now=T0)
    assert plan.buckets == ((HOUR, T0 - 3 * 86400),)
    assert (plan.start, plan.end) == (T0 - 3 * 86400, T0 - 3 * 86400 + 3600)


def test_empty_window() -> None:
    assert plan_window(T0, T0, now=T0).buckets == ()


@given(
    start=st.integers(min_value=T0 - 9 * 86400, max_value=T0),
    length=st.integers(min_value=60, max_value=8 * 86400),
    lag=st.integers(min_value=0, max_value=3 * 86400),
)
def test_plans_are_contiguous_kept_and_cover_the_window(start: int, length: int, lag: int) -> None:
    end = start + length
    now = end + lag
    plan = plan_window(start, end, now)
    position = plan.start
    for resolution, bucket in plan.buckets:
        assert bucket == position
        assert bucket % resolution.seconds == 0
        if resolution is MINUTE:
            assert MINUTE.kept(bucket, now)
        position += resolution.seconds
    assert position == plan.end
    assert plan.start <= start - start % 60 and plan.end >= end - end % 60
    assert plan.start > start - 3600 and plan.end < end + 3600
    minutes = sum(1 for r, _ in plan.buckets if r is MINUTE)
    assert minutes <= 2 * 59 or len(plan.buckets) == minutes <= length // 60 + 1
