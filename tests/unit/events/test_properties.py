"""Any Unicode input: no exception, and every evidence span slices the input to its text."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from rasad.extract.events import find_events
from rasad.extract.normalize import normalize

from .factories import mentions
from .test_find_events import TABLE

WORDS = [
    "قُتل",
    "قاسم سليماني",
    "ضربة",
    "أمريكية",
    "في",
    "محيط",
    "مطار بغداد الدولي",
    "فجر الجمعة",
    "مقتل",
    "١٦",
    "شخصًا",
    "وإصابة",
    "العشرات",
    "لم",
    "يقصف",
    "نفت",
    "روسيا",
    "مستعدة",
    "لتزويد",
    "العراق",
    "إس-400",
    "بالأسلحة",
    "، ",
    ". ",
    "\n",
    "\u064b",
    "\u0640",
    "ﻻ",
    "strike",
    "killed",
    "US",
    "on",
    "Iraq",
]
fragments = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=8)), max_size=40).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(
    text=st.one_of(st.text(max_size=300), fragments),
    body_cut=st.floats(0, 1),
    lang=st.sampled_from(["ar", "en"]),
)
def test_any_text(text: str, body_cut: float, lang: str) -> None:
    entities, weapons = mentions(text, TABLE)
    cut = int(len(text) * body_cut)
    found = find_events(
        text,
        normalize(text),
        entities,
        weapons,
        body_spans=[(0, cut), (cut, len(text))] if cut else [(0, len(text))],
        lang=lang,
        published_at=datetime(2020, 1, 7),
    )
    for event in found:
        assert event.event_key
        for span in event.evidence:
            assert 0 <= span.start <= span.end <= len(text)
            assert text[span.start : span.end] == span.text
