from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from rasad.alerting.delivery import (
    ALERTING_POLICY,
    DeliveryExhausted,
    DeliveryFailed,
    DeliveryRejected,
    Dispatcher,
    Retrier,
    backoff_schedule,
    jittered,
)
from rasad.alerting.metrics import AlertingMetrics
from rasad.common.error_policy import Action, Stage
from rasad.common.errors import ConfigError
from rasad.common.messages import Alert, DeadLetter

MakeAlert = Callable[..., Alert]


def test_backoff_schedule_doubles_up_to_the_cap() -> None:
    assert backoff_schedule(6, 0.5, 5.0) == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]
    assert backoff_schedule(3, 1.0, 100.0, factor=3.0) == [1.0, 3.0, 9.0]
    assert backoff_schedule(0, 1.0, 10.0) == []


def test_jitter_stays_within_the_spread() -> None:
    delays = backoff_schedule(8, 1.0, 30.0)
    drawn = jittered(delays, random.Random(3))
    assert all(d / 2 <= j <= d for d, j in zip(delays, drawn, strict=True))
    assert drawn != delays


def test_policy_retries_transient_failures_and_dead_letters_the_rest() -> None:
    assert ALERTING_POLICY.decide(Stage.NOTIFY, DeliveryFailed("503")) is Action.RAISE
    assert ALERTING_POLICY.decide(Stage.NOTIFY, DeliveryRejected("400")) is Action.DEAD_LETTER
    assert ALERTING_POLICY.decide(Stage.NOTIFY, DeliveryExhausted("gave up")) is Action.DEAD_LETTER
    assert ALERTING_POLICY.decide(Stage.NOTIFY, ConfigError("bad")) is Action.RAISE


@dataclass
class ScriptedSink:
    """Fails with the scripted errors, one per attempt, then succeeds."""

    errors: list[Exception]
    name: str = "webhook"
    attempts: int = 0
    delivered: list[Alert] = field(default_factory=list)

    def deliver(self, alert: Alert) -> None:
        self.attempts += 1
        if self.errors:
            raise self.errors.pop(0)
        self.delivered.append(alert)


@dataclass
class DeadLetterLog:
    letters: list[DeadLetter] = field(default_factory=list)
    broken: bool = False

    def publish(self, letters: list[DeadLetter]) -> list[Any]:
        if self.broken:
            raise DeliveryFailed("broker down")
        self.letters.extend(letters)
        return []


@dataclass
class Waits:
    seconds: list[float] = field(default_factory=list)
    stop_after: int | None = None

    def __call__(self, s: float) -> bool:
        self.seconds.append(s)
        return self.stop_after is not None and len(self.seconds) >= self.stop_after


def counted(metrics: AlertingMetrics, outcome: str, sink: str = "webhook") -> float:
    return metrics.deliveries.labels(sink=sink, outcome=outcome)._value.get()


@pytest.fixture
def metrics() -> AlertingMetrics:
    return AlertingMetrics.build(CollectorRegistry())


def retrier(sink: ScriptedSink, dead: DeadLetterLog, metrics: AlertingMetrics, waits: Waits) -> Retrier:
    return Retrier(sink, lambda: [1.0, 2.0, 4.0], dead, metrics, waits)


def test_a_transient_failure_is_retried_after_the_backoff(
    make_alert: MakeAlert, metrics: AlertingMetrics
) -> None:
    sink, dead, waits = (
        ScriptedSink([DeliveryFailed("HTTP 503"), DeliveryFailed("timeout")]),
        DeadLetterLog(),
        Waits(),
    )
    assert retrier(sink, dead, metrics, waits).run(make_alert()) == "delivered"
    assert sink.attempts == 3 and waits.seconds == [1.0, 2.0]
    assert counted(metrics, "retried") == 2 and counted(metrics, "delivered") == 1
    assert dead.letters == []


