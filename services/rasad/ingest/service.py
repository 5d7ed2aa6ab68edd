"""Wiring: settings → Redis client, Kafka producer, seen-set, metrics, ingestor, HTTP app."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import redis
from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from rasad.common.error_policy import DEFAULT_POLICY
from rasad.common.kafka.admin import TopicAdminError, ensure_topics
from rasad.common.kafka.producer import MessageProducer, ProducerOptions
from rasad.common.settings import IngestSettings
from rasad.common.topics import ARTICLES_RAW, DEADLETTER
from rasad.ingest.api import create_app
from rasad.ingest.auth import api_token
from rasad.ingest.metrics import IngestMetrics
from rasad.ingest.pipeline import Ingestor
from rasad.ingest.seen import SeenStore

log = logging.getLogger(__name__)


def prepare_topics(settings: IngestSettings) -> None:
    """Create ``articles.raw`` and ``deadletter`` when missing; a broker that is down now is
    reported by readiness and by publishing, not here."""
    try:
        ensure_topics(settings, topics=(ARTICLES_RAW, DEADLETTER), connect_timeout_s=3.0)
    except TopicAdminError as exc:
        log.warning("topics not checked: %s", exc)


def redis_client(settings: IngestSettings) -> redis.Redis:
    password = settings.redis_password.get_secret_value() if settings.redis_password else None
    return redis.Redis.from_url(
        settings.redis_url, password=password, socket_timeout=5, socket_connect_timeout=5
    )


@contextmanager
def open_ingestor(
    settings: IngestSettings, registry: CollectorRegistry, client_id: str = "rasad-ingest"
) -> Iterator[tuple[Ingestor, IngestMetrics]]:
    """An ingestor with its clients, closed on exit."""
    producer = MessageProducer(
        settings, ProducerOptions(client_id=client_id, send_timeout_s=settings.ingest_publish_timeout_s)
    )
    client = redis_client(settings)
    metrics = IngestMetrics.build(registry)
    seen = SeenStore(client, settings.key_prefix, settings.ingest_seen_ttl_s)
    try:
        yield Ingestor(settings, producer, seen, metrics, DEFAULT_POLICY), metrics
    finally:
        producer.close()
        client.close()


def build_app(
    settings: IngestSettings, ingestor: Ingestor, metrics: IngestMetrics, registry: CollectorRegistry
) -> FastAPI:
    return create_app(
        ingestor,
        metrics,
        registry,
        token=api_token(settings),
        max_body_bytes=settings.ingest_max_body_bytes,
        max_batch_records=settings.ingest_max_batch_records,
    )
