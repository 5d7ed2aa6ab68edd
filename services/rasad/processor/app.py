"""The faust-streaming application: one agent over ``articles.raw``.

Records are taken in batches (up to ``processor_batch_max``, or what arrived within
``processor_batch_within_s``). Per batch, in this order: decode and extract each record →
assign the stories (one Redis round trip, one atomic script call per article, in order) →
publish every enriched article, mention and event and await all the broker's
acknowledgements together → count in Redis (one round trip, idempotent per article and
story) → faust commits the batch's offsets. A worker killed at any point redelivers from the
last commit; the Redis marks make the counts exact, and the published topics are
at-least-once with stable keys.

Poison records go to the dead-letter topic (the error policy decides); Redis or Kafka
failing is retried with backoff, never skipped.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import faust
import redis
from aiokafka.errors import KafkaError
from faust.sensors.prometheus import setup_prometheus_sensors
from faust.streams import Stream
from faust.types import EventT
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from rasad.common.error_policy import DEFAULT_POLICY, Action, ErrorPolicy, Stage
from rasad.common.errors import RasadError
from rasad.common.kafka.deadletter import build_dead_letter
from rasad.common.messages import Extraction, RawArticle
from rasad.common.settings import ProcessorSettings
from rasad.common.topics import ARTICLES_ENRICHED, ARTICLES_RAW, DEADLETTER, TOPICS, Topic, topic_name
from rasad.counting.facts import Vocabulary
from rasad.counting.store import CountStore
from rasad.processor.health import Liveness
from rasad.processor.metrics import ProcessorMetrics
from rasad.processor.pipeline import Outputs, build_outputs, decode_raw
from rasad.processor.stories import StoryStore

log = logging.getLogger("rasad.processor")
T = TypeVar("T")
Extractor = Callable[[RawArticle], Extraction]
RETRY_MAX_SECONDS = 10.0
#: Failures of the infrastructure, retried until it comes back; anything else is raised.
TRANSIENT: tuple[type[BaseException], ...] = (OSError, RasadError, redis.RedisError, KafkaError)


@dataclass
class Processor:
    """What the agent needs, built once in ``main()`` and injected."""

    settings: ProcessorSettings
    extractor: Extractor
    stories: StoryStore
    counts: CountStore
    vocabulary: Vocabulary | None
    metrics: ProcessorMetrics
    policy: ErrorPolicy = DEFAULT_POLICY
    liveness: Liveness = field(default_factory=Liveness)
    lag: dict[Any, int] = field(default_factory=dict)

    def total_lag(self) -> int:
        return sum(self.lag.values())


def broker_credentials(settings: ProcessorSettings) -> faust.auth.Credentials | None:
    """faust's view of the Kafka security settings the kafka-python clients use."""
    protocol = settings.kafka_security_protocol
    if protocol == "PLAINTEXT":
        return None
    context = ssl.create_default_context(cafile=settings.kafka_ssl_cafile) if "SSL" in protocol else None
    if protocol.startswith("SASL"):
        password = settings.kafka_sasl_password.get_secret_value() if settings.kafka_sasl_password else None
        return faust.SASLCredentials(
            username=settings.kafka_sasl_username,
            password=password,
            ssl_context=context,
            mechanism=settings.kafka_sasl_mechanism,
        )
    return faust.SSLCredentials(context)


