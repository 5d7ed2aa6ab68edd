"""A private Redis or Kafka broker per fault test, started with the stack's own modules on
free ports and under the test's temporary folder, so that stopping and restarting it never
disturbs the shared stack other tests use."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from rasad.stack import kafka_broker, process, redis_server
from rasad.stack.settings import StackSettings

from ..alerting.conftest import start_service
from ..conftest import free_port
from ..processor.conftest import start_worker

__all__ = ["start_service", "start_worker"]


@dataclass
class PrivateServer:
    """One stack process (``redis`` or ``kafka``) the test owns: ``restart()`` stops it
    gracefully and starts it again on the same port and data."""

    name: str
    settings: StackSettings
    argv: list[str]
    ready: Callable[[StackSettings], str | None]

    def start(self, timeout_s: float = 90.0) -> None:
        process.start(self.settings.state_dir, self.name, self.argv)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if process.running(self.settings.state_dir, self.name) is None:
                raise AssertionError(f"private {self.name} exited: {self.log_tail()}")
            if self.ready(self.settings) is not None:
                return
            time.sleep(0.3)
        raise AssertionError(f"private {self.name} not ready in {timeout_s:.0f} s: {self.log_tail()}")

    def stop(self) -> str:
        return process.stop(self.settings.state_dir, self.name)

    def restart(self, down_s: float = 0.0) -> None:
        self.stop()
        time.sleep(down_s)
        self.start()

    def log_tail(self) -> str:
        return process.tail(str(self.settings.state_dir / "logs" / f"{self.name}.log"), 30)


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateServer]:
    settings = StackSettings(state_dir=tmp_path / "private-stack", redis_port=free_port())
    server = PrivateServer("redis", settings, redis_server.prepare(settings), redis_server.ready)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def private_kafka(tmp_path: Path) -> Iterator[PrivateServer]:
    port = free_port()
    controller = free_port()
    while controller == port:
        controller = free_port()
    settings = StackSettings(
        state_dir=tmp_path / "private-stack",
        kafka_port=port,
        kafka_controller_port=controller,
        kafka_heap="384m",
    )
    server = PrivateServer("kafka", settings, kafka_broker.prepare(settings), kafka_broker.ready)
    server.start()
    yield server
    server.stop()


def counted_articles(redis_url: str, key_prefix: str) -> int | None:
    """Articles counted in the last day, or None while Redis does not answer."""
    import redis

    from rasad.counting.buckets import plan_named
    from rasad.counting.redis_store import RedisCountStore

    client = redis.Redis.from_url(
        redis_url, decode_responses=True, socket_timeout=2, socket_connect_timeout=2
    )
    try:
        now = time.time()
        return RedisCountStore(client, key_prefix).totals(plan_named("24h", now + 120, now)).articles
    except (redis.RedisError, OSError):
        return None
    finally:
        client.close()


def wait_counted(redis_url: str, key_prefix: str, at_least: int, timeout_s: float) -> int:
    """Poll the counted articles until ``at_least`` (Redis may be down meanwhile)."""
    deadline = time.monotonic() + timeout_s
    counted = 0
    while time.monotonic() < deadline:
        counted = counted_articles(redis_url, key_prefix) or counted
        if counted >= at_least:
            break
        time.sleep(0.3)
    return counted


def metric_sum(text: str, name: str, **labels: str) -> float:
    """The sum of a metric's samples whose labels include ``labels`` (Prometheus text)."""
    total = 0.0
    wanted = [f'{k}="{v}"' for k, v in labels.items()]
    for line in text.splitlines():
        named = line.startswith(name) and line[len(name) : len(name) + 1] in ("{", " ")
        if named and all(w in line for w in wanted):
            total += float(line.rsplit(" ", 1)[1])
    return total
