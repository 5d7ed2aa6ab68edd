"""The rasad services as stack components: ingest, processor and alerting run as plain
processes pointed at the local Kafka and Redis, ready when ``/healthz`` answers 200."""

from __future__ import annotations

import sys
from collections.abc import Callable

import httpx

from rasad.stack.settings import StackSettings


def environment(settings: StackSettings) -> dict[str, str]:
    """The RASAD_* variables that point a service at this stack."""
    env = {
        "RASAD_KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap,
        "RASAD_REDIS_URL": settings.redis_url,
        "RASAD_INGEST_PORT": str(settings.ingest_port),
        "RASAD_PROCESSOR_PORT": str(settings.processor_port),
        "RASAD_ALERTING_PORT": str(settings.alerting_port),
    }
    if settings.watchlist.is_file():
        env["RASAD_PROCESSOR_WATCHLIST"] = env["RASAD_ALERTING_WATCHLIST"] = str(settings.watchlist)
    return env


def argv(module: str) -> Callable[[StackSettings], list[str]]:
    return lambda _settings: [sys.executable, "-m", module]


def port_of(name: str, settings: StackSettings) -> int:
    return int(getattr(settings, f"{name}_port"))


def address(name: str) -> Callable[[StackSettings], str]:
    return lambda settings: f"http://{settings.host}:{port_of(name, settings)}"


def ready(name: str) -> Callable[[StackSettings], str | None]:
    def probe(settings: StackSettings) -> str | None:
        try:
            response = httpx.get(f"{address(name)(settings)}/healthz", timeout=2)
        except httpx.HTTPError:
            return None
        return "healthy" if response.status_code == 200 else None

    return probe
