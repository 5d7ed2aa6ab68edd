"""Request validation of the HTTP API: 422, 413, 415, 401 (a recording stand-in takes the
place of the pipeline; publishing is tested on the real stack in tests/integration/ingest)."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pytest
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry
from pydantic import SecretStr

from rasad.common.errors import ConfigError
from rasad.common.settings import IngestSettings
from rasad.ingest.api import BatchRefused, create_app, split_batch
from rasad.ingest.auth import api_token, bearer_matches, token_required
from rasad.ingest.metrics import IngestMetrics
from rasad.ingest.submissions import Outcome, Submission


class RecordingPipeline:
    def __init__(self) -> None:
        self.received: list[Submission] = []

    def ingest(self, submissions: Sequence[Submission]) -> list[Outcome]:
        self.received.extend(submissions)
        return [Outcome(s.origin, "new", id="x") for s in submissions]

    def ready(self) -> dict[str, bool]:
        return {"kafka": True, "redis": True}


def client(token: str | None = None, max_body_bytes: int = 10_000) -> tuple[TestClient, RecordingPipeline]:
    pipeline = RecordingPipeline()
    registry = CollectorRegistry()
    app = create_app(
        pipeline, IngestMetrics.build(registry), registry, token=token, max_body_bytes=max_body_bytes,
        max_batch_records=3,
    )  # fmt: skip
    return TestClient(app), pipeline


def test_missing_text_is_422_naming_the_field() -> None:
    test_client, pipeline = client()
    reply = test_client.post("/v1/articles", json={"title": "t"})
    assert reply.status_code == 422
    assert reply.json()["error"] == "body.text: Field required"
    assert pipeline.received == []


def test_bad_url_and_unknown_field_are_named() -> None:
    test_client, _ = client()
    reply = test_client.post(
        "/v1/articles", json={"text": "x", "url": "javascript:alert(1)", "colour": "red"}
    )
    error = reply.json()["error"]
    assert reply.status_code == 422
    assert "body.url: Value error, must be an absolute http or https URL" in error
    assert "body.colour: Extra inputs are not permitted" in error


def test_body_over_the_limit_is_413_declared_or_streamed() -> None:
    test_client, pipeline = client(max_body_bytes=100)
    big = json.dumps({"text": "x" * 200})
    assert (
        test_client.post(
            "/v1/articles", content=big, headers={"content-type": "application/json"}
        ).status_code
        == 413
    )

    def chunks():  # type: ignore[no-untyped-def]
        yield big[:60].encode()
        yield big[60:].encode()

    streamed = test_client.post(
        "/v1/articles/batch", content=chunks(), headers={"content-type": "application/json"}
    )
    assert streamed.status_code == 413 and "100-byte limit" in streamed.json()["error"]
    assert pipeline.received == []


def test_bearer_token_is_required_when_configured() -> None:
    test_client, pipeline = client(token="s3cret")
    article = {"text": "x"}
    assert test_client.post("/v1/articles", json=article).status_code == 401
    wrong = test_client.post("/v1/articles", json=article, headers={"Authorization": "Bearer s3cre"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
    right = test_client.post("/v1/articles", json=article, headers={"Authorization": "Bearer s3cret"})
    assert right.status_code == 200 and len(pipeline.received) == 1
    assert test_client.get("/healthz").status_code == 200  # probes stay open


def test_batch_content_types() -> None:
    test_client, pipeline = client()
    ndjson = '{"text": "a"}\n\n{"text": "b"}\n'
    reply = test_client.post(
        "/v1/articles/batch", content=ndjson, headers={"content-type": "application/x-ndjson"}
    )
    assert reply.status_code == 200 and reply.json()["counts"]["new"] == 2
    assert [s.origin for s in pipeline.received] == ["line 1", "line 3"]
    assert (
        test_client.post(
            "/v1/articles/batch", content="x", headers={"content-type": "text/plain"}
        ).status_code
        == 415
    )
    not_array = test_client.post("/v1/articles/batch", json={"text": "a"})
    assert not_array.status_code == 422 and "expected a JSON array" in not_array.json()["error"]


def test_split_batch_limits_records() -> None:
    with pytest.raises(BatchRefused) as caught:
        split_batch(json.dumps([{"text": str(i)} for i in range(4)]).encode(), "application/json", 3)
    assert caught.value.status == 413
    [broken] = split_batch(b"{oops", "application/x-ndjson; charset=utf-8", 3)
    assert broken.error is not None and broken.payload == "{oops"


def test_token_policy_follows_the_listen_address() -> None:
    assert not token_required(IngestSettings(ingest_host="127.0.0.1"))
    assert token_required(IngestSettings(ingest_host="0.0.0.0"))
    assert not token_required(IngestSettings(ingest_host="0.0.0.0", ingest_require_token=False))
    with pytest.raises(ConfigError, match="RASAD_INGEST_API_TOKEN"):
        api_token(IngestSettings(ingest_host="0.0.0.0"))
    assert api_token(IngestSettings(ingest_host="0.0.0.0", ingest_api_token=SecretStr("t"))) == "t"
    assert (
        bearer_matches("bearer t", "t")
        and not bearer_matches("Basic t", "t")
        and not bearer_matches(None, "t")
    )
