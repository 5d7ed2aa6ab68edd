"""Delivering alerts to their sinks: retries with exponential backoff, then dead letters.

Each sink (the ``alerts`` topic, a webhook, Alertmanager) gets its own queue and worker
thread, so a slow receiver never holds up detection or the other sinks. One attempt that
fails raises :class:`DeliveryFailed` (worth retrying: the receiver is down, timed out,
answered 5xx or 429) or :class:`DeliveryRejected` (the receiver refused the alert, e.g. 400).
What happens next is the error policy's choice (stage ``notify``): with
:data:`ALERTING_POLICY` a transient failure is retried on the backoff schedule, a rejection
and an exhausted schedule go to the dead-letter topic with the cause. Every outcome is
counted; an alert that cannot even be dead-lettered is logged in full. Nothing is dropped
silently.
"""

from __future__ import annotations

import logging
import queue
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from rasad.alerting.metrics import AlertingMetrics
from rasad.common.error_policy import DEFAULT_RULES, Action, ErrorPolicy, Rule, Stage
from rasad.common.errors import RasadError
from rasad.common.kafka.deadletter import DeadLetterPublisher, build_dead_letter
from rasad.common.kafka.producer import MessageProducer
from rasad.common.messages import Alert

log = logging.getLogger(__name__)

SERVICE = "alerting"
RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


class DeliveryFailed(RasadError):
    """One attempt failed in a way that may pass: worth retrying."""


class DeliveryRejected(RasadError):
    """The receiver refused the alert; retrying the same request cannot help."""


class DeliveryExhausted(RasadError):
    """Every attempt of the backoff schedule failed."""


#: The alerting service's policy: rejections and exhausted retries are dead-lettered; every
#: other notify failure is "raise", which for a delivery means: try again after the backoff.
ALERTING_POLICY = ErrorPolicy(
    (
        Rule(frozenset({Stage.NOTIFY}), (DeliveryRejected, DeliveryExhausted), Action.DEAD_LETTER),
        *DEFAULT_RULES,
    )
)


# -- backoff (pure) ----------------------------------------------------------------------


def backoff_schedule(retries: int, base_s: float, cap_s: float, factor: float = 2.0) -> list[float]:
    """Waits before each retry: ``base, base*factor, base*factor**2 ...``, each at most ``cap``."""
    return [min(cap_s, base_s * factor**i) for i in range(max(0, retries))]


def jittered(delays: Sequence[float], rng: random.Random, spread: float = 0.5) -> list[float]:
    """Each wait drawn uniformly from ``[(1 - spread) * d, d]`` so that retries do not align."""
    return [d * (1.0 - spread * rng.random()) for d in delays]


# -- sinks -------------------------------------------------------------------------------


class Sink(Protocol):
    """One destination; ``name`` is a bounded metric label (the sink's type)."""

    name: str

    def deliver(self, alert: Alert) -> None:
        """One attempt; raises DeliveryFailed or DeliveryRejected."""
        ...


@dataclass
class KafkaSink:
    """The ``alerts`` topic, keyed by alert id (one partition keeps an alert's updates in order)."""

    producer: MessageProducer
    topic: str
    name: str = "kafka"

    def deliver(self, alert: Alert) -> None:
        try:
            self.producer.publish(self.topic, alert.alert_id, alert)
        except RasadError as exc:
            raise DeliveryFailed(str(exc)) from exc


def where(url: str) -> str:
    """A webhook URL without its path and query, which may be the secret (Slack's are)."""
    parts = httpx.URL(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.host}{port}/…"


@dataclass
class WebhookSink:
    """POSTs ``render(alert)`` as JSON; redirects are not followed (the allow-list holds)."""

    client: httpx.Client
    url: str
    render: Callable[[Alert], Any]
    name: str = "webhook"

    def deliver(self, alert: Alert) -> None:
        try:
            response = self.client.post(self.url, json=self.render(alert))
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"POST {where(self.url)}: {type(exc).__name__}: {exc}") from exc
        if response.is_success:
            return
        reason = f"POST {where(self.url)}: HTTP {response.status_code} {response.text[:200]!r}"
        if response.status_code in RETRYABLE_STATUS:
            raise DeliveryFailed(reason)
        raise DeliveryRejected(reason)


# -- dispatching -------------------------------------------------------------------------


class DeadLetters(Protocol):
    def publish(self, letters: list[Any]) -> Any: ...


