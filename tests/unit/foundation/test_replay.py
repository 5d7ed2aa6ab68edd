"""`rasad replay` posts what was recorded, re-timed to now unless asked otherwise."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from rasad.cli import main
from rasad.common.errors import InputError
from rasad.replay import Timing, load, prepare

RECORD = {
    "id": "seed-000",
    "source": "seed",
    "lang": "ar",
    "title": None,
    "published_at": "2020-01-07",
    "text": "قصف استهدف موكبا",
    "extra": 1,
}


def test_prepare_drops_dates_nulls_and_unknown_fields() -> None:
    assert prepare(RECORD) == {
        "id": "seed-000",
        "source": "seed",
        "lang": "ar",
        "text": "قصف استهدف موكبا",
    }


def test_prepare_keeps_dates_and_suffixes_ids_when_asked() -> None:
    body = prepare(RECORD, timing=Timing(keep=True), id_suffix="r1")
    assert body["published_at"] == "2020-01-07" and body["id"] == "seed-000-r1"


def test_spread_dates_articles_evenly_before_the_end_and_sources_take_turns() -> None:
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    timing = Timing(spread=4 * 3600, ending=2 * 3600, now=now)
    bodies = [prepare(RECORD, timing=timing, index=i, count=4, sources=("a", "b", "c")) for i in range(4)]
    assert [b["published_at"] for b in bodies] == [
        "2026-01-01T07:00:00+00:00",
        "2026-01-01T08:00:00+00:00",
        "2026-01-01T09:00:00+00:00",
        "2026-01-01T10:00:00+00:00",
    ]
    assert [b["source"] for b in bodies] == ["a", "b", "c", "a"]


def test_load_names_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "a"}\n\n[1]\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"a.jsonl:3: expected a JSON object"):
        load(path)


def test_unreachable_api_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "a"}\n', encoding="utf-8")
    assert main(["replay", str(path), "--api", "http://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert (
        err.startswith("rasad replay: ingest API at http://127.0.0.1:9 unreachable")
        and "Traceback" not in err
    )
