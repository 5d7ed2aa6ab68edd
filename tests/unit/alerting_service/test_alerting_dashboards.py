"""The Grafana dashboards and Prometheus rules refer only to metrics the services export."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import CollectorRegistry

from rasad.alerting.metrics import AlertingMetrics
from rasad.ingest.metrics import IngestMetrics
from rasad.processor.metrics import ProcessorMetrics

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
DASHBOARDS = sorted((DEPLOY / "grafana" / "dashboards").glob("*.json"))
DATASOURCE_UID = "rasad-prometheus"
_METRIC = re.compile(r"\b(rasad_[a-z0-9_]+)")


def exported_names() -> set[str]:
    registry = CollectorRegistry()
    AlertingMetrics.build(registry)
    IngestMetrics.build(registry)
    ProcessorMetrics(registry)
    names = set()
    for metric in registry.collect():
        names.add(metric.name)
        names.update(sample.name for sample in metric.samples)
    # Series that appear once labelled (no child yet in a fresh registry).
    for metric in registry.collect():
        if metric.type == "counter":
            names.add(f"{metric.name}_total")
        if metric.type == "histogram":
            names.update(f"{metric.name}_{suffix}" for suffix in ("bucket", "count", "sum"))
    return names


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def exprs(board: dict[str, Any]) -> list[str]:
    return [t["expr"] for p in board["panels"] for t in p["targets"]]


def test_both_dashboards_exist_with_fixed_uids() -> None:
    assert {load(p)["uid"] for p in DASHBOARDS} == {"rasad-pipeline-health", "rasad-intelligence"}


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_every_panel_queries_the_provisioned_datasource(path: Path) -> None:
    board = load(path)
    ids = [p["id"] for p in board["panels"]]
    assert len(ids) == len(set(ids))
    for panel in board["panels"]:
        assert panel["datasource"] == {"type": "prometheus", "uid": DATASOURCE_UID}, panel["title"]
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == DATASOURCE_UID
            assert target["expr"].strip()


def test_the_provisioned_datasource_has_that_uid() -> None:
    provisioning = yaml.safe_load((DEPLOY / "grafana/provisioning/datasources/prometheus.yml").read_text())
    assert [d["uid"] for d in provisioning["datasources"]] == [DATASOURCE_UID]


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_dashboards_query_exported_metrics_only(path: Path) -> None:
    known = exported_names()
    used = {name for expr in exprs(load(path)) for name in _METRIC.findall(expr)}
    assert used and used <= known, sorted(used - known)


def test_rules_use_exported_metrics_only() -> None:
    rules = yaml.safe_load((DEPLOY / "prometheus" / "rules.yml").read_text(encoding="utf-8"))
    used = {n for g in rules["groups"] for r in g["rules"] for n in _METRIC.findall(r["expr"])}
    assert used and used <= exported_names(), sorted(used - exported_names())