@dataclass
class Retrier:
    """Delivers one alert to one sink: attempts, waits, policy decisions, dead letter."""

    sink: Sink
    delays: Callable[[], list[float]]
    dead_letters: DeadLetterPublisher | DeadLetters | None
    metrics: AlertingMetrics
    #: Waits the given seconds; True when the service is stopping (no more retries).
    wait: Callable[[float], bool]
    policy: ErrorPolicy = ALERTING_POLICY

    def run(self, alert: Alert) -> str:
        """The outcome: ``delivered``, ``dead_lettered`` or ``failed``."""
        delays = self.delays()
        attempt = 0
        while True:
            attempt += 1
            started = time.perf_counter()
            try:
                self.sink.deliver(alert)
            except Exception as exc:
                self.metrics.delivery_seconds.labels(sink=self.sink.name).observe(
                    time.perf_counter() - started
                )
                action = self.policy.decide(Stage.NOTIFY, exc)
                if action is Action.RAISE and attempt <= len(delays):
                    self._count("retried")
                    log.warning(
                        "%s: attempt %d for alert %s failed, retrying: %s",
                        self.sink.name,
                        attempt,
                        alert.alert_id,
                        exc,
                    )
                    if self.wait(delays[attempt - 1]):
                        return self._give_up(alert, DeliveryExhausted(f"stopped before retrying: {exc}"))
                    continue
                if action is Action.RAISE:
                    exc = DeliveryExhausted(
                        f"{attempt} attempt(s) failed, the last: {type(exc).__name__}: {exc}"
                    )
                return self._give_up(alert, exc)
            self.metrics.delivery_seconds.labels(sink=self.sink.name).observe(time.perf_counter() - started)
            self._count("delivered")
            return "delivered"

    def _count(self, outcome: str) -> None:
        self.metrics.deliveries.labels(sink=self.sink.name, outcome=outcome).inc()

    def _give_up(self, alert: Alert, error: Exception) -> str:
        action = self.policy.decide(Stage.NOTIFY, error)
        if action is Action.DEAD_LETTER and self.dead_letters is not None:
            letter = build_dead_letter(
                service=SERVICE,
                stage=Stage.NOTIFY.value,
                error=error,
                payload=alert.model_dump_json(),
                key=alert.alert_id,
            )
            letter = letter.model_copy(update={"error": f"{self.sink.name}: {letter.error}"})
            try:
                self.dead_letters.publish([letter])
            except Exception as exc:  # the broker is down too: keep the alert in the log
                log.error(
                    "alert %s not delivered to %s (%s) and not dead-lettered (%s): %s",
                    alert.alert_id,
                    self.sink.name,
                    error,
                    exc,
                    alert.model_dump_json(),
                )
            else:
                log.error("alert %s dead-lettered after %s: %s", alert.alert_id, self.sink.name, error)
                self.metrics.dead_letters.inc()
                self._count("dead_lettered")
                return "dead_lettered"
        else:
            log.error(
                "alert %s not delivered to %s: %s: %s",
                alert.alert_id,
                self.sink.name,
                error,
                alert.model_dump_json(),
            )
        self._count("failed")
        return "failed"


_STOP = object()


class SinkWorker:
    """A queue and a thread per sink."""

    def __init__(self, retrier: Retrier, stop: threading.Event) -> None:
        self.retrier = retrier
        self.queue: queue.Queue[Any] = queue.Queue()
        self._stop = stop
        self.thread = threading.Thread(target=self._loop, name=f"sink-{retrier.sink.name}", daemon=True)

    def _loop(self) -> None:
        while True:
            item = self.queue.get()
            try:
                if item is _STOP:
                    return
                self.retrier.run(item)
            except Exception:  # a bug in one delivery must not end the sink
                log.exception("delivery to %s crashed", self.retrier.sink.name)
            finally:
                self.queue.task_done()


class Dispatcher:
    """Fans every alert out to every sink's worker."""

    def __init__(
        self,
        sinks: Sequence[Sink],
        metrics: AlertingMetrics,
        dead_letters: DeadLetterPublisher | DeadLetters | None,
        delays: Callable[[], list[float]],
        policy: ErrorPolicy = ALERTING_POLICY,
    ) -> None:
        self._stop = threading.Event()
        self.workers = [
            SinkWorker(Retrier(sink, delays, dead_letters, metrics, self._stop.wait, policy), self._stop)
            for sink in sinks
        ]
        for outcome in ("delivered", "retried", "dead_lettered", "failed"):
            for sink in sinks:
                metrics.deliveries.labels(sink=sink.name, outcome=outcome)

    def start(self) -> None:
        for worker in self.workers:
            worker.thread.start()

    def submit(self, alert: Alert) -> None:
        for worker in self.workers:
            worker.queue.put(alert)

    def drain(self, timeout_s: float = 30.0) -> bool:
        """Wait until every queued alert was handled; True when all were."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if all(w.queue.unfinished_tasks == 0 for w in self.workers):
                return True
            time.sleep(0.05)
        return False

    def close(self, timeout_s: float = 10.0) -> None:
        """Stop waiting on backoffs (those alerts are dead-lettered), finish the queues."""
        self._stop.set()
        for worker in self.workers:
            worker.queue.put(_STOP)
        for worker in self.workers:
            worker.thread.join(timeout=timeout_s)
