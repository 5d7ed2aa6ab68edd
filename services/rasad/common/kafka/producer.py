"""One kafka-python producer setup for every service.

Records are pydantic messages serialized as JSON (UTF-8), keyed by the article, mention or
event id so that every record of one key lands on one partition in order. The producer waits
for all in-sync replicas (``acks=all``), is idempotent (retries never duplicate a record) and
compresses batches. A record the broker did not acknowledge raises :class:`PublishError`:
callers report it (HTTP 503, CLI exit status), nothing is dropped silently.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from kafka import KafkaProducer
from kafka.errors import KafkaError
from kafka.serializer import Serializer
from pydantic import BaseModel

from rasad.common.errors import RasadError
from rasad.common.settings import ServiceSettings

Compression = Literal["gzip", "lz4", "zstd", "snappy"]


class PublishError(RasadError):
    """The broker did not acknowledge a record (unreachable, timed out, refused)."""


@dataclass(frozen=True)
class OutgoingRecord:
    topic: str
    key: str | None
    value: BaseModel


@dataclass(frozen=True)
class Delivery:
    topic: str
    partition: int
    offset: int


@dataclass(frozen=True)
class ProducerOptions:
    client_id: str
    compression: Compression = "gzip"
    linger_ms: int = 5
    connect_timeout_s: float = 5.0
    send_timeout_s: float = 15.0
    #: The largest record before compression: a RawArticle at MAX_TEXT_CHARS of 4-byte
    #: characters; the broker's message.max.bytes (8 MiB) bounds the compressed batch.
    max_request_bytes: int = 4 * 1024 * 1024

    def kafka_options(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "acks": "all",
            "enable_idempotence": True,
            "compression_type": self.compression,
            "max_request_size": self.max_request_bytes,
            "linger_ms": self.linger_ms,
            "bootstrap_timeout_ms": int(self.connect_timeout_s * 1000),
            "max_block_ms": int(self.send_timeout_s * 1000),
            "request_timeout_ms": int(self.send_timeout_s * 1000),
            "delivery_timeout_ms": int(self.send_timeout_s * 1000) + self.linger_ms + 1000,
        }


def serialize_value(message: BaseModel) -> bytes:
    return message.model_dump_json().encode("utf-8")


def serialize_key(key: str | None) -> bytes | None:
    return None if key is None else key.encode("utf-8")


class MessageSerializer(Serializer):
    """A pydantic message → its JSON, UTF-8."""

    def serialize(self, topic: str, headers: Any, data: BaseModel) -> bytes:
        return serialize_value(data)


class KeySerializer(Serializer):
    def serialize(self, topic: str, headers: Any, data: str | None) -> bytes | None:
        return serialize_key(data)


ProducerFactory = Callable[..., KafkaProducer]


def accepts_connections(server: str, timeout_s: float = 1.0) -> bool:
    host, _, port = server.strip().rpartition(":")
    try:
        with socket.create_connection((host.strip("[]") or "localhost", int(port)), timeout=timeout_s):
            return True
    except (OSError, ValueError):
        return False


class MessageProducer:
    """Publishes pydantic messages and waits for the broker's acknowledgement.

    The underlying client connects on first use, so a service starts (and reports itself not
    ready) while the broker is down, and reconnects once it is back.
    """

    def __init__(
        self,
        settings: ServiceSettings,
        options: ProducerOptions,
        factory: ProducerFactory = KafkaProducer,
    ) -> None:
        self._settings = settings
        self._options = options
        self._factory = factory
        self._client: KafkaProducer | None = None
        self._lock = threading.Lock()

    def _producer(self) -> KafkaProducer:
        with self._lock:
            if self._client is None:
                try:
                    self._client = self._factory(
                        **self._settings.kafka_client_options(),
                        **self._options.kafka_options(),
                        key_serializer=KeySerializer(),
                        value_serializer=MessageSerializer(),
                    )
                except KafkaError as exc:
                    raise PublishError(
                        f"Kafka at {self._settings.kafka_bootstrap_servers} is unreachable: {exc}"
                    ) from exc
            return self._client

    def publish(self, topic: str, key: str | None, value: BaseModel) -> Delivery:
        """Send one record and wait until the broker has it."""
        return self.publish_many([OutgoingRecord(topic, key, value)])[0]

    def publish_many(self, records: Sequence[OutgoingRecord]) -> list[Delivery]:
        """Send records in one go, then wait for every acknowledgement (in order)."""
        if not records:
            return []
        producer = self._producer()
        try:
            futures = [producer.send(r.topic, key=r.key, value=r.value) for r in records]
            wait_s = self._options.send_timeout_s + 2.0
            producer.flush(timeout=wait_s)
            metadata = [f.get(timeout=wait_s) for f in futures]
        except KafkaError as exc:
            raise PublishError(
                f"Kafka at {self._settings.kafka_bootstrap_servers} did not acknowledge "
                f"{len(records)} record(s): {type(exc).__name__}: {exc}"
            ) from exc
        return [Delivery(m.topic, m.partition, m.offset) for m in metadata]

    def connected(self) -> bool:
        """True when the client could connect (once) and a bootstrap broker accepts connections."""
        try:
            self._producer()
        except PublishError:
            return False
        return any(
            accepts_connections(server) for server in self._settings.kafka_bootstrap_servers.split(",")
        )

    def close(self, timeout_s: float = 5.0) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close(timeout=timeout_s)
                self._client = None
