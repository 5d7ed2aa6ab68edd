from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import redis

from rasad.common.settings import DEFAULT_REDIS_PORT


@pytest.fixture
def redis_url() -> str:
    return os.environ.get("RASAD_REDIS_URL", f"redis://127.0.0.1:{DEFAULT_REDIS_PORT}/0")


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    url = redis_url
    client = redis.Redis.from_url(url, decode_responses=True)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        pytest.fail(f"Redis at {url} is not answering ({exc}); start the stack with `rasad stack up`")
    yield client
    client.close()


@pytest.fixture
def key_prefix(redis_client: redis.Redis) -> Iterator[str]:
    """A key prefix of this test's own, deleted afterwards."""
    prefix = f"test:{uuid.uuid4().hex[:12]}:"
    yield prefix
    keys = list(redis_client.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        redis_client.delete(*keys)
