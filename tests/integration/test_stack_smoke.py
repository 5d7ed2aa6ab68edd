"""The real stack answers: Kafka round-trips a record, Redis stores a key, Prometheus is ready."""

from __future__ import annotations

import json
import os
import uuid

import httpx
import pytest
import redis
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic

from rasad.common.settings import DEFAULT_PROMETHEUS_PORT, ServiceSettings

pytestmark = pytest.mark.integration


def test_kafka_round_trip_on_a_fresh_topic() -> None:
    settings = ServiceSettings()
    topic = f"smoke-{uuid.uuid4().hex[:12]}"
    admin = KafkaAdminClient(**settings.kafka_client_options(), client_id="rasad-smoke")
    try:
        admin.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1)])
        version = ".".join(map(str, admin._client.check_version()))
        print(f"\nKafka broker at {settings.kafka_bootstrap_servers} speaks API version {version}")
        producer = KafkaProducer(
            **settings.kafka_client_options(),
            acks="all",
            enable_idempotence=True,
        )
        sent = [{"n": i, "text": "مقتل قاسم سليماني"} for i in range(10)]
        for record in sent:
            producer.send(topic, key=str(record["n"]).encode(), value=json.dumps(record).encode())
        producer.flush(timeout=30)
        producer.close()
        consumer = KafkaConsumer(
            topic,
            **settings.kafka_client_options(),
            group_id=f"smoke-{uuid.uuid4().hex}",
            auto_offset_reset="earliest",
            consumer_timeout_ms=15000,
        )
        received = []
        for message in consumer:
            received.append(json.loads(message.value))
            if len(received) == len(sent):
                break
        consumer.close()
        assert sorted(received, key=lambda r: r["n"]) == sent
    finally:
        admin.delete_topics([topic])
        admin.close()


def test_redis_write_and_read_under_a_test_prefix() -> None:
    client = redis.Redis.from_url(ServiceSettings().redis_url)
    key = f"test:{uuid.uuid4().hex}:smoke"
    try:
        assert client.set(key, "رصد", ex=60)
        assert client.get(key) == "رصد".encode()
        print(f"\nRedis {client.info('server')['redis_version']} answered")
    finally:
        client.delete(key)
        client.close()


def test_prometheus_is_ready() -> None:
    url = os.environ.get("RASAD_PROMETHEUS_URL", f"http://127.0.0.1:{DEFAULT_PROMETHEUS_PORT}")
    assert httpx.get(f"{url}/-/ready", timeout=5).status_code == 200
    targets = httpx.get(f"{url}/api/v1/targets", timeout=5).json()
    assert targets["status"] == "success"
    jobs = {t["labels"]["job"] for t in targets["data"]["activeTargets"]}
    assert {"prometheus", "ingest", "processor", "alerting"} <= jobs
