"""The processor's pure steps: decoding, enrichment with the story, fan-out, liveness."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from rasad.common.error_policy import DEFAULT_POLICY, Action, EmptyRecord, Stage
from rasad.common.messages import Entity, EventRecord, Extraction, MentionRecord, RawArticle, Span, Weapon
from rasad.common.topics import EVENTS_STRIKE, MENTIONS
from rasad.processor.health import Liveness
from rasad.processor.pipeline import build_outputs, decode_raw
from rasad.processor.stories import StoryAssignment

RAW = RawArticle(
    id="a1",
    text="قصف أمريكي في بغداد بصواريخ",
    title="t",
    source="s1",
    ingested_at=datetime(2024, 2, 8, 10, tzinfo=UTC),
)


def extraction(**overrides: object) -> Extraction:
    span = Span(text="بغداد", start=12, end=17)
    base: dict[str, object] = {
        "id": "a1",
        "lang": "ar",
        "extractor_version": "test",
        "entities": [
            Entity(id="Q1530", name="Baghdad", type="PLACE", mentions=[span, span]),
            Entity(id="Q30", name="United States", type="COUNTRY", mentions=[span]),
        ],
        "weapons": [Weapon(id="w-missile", name="Missiles", category="missile", mentions=[span])],
    }
    return Extraction.model_validate(base | overrides)


def test_decode_names_the_missing_field_and_refuses_empty_records() -> None:
    with pytest.raises(ValidationError, match="text"):
        decode_raw(b'{"id": "a1", "ingested_at": "2024-02-08T10:00:00Z"}')
    with pytest.raises(ValidationError):
        decode_raw(b"\xff\xfe not json")
    with pytest.raises(EmptyRecord):
        decode_raw(b"")
    assert DEFAULT_POLICY.decide(Stage.VALIDATE, EmptyRecord("x")) is Action.SKIP


def test_outputs_carry_story_and_one_mention_record_per_distinct_id() -> None:
    outputs = build_outputs(RAW, extraction(), StoryAssignment("a0", "a0"), None)
    assert outputs.enriched.story_id == "a0" and outputs.enriched.duplicate_of == "a0"
    assert outputs.enriched.ingested_at == RAW.ingested_at and outputs.enriched.source == "s1"
    mentions = [record for topic, _, record in outputs.records if topic is MENTIONS]
    assert all(isinstance(m, MentionRecord) for m in mentions)
    by_key = {m.key: m for m in mentions if isinstance(m, MentionRecord)}
    assert set(by_key) == {"Q1530", "Q30", "w-missile"}
    assert by_key["Q1530"].count == 2 and by_key["Q1530"].story_id == "a0"
    assert by_key["Q1530"].event_time == RAW.ingested_at
    assert outputs.facts.article_id == "a1" and outputs.facts.story_id == "a0"


def test_each_event_goes_to_its_topic_keyed_by_event_key() -> None:
    event = {"event_key": "strike|US|convoy", "type": "strike", "subtype": "air_strike", "killed": 2}
    outputs = build_outputs(RAW, extraction(events=[event]), StoryAssignment("a1", None), None)
    events = [(topic, key, record) for topic, key, record in outputs.records if topic is EVENTS_STRIKE]
    assert len(events) == 1
    _, key, record = events[0]
    assert key == "strike|US|convoy" and isinstance(record, EventRecord) and record.event.killed == 2


def test_liveness_turns_unhealthy_only_when_lag_stays_without_progress() -> None:
    live = Liveness(stall_seconds=60)
    live.start(now=0)
    assert live.healthy(now=30, lag=5)[0]
    assert not live.healthy(now=61, lag=5)[0]
    live.progressed(now=61, lag=4)
    assert live.healthy(now=100, lag=4)[0]
    assert live.healthy(now=500, lag=0)[0], "an idle worker with nothing to do is healthy"
    assert not live.healthy(now=500, lag=7)[0]


def test_faust_gets_the_same_kafka_security_settings() -> None:
    import faust

    from rasad.common.settings import ProcessorSettings
    from rasad.processor.app import broker_credentials

    assert broker_credentials(ProcessorSettings()) is None
    sasl = broker_credentials(
        ProcessorSettings(
            kafka_security_protocol="SASL_PLAINTEXT",
            kafka_sasl_mechanism="SCRAM-SHA-512",
            kafka_sasl_username="rasad",
            kafka_sasl_password="pw",
        )
    )
    assert isinstance(sasl, faust.SASLCredentials)
    assert sasl.username == "rasad" and sasl.password == "pw" and sasl.ssl_context is None
    assert isinstance(
        broker_credentials(ProcessorSettings(kafka_security_protocol="SSL")), faust.SSLCredentials
    )
