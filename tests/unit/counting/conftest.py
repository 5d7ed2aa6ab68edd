from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from rasad.common.messages import EnrichedArticle
from rasad.counting.facts import ArticleFacts, Fact

NOW = datetime(2024, 5, 6, 12, 0, tzinfo=UTC)


@pytest.fixture
def enriched() -> Callable[..., EnrichedArticle]:
    """Build an EnrichedArticle from short specs: entities=[("Q159", "Russia", "COUNTRY")]."""

    def make(article_id: str = "a1", **fields: Any) -> EnrichedArticle:
        entities = [
            {"id": i, "name": n, "type": t, "mentions": [{"text": n, "start": 0, "end": len(n)}] * c}
            for i, n, t, *rest in fields.pop("entities", [])
            for c in [rest[0] if rest else 1]
        ]
        weapons = [
            {
                "id": i,
                "name": n,
                "category": "air_defense",
                "mentions": [{"text": n, "start": 0, "end": len(n)}],
            }
            for i, n in fields.pop("weapons", [])
        ]
        events = [{"event_key": f"{t}-{k}", "type": t} for k, t in enumerate(fields.pop("events", []))]
        data = {
            "id": article_id,
            "extractor_version": "test",
            "ingested_at": NOW,
            "entities": entities,
            "weapons": weapons,
            "events": events,
        }
        data.update(fields)
        return EnrichedArticle.model_validate(data)

    return make


@pytest.fixture
def facts() -> Callable[..., ArticleFacts]:
    """Build ArticleFacts: facts("a1", at=ts, keys=[("entity", "Q1")], story="s1", source="x")."""

    def make(
        article_id: str,
        at: int,
        keys: list[tuple[str, str]] | None = None,
        story: str | None = None,
        source: str = "src",
        title: str | None = None,
    ) -> ArticleFacts:
        return ArticleFacts(
            article_id=article_id,
            story_id=story or article_id,
            source=source,
            event_time=at,
            title=title if title is not None else f"title of {article_id}",
            facts=tuple(Fact(kind, key, key.upper()) for kind, key in (keys or [])),  # type: ignore[arg-type]
        )

    return make
