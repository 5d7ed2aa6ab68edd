"""The live alerting service: a detection cycle every few seconds over the Redis counts.

Each cycle takes the watchlist as it is now (the file is re-read when it changed; a broken
edit keeps the previous version), runs the same :class:`~rasad.alerting.detector.Detector`
as ``rasad detect`` at wall-clock event time, updates the per-key gauges of the watched keys,
and hands every alert to the feed (HTTP API and SSE) and to the dispatcher (the ``alerts``
topic, webhooks, Alertmanager). The cycle runs in a thread of its own; a failing cycle (Redis
away) is logged and counted, and the next one tries again.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import get_args

import httpx
import redis

from rasad.alerting.delivery import (
    Dispatcher,
    KafkaSink,
    Sink,
    WebhookSink,
    backoff_schedule,
    jittered,
)
from rasad.alerting.detector import Detector, cycle_windows
from rasad.alerting.feed import AlertFeed
from rasad.alerting.metrics import AlertingMetrics, spike_score
from rasad.alerting.watchlist import Watchlist, WatchlistFile, automatic_watchlist
from rasad.alerting.webhooks import alertmanager_body, check_target, generic_body, slack_body
from rasad.common.kafka.admin import TopicAdminError, ensure_topics
from rasad.common.kafka.deadletter import DeadLetterPublisher
from rasad.common.kafka.producer import MessageProducer, ProducerOptions
from rasad.common.messages import Alert, EventType
from rasad.common.settings import AlertingSettings
from rasad.common.topics import ALERTS, DEADLETTER, topic_name
from rasad.counting.redis_store import RedisCountStore
from rasad.counting.store import CountStore

log = logging.getLogger(__name__)

EVENT_TYPES: tuple[str, ...] = get_args(EventType)
#: A cycle older than this many intervals (and at least ``MIN_STALE_S``) makes /healthz fail.
STALE_CYCLES = 3
MIN_STALE_S = 30.0


class WatchSource:
    """The watchlist now: a reloading file, or the automatic one when no file is set."""

    def __init__(self, file: WatchlistFile | None = None, fixed: Watchlist | None = None) -> None:
        self._file = file
        self._fixed = fixed or automatic_watchlist()

    @property
    def error(self) -> str | None:
        return self._file.error if self._file else None

    def current(self) -> Watchlist:
        return self._file.current() if self._file else self._fixed


@dataclass
class CycleScope:
    """The detector's watch scope: the watchlist as taken at the start of the cycle."""

    watchlist: Watchlist

    def selects(self, kind: str, key: str, volume: int) -> bool:
        return self.watchlist.selects(kind, key, volume)


@dataclass
class AlertingService:
    store: CountStore
    source: WatchSource
    metrics: AlertingMetrics
    feed: AlertFeed
    dispatcher: Dispatcher
    interval_s: float | None = None
    clock: Callable[[], float] = time.time
    detector: Detector = field(init=False)
    _scope: CycleScope = field(init=False)
    _last_ok: float | None = field(default=None, init=False)
    _started: float = field(default=0.0, init=False)
    _last_error: str | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        watchlist = self.source.current()
        self._scope = CycleScope(watchlist)
        self.detector = Detector(self.store, self._scope, watchlist.detector)
        self._started = self.clock()

    @property
    def interval(self) -> float:
        return self.interval_s if self.interval_s is not None else float(self.detector.config.cycle)

    def cycle(self, now: float | None = None) -> list[Alert]:
        """One detection cycle at event time ``now`` (default: the clock)."""
        at = self.clock() if now is None else now
        started = time.perf_counter()
        watchlist = self.source.current()
        self.metrics.watchlist_valid.set(0 if self.source.error else 1)
        self._scope.watchlist = watchlist
        if watchlist.detector != self.detector.config:
            log.info("detector settings changed with the watchlist")
            self.detector.config = watchlist.detector
        alerts = self.detector.run_cycle(at)
        self._update_gauges(at, watchlist)
        for alert in alerts:
            self.feed.append(alert)
            self.metrics.alerts.labels(severity=alert.severity, status=alert.status).inc()
            self.dispatcher.submit(alert)
            log.info(
                "alert %s %s %s:%s %s", alert.alert_id, alert.status, alert.kind, alert.key, alert.severity
            )
        self.metrics.cycle_seconds.observe(time.perf_counter() - started)
        self.metrics.cycles.labels(outcome="ok").inc()
        self._last_ok = self.clock()
        self.metrics.last_cycle.set(self._last_ok)
        return alerts

    def _update_gauges(self, at: float, watchlist: Watchlist) -> None:
        watched = sorted(watchlist.watched)
        follow = watched + [("event", t) for t in EVENT_TYPES]
        windows = cycle_windows(at, self.detector.config, self.store.now())
        evaluations = {(e.kind, e.key): e for e in self.detector.evaluate(windows, follow)}
        scores = {k: spike_score(evaluations[k].q) if k in evaluations else 0.0 for k in watched}
        stories = {k: evaluations[k].observed if k in evaluations else 0 for k in follow}
        self.metrics.record_keys(scores, stories)
        self.metrics.window_stories.set(self.store.totals(windows.test).stories)
        self.metrics.active_spikes.set(len(list(self.detector.active_spikes())))

    def run(self, stop: threading.Event) -> None:
        """Cycles until ``stop`` is set."""
        while not stop.is_set():
            try:
                self.cycle()
                self._last_error = None
            except Exception as exc:  # Redis away, a bug in one cycle: the next cycle retries
                self._last_error = f"{type(exc).__name__}: {exc}"
                self.metrics.cycles.labels(outcome="failed").inc()
                log.exception("detection cycle failed")
            stop.wait(self.interval)

    def health(self) -> tuple[bool, str]:
        now = self.clock()
        limit = max(STALE_CYCLES * self.interval, MIN_STALE_S)
        reference = self._last_ok if self._last_ok is not None else self._started
        age = now - reference
        if age > limit:
            reason = f", last error: {self._last_error}" if self._last_error else ""
            return False, f"no successful detection cycle for {age:.0f}s{reason}"
        if self._last_ok is None:
            return True, "starting"
        return True, f"ok: last cycle {age:.0f}s ago"


