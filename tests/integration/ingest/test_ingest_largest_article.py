"""The largest article the models accept is published, not refused by Kafka's size limits."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rasad.common.kafka.producer import MessageProducer, ProducerOptions
from rasad.common.messages import MAX_TEXT_CHARS, RawArticle
from rasad.common.topics import ARTICLES_RAW

from ..conftest import StackEnv

pytestmark = pytest.mark.integration


def test_an_article_at_the_text_limit_reaches_the_topic(stack_env: StackEnv) -> None:
    text = ("قصف\U0001d7d9" * (MAX_TEXT_CHARS // 4))[:MAX_TEXT_CHARS]  # 2.5 bytes a character
    article = RawArticle(id="largest", text=text, ingested_at=datetime.now(UTC))
    assert len(article.model_dump_json().encode()) > 1024 * 1024  # beyond Kafka's 1 MiB defaults
    producer = MessageProducer(stack_env.settings(), ProducerOptions(client_id="largest"))
    try:
        producer.publish(stack_env.topic(ARTICLES_RAW), article.id, article)
    finally:
        producer.close()
    (record,) = stack_env.read(ARTICLES_RAW, 1)
    assert RawArticle.model_validate_json(record.value).text == text
