"""The transport's own ceiling: kafka-python producing and consuming the same records, with no
processing in between, on a topic of the raw topic's partition count."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from rasad.common.kafka.admin import delete_topics, ensure_topics
from rasad.common.settings import ServiceSettings
from rasad.common.topics import ARTICLES_RAW, topic_name


@dataclass(frozen=True)
class Ceiling:
    records: int
    bytes_per_record: float
    produce_per_s: float
    end_to_end_per_s: float


def measure_ceiling(settings: ServiceSettings, prefix: str, values: list[bytes]) -> Ceiling:
    """Produce ``values`` (acks=all) while one consumer reads them back, on a copy of the raw
    topic under ``prefix``; records per second from the first send to the last record read."""
    ensure_topics(settings, prefix, (ARTICLES_RAW,))
    topic, partitions = topic_name(ARTICLES_RAW, prefix), ARTICLES_RAW.partitions
    consumer = KafkaConsumer(**settings.kafka_client_options(), group_id=None, enable_auto_commit=False)
    consumer.assign([TopicPartition(topic, p) for p in range(partitions)])
    consumer.seek_to_beginning()
    done = threading.Event()
    read: dict[str, float] = {"n": 0, "last": 0.0}

    def consume() -> None:
        while read["n"] < len(values) and not done.is_set():
            for records in consumer.poll(timeout_ms=200, max_records=5000).values():
                read["n"] += len(records)
            read["last"] = time.perf_counter()

    reader = threading.Thread(target=consume, daemon=True)
    reader.start()
    producer = KafkaProducer(**settings.kafka_client_options(), acks="all", linger_ms=5)
    started = time.perf_counter()
    for n, value in enumerate(values):
        producer.send(topic, key=str(n).encode(), value=value)
    producer.flush(timeout=120)
    produced = time.perf_counter()
    reader.join(timeout=120)
    done.set()
    producer.close()
    consumer.close()
    delete_topics(settings, [topic])
    return Ceiling(
        records=int(read["n"]),
        bytes_per_record=sum(map(len, values)) / len(values),
        produce_per_s=len(values) / (produced - started),
        end_to_end_per_s=read["n"] / (read["last"] - started),
    )
