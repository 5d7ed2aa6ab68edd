"""Watchers that timestamp each article as it leaves the pipeline: enriched (the record's
timestamp on ``articles.enriched``), counted (its mark appears in Redis) and alerts."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

import redis
from kafka import KafkaConsumer, TopicPartition

from rasad.common.settings import ServiceSettings
from rasad.common.topics import ALERTS, ARTICLES_ENRICHED, Topic, topic_name
from rasad.counting.keys import KeyLayout

#: Pending articles whose count marks are polled each tick, oldest first.
POLLED = 1000


@dataclass
class Timeline:
    """Per article id: ingested_at, enriched and counted times (epoch seconds)."""

    ingested: dict[str, float] = field(default_factory=dict)
    enriched: dict[str, float] = field(default_factory=dict)
    counted: dict[str, float] = field(default_factory=dict)
    alerts: list[tuple[float, str, str]] = field(default_factory=list)  # emitted, key, status
    lock: threading.Lock = field(default_factory=threading.Lock)


def _consumer(settings: ServiceSettings, topic: Topic, prefix: str) -> KafkaConsumer:
    name = topic_name(topic, prefix)
    consumer = KafkaConsumer(**settings.kafka_client_options(), group_id=None, enable_auto_commit=False)
    consumer.assign([TopicPartition(name, p) for p in range(topic.partitions)])
    consumer.seek_to_beginning()
    return consumer


class Watchers:
    """Three threads filling a :class:`Timeline` until ``stop()``."""

    def __init__(self, settings: ServiceSettings, prefix: str, key_prefix: str, client: redis.Redis) -> None:
        self.timeline = Timeline()
        self._settings, self._prefix = settings, prefix
        self._layout = KeyLayout(key_prefix)
        self._redis = client
        self._stop = threading.Event()
        self._pending: dict[str, None] = {}  # insertion-ordered
        self._threads = [
            threading.Thread(target=self._enriched, daemon=True),
            threading.Thread(target=self._counted, daemon=True),
            threading.Thread(target=self._alerts, daemon=True),
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)

    def _enriched(self) -> None:
        consumer = _consumer(self._settings, ARTICLES_ENRICHED, self._prefix)
        try:
            while not self._stop.is_set():
                for records in consumer.poll(timeout_ms=200, max_records=2000).values():
                    for record in records:
                        data = json.loads(record.value)
                        ingested = datetime.fromisoformat(data["ingested_at"]).timestamp()
                        with self.timeline.lock:
                            self.timeline.ingested.setdefault(data["id"], ingested)
                            self.timeline.enriched.setdefault(data["id"], record.timestamp / 1000.0)
                            self._pending.setdefault(data["id"], None)
        finally:
            consumer.close()

    def _counted(self) -> None:
        """Poll the article marks of the oldest ``POLLED`` enriched, not yet counted articles
        every 20 ms. Polling every pending article would flood the Redis under test at high
        load; workers count each partition in order, so an article beyond the oldest ones is
        rarely counted first, and if it is its count time is taken late (an overestimate)."""
        while not self._stop.is_set():
            with self.timeline.lock:
                pending = list(islice(self._pending, POLLED))
            if pending:
                pipe = self._redis.pipeline(transaction=False)
                for article_id in pending:
                    pipe.exists(self._layout.article_marks(article_id))
                found = pipe.execute()
                now = time.time()
                with self.timeline.lock:
                    for article_id, present in zip(pending, found, strict=True):
                        if present:
                            self.timeline.counted.setdefault(article_id, now)
                            self._pending.pop(article_id, None)
            time.sleep(0.02)

    def _alerts(self) -> None:
        consumer = _consumer(self._settings, ALERTS, self._prefix)
        try:
            while not self._stop.is_set():
                for records in consumer.poll(timeout_ms=200).values():
                    for record in records:
                        data = json.loads(record.value)
                        emitted = record.timestamp / 1000.0  # the alerting service's send time
                        with self.timeline.lock:
                            self.timeline.alerts.append((emitted, data["key"], data["status"]))
        finally:
            consumer.close()
