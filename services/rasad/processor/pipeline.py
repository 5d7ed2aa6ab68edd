"""Pure steps of the processor: decode a raw record, enrich it, and fan it out.

The faust agent (:mod:`rasad.processor.app`) calls these and does the I/O around them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rasad.common.error_policy import EmptyRecord
from rasad.common.messages import EnrichedArticle, EventRecord, Extraction, MentionRecord, RawArticle
from rasad.common.topics import EVENT_TOPICS, MENTIONS, Topic
from rasad.counting.facts import ArticleFacts, Vocabulary, article_facts
from rasad.processor.stories import StoryAssignment

FANNED_OUT_KINDS = ("entity", "weapon", "keyword")


@dataclass(frozen=True)
class Outputs:
    """Everything one raw article produces."""

    enriched: EnrichedArticle
    facts: ArticleFacts
    records: tuple[tuple[Topic, str, MentionRecord | EventRecord], ...]


def decode_raw(value: bytes | None) -> RawArticle:
    """The raw article of a record; pydantic's ValidationError names the field and reason."""
    if not value:
        raise EmptyRecord("record has no value")
    return RawArticle.model_validate_json(value)


def enrich(raw: RawArticle, extraction: Extraction, story: StoryAssignment) -> EnrichedArticle:
    # the extraction's fields as they are (validated models are not validated again)
    return EnrichedArticle(
        **dict(extraction),
        title=raw.title,
        url=raw.url,
        source=raw.source,
        published_at=raw.published_at,
        ingested_at=raw.ingested_at,
        story_id=story.story_id,
        duplicate_of=story.duplicate_of,
    )


def fan_out(
    enriched: EnrichedArticle, facts: ArticleFacts
) -> list[tuple[Topic, str, MentionRecord | EventRecord]]:
    """One mention record per distinct entity, weapon and keyword; one event record per event."""
    event_time = dt.datetime.fromtimestamp(facts.event_time, dt.UTC)
    common = {"article_id": enriched.id, "story_id": enriched.story_id, "source": facts.source}
    counts = {("entity", e.id): len(e.mentions) for e in enriched.entities}
    counts |= {("weapon", w.id): len(w.mentions) for w in enriched.weapons}
    records: list[tuple[Topic, str, MentionRecord | EventRecord]] = [
        (
            MENTIONS,
            fact.key,
            MentionRecord(
                kind=fact.kind,
                key=fact.key,
                name=fact.name,
                count=max(1, counts.get((fact.kind, fact.key), 1)),
                event_time=event_time,
                **common,
            ),
        )
        for fact in facts.facts
        if fact.kind in FANNED_OUT_KINDS
    ]
    records += [
        (EVENT_TOPICS[event.type], event.event_key, EventRecord(event=event, event_time=event_time, **common))
        for event in enriched.events
    ]
    return records


def build_outputs(
    raw: RawArticle, extraction: Extraction, story: StoryAssignment, vocabulary: Vocabulary | None
) -> Outputs:
    enriched = enrich(raw, extraction, story)
    facts = article_facts(enriched, vocabulary, text=raw.text)
    return Outputs(enriched=enriched, facts=facts, records=tuple(fan_out(enriched, facts)))
