from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from rasad.common.messages import Alert, AlertArticle

WINDOW_END = datetime(2024, 5, 6, 12, 0, tzinfo=UTC)


@pytest.fixture
def make_alert() -> Callable[..., Alert]:
    """An Alert with plausible defaults; keyword arguments override fields."""

    def make(**fields: Any) -> Alert:
        values: dict[str, Any] = {
            "alert_id": "0123456789abcdef",
            "kind": "weapon",
            "key": "s-400",
            "name": "S-400",
            "window_start": WINDOW_END - timedelta(hours=1),
            "window_end": WINDOW_END,
            "observed": 14,
            "expected": 0.5,
            "ratio": 28.0,
            "p_value": 1e-9,
            "severity": "critical",
            "first_seen": WINDOW_END - timedelta(minutes=40),
            "last_seen": WINDOW_END - timedelta(minutes=2),
            "article_ids": ["a1", "a2"],
            "articles": [AlertArticle(id="a1", title="First"), AlertArticle(id="a2", title=None)],
            **fields,
        }
        return Alert(**values)

    return make
