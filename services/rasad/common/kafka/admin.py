"""Create (and, for tests, delete) rasad's topics on the broker.

Topic names come from :data:`rasad.common.topics.TOPICS` under a prefix, so that a deployment
or a test works on topics of its own; partition counts come from the same place.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from rasad.common.errors import RasadError
from rasad.common.settings import ServiceSettings
from rasad.common.topics import TOPICS, Topic, topic_name


class TopicAdminError(RasadError):
    """Topics could not be created, listed or deleted."""


@contextmanager
def admin_client(
    settings: ServiceSettings, client_id: str = "rasad-admin", connect_timeout_s: float = 10.0
) -> Iterator[KafkaAdminClient]:
    try:
        client = KafkaAdminClient(
            **settings.kafka_client_options(),
            client_id=client_id,
            bootstrap_timeout_ms=int(connect_timeout_s * 1000),
        )
    except KafkaError as exc:
        raise TopicAdminError(f"Kafka at {settings.kafka_bootstrap_servers} is unreachable: {exc}") from exc
    try:
        yield client
    finally:
        client.close()


def topic_specs(prefix: str, topics: Iterable[Topic] = TOPICS) -> dict[str, int]:
    """Broker topic name → partition count."""
    return {topic_name(t, prefix): t.partitions for t in topics}


def ensure_topics(
    settings: ServiceSettings,
    prefix: str | None = None,
    topics: Iterable[Topic] = TOPICS,
    replication_factor: int = 1,
    connect_timeout_s: float = 10.0,
) -> list[str]:
    """Create the topics that do not exist yet; return every topic name. Idempotent."""
    specs = topic_specs(settings.topic_prefix if prefix is None else prefix, topics)
    with admin_client(settings, connect_timeout_s=connect_timeout_s) as admin:
        try:
            missing = {name: n for name, n in specs.items() if name not in set(admin.list_topics())}
            if missing:
                admin.create_topics(
                    {
                        name: {"num_partitions": n, "replication_factor": replication_factor}
                        for name, n in missing.items()
                    },
                    raise_errors=False,
                    wait_for_metadata=True,
                )
            absent = sorted(set(specs) - set(admin.list_topics()))
        except KafkaError as exc:
            raise TopicAdminError(f"could not create topics {sorted(specs)}: {exc}") from exc
    if absent:
        raise TopicAdminError(f"topics still missing after creation: {', '.join(absent)}")
    return sorted(specs)


def delete_topics(settings: ServiceSettings, names: Iterable[str]) -> None:
    """Delete the named topics that exist (test clean-up)."""
    with admin_client(settings) as admin:
        try:
            existing = sorted(set(names) & set(admin.list_topics()))
            if existing:
                admin.delete_topics(existing, raise_errors=False)
        except KafkaError as exc:
            raise TopicAdminError(f"could not delete topics: {exc}") from exc
