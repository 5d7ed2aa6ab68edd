"""The services under test as processes (``python -m rasad.<name>``) on free loopback ports."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from rasad.common.errors import RasadError


class ServiceFailed(RasadError):
    """A service under benchmark did not start."""


@dataclass
class Service:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(
    name: str, env: dict[str, str], log_dir: Path, timeout_s: float = 90.0, label: str | None = None
) -> Service:
    """Start one service and wait for its ``/healthz``; ``label`` names its log and its own
    working folder (several workers of one service)."""
    port = free_port()
    label = label or name
    log = log_dir / f"{label}.log"
    folder = log_dir / label
    folder.mkdir(exist_ok=True)
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", f"rasad.{name}"],
            env={**os.environ, **env, f"RASAD_{name.upper()}_PORT": str(port)},
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=folder,  # faust keeps its data folder in the working directory
        )
    service = Service(label, process, port, log)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServiceFailed(f"{name} exited; see {log}")
        try:
            if httpx.get(f"{service.url}/healthz", timeout=2).status_code == 200:
                return service
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    service.stop()
    raise ServiceFailed(f"{name} not healthy in {timeout_s:.0f} s; see {log}")
