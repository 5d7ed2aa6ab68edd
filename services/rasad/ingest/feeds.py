"""RSS/Atom feeds → submissions.

The feed is fetched with conditional requests (``If-None-Match`` / ``If-Modified-Since`` from
the previous reply's ``ETag`` / ``Last-Modified``) and parsed with feedparser. An item that
carries its full content gives its text; an item with only a summary has its page fetched and
the main text extracted with trafilatura (the summary stands in when the page cannot be had).
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import feedparser
import httpx
import lxml.html
import trafilatura

from rasad.common.error_policy import Stage
from rasad.common.errors import InputError
from rasad.ingest.submissions import Submission, from_value

log = logging.getLogger(__name__)
USER_AGENT = "rasad-ingest/0.1"
PageFetcher = Callable[[str], str | None]


class FeedError(InputError):
    """The feed could not be fetched or is not RSS/Atom."""


@dataclass
class FeedState:
    """Validators of the last reply, sent back so that an unchanged feed costs a 304."""

    etag: str | None = None
    modified: str | None = None


@dataclass(frozen=True)
class FeedPoll:
    status: int
    submissions: list[Submission] = field(default_factory=list)
    summary_only: int = 0


BLOCK_TAGS = frozenset({"p", "br", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr"})


def html_to_text(html: str) -> str:
    """Text of an HTML fragment (a feed item's content or summary), one line per block."""
    if not html.strip():
        return ""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for element in root.iter(*BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def extract_main_text(html: str, url: str) -> str | None:
    """The page's main text (boilerplate and navigation removed), or None."""
    text = trafilatura.extract(html, url=url, include_comments=False, include_tables=False)
    return text.strip() if text else None


def entry_time(entry: Mapping[str, Any]) -> str | None:
    for name in ("published_parsed", "updated_parsed"):
        parsed = entry.get(name)
        if parsed:
            return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC).isoformat()
    return None


def entry_content(entry: Mapping[str, Any]) -> str | None:
    contents = entry.get("content") or []
    texts = [html_to_text(c.get("value", "")) for c in contents]
    return max(texts, key=len) if any(texts) else None


def entry_to_fields(
    entry: Mapping[str, Any], source: str, fetch_page: PageFetcher
) -> tuple[dict[str, Any], bool]:
    """An item's article fields, and whether only its summary could be had."""
    link = entry.get("link") or None
    text = entry_content(entry)
    summary_only = False
    if not text and link:
        html = fetch_page(link)
        text = extract_main_text(html, link) if html else None
    if not text:
        text = html_to_text(entry.get("summary", "") or "")
        summary_only = bool(text)
    fields = {
        "text": text,
        "title": entry.get("title") or None,
        "url": link,
        "source": source,
        "published_at": entry_time(entry),
    }
    return {k: v for k, v in fields.items() if v}, summary_only


def feed_source(parsed: Any, url: str) -> str:
    title = parsed.feed.get("title") if parsed.get("feed") else None
    return str(title or urlsplit(url).hostname or url)


def parse_feed(url: str, body: bytes, fetch_page: PageFetcher) -> FeedPoll:
    parsed = feedparser.parse(body)
    if parsed.bozo and not parsed.entries:
        raise FeedError(f"{url}: not an RSS or Atom feed ({parsed.get('bozo_exception')})")
    source = feed_source(parsed, url)
    submissions, summary_only = [], 0
    for index, entry in enumerate(parsed.entries):
        origin = entry.get("link") or f"{url}#{index}"
        try:
            fields, only_summary = entry_to_fields(entry, source, fetch_page)
        except Exception as exc:  # one bad item must not stop the feed; it is dead-lettered
            error = InputError(f"feed item could not be read: {type(exc).__name__}: {exc}")
            submissions.append(Submission(origin, str(dict(entry)), error=error, stage=Stage.READ))
            continue
        summary_only += only_summary
        submissions.append(from_value(origin, fields))
    return FeedPoll(200, submissions, summary_only)


class FeedReader:
    """Polls one feed with conditional requests; fetches pages of summary-only items."""

    def __init__(self, url: str, client: httpx.Client) -> None:
        self.url = url
        self.state = FeedState()
        self._client = client

    def poll(self) -> FeedPoll:
        headers = {}
        if self.state.etag:
            headers["If-None-Match"] = self.state.etag
        if self.state.modified:
            headers["If-Modified-Since"] = self.state.modified
        try:
            reply = self._client.get(self.url, headers=headers)
        except httpx.HTTPError as exc:
            raise FeedError(f"{self.url}: {type(exc).__name__}: {exc}") from exc
        if reply.status_code == 304:
            return FeedPoll(304)
        if reply.status_code >= 400:
            raise FeedError(f"{self.url}: HTTP {reply.status_code}")
        poll = parse_feed(self.url, reply.content, self.fetch_page)
        self.state = FeedState(reply.headers.get("etag"), reply.headers.get("last-modified"))
        return poll

    def fetch_page(self, url: str) -> str | None:
        try:
            reply = self._client.get(url)
        except httpx.HTTPError as exc:
            log.warning("page %s: %s", url, exc)
            return None
        if reply.status_code >= 400:
            log.warning("page %s: HTTP %s", url, reply.status_code)
            return None
        return reply.text


def http_client(timeout_s: float = 20.0) -> httpx.Client:
    return httpx.Client(timeout=timeout_s, follow_redirects=True, headers={"User-Agent": USER_AGENT})
