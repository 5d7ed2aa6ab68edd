"""Spike detection on the rolling counts: a key's share of stories now against its usual share.

Every cycle, at event time ``now``:

* the **test window** is the last ``window`` (default 1h) of minutes up to ``now``, the minute
  under way included as far as it has come (so a spike shows within one cycle); the
  **baseline** is the ``baseline`` (default 7 days) of whole hours ending ``guard`` (default
  2h) before the test window starts, so the start of a spike does not leak into its own
  baseline;
* for every key with at least ``min_stories`` stories in the test window that the watch scope
  selects (a watched key, or any key above the automatic mode's volume), ``x`` of the ``n``
  stories of the test window and ``y`` of the ``m`` stories of the baseline mention it. Given
  ``x + y``, under "the share did not change" ``x`` is binomial with ``p0 = n / (n + m)``
  (the conditional test for two rates); ``p = P(X >= x)``. The ``fisher`` option uses the
  one-sided Fisher exact test on the 2x2 table instead. Shares, not counts: a quiet night or
  weekend lowers ``n`` and ``x`` together and raises nothing by itself;
* p-values are adjusted across the keys tested in the cycle (Benjamini-Hochberg by default,
  or Bonferroni); a key is significant when the adjusted p is at most the cycle's level and
  its test-window stories come from at least ``min_sources`` sources. Consecutive cycles test
  overlapping windows, the same stories over and over; with ``alpha_per: window`` (the
  default) ``alpha`` (0.001) is the false-alarm level per test window, so each cycle tests at
  ``alpha * cycle / window`` (Bonferroni over the cycles one window spans). Without it a
  steady key crosses 0.001 by chance about once a fortnight per dozen keys (measured on the
  synthetic streams of the tests); with it none did, and spikes were found as early.
  ``alpha_per: cycle`` tests every cycle at ``alpha`` itself;
* hysteresis: a firing spike stays active while its raw p stays at most ``exit_alpha`` and
  resolves only after ``resolve_after`` without that; while active it sends at most one
  ``update`` per ``update_every``, when it grew. A key that fires again within ``cooldown`` of
  resolving continues its old alert (an ``update``) rather than opening a new one.

The baseline moves by whole hours, so its counts are read once per hour and kept; an
article arriving hours late into the baseline span is seen when the baseline next moves.

``Alert.p_value`` is the adjusted p-value (the one compared with ``alpha``); ``expected`` is
``n * y / m``, the test-window stories the baseline share predicts; ``ratio`` is observed over
expected (null when the baseline never saw the key).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Literal, Protocol

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from scipy import stats

from rasad.common.messages import Alert, AlertArticle, Severity
from rasad.counting.buckets import (
    HOUR_SECONDS,
    MINUTE_SECONDS,
    WindowPlan,
    as_datetime,
    ceil_to,
    epoch_seconds,
    floor_to,
    parse_duration,
    plan_window,
)
from rasad.counting.facts import KINDS, Kind
from rasad.counting.store import CountStore, EvidenceItem

SEVERITY_RANK: dict[Severity, int] = {"info": 0, "warning": 1, "critical": 2}
#: How much evidence to look through for a spike's first story (the store keeps a few).
FIRST_SEEN_LOOKBACK = 50


def _seconds(value: object) -> object:
    return parse_duration(value) if isinstance(value, str) else value


Seconds = Annotated[int, BeforeValidator(_seconds), Field(gt=0)]
Probability = Annotated[float, Field(gt=0.0, lt=1.0)]


class DetectorConfig(BaseModel):
    """Detector settings; durations accept seconds or ``"15m"``, ``"1h"``, ``"7d"``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    window: Seconds = HOUR_SECONDS
    baseline: Seconds = 7 * 24 * HOUR_SECONDS
    guard: Seconds = 2 * HOUR_SECONDS
    cycle: Seconds = MINUTE_SECONDS
    alpha: Probability = 0.001
    alpha_per: Literal["window", "cycle"] = "window"
    correction: Literal["bh", "bonferroni"] = "bh"
    test: Literal["binomial", "fisher"] = "binomial"
    min_stories: Annotated[int, Field(ge=1)] = 3
    min_sources: Annotated[int, Field(ge=1)] = 2
    exit_alpha: Probability = 0.01
    resolve_after: Seconds = HOUR_SECONDS
    cooldown: Seconds = 6 * HOUR_SECONDS
    update_every: Seconds = 15 * MINUTE_SECONDS
    evidence: Annotated[int, Field(ge=1, le=50)] = 5
    kinds: tuple[Kind, ...] = KINDS
    warning_p: Probability = 1e-5
    warning_ratio: Annotated[float, Field(ge=1.0)] = 3.0
    critical_p: Probability = 1e-8
    critical_ratio: Annotated[float, Field(ge=1.0)] = 10.0

    @property
    def cycle_alpha(self) -> float:
        """The level each cycle tests at: ``alpha`` spread over the cycles one window spans."""
        if self.alpha_per == "cycle" or self.cycle >= self.window:
            return self.alpha
        return self.alpha * self.cycle / self.window


