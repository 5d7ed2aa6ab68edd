"""The one path every source takes: validate → seen-set → publish (articles and dead letters).

A batch is acknowledged by Kafka as a whole before the caller hears "new"; when Kafka fails
the ids claimed for the batch are released, so that a retry publishes them, and
:class:`PublishError` reaches the caller. Records that fail validation are published to the
dead-letter topic with the reason (the :mod:`error policy <rasad.common.error_policy>`
decides), and the outcomes say so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from rasad.common.error_policy import Action, ErrorPolicy, Stage
from rasad.common.kafka.deadletter import DeadLetterPublisher, build_dead_letter
from rasad.common.kafka.producer import MessageProducer, OutgoingRecord, PublishError
from rasad.common.messages import DeadLetter, RawArticle
from rasad.common.settings import IngestSettings
from rasad.common.topics import ARTICLES_RAW, topic_name
from rasad.ingest.articles import ArticleIn, to_raw_article
from rasad.ingest.metrics import IngestMetrics
from rasad.ingest.seen import SeenStore
from rasad.ingest.submissions import Outcome, Submission, describe_validation_error

SERVICE = "ingest"
Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Checked:
    """A submission after validation: an article, or the dead letter/skip the policy chose."""

    origin: str
    article: RawArticle | None = None
    dead_letter: DeadLetter | None = None
    error: str | None = None


def check(submission: Submission, now: dt.datetime, policy: ErrorPolicy) -> Checked:
    """Validate one submission (pure). Raises when the policy says so."""
    stage, error = submission.stage, submission.error
    if error is None:
        try:
            article = to_raw_article(ArticleIn.model_validate(submission.fields or {}), now)
            return Checked(submission.origin, article=article)
        except ValidationError as exc:
            stage, error = Stage.VALIDATE, ValueError(describe_validation_error(exc))
    action = policy.decide(stage, error)
    if action is Action.RAISE:
        raise error
    reason = str(error) or type(error).__name__
    if action is Action.SKIP:
        return Checked(submission.origin, error=reason)
    letter = build_dead_letter(
        service=SERVICE,
        stage=str(stage),
        error=f"{submission.origin}: {reason}",
        payload=submission.payload,
        now=now,
    )
    return Checked(submission.origin, dead_letter=letter, error=reason)


class Ingestor:
    def __init__(
        self,
        settings: IngestSettings,
        producer: MessageProducer,
        seen: SeenStore,
        metrics: IngestMetrics,
        policy: ErrorPolicy,
        clock: Clock = utc_now,
    ) -> None:
        self._producer = producer
        self._seen = seen
        self._metrics = metrics
        self._policy = policy
        self._clock = clock
        self._dead_letters = DeadLetterPublisher(producer, settings)
        self.articles_topic = topic_name(ARTICLES_RAW, settings.topic_prefix)

    def ingest(self, submissions: Sequence[Submission]) -> list[Outcome]:
        now = self._clock()
        checked = [check(s, now, self._policy) for s in submissions]
        fresh = self._claim(checked, now)
        records = [OutgoingRecord(self.articles_topic, a.id, a) for a in fresh.values()]
        letters = [c.dead_letter for c in checked if c.dead_letter is not None]
        try:
            self._producer.publish_many(records + self._dead_letters.records(letters))
        except PublishError:
            self._metrics.publish_failures.inc()
            self._seen.release(list(fresh))
            raise
        outcomes = [self._outcome(c, fresh) for c in checked]
        for outcome in outcomes:
            self._metrics.articles.labels(outcome=outcome.status).inc()
        return outcomes

    def _claim(self, checked: Sequence[Checked], now: dt.datetime) -> dict[str, RawArticle]:
        """Articles (by id, first occurrence) that the seen-set did not know."""
        distinct: dict[str, RawArticle] = {}
        for c in checked:
            if c.article is not None:
                distinct.setdefault(c.article.id, c.article)
        claims = self._seen.claim(list(distinct), now.isoformat())
        fresh = {i: a for (i, a), new in zip(distinct.items(), claims, strict=True) if new}
        return fresh

    def _outcome(self, c: Checked, fresh: dict[str, RawArticle]) -> Outcome:
        if c.article is not None:
            new = fresh.get(c.article.id) is c.article
            return Outcome(c.origin, "new" if new else "seen", id=c.article.id)
        if c.dead_letter is not None:
            return Outcome(c.origin, "dead_lettered", error=c.error)
        return Outcome(c.origin, "skipped", error=c.error)

    def ready(self) -> dict[str, bool]:
        return {"kafka": self._producer.connected(), "redis": self._seen.ping()}
