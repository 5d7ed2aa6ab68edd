"""The processor's view of the extraction library: one raw article in, its extraction out."""

from __future__ import annotations

from rasad.common.messages import Extraction, RawArticle
from rasad.extract.engine import extract


def extractor(raw: RawArticle) -> Extraction:
    return extract(raw.text, article_id=raw.id, lang=raw.lang, title=raw.title, published_at=raw.published_at)
