"""Processor workers as real processes on the test's own topics and Redis prefix."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from kafka import KafkaProducer

from rasad.common.messages import RawArticle
from rasad.common.topics import ARTICLES_RAW

from ..conftest import StackEnv, free_port

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT / "tests" / "data" / "articles" / "seed.jsonl"
WATCHLIST = ROOT / "deploy" / "watchlists" / "levant-iraq.yaml"


def produce(env: StackEnv, articles: list[RawArticle], raw_records: tuple[bytes, ...] = ()) -> None:
    producer = KafkaProducer(**env.settings().kafka_client_options(), acks="all", linger_ms=5)
    for article in articles:
        producer.send(
            env.topic(ARTICLES_RAW), key=article.id.encode(), value=article.model_dump_json().encode()
        )
    for record in raw_records:
        producer.send(env.topic(ARTICLES_RAW), value=record)
    producer.flush(timeout=60)
    producer.close()


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def healthz(self) -> httpx.Response:
        return httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2)

    def metrics(self) -> str:
        return httpx.get(f"http://127.0.0.1:{self.port}/metrics", timeout=5).text

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def _start(module: str, port_variable: str, env: dict[str, str], log: Path) -> Worker:
    port = free_port()
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", module],
            env={**env, port_variable: str(port)},
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=log.parent,  # faust keeps its data folder in the working directory
        )
    worker = Worker(process, port, log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{module} exited: {log.read_text(errors='replace')[-3000:]}")
        try:
            if worker.healthz().status_code == 200:
                return worker
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    worker.stop()
    raise AssertionError(f"{module} not healthy in 90 s: {log.read_text(errors='replace')[-3000:]}")


@pytest.fixture
def start_worker(stack_env: StackEnv, tmp_path: Path) -> Iterator[Callable[[], Worker]]:
    """Start processor workers in the test's consumer group; stopped after the test."""
    workers: list[Worker] = []
    env = {
        **os.environ,
        **stack_env.env(),
        "RASAD_PROCESSOR_APP_ID": stack_env.group_id,
        "RASAD_PROCESSOR_WATCHLIST": str(WATCHLIST),
        "RASAD_LOG_LEVEL": "WARNING",
    }

    def start() -> Worker:
        log = tmp_path / f"worker-{len(workers)}.log"
        workers.append(_start("rasad.processor", "RASAD_PROCESSOR_PORT", env, log))
        return workers[-1]

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def ingest_service(stack_env: StackEnv, tmp_path: Path) -> Iterator[Worker]:
    """The ingest HTTP API as a process on the test's topics (local mode: no token)."""
    env = {**os.environ, **stack_env.env(), "RASAD_LOG_LEVEL": "WARNING"}
    service = _start("rasad.ingest", "RASAD_INGEST_PORT", env, tmp_path / "ingest.log")
    yield service
    service.stop()


def sample_articles(now: datetime | None = None) -> list[RawArticle]:
    """The five real sample articles, ingested minutes ago (inside the kept minute buckets)."""
    now = now or datetime.now(UTC)
    articles = []
    for i, line in enumerate(SAMPLES.read_text(encoding="utf-8").splitlines()):
        data = json.loads(line)
        articles.append(
            RawArticle(
                id=data["id"],
                text=data["text"],
                title=data["title"],
                source=f"source-{i % 3}",
                lang=data["lang"],
                ingested_at=now - timedelta(minutes=5 - i),
            )
        )
    return articles