# -- wiring ------------------------------------------------------------------------------


def prepare_topics(settings: AlertingSettings) -> None:
    """Create ``alerts`` and ``deadletter`` when missing; a broker down now shows in delivery."""
    try:
        ensure_topics(settings, topics=(ALERTS, DEADLETTER))
    except TopicAdminError as exc:
        log.warning("topics not checked: %s", exc)


def webhook_sinks(settings: AlertingSettings, client: httpx.Client) -> list[Sink]:
    """The configured webhooks; ConfigError for a URL outside the allowed hosts."""
    allowed = settings.alerting_webhook_allowed_hosts
    sinks: list[Sink] = [
        WebhookSink(client, check_target(url, allowed), generic_body, "webhook")
        for url in settings.alerting_webhook_urls
    ]
    sinks += [
        WebhookSink(client, check_target(url, allowed), slack_body, "slack")
        for url in settings.alerting_slack_webhook_urls
    ]
    if settings.alerting_alertmanager_url:
        base = check_target(settings.alerting_alertmanager_url, allowed).rstrip("/")
        render = partial(alertmanager_body, generator_url=settings.alerting_public_url)
        sinks.append(WebhookSink(client, f"{base}/api/v2/alerts", render, "alertmanager"))
    return sinks


def watch_source(settings: AlertingSettings) -> WatchSource:
    if settings.alerting_watchlist:
        return WatchSource(file=WatchlistFile(settings.alerting_watchlist))
    return WatchSource()


def retry_delays(settings: AlertingSettings, rng: random.Random | None = None) -> Callable[[], list[float]]:
    schedule = backoff_schedule(
        settings.alerting_webhook_retries,
        settings.alerting_webhook_backoff_s,
        settings.alerting_webhook_backoff_max_s,
    )
    source = rng or random.Random()
    return lambda: jittered(schedule, source)


@contextmanager
def open_service(
    settings: AlertingSettings, metrics: AlertingMetrics, clock: Callable[[], float] = time.time
) -> Iterator[AlertingService]:
    """The service with its clients and sink workers (started), all closed on exit."""
    password = settings.redis_password.get_secret_value() if settings.redis_password else None
    client = redis.Redis.from_url(
        settings.redis_url,
        password=password,
        decode_responses=True,
        socket_timeout=5,
        socket_connect_timeout=5,
    )
    store = RedisCountStore(client, settings.key_prefix, clock=clock)
    http = httpx.Client(timeout=settings.alerting_webhook_timeout_s, follow_redirects=False)
    producer = MessageProducer(settings, ProducerOptions(client_id="rasad-alerting"))
    try:
        sinks: list[Sink] = [KafkaSink(producer, topic_name(ALERTS, settings.topic_prefix))]
        sinks += webhook_sinks(settings, http)
        dispatcher = Dispatcher(
            sinks, metrics, DeadLetterPublisher(producer, settings), retry_delays(settings)
        )
        feed = AlertFeed(settings.alerting_history)
        service = AlertingService(
            store, watch_source(settings), metrics, feed, dispatcher, settings.alerting_cycle_seconds, clock
        )
        dispatcher.start()
        try:
            yield service
        finally:
            dispatcher.close()
    finally:
        producer.close()
        http.close()
        client.close()
