import io
import json
from pathlib import Path

from rasad.cli import main
from rasad.common.messages import EnrichedArticle
from rasad.extract.cli import run


def test_each_good_line_gives_one_extraction_and_bad_lines_are_named() -> None:
    lines = [
        json.dumps({"id": "a-1", "text": "قال الرئيس الروسي فلاديمير بوتين إن روسيا ستسلم العراق إس-400."}),
        "not json",
        json.dumps({"id": "a-2"}),
        "",
        json.dumps(
            {"id": "a-3", "text": "Iran launched drones at Erbil.", "lang": "en", "url": "https://x.test/1"}
        ),
    ]
    out, err = io.StringIO(), io.StringIO()
    assert run(lines, out, err) == 1
    results = [EnrichedArticle.model_validate_json(line) for line in out.getvalue().splitlines()]
    assert [r.id for r in results] == ["a-1", "a-3"]
    assert {"Q7747", "Q159", "Q796"} <= {e.id for e in results[0].entities}
    assert [w.id for w in results[0].weapons] == ["s-400"]
    assert {w.id for w in results[1].weapons} == {"drones"}
    messages = err.getvalue().splitlines()
    assert len(messages) == 2
    assert messages[0].startswith("rasad extract: -:2: not JSON")
    assert messages[1].startswith("rasad extract: -:3: text:")


def test_all_good_lines_exit_zero(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "b-1", "text": "بغداد"}) + "\n", encoding="utf-8")
    assert main(["extract", str(path)]) == 0
    record = json.loads(capsys.readouterr().out)
    assert set(record) == {"id", "lang", "extractor_version", "entities", "weapons", "events"}


def test_missing_file_is_one_clear_error(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["extract", str(tmp_path / "nope.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err
