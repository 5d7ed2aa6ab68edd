"""Fixtures for bad-input tests: the services as real processes on the test's own corner of
the stack (reused from the alerting and processor fixtures)."""

from __future__ import annotations

from ...unit.alerting_service.conftest import make_alert
from ..alerting.conftest import receiver_factory, start_service, watchlist_file
from ..processor.conftest import start_worker

__all__ = ["make_alert", "receiver_factory", "start_service", "start_worker", "watchlist_file"]