class WatchScope(Protocol):
    """Which keys a cycle tests: the watchlist's keys and, in automatic mode, busy keys."""

    def selects(self, kind: str, key: str, volume: int) -> bool:
        """Whether to test the key; ``volume`` is its stories in test window plus baseline."""
        ...


# -- statistics (pure) -------------------------------------------------------------------


def share_p_values(
    x: np.ndarray, n: float, y: np.ndarray, m: float, test: Literal["binomial", "fisher"] = "binomial"
) -> np.ndarray:
    """One-sided p-values that the share ``x / n`` exceeds the baseline share ``y / m``."""
    x, y = np.asarray(x, dtype=np.int64), np.asarray(y, dtype=np.int64)
    if n <= 0 or m <= 0:
        return np.ones(x.shape, dtype=float)
    if test == "fisher":
        x_in = np.minimum(x, int(n))
        y_in = np.minimum(y, int(m))
        p = stats.hypergeom.sf(x_in - 1, int(n + m), x_in + y_in, int(n))
    else:
        p = stats.binom.sf(x - 1, x + y, n / (n + m))
    return np.clip(np.asarray(p, dtype=float), 0.0, 1.0)


def adjust_p_values(p: np.ndarray, method: Literal["bh", "bonferroni"] = "bh") -> np.ndarray:
    """Benjamini-Hochberg (step-up) or Bonferroni adjusted p-values, in the input order."""
    p = np.asarray(p, dtype=float)
    k = p.size
    if k == 0:
        return p
    if method == "bonferroni":
        return np.minimum(p * k, 1.0)
    order = np.argsort(p, kind="stable")
    scaled = p[order] * k / np.arange(1, k + 1)
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    out = np.empty(k)
    out[order] = np.minimum(adjusted, 1.0)
    return out


def expected_count(n: float, y: float, m: float) -> float:
    return n * y / m if m > 0 else 0.0


def severity_of(q: float, observed: int, expected: float, config: DetectorConfig) -> Severity:
    """From the adjusted p and the (smoothed) observed/expected ratio."""
    ratio = (observed + 1.0) / (expected + 1.0)
    if q <= config.critical_p and ratio >= config.critical_ratio:
        return "critical"
    if q <= config.warning_p and ratio >= config.warning_ratio:
        return "warning"
    return "info"


# -- one cycle ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Evaluation:
    kind: str
    key: str
    observed: int
    baseline: int
    expected: float
    p: float
    q: float


@dataclass
class _Spike:
    alert_id: str
    first_seen: int
    last_seen: int
    last_sustained: int
    last_sent: int
    last_observed: int
    severity: Severity
    active: bool = True
    resolved_at: int | None = None


@dataclass(frozen=True)
class Windows:
    test: WindowPlan
    baseline: WindowPlan


