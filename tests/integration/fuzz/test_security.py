"""Security on the services as processes: the ingest token is required beyond loopback, and
tokens, passwords and webhook paths never show in logs, metrics, error replies or dead letters."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import redis

from rasad.alerting.delivery import DeliveryFailed, DeliveryRejected, WebhookSink
from rasad.alerting.webhooks import slack_body
from rasad.common.messages import Alert
from rasad.stack import redis_server
from rasad.stack.settings import StackSettings

from ..alerting.conftest import Receiver, ServiceProcess, StartService, wait_for
from ..conftest import Endpoints, StackEnv, free_port
from ..faults.conftest import PrivateServer, counted_articles
from ..processor.conftest import SAMPLES

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TOKEN = "tok-7f3a9c1e5b2d4f60"
REDIS_PASSWORD = "pw-c0ffee4b1d9e2a77"
SASL_PASSWORD = "sasl-5e8d2b7c9a1f3e46"
HOOK_SECRET = "hooksecret9d7c5b3a"
SECRETS = (TOKEN, REDIS_PASSWORD, SASL_PASSWORD, HOOK_SECRET)


def secured_redis_ready(settings: StackSettings) -> str | None:
    client = redis.Redis(
        host=settings.host, port=settings.redis_port, password=REDIS_PASSWORD, socket_timeout=2
    )
    try:
        return "ready" if client.ping() else None
    except (redis.RedisError, OSError):
        return None
    finally:
        client.close()


@pytest.fixture
def secured_redis(tmp_path: Path) -> Iterator[PrivateServer]:
    settings = StackSettings(state_dir=tmp_path / "private-stack", redis_port=free_port())
    argv = [*redis_server.prepare(settings), "--requirepass", REDIS_PASSWORD]
    server = PrivateServer("redis", settings, argv, secured_redis_ready)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def stack_endpoints(stack_endpoints: Endpoints, secured_redis: PrivateServer) -> Endpoints:
    """The shared broker and a Redis that requires a password (given in the URL for fixtures)."""
    port = secured_redis.settings.redis_port
    return Endpoints(stack_endpoints.kafka_bootstrap_servers, f"redis://:{REDIS_PASSWORD}@127.0.0.1:{port}/0")


def secret_env(env: StackEnv) -> dict[str, str]:
    """The password apart from the URL, as a deployment sets it, plus secrets that go unused."""
    plain = env.endpoints.redis_url.replace(f":{REDIS_PASSWORD}@", "")
    return {
        "RASAD_REDIS_URL": plain,
        "RASAD_REDIS_PASSWORD": REDIS_PASSWORD,
        "RASAD_KAFKA_SASL_USERNAME": "rasad",
        "RASAD_KAFKA_SASL_PASSWORD": SASL_PASSWORD,
        "RASAD_LOG_LEVEL": "DEBUG",
    }


def assert_no_secret(where: str, text: str) -> None:
    leaked = [s for s in SECRETS if s in text]
    assert not leaked, f"{where} shows {leaked}"


def test_ingest_beyond_loopback_without_a_token_refuses_to_start(start_service: StartService) -> None:
    service = start_service("ingest", wait=False, RASAD_INGEST_HOST="0.0.0.0")
    assert service.process.wait(timeout=60) == 2
    output = service.output()
    assert "RASAD_INGEST_API_TOKEN" in output and "Traceback" not in output


def test_no_secret_in_logs_metrics_or_error_replies(
    stack_env: StackEnv,
    start_service: StartService,
    secured_redis: PrivateServer,
    receiver_factory: Callable[..., Receiver],
) -> None:
    env = secret_env(stack_env)
    hook = receiver_factory(*([500] * 10))
    ingest = start_service("ingest", RASAD_INGEST_API_TOKEN=TOKEN, **env)
    processor = start_service("processor", **env)
    alerting = start_service(
        "alerting",
        RASAD_ALERTING_SLACK_WEBHOOK_URLS=f"{hook.url}/services/T0/B0/{HOOK_SECRET}",
        RASAD_ALERTING_WEBHOOK_ALLOWED_HOSTS="127.0.0.1",
        **env,
    )
    services: list[ServiceProcess] = [ingest, processor, alerting]
    article = {"id": "secure-1", "text": SAMPLES.read_text(encoding="utf-8").splitlines()[0][40:900]}
    replies = []
    for headers in ({}, {"authorization": f"Bearer {TOKEN}x"}, {"authorization": f"Basic {TOKEN}"}):
        reply = httpx.post(f"{ingest.url}/v1/articles", json=article, headers=headers, timeout=30)
        assert reply.status_code == 401 and reply.json()["error"] == "missing or wrong bearer token"
        replies.append(reply.text)
    auth = {"authorization": f"Bearer {TOKEN}"}
    bad = httpx.post(f"{ingest.url}/v1/articles", json={"text": ""}, headers=auth, timeout=30)
    assert bad.status_code == 422
    ok = httpx.post(f"{ingest.url}/v1/articles", json=article, headers=auth, timeout=30)
    assert ok.status_code == 200, ok.text
    wait_for(
        "the article counted through the password-protected Redis",
        lambda: counted_articles(stack_env.endpoints.redis_url, stack_env.key_prefix) == 1,
        timeout_s=60,
    )
    metrics = [httpx.get(f"{s.url}/metrics", timeout=10).text for s in services]

    secured_redis.stop()  # errors now carry connection details
    down = httpx.post(
        f"{ingest.url}/v1/articles", json={**article, "id": "secure-2"}, headers=auth, timeout=60
    )
    assert down.status_code == 503, down.text
    ready = httpx.get(f"{ingest.url}/readyz", timeout=30)
    top = httpx.get(f"{alerting.url}/top", timeout=30)
    assert ready.status_code == 503 and top.status_code == 503, top.text
    time.sleep(2)
    for text in [*replies, bad.text, down.text, ready.text, top.text]:
        assert_no_secret("an error reply", text)
    for service, text in zip(services, metrics, strict=True):
        assert_no_secret(f"{service.name} /metrics", text)
    for service in services:
        service.stop()
        assert_no_secret(f"{service.name}'s log", service.log.read_text(errors="replace"))
    secured_redis.start()  # for the clean-up of the test's keys


def test_webhook_failures_do_not_name_the_secret_path(
    receiver_factory: Callable[..., Receiver], make_alert: Callable[..., Alert]
) -> None:
    hook = receiver_factory(500, 404)
    with httpx.Client(timeout=5) as client:
        sink = WebhookSink(client, f"{hook.url}/services/T0/B0/{HOOK_SECRET}", slack_body)
        for _ in range(2):
            with pytest.raises((DeliveryFailed, DeliveryRejected)) as failure:
                sink.deliver(make_alert())
            assert_no_secret("a delivery error", str(failure.value))
            assert "127.0.0.1" in str(failure.value)
