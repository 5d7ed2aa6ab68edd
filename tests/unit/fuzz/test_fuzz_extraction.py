"""Extraction on hostile text: no exception on any input, and every span it reports
(entity, weapon and event evidence) slices the input exactly."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rasad.common.messages import Extraction
from rasad.extract.engine import extract

SEED = Path(__file__).resolve().parents[2] / "data" / "articles" / "seed.jsonl"
SENTENCES = [
    sentence.strip()
    for line in SEED.read_text(encoding="utf-8").splitlines()
    for sentence in json.loads(line)["text"].split(".")
    if sentence.strip()
]
# Bidi overrides and isolates, joiners, tatweel, harakat, Arabic-Indic digits, NUL, BOM.
HOSTILE = (
    "\u202e\u202d\u202a\u202b\u202c\u2066\u2067\u2068\u2069\u200d\u200c\u200f\u200e"
    "\u0640\u064b\u0651\u0652\u0660\u0663\u06f5\x00\ufeff\r\t"
)
PIECES = st.one_of(
    st.sampled_from(SENTENCES),
    st.text(alphabet=HOSTILE, max_size=6),
    st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF), max_size=20),
    st.text(max_size=20),
    st.sampled_from(["<p>", "</div>", "&amp;", "<script>alert(1)</script>", "\n\n", "إس-400", "قتل 12 شخصا"]),
)
TEXTS = st.lists(PIECES, max_size=12).map(" ".join)


def spans(result: Extraction) -> list[tuple[int, int, str]]:
    mentions = [m for e in result.entities for m in e.mentions]
    mentions += [m for w in result.weapons for m in w.mentions]
    found = [(m.start, m.end, m.text) for m in mentions]
    found += [(s.start, s.end, s.text) for event in result.events for s in event.evidence]
    return found


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS, title=st.none() | st.text(max_size=40))
def test_any_text_extracts_without_error_and_spans_slice_it(text: str, title: str | None) -> None:
    result = extract(text, article_id="fuzz-1", title=title)
    for start, end, piece in spans(result):
        assert 0 <= start <= end <= len(text)
        assert text[start:end] == piece
    for event in result.events:
        if event.killed is not None and event.killed_max is not None:
            assert event.killed <= event.killed_max
        if event.injured is not None and event.injured_max is not None:
            assert event.injured <= event.injured_max


@settings(max_examples=30, deadline=None)
@given(sentence=st.sampled_from(SENTENCES), marks=st.text(alphabet=HOSTILE, min_size=1, max_size=3))
def test_bidi_and_joiners_wrapped_around_a_sentence_keep_spans_exact(sentence: str, marks: str) -> None:
    text = f"{marks}{sentence}{marks}"
    for start, end, piece in spans(extract(text, article_id="fuzz-2")):
        assert text[start:end] == piece


def test_lone_surrogates_and_huge_numbers_do_not_raise() -> None:
    text = "\ud800 قتل 99999999999999999999 شخصا في \udfff غارة " + SENTENCES[0]
    extract(text, article_id="fuzz-3")
