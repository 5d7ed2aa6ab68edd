"""Redis restarted while the processor counts: the worker retries, nothing is lost and
nothing is counted twice (counts equal those computed offline)."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import redis

from rasad.common.topics import ARTICLES_ENRICHED
from rasad.counting.redis_store import RedisCountStore

from ..conftest import Endpoints, StackEnv
from ..processor.conftest import Worker, produce
from ..processor.test_processor import differences, offline_store, snapshot, varied_articles
from .conftest import PrivateServer, metric_sum, wait_counted

pytestmark = [pytest.mark.integration, pytest.mark.slow]
ARTICLES = 600


@pytest.fixture
def stack_endpoints(stack_endpoints: Endpoints, private_redis: PrivateServer) -> Endpoints:
    """The shared broker with the test's private Redis."""
    return Endpoints(stack_endpoints.kafka_bootstrap_servers, private_redis.settings.redis_url)


def test_redis_restart_during_processing_loses_and_doubles_nothing(
    stack_env: StackEnv, start_worker: Callable[[], Worker], private_redis: PrivateServer
) -> None:
    articles, story_of = varied_articles(ARTICLES)
    produce(stack_env, articles)
    url, prefix = stack_env.endpoints.redis_url, stack_env.key_prefix
    worker = start_worker()

    before = wait_counted(url, prefix, 60, 120)
    private_redis.restart(down_s=3.0)
    after_restart = wait_counted(url, prefix, 0, 5)
    assert 0 < before < ARTICLES, f"the restart must land mid-stream (counted {before})"
    assert after_restart >= before, "counts written before the restart survive it"

    assert wait_counted(url, prefix, ARTICLES, 240) == ARTICLES, worker.log.read_text()[-3000:]
    time.sleep(2)  # anything retried after the last count must not change it
    assert worker.process.poll() is None and worker.healthz().status_code == 200
    # the outage was seen and retried (stories or counts), not skipped
    assert metric_sum(worker.metrics(), "rasad_processor_failures_total", stage="count") > 0

    live = RedisCountStore(redis.Redis.from_url(url, decode_responses=True), prefix)
    expected = snapshot(offline_store(articles, story_of))
    got = snapshot(live)
    for name in expected:
        assert got[name] == expected[name], f"{name}: {differences(got[name], expected[name])}"
    enriched_ids = {r["id"] for r in stack_env.read_json(ARTICLES_ENRICHED, ARTICLES, 60)}
    assert enriched_ids == {a.id for a in articles}
