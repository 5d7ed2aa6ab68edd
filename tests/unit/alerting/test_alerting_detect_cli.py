"""``rasad detect`` on crafted enriched-article JSON lines."""

from __future__ import annotations

import io
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from rasad.cli import main
from rasad.common.messages import Alert

START = datetime(2024, 3, 4, tzinfo=UTC)
SPIKE = START + timedelta(days=8, hours=9)
WATCHLIST = """
keywords:
  - {key: drones, name: Drones, terms: ["drone", "drones", "طائرة مسيرة", "المسيرات"]}
entities: [{id: Q796, name: Iraq}]
detector: {cycle: 5m}
"""


def line(
    article_id: str, at: datetime, title: str, entities: list[tuple[str, str]], source: str, **extra: Any
) -> str:
    record = {
        "id": article_id,
        "extractor_version": "test-1",
        "title": title,
        "source": source,
        "published_at": at.isoformat(),
        "story_id": extra.pop("story_id", f"story-{article_id}"),
        "entities": [{"id": i, "name": n, "type": "COUNTRY"} for i, n in entities],
    }
    record.update(extra)
    return json.dumps(record, ensure_ascii=False)


def crafted(seed: int = 1) -> list[str]:
    """Eight days of background (Iraq in a fifth of the stories, 'drone' in one a day), then
    nine drone stories in an hour from three sources, lines a few minutes out of order."""
    rng = random.Random(seed)
    rows: list[tuple[datetime, str]] = []
    for h in range(9 * 24):
        hour = START + timedelta(hours=h)
        for i in range(8):
            n = h * 8 + i
            at = hour + timedelta(minutes=7 * i + 1)
            entities = [("Q796", "Iraq")] if n % 5 == 0 else [("Q30", "United States")]
            title = "A drone was seen" if n % 192 == 3 else f"Daily news {n}"
            rows.append((at, line(f"bg-{n}", at, title, entities, f"paper-{n % 4}")))
    for i in range(9):
        at = SPIKE + timedelta(minutes=6 * i + 2)
        text = "هجوم بطائرة مسيرة على قاعدة عسكرية"
        rows.append((at, line(f"spike-{i}", at, f"Attack {i}", [], f"wire-{i % 3}", text=text)))
        copy_at = at + timedelta(minutes=1)
        rows.append(
            (
                copy_at,
                line(
                    f"copy-{i}",
                    copy_at,
                    f"Attack {i}",
                    [],
                    "aggregator",
                    story_id=f"story-spike-{i}",
                    text=text,
                ),
            )
        )
    rows.sort(key=lambda row: row[0])
    lines = [text for _, text in rows]
    for i in range(0, len(lines) - 3, 3):  # a few minutes out of order
        j = i + rng.randrange(1, 3)
        lines[i], lines[j] = lines[j], lines[i]
    return lines


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "watch.yaml"
    path.write_text(WATCHLIST, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, Any]], str]:
    code = main(["detect", *args])
    out, err = capsys.readouterr()
    return code, [json.loads(x) for x in out.splitlines()], err


def test_detect_writes_one_alert_line_for_the_spike(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "articles.jsonl"
    source.write_text("\n".join(crafted()) + "\n", encoding="utf-8")
    code, alerts, err = run(capsys, str(source), "--config", str(config))
    assert code == 0, err
    assert len(alerts) == 1
    alert = alerts[0]
    for field in (
        "kind",
        "key",
        "name",
        "window_start",
        "window_end",
        "observed",
        "expected",
        "p_value",
        "severity",
        "article_ids",
    ):
        assert field in alert
    assert (alert["kind"], alert["key"], alert["name"], alert["status"]) == (
        "keyword",
        "drones",
        "Drones",
        "firing",
    )
    end = datetime.fromisoformat(alert["window_end"])
    assert SPIKE < end <= SPIKE + timedelta(hours=1)
    assert end - datetime.fromisoformat(alert["window_start"]) == timedelta(hours=1)
    assert alert["observed"] >= 3 and alert["expected"] < 1 and alert["p_value"] <= 0.001
    assert alert["article_ids"] and all(i.startswith("spike-") for i in alert["article_ids"])
    Alert.model_validate(alert)


def test_detect_reads_stdin_and_writes_updates_with_all(
    config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(crafted(seed=2)) + "\n"))
    code, alerts, err = run(capsys, "-", "--config", str(config), "--all")
    assert code == 0, err
    assert alerts[0]["status"] == "firing" and alerts[-1]["status"] == "resolved"
    assert {a["alert_id"] for a in alerts} == {alerts[0]["alert_id"]}


def test_line_order_within_the_lateness_does_not_change_the_alerts(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = []
    for seed in (3, 4):
        source = tmp_path / f"articles-{seed}.jsonl"
        source.write_text("\n".join(crafted(seed)) + "\n", encoding="utf-8")
        outputs.append(run(capsys, str(source), "--config", str(config), "--all")[1])
    assert outputs[0] == outputs[1] and outputs[0]


def test_without_a_config_busy_keys_are_watched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = []
    for text in crafted():
        record = json.loads(text)
        if record["id"].startswith(("spike-", "copy-")):
            record["entities"] = [{"id": "Q1234", "name": "Somewhere", "type": "PLACE"}]
        lines.append(json.dumps(record))
    source = tmp_path / "articles.jsonl"
    source.write_text("\n".join(lines), encoding="utf-8")
    code, alerts, err = run(capsys, str(source))
    assert code == 0, err
    assert [(a["kind"], a["key"], a["name"]) for a in alerts] == [("entity", "Q1234", "Somewhere")]


def test_bad_lines_are_reported_and_skipped(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = crafted()
    lines.insert(10, "{not json")
    lines.insert(20, json.dumps({"id": "x", "extractor_version": "t", "published_at": "yesterday"}))
    lines.insert(30, json.dumps({"id": "y", "extractor_version": "t"}))
    source = tmp_path / "articles.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, alerts, err = run(capsys, str(source), "--config", str(config))
    assert code == 1
    assert [a["key"] for a in alerts] == ["drones"]
    assert "line 11: not JSON" in err
    assert "line 21: published_at:" in err
    assert "line 31: article y: neither published_at nor ingested_at" in err
    assert "3 line(s) skipped" in err


def test_missing_input_and_bad_config_fail_with_one_line(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["detect", str(tmp_path / "absent.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("detector: {alpha: 7}", encoding="utf-8")
    assert main(["detect", "--config", str(bad), str(config)]) == 2
    err = capsys.readouterr().err
    assert "detector.alpha" in err and len(err.strip().splitlines()) == 1


def test_a_lone_article_years_earlier_changes_nothing(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Quiet stretches are skipped, not replayed minute by minute: three years before the
    stream (1.6 million one-minute cycles) cost nothing and the alerts stay the same."""
    plain, early = tmp_path / "plain.jsonl", tmp_path / "early.jsonl"
    plain.write_text("\n".join(crafted()) + "\n", encoding="utf-8")
    lone = line("old-1", START - timedelta(days=3 * 365), "Old news", [("Q796", "Iraq")], "paper-0")
    early.write_text("\n".join([lone, *crafted()]) + "\n", encoding="utf-8")
    _, expected, _ = run(capsys, str(plain), "--config", str(config), "--all")
    code, alerts, err = run(capsys, str(early), "--config", str(config), "--all")
    assert code == 0, err
    assert alerts == expected and expected
