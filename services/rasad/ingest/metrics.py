"""Prometheus metrics of the ingest service, built as one object on an injected registry."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram

OUTCOMES = ("new", "seen", "dead_lettered", "skipped")


@dataclass(frozen=True)
class IngestMetrics:
    articles: Counter
    publish_failures: Counter
    requests: Counter
    request_duration: Histogram

    @classmethod
    def build(cls, registry: CollectorRegistry) -> IngestMetrics:
        articles = Counter(
            "rasad_ingest_articles",
            "Articles offered to ingest, by outcome (new, seen, dead_lettered, skipped).",
            ["outcome"],
            registry=registry,
        )
        for outcome in OUTCOMES:
            articles.labels(outcome=outcome)
        return cls(
            articles=articles,
            publish_failures=Counter(
                "rasad_ingest_publish_failures",
                "Batches Kafka did not acknowledge (the caller was told).",
                registry=registry,
            ),
            requests=Counter(
                "rasad_ingest_requests",
                "HTTP requests by route and status code.",
                ["route", "status"],
                registry=registry,
            ),
            request_duration=Histogram(
                "rasad_ingest_request_duration_seconds",
                "HTTP request duration by route.",
                ["route"],
                registry=registry,
            ),
        )
