"""Story claims in batches on the real Redis: the same answers as one article at a time."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis

from rasad.processor.stories import StoryStore

from ..conftest import StackEnv
from .conftest import sample_articles

pytestmark = pytest.mark.integration


@pytest.fixture
def client(stack_env: StackEnv) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(stack_env.endpoints.redis_url)
    yield client
    client.close()


def fresh_store(client: redis.Redis) -> tuple[StoryStore, str]:
    prefix = f"test:{uuid.uuid4().hex[:12]}:"
    return StoryStore(client, prefix), prefix


def claims() -> list[tuple[str, str]]:
    """The samples, each followed later in the list by a light edit of it under another id."""
    originals = [(a.id, a.text) for a in sample_articles()]
    copies = [(f"{i}-copy", "نقلا عن وكالات: " + " ".join(t.split()[1:])) for i, t in originals]
    return originals + copies[::-1]


def test_a_batch_claims_stories_as_one_article_at_a_time(client: redis.Redis) -> None:
    batched, batched_prefix = fresh_store(client)
    single, single_prefix = fresh_store(client)
    try:
        items = claims()
        together = batched.assign_many(items)
        one_by_one = [single.assign(article_id, text) for article_id, text in items]
        assert together == one_by_one
        by_id = dict(zip([i for i, _ in items], together, strict=True))
        for article_id, _ in items[: len(items) // 2]:
            assert by_id[article_id].story_id == article_id and by_id[article_id].duplicate_of is None
            copy = by_id[f"{article_id}-copy"]
            assert copy.story_id == article_id and copy.duplicate_of == article_id
        # redelivered (in another order, in a new batch): the answers do not change
        assert batched.assign_many(items[::-1]) == together[::-1]
        assert batched.assign_many([]) == []
    finally:
        for prefix in (batched_prefix, single_prefix):
            keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
            if keys:
                client.delete(*keys)
