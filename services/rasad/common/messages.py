"""Versioned pydantic models of every message rasad puts on Kafka.

Each model carries a ``schema_version`` literal. A change that breaks readers bumps it;
``rasad schemas`` regenerates ``schemas/`` from these classes and a test fails when the
generated files and the models drift apart.
"""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

NonEmptyStr = Annotated[str, StringConstraints(min_length=1)]
ArticleId = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:\-]+$")]
QID = Annotated[str, StringConstraints(pattern=r"^Q[1-9][0-9]*$")]

EntityType = Literal["PERSON", "ORG", "COUNTRY", "PLACE"]
WeaponCategory = Literal[
    "air_defense",
    "fighter_aircraft",
    "attack_aircraft",
    "helicopter",
    "tank",
    "artillery_rocket",
    "missile",
    "drone",
    "small_arms",
    "other",
]
EventType = Literal["strike", "arms_transfer", "cooperation"]
ArmsStatus = Literal["offered", "negotiating", "agreed", "delivered", "denied"]
MentionKind = Literal["entity", "weapon", "keyword"]
Severity = Literal["info", "warning", "critical"]

MAX_TEXT_CHARS = 500_000


class Message(BaseModel):
    """Base of every Kafka message: unknown fields are rejected, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class RawArticle(Message):
    """An article as the ingest service accepted it (topic ``articles.raw``)."""

    schema_version: Literal[1] = 1
    id: ArticleId = Field(description="Stable id: hash of the canonical URL, else of the normalized text.")
    text: Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT_CHARS)]
    title: str | None = None
    url: str | None = None
    source: str | None = Field(default=None, description="Publisher or feed the article came from.")
    lang: str | None = Field(default=None, description="ISO 639-1 code, detected when missing.")
    published_at: datetime | None = None
    ingested_at: AwareDatetime


class Span(Message):
    """A stretch of the article's text: ``text == article.text[start:end]``."""

    text: str
    start: Annotated[int, Field(ge=0)]
    end: Annotated[int, Field(ge=0)]


class Entity(Message):
    id: NonEmptyStr = Field(description="Wikidata QID when known, else a stable id derived from the name.")
    name: NonEmptyStr
    type: EntityType
    wikidata: QID | None = None
    mentions: list[Span] = Field(default_factory=list)


class Weapon(Message):
    id: NonEmptyStr
    name: NonEmptyStr
    category: WeaponCategory
    wikidata: QID | None = None
    mentions: list[Span] = Field(default_factory=list)


class Ref(Message):
    """A reference to an entity or weapon of the article; ``id`` is null for free-text targets."""

    id: str | None = None
    name: NonEmptyStr


class PlaceRef(Ref):
    lat: float | None = None
    lon: float | None = None


class EventCodes(Message):
    cameo: str | None = Field(default=None, description="CAMEO event code, e.g. 190, 193, 195.")
    acled: str | None = Field(default=None, description="ACLED sub-event type, e.g. 'Air/drone strike'.")


class Event(Message):
    """A strike, arms transfer or cooperation event stated by the article."""

    event_key: NonEmptyStr = Field(description="Stable key from type, actors, place and date.")
    type: EventType
    subtype: str | None = None
    attacker: Ref | None = Field(default=None, description="Attacker (strike) or supplier (arms_transfer).")
    target: Ref | None = Field(default=None, description="Target (strike) or recipient (arms_transfer).")
    location: PlaceRef | None = None
    date: dt.date | None = None
    killed: Annotated[int, Field(ge=0)] | None = Field(
        default=None, description="Killed; the lower bound when the article gives a range."
    )
    injured: Annotated[int, Field(ge=0)] | None = Field(
        default=None, description="Injured; the lower bound when the article gives a range."
    )
    killed_max: Annotated[int, Field(ge=0)] | None = Field(
        default=None,
        description="Upper bound of a killed range (العشرات, dozens); null when exact or unknown.",
    )
    injured_max: Annotated[int, Field(ge=0)] | None = Field(
        default=None, description="Upper bound of an injured range; null when exact or unknown."
    )
    weapon: Ref | None = None
    status: ArmsStatus | None = None
    codes: EventCodes = Field(default_factory=EventCodes)
    confidence: Annotated[float, Field(ge=0.0, le=1.0)] = 0.5
    evidence: list[Span] = Field(default_factory=list)


class Extraction(Message):
    """What ``rasad extract`` writes for one article."""

    id: ArticleId
    lang: str | None = None
    extractor_version: NonEmptyStr
    entities: list[Entity] = Field(default_factory=list)
    weapons: list[Weapon] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)


class EnrichedArticle(Extraction):
    """An article with its extraction and story (topic ``articles.enriched``)."""

    schema_version: Literal[1] = 1
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published_at: datetime | None = None
    ingested_at: AwareDatetime | None = None
    story_id: str | None = Field(default=None, description="Shared by syndicated copies of one story.")
    duplicate_of: str | None = Field(default=None, description="Article id this one near-duplicates.")


class MentionRecord(Message):
    """One mentioned entity, weapon or watched keyword of an article (topic ``mentions``)."""

    schema_version: Literal[1] = 1
    kind: MentionKind
    key: NonEmptyStr = Field(description="The mentioned id; also the Kafka key.")
    name: NonEmptyStr
    article_id: ArticleId
    story_id: str | None = None
    source: str | None = None
    count: Annotated[int, Field(ge=1)] = 1
    event_time: AwareDatetime


class EventRecord(Message):
    """An extracted event with its article (topics ``events.strike``, ``events.arms_transfer``,
    ``events.cooperation``)."""

    schema_version: Literal[1] = 1
    article_id: ArticleId
    story_id: str | None = None
    source: str | None = None
    event_time: AwareDatetime
    event: Event


class AlertArticle(Message):
    id: str
    title: str | None = None


class Alert(Message):
    """A spike notice with its evidence (topic ``alerts``)."""

    schema_version: Literal[1] = 1
    alert_id: NonEmptyStr
    status: Literal["firing", "update", "resolved"] = "firing"
    kind: NonEmptyStr = Field(description="entity, weapon, keyword, event or pair.")
    key: NonEmptyStr
    name: NonEmptyStr
    window_start: AwareDatetime
    window_end: AwareDatetime
    observed: Annotated[int, Field(ge=0)]
    expected: Annotated[float, Field(ge=0.0)]
    ratio: Annotated[float, Field(ge=0.0)] | None = None
    p_value: Annotated[float, Field(ge=0.0, le=1.0)]
    severity: Severity
    first_seen: AwareDatetime | None = None
    last_seen: AwareDatetime | None = None
    article_ids: list[str] = Field(default_factory=list)
    articles: list[AlertArticle] = Field(default_factory=list)


class DeadLetter(Message):
    """A record that could not be handled, with the cause (topic ``deadletter``)."""

    schema_version: Literal[1] = 1
    service: NonEmptyStr
    stage: NonEmptyStr = Field(description="Where it failed: validate, decode, extract, publish ...")
    error_type: NonEmptyStr
    error: NonEmptyStr = Field(description="Why it failed, naming the field where there is one.")
    source_topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    key: str | None = None
    payload: str = Field(description="The record as received, decoded as UTF-8 with replacement.")
    failed_at: AwareDatetime
