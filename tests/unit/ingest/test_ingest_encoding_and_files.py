"""Encoding detection and file parsing (pure; files under tmp_path)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from rasad.common.error_policy import Stage
from rasad.common.errors import InputError
from rasad.ingest.encoding import EncodingProblem, decode_bytes, looks_like_mojibake
from rasad.ingest.files import FolderWatcher, expand_paths, read_file, title_of

ARABIC = "أعلنت وزارة الدفاع العراقية اليوم عن صفقة جديدة لشراء منظومات دفاع جوي من روسيا"
CORPUS = Path(__file__).resolve().parents[2] / "data" / "articles"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1256"])
def test_arabic_text_decodes_from_common_encodings(encoding: str) -> None:
    assert decode_bytes(ARABIC.encode(encoding)).text == ARABIC


def test_latin_code_page_decodes_without_mojibake() -> None:
    text = "The minister said on Tuesday that the café near the façade was open."
    assert decode_bytes(text.encode("cp1252")).text == text


@pytest.mark.parametrize("errors", ["strict", "ignore", "replace"])
def test_utf8_read_as_cp1252_is_refused(errors: str) -> None:
    mojibake = ARABIC.encode("utf-8").decode("cp1252" if errors != "strict" else "latin-1", errors=errors)
    assert looks_like_mojibake(mojibake)
    with pytest.raises(EncodingProblem, match="mojibake"):
        decode_bytes(mojibake.encode("utf-8"))


def test_real_accented_text_is_not_called_mojibake() -> None:
    assert not looks_like_mojibake("São Paulo, Øresund, Zürich, naïve résumé, Ærø, Ðakovo")


def test_binary_bytes_are_refused() -> None:
    with pytest.raises(EncodingProblem):
        decode_bytes(bytes(range(256)) * 4)


def test_title_on_first_line_when_it_reads_as_one() -> None:
    assert (
        title_of("Russia offers Iraq air defence\n\nThe body of the story.")
        == "Russia offers Iraq air defence"
    )
    assert title_of("A whole paragraph that ends like a sentence, so no title.\nMore.") is None
    assert title_of("Only one line here") is None
    assert title_of("TOP\nbody") is None


def test_corpus_txt_files_match_the_seed_records() -> None:
    seeds = [json.loads(line) for line in (CORPUS / "seed.jsonl").read_text(encoding="utf-8").splitlines()]
    files = sorted((CORPUS / "raw").glob("*.txt"))
    assert len(files) == len(seeds) == 5
    for path, seed in zip(files, seeds, strict=True):
        [submission] = read_file(path, "seed")
        assert submission.fields is not None and submission.fields["text"] == seed["text"]
        title = submission.fields.get("title")
        assert title is None or title == seed["title"]
    titled = sum(1 for path in files if read_file(path)[0].fields.get("title"))  # type: ignore[union-attr]
    assert titled == 3


def test_json_and_jsonl_records_keep_their_origin(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps([{"text": "one"}, 5]), encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(
        '{"text": "x"}\n\n{bad\n{"text": "y", "source": "own"}\n', encoding="utf-8"
    )
    array = read_file(tmp_path / "a.json", "src")
    assert [s.origin for s in array] == [f"{tmp_path}/a.json[0]", f"{tmp_path}/a.json[1]"]
    assert array[0].fields == {"text": "one", "source": "src"}
    assert array[1].error is not None and "expected a JSON object" in str(array[1].error)
    lines = read_file(tmp_path / "b.jsonl", "src")
    assert [s.origin.rsplit(":", 1)[1] for s in lines] == ["1", "3", "4"]
    assert lines[1].stage is Stage.DECODE and lines[1].payload == "{bad"
    assert lines[2].fields == {"text": "y", "source": "own"}


def test_undecodable_file_becomes_one_failed_submission(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(bytes(range(256)) * 4)
    [submission] = read_file(path)
    assert submission.stage is Stage.DECODE and isinstance(submission.error, EncodingProblem)


def test_folders_expand_to_supported_files_and_missing_paths_are_fatal(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("b.txt", "a.jsonl", "sub/c.json", "notes.md"):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in expand_paths([tmp_path])] == [
        "a.jsonl",
        "b.txt",
        "sub/c.json",
    ]
    with pytest.raises(InputError, match="no such file"):
        expand_paths([tmp_path / "absent"])


def test_watcher_waits_for_a_file_to_hold_still(tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_text("old", encoding="utf-8")
    watcher = FolderWatcher([tmp_path])
    assert watcher.poll() == [tmp_path / "old.txt"]
    new = tmp_path / "new.txt"
    new.write_text("partial", encoding="utf-8")
    assert watcher.poll() == []  # first sighting
    new.write_text("partial, now complete", encoding="utf-8")
    assert watcher.poll() == []  # it changed since
    assert watcher.poll() == [new]
    assert watcher.poll() == []
    os.utime(new, ns=(1, 1))
    assert watcher.poll() == [] and watcher.poll() == [new]  # a changed file is read again
