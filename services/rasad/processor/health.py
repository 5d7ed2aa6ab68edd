"""Liveness: a worker whose lag grows while it processes nothing is stuck.

faust consumers can stall after a rebalance without crashing; the health endpoint turns
unhealthy so that the orchestrator restarts the worker.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Liveness:
    stall_seconds: float = 60.0
    _last_progress: float = field(default=0.0)
    _lag_at_progress: int = field(default=0)

    def progressed(self, now: float, lag: int) -> None:
        self._last_progress = now
        self._lag_at_progress = lag

    def start(self, now: float) -> None:
        self._last_progress = now

    def healthy(self, now: float, lag: int) -> tuple[bool, str]:
        idle = now - self._last_progress
        if lag > 0 and lag >= self._lag_at_progress and idle > self.stall_seconds:
            return False, f"stalled: lag {lag} and nothing processed for {idle:.0f}s"
        return True, f"ok: lag {lag}, last progress {idle:.0f}s ago"
