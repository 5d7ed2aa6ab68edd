"""The ingest HTTP API served by uvicorn, publishing to the real Kafka with its seen-set in
the real Redis."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from rasad.common.messages import DeadLetter, RawArticle
from rasad.common.settings import IngestSettings
from rasad.common.topics import ARTICLES_RAW, DEADLETTER
from rasad.ingest.articles import article_id
from rasad.ingest.service import build_app, open_ingestor

pytestmark = pytest.mark.integration

SAMPLES = Path(__file__).resolve().parents[3] / "tests" / "data" / "articles" / "seed.jsonl"


def seed_articles() -> list[dict[str, Any]]:
    return [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]


@contextmanager
def serving(app: FastAPI, port: int) -> Iterator[str]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture
def ingest_api(stack_env: Any, unused_port: Callable[[], int]) -> Iterator[Callable[..., str]]:
    """Starts the real ingest service for this test's topics and key prefix; returns its URL."""
    with ExitStack() as stack:

        def start(**overrides: Any) -> str:
            settings = stack_env.settings(IngestSettings, **overrides)
            registry = CollectorRegistry()
            ingestor, metrics = stack.enter_context(open_ingestor(settings, registry))
            app = build_app(settings, ingestor, metrics, registry)
            return stack.enter_context(serving(app, unused_port()))

        yield start


def test_sample_articles_posted_one_by_one_are_published_once(stack_env: Any, ingest_api: Any) -> None:
    url = ingest_api()
    seeds = seed_articles()
    with httpx.Client(base_url=url, timeout=30) as client:
        first = [client.post("/v1/articles", json=seed) for seed in seeds]
        again = [client.post("/v1/articles", json=seed) for seed in seeds]
    assert [r.status_code for r in first + again] == [200] * 10
    assert [r.json() for r in first] == [{"id": s["id"], "status": "new"} for s in seeds]
    assert [r.json()["status"] for r in again] == ["seen"] * 5

    records = stack_env.read(ARTICLES_RAW, expected=5)
    assert len(records) == 5  # the second round published nothing
    by_id = {r.key.decode(): RawArticle.model_validate_json(r.value) for r in records}
    assert set(by_id) == {s["id"] for s in seeds}
    for seed in seeds:
        article = by_id[seed["id"]]
        assert article.text == seed["text"].strip()
        assert article.lang == "ar" and article.title == seed["title"]
        assert article.ingested_at.tzinfo is not None
    assert len(stack_env.redis_keys("ingest:seen:*")) == 5


def test_batch_without_ids_and_with_bad_records_dead_letters_them(stack_env: Any, ingest_api: Any) -> None:
    url = ingest_api()
    good = [
        {
            "text": "The defence ministry said on Tuesday that the drills were over.",
            "url": "https://Example.org/a?utm_source=x",
        },
        {"text": "وقالت الوزارة إن المناورات انتهت"},
    ]
    lines = [json.dumps(g, ensure_ascii=False) for g in good] + ['{"title": "no text here"}', "{not json"]
    reply = httpx.post(
        f"{url}/v1/articles/batch",
        content="\n".join(lines).encode(),
        headers={"content-type": "application/x-ndjson"},
        timeout=30,
    )
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["counts"] == {"new": 2, "seen": 0, "dead_lettered": 2, "skipped": 0}
    results = body["results"]
    assert results[0]["id"] == article_id("https://example.org/a", "")
    assert results[1]["id"] == article_id(None, good[1]["text"])
    assert "text: Field required" in results[2]["error"]

    published = {r["id"]: r for r in stack_env.read_json(ARTICLES_RAW, expected=2)}
    assert set(published) == {results[0]["id"], results[1]["id"]}
    assert published[results[0]["id"]]["lang"] == "en" and published[results[1]["id"]]["lang"] == "ar"
    letters = [DeadLetter.model_validate(d) for d in stack_env.read_json(DEADLETTER, expected=2)]
    assert sorted(letter.stage for letter in letters) == ["decode", "validate"]
    validate = next(letter for letter in letters if letter.stage == "validate")
    assert "text: Field required" in validate.error and json.loads(validate.payload) == {
        "title": "no text here"
    }
    decode = next(letter for letter in letters if letter.stage == "decode")
    assert decode.payload == "{not json" and decode.service == "ingest"


def test_unreachable_broker_gives_503_and_nothing_is_marked_seen(
    stack_env: Any, ingest_api: Any, unused_port: Callable[[], int]
) -> None:
    url = ingest_api(kafka_bootstrap_servers=f"127.0.0.1:{unused_port()}", ingest_publish_timeout_s=2.0)
    article = {"text": "An article that must not be lost.", "url": "https://example.org/kept"}
    reply = httpx.post(f"{url}/v1/articles", json=article, timeout=60)
    assert reply.status_code == 503
    assert reply.headers["retry-after"]
    assert "unreachable" in reply.json()["error"]
    assert stack_env.redis_keys("ingest:seen:*") == []  # a retry will publish it
    ready = httpx.get(f"{url}/readyz", timeout=60)
    assert ready.status_code == 503 and ready.json()["checks"] == {"kafka": False, "redis": True}
    assert "rasad_ingest_publish_failures_total 1.0" in httpx.get(f"{url}/metrics").text


def test_health_readiness_metrics_and_openapi(stack_env: Any, ingest_api: Any) -> None:
    url = ingest_api()
    with httpx.Client(base_url=url, timeout=30) as client:
        assert (
            client.post(
                "/v1/articles", json={"text": "One short English article, said the ministry."}
            ).json()["status"]
            == "new"
        )
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").json() == {"ready": True, "checks": {"kafka": True, "redis": True}}
        metrics = client.get("/metrics").text
        openapi = client.get("/openapi.json").json()
        assert client.get("/docs").status_code == 200
    assert 'rasad_ingest_articles_total{outcome="new"} 1.0' in metrics
    assert 'rasad_ingest_request_duration_seconds_count{route="/v1/articles"} 1.0' in metrics
    assert {"/v1/articles", "/v1/articles/batch"} <= set(openapi["paths"])
    assert "ArticleIn" in openapi["components"]["schemas"]
