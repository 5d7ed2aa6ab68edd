"""Event-time buckets at two resolutions and the plans that read a window from them.

Times are integer seconds since the epoch (UTC). A bucket is named by its start. Minute
buckets are kept a little over a day, hour buckets nine days, counted from the bucket's end,
so that a 24h window is exact to the minute and a seven-day baseline plus its guard gap and
test window still fits in hour buckets.

A window ``[start, end)`` is read from the coarsest buckets that fit: whole hours from hour
buckets, the ragged edges from minute buckets. Where an edge falls among minute buckets that
have already expired, it is widened to the whole hour, so a plan never reads a missing
bucket; :class:`WindowPlan` tells the span actually covered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

MINUTE_SECONDS = 60
HOUR_SECONDS = 3600
DAY_SECONDS = 86400


@dataclass(frozen=True)
class Resolution:
    name: str
    seconds: int
    retention: int

    def start(self, ts: int) -> int:
        """The start of the bucket holding ``ts``."""
        return ts - ts % self.seconds

    def expires_at(self, bucket: int) -> int:
        """When the bucket starting at ``bucket`` stops being kept."""
        return bucket + self.seconds + self.retention

    def kept(self, bucket: int, now: float) -> bool:
        return self.expires_at(bucket) > now


MINUTE = Resolution("m", MINUTE_SECONDS, 26 * HOUR_SECONDS)
HOUR = Resolution("h", HOUR_SECONDS, 9 * DAY_SECONDS)
RESOLUTIONS: tuple[Resolution, ...] = (MINUTE, HOUR)

#: A minute bucket is only planned when it is kept this much longer than ``now``, so that
#: it cannot expire while a read is under way.
READ_MARGIN_SECONDS = 60

NAMED_WINDOWS: dict[str, int] = {"15m": 900, "1h": HOUR_SECONDS, "24h": DAY_SECONDS, "7d": 7 * DAY_SECONDS}

_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> int:
    """Seconds in ``"90s"``, ``"15m"``, ``"1h"``, ``"7d"`` or ``"2w"``; ValueError otherwise."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a duration such as 30s, 15m, 1h, 7d")
    seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds <= 0:
        raise ValueError(f"{text!r} must be longer than zero")
    return seconds


def format_duration(seconds: int) -> str:
    for unit in ("d", "h", "m"):
        if seconds % _UNIT_SECONDS[unit] == 0:
            return f"{seconds // _UNIT_SECONDS[unit]}{unit}"
    return f"{seconds}s"


def floor_to(ts: float, step: int) -> int:
    whole = int(ts // 1)
    return whole - whole % step


def ceil_to(ts: float, step: int) -> int:
    floor = floor_to(ts, step)
    return floor if floor == ts else floor + step


def epoch_seconds(moment: datetime) -> float:
    """Seconds since the epoch; a naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def as_datetime(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=UTC)


@dataclass(frozen=True)
class WindowPlan:
    """The buckets that make up ``[start, end)``, oldest first."""

    start: int
    end: int
    buckets: tuple[tuple[Resolution, int], ...]

    @property
    def seconds(self) -> int:
        return self.end - self.start


def _minute_kept(bucket: int, now: float) -> bool:
    return MINUTE.kept(bucket, now + READ_MARGIN_SECONDS)


def _run(resolution: Resolution, start: int, end: int) -> list[tuple[Resolution, int]]:
    return [(resolution, bucket) for bucket in range(start, end, resolution.seconds)]


def plan_window(start: float, end: float, now: float) -> WindowPlan:
    """Plan ``[start, end)`` (floored to minutes) as of ``now`` (the store's clock)."""
    first, last = floor_to(start, MINUTE_SECONDS), floor_to(end, MINUTE_SECONDS)
    if last <= first:
        return WindowPlan(first, first, ())
    if not _minute_kept(first, now):
        first = floor_to(first, HOUR_SECONDS)
    if not _minute_kept(last - MINUTE_SECONDS, now):
        last = ceil_to(last, HOUR_SECONDS)
    whole_start, whole_end = ceil_to(first, HOUR_SECONDS), floor_to(last, HOUR_SECONDS)
    if whole_start >= whole_end:
        return WindowPlan(first, last, tuple(_run(MINUTE, first, last)))
    buckets = (
        _run(MINUTE, first, whole_start) + _run(HOUR, whole_start, whole_end) + _run(MINUTE, whole_end, last)
    )
    return WindowPlan(first, last, tuple(buckets))


def plan_named(window: str | int, end: float, now: float) -> WindowPlan:
    """Plan the window of the given length (``"1h"``, ``"7d"`` or seconds) ending at ``end``."""
    seconds = window if isinstance(window, int) else NAMED_WINDOWS.get(window) or parse_duration(window)
    last = floor_to(end, MINUTE_SECONDS)
    return plan_window(last - seconds, last, now)
