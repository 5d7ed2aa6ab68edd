"""The message models accept what they document and name the field when they refuse."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from rasad.common.messages import DeadLetter, EnrichedArticle, Extraction, RawArticle


def raw(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "a1",
        "text": "قصف استهدف موكبا في بغداد",
        "ingested_at": "2024-02-08T10:00:00Z",
    }
    return base | overrides


def test_raw_article_round_trips_through_json() -> None:
    article = RawArticle.model_validate(raw(title="عنوان", lang="ar"))
    again = RawArticle.model_validate_json(article.model_dump_json())
    assert again == article
    assert again.schema_version == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("text", ""),
        ("id", "has space"),
        ("ingested_at", "2024-02-08T10:00:00"),
        ("unknown", 1),
    ],
)
def test_raw_article_refusals_name_the_field(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as info:
        RawArticle.model_validate(raw(**{field: value}))
    assert field in {str(part) for err in info.value.errors() for part in err["loc"]}


def test_enriched_article_is_an_extraction_with_story() -> None:
    enriched = EnrichedArticle(id="a1", extractor_version="1", story_id="s1", duplicate_of="a0")
    assert isinstance(enriched, Extraction)
    assert enriched.model_dump()["events"] == []


def test_dead_letter_keeps_payload_and_cause() -> None:
    letter = DeadLetter(
        service="ingest",
        stage="validate",
        error_type="ValidationError",
        error="text: String should have at least 1 character",
        payload='{"text": ""}',
        failed_at=datetime(2024, 2, 8, tzinfo=UTC),
    )
    assert DeadLetter.model_validate_json(letter.model_dump_json()).payload == '{"text": ""}'
