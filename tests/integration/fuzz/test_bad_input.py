"""Hostile input end to end: texts that are empty, oversized, binary, wrongly encoded,
HTML-laden or full of bidi overrides, through the ingest API and through files, and poison
records written straight to the raw topic. Every rejection says what is wrong, everything
accepted is processed, poison records are dead-lettered with their cause, and the services
keep running."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from rasad.cli import main
from rasad.common.messages import MAX_TEXT_CHARS, DeadLetter
from rasad.common.topics import ARTICLES_ENRICHED, ARTICLES_RAW, DEADLETTER

from ..alerting.conftest import StartService, wait_for
from ..conftest import StackEnv
from ..faults.conftest import counted_articles, metric_sum
from ..processor.conftest import SAMPLES, Worker, produce

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ARTICLE = json.loads(SAMPLES.read_text(encoding="utf-8").splitlines()[0])["text"]
BIDI = "\u202e" + ARTICLE[:400] + "\u202c \u2067مرحبا\u2069 \u200f"
HTML = "<html><body><script>alert('x')</script><p onclick='x()'>" + ARTICLE[:600] + "</p><img src=x></body>"
MAX_BODY = 3_000_000


def post(url: str, payload: object) -> httpx.Response:
    return httpx.post(f"{url}/v1/articles", json=payload, timeout=60)


def post_bytes(url: str, path: str, data: bytes, content_type: str = "application/json") -> httpx.Response:
    return httpx.post(f"{url}{path}", content=data, headers={"content-type": content_type}, timeout=60)


def refused(response: httpx.Response, status: int, *words: str) -> str:
    assert response.status_code == status, response.text[:500]
    error = response.json()["error"]
    assert all(w in error for w in words), error
    return str(error)


def test_hostile_texts_through_the_api_files_and_the_raw_topic(
    stack_env: StackEnv,
    start_service: StartService,
    start_worker: Callable[[], Worker],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ingest = start_service("ingest", RASAD_INGEST_MAX_BODY_BYTES=str(MAX_BODY), RASAD_LOG_LEVEL="WARNING")
    url = ingest.url
    refused(post(url, {"text": ""}), 422, "text")
    refused(post(url, {"text": " \n\t "}), 422, "text")
    refused(post(url, {"text": "x" * (MAX_TEXT_CHARS + 1)}), 422, "text", str(MAX_TEXT_CHARS))
    refused(post(url, {"text": "ب" * (MAX_BODY // 2 + 10)}), 413)
    refused(post(url, {"text": ARTICLE, "lang": "arabic"}), 422, "lang")
    refused(post_bytes(url, "/v1/articles", bytes(range(256)) * 4), 422)
    refused(post_bytes(url, "/v1/articles", b"\x00" * 9), 400, "body")
    refused(
        post_bytes(url, "/v1/articles", json.dumps({"text": ARTICLE}, ensure_ascii=False).encode("cp1256")),
        400,
        "body",
    )
    batch = json.dumps([{"text": ARTICLE}], ensure_ascii=False).encode("cp1256")
    refused(post_bytes(url, "/v1/articles/batch", batch), 422, "not UTF-8")
    refused(post_bytes(url, "/v1/articles/batch", b"PNG image", "image/png"), 415, "content type")

    accepted = {}
    for name, text in {
        "bidi": BIDI,
        "html": HTML,
        "nul": ARTICLE[:300] + "\x00\x01\x7f",
        "big": "ب " * 200_000,
    }.items():
        response = post(url, {"id": f"hostile-{name}", "text": text})
        assert response.status_code == 200, f"{name}: {response.text[:300]}"
        accepted[response.json()["id"]] = name

    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "html.txt").write_text(HTML + " ملف", encoding="utf-8")
    (folder / "bidi.txt").write_text(BIDI + " ملف", encoding="utf-8")
    (folder / "utf16.txt").write_bytes(("عنوان الخبر هنا\n" + ARTICLE[:500]).encode("utf-16"))
    (folder / "broken.jsonl").write_bytes(b'{"text": "\xff\xfe"}\n{"text": 42}\n[]\n')
    for name, value in stack_env.env().items():
        monkeypatch.setenv(name, value)
    assert main(["ingest", "--no-progress", "--source", "hostile-files", str(folder)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("published 4, duplicates 0, dead-lettered 4, skipped 0"), out
    for reason in (
        "binary.txt: binary content",
        "broken.jsonl:2: text: Input should be a valid string",
        "broken.jsonl:3: expected a JSON object",
        "empty.txt: text: String should have at least 1 character",
    ):
        assert reason in err, err

    good = {
        "id": "poison-neighbour",
        "text": ARTICLE,
        "source": "s",
        "ingested_at": datetime.now(UTC).isoformat(),
    }
    poison = (
        b"",
        b"\x00\xff\xfe binary \x80",
        b"not json at all",
        b'{"id": "no-text"}',
        b'{"id": "bad id with spaces", "text": "x", "ingested_at": "2026-01-01T00:00:00Z"}',
        json.dumps({**good, "id": "wrong-type", "text": ["a", "list"]}).encode(),
        json.dumps({**good, "id": "future-version", "schema_version": 99}).encode(),
        json.dumps(good).encode()[:-20],
        json.dumps({**good, "id": "x" * 5000}).encode(),
        "\u202e".encode() + json.dumps(good).encode(),
    )
    produce(stack_env, [], raw_records=(*poison, json.dumps(good).encode()))
    worker = start_worker()

    raw = stack_env.read(ARTICLES_RAW, len(accepted) + 4 + len(poison) + 1)
    published = {json.loads(r.value)["id"] for r in raw if r.key}  # ingest keys records by id
    assert len(published) == len(accepted) + 4 and set(accepted) <= published
    expected_ids = published | {"poison-neighbour"}
    enriched = stack_env.read_json(ARTICLES_ENRICHED, len(expected_ids), timeout_s=120)
    assert {x["id"] for x in enriched} == expected_ids

    letters = [DeadLetter.model_validate(d) for d in stack_env.read_json(DEADLETTER, 4 + len(poison) - 1)]
    assert len([letter for letter in letters if letter.service == "ingest"]) == 4
    from_processor = [letter for letter in letters if letter.service == "processor"]
    # every non-empty poison record is dead-lettered with its payload and cause; an empty one
    # (a tombstone) is skipped by the error policy and counted as such
    assert sorted(letter.payload or "" for letter in from_processor) == sorted(
        p.decode("utf-8", "replace") for p in poison if p
    )
    assert all(letter.error and letter.stage == "validate" for letter in from_processor)
    assert any("text" in letter.error for letter in from_processor)
    wait_for(
        "the accepted articles counted",
        lambda: counted_articles(stack_env.endpoints.redis_url, stack_env.key_prefix) == len(expected_ids),
        timeout_s=60,
    )
    assert metric_sum(worker.metrics(), "rasad_processor_articles_total", outcome="skipped") == 1
    time.sleep(1)
    assert worker.process.poll() is None and worker.healthz().status_code == 200
    assert ingest.process.poll() is None and httpx.get(f"{url}/readyz", timeout=10).status_code == 200
