"""The alerting service (and, for the dashboards, ingest and the processor) as real processes
on the test's own topics and Redis prefix, plus webhook receivers on loopback."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from rasad.counting.facts import ArticleFacts
from rasad.counting.redis_store import RedisCountStore

from ..conftest import (
    ServiceProcess,
    StackEnv,
    StartService,
    free_port,
    start_service,
    wait_for,
    wait_healthy,
)

__all__ = ["ServiceProcess", "StartService", "free_port", "start_service", "wait_for", "wait_healthy"]

WATCHLIST = """
version: 1
description: integration test watchlist
entities: [{id: Q159, name: Russia}]
weapons: [{id: s-400, name: S-400}]
detector: {cycle: 1m}
"""


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
