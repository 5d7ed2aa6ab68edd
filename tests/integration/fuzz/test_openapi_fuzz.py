"""Schemathesis against the ingest and alerting OpenAPI specs, on the services as processes:
valid and invalid requests generated from each operation never get a 5xx, and every 4xx says
what is wrong (an ``error`` text, naming the field for validation errors)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode

from ..alerting.conftest import StartService

pytestmark = [pytest.mark.integration, pytest.mark.slow]
#: Streams never end: the SSE endpoint is probed apart, with a read timeout.
SKIPPED = {("GET", "/alerts/stream")}
EXAMPLES = 60


def check_reply(case: Case, response: schemathesis.Response) -> None:
    status, text = response.status_code, response.text
    where = f"{case.method} {case.formatted_path} {case.query} {str(case.body)[:200]!r}"
    assert status < 500, f"{where} -> {status}: {text[:500]}"
    if 400 <= status < 500:
        error = response.json().get("error")
        assert isinstance(error, str) and error.strip(), f"{where} -> {status} without an error text: {text}"
        if status == 422 and "detail" in response.json():
            assert ":" in error, f"{where}: a validation error names the field: {error}"


def fuzz_schema(url: str, examples: int = EXAMPLES) -> dict[str, int]:
    """Run every operation's positive and negative cases; the statuses seen per operation."""
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    seen: dict[str, int] = {}
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        label = f"{operation.method.upper()} {operation.path}"
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
        )

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def run(case: Case) -> None:
            response = case.call(base_url=url, timeout=30)
            check_reply(case, response)
            name = f"{case.method.upper()} {case.path}"
            seen[name] = seen.get(name, 0) + 1

        run()
        assert label in seen, f"{label}: no case generated"
    return seen


def test_ingest_api_answers_any_request_without_5xx(start_service: StartService) -> None:
    ingest = start_service("ingest", RASAD_LOG_LEVEL="WARNING", RASAD_INGEST_MAX_BODY_BYTES="200000")
    seen = fuzz_schema(ingest.url)
    assert {"POST /v1/articles", "POST /v1/articles/batch"} <= set(seen), seen
    assert ingest.process.poll() is None
    assert httpx.get(f"{ingest.url}/readyz", timeout=10).status_code == 200


def test_alerting_api_answers_any_request_without_5xx(
    start_service: StartService, watchlist_file: Path
) -> None:
    alerting = start_service("alerting", RASAD_ALERTING_WATCHLIST=str(watchlist_file))
    seen = fuzz_schema(alerting.url)
    assert {"GET /alerts", "GET /top"} <= set(seen), seen
    for query in ({"kind": "nope"}, {"since": "yesterday"}, {"severity": "loud"}):
        with httpx.stream("GET", f"{alerting.url}/alerts/stream", params=query, timeout=10) as response:
            assert response.status_code == 400 or response.status_code == 422, query
            response.read()
            assert response.json()["error"]
    assert alerting.process.poll() is None
