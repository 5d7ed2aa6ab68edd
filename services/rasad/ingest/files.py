"""Files and folders → submissions: .txt (title on the first line when there is one), .json
(an object or an array of objects) and .jsonl / .ndjson (one object per line)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rasad.common.error_policy import Stage
from rasad.common.errors import InputError
from rasad.ingest.encoding import EncodingProblem, decode_bytes
from rasad.ingest.submissions import Submission, from_json_text, from_value

TEXT_SUFFIXES = frozenset({".txt"})
JSON_SUFFIXES = frozenset({".json"})
LINES_SUFFIXES = frozenset({".jsonl", ".ndjson"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | JSON_SUFFIXES | LINES_SUFFIXES
TITLE_MAX_CHARS = 250
TITLE_MAX_WORDS = 30
TITLE_MIN_WORDS = 3
SENTENCE_ENDS = (".", "!", "?", "؟", "。", ":")


def title_of(text: str) -> str | None:
    """The first line when it reads as a headline: a short line (3-30 words) followed by more
    text and not ending like a sentence."""
    lines = text.strip().splitlines()
    if len(lines) < 2:
        return None
    first = lines[0].strip()
    words = first.split()
    if not (TITLE_MIN_WORDS <= len(words) <= TITLE_MAX_WORDS) or len(first) > TITLE_MAX_CHARS:
        return None
    return None if first.endswith(SENTENCE_ENDS) else first


def txt_fields(text: str, source: str | None) -> dict[str, str | None]:
    """The whole file is the article's text; its first line is also its title when it is one."""
    return {"text": text.strip(), "title": title_of(text), "source": source}


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Files as given plus supported files found under folders (sorted). A missing path is fatal."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
            )
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    return found


def read_file(path: Path, source: str | None = None) -> list[Submission]:
    """Every record of one file; read and decoding failures become one failed submission."""
    origin = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
        return [
            Submission(origin, "", error=InputError(f"unsupported file type (use {kinds})"), stage=Stage.READ)
        ]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [Submission(origin, "", error=InputError(f"cannot read: {exc.strerror}"), stage=Stage.READ)]
    try:
        text = decode_bytes(data).text
    except EncodingProblem as exc:
        return [Submission(origin, data.decode("utf-8", errors="replace"), error=exc, stage=Stage.DECODE)]
    if suffix in TEXT_SUFFIXES:
        return [parse_txt(origin, text, source)]
    if suffix in JSON_SUFFIXES:
        return parse_json_document(origin, text, source)
    return parse_json_lines(origin, text, source)


def parse_txt(origin: str, text: str, source: str | None) -> Submission:
    fields = txt_fields(text, source)
    return Submission(origin, text, fields={k: v for k, v in fields.items() if v is not None})


def with_source(submission: Submission, source: str | None) -> Submission:
    if source is None or submission.fields is None or "source" in submission.fields:
        return submission
    return Submission(submission.origin, submission.payload, {**submission.fields, "source": source})


def parse_json_document(origin: str, text: str, source: str | None) -> list[Submission]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return [Submission(origin, text, error=exc, stage=Stage.DECODE)]
    items = value if isinstance(value, list) else [value]
    name = (lambda i: f"{origin}[{i}]") if isinstance(value, list) else (lambda i: origin)
    return [with_source(from_value(name(i), item), source) for i, item in enumerate(items)]


def parse_json_lines(origin: str, text: str, source: str | None) -> list[Submission]:
    return [
        with_source(from_json_text(f"{origin}:{number}", line), source)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]


Signature = tuple[int, int]


@dataclass
class FolderWatcher:
    """Finds files to ingest under paths: everything at first, then files that are new or
    changed, once their size and modification time held still for one poll (so a file still
    being written is not read half-way)."""

    paths: Sequence[Path]
    done: dict[Path, Signature] = field(default_factory=dict)
    pending: dict[Path, Signature] = field(default_factory=dict)
    started: bool = False

    def poll(self) -> list[Path]:
        current = {p: signature(p) for p in self.scan()}
        if not self.started:
            self.started = True
            self.done.update(current)
            return sorted(current)
        ready = []
        for path, sig in current.items():
            if self.done.get(path) == sig:
                continue
            if self.pending.get(path) == sig:
                ready.append(path)
                self.done[path] = sig
                self.pending.pop(path)
            else:
                self.pending[path] = sig
        return sorted(ready)

    def scan(self) -> Iterable[Path]:
        yield from expand_paths([p for p in self.paths if p.exists()])


def signature(path: Path) -> Signature:
    stat = os.stat(path)
    return (stat.st_size, stat.st_mtime_ns)
