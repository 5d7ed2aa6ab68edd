"""``python -m rasad.processor``: run one faust worker of the processor."""

from __future__ import annotations

import asyncio
import logging

import faust
import redis
from prometheus_client import CollectorRegistry

from rasad.alerting.watchlist import WatchlistFile
from rasad.common.kafka.admin import ensure_topics
from rasad.common.settings import ProcessorSettings
from rasad.counting.redis_store import RedisCountStore
from rasad.processor.app import Processor, create_app
from rasad.processor.extraction import extractor
from rasad.processor.metrics import ProcessorMetrics
from rasad.processor.stories import StoryStore


def build(settings: ProcessorSettings, registry: CollectorRegistry) -> faust.App:
    password = settings.redis_password.get_secret_value() if settings.redis_password else None
    client = redis.Redis.from_url(settings.redis_url, password=password, socket_timeout=5)
    processor = Processor(
        settings=settings,
        extractor=extractor,
        stories=StoryStore(client, settings.key_prefix),
        counts=RedisCountStore(client, settings.key_prefix),
        vocabulary=WatchlistFile(settings.processor_watchlist) if settings.processor_watchlist else None,
        metrics=ProcessorMetrics(registry),
    )
    return create_app(processor, registry)


def use_event_loop(name: str) -> None:
    """uvloop's event loop for the worker: faust and aiokafka schedule a task or callback per
    record, which uvloop runs for less CPU than asyncio's own loop."""
    if name == "uvloop":
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


def main() -> None:
    settings = ProcessorSettings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    use_event_loop(settings.processor_event_loop)
    ensure_topics(settings, settings.topic_prefix)
    app = build(settings, CollectorRegistry())
    faust.Worker(app, loglevel=settings.log_level, override_logging=False).execute_from_commandline()


if __name__ == "__main__":
    main()
