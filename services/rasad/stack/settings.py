"""Settings of ``rasad stack`` (environment prefix ``RASAD_STACK_``)."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

from rasad.common import settings as service_defaults


class StackSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RASAD_STACK_", frozen=True, extra="ignore")

    state_dir: Path = Path(".rasad")
    cache_dir: Path = Path.home() / ".cache" / "rasad"
    host: str = "127.0.0.1"
    kafka_version: str = "3.9.1"
    kafka_port: int = service_defaults.DEFAULT_KAFKA_PORT
    kafka_controller_port: int = service_defaults.DEFAULT_KAFKA_CONTROLLER_PORT
    kafka_heap: str = "512m"
    redis_port: int = service_defaults.DEFAULT_REDIS_PORT
    prometheus_port: int = service_defaults.DEFAULT_PROMETHEUS_PORT
    ingest_port: int = service_defaults.DEFAULT_INGEST_PORT
    alerting_port: int = service_defaults.DEFAULT_ALERTING_PORT
    processor_port: int = service_defaults.DEFAULT_PROCESSOR_PORT
    ready_timeout_seconds: float = 90.0
    #: The watchlist the local services use; the demonstration's by default.
    watchlist: Path = Path(__file__).resolve().parents[3] / "deploy" / "watchlists" / "local-demo.yaml"

    @property
    def kafka_lib_dir(self) -> Path:
        return self.cache_dir / f"kafka-{self.kafka_version}" / "lib"

    @property
    def kafka_bootstrap(self) -> str:
        return f"{self.host}:{self.kafka_port}"

    @property
    def redis_url(self) -> str:
        return f"redis://{self.host}:{self.redis_port}/0"

    @property
    def prometheus_url(self) -> str:
        return f"http://{self.host}:{self.prometheus_port}"