def cycle_windows(now: float, config: DetectorConfig, store_now: float) -> Windows:
    """The test window ends at ``now`` rounded up to the minute: the minute under way counts
    as far as it has come, so a spike is seen within a cycle, not when its minute closes."""
    end = ceil_to(now, MINUTE_SECONDS)
    test = plan_window(end - config.window, end, store_now)
    baseline_end = floor_to(test.start - config.guard, HOUR_SECONDS)
    return Windows(test, plan_window(baseline_end - config.baseline, baseline_end, store_now))


def alert_id(kind: str, key: str, first_window_end: int) -> str:
    return hashlib.sha1(f"{kind}\x1f{key}\x1f{first_window_end}".encode()).hexdigest()[:16]


@dataclass
class Detector:
    """Runs detection cycles against a :class:`CountStore`; keeps the spikes' state."""

    store: CountStore
    scope: WatchScope
    config: DetectorConfig = field(default_factory=DetectorConfig)
    _spikes: dict[tuple[str, str], _Spike] = field(default_factory=dict)
    _baselines: dict[str, tuple[int, int, dict[str, int]]] = field(default_factory=dict)
    _baseline_totals: tuple[int, int, int] | None = None

    def run_cycle(self, now: float | datetime) -> list[Alert]:
        """Test the keys at event time ``now``; the alerts to send (firing, update, resolved)."""
        now_s = epoch_seconds(now) if isinstance(now, datetime) else float(now)
        windows = cycle_windows(now_s, self.config, self.store.now())
        evaluations = self.evaluate(windows, self.active_spikes())
        significant = {
            (e.kind, e.key): e
            for e in evaluations
            if e.q <= self.config.cycle_alpha
            and self.store.distinct_sources(e.kind, e.key, windows.test) >= self.config.min_sources
        }
        by_key = {(e.kind, e.key): e for e in evaluations}
        alerts = []
        for ident in sorted(set(significant) | {k for k, s in self._spikes.items() if s.active}):
            alert = self._step(ident, by_key.get(ident), ident in significant, windows.test)
            if alert is not None:
                alerts.append(alert)
        return alerts

    def evaluate(self, windows: Windows, follow: Iterable[tuple[str, str]] = ()) -> list[Evaluation]:
        """The statistics of every key tested in a cycle over ``windows``.

        Keys in ``follow`` (the active spikes) are evaluated too, whatever their volume, for
        the hysteresis; unless selected for testing they stay outside the multiple-testing
        family and get an adjusted p of 1.
        """
        n = self.store.totals(windows.test).stories
        followed = set(follow)
        if n == 0:
            return []
        m = self._baseline_stories(windows.baseline)
        rows: list[tuple[str, str, int, int, bool]] = []
        for kind in self.config.kinds:
            wanted = {key for k, key in followed if k == kind}
            observed = self.store.window_counts(kind, "stories", windows.test)
            busy = {k for k, x in observed.items() if x >= self.config.min_stories}
            if not busy and not wanted:
                continue
            baseline = self._baseline(kind, windows.baseline)
            for key in sorted(busy | wanted):
                x, y = observed.get(key, 0), baseline.get(key, 0)
                tested = key in busy and self.scope.selects(kind, key, x + y)
                if tested or key in wanted:
                    rows.append((kind, key, x, y, tested))
        if not rows:
            return []
        p = share_p_values(
            np.array([r[2] for r in rows]), n, np.array([r[3] for r in rows]), m, self.config.test
        )
        tested_at = [i for i, row in enumerate(rows) if row[4]]
        q = np.ones(len(rows))
        q[tested_at] = adjust_p_values(p[tested_at], self.config.correction)
        return [
            Evaluation(kind, key, x, y, expected_count(n, y, m), float(p[i]), float(q[i]))
            for i, (kind, key, x, y, _) in enumerate(rows)
        ]

    def _baseline_stories(self, plan: WindowPlan) -> int:
        cached = self._baseline_totals
        if cached is not None and cached[:2] == (plan.start, plan.end):
            return cached[2]
        stories = self.store.totals(plan).stories
        self._baseline_totals = (plan.start, plan.end, stories)
        return stories

    def _baseline(self, kind: str, plan: WindowPlan) -> dict[str, int]:
        """Baseline counts, computed once per baseline span (it moves by whole hours)."""
        cached = self._baselines.get(kind)
        if cached is not None and cached[:2] == (plan.start, plan.end):
            return cached[2]
        counts = self.store.window_counts(kind, "stories", plan)
        self._baselines[kind] = (plan.start, plan.end, counts)
        return counts

    def _step(
        self, ident: tuple[str, str], evaluation: Evaluation | None, significant: bool, test: WindowPlan
    ) -> Alert | None:
        config, now = self.config, test.end
        spike = self._spikes.get(ident)
        sustained = (
            evaluation is not None
            and evaluation.observed >= config.min_stories
            and evaluation.p <= config.exit_alpha
        )
        if spike is not None and spike.active:
            if sustained:
                spike.last_sustained = now
            elif now - spike.last_sustained >= config.resolve_after:
                spike.active, spike.resolved_at = False, now
                return self._alert("resolved", ident, spike, evaluation, test)
            if not significant or evaluation is None or now - spike.last_sent < config.update_every:
                return None
            severity = severity_of(evaluation.q, evaluation.observed, evaluation.expected, config)
            grew = evaluation.observed > spike.last_observed
            if not grew and SEVERITY_RANK[severity] <= SEVERITY_RANK[spike.severity]:
                return None
            return self._alert("update", ident, spike, evaluation, test)
        if not significant or evaluation is None:
            return None
        if spike is not None and spike.resolved_at is not None and now - spike.resolved_at < config.cooldown:
            spike.active, spike.resolved_at, spike.last_sustained = True, None, now
            return self._alert("update", ident, spike, evaluation, test)
        spike = _Spike(alert_id(*ident, now), now, now, now, now, 0, "info")
        self._spikes[ident] = spike
        return self._alert("firing", ident, spike, evaluation, test)

    def _alert(
        self,
        status: Literal["firing", "update", "resolved"],
        ident: tuple[str, str],
        spike: _Spike,
        evaluation: Evaluation | None,
        test: WindowPlan,
    ) -> Alert:
        kind, key = ident
        recent = self.store.evidence(kind, key, test.start, test.end, FIRST_SEEN_LOOKBACK)
        evidence = recent[: self.config.evidence]
        observed = evaluation.observed if evaluation else 0
        expected = evaluation.expected if evaluation else 0.0
        q = evaluation.q if evaluation else 1.0
        severity = severity_of(q, observed, expected, self.config) if evaluation else spike.severity
        if status == "firing":
            spike.first_seen = min((e.event_time for e in recent), default=test.start)
        spike.last_seen = max((e.event_time for e in evidence), default=spike.last_seen)
        spike.last_sent, spike.last_observed, spike.severity = test.end, observed, severity
        return Alert(
            alert_id=spike.alert_id,
            status=status,
            kind=kind,
            key=key,
            name=self.store.names(kind, [key]).get(key, key),
            window_start=as_datetime(test.start),
            window_end=as_datetime(test.end),
            observed=observed,
            expected=round(expected, 4),
            ratio=round(observed / expected, 4) if expected > 0 else None,
            p_value=min(max(q, 0.0), 1.0),
            severity=severity,
            first_seen=as_datetime(spike.first_seen),
            last_seen=as_datetime(spike.last_seen),
            article_ids=[e.article_id for e in evidence],
            articles=[_article(e) for e in evidence],
        )

    def active_spikes(self) -> Iterable[tuple[str, str]]:
        return [ident for ident, spike in self._spikes.items() if spike.active]


def _article(item: EvidenceItem) -> AlertArticle:
    return AlertArticle(id=item.article_id, title=item.title)
