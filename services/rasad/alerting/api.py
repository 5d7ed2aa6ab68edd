"""The alerting service's HTTP API (FastAPI; OpenAPI at ``/openapi.json``, docs at ``/docs``).

* ``GET /alerts``: recent alerts, newest first, filtered by kind, key, severity, status, since;
* ``GET /alerts/stream``: the same alerts live as Server-Sent Events (``event: alert``, ``id``
  the sequence number; ``Last-Event-ID`` resumes after a reconnection);
* ``GET /top``: the most counted keys of a window, read from Redis;
* ``/healthz`` (the detection loop is alive) and ``/metrics`` (Prometheus).

The detection loop runs in a thread for the app's lifetime.
"""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import redis
from fastapi import FastAPI, Header, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.sse import EventSourceResponse, ServerSentEvent
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Gauge, generate_latest
from pydantic import BaseModel
from starlette.responses import Response

from rasad import __version__
from rasad.alerting.feed import RETRY_MS, AlertFilter, alert_event, parse_last_event_id
from rasad.alerting.service import AlertingService
from rasad.common.messages import Alert, Severity
from rasad.counting.buckets import MINUTE_SECONDS, NAMED_WINDOWS, as_datetime, parse_duration, plan_named
from rasad.counting.facts import Kind
from rasad.counting.store import Measure

Status = Literal["firing", "update", "resolved"]
MAX_LIMIT = 1000
MAX_TOP = 100
#: The longest window /top reads: the hour buckets are kept nine days.
MAX_TOP_WINDOW_S = 8 * 86400


class AlertsReply(BaseModel):
    count: int
    last_event_id: int
    alerts: list[Alert]


class TopRow(BaseModel):
    key: str
    name: str
    articles: int
    stories: int
    sources: int


class TopReply(BaseModel):
    kind: str
    by: str
    window_start: datetime
    window_end: datetime
    keys: list[TopRow]


class ErrorReply(BaseModel):
    error: str


class InvalidQuery(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def utc(moment: datetime | None) -> datetime | None:
    """A naive ``since`` is taken as UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def window_seconds(window: str) -> int:
    try:
        seconds = NAMED_WINDOWS.get(window) or parse_duration(window)
    except ValueError as exc:
        raise InvalidQuery(f"query.window: {exc}") from exc
    if seconds > MAX_TOP_WINDOW_S:
        raise InvalidQuery(f"query.window: {window} is longer than the 8 days the counts keep")
    return seconds


def create_app(service: AlertingService, registry: CollectorRegistry, *, run_loop: bool = True) -> FastAPI:
    feed, metrics = service.feed, service.metrics

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        loop = threading.Thread(target=service.run, args=(stop,), name="detection", daemon=True)
        if run_loop:
            loop.start()
        try:
            yield
        finally:
            stop.set()
            if run_loop:
                loop.join(timeout=30)

    app = FastAPI(
        title="rasad alerting",
        version=__version__,
        description="Spike alerts on actors, keywords, weapons and pairs in the news, with their evidence.",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    bad_request: dict[int | str, dict[str, Any]] = {422: {"model": ErrorReply, "description": "Bad query."}}

    @app.get("/alerts", response_model=AlertsReply, responses=bad_request)
    def list_alerts(
        kind: Kind | None = None,
        key: str | None = None,
        severity: Annotated[list[Severity] | None, Query(description="Repeat for several.")] = None,
        status: Annotated[list[Status] | None, Query(description="Repeat for several.")] = None,
        since: Annotated[datetime | None, Query(description="Alerts whose window ends at or after.")] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
    ) -> AlertsReply:
        query = AlertFilter(kind, key, frozenset(severity or ()), frozenset(status or ()), utc(since))
        entries = feed.query(query, limit)
        return AlertsReply(count=len(entries), last_event_id=feed.last_seq, alerts=[e.alert for e in entries])

    @app.get("/alerts/stream", response_class=EventSourceResponse, responses=bad_request)
    async def stream_alerts(
        kind: Kind | None = None,
        key: str | None = None,
        severity: Annotated[list[Severity] | None, Query()] = None,
        status: Annotated[list[Status] | None, Query()] = None,
        since: datetime | None = None,
        last_event_id: Annotated[str | None, Header(description="Resume after this event id.")] = None,
    ) -> AsyncIterator[ServerSentEvent]:
        query = AlertFilter(kind, key, frozenset(severity or ()), frozenset(status or ()), utc(since))
        resume = parse_last_event_id(last_event_id)
        with feed.subscribe() as (sub, seen), _counted(metrics.stream_clients):
            if resume is not None:
                for missed in feed.after(resume):
                    if missed.seq <= seen and query.matches(missed.alert):
                        yield alert_event(missed)
            yield ServerSentEvent(comment="connected", retry=RETRY_MS)
            while True:
                entry = await sub.queue.get()
                if entry is None:  # too slow: end the stream, the client resumes by id
                    return
                if query.matches(entry.alert):
                    yield alert_event(entry)

    @app.get("/top", response_model=TopReply, responses={**bad_request, 503: {"model": ErrorReply}})
    def top(
        kind: Kind = "entity",
        window: Annotated[str, Query(description=f"{', '.join(NAMED_WINDOWS)} or a duration")] = "1h",
        by: Measure = "stories",
        limit: Annotated[int, Query(ge=1, le=MAX_TOP)] = 10,
    ) -> TopReply | JSONResponse:
        store = service.store
        plan = plan_named(window_seconds(window), time.time() + MINUTE_SECONDS, store.now())
        try:
            rows = store.top(kind, plan, by, limit)
        except redis.RedisError as exc:
            return JSONResponse({"error": f"counts unavailable: {exc}"}, status_code=503)
        return TopReply(
            kind=kind,
            by=by,
            window_start=as_datetime(plan.start),
            window_end=as_datetime(plan.end),
            keys=[
                TopRow(key=r.key, name=r.name, articles=r.articles, stories=r.stories, sources=r.sources)
                for r in rows
            ],
        )

    @app.get("/healthz")
    def healthz() -> JSONResponse:
        ok, detail = service.health()
        return JSONResponse(
            {"status": "ok" if ok else "unhealthy", "detail": detail}, status_code=200 if ok else 503
        )

    @app.get("/metrics")
    def metrics_endpoint() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return app


@contextmanager
def _counted(gauge: Gauge) -> Iterator[None]:
    """Counts an open stream on ``gauge`` while the block runs."""
    gauge.inc()
    try:
        yield
    finally:
        gauge.dec()


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        return JSONResponse(
            {"error": "; ".join(problems), "detail": jsonable_encoder(exc.errors())}, status_code=422
        )

    @app.exception_handler(InvalidQuery)
    async def invalid_query(_: Request, exc: InvalidQuery) -> JSONResponse:
        return JSONResponse({"error": exc.message}, status_code=422)
