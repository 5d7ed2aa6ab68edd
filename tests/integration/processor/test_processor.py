"""The faust processor on the real broker and Redis: enrichment, stories, fan-out, dead
letters, and counts equal to those computed offline from the same input."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import redis

from rasad.alerting.watchlist import load_watchlist
from rasad.common.messages import DeadLetter, EnrichedArticle, EventRecord, MentionRecord, RawArticle
from rasad.common.topics import ARTICLES_ENRICHED, DEADLETTER, EVENT_TOPICS, MENTIONS
from rasad.counting.buckets import plan_named
from rasad.counting.facts import KINDS, ArticleFacts, article_facts
from rasad.counting.memory_store import InMemoryCountStore
from rasad.counting.redis_store import RedisCountStore
from rasad.counting.store import CountStore
from rasad.processor.extraction import extractor
from rasad.processor.pipeline import enrich
from rasad.processor.stories import StoryAssignment

from ..conftest import StackEnv
from .conftest import WATCHLIST, Worker, produce, sample_articles

pytestmark = pytest.mark.integration
WATCHLIST_VOCABULARY = load_watchlist(WATCHLIST)


def edited_copy(article: RawArticle, new_id: str, source: str) -> RawArticle:
    words = article.text.split()
    del words[len(words) // 3]
    text = "نقلا عن وكالات: " + " ".join(words)
    return article.model_copy(update={"id": new_id, "text": text, "source": source})


def offline_store(articles: list[RawArticle], story_of: dict[str, str]) -> InMemoryCountStore:
    """The counts computed without Kafka, Redis or faust: extraction, story, facts, memory store."""
    store = InMemoryCountStore()
    for raw in articles:
        store.record(offline_facts(raw, story_of[raw.id]))
    return store


def offline_facts(raw: RawArticle, story: str) -> ArticleFacts:
    enriched = enrich(raw, extractor(raw), StoryAssignment(story, None if story == raw.id else story))
    return article_facts(enriched, WATCHLIST_VOCABULARY, text=raw.text)


def snapshot(store: CountStore) -> dict[str, object]:
    now = time.time()
    plan = plan_named("24h", now + 120, now)
    counts: dict[str, object] = {"totals": store.totals(plan)}
    for kind in KINDS:
        for measure in ("articles", "stories"):
            window = store.window_counts(kind, measure, plan)
            counts[f"{kind}/{measure}"] = window
            if measure == "stories":
                counts[f"{kind}/sources"] = {key: store.distinct_sources(kind, key, plan) for key in window}
    return counts


def differences(got: object, expected: object) -> dict[str, tuple[object, object]]:
    if not isinstance(got, dict) or not isinstance(expected, dict):
        return {"value": (got, expected)}
    return {
        k: (got.get(k), expected.get(k))
        for k in sorted(set(got) | set(expected))
        if got.get(k) != expected.get(k)
    }


def wait_for_articles(store: RedisCountStore, expected: int, timeout_s: float) -> int:
    now = time.time()
    deadline = time.monotonic() + timeout_s
    counted = 0
    while time.monotonic() < deadline:
        counted = store.totals(plan_named("24h", now + 120, now)).articles
        if counted >= expected:
            break
        time.sleep(0.5)
    return counted


def post(service: Worker, article: RawArticle) -> dict[str, str]:
    body = article.model_dump(mode="json", exclude={"schema_version", "ingested_at"}, exclude_none=True)
    response = httpx.post(f"http://127.0.0.1:{service.port}/v1/articles", json=body, timeout=30)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_samples_and_a_copy_flow_through_and_count_once_per_story(
    stack_env: StackEnv, start_worker: Callable[[], Worker], ingest_service: Worker
) -> None:
    articles = sample_articles()
    copy = edited_copy(articles[1], "seed-001-copy", "another-source")
    assert [post(ingest_service, a)["status"] for a in [*articles, copy]] == ["new"] * 6
    assert post(ingest_service, copy)["status"] == "seen"
    produce(stack_env, [], raw_records=(b"not json at all", b'{"id": "no-text"}'))
    worker = start_worker()

    enriched = [EnrichedArticle.model_validate(r) for r in stack_env.read_json(ARTICLES_ENRICHED, 6)]
    by_id = {e.id: e for e in enriched}
    assert set(by_id) == {a.id for a in [*articles, copy]}
    # The original and its copy share one story, opened by whichever was processed first
    # (they sit on different partitions); the other one is its duplicate.
    story = by_id["seed-001"].story_id
    assert story in {"seed-001", "seed-001-copy"} and by_id["seed-001-copy"].story_id == story
    assert {by_id["seed-001"].duplicate_of, by_id["seed-001-copy"].duplicate_of} == {None, story}
    for article in articles:
        if article.id != "seed-001":
            assert by_id[article.id].story_id == article.id and by_id[article.id].duplicate_of is None
    assert any(e.entities for e in enriched) and any(e.weapons for e in enriched)

    letters = [DeadLetter.model_validate(r) for r in stack_env.read_json(DEADLETTER, 2)]
    assert sorted(letter.payload for letter in letters) == sorted(['{"id": "no-text"}', "not json at all"])
    assert all(letter.stage == "validate" and letter.offset is not None for letter in letters)
    assert any("text" in letter.error for letter in letters)

    mentioned = {
        (e.id, fact.kind, fact.key)
        for e in enriched
        for fact in offline_facts(
            next(a for a in [*articles, copy] if a.id == e.id), e.story_id or e.id
        ).facts
        if fact.kind in ("entity", "weapon", "keyword")
    }
    assert {kind for _, kind, _ in mentioned} == {"entity", "weapon", "keyword"}
    mentions = [MentionRecord.model_validate(r) for r in stack_env.read_json(MENTIONS, len(mentioned))]
    got_mentions = {(m.article_id, m.kind, m.key) for m in mentions}
    assert got_mentions == mentioned, (sorted(got_mentions - mentioned), sorted(mentioned - got_mentions))
    assert len(mentions) == len(mentioned)
    for event_type, topic in EVENT_TOPICS.items():
        expected_events = [ev for e in enriched for ev in e.events if ev.type == event_type]
        records = [
            EventRecord.model_validate(r) for r in stack_env.read_json(topic, len(expected_events), 15)
        ]
        assert len(records) == len(expected_events)

    client = redis.Redis.from_url(stack_env.endpoints.redis_url, decode_responses=True)
    live = RedisCountStore(client, stack_env.key_prefix)
    assert wait_for_articles(live, 6, 30) == 6
    story_of = {a.id: a.id for a in articles} | {"seed-001": story, copy.id: story}
    expected = snapshot(offline_store([*articles, copy], story_of))
    got = snapshot(live)
    assert got["totals"].articles == 6 and got["totals"].stories == 5  # type: ignore[attr-defined]
    assert got == expected
    assert worker.healthz().json()["status"] == "ok"
    assert "rasad_processor_articles_total" in worker.metrics()


def varied_articles(count: int) -> tuple[list[RawArticle], dict[str, str]]:
    """``count`` articles: the samples with varied ids, sources, times and a light edit each."""
    base = sample_articles()
    now = datetime.now(UTC)
    articles, story_of = [], {}
    for i in range(count):
        original = base[i % len(base)]
        words = original.text.split()
        del words[(i * 7) % len(words)]
        article = original.model_copy(
            update={
                "id": f"bulk-{i:05d}",
                "text": " ".join(words),
                "source": f"source-{i % 7}",
                "ingested_at": now - timedelta(seconds=(i % 600)),
            }
        )
        articles.append(article)
        story_of[article.id] = original.id
    return articles, story_of


def test_sigkill_mid_stream_then_restart_leaves_counts_exact(
    stack_env: StackEnv, start_worker: Callable[[], Worker]
) -> None:
    articles, story_of = varied_articles(2000)
    produce(stack_env, articles)
    client = redis.Redis.from_url(stack_env.endpoints.redis_url, decode_responses=True)
    live = RedisCountStore(client, stack_env.key_prefix)

    first = start_worker()
    counted_at_kill = wait_for_articles(live, 300, 120)
    first.kill()
    assert 0 < counted_at_kill < len(articles), "the kill must land mid-stream"

    start_worker()
    assert wait_for_articles(live, len(articles), 240) == len(articles)
    time.sleep(2)  # anything redelivered after the last count must not change it

    # Offline the story of each variant is its sample (any variant may open it live: the
    # per-key story counts do not depend on which one did).
    expected = snapshot(offline_store(articles, {a.id: story_of[a.id] for a in articles}))
    got = snapshot(live)
    assert got["totals"] == expected["totals"]
    for name in expected:
        assert got[name] == expected[name], f"{name}: {differences(got[name], expected[name])}"
    enriched_ids = {r["id"] for r in stack_env.read_json(ARTICLES_ENRICHED, len(articles), 60)}
    assert enriched_ids == {a.id for a in articles}


def test_two_workers_share_the_partitions_and_count_exactly(
    stack_env: StackEnv, start_worker: Callable[[], Worker]
) -> None:
    articles, story_of = varied_articles(600)
    workers = [start_worker(), start_worker()]
    produce(stack_env, articles)
    client = redis.Redis.from_url(stack_env.endpoints.redis_url, decode_responses=True)
    live = RedisCountStore(client, stack_env.key_prefix)
    assert wait_for_articles(live, len(articles), 180) == len(articles)
    time.sleep(2)

    expected = snapshot(offline_store(articles, story_of))
    got = snapshot(live)
    for name in expected:
        assert got[name] == expected[name], f"{name}: {differences(got[name], expected[name])}"
    handled = [processed_by(worker) for worker in workers]
    assert all(n > 0 for n in handled), f"each worker must own partitions: {handled}"
    assert sum(handled) >= len(articles)


def processed_by(worker: Worker) -> float:
    total = 0.0
    for line in worker.metrics().splitlines():
        if line.startswith("rasad_processor_articles_total{") and 'outcome="counted"' in line:
            total += float(line.rsplit(" ", 1)[1])
    return total
