"""``rasad replay FILE``: post recorded articles to a running ingest API, as if published now.

`make up` uses it to push the sample articles through the whole system. Each JSON line is
an article (``text``; optional ``id``, ``title``, ``url``, ``source``, ``lang``,
``published_at``). By default the recorded ``published_at`` is dropped so that the articles
count in the current buckets; ``--keep-dates`` keeps it.
"""

from __future__ import annotations

import argparse
import json
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from rasad.common.errors import InputError, RasadError
from rasad.common.settings import DEFAULT_INGEST_PORT

REPLAYED_FIELDS = ("id", "text", "title", "url", "source", "lang", "published_at")


class ReplayError(RasadError):
    """The ingest API could not be reached or refused the replay."""


def load(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeError) as exc:
        raise InputError(f"{path}: {exc}") from exc
    articles = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number}: not JSON ({exc.msg})") from exc
        if not isinstance(record, dict):
            raise InputError(f"{path}:{number}: expected a JSON object")
        articles.append(record)
    return articles


def prepare(record: dict[str, Any], *, keep_dates: bool, id_suffix: str) -> dict[str, Any]:
    """The body to post for one recorded article (pure)."""
    body = {k: v for k, v in record.items() if k in REPLAYED_FIELDS and v is not None}
    if not keep_dates:
        body.pop("published_at", None)
    if id_suffix and "id" in body:
        body["id"] = f"{body['id']}-{id_suffix}"
    return body


def replay(articles: list[dict[str, Any]], api: str, token: str | None, rate: float | None) -> Counter[str]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    outcomes: Counter[str] = Counter()
    with httpx.Client(base_url=api, headers=headers, timeout=30) as client:
        for body in articles:
            started = time.monotonic()
            try:
                response = client.post("/v1/articles", json=body)
            except httpx.HTTPError as exc:
                raise ReplayError(f"ingest API at {api} unreachable: {exc}") from exc
            if response.status_code == 200:
                reply = response.json()
                outcomes[reply["status"]] += 1
                print(f"{reply['id']:<40} {reply['status']}")
            else:
                outcomes["refused"] += 1
                print(f"{body.get('id', '?'):<40} refused {response.status_code}: {response.text[:200]}")
            if rate:
                time.sleep(max(0.0, 1.0 / rate - (time.monotonic() - started)))
    return outcomes


def _run(args: argparse.Namespace) -> int:
    suffix = uuid.uuid4().hex[:6] if args.fresh_ids else ""
    articles = [prepare(r, keep_dates=args.keep_dates, id_suffix=suffix) for r in load(Path(args.file))]
    outcomes = replay(articles, args.api, args.token, args.rate)
    print(", ".join(f"{count} {status}" for status, count in sorted(outcomes.items())) or "nothing replayed")
    return 1 if outcomes["refused"] else 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "replay", help="post recorded articles to the ingest API as if published now"
    )
    parser.add_argument("file", help="JSON lines of articles")
    parser.add_argument(
        "--api", default=f"http://127.0.0.1:{DEFAULT_INGEST_PORT}", help="ingest API base URL"
    )
    parser.add_argument("--token", default=None, help="bearer token, when the API requires one")
    parser.add_argument("--rate", type=float, default=None, metavar="N", help="articles per second")
    parser.add_argument("--keep-dates", action="store_true", help="keep the recorded published_at")
    parser.add_argument(
        "--fresh-ids", action="store_true", help="suffix ids so a second replay adds articles"
    )
    parser.set_defaults(func=_run)