def test_exhausted_retries_dead_letter_the_alert_with_the_cause(
    make_alert: MakeAlert, metrics: AlertingMetrics
) -> None:
    alert = make_alert()
    sink, dead, waits = (
        ScriptedSink([DeliveryFailed(f"HTTP 50{i}") for i in range(10)]),
        DeadLetterLog(),
        Waits(),
    )
    assert retrier(sink, dead, metrics, waits).run(alert) == "dead_lettered"
    assert sink.attempts == 4 and waits.seconds == [1.0, 2.0, 4.0]
    [letter] = dead.letters
    assert letter.stage == "notify" and letter.service == "alerting" and letter.key == alert.alert_id
    assert letter.error_type == "DeliveryExhausted"
    assert "webhook" in letter.error and "4 attempt(s)" in letter.error and "HTTP 503" in letter.error
    assert Alert.model_validate(json.loads(letter.payload)) == alert
    assert counted(metrics, "dead_lettered") == 1 and metrics.dead_letters._value.get() == 1


def test_a_rejection_is_dead_lettered_without_retrying(
    make_alert: MakeAlert, metrics: AlertingMetrics
) -> None:
    sink, dead, waits = ScriptedSink([DeliveryRejected("HTTP 400 bad body")]), DeadLetterLog(), Waits()
    assert retrier(sink, dead, metrics, waits).run(make_alert()) == "dead_lettered"
    assert sink.attempts == 1 and waits.seconds == []
    assert dead.letters[0].error_type == "DeliveryRejected"


def test_stopping_during_a_backoff_dead_letters_instead_of_waiting(
    make_alert: MakeAlert, metrics: AlertingMetrics
) -> None:
    sink, dead, waits = ScriptedSink([DeliveryFailed("down")] * 3), DeadLetterLog(), Waits(stop_after=1)
    assert retrier(sink, dead, metrics, waits).run(make_alert()) == "dead_lettered"
    assert sink.attempts == 1 and "stopped before retrying" in dead.letters[0].error


def test_when_dead_letters_fail_too_the_alert_is_logged_and_counted(
    make_alert: MakeAlert, metrics: AlertingMetrics, caplog: pytest.LogCaptureFixture
) -> None:
    alert = make_alert()
    sink, dead, waits = ScriptedSink([DeliveryRejected("HTTP 410")]), DeadLetterLog(broken=True), Waits()
    assert retrier(sink, dead, metrics, waits).run(alert) == "failed"
    assert counted(metrics, "failed") == 1 and counted(metrics, "dead_lettered") == 0
    assert alert.model_dump_json() in caplog.text


def test_an_unexpected_error_is_dead_lettered_after_retries(
    make_alert: MakeAlert, metrics: AlertingMetrics
) -> None:
    sink, dead, waits = ScriptedSink([RuntimeError("bug")] * 5), DeadLetterLog(), Waits()
    assert retrier(sink, dead, metrics, waits).run(make_alert()) == "dead_lettered"
    assert dead.letters[0].error_type == "DeliveryExhausted" and "RuntimeError: bug" in dead.letters[0].error


def test_dispatcher_delivers_every_alert_to_every_sink_in_order(
    make_alert: MakeAlert, metrics: AlertingMetrics
) -> None:
    kafka = ScriptedSink([], name="kafka")
    hook = ScriptedSink([DeliveryFailed("HTTP 502")], name="webhook")
    dispatcher = Dispatcher([kafka, hook], metrics, DeadLetterLog(), lambda: [0.0, 0.0])
    dispatcher.start()
    alerts = [make_alert(alert_id=f"alert{i}") for i in range(5)]
    for alert in alerts:
        dispatcher.submit(alert)
    assert dispatcher.drain(timeout_s=10)
    dispatcher.close()
    assert kafka.delivered == alerts and hook.delivered == alerts
    assert counted(metrics, "delivered", "kafka") == 5 and counted(metrics, "retried", "webhook") == 1
