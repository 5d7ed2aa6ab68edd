"""MinHash bands: a lightly edited copy shares a band with its original, other stories do not."""

from __future__ import annotations

import json
from pathlib import Path

from rasad.processor.stories import BANDS, band_keys, shingles

CORPUS = Path(__file__).resolve().parents[3] / "tests" / "data" / "articles" / "seed.jsonl"


def seed_texts() -> list[str]:
    return [
        json.loads(line)["text"] for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def light_edit(text: str) -> str:
    words = text.split()
    words[5] = "وقال"
    del words[len(words) // 2]
    return "عاجل: " + " ".join(words) + " المصدر: وكالات"


def test_bands_are_deterministic_and_complete() -> None:
    text = seed_texts()[0]
    assert band_keys(text) == band_keys(text)
    assert len(set(band_keys(text))) == BANDS


def test_light_rewrite_shares_bands_with_its_original() -> None:
    for text in seed_texts():
        shared = set(band_keys(text)) & set(band_keys(light_edit(text)))
        assert len(shared) >= BANDS // 2


def test_different_stories_share_no_band() -> None:
    keys = [set(band_keys(text)) for text in seed_texts()]
    for i in range(len(keys)):
        for j in range(i + 1, len(keys)):
            assert not keys[i] & keys[j]


def test_shingles_of_short_and_empty_texts() -> None:
    assert shingles("") == set()
    assert shingles("Pantsir S1") == {b"pantsir", b"s1"}
    assert band_keys("") == band_keys("")
