"""Monitoring end to end: ingest, the processor and the alerting service as processes, a
Prometheus of the test's own (Debian's binary, loopback port) scraping them, a replay of the
sample articles plus an injected spike, then every Grafana panel's query must return data.
Also ``promtool check metrics`` on each service's real /metrics, and the rules' unit tests."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from kafka import KafkaProducer

from rasad.common.topics import ARTICLES_RAW
from tests.unit.alerting_service.spikes import SyntheticStream

from ..conftest import StackEnv, free_port
from .conftest import ServiceProcess, StartService, record_counts, wait_for

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
PROMETHEUS_DIR = ROOT / "deploy" / "prometheus"
DASHBOARDS = sorted((ROOT / "deploy" / "grafana" / "dashboards").glob("*.json"))
SAMPLES = ROOT / "tests" / "data" / "articles" / "seed.jsonl"
#: Grafana's macros, as a short scrape interval makes them.
MACROS = {"$__rate_interval": "1m", "$__interval": "5s", "$__range": "5m"}


def promtool(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("promtool") or "/usr/bin/promtool"
    return subprocess.run(
        [binary, *args], input=stdin, capture_output=True, text=True, timeout=60, check=False
    )


def test_rules_pass_promtool_check_and_unit_tests() -> None:
    checked = promtool("check", "rules", str(PROMETHEUS_DIR / "rules.yml"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tests = sorted(str(p) for p in (PROMETHEUS_DIR / "tests").glob("*.yml"))
    assert tests
    tested = promtool("test", "rules", *tests)
    assert tested.returncode == 0, tested.stdout + tested.stderr


class Prometheus:
    def __init__(self, port: int, process: subprocess.Popen[bytes], log: Path) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.process = process
        self.log = log

    def query(self, expr: str) -> list[dict[str, object]]:
        reply = httpx.get(f"{self.url}/api/v1/query", params={"query": expr}, timeout=10).json()
        assert reply["status"] == "success", (expr, reply)
        return list(reply["data"]["result"])


@pytest.fixture
def start_prometheus(tmp_path: Path) -> Iterator[Callable[[dict[str, ServiceProcess]], Prometheus]]:
    started: list[Prometheus] = []

    def start(targets: dict[str, ServiceProcess]) -> Prometheus:
        port = free_port()
        config = {
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "rule_files": [str(PROMETHEUS_DIR / "rules.yml")],
            "scrape_configs": [
                {"job_name": job, "static_configs": [{"targets": [f"127.0.0.1:{service.port}"]}]}
                for job, service in targets.items()
            ],
        }
        config_path = tmp_path / "prometheus.yml"
        config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
        log = tmp_path / "prometheus.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [
                    shutil.which("prometheus") or "/usr/bin/prometheus",
                    f"--config.file={config_path}",
                    f"--storage.tsdb.path={tmp_path / 'tsdb'}",
                    f"--web.listen-address=127.0.0.1:{port}",
                    "--log.level=warn",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        prometheus = Prometheus(port, process, log)
        started.append(prometheus)

        def ready() -> bool:
            assert process.poll() is None, log.read_text(errors="replace")
            try:
                return httpx.get(f"{prometheus.url}/-/ready", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for("Prometheus to be ready", ready, timeout_s=30)
        return prometheus

    yield start
    for prometheus in started:
        prometheus.process.terminate()
        try:
            prometheus.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            prometheus.process.kill()


def sample_batch(tag: str, lines: list[str]) -> str:
    out = []
    for line in lines:
        data = json.loads(line)
        data.pop("published_at", None)  # event time = ingestion: counted in the current buckets
        data["id"] = f"{tag}-{data['id']}"
        out.append(json.dumps(data, ensure_ascii=False))
    return "\n".join(out) + "\n"


def post_batch(ingest: ServiceProcess, body: str) -> dict[str, int]:
    reply = httpx.post(
        f"{ingest.url}/v1/articles/batch",
        content=body.encode(),
        headers={"content-type": "application/x-ndjson"},
        timeout=30,
    )
    assert reply.status_code == 200, reply.text
    return dict(reply.json()["counts"])


def poison(env: StackEnv) -> None:
    producer = KafkaProducer(**env.settings().kafka_client_options(), acks="all")
    producer.send(env.topic(ARTICLES_RAW), key=b"poison", value=b"{not json")
    producer.flush(timeout=30)
    producer.close()


def panel_queries() -> list[tuple[str, str, str]]:
    queries = []
    for path in DASHBOARDS:
        board = json.loads(path.read_text(encoding="utf-8"))
        for panel in board["panels"]:
            for target in panel["targets"]:
                expr = target["expr"]
                for macro, value in MACROS.items():
                    expr = expr.replace(macro, value)
                queries.append((board["uid"], panel["title"], expr))
    return queries


def finite(result: list[dict[str, object]]) -> bool:
    return any(math.isfinite(float(r["value"][1])) for r in result)  # type: ignore[index]


def test_every_dashboard_panel_returns_data(
    stack_env: StackEnv,
    start_service: StartService,
    start_prometheus: Callable[[dict[str, ServiceProcess]], Prometheus],
    watchlist_file: Path,
) -> None:
    tag = stack_env.key_prefix.rstrip(":")
    record_counts(stack_env, SyntheticStream(int(time.time()), tag=tag).articles()[:-14])
    services = {
        "ingest": start_service("ingest"),
        "processor": start_service("processor"),
        "alerting": start_service(
            "alerting", RASAD_ALERTING_WATCHLIST=str(watchlist_file), RASAD_ALERTING_CYCLE_SECONDS="1"
        ),
    }
    prometheus = start_prometheus(services)
    wait_for(
        "two scrapes of every service",
        lambda: len(prometheus.query("count_over_time(up[1m]) >= 2")) == 3,
        timeout_s=30,
    )

    # Replay: the samples in two batches a few scrapes apart, a poison record, then a spike.
    lines = SAMPLES.read_text(encoding="utf-8").splitlines()
    assert post_batch(services["ingest"], sample_batch(tag, lines[:3]))["new"] == 3
    processed = 'sum(rasad_processor_articles_total{outcome=~"counted|redelivered"})'
    wait_for("the first batch processed", lambda: finite(prometheus.query(f"{processed} >= 3")), timeout_s=60)
    assert post_batch(services["ingest"], sample_batch(tag, lines[3:]))["new"] == len(lines) - 3
    poison(stack_env)
    spike = SyntheticStream(int(time.time()), tag=tag).articles()[-14:]
    assert record_counts(stack_env, spike) == 14
    wait_for(
        "every article and the poison record handled",
        lambda: (
            finite(prometheus.query(f"{processed} >= {len(lines)}"))
            and finite(prometheus.query("sum(rasad_processor_dead_letters_total) >= 1"))
            and finite(prometheus.query("sum(rasad_alerting_alerts_total) >= 1"))
        ),
        timeout_s=60,
    )
    time.sleep(3)  # a few more scrapes after the last change, for the rates

    empty = [(uid, title, expr) for uid, title, expr in panel_queries() if not finite(prometheus.query(expr))]
    assert empty == [], "panels without data:\n" + "\n".join(f"{u} / {t}: {e}" for u, t, e in empty)

    # The real /metrics after the replay (labelled series included) pass promtool's lint.
    for name in ("alerting", "ingest"):
        checked = promtool("check", "metrics", stdin=services[name].metrics())
        assert checked.returncode == 0, f"{name}: {checked.stdout}{checked.stderr}"

    # The watched spike reaches Prometheus and its alert rule.
    assert finite(prometheus.query('rasad_alerting_spike_score{kind="weapon", key="s-400"} >= 3'))
    wait_for(
        "the RasadWatchedKeySpike rule to fire",
        lambda: prometheus.query('ALERTS{alertname="RasadWatchedKeySpike", key="s-400"}'),
        timeout_s=20,
    )


def test_processor_metrics_pass_promtool(start_service: StartService) -> None:
    """Kept apart from the dashboards' test so that a failure names the processor alone."""
    processor = start_service("processor")
    checked = promtool("check", "metrics", stdin=processor.metrics())
    assert checked.returncode == 0, checked.stdout + checked.stderr
