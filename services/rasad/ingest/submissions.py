"""A record offered to ingest, from any source, before validation (pure)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError

from rasad.common.error_policy import Stage

Status = Literal["new", "seen", "dead_lettered", "skipped"]


@dataclass(frozen=True)
class Submission:
    """``fields`` when the record parsed; else ``error`` says why, at which ``stage``."""

    origin: str
    payload: str
    fields: Mapping[str, Any] | None = None
    error: Exception | None = None
    stage: Stage = Stage.VALIDATE


@dataclass(frozen=True)
class Outcome:
    origin: str
    status: Status
    id: str | None = None
    error: str | None = None


def describe_validation_error(error: ValidationError) -> str:
    """``field: reason`` for each problem, e.g. ``text: Field required``."""
    parts = []
    for problem in error.errors(include_url=False):
        field = ".".join(str(p) for p in problem["loc"]) or "record"
        parts.append(f"{field}: {problem['msg']}")
    return "; ".join(parts)


def from_json_text(origin: str, text: str) -> Submission:
    """One JSON object (a JSON line, a request body)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return Submission(origin, text, error=exc, stage=Stage.DECODE)
    return from_value(origin, value, text)


def from_value(origin: str, value: Any, payload: str | None = None) -> Submission:
    text = payload if payload is not None else json.dumps(value, ensure_ascii=False)
    if not isinstance(value, dict):
        return Submission(
            origin, text, error=TypeError(f"expected a JSON object, got {type(value).__name__}")
        )
    return Submission(origin, text, fields=value)
