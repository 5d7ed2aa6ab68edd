"""Ids, canonical URLs, normalization, language guess and the input model (pure)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from rasad.ingest.articles import ArticleIn, article_id, canonical_url, normalize_text, to_raw_article
from rasad.ingest.language import detect_language
from rasad.ingest.submissions import describe_validation_error

NOW = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
ID_PATTERN = re.compile(r"^[A-Za-z0-9._:\-]+$")


@pytest.mark.parametrize(
    "variant",
    [
        "https://example.org/news/1",
        "HTTPS://WWW.Example.org:443/news/1/",
        "https://example.org/news/1?utm_source=rss&utm_medium=feed",
        "https://example.org/news/1#comments",
        "https://example.org/news/1?fbclid=abc",
    ],
)
def test_url_variants_share_one_id(variant: str) -> None:
    assert article_id(variant, "any text") == article_id("https://example.org/news/1", "other text")


def test_canonical_url_keeps_what_identifies_the_page() -> None:
    assert (
        canonical_url("http://Example.org:8080/a?b=2&a=1&utm_campaign=x")
        == "http://example.org:8080/a?a=1&b=2"
    )
    assert canonical_url("https://example.org/a?id=1") != canonical_url("https://example.org/a?id=2")


def test_text_ids_ignore_diacritics_tatweel_case_and_spacing() -> None:
    plain = "قال وزير الدفاع إن العملية انتهت. The END"
    marked = "قَالَ  وزيـــر الدفاع\nإن العملية انتهت.   the end"
    assert normalize_text(plain) == normalize_text(marked)
    assert article_id(None, plain) == article_id(None, marked)
    assert article_id(None, plain) != article_id(None, plain + " ثم")


@given(st.text(min_size=1), st.one_of(st.none(), st.just("https://example.org/x")))
def test_ids_fit_the_contract(text: str, url: str | None) -> None:
    value = article_id(url, text)
    assert ID_PATTERN.match(value) and len(value) <= 128
    assert value.startswith("u-" if url else "t-")


def test_raw_article_is_stamped_and_completed() -> None:
    article = to_raw_article(
        ArticleIn(text="  وقالت الوزارة إن المناورات انتهت  ", published_at="2020-01-07"),  # type: ignore[arg-type]
        NOW,
    )
    assert article.ingested_at == NOW and article.lang == "ar"
    assert article.text == "وقالت الوزارة إن المناورات انتهت"
    assert article.published_at == dt.datetime(2020, 1, 7, tzinfo=dt.UTC)
    assert article.id == article_id(None, article.text)


def test_given_id_and_language_are_kept() -> None:
    article = to_raw_article(ArticleIn(id="seed-000", text="x y z", lang="fr"), NOW)
    assert (article.id, article.lang) == ("seed-000", "fr")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "no text"}, "text: Field required"),
        ({"text": "   "}, "text: String should have at least 1 character"),
        (
            {"text": "x", "url": "ftp://example.org/a"},
            "url: Value error, must be an absolute http or https URL",
        ),
        ({"text": "x", "id": "has spaces"}, "id: String should match pattern"),
        ({"text": "x", "lang": "Arabic"}, "lang: String should match pattern"),
        ({"text": "x", "published_at": "yesterday"}, "published_at: Input should be a valid datetime"),
        ({"text": "x", "ingested_at": "2020-01-01"}, "ingested_at: Extra inputs are not permitted"),
    ],
)
def test_validation_errors_name_the_field_and_the_reason(fields: dict[str, str], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ArticleIn.model_validate(fields)
    assert describe_validation_error(caught.value).startswith(message)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("صرح عضو المجلس العام بوزارة الدفاع الروسية", "ar"),
        ("The ministry said that the strike hit a depot in the north", "en"),
        ("روسيا Russia S-400 العراق بغداد", "ar"),
        ("12 34 56 -- !!", None),
        ("Le ministère a déclaré que la frappe visait un dépôt", None),
        ("Москва заявила об ударе", None),
    ],
)
def test_language_guess(text: str, lang: str | None) -> None:
    assert detect_language(text) == lang
