"""The processor's Prometheus metrics, built as one object from an injected registry."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0)


class ProcessorMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.articles = Counter(
            "rasad_processor_articles_total",
            "Raw articles handled, by outcome.",
            ["outcome"],
            registry=registry,
        )
        self.failures = Counter(
            "rasad_processor_failures_total", "Records that failed, by stage.", ["stage"], registry=registry
        )
        self.dead_letters = Counter(
            "rasad_processor_dead_letters_total", "Records sent to the dead-letter topic.", registry=registry
        )
        self.records_out = Counter(
            "rasad_processor_records_published_total",
            "Records published, by topic kind.",
            ["kind"],
            registry=registry,
        )
        self.counted = Counter(
            "rasad_processor_counts_recorded_total",
            "Count increments applied in Redis (marks already set are not counted).",
            registry=registry,
        )
        self.extraction_seconds = Histogram(
            "rasad_processor_extraction_seconds",
            "Time to extract one article.",
            registry=registry,
            buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
        )
        self.end_to_end_seconds = Histogram(
            "rasad_processor_end_to_end_seconds",
            "From ingested_at to counted in Redis.",
            registry=registry,
            buckets=LATENCY_BUCKETS,
        )
        self.batch_records = Histogram(
            "rasad_processor_batch_records",
            "Raw records per batch.",
            registry=registry,
            buckets=(1, 2, 5, 10, 25, 50, 100, 200, 500, 1000),
        )
        self.batch_step_seconds = Histogram(
            "rasad_processor_batch_step_seconds",
            "Time a batch spends in each step (extract, stories, outputs, publish, count).",
            ["step"],
            registry=registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
        )
        self.consumer_lag = Gauge(
            "rasad_processor_consumer_lag_messages",
            "Raw-article records not yet processed by this worker.",
            registry=registry,
        )
        self.last_processed = Gauge(
            "rasad_processor_last_processed_timestamp_seconds",
            "Unix time of the last processed record.",
            registry=registry,
        )
