"""Dead letters: a record that could not be handled goes to the ``deadletter`` topic with the
cause, so that nothing is lost and an operator can replay it."""

from __future__ import annotations

import datetime as dt

from rasad.common.kafka.producer import Delivery, MessageProducer, OutgoingRecord
from rasad.common.messages import DeadLetter
from rasad.common.settings import ServiceSettings
from rasad.common.topics import DEADLETTER, topic_name

MAX_PAYLOAD_CHARS = 1_000_000


def payload_text(payload: bytes | str | None) -> str:
    """The record as received, as UTF-8 text (invalid bytes replaced), bounded in size."""
    if payload is None:
        return ""
    text = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else payload
    return text[:MAX_PAYLOAD_CHARS]


def build_dead_letter(
    *,
    service: str,
    stage: str,
    error: BaseException | str,
    payload: bytes | str | None,
    key: str | None = None,
    source_topic: str | None = None,
    partition: int | None = None,
    offset: int | None = None,
    now: dt.datetime | None = None,
) -> DeadLetter:
    """Build the dead-letter record of a failure (pure)."""
    if isinstance(error, BaseException):
        error_type, reason = type(error).__name__, str(error) or type(error).__name__
    else:
        error_type, reason = "InvalidRecord", error
    return DeadLetter(
        service=service,
        stage=stage,
        error_type=error_type,
        error=reason or "unknown error",
        source_topic=source_topic,
        partition=partition,
        offset=offset,
        key=key,
        payload=payload_text(payload),
        failed_at=now or dt.datetime.now(dt.UTC),
    )


class DeadLetterPublisher:
    """Publishes dead letters to the prefixed ``deadletter`` topic and waits for the ack."""

    def __init__(self, producer: MessageProducer, settings: ServiceSettings) -> None:
        self._producer = producer
        self.topic = topic_name(DEADLETTER, settings.topic_prefix)

    def records(self, letters: list[DeadLetter]) -> list[OutgoingRecord]:
        return [OutgoingRecord(self.topic, letter.key, letter) for letter in letters]

    def publish(self, letters: list[DeadLetter]) -> list[Delivery]:
        return self._producer.publish_many(self.records(letters))
