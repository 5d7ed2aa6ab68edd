"""The recent alerts in memory: what ``GET /alerts`` lists and ``GET /alerts/stream`` sends.

Every alert gets a sequence number, the Server-Sent Events ``id``: a client that reconnects
with ``Last-Event-ID`` gets what it missed from the kept history, then the live stream.
Detection runs in a thread and the HTTP server in an asyncio loop; the feed hands alerts
across with ``call_soon_threadsafe``. A subscriber too slow to keep up is closed (it
reconnects and resumes from its last id) rather than holding memory without bound.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from fastapi.sse import ServerSentEvent

from rasad.common.messages import Alert, Severity

SUBSCRIBER_BUFFER = 1000
#: The reconnection delay the stream suggests to browsers (ms).
RETRY_MS = 3000


@dataclass(frozen=True)
class FeedEntry:
    seq: int
    alert: Alert


@dataclass(frozen=True)
class AlertFilter:
    """The query filters of ``GET /alerts`` and ``GET /alerts/stream`` (pure)."""

    kind: str | None = None
    key: str | None = None
    severities: frozenset[Severity] = frozenset()
    statuses: frozenset[str] = frozenset()
    since: datetime | None = None

    def matches(self, alert: Alert) -> bool:
        return (
            (self.kind is None or alert.kind == self.kind)
            and (self.key is None or alert.key == self.key)
            and (not self.severities or alert.severity in self.severities)
            and (not self.statuses or alert.status in self.statuses)
            and (self.since is None or alert.window_end >= self.since)
        )


def select(entries: list[FeedEntry], query: AlertFilter, limit: int) -> list[FeedEntry]:
    """Matching entries, newest first, at most ``limit``."""
    out: list[FeedEntry] = []
    for entry in reversed(entries):
        if query.matches(entry.alert):
            out.append(entry)
            if len(out) == limit:
                break
    return out


def alert_event(entry: FeedEntry) -> ServerSentEvent:
    """One alert as a Server-Sent Event: ``event: alert``, ``id`` the sequence, ``data`` JSON."""
    return ServerSentEvent(
        raw_data=entry.alert.model_dump_json(), event="alert", id=str(entry.seq), retry=RETRY_MS
    )


def parse_last_event_id(value: str | None) -> int | None:
    """The sequence a reconnecting client saw last; None when absent or not ours."""
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())


class Subscription:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.queue: asyncio.Queue[FeedEntry | None] = asyncio.Queue(maxsize=SUBSCRIBER_BUFFER)
        self.overflowed = False

    def offer(self, entry: FeedEntry) -> None:
        """Runs in the subscriber's loop."""
        if self.overflowed:
            return
        try:
            self.queue.put_nowait(entry)
        except asyncio.QueueFull:
            self.overflowed = True
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(None)


class AlertFeed:
    def __init__(self, capacity: int = 10_000) -> None:
        self._entries: deque[FeedEntry] = deque(maxlen=capacity)
        self._lock = threading.Lock()
        self._seq = 0
        self._subscribers: set[Subscription] = set()

    def append(self, alert: Alert) -> FeedEntry:
        with self._lock:
            self._seq += 1
            entry = FeedEntry(self._seq, alert)
            self._entries.append(entry)
            subscribers = list(self._subscribers)
        for sub in subscribers:
            try:
                sub.loop.call_soon_threadsafe(sub.offer, entry)
            except RuntimeError:  # the subscriber's loop has closed
                self._discard(sub)
        return entry

    def entries(self) -> list[FeedEntry]:
        with self._lock:
            return list(self._entries)

    def query(self, query: AlertFilter, limit: int) -> list[FeedEntry]:
        return select(self.entries(), query, limit)

    def after(self, seq: int) -> list[FeedEntry]:
        return [e for e in self.entries() if e.seq > seq]

    @property
    def last_seq(self) -> int:
        with self._lock:
            return self._seq

    @contextmanager
    def subscribe(self) -> Iterator[tuple[Subscription, int]]:
        """A live subscription and the last sequence number before it started."""
        sub = Subscription(asyncio.get_running_loop())
        with self._lock:
            self._subscribers.add(sub)
            seq = self._seq
        try:
            yield sub, seq
        finally:
            self._discard(sub)

    def _discard(self, sub: Subscription) -> None:
        with self._lock:
            self._subscribers.discard(sub)

    @property
    def subscribers(self) -> int:
        with self._lock:
            return len(self._subscribers)
