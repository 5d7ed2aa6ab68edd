"""What a client posts, and how it becomes a :class:`RawArticle` (pure logic).

The article id is stable: the hash of the canonical URL when there is a URL, else the hash of
the normalized text, so that the same article posted twice, from a file and a feed, or with
tracking parameters in its link, gets one id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from typing import Annotated
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from rasad.common.messages import MAX_TEXT_CHARS, ArticleId, RawArticle
from rasad.ingest.language import detect_language

TRACKING_PARAMS = frozenset({"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ref_src"})
DEFAULT_PORTS = {"http": 80, "https": 443}
ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # harakat and tatweel
WHITESPACE = re.compile(r"\s+")


class ArticleIn(BaseModel):
    """An article as a client posts it; ``id``, ``lang`` and dates are filled in when missing."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: ArticleId | None = Field(default=None, description="Left out: computed from the URL or the text.")
    text: Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT_CHARS)]
    title: str | None = None
    url: Annotated[str, StringConstraints(max_length=4096)] | None = None
    source: str | None = None
    lang: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")] | None = Field(
        default=None, description="ISO 639-1 code; detected when missing."
    )
    published_at: dt.datetime | None = Field(
        default=None, description="ISO 8601; a bare date means 00:00 UTC."
    )

    @field_validator("url")
    @classmethod
    def url_is_http(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        parts = urlsplit(value)
        if parts.scheme.lower() not in DEFAULT_PORTS or not parts.hostname:
            raise ValueError("must be an absolute http or https URL")
        return value

    @field_validator("title", "source")
    @classmethod
    def blank_is_missing(cls, value: str | None) -> str | None:
        return value or None


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no default port, no fragment, no tracking parameters,
    sorted query, no trailing slash."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = f":{parts.port}" if parts.port and parts.port != DEFAULT_PORTS.get(scheme) else ""
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS
    )
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((scheme, host + port, path, urlencode(query), ""))


def normalize_text(text: str) -> str:
    """NFKC, no Arabic diacritics or tatweel, case-folded, whitespace collapsed."""
    folded = ARABIC_MARKS.sub("", unicodedata.normalize("NFKC", text)).casefold()
    return WHITESPACE.sub(" ", folded).strip()


def digest(value: str) -> str:
    return hashlib.blake2b(value.encode("utf-8"), digest_size=16).hexdigest()


def article_id(url: str | None, text: str) -> str:
    """``u-<hash of canonical URL>``, else ``t-<hash of normalized text>``."""
    if url:
        return f"u-{digest(canonical_url(url))}"
    return f"t-{digest(normalize_text(text))}"


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def to_raw_article(article: ArticleIn, ingested_at: dt.datetime) -> RawArticle:
    return RawArticle(
        id=article.id or article_id(article.url, article.text),
        text=article.text,
        title=article.title,
        url=article.url,
        source=article.source,
        lang=article.lang or detect_language(article.text),
        published_at=as_utc(article.published_at),
        ingested_at=ingested_at,
    )
