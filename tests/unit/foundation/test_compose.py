"""docker-compose.yml cannot run here, so its wiring is checked by reading it."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml

from rasad.common.settings import AlertingSettings, IngestSettings, ProcessorSettings, ServiceSettings
from rasad.stack.settings import StackSettings

ROOT = Path(__file__).resolve().parents[3]
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES: dict[str, Any] = COMPOSE["services"]
SETTINGS_OF = {
    "rasad.ingest": IngestSettings,
    "rasad.processor": ProcessorSettings,
    "rasad.alerting": AlertingSettings,
}
RASAD_SERVICES = {name: svc for name, svc in SERVICES.items() if "build" in svc}


def _port_of_listener(listeners: str, name: str) -> int:
    match = re.search(rf"{name}://[^:,]*:(\d+)", listeners)
    assert match, f"no {name} listener in {listeners}"
    return int(match.group(1))


def _settings_for(service: dict[str, Any]) -> ServiceSettings:
    module = service["command"][-1]
    env = {k.removeprefix("RASAD_").lower(): v for k, v in service["environment"].items()}
    settings_class = SETTINGS_OF[module]
    unknown = set(env) - set(settings_class.model_fields)
    assert not unknown, f"{module}: environment names no setting {unknown}"
    return settings_class(**env)


def test_kafka_version_is_the_pinned_one() -> None:
    pom = ET.parse(ROOT / "deploy" / "kafka" / "pom.xml").getroot()
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    pinned = pom.find("m:properties/m:kafka.version", ns)
    assert pinned is not None
    assert SERVICES["kafka"]["image"] == f"apache/kafka:{pinned.text}"
    assert StackSettings().kafka_version == pinned.text


def test_every_service_has_a_healthcheck_and_waits_for_healthy_dependencies() -> None:
    for name, service in SERVICES.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
        for dependency, condition in service.get("depends_on", {}).items():
            assert dependency in SERVICES, f"{name} depends on unknown {dependency}"
            assert condition == {"condition": "service_healthy"}, name


@pytest.mark.parametrize("name", sorted(RASAD_SERVICES))
def test_services_point_at_compose_hosts_with_matching_ports(name: str) -> None:
    service = RASAD_SERVICES[name]
    settings = _settings_for(service)
    kafka_env = SERVICES["kafka"]["environment"]
    (bootstrap,) = settings.kafka_bootstrap_servers.split(",")
    host, port = bootstrap.split(":")
    assert host == "kafka" and int(port) == _port_of_listener(
        kafka_env["KAFKA_ADVERTISED_LISTENERS"], "PLAINTEXT"
    )
    redis = urlparse(settings.redis_url)
    assert redis.hostname == "redis" and (redis.port or 6379) == 6379
    assert {"kafka", "redis"} <= set(service["depends_on"])


@pytest.mark.parametrize("name", sorted(RASAD_SERVICES))
def test_http_port_agrees_with_healthcheck_publish_and_scrape(name: str) -> None:
    service = RASAD_SERVICES[name]
    settings = _settings_for(service)
    port = getattr(settings, f"{name}_port")
    assert getattr(settings, f"{name}_host") == "0.0.0.0"
    assert f":{port}/healthz" in " ".join(service["healthcheck"]["test"])
    for mapping in service.get("ports", []):
        assert int(str(mapping).split(":")[-1]) == port
    scrape = yaml.safe_load((ROOT / "deploy" / "prometheus" / "prometheus.yml").read_text(encoding="utf-8"))
    targets = {
        t
        for job in scrape["scrape_configs"]
        if job["job_name"] == name
        for static in job["static_configs"]
        for t in static["targets"]
    }
    assert targets == {f"{name}:{port}"}


def test_every_mounted_file_exists() -> None:
    for name, service in SERVICES.items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith((".", "/")):
                assert (ROOT / source).exists(), f"{name} mounts missing {source}"


def test_files_named_in_the_environment_exist_in_their_mounts() -> None:
    for name, service in SERVICES.items():
        mounts = {v.split(":")[1]: v.split(":")[0] for v in service.get("volumes", []) if v.startswith(".")}
        for value in service.get("environment", {}).values():
            for target, source in mounts.items():
                if isinstance(value, str) and value.startswith(target + "/"):
                    assert (ROOT / source / value.removeprefix(target + "/")).is_file(), f"{name}: {value}"


def test_grafana_dashboards_use_the_provisioned_datasource_uid() -> None:
    datasources = yaml.safe_load(
        (ROOT / "deploy/grafana/provisioning/datasources/prometheus.yml").read_text(encoding="utf-8")
    )
    (datasource,) = datasources["datasources"]
    assert datasource["uid"] == "rasad-prometheus"
    assert urlparse(datasource["url"]).hostname in SERVICES

    def uids(node: object) -> set[str]:
        if isinstance(node, dict):
            found = {node["uid"]} if node.get("type") == "prometheus" and "uid" in node else set()
            return found.union(*(uids(v) for v in node.values()))
        if isinstance(node, list):
            return set().union(*(uids(v) for v in node))
        return set()

    dashboard_uids = set()
    for path in (ROOT / "deploy/grafana/dashboards").glob("*.json"):
        dashboard = json.loads(path.read_text(encoding="utf-8"))
        assert dashboard.get("uid"), f"{path.name} has no fixed uid"
        dashboard_uids.add(dashboard["uid"])
        assert uids(dashboard) <= {"rasad-prometheus"}, path.name
