"""Feed items → submissions (pure: the page fetcher is a function argument)."""

from __future__ import annotations

import pytest

from rasad.ingest.feeds import FeedError, html_to_text, parse_feed

PAGE_TEXT = (
    "Officials confirmed that the convoy crossed the border at dawn and reached the base by noon, "
    "according to a statement read out at the ministry. "
)
PAGE = f"<html><body><nav>Menu Login Subscribe</nav><article><p>{PAGE_TEXT * 4}</p></article></body></html>"
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Wire</title>
<entry><title>Full</title><link href="https://example.org/full"/><updated>2024-02-08T10:00:00Z</updated>
  <content type="html">&lt;p&gt;Full text here.&lt;/p&gt;&lt;p&gt;Second paragraph.&lt;/p&gt;
  </content></entry>
<entry><title>Teaser</title><link href="https://example.org/teaser"/><summary>Teaser only.</summary></entry>
</feed>"""


def test_content_is_used_and_summary_only_items_are_fetched() -> None:
    fetched: list[str] = []

    def fetch(url: str) -> str | None:
        fetched.append(url)
        return PAGE

    poll = parse_feed("https://example.org/atom", ATOM.encode(), fetch)
    assert fetched == ["https://example.org/teaser"]
    full, teaser = (s.fields for s in poll.submissions)
    assert full == {
        "text": "Full text here.\nSecond paragraph.",
        "title": "Full",
        "url": "https://example.org/full",
        "source": "Atom Wire",
        "published_at": "2024-02-08T10:00:00+00:00",
    }
    assert teaser is not None and PAGE_TEXT.strip() in teaser["text"] and "Subscribe" not in teaser["text"]
    assert poll.summary_only == 0


def test_summary_stands_in_when_the_page_cannot_be_had() -> None:
    poll = parse_feed("https://example.org/atom", ATOM.encode(), lambda url: None)
    assert poll.submissions[1].fields is not None and poll.submissions[1].fields["text"] == "Teaser only."
    assert poll.summary_only == 1


def test_not_a_feed_is_refused() -> None:
    with pytest.raises(FeedError, match="not an RSS or Atom feed"):
        parse_feed("https://example.org/x", b"<html><body>hello</body>", lambda url: None)


def test_html_fragments_become_lines() -> None:
    assert html_to_text("<p>One <b>two</b></p><ul><li>three</li></ul>four") == "One two\nthree\nfour"