def create_app(processor: Processor, registry: CollectorRegistry) -> faust.App:
    settings = processor.settings
    app = faust.App(
        settings.processor_app_id,
        broker=[f"kafka://{server}" for server in settings.kafka_bootstrap_servers.split(",")],
        broker_credentials=broker_credentials(settings),
        store="memory://",
        topic_replication_factor=1,
        topic_allow_declare=True,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        # a batch's records are sent at once: fewer, larger produce requests
        producer_linger=0.005,
        producer_max_batch_size=1 << 19,
        web_bind=settings.processor_host,
        web_port=settings.processor_port,
        web_host=settings.processor_host,
        web_in_thread=False,
    )
    topics = {t.name: _topic(app, t, settings.topic_prefix) for t in TOPICS}

    @app.agent(topics[ARTICLES_RAW.name], name="enrich")
    async def enrich_articles(stream: faust.StreamT) -> None:
        # StreamT does not declare take_events; faust's Stream (what agents get) has it.
        async for events in cast(Stream, stream).take_events(
            settings.processor_batch_max, settings.processor_batch_within_s
        ):
            await handle_batch(processor, topics, list(events))

    @app.page("/healthz")
    async def healthz(web: Any, request: Any) -> Any:
        ok, detail = processor.liveness.healthy(time.time(), processor.total_lag())
        return web.json({"status": "ok" if ok else "stalled", "detail": detail}, status=200 if ok else 503)

    # faust's own sensor names carry milliseconds and the app id; they are served apart
    # so that /metrics keeps to base units and stable names.
    setup_prometheus_sensors(
        app, pattern="/faust/metrics", registry=CollectorRegistry(), name_prefix="rasad_processor_faust"
    )

    @app.page("/metrics")
    async def metrics(web: Any, request: Any) -> Any:
        return web.bytes(generate_latest(registry), content_type=CONTENT_TYPE_LATEST.split(";")[0])

    @app.task
    async def on_start() -> None:
        processor.liveness.start(time.time())

    return app


def _topic(app: faust.App, topic: Topic, prefix: str) -> faust.TopicT:
    return app.topic(
        topic_name(topic, prefix), partitions=topic.partitions, key_serializer="raw", value_serializer="raw"
    )


async def handle_batch(processor: Processor, topics: dict[str, faust.TopicT], events: list[EventT]) -> None:
    """One batch: extract each record, claim all stories in one Redis round trip, publish every
    output and await the acknowledgements together, count all articles in one round trip.
    faust commits the batch's offsets only after this returns."""
    steps = StepTimer(processor.metrics)
    processor.metrics.batch_records.observe(len(events))
    decoded = [item for item in [await _decode(processor, topics, event) for event in events] if item]
    steps.done("extract")
    if decoded:
        claims = [(raw.id, raw.text) for raw, _ in decoded]
        stories = await _retry(processor, Stage.COUNT, lambda: _async(processor.stories.assign_many, claims))
        steps.done("stories")
        batch = [
            build_outputs(raw, extraction, story, processor.vocabulary)
            for (raw, extraction), story in zip(decoded, stories, strict=True)
        ]
        steps.done("outputs")
        await _retry(processor, Stage.PUBLISH, lambda: _publish(topics, batch))
        steps.done("publish")
        new = await _retry(processor, Stage.COUNT, lambda: _count(processor, batch))
        steps.done("count")
        _observe(processor, batch, new)
    _track_progress(processor, events)


class StepTimer:
    """Observes the time since the previous step into ``batch_step_seconds{step}``."""

    def __init__(self, metrics: ProcessorMetrics) -> None:
        self._metrics = metrics
        self._last = time.perf_counter()

    def done(self, step: str) -> None:
        now = time.perf_counter()
        self._metrics.batch_step_seconds.labels(step=step).observe(now - self._last)
        self._last = now


async def _decode(
    processor: Processor, topics: dict[str, faust.TopicT], event: EventT
) -> tuple[RawArticle, Extraction] | None:
    stage = Stage.VALIDATE
    try:
        raw = decode_raw(event.value)
        stage = Stage.EXTRACT
        started = time.perf_counter()
        extraction = processor.extractor(raw)
        processor.metrics.extraction_seconds.observe(time.perf_counter() - started)
    except Exception as exc:  # the error policy decides; anything it does not cover is raised
        await _reject(processor, topics, event, stage, exc)
        return None
    return raw, extraction


