"""``rasad ingest --feed URL``: a feed and its pages served from 127.0.0.1, conditional
requests, full-text extraction for summary-only items, articles read back from Kafka."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from rasad.cli import main
from rasad.common.messages import RawArticle
from rasad.common.topics import ARTICLES_RAW
from rasad.ingest.articles import article_id

pytestmark = pytest.mark.integration

ETAG = '"feed-v1"'
LAST_MODIFIED = "Tue, 07 Jan 2020 10:00:00 GMT"
BODY = (
    "The defence ministry confirmed on Tuesday that a shipment of air defence systems had reached "
    "the capital, according to officials who spoke at a press conference in the afternoon. "
)
ARABIC = "أكدت وزارة الدفاع وصول شحنة من منظومات الدفاع الجوي إلى العاصمة."
PAGE = f"""<html><head><title>Shipment arrives</title></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> Subscribe to our newsletter</nav>
<article><h1>Shipment arrives</h1><p>{BODY * 3}</p><p>{BODY * 2}</p></article>
<footer>Copyright footer text, all rights reserved, cookie settings</footer></body></html>"""


def feed_xml(base: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Local Wire</title><link>{base}/</link><description>test feed</description>
<item><title>Shipment arrives</title><link>{base}/news/1?utm_source=rss</link>
  <description>Short teaser only.</description><pubDate>Tue, 07 Jan 2020 09:30:00 GMT</pubDate></item>
<item><title>وصول شحنة</title><link>{base}/news/2</link>
  <description>ملخص</description>
  <content:encoded><![CDATA[<p>{ARABIC}</p>]]></content:encoded>
  <pubDate>Wed, 08 Jan 2020 11:00:00 GMT</pubDate></item>
<item><title>Gone page</title><link>{base}/news/missing</link>
  <description>Only this summary survives.</description></item>
</channel></rss>"""


class FeedSite(BaseHTTPRequestHandler):
    requests: ClassVar[list[tuple[str, int]]] = []

    def do_GET(self) -> None:
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        if self.path == "/feed.xml":
            if self.headers.get("If-None-Match") == ETAG:
                self.reply(304, b"")
            else:
                self.reply(200, feed_xml(base).encode(), "application/rss+xml", {"ETag": ETAG})
        elif self.path.startswith("/news/1"):
            self.reply(200, PAGE.encode(), "text/html; charset=utf-8")
        else:
            self.reply(404, b"not found", "text/plain")

    def reply(self, status: int, body: bytes, ctype: str = "", headers: dict[str, str] | None = None) -> None:
        self.requests.append((self.path, status))
        self.send_response(status)
        for name, value in {**(headers or {}), "Last-Modified": LAST_MODIFIED}.items():
            self.send_header(name, value)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def feed_site() -> Iterator[str]:
    FeedSite.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FeedSite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_feed_items_are_published_with_their_full_text(
    stack_env: Any, feed_site: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in stack_env.env().items():
        monkeypatch.setenv(name, value)
    assert main(["ingest", "--feed", f"{feed_site}/feed.xml", "--every", "0.5", "--for", "1.8"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("published 3, duplicates 0, dead-lettered 0")

    feed_requests = [status for path, status in FeedSite.requests if path == "/feed.xml"]
    assert feed_requests[0] == 200 and len(feed_requests) >= 2 and set(feed_requests[1:]) == {304}

    articles = {a.id: a for a in (RawArticle.model_validate(d) for d in stack_env.read_json(ARTICLES_RAW, 3))}
    extracted = articles[article_id(f"{feed_site}/news/1", "")]
    assert BODY.strip() in extracted.text
    assert "newsletter" not in extracted.text and "cookie" not in extracted.text
    assert (
        extracted.title == "Shipment arrives" and extracted.source == "Local Wire" and extracted.lang == "en"
    )
    assert (
        extracted.published_at is not None
        and extracted.published_at.isoformat() == "2020-01-07T09:30:00+00:00"
    )
    arabic = articles[article_id(f"{feed_site}/news/2", "")]
    assert (
        arabic.text == "أكدت وزارة الدفاع وصول شحنة من منظومات الدفاع الجوي إلى العاصمة."
        and arabic.lang == "ar"
    )
    assert articles[article_id(f"{feed_site}/news/missing", "")].text == "Only this summary survives."
