"""``rasad detect`` (offline spike detection on JSON lines) and ``rasad top`` (top-N from Redis)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import IO

import redis

from rasad.alerting.offline import DEFAULT_LATENESS_SECONDS, detect_lines
from rasad.alerting.watchlist import automatic_watchlist, load_watchlist
from rasad.common.errors import ConfigError, InputError
from rasad.common.settings import AlertingSettings
from rasad.counting.buckets import (
    MINUTE_SECONDS,
    NAMED_WINDOWS,
    epoch_seconds,
    format_duration,
    parse_duration,
    plan_named,
)
from rasad.counting.facts import KINDS
from rasad.counting.redis_store import RedisCountStore
from rasad.counting.store import KeyCount


def _duration(text: str) -> int:
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _moment(text: str) -> float:
    try:
        return epoch_seconds(datetime.fromisoformat(text))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 time") from exc


def register(subparsers: argparse._SubParsersAction) -> None:
    detect = subparsers.add_parser(
        "detect",
        help="spike alerts from enriched-article JSON lines, one alert JSON line each",
        description="Replay enriched-article JSON lines (published_at or ingested_at as event time) "
        "through the live detector on an in-memory store; write one JSON line per alert.",
        epilog="Each output line is an Alert (rasad.common.messages): alert_id, status, kind, key, name, "
        "window_start, window_end, observed, expected, ratio, p_value (adjusted across the keys tested), "
        "severity, first_seen, last_seen, article_ids, articles. Lines that cannot be read are reported "
        "on stderr and skipped; the exit status is then 1.",
    )
    detect.add_argument("file", nargs="?", default="-", help="JSON lines file, or - for stdin (default)")
    detect.add_argument("--config", help="watchlist YAML; without it every busy key is watched")
    detect.add_argument("--all", action="store_true", help="also write update and resolved alerts")
    detect.add_argument(
        "--lateness",
        type=_duration,
        default=DEFAULT_LATENESS_SECONDS,
        help=f"how far out of order lines may come (default {format_duration(DEFAULT_LATENESS_SECONDS)})",
    )
    detect.set_defaults(func=run_detect)

    top = subparsers.add_parser("top", help="the most counted keys of a window, from Redis")
    top.add_argument("--kind", choices=KINDS, default="entity")
    top.add_argument("--window", default="1h", help=f"{', '.join(NAMED_WINDOWS)} or a duration (default 1h)")
    top.add_argument("--by", choices=("articles", "stories"), default="articles")
    top.add_argument("--limit", type=int, default=20)
    top.add_argument("--at", type=_moment, help="window end, ISO 8601 (default now)")
    top.set_defaults(func=run_top)


@contextmanager
def _open_input(name: str) -> Iterator[IO[str]]:
    if name == "-":
        yield sys.stdin
        return
    try:
        handle = open(name, encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise InputError(f"cannot read {name}: {exc.strerror}") from exc
    with handle:
        yield handle


def run_detect(args: argparse.Namespace) -> int:
    watchlist = load_watchlist(args.config) if args.config else automatic_watchlist()
    skipped: list[InputError] = []

    def report(error: InputError) -> None:
        skipped.append(error)
        print(f"rasad detect: skipped {error}", file=sys.stderr)

    with _open_input(args.file) as stream:
        try:
            for alert in detect_lines(stream, watchlist, lateness=args.lateness, on_error=report):
                if args.all or alert.status == "firing":
                    sys.stdout.write(alert.model_dump_json() + "\n")
        except UnicodeDecodeError as exc:
            raise InputError(f"{args.file} is not UTF-8 text: {exc.reason} at byte {exc.start}") from exc
    if skipped:
        print(f"rasad detect: {len(skipped)} line(s) skipped", file=sys.stderr)
        return 1
    return 0


def format_table(rows: list[KeyCount]) -> str:
    header = ("#", "key", "name", "articles", "stories", "sources")
    cells = [header] + [
        (str(i), r.key, r.name, str(r.articles), str(r.stories), str(r.sources))
        for i, r in enumerate(rows, 1)
    ]
    widths = [max(len(row[c]) for row in cells) for c in range(len(header))]
    numeric = {0, 3, 4, 5}
    lines = []
    for row in cells:
        parts = [
            v.rjust(w) if c in numeric else v.ljust(w)
            for c, (v, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


def run_top(args: argparse.Namespace) -> int:
    settings = AlertingSettings()
    if args.limit < 1:
        raise InputError("--limit must be at least 1")
    try:
        window = NAMED_WINDOWS.get(args.window) or parse_duration(args.window)
    except ValueError as exc:
        raise InputError(f"--window: {exc}") from exc
    password = settings.redis_password.get_secret_value() if settings.redis_password else None
    store = RedisCountStore.from_url(settings.redis_url, settings.key_prefix, password=password)
    # Default: up to now, the current (partial) minute included.
    end = args.at if args.at is not None else time.time() + MINUTE_SECONDS
    plan = plan_named(window, end, store.now())
    try:
        rows = store.top(args.kind, plan, args.by, args.limit)
    except redis.RedisError as exc:
        raise ConfigError(f"cannot read counts from Redis at {settings.redis_url}: {exc}") from exc
    start, stop = (
        datetime.fromtimestamp(t).astimezone().isoformat(timespec="minutes") for t in (plan.start, plan.end)
    )
    print(f"top {args.kind} by {args.by}, {format_duration(window)} window ({start} .. {stop})")
    print(format_table(rows) if rows else "(no counts in this window)")
    return 0
