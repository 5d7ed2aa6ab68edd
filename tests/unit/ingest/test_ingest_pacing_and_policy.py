"""Rate pacing, the error policy, dead-letter records and producer options (pure)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from pydantic import ValidationError

from rasad.common.error_policy import DEFAULT_POLICY, Action, EmptyRecord, Stage
from rasad.common.errors import ConfigError, InputError
from rasad.common.kafka.admin import topic_specs
from rasad.common.kafka.deadletter import build_dead_letter
from rasad.common.kafka.producer import MessageSerializer, ProducerOptions, PublishError
from rasad.common.messages import DeadLetter, RawArticle
from rasad.ingest.pacing import Pacer, parse_rate


@pytest.mark.parametrize(("text", "per_s"), [("20", 20.0), ("20/s", 20.0), ("300/m", 5.0), ("7200/h", 2.0)])
def test_rates(text: str, per_s: float) -> None:
    assert parse_rate(text) == per_s


@pytest.mark.parametrize("text", ["0", "-1/s", "fast", "10/d"])
def test_bad_rates_are_refused(text: str) -> None:
    with pytest.raises(InputError, match="--rate"):
        parse_rate(text)


def test_pacer_keeps_the_average_rate() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(10.0, clock=lambda: now[0], sleep=sleep)
    assert pacer.chunk_size(500) == 2
    for _ in range(5):
        pacer.wait(2)
    assert now[0] == pytest.approx(0.8)  # 10 records at 10/s: the last chunk starts at 0.8 s
    assert Pacer(None).chunk_size(500) == 500


def validation_error() -> ValidationError:
    try:
        RawArticle.model_validate({})
    except ValidationError as exc:
        return exc
    raise AssertionError("expected a validation error")


@pytest.mark.parametrize(
    ("stage", "error", "action"),
    [
        (Stage.DECODE, json.JSONDecodeError("x", "doc", 0), Action.DEAD_LETTER),
        (Stage.DECODE, UnicodeDecodeError("utf-8", b"\xff", 0, 1, "bad"), Action.DEAD_LETTER),
        (Stage.VALIDATE, validation_error(), Action.DEAD_LETTER),
        (Stage.READ, InputError("cannot read"), Action.DEAD_LETTER),
        (Stage.EXTRACT, RuntimeError("extractor bug"), Action.DEAD_LETTER),
        (Stage.DECODE, EmptyRecord("tombstone"), Action.SKIP),
        (Stage.PUBLISH, PublishError("broker down"), Action.RAISE),
        (Stage.COUNT, ConnectionError("redis down"), Action.RAISE),
        (Stage.VALIDATE, ConfigError("bad settings"), Action.RAISE),
        (Stage.VALIDATE, RuntimeError("unexpected"), Action.RAISE),
    ],
)
def test_error_policy(stage: Stage, error: Exception, action: Action) -> None:
    assert DEFAULT_POLICY.decide(stage, error) is action


def test_dead_letter_keeps_cause_and_payload() -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    letter = build_dead_letter(
        service="processor", stage="decode", error=ValueError("not JSON"), payload=b"\xff{", key="k",
        source_topic="articles.raw", partition=2, offset=41, now=now,
    )  # fmt: skip
    assert DeadLetter.model_validate_json(letter.model_dump_json()) == letter
    assert (letter.error_type, letter.error, letter.payload) == ("ValueError", "not JSON", "\ufffd{")
    assert (letter.partition, letter.offset, letter.failed_at) == (2, 41, now)


def test_producer_is_safe_by_default_and_serializes_json() -> None:
    options = ProducerOptions(client_id="t").kafka_options()
    assert options["acks"] == "all" and options["enable_idempotence"] is True
    assert options["compression_type"] == "gzip"
    assert options["delivery_timeout_ms"] >= options["request_timeout_ms"] + options["linger_ms"]
    article = RawArticle(id="a", text="نص", ingested_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert RawArticle.model_validate_json(MessageSerializer().serialize("t", [], article)) == article


def test_topic_specs_follow_the_topic_table() -> None:
    specs = topic_specs("p.")
    assert specs["p.articles.raw"] == 6 and specs["p.deadletter"] == 1 and len(specs) == 8
