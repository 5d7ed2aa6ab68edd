"""``rasad ingest PATH...`` on the real Kafka and Redis: folders of .txt/.json/.jsonl, wrong
encodings, duplicates, --follow, fatal errors."""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from rasad.cli import main
from rasad.common.messages import DeadLetter, RawArticle
from rasad.common.topics import ARTICLES_RAW, DEADLETTER
from rasad.ingest.articles import article_id

pytestmark = pytest.mark.integration

CORPUS = Path(__file__).resolve().parents[2] / "data" / "articles"
RAW = CORPUS / "raw"
SEEDS = CORPUS / "seed.jsonl"
ARABIC = "أعلنت وزارة الدفاع العراقية اليوم عن صفقة جديدة لشراء منظومات دفاع جوي من روسيا"


@pytest.fixture
def ingest_env(stack_env: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    for name, value in stack_env.env().items():
        monkeypatch.setenv(name, value)
    return stack_env


def corpus_folder(root: Path) -> Path:
    folder = root / "in"
    (folder / "nested").mkdir(parents=True)
    for path in sorted(RAW.glob("*.txt")):
        shutil.copy(path, folder / path.name)
    (folder / "batch.json").write_text(
        json.dumps([{"text": "First article of a JSON array."}, {"text": "Second one.", "title": "Two"}]),
        encoding="utf-8",
    )
    lines = [
        json.dumps({"id": "line-1", "text": "A JSON line."}),
        "",
        "{broken",
        json.dumps({"title": "no text"}),
    ]
    (folder / "nested" / "lines.jsonl").write_text("\n".join(lines), encoding="utf-8")
    (folder / "cp1256.txt").write_bytes(f"عنوان الخبر هنا\n{ARABIC}".encode("cp1256"))
    mojibake = f"{ARABIC}\n".encode().decode("cp1252", errors="ignore")
    (folder / "mojibake.txt").write_text(mojibake, encoding="utf-8")
    (folder / "ignored.csv").write_text("not,an,article", encoding="utf-8")
    return folder


def test_folder_ingest_publishes_reports_and_dead_letters(
    ingest_env: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = corpus_folder(tmp_path)
    assert main(["ingest", "--no-progress", "--source", "corpus", str(folder)]) == 0
    out, err = capsys.readouterr()
    # 5 raw + 2 json + 1 jsonl + cp1256 = 9 published; 2 bad lines + mojibake = 3 dead-lettered
    assert out.startswith("published 9, duplicates 0, dead-lettered 3, skipped 0")
    assert "mojibake.txt: decodes as utf-8 but reads as mojibake" in err

    articles = {
        a.id: a for a in (RawArticle.model_validate(d) for d in ingest_env.read_json(ARTICLES_RAW, 9))
    }
    assert len(articles) == 9
    seeds = [json.loads(line) for line in SEEDS.read_text(encoding="utf-8").splitlines()]
    for seed in seeds:
        article = articles[article_id(None, seed["text"])]
        assert article.text == seed["text"] and article.source == "corpus" and article.lang == "ar"
        if seed["title"] and seed["text"].startswith(seed["title"]):
            assert article.title == seed["title"]
    cp1256 = articles[article_id(None, f"عنوان الخبر هنا\n{ARABIC}")]
    assert cp1256.title == "عنوان الخبر هنا" and ARABIC in cp1256.text
    assert articles["line-1"].text == "A JSON line."

    letters = [DeadLetter.model_validate(d) for d in ingest_env.read_json(DEADLETTER, 3)]
    assert sorted(letter.stage for letter in letters) == ["decode", "decode", "validate"]
    assert any("lines.jsonl:3" in letter.error and letter.payload == "{broken" for letter in letters)
    assert any(
        "lines.jsonl:4" in letter.error and "text: Field required" in letter.error for letter in letters
    )

    assert main(["ingest", "--no-progress", "--source", "corpus", str(folder)]) == 0
    assert capsys.readouterr().out.startswith("published 0, duplicates 9, dead-lettered 3")
    assert len(ingest_env.read(ARTICLES_RAW, 9)) == 9


def test_follow_picks_up_new_files(
    ingest_env: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "watched"
    folder.mkdir()
    (folder / "first.txt").write_text(
        "First headline of the day\nThe first article's body.", encoding="utf-8"
    )
    codes: list[int] = []
    args = ["ingest", "--no-progress", "--follow", "--poll-interval", "0.2", "--for", "6", str(folder)]
    runner = threading.Thread(target=lambda: codes.append(main(args)))
    runner.start()
    time.sleep(2)
    (folder / "later.jsonl").write_text(
        json.dumps({"id": "later-1", "text": "Arrived later."}), encoding="utf-8"
    )
    runner.join(timeout=30)
    assert codes == [0]
    assert capsys.readouterr().out.startswith("published 2, duplicates 0")
    ids = {d["id"] for d in ingest_env.read_json(ARTICLES_RAW, 2)}
    assert ids == {"later-1", article_id(None, "First headline of the day\nThe first article's body.")}


def test_fatal_errors_exit_non_zero(
    ingest_env: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    unused_port: Any,
) -> None:
    assert main(["ingest", str(tmp_path / "missing")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    (tmp_path / "a.txt").write_text("Some text that cannot be published now.", encoding="utf-8")
    monkeypatch.setenv("RASAD_KAFKA_BOOTSTRAP_SERVERS", f"127.0.0.1:{unused_port()}")
    monkeypatch.setenv("RASAD_INGEST_PUBLISH_TIMEOUT_S", "2")
    assert main(["ingest", "--no-progress", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert "unreachable" in err and out.startswith("published 0")
    assert ingest_env.redis_keys("ingest:seen:*") == []
