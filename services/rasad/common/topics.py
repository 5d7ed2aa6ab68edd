"""Every Kafka topic of rasad, in one place.

Services and tests call :func:`topic_name` with their settings' ``topic_prefix`` so that
each test run can work on topics of its own. The AsyncAPI document in ``schemas/`` is
generated from :data:`TOPICS`.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from rasad.common import messages as m


@dataclass(frozen=True)
class Topic:
    name: str
    message: type[BaseModel]
    key: str
    partitions: int
    producers: tuple[str, ...]
    consumers: tuple[str, ...]
    description: str


ARTICLES_RAW = Topic(
    "articles.raw",
    m.RawArticle,
    "article id",
    6,
    ("ingest",),
    ("processor",),
    "Articles as accepted by ingest, one record per article.",
)
ARTICLES_ENRICHED = Topic(
    "articles.enriched",
    m.EnrichedArticle,
    "article id",
    6,
    ("processor",),
    ("alerting", "subscribers"),
    "Articles with entities, weapons, events and story id.",
)
MENTIONS = Topic(
    "mentions",
    m.MentionRecord,
    "mentioned id (entity, weapon or keyword id)",
    6,
    ("processor",),
    ("alerting", "subscribers"),
    "One record per distinct entity, weapon or watched keyword mentioned by an article.",
)
EVENTS_STRIKE = Topic(
    "events.strike",
    m.EventRecord,
    "event_key",
    3,
    ("processor",),
    ("alerting", "subscribers"),
    "Strike events: air and drone strikes, shelling, rocket and missile attacks, IEDs, raids.",
)
EVENTS_ARMS_TRANSFER = Topic(
    "events.arms_transfer",
    m.EventRecord,
    "event_key",
    3,
    ("processor",),
    ("alerting", "subscribers"),
    "Arms-transfer events: sales, supplies, deliveries, deals and offers, with their status.",
)
EVENTS_COOPERATION = Topic(
    "events.cooperation",
    m.EventRecord,
    "event_key",
    3,
    ("processor",),
    ("alerting", "subscribers"),
    "Military cooperation events: meetings, agreements, training, intelligence sharing.",
)
ALERTS = Topic(
    "alerts",
    m.Alert,
    "alert_id",
    1,
    ("alerting",),
    ("subscribers",),
    "Spike alerts on actors, keywords, weapons and pairs, with their evidence.",
)
DEADLETTER = Topic(
    "deadletter",
    m.DeadLetter,
    "the failed record's key, when it had one",
    1,
    ("ingest", "processor", "alerting"),
    ("operators",),
    "Records that failed validation or processing, with the cause, so that nothing is lost.",
)

TOPICS: tuple[Topic, ...] = (
    ARTICLES_RAW,
    ARTICLES_ENRICHED,
    MENTIONS,
    EVENTS_STRIKE,
    EVENTS_ARMS_TRANSFER,
    EVENTS_COOPERATION,
    ALERTS,
    DEADLETTER,
)
EVENT_TOPICS = {
    "strike": EVENTS_STRIKE,
    "arms_transfer": EVENTS_ARMS_TRANSFER,
    "cooperation": EVENTS_COOPERATION,
}


def topic_name(topic: Topic, prefix: str = "") -> str:
    """The topic's name on the broker, under the deployment's (or test's) prefix."""
    return f"{prefix}{topic.name}"
