"""The ingest HTTP API (FastAPI; OpenAPI at ``/openapi.json``, browsable at ``/docs``).

``POST /v1/articles`` takes one article; ``POST /v1/articles/batch`` takes a JSON array or
NDJSON (by content type). Replies give each article's id and whether it was new or already
seen; invalid records of a batch go to the dead-letter topic and the reply counts them.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Literal, Protocol

from fastapi import Depends, FastAPI, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from rasad import __version__
from rasad.common.errors import InputError
from rasad.common.kafka.producer import PublishError
from rasad.ingest.articles import ArticleIn
from rasad.ingest.auth import bearer_matches
from rasad.ingest.body_limit import BodyLimitMiddleware
from rasad.ingest.metrics import IngestMetrics
from rasad.ingest.seen import SeenStoreError
from rasad.ingest.submissions import Outcome, Submission, from_json_text, from_value

JSON_TYPES = frozenset({"application/json"})
NDJSON_TYPES = frozenset({"application/x-ndjson", "application/ndjson", "application/jsonl"})
RETRY_AFTER_S = "5"


class Accepts(Protocol):
    """What the API needs of the pipeline (an :class:`~rasad.ingest.pipeline.Ingestor`)."""

    def ingest(self, submissions: Sequence[Submission]) -> list[Outcome]: ...

    def ready(self) -> dict[str, bool]: ...


class ArticleReply(BaseModel):
    id: str
    status: Literal["new", "seen"]


class BatchItem(BaseModel):
    index: int
    status: Literal["new", "seen", "dead_lettered", "skipped"]
    id: str | None = None
    error: str | None = None


class BatchReply(BaseModel):
    counts: dict[str, int]
    results: list[BatchItem]


class ErrorReply(BaseModel):
    error: str


class BatchRefused(InputError):
    """The batch as a whole is unusable (wrong content type, not an array, too many records)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def split_batch(body: bytes, content_type: str, max_records: int) -> list[Submission]:
    """A batch body → one submission per record (pure)."""
    media = content_type.split(";")[0].strip().lower()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BatchRefused(422, f"body: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    if media in NDJSON_TYPES:
        lines = [(n, line) for n, line in enumerate(text.splitlines()) if line.strip()]
        submissions = [from_json_text(f"line {n + 1}", line) for n, line in lines]
    elif media in JSON_TYPES:
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BatchRefused(422, f"body: not JSON ({exc.msg} at line {exc.lineno})") from exc
        if not isinstance(value, list):
            raise BatchRefused(422, "body: expected a JSON array of articles (or NDJSON)")
        submissions = [from_value(f"item {i}", item) for i, item in enumerate(value)]
    else:
        raise BatchRefused(
            415, f"content type {media or 'none'}: use application/json or application/x-ndjson"
        )
    if len(submissions) > max_records:
        raise BatchRefused(413, f"body: {len(submissions)} records, the limit is {max_records} per batch")
    return submissions


def batch_reply(outcomes: Sequence[Outcome]) -> BatchReply:
    counts = Counter({"new": 0, "seen": 0, "dead_lettered": 0, "skipped": 0})
    counts.update(o.status for o in outcomes)
    return BatchReply(
        counts=dict(counts),
        results=[BatchItem(index=i, status=o.status, id=o.id, error=o.error) for i, o in enumerate(outcomes)],
    )


def unavailable(exc: Exception) -> JSONResponse:
    return JSONResponse(
        {"error": f"not accepted, try again: {exc}"}, status_code=503, headers={"Retry-After": RETRY_AFTER_S}
    )


def create_app(
    ingestor: Accepts,
    metrics: IngestMetrics,
    registry: CollectorRegistry,
    *,
    token: str | None,
    max_body_bytes: int,
    max_batch_records: int,
) -> FastAPI:
    app = FastAPI(
        title="rasad ingest",
        version=__version__,
        description="Accepts news articles and publishes them to Kafka (`articles.raw`).",
    )
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes)
    install_error_handlers(app)
    install_request_metrics(app, metrics)
    authorized = bearer_dependency(token)
    errors: dict[int | str, dict[str, Any]] = {
        401: {"model": ErrorReply, "description": "Missing or wrong bearer token."},
        413: {"model": ErrorReply, "description": "Body over the size limit."},
        503: {"model": ErrorReply, "description": "Kafka or Redis unavailable; nothing was accepted."},
    }

    @app.post("/v1/articles", response_model=ArticleReply, responses=errors, dependencies=[authorized])
    def post_article(article: ArticleIn) -> ArticleReply:
        submission = from_value("request", article.model_dump(mode="json", exclude_none=True))
        outcome = ingestor.ingest([submission])[0]
        if outcome.id is None or outcome.status not in ("new", "seen"):
            raise RequestValidationError([{"loc": ("body",), "msg": outcome.error, "type": "value_error"}])
        return ArticleReply(id=outcome.id, status="new" if outcome.status == "new" else "seen")

    @app.post(
        "/v1/articles/batch",
        response_model=BatchReply,
        responses={**errors, 415: {"model": ErrorReply}, 422: {"model": ErrorReply}},
        dependencies=[authorized],
        openapi_extra={"requestBody": batch_request_body()},
    )
    async def post_batch(request: Request) -> BatchReply | JSONResponse:
        try:
            submissions = split_batch(
                await request.body(), request.headers.get("content-type", ""), max_batch_records
            )
        except BatchRefused as exc:
            return JSONResponse({"error": str(exc)}, status_code=exc.status)
        outcomes = await run_in_threadpool(ingestor.ingest, submissions)
        return batch_reply(outcomes)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz() -> JSONResponse:
        checks = ingestor.ready()
        return JSONResponse(
            {"ready": all(checks.values()), "checks": checks},
            status_code=200 if all(checks.values()) else 503,
        )

    @app.get("/metrics")
    def metrics_endpoint() -> Response:
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return app


