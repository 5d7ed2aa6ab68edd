"""Offline detection: replay enriched-article JSON lines through the live detector's code.

Each line is an :class:`~rasad.common.messages.EnrichedArticle` (what ``rasad extract``
writes, plus the processor's story fields); an optional ``text`` field is used for keyword
matching, other unknown fields are ignored. Event time is ``published_at`` (or
``ingested_at``, see :func:`rasad.counting.facts.event_time_of`).

Lines may come somewhat out of order: articles wait in a buffer until the stream's time has
moved ``lateness`` past them, then they are counted in an in-memory store whose clock is the
stream's time, and a detection cycle runs at every ``cycle`` boundary of event time, exactly
as the live service runs cycles against Redis.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from pydantic import ValidationError

from rasad.alerting.detector import Detector
from rasad.alerting.watchlist import Watchlist
from rasad.common.errors import InputError
from rasad.common.messages import Alert, EnrichedArticle
from rasad.counting.buckets import floor_to
from rasad.counting.facts import ArticleFacts, Vocabulary, article_facts
from rasad.counting.memory_store import InMemoryCountStore

DEFAULT_LATENESS_SECONDS = 600
_FIELDS = frozenset(EnrichedArticle.model_fields)


def _reason(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "(line)"
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{where}: {first['msg']}{more}"


def parse_line(line: str, line_no: int, vocabulary: Vocabulary | None) -> ArticleFacts:
    """The facts of one JSON line; InputError names the line, the field and the reason."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"line {line_no}: not JSON: {exc.msg} at column {exc.colno}") from exc
    if not isinstance(data, dict):
        raise InputError(f"line {line_no}: expected a JSON object, got {type(data).__name__}")
    text = data.get("text") if isinstance(data.get("text"), str) else None
    try:
        article = EnrichedArticle.model_validate({k: v for k, v in data.items() if k in _FIELDS})
    except ValidationError as exc:
        raise InputError(f"line {line_no}: {_reason(exc)}") from exc
    try:
        return article_facts(article, vocabulary, text=text)
    except InputError as exc:
        raise InputError(f"line {line_no}: {exc}") from exc


@dataclass
class StreamClock:
    """The in-memory store's clock during a replay: the time of the current cycle."""

    now: float = 0.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Replay:
    """Feeds articles to a store in event-time order and runs a detector cycle per boundary."""

    detector: Detector
    clock: StreamClock
    lateness: int = DEFAULT_LATENESS_SECONDS
    _pending: list[tuple[int, int, ArticleFacts]] = field(default_factory=list)
    _sequence: int = 0
    _watermark: int | None = None
    _next_cycle: int | None = None
    _last_counted: int | None = None

    @classmethod
    def in_memory(cls, watchlist: Watchlist, lateness: int = DEFAULT_LATENESS_SECONDS) -> Replay:
        clock = StreamClock()
        store = InMemoryCountStore(clock=clock)
        return cls(Detector(store, watchlist, watchlist.detector), clock, lateness)

    @property
    def cycle(self) -> int:
        return self.detector.config.cycle

    def push(self, article: ArticleFacts) -> Iterator[Alert]:
        heapq.heappush(self._pending, (article.event_time, self._sequence, article))
        self._sequence += 1
        if self._watermark is None or article.event_time > self._watermark:
            self._watermark = article.event_time
        if self._next_cycle is None:
            self._next_cycle = floor_to(article.event_time, self.cycle) + self.cycle
        while self._next_cycle + self.lateness <= self._watermark:
            yield from self._run_cycle()

    def finish(self) -> Iterator[Alert]:
        """Count what is still waiting and run the cycles that cover it."""
        while self._pending:
            yield from self._run_cycle()

    def _skip_quiet_cycles(self) -> None:
        """Jump over cycles that can report nothing: no spike is active, the test window has
        emptied since the last counted article, and nothing waits to be counted before the
        next article's cycle. The live service runs those cycles to no effect; a backfill
        over years of sparse articles would otherwise run millions of them."""
        assert self._next_cycle is not None
        if (
            not self._pending
            or self._last_counted is None
            or any(True for _ in self.detector.active_spikes())
        ):
            return
        if self._next_cycle < self._last_counted + self.detector.config.window + self.cycle:
            return
        self._next_cycle = max(self._next_cycle, floor_to(self._pending[0][0], self.cycle) + self.cycle)

    def _run_cycle(self) -> Iterator[Alert]:
        self._skip_quiet_cycles()
        assert self._next_cycle is not None
        boundary = self._next_cycle
        self.clock.now = boundary
        while self._pending and self._pending[0][0] < boundary:
            article = heapq.heappop(self._pending)[2]
            self.detector.store.record(article)
            self._last_counted = max(self._last_counted or article.event_time, article.event_time)
        self._next_cycle = boundary + self.cycle
        yield from self.detector.run_cycle(boundary)


def detect_lines(
    lines: Iterable[str],
    watchlist: Watchlist,
    *,
    lateness: int = DEFAULT_LATENESS_SECONDS,
    on_error: Callable[[InputError], None] | None = None,
) -> Iterator[Alert]:
    """Alerts (all statuses) for a stream of enriched-article JSON lines."""
    replay = Replay.in_memory(watchlist, lateness)
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            article = parse_line(line, line_no, watchlist)
        except InputError as exc:
            if on_error is None:
                raise
            on_error(exc)
            continue
        yield from replay.push(article)
    yield from replay.finish()
