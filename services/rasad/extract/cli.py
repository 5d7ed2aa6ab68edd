"""``rasad extract [FILE|-]``: JSON lines of articles in, one extraction JSON line out per article.

Each input line is an object with ``id`` and ``text`` and optionally ``title``, ``url``,
``lang``, ``source``, ``published_at`` and ``ingested_at``. Each output line is the
:class:`~rasad.common.messages.Extraction` of that article, followed by the input's ``title``,
``url``, ``source``, ``published_at`` and ``ingested_at`` when it has them, as the
enriched-article message carries them, so that ``rasad extract | rasad detect`` has the event
time. A line that cannot be read gets one message on stderr naming its line number
and the reason; the other lines are still processed, and the exit status is 1 when any line
failed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rasad.common.errors import InputError
from rasad.common.messages import MAX_TEXT_CHARS, ArticleId, Extraction
from rasad.extract.engine import extract

__all__ = ["ArticleLine", "register", "run"]


class ArticleLine(BaseModel):
    """One input line; unknown fields are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: ArticleId
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    title: str | None = None
    url: str | None = None
    lang: str | None = None
    source: str | None = None
    published_at: datetime | None = None
    ingested_at: datetime | None = None

    def carried(self) -> dict[str, Any]:
        """The fields the output line carries over from the input, when present."""
        return self.model_dump(mode="json", include=set(CARRIED), exclude_none=True)


CARRIED = ("title", "url", "source", "published_at", "ingested_at")


def _reason(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"]) or "line"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)


def extract_line(line: str) -> dict[str, Any]:
    """The output record of one JSON line; raises :class:`InputError` with the reason."""
    try:
        raw: Any = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg} at column {exc.colno}") from exc
    if not isinstance(raw, dict):
        raise InputError("not a JSON object")
    try:
        article = ArticleLine.model_validate(raw)
    except ValidationError as exc:
        raise InputError(_reason(exc)) from exc
    extraction: Extraction = extract(
        article.text,
        article_id=article.id,
        lang=article.lang,
        title=article.title,
        published_at=article.published_at,
    )
    return extraction.model_dump(mode="json") | article.carried()


def run(lines: Iterable[str], out: TextIO, err: TextIO, *, source: str = "-") -> int:
    """Extract every line; returns 0 when all lines were extracted, else 1."""
    failed = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = extract_line(line)
        except InputError as exc:
            failed += 1
            print(f"rasad extract: {source}:{number}: {exc}", file=err)
            continue
        out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
    out.flush()
    return 1 if failed else 0


def _command(args: argparse.Namespace) -> int:
    if args.file == "-":
        return run(sys.stdin, sys.stdout, sys.stderr)
    path = Path(args.file)
    try:
        with path.open(encoding="utf-8", errors="strict") as handle:
            return run(handle, sys.stdout, sys.stderr, source=str(path))
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 (byte {exc.start})") from exc


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "extract",
        help="entities, weapons and events of JSON-lines articles",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument("file", nargs="?", default="-", metavar="FILE|-", help="JSON lines (default: stdin)")
    parser.set_defaults(func=_command)
