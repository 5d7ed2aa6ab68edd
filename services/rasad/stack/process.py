"""Start, track and stop the stack's processes.

Each started process is recorded in ``<state>/pids/<name>.json`` with its pid and its start
time as the kernel reports it (``/proc/<pid>/stat``). ``stop`` signals a pid only while that
start time still matches, so a reused pid or a process someone else started is never
touched. (The command line cannot serve: redis-server rewrites its own.)
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Managed:
    name: str
    pid: int
    argv: list[str]
    log: str
    start_ticks: int


def _record_path(state_dir: Path, name: str) -> Path:
    return state_dir / "pids" / f"{name}.json"


def start(
    state_dir: Path, name: str, argv: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> Managed:
    """Start ``argv`` in its own session, output to ``<state>/logs/<name>.log``."""
    (state_dir / "pids").mkdir(parents=True, exist_ok=True)
    (state_dir / "logs").mkdir(parents=True, exist_ok=True)
    log_path = state_dir / "logs" / f"{name}.log"
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, **(env or {})},
            cwd=cwd,
        )
    managed = Managed(
        name=name, pid=proc.pid, argv=argv, log=str(log_path), start_ticks=_start_ticks(proc.pid) or -1
    )
    _record_path(state_dir, name).write_text(json.dumps(asdict(managed)), encoding="utf-8")
    return managed


def recorded(state_dir: Path, name: str) -> Managed | None:
    path = _record_path(state_dir, name)
    if not path.is_file():
        return None
    return Managed(**json.loads(path.read_text(encoding="utf-8")))


def _stat_fields(pid: int) -> list[str] | None:
    """Fields of ``/proc/<pid>/stat`` after the command name (state is the first)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()
    except OSError:
        return None


def _start_ticks(pid: int) -> int | None:
    fields = _stat_fields(pid)
    return int(fields[19]) if fields else None


def is_ours(managed: Managed) -> bool:
    """True while the recorded pid is the process rasad started (alive, not a zombie)."""
    fields = _stat_fields(managed.pid)
    return fields is not None and fields[0] != "Z" and int(fields[19]) == managed.start_ticks


def running(state_dir: Path, name: str) -> Managed | None:
    managed = recorded(state_dir, name)
    return managed if managed is not None and is_ours(managed) else None


def stop(state_dir: Path, name: str, timeout: float = 20.0) -> str:
    """Stop the process the stack started under ``name``; report what was done."""
    managed = recorded(state_dir, name)
    if managed is None:
        return "not started by rasad"
    path = _record_path(state_dir, name)
    if not is_ours(managed):
        path.unlink(missing_ok=True)
        return f"pid {managed.pid} already gone"
    os.kill(managed.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and is_ours(managed):
        _reap(managed.pid)
        time.sleep(0.1)
    outcome = f"stopped pid {managed.pid}"
    if is_ours(managed):
        os.kill(managed.pid, signal.SIGKILL)
        outcome = f"killed pid {managed.pid} after {timeout:.0f}s"
    _reap(managed.pid)
    path.unlink(missing_ok=True)
    return outcome


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def tail(path: str, lines: int = 15) -> str:
    try:
        return "\n".join(Path(path).read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
