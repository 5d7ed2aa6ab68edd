"""Prometheus metrics of the alerting service, built as one object on an injected registry.

Label sets are bounded: ``severity`` and ``status`` are enumerations, ``sink`` is the sink's
type, and only the watchlist's keys (plus the three event types) label the per-key gauges;
every other key's counts stay in Redis (``GET /top``). Keys that leave the watchlist lose
their series at the next cycle.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

SEVERITIES = ("info", "warning", "critical")
STATUSES = ("firing", "update", "resolved")
CYCLE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
DELIVERY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 15.0)
#: The spike score of a p-value of 0 (a share the baseline cannot explain at all).
MAX_SCORE = 300.0


def spike_score(p_value: float) -> float:
    """``-log10(p)``, the adjusted p-value the detector compares with alpha (3 = 0.001)."""
    if p_value <= 0.0:
        return MAX_SCORE
    return min(MAX_SCORE, max(0.0, -math.log10(p_value)))


@dataclass
class AlertingMetrics:
    alerts: Counter
    cycles: Counter
    cycle_seconds: Histogram
    last_cycle: Gauge
    window_stories: Gauge
    spike_score: Gauge
    watched_stories: Gauge
    active_spikes: Gauge
    deliveries: Counter
    delivery_seconds: Histogram
    dead_letters: Counter
    stream_clients: Gauge
    watchlist_valid: Gauge
    _labelled: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def build(cls, registry: CollectorRegistry) -> AlertingMetrics:
        alerts = Counter(
            "rasad_alerting_alerts_total",
            "Alerts sent, by severity and status (firing, update, resolved).",
            ["severity", "status"],
            registry=registry,
        )
        for severity in SEVERITIES:
            for status in STATUSES:
                alerts.labels(severity=severity, status=status)
        cycles = Counter(
            "rasad_alerting_cycles_total", "Detection cycles, by outcome.", ["outcome"], registry=registry
        )
        for outcome in ("ok", "failed"):
            cycles.labels(outcome=outcome)
        return cls(
            alerts=alerts,
            cycles=cycles,
            cycle_seconds=Histogram(
                "rasad_alerting_cycle_seconds",
                "Duration of one detection cycle (Redis reads, tests, alerts).",
                registry=registry,
                buckets=CYCLE_BUCKETS,
            ),
            last_cycle=Gauge(
                "rasad_alerting_last_cycle_timestamp_seconds",
                "Unix time of the last successful detection cycle.",
                registry=registry,
            ),
            window_stories=Gauge(
                "rasad_alerting_window_stories",
                "Stories in the test window of the last cycle (all keys).",
                registry=registry,
            ),
            spike_score=Gauge(
                "rasad_alerting_spike_score",
                "-log10 of the adjusted p-value of a watched key in the last cycle (3 means p = 0.001).",
                ["kind", "key"],
                registry=registry,
            ),
            watched_stories=Gauge(
                "rasad_alerting_watched_stories",
                "Stories in the test window mentioning a watched key or an event type.",
                ["kind", "key"],
                registry=registry,
            ),
            active_spikes=Gauge(
                "rasad_alerting_active_spikes", "Spikes currently firing.", registry=registry
            ),
            deliveries=Counter(
                "rasad_alerting_deliveries_total",
                "Alert deliveries by sink and outcome (delivered, retried, dead_lettered, failed).",
                ["sink", "outcome"],
                registry=registry,
            ),
            delivery_seconds=Histogram(
                "rasad_alerting_delivery_seconds",
                "Duration of one delivery attempt, by sink.",
                ["sink"],
                registry=registry,
                buckets=DELIVERY_BUCKETS,
            ),
            dead_letters=Counter(
                "rasad_alerting_dead_letters_total",
                "Alerts sent to the dead-letter topic after their deliveries failed.",
                registry=registry,
            ),
            stream_clients=Gauge(
                "rasad_alerting_stream_clients", "Open Server-Sent Events streams.", registry=registry
            ),
            watchlist_valid=Gauge(
                "rasad_alerting_watchlist_valid",
                "1 when the watchlist file was read without error, 0 while a broken edit is ignored.",
                registry=registry,
            ),
        )

    def record_keys(
        self, scores: Mapping[tuple[str, str], float], stories: Mapping[tuple[str, str], int]
    ) -> None:
        """Set the per-key gauges for exactly these keys; drop series of keys no longer given."""
        current = set(scores) | set(stories)
        for kind, key in self._labelled - current:
            for gauge in (self.spike_score, self.watched_stories):
                with contextlib.suppress(KeyError):
                    gauge.remove(kind, key)
        for (kind, key), score in scores.items():
            self.spike_score.labels(kind=kind, key=key).set(score)
        for (kind, key), count in stories.items():
            self.watched_stories.labels(kind=kind, key=key).set(count)
        self._labelled = current

    def labelled_keys(self) -> Iterable[tuple[str, str]]:
        return sorted(self._labelled)
