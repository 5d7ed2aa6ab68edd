"""Processor workers as real processes on the test's own topics and Redis prefix."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from kafka import KafkaProducer

from rasad.common.messages import RawArticle
from rasad.common.topics import ARTICLES_RAW

from ..conftest import ServiceProcess, StackEnv, StartService

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


Worker = ServiceProcess


@pytest.fixture
def start_worker(stack_env: StackEnv, start_service: StartService) -> Callable[[], Worker]:
    """Start processor workers in the test's consumer group (with the region's watchlist);
    stopped after the test."""

    def start() -> Worker:
        return start_service(
            "processor",
            RASAD_PROCESSOR_APP_ID=stack_env.group_id,
            RASAD_PROCESSOR_WATCHLIST=str(WATCHLIST),
            RASAD_LOG_LEVEL="WARNING",
        )

    return start


@pytest.fixture
def ingest_service(start_service: StartService) -> Worker:
    """The ingest HTTP API as a process on the test's topics (local mode: no token)."""
    return start_service("ingest", RASAD_LOG_LEVEL="WARNING")


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
