"""``--rate N/s``: pace publishing to an average rate (pure, with an injected clock)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from rasad.common.errors import InputError

UNITS = {"s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}
RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:/\s*(s|m|min|h))?\s*$")


def parse_rate(text: str) -> float:
    """``"20"``, ``"20/s"``, ``"300/m"``, ``"1000/h"`` → records per second."""
    match = RATE.match(text)
    if not match or float(match.group(1)) <= 0:
        raise InputError(f"--rate {text!r}: expected a positive number per second, e.g. 20/s or 300/m")
    return float(match.group(1)) / UNITS[match.group(2) or "s"]


@dataclass
class Pacer:
    rate: float | None
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    next_at: float | None = field(default=None)

    def chunk_size(self, largest: int) -> int:
        """Records per publish call: a quarter second's worth when paced."""
        return largest if self.rate is None else max(1, min(largest, int(self.rate / 4)))

    def wait(self, records: int) -> None:
        """Sleep as needed so that records go out no faster than the rate on average."""
        if self.rate is None:
            return
        now = self.clock()
        start = now if self.next_at is None else max(self.next_at, now)
        if start > now:
            self.sleep(start - now)
        self.next_at = start + records / self.rate
