"""The stack stops only what it started, identified by pid and kernel start time."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import time
from pathlib import Path

from rasad.stack import process

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def test_start_records_and_stop_ends_the_process(tmp_path: Path) -> None:
    managed = process.start(tmp_path, "sleeper", SLEEPER)
    assert process.running(tmp_path, "sleeper") == managed
    assert "stopped" in process.stop(tmp_path, "sleeper")
    assert not process.is_ours(managed)
    assert process.recorded(tmp_path, "sleeper") is None


def test_a_process_rasad_did_not_start_is_never_signalled(tmp_path: Path) -> None:
    stranger = subprocess.Popen(SLEEPER)
    time.sleep(0.05)  # start times are kept in clock ticks (10 ms)
    try:
        mine = process.start(tmp_path, "sleeper", SLEEPER)
        process.stop(tmp_path, "sleeper")
        # A stale record whose pid now belongs to someone else (different start time).
        forged = dataclasses.replace(mine, pid=stranger.pid)
        (tmp_path / "pids" / "sleeper.json").write_text(json.dumps(dataclasses.asdict(forged)))
        assert process.stop(tmp_path, "sleeper") == f"pid {stranger.pid} already gone"
        assert stranger.poll() is None
    finally:
        stranger.kill()
        stranger.wait()


def test_stop_without_record_says_so(tmp_path: Path) -> None:
    assert process.stop(tmp_path, "kafka") == "not started by rasad"
