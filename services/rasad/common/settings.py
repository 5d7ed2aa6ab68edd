"""Settings shared by every service; each service subclasses :class:`ServiceSettings`.

Environment variables carry the ``RASAD_`` prefix (``RASAD_KAFKA_BOOTSTRAP_SERVERS``,
``RASAD_REDIS_URL``, ``RASAD_INGEST_PORT`` ...). Settings objects are frozen, built once in a
service's ``main()`` and passed down. The defaults match the ports ``rasad stack up`` uses.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, SecretStr
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_KAFKA_PORT = 29092
DEFAULT_KAFKA_CONTROLLER_PORT = 29093
DEFAULT_REDIS_PORT = 26379
DEFAULT_PROMETHEUS_PORT = 29090
DEFAULT_INGEST_PORT = 28081
DEFAULT_ALERTING_PORT = 28082
DEFAULT_PROCESSOR_PORT = 28083


class ServiceSettings(BaseSettings):
    """Connection settings every service needs."""

    model_config = SettingsConfigDict(env_prefix="RASAD_", frozen=True, extra="ignore")

    kafka_bootstrap_servers: str = f"127.0.0.1:{DEFAULT_KAFKA_PORT}"
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    kafka_ssl_cafile: str | None = None
    redis_url: str = f"redis://127.0.0.1:{DEFAULT_REDIS_PORT}/0"
    redis_password: SecretStr | None = None
    topic_prefix: str = ""
    key_prefix: str = "rasad:"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    def kafka_client_options(self) -> dict[str, object]:
        """Options for kafka-python clients (security included, secrets unwrapped here only)."""
        options: dict[str, object] = {
            "bootstrap_servers": self.kafka_bootstrap_servers.split(","),
            "security_protocol": self.kafka_security_protocol,
        }
        if self.kafka_sasl_mechanism:
            options["sasl_mechanism"] = self.kafka_sasl_mechanism
            options["sasl_plain_username"] = self.kafka_sasl_username
            if self.kafka_sasl_password is not None:
                options["sasl_plain_password"] = self.kafka_sasl_password.get_secret_value()
        if self.kafka_ssl_cafile:
            options["ssl_cafile"] = self.kafka_ssl_cafile
        return options


class IngestSettings(ServiceSettings):
    ingest_host: str = "127.0.0.1"
    ingest_port: int = DEFAULT_INGEST_PORT
    ingest_api_token: SecretStr | None = None
    ingest_max_body_bytes: int = 10 * 1024 * 1024
    # None: a token is required when the API listens beyond loopback (not local mode).
    ingest_require_token: bool | None = None
    ingest_seen_ttl_s: int = 14 * 24 * 3600
    ingest_max_batch_records: int = 10_000
    ingest_publish_timeout_s: float = 15.0


class ProcessorSettings(ServiceSettings):
    processor_host: str = "127.0.0.1"
    processor_port: int = DEFAULT_PROCESSOR_PORT
    processor_app_id: str = "rasad-processor"
    processor_watchlist: str | None = None
    processor_stall_seconds: float = 60.0
    #: Records handled together: one Redis round trip each for stories and counts, one wait
    #: for the broker's acknowledgements. A batch is cut when full or after ``within`` seconds.
    processor_batch_max: int = Field(default=200, ge=1)
    processor_batch_within_s: float = Field(default=0.05, gt=0)
    processor_event_loop: Literal["uvloop", "asyncio"] = "uvloop"


def _comma_list(value: object) -> object:
    """A list setting from the environment: a JSON array or comma-separated text."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            return json.loads(text)
        return [part.strip() for part in text.split(",") if part.strip()]
    return value


CommaList = Annotated[tuple[str, ...], NoDecode, BeforeValidator(_comma_list)]


class AlertingSettings(ServiceSettings):
    alerting_host: str = "127.0.0.1"
    alerting_port: int = DEFAULT_ALERTING_PORT
    alerting_watchlist: str | None = None
    # Seconds between detection cycles; None: the watchlist's detector ``cycle``.
    alerting_cycle_seconds: float | None = Field(default=None, gt=0)
    # Alerts kept in memory for GET /alerts and SSE replay (Last-Event-ID).
    alerting_history: int = Field(default=10_000, ge=1)
    # Outbound notifications; every URL's host must be in alerting_webhook_allowed_hosts.
    alerting_webhook_urls: CommaList = ()
    alerting_slack_webhook_urls: CommaList = ()
    alerting_alertmanager_url: str | None = None
    alerting_webhook_allowed_hosts: CommaList = ()
    alerting_webhook_timeout_s: float = Field(default=5.0, gt=0)
    alerting_webhook_retries: int = Field(default=5, ge=0)
    alerting_webhook_backoff_s: float = Field(default=1.0, gt=0)
    alerting_webhook_backoff_max_s: float = Field(default=60.0, gt=0)
    # Where an alert links back to (Alertmanager's generatorURL), e.g. the public API address.
    alerting_public_url: str | None = None
