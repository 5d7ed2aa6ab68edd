"""Shared fixtures for integration tests on the real stack (Kafka, Redis).

``stack_env_factory()`` gives a test its own topic prefix (with rasad's topics created under
it, at their partition counts), its own consumer group and its own Redis key prefix; all of
it is deleted afterwards. Endpoints come from ``RASAD_KAFKA_BOOTSTRAP_SERVERS`` and
``RASAD_REDIS_URL``, defaulting to what ``rasad stack up`` starts.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
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

    def healthz(self) -> httpx.Response:
        return httpx.get(f"{self.url}/healthz", timeout=2)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

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
                [sys.executable, "-m", f"rasad.{name}"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=tmp_path,  # faust keeps its data folder in the working directory
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
