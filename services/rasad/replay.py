"""``rasad replay FILE``: post recorded articles to a running ingest API, as if published now.

`make up` uses it to push the sample articles through the whole system. Each JSON line is
an article (``text``; optional ``id``, ``title``, ``url``, ``source``, ``lang``,
``published_at``). By default the recorded ``published_at`` is dropped so that the articles
count in the current buckets; ``--keep-dates`` keeps it, and ``--spread 22h --ending 2h``
re-dates the articles evenly over the 22 hours that end 2 hours ago (a baseline for the
detector). ``--sources a,b,c`` gives the articles those sources in turn.
"""

from __future__ import annotations

import argparse
import json
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from rasad.common.errors import InputError, RasadError
from rasad.common.settings import DEFAULT_INGEST_PORT
from rasad.counting.buckets import parse_duration

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


@dataclass(frozen=True)
class Timing:
    """How recorded articles are dated when replayed: ``keep`` their dates, or ``spread``
    them evenly over a span ending ``ending`` seconds before ``now``; else no date at all
    (the ingest time is the event time)."""

    keep: bool = False
    spread: int | None = None
    ending: int = 0
    now: datetime | None = None

    def published_at(self, index: int, count: int) -> str | None:
        if self.spread is None or self.now is None:
            return None
        step = self.spread / max(1, count)
        moment = self.now - timedelta(seconds=self.ending + self.spread - step * (index + 1))
        return moment.isoformat()


def prepare(
    record: dict[str, Any],
    *,
    timing: Timing = Timing(),
    id_suffix: str = "",
    index: int = 0,
    count: int = 1,
    sources: Sequence[str] = (),
) -> dict[str, Any]:
    """The body to post for the ``index``-th of ``count`` recorded articles (pure)."""
    body = {k: v for k, v in record.items() if k in REPLAYED_FIELDS and v is not None}
    if not timing.keep:
        body.pop("published_at", None)
        if (published := timing.published_at(index, count)) is not None:
            body["published_at"] = published
    if id_suffix and "id" in body:
        body["id"] = f"{body['id']}-{id_suffix}"
    if sources:
        body["source"] = sources[index % len(sources)]
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
    records = [record for name in args.files for record in load(Path(name))]
    timing = Timing(
        keep=args.keep_dates,
        spread=parse_duration(args.spread) if args.spread else None,
        ending=parse_duration(args.ending) if args.ending else 0,
        now=datetime.now(UTC),
    )
    sources = [s.strip() for s in (args.sources or "").split(",") if s.strip()]
    articles = [
        prepare(r, timing=timing, id_suffix=suffix, index=i, count=len(records), sources=sources)
        for i, r in enumerate(records)
    ]
    outcomes = replay(articles, args.api, args.token, args.rate)
    print(", ".join(f"{count} {status}" for status, count in sorted(outcomes.items())) or "nothing replayed")
    return 1 if outcomes["refused"] else 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "replay", help="post recorded articles to the ingest API as if published now"
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="JSON lines of articles")
    parser.add_argument(
        "--api", default=f"http://127.0.0.1:{DEFAULT_INGEST_PORT}", help="ingest API base URL"
    )
    parser.add_argument("--token", default=None, help="bearer token, when the API requires one")
    parser.add_argument("--rate", type=float, default=None, metavar="N", help="articles per second")
    parser.add_argument("--keep-dates", action="store_true", help="keep the recorded published_at")
    parser.add_argument(
        "--spread", metavar="DURATION", help="date the articles evenly over this span (e.g. 22h)"
    )
    parser.add_argument("--ending", metavar="DURATION", help="the spread ends this long ago (default: now)")
    parser.add_argument("--sources", metavar="A,B,...", help="give the articles these sources in turn")
    parser.add_argument(
        "--fresh-ids", action="store_true", help="suffix ids so a second replay adds articles"
    )
    parser.set_defaults(func=_run)
