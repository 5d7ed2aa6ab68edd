"""Shared fixtures for integration tests on the real stack (Kafka, Redis).

``stack_env_factory()`` gives a test its own topic prefix (with rasad's topics created under
it, at their partition counts), its own consumer group and its own Redis key prefix; all of
it is deleted afterwards. Endpoints come from ``RASAD_KAFKA_BOOTSTRAP_SERVERS`` and
``RASAD_REDIS_URL``, defaulting to what ``rasad stack up`` starts.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
import redis
from kafka import KafkaConsumer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord

from rasad.common.kafka.admin import delete_topics, ensure_topics
from rasad.common.settings import DEFAULT_KAFKA_PORT, DEFAULT_REDIS_PORT, ServiceSettings
from rasad.common.topics import TOPICS, Topic, topic_name

S = TypeVar("S", bound=ServiceSettings)


@dataclass(frozen=True)
class Endpoints:
    kafka_bootstrap_servers: str
    redis_url: str


@dataclass(frozen=True)
class StackEnv:
    """One test's private corner of the stack."""

    endpoints: Endpoints
    prefix: str
    group_id: str
    key_prefix: str
    topics: tuple[Topic, ...] = field(default=TOPICS)

    def topic(self, topic: Topic) -> str:
        return topic_name(topic, self.prefix)

    def env(self) -> dict[str, str]:
        """RASAD_* variables that point a service (process or in-process settings) here."""
        return {
            "RASAD_KAFKA_BOOTSTRAP_SERVERS": self.endpoints.kafka_bootstrap_servers,
            "RASAD_REDIS_URL": self.endpoints.redis_url,
            "RASAD_TOPIC_PREFIX": self.prefix,
            "RASAD_KEY_PREFIX": self.key_prefix,
        }

    def settings(self, cls: type[S] = ServiceSettings, **overrides: Any) -> S:  # type: ignore[assignment]
        values: dict[str, Any] = {
            "kafka_bootstrap_servers": self.endpoints.kafka_bootstrap_servers,
            "redis_url": self.endpoints.redis_url,
            "topic_prefix": self.prefix,
            "key_prefix": self.key_prefix,
            **overrides,
        }
        return cls(**values)

    def redis(self) -> redis.Redis:
        return redis.Redis.from_url(self.endpoints.redis_url)

    def redis_keys(self, pattern: str = "*") -> list[str]:
        client = self.redis()
        try:
            keys = client.scan_iter(match=f"{self.key_prefix}{pattern}", count=1000)
            return sorted(k.decode() for k in keys)
        finally:
            client.close()

    def read(
        self, topic: Topic, expected: int, timeout_s: float = 30.0, idle_s: float = 1.0
    ) -> list[ConsumerRecord]:
        """Every partition of ``topic`` from the start (assigned, no group): stops once
        ``expected`` records came and a further ``idle_s`` brought none, or at the timeout."""
        name = self.topic(topic)
        consumer = KafkaConsumer(
            **self.settings().kafka_client_options(),
            group_id=None,
            enable_auto_commit=False,
            consumer_timeout_ms=int(idle_s * 1000),
        )
        partitions = consumer.partitions_for_topic(name) or set()
        consumer.assign([TopicPartition(name, p) for p in sorted(partitions)])
        consumer.seek_to_beginning()
        records: list[ConsumerRecord] = []
        deadline = time.monotonic() + timeout_s
        try:
            while time.monotonic() < deadline:
                batch = list(consumer)
                records.extend(batch)
                if len(records) >= expected and not batch:
                    break
        finally:
            consumer.close()
        return records

    def read_json(self, topic: Topic, expected: int, timeout_s: float = 30.0) -> list[dict[str, Any]]:
        return [json.loads(r.value) for r in self.read(topic, expected, timeout_s)]


def free_port() -> int:
    """A loopback port nothing listens on (right now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def unused_port() -> Callable[[], int]:
    """A factory of loopback ports nothing listens on (for servers under test, or as an
    unreachable broker)."""
    return free_port


@pytest.fixture(scope="session")
def stack_endpoints() -> Endpoints:
    return Endpoints(
        kafka_bootstrap_servers=os.environ.get(
            "RASAD_KAFKA_BOOTSTRAP_SERVERS", f"127.0.0.1:{DEFAULT_KAFKA_PORT}"
        ),
        redis_url=os.environ.get("RASAD_REDIS_URL", f"redis://127.0.0.1:{DEFAULT_REDIS_PORT}/0"),
    )


@pytest.fixture
def stack_env_factory(stack_endpoints: Endpoints) -> Iterator[Callable[..., StackEnv]]:
    made: list[StackEnv] = []

    def make(topics: Iterable[Topic] = TOPICS) -> StackEnv:
        run = uuid.uuid4().hex[:10]
        env = StackEnv(
            endpoints=stack_endpoints,
            prefix=f"t{run}.",
            group_id=f"t{run}-group",
            key_prefix=f"t{run}:",
            topics=tuple(topics),
        )
        ensure_topics(env.settings(), env.prefix, env.topics)
        made.append(env)
        return env

    yield make
    for env in made:
        delete_topics(env.settings(), [env.topic(t) for t in env.topics])
        client = env.redis()
        try:
            for key in client.scan_iter(match=f"{env.key_prefix}*", count=1000):
                client.delete(key)
        finally:
            client.close()


@pytest.fixture
def stack_env(stack_env_factory: Callable[..., StackEnv]) -> StackEnv:
    return stack_env_factory()
