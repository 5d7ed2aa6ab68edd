"""`rasad extract` keeps the contract fields and carries the article's time and source, so
that its output feeds `rasad detect` directly."""

from __future__ import annotations

import io
import json

from rasad.alerting.offline import detect_lines
from rasad.alerting.watchlist import automatic_watchlist
from rasad.extract.cli import run

LINE = {
    "id": "a1",
    "text": "قصفت طائرات أمريكية موكبا قرب مطار بغداد الدولي",
    "title": "قصف",
    "source": "agency",
    "published_at": "2020-01-03T01:00:00Z",
    "unknown": 1,
}


def extract(record: dict[str, object]) -> dict[str, object]:
    out = io.StringIO()
    assert run([json.dumps(record, ensure_ascii=False)], out, io.StringIO()) == 0
    return dict(json.loads(out.getvalue()))


def test_contract_fields_first_then_the_carried_ones() -> None:
    record = extract(LINE)
    assert list(record)[:6] == ["id", "lang", "extractor_version", "entities", "weapons", "events"]
    assert record["title"] == "قصف" and record["source"] == "agency"
    assert record["published_at"] == "2020-01-03T01:00:00Z"
    assert "unknown" not in record and "url" not in record and "ingested_at" not in record


def test_output_feeds_detect_without_skipped_lines() -> None:
    errors: list[Exception] = []
    lines = [json.dumps(extract(LINE | {"id": f"a{i}"}), ensure_ascii=False) for i in range(3)]
    list(detect_lines(lines, automatic_watchlist(), on_error=errors.append))
    assert errors == []