def _observe(processor: Processor, batch: list[Outputs], new: list[bool]) -> None:
    now, metrics = time.time(), processor.metrics
    counted = sum(new)
    if counted:
        metrics.articles.labels(outcome="counted").inc(counted)
    if counted < len(new):
        metrics.articles.labels(outcome="redelivered").inc(len(new) - counted)
    for outputs in batch:
        ingested = outputs.enriched.ingested_at
        if ingested is not None:
            metrics.end_to_end_seconds.observe(max(0.0, now - ingested.timestamp()))


async def _reject(
    processor: Processor, topics: dict[str, faust.TopicT], event: EventT, stage: Stage, exc: Exception
) -> None:
    action = processor.policy.decide(stage, exc)
    processor.metrics.failures.labels(stage=stage.value).inc()
    if action is Action.RAISE:
        raise exc
    if action is Action.SKIP:
        processor.metrics.articles.labels(outcome="skipped").inc()
        return
    message = event.message
    letter = build_dead_letter(
        service="processor",
        stage=stage.value,
        error=exc,
        payload=event.value,
        key=message.key.decode("utf-8", "replace") if isinstance(message.key, bytes) else None,
        source_topic=message.topic,
        partition=message.partition,
        offset=message.offset,
    )
    await _send(topics[DEADLETTER.name], letter.key, letter.model_dump_json().encode())
    processor.metrics.dead_letters.inc()
    processor.metrics.articles.labels(outcome="dead_lettered").inc()
    log.warning(
        "dead-lettered %s[%s]@%s at %s: %s", message.topic, message.partition, message.offset, stage, exc
    )


async def _publish(topics: dict[str, faust.TopicT], batch: list[Outputs]) -> None:
    """Every record of the batch handed to the producer at once, then all the broker's
    acknowledgements awaited together (straight to the producer: faust's per-record
    bookkeeping in ``Topic.send`` cost more than the send itself)."""
    producer = topics[ARTICLES_ENRICHED.name].app.producer
    enriched_topic = topics[ARTICLES_ENRICHED.name].get_topic_name()
    acks = []
    for outputs in batch:
        enriched = outputs.enriched
        records = [(enriched_topic, enriched.id, enriched.model_dump_json().encode())]
        records += [
            (topics[topic.name].get_topic_name(), key, record.model_dump_json().encode())
            for topic, key, record in outputs.records
        ]
        for name, key, value in records:
            acks.append(await producer.send(name, key.encode() if key else None, value, None, None, None))
    await asyncio.gather(*acks)


async def _send(topic: faust.TopicT, key: str | None, value: bytes) -> None:
    pending = await topic.send(key=key.encode() if key else None, value=value)
    await pending  # the broker's acknowledgement (acks=all)


async def _count(processor: Processor, batch: list[Outputs]) -> list[bool]:
    new = await _async(processor.counts.record_many, [outputs.facts for outputs in batch])
    processor.metrics.counted.inc(
        sum(len(o.facts.facts) for o, is_new in zip(batch, new, strict=True) if is_new)
    )
    return new


async def _async(fn: Callable[..., T], *args: Any) -> T:
    return fn(*args)


async def _retry(processor: Processor, stage: Stage, attempt: Callable[[], Awaitable[T]]) -> T:
    """Retry an infrastructure step with backoff until it succeeds: nothing is skipped."""
    delay = 0.2
    while True:
        try:
            return await attempt()
        except TRANSIENT as exc:
            processor.metrics.failures.labels(stage=stage.value).inc()
            log.warning("%s failed (%s); retrying in %.1fs", stage, exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_MAX_SECONDS)


def _track_progress(processor: Processor, events: list[EventT]) -> None:
    if not events:
        return
    now = time.time()
    processor.metrics.last_processed.set(now)
    consumer = events[0].app.consumer
    last = {event.message.tp: event.message.offset for event in events}
    for tp, offset in last.items():
        highwater = consumer.highwater(tp)
        if highwater is not None:
            processor.lag[tp] = max(0, highwater - offset - 1)
    lag = processor.total_lag()
    processor.metrics.consumer_lag.set(lag)
    processor.liveness.progressed(now, lag)
