"""Settings come from RASAD_* variables, are frozen, and keep secrets out of reprs."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from rasad.common.settings import IngestSettings, ServiceSettings
from rasad.stack.settings import StackSettings


def test_environment_overrides_and_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASAD_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
    monkeypatch.setenv("RASAD_INGEST_API_TOKEN", "s3cret-token")
    settings = IngestSettings()
    assert settings.kafka_bootstrap_servers == "kafka:9092"
    assert "s3cret-token" not in repr(settings)
    assert settings.ingest_api_token is not None
    assert settings.ingest_api_token.get_secret_value() == "s3cret-token"
    with pytest.raises(ValidationError):
        settings.ingest_port = 1  # type: ignore[misc]


def test_sasl_options_unwrap_the_password_only_for_the_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASAD_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("RASAD_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
    monkeypatch.setenv("RASAD_KAFKA_SASL_USERNAME", "rasad")
    monkeypatch.setenv("RASAD_KAFKA_SASL_PASSWORD", "pw")
    options = ServiceSettings().kafka_client_options()
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_plain_password"] == "pw"
    assert "pw" not in repr(ServiceSettings())


def test_stack_defaults_are_the_services_defaults() -> None:
    stack, service = StackSettings(), ServiceSettings()
    assert service.kafka_bootstrap_servers == stack.kafka_bootstrap
    assert service.redis_url == stack.redis_url


def test_unknown_protocol_is_refused_naming_the_field(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASAD_KAFKA_SECURITY_PROTOCOL", "CARRIER_PIGEON")
    with pytest.raises(ValidationError, match="kafka_security_protocol"):
        ServiceSettings()
