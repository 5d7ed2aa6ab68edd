"""``rasad ingest``: publish articles from files, folders and feeds to ``articles.raw``.

    rasad ingest PATH... [--rate 20/s] [--follow] [--source NAME]
    rasad ingest --feed URL [--every 60]

Prints a summary (published, duplicates, dead-lettered); exits 2 when Kafka or Redis cannot
be reached (whatever was published before stays published and is counted).
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from prometheus_client import CollectorRegistry
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from rasad.common.errors import InputError, RasadError
from rasad.common.settings import IngestSettings
from rasad.ingest.feeds import FeedError, FeedReader, http_client
from rasad.ingest.files import FolderWatcher, expand_paths, read_file
from rasad.ingest.pacing import Pacer, parse_rate
from rasad.ingest.pipeline import Ingestor
from rasad.ingest.service import open_ingestor, prepare_topics
from rasad.ingest.submissions import Outcome, Submission

MAX_CHUNK = 500
SHOWN_PROBLEMS = 20


@dataclass
class Summary:
    counts: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)

    def add(self, outcomes: Sequence[Outcome]) -> None:
        for outcome in outcomes:
            self.counts[outcome.status] += 1
            if outcome.status == "dead_lettered":
                self.problems.append(f"{outcome.origin}: {outcome.error}")

    def render(self) -> str:
        elapsed = time.perf_counter() - self.started
        published = self.counts["new"]
        rate = published / elapsed if elapsed > 0 else 0.0
        return (
            f"published {published}, duplicates {self.counts['seen']}, "
            f"dead-lettered {self.counts['dead_lettered']}, skipped {self.counts['skipped']} "
            f"in {elapsed:.1f} s ({rate:.1f} articles/s)"
        )

    def report(self, out: TextIO, err: TextIO) -> None:
        for problem in self.problems[:SHOWN_PROBLEMS]:
            print(f"dead-lettered {problem}", file=err)
        if len(self.problems) > SHOWN_PROBLEMS:
            print(f"... and {len(self.problems) - SHOWN_PROBLEMS} more in the dead-letter topic", file=err)
        print(self.render(), file=out)


def chunks(items: Sequence[Submission], size: int) -> Iterator[Sequence[Submission]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class Run:
    """One ``rasad ingest`` invocation: its ingestor, pacing, stop signal and summary."""

    ingestor: Ingestor
    pacer: Pacer
    source: str | None
    stop: threading.Event
    summary: Summary = field(default_factory=Summary)

    def publish(
        self, submissions: Sequence[Submission], advance: Callable[[int], None] = lambda n: None
    ) -> None:
        for chunk in chunks(submissions, self.pacer.chunk_size(MAX_CHUNK)):
            self.pacer.wait(len(chunk))
            self.summary.add(self.ingestor.ingest(chunk))
            advance(len(chunk))

    def files(self, paths: Sequence[Path], progress: Progress) -> None:
        task = progress.add_task("files", total=len(paths))
        for path in paths:
            self.publish(read_file(path, self.source))
            progress.update(task, advance=1, description=f"files ({self.summary.counts['new']} published)")

    def follow(self, roots: Sequence[Path], interval_s: float, progress: Progress) -> None:
        watcher = FolderWatcher(roots)
        task = progress.add_task("following", total=None)
        while not self.stop.is_set():
            for path in watcher.poll():
                self.publish(read_file(path, self.source))
                progress.update(
                    task, advance=1, description=f"following ({self.summary.counts['new']} published)"
                )
            self.stop.wait(interval_s)

    def feed(self, url: str, every_s: float | None, console: Console) -> None:
        with http_client() as client:
            reader = FeedReader(url, client)
            first = True
            while True:
                try:
                    poll = reader.poll()
                except FeedError as exc:
                    if first:
                        raise
                    console.print(f"[yellow]feed: {exc}; trying again in {every_s:.0f} s")
                else:
                    before = Counter(self.summary.counts)
                    self.publish(poll.submissions)
                    console.print(feed_line(poll.status, len(poll.submissions), self.summary.counts - before))
                first = False
                if every_s is None or self.stop.wait(every_s):
                    return


def feed_line(status: int, items: int, delta: Counter[str]) -> str:
    if status == 304:
        return "feed: not modified"
    return (
        f"feed: {items} items, {delta['new']} new, {delta['seen']} seen, "
        f"{delta['dead_lettered']} dead-lettered"
    )


@contextmanager
def progress_bar(enabled: bool, console: Console) -> Iterator[Progress]:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, disable=not enabled, transient=True) as progress:
        yield progress


def stop_after(seconds: float | None, stop: threading.Event) -> None:
    if seconds is not None:
        timer = threading.Timer(seconds, stop.set)
        timer.daemon = True
        timer.start()


def run(args: argparse.Namespace) -> int:
    if not args.paths and not args.feed:
        raise InputError("give files or folders to ingest, or --feed URL")
    if args.paths and args.feed:
        raise InputError("give either files and folders or --feed, not both")
    settings = IngestSettings()
    pacer = Pacer(parse_rate(args.rate) if args.rate else None)
    paths = [Path(p) for p in args.paths]
    found = [] if args.follow or args.feed else expand_paths(paths)
    stop = threading.Event()
    stop_after(args.duration, stop)
    console = Console(stderr=True)
    prepare_topics(settings)
    with open_ingestor(settings, CollectorRegistry(), client_id="rasad-ingest-cli") as (ingestor, _):
        job = Run(ingestor, pacer, args.source, stop)
        try:
            with progress_bar(not args.no_progress and console.is_terminal, console) as progress:
                if args.feed:
                    job.feed(args.feed, args.every, console)
                elif args.follow:
                    job.follow(paths, args.poll_interval, progress)
                else:
                    job.files(found, progress)
        except KeyboardInterrupt:
            print("stopped", file=sys.stderr)
        except RasadError:
            job.summary.report(sys.stdout, sys.stderr)
            raise
    job.summary.report(sys.stdout, sys.stderr)
    return 1 if args.strict and job.summary.counts["dead_lettered"] else 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "ingest",
        help="publish articles from files, folders or a feed to Kafka",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help=".txt, .json, .jsonl files or folders")
    parser.add_argument("--feed", metavar="URL", help="an RSS or Atom feed to poll")
    parser.add_argument(
        "--every", type=float, metavar="SECONDS", help="poll the feed this often (default: once)"
    )
    parser.add_argument(
        "--rate", metavar="N/s", help="publish at most this many articles per second (or N/m, N/h)"
    )
    parser.add_argument("--follow", action="store_true", help="keep watching the folders for new files")
    parser.add_argument("--poll-interval", type=float, default=1.0, metavar="SECONDS", help="for --follow")
    parser.add_argument(
        "--for", dest="duration", type=float, metavar="SECONDS", help="stop following after this"
    )
    parser.add_argument("--source", help="publisher name for articles that do not give one")
    parser.add_argument("--strict", action="store_true", help="exit 1 when any record was dead-lettered")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)
