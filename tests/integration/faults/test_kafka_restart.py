"""The Kafka broker restarted while articles are posted to the ingest API: while it is down
the API answers 503 (nothing accepted), every article it accepted reaches the raw topic, and
the processor then counts each exactly once (counts equal those computed offline)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest
import redis

from rasad.common.messages import RawArticle
from rasad.common.topics import ARTICLES_RAW
from rasad.counting.redis_store import RedisCountStore

from ..alerting.conftest import StartService
from ..conftest import Endpoints, StackEnv
from ..processor.conftest import Worker
from ..processor.test_processor import differences, offline_store, snapshot, varied_articles
from .conftest import PrivateServer, wait_counted

pytestmark = [pytest.mark.integration, pytest.mark.slow]
ARTICLES = 150
BATCH = 5


@pytest.fixture
def stack_endpoints(stack_endpoints: Endpoints, private_kafka: PrivateServer) -> Endpoints:
    """The test's private broker with the shared Redis."""
    return Endpoints(private_kafka.settings.kafka_bootstrap, stack_endpoints.redis_url)


def body(article: RawArticle) -> dict[str, object]:
    return article.model_dump(mode="json", exclude={"schema_version", "ingested_at"}, exclude_none=True)


def post_until_accepted(url: str, batch: list[RawArticle], statuses: list[int], deadline: float) -> None:
    """POST the batch until the API accepts it (each article new or seen); 503 means retry."""
    while time.monotonic() < deadline:
        try:
            response = httpx.post(f"{url}/v1/articles/batch", json=[body(a) for a in batch], timeout=30)
        except httpx.HTTPError:
            statuses.append(0)
            time.sleep(0.5)
            continue
        statuses.append(response.status_code)
        if response.status_code == 200:
            results = response.json()["results"]
            assert [r["id"] for r in results] == [a.id for a in batch], response.text
            assert {r["status"] for r in results} <= {"new", "seen"}, response.text
            return
        assert response.status_code == 503, response.text
        assert "try again" in response.json()["error"] and response.headers["retry-after"]
        time.sleep(0.5)
    raise AssertionError(f"batch {batch[0].id} not accepted in time; statuses {statuses[-10:]}")


def test_broker_restart_during_ingest_loses_nothing_accepted(
    stack_env: StackEnv,
    start_service: StartService,
    start_worker: Callable[[], Worker],
    private_kafka: PrivateServer,
) -> None:
    articles, story_of = varied_articles(ARTICLES)
    now = datetime.now(UTC)
    articles = [a.model_copy(update={"ingested_at": now}) for a in articles]
    ingest = start_service("ingest", RASAD_INGEST_PUBLISH_TIMEOUT_S="3", RASAD_LOG_LEVEL="WARNING")
    batches = [articles[i : i + BATCH] for i in range(0, ARTICLES, BATCH)]
    statuses: list[int] = []
    deadline = time.monotonic() + 180

    third = len(batches) // 3
    for batch in batches[:third]:
        post_until_accepted(ingest.url, batch, statuses, deadline)
    private_kafka.stop()
    down_batch = [body(a) for a in batches[third]]
    refused = httpx.post(f"{ingest.url}/v1/articles/batch", json=down_batch, timeout=30)
    assert refused.status_code == 503, refused.text
    assert httpx.get(f"{ingest.url}/readyz", timeout=10).status_code == 503
    private_kafka.start()
    for batch in batches[third:]:
        post_until_accepted(ingest.url, batch, statuses, deadline)
    assert ingest.process.poll() is None

    raw_ids = [r.key.decode() for r in stack_env.read(ARTICLES_RAW, ARTICLES, 60)]
    assert set(raw_ids) == {a.id for a in articles}, "every accepted article is on the raw topic"

    start_worker()
    url, prefix = stack_env.endpoints.redis_url, stack_env.key_prefix
    assert wait_counted(url, prefix, ARTICLES, 180) == ARTICLES
    time.sleep(2)
    live = RedisCountStore(redis.Redis.from_url(url, decode_responses=True), prefix)
    expected = snapshot(offline_store(articles, story_of))
    got = snapshot(live)
    for name in expected:
        assert got[name] == expected[name], f"{name}: {differences(got[name], expected[name])}"