def batch_request_body() -> dict[str, Any]:
    array = {"type": "array", "items": {"$ref": "#/components/schemas/ArticleIn"}}
    return {
        "required": True,
        "description": "A JSON array of articles, or one article per line (NDJSON).",
        "content": {
            "application/json": {"schema": array},
            "application/x-ndjson": {"schema": {"type": "string", "description": "One ArticleIn per line."}},
        },
    }


def bearer_dependency(token: str | None) -> Any:
    def check(request: Request) -> None:
        if token is not None and not bearer_matches(request.headers.get("authorization"), token):
            raise Unauthorized()

    return Depends(check)


class Unauthorized(Exception):
    pass


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}"
            for e in exc.errors()  # each names the field and the reason
        ]
        return JSONResponse(
            {"error": "; ".join(problems), "detail": jsonable_encoder(exc.errors())}, status_code=422
        )

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        # FastAPI's own 400 for a body json.loads cannot even decode (e.g. NUL bytes).
        parse_failed = exc.status_code == 400 and "parsing the body" in str(exc.detail)
        error = "body: not a JSON document (undecodable bytes)" if parse_failed else str(exc.detail)
        return JSONResponse({"error": error}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Unauthorized)
    async def unauthorized(_: Request, __: Unauthorized) -> JSONResponse:
        return JSONResponse(
            {"error": "missing or wrong bearer token"},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )

    @app.exception_handler(PublishError)
    async def publish_failed(_: Request, exc: PublishError) -> JSONResponse:
        return unavailable(exc)

    @app.exception_handler(SeenStoreError)
    async def seen_failed(_: Request, exc: SeenStoreError) -> JSONResponse:
        return unavailable(exc)


def install_request_metrics(app: FastAPI, metrics: IngestMetrics) -> None:
    @app.middleware("http")
    async def measure(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = getattr(request.scope.get("route"), "path", "unmatched")
        metrics.request_duration.labels(route=route).observe(time.perf_counter() - started)
        metrics.requests.labels(route=route, status=str(response.status_code)).inc()
        return response
