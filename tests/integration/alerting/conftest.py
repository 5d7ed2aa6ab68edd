"""The alerting service (and, for the dashboards, ingest and the processor) as real processes
on the test's own topics and Redis prefix, plus webhook receivers on loopback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from rasad.counting.facts import ArticleFacts
from rasad.counting.redis_store import RedisCountStore

from ..conftest import StackEnv, free_port

WATCHLIST = """
version: 1
description: integration test watchlist
entities: [{id: Q159, name: Russia}]
weapons: [{id: s-400, name: S-400}]
detector: {cycle: 1m}
"""


@dataclass
class ServiceProcess:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def metrics(self) -> str:
        return httpx.get(f"{self.url}/metrics", timeout=5).text

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


StartService = Callable[..., ServiceProcess]


@pytest.fixture
def start_service(stack_env: StackEnv, tmp_path: Path) -> Iterator[StartService]:
    """``start_service("alerting", RASAD_X="...")`` runs ``python -m rasad.<name>`` on a free
    port and waits for ``/healthz``; every process is stopped after the test."""
    started: list[ServiceProcess] = []

    def start(name: str, wait: bool = True, **variables: str) -> ServiceProcess:
        port = free_port()
        env = {
            **os.environ,
            **stack_env.env(),
            f"RASAD_{name.upper()}_PORT": str(port),
            "RASAD_LOG_LEVEL": "INFO",
            **variables,
        }
        if name == "processor":
            env.setdefault("RASAD_PROCESSOR_APP_ID", stack_env.group_id)
        log = tmp_path / f"{name}-{len(started)}.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", f"rasad.{name}"], env=env, stdout=out, stderr=subprocess.STDOUT
            )
        service = ServiceProcess(name, process, port, log)
        started.append(service)
        if wait:
            wait_healthy(service)
        return service

    yield start
    for service in reversed(started):
        service.stop()


def wait_healthy(service: ServiceProcess, timeout_s: float = 90.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert service.process.poll() is None, f"{service.name} exited: {service.output()}"
        try:
            if httpx.get(f"{service.url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{service.name} not healthy in {timeout_s:.0f} s: {service.output()}")


def wait_for(what: str, probe: Callable[[], Any], timeout_s: float = 30.0, every_s: float = 0.3) -> Any:
    """``probe()``'s first truthy result; fails naming ``what`` after the timeout."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = probe()
        if result:
            return result
        time.sleep(every_s)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")


def record_counts(env: StackEnv, articles: list[ArticleFacts]) -> int:
    store = RedisCountStore.from_url(env.endpoints.redis_url, env.key_prefix)
    return sum(store.record(article) for article in articles)


@pytest.fixture
def watchlist_file(tmp_path: Path) -> Path:
    path = tmp_path / "watch.yaml"
    path.write_text(WATCHLIST, encoding="utf-8")
    return path


# -- webhook receivers -------------------------------------------------------------------


@dataclass
class Receiver:
    """An HTTP server on loopback that answers POSTs with scripted status codes (then 200)."""

    statuses: list[int]
    requests: list[tuple[str, int, Any]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, path: str, body: bytes) -> int:
        with self.lock:
            status = self.statuses.pop(0) if self.statuses else 200
            self.requests.append((path, status, json.loads(body)))
        return status

    def bodies(self, status: int | None = None) -> list[Any]:
        with self.lock:
            return [b for _, s, b in self.requests if status is None or s == status]


@pytest.fixture
def receiver_factory() -> Iterator[Callable[..., Receiver]]:
    made: list[Receiver] = []

    def make(*statuses: int) -> Receiver:
        receiver = Receiver(list(statuses))

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                status = receiver.answer(self.path, body)
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *_: Any) -> None:
                pass

        receiver.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=receiver.server.serve_forever, daemon=True).start()
        made.append(receiver)
        return receiver

    yield make
    for receiver in made:
        assert receiver.server is not None
        receiver.server.shutdown()
        receiver.server.server_close()
