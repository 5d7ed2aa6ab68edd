import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rasad.extract.normalize import _fast, _slow, normalize, normalize_term


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("أإآٱا", "ااااا"),
        ("مستشفى", "مستشفي"),
        ("القاعدة", "القاعده"),
        ("مسؤول هيئة", "مسوول هييه"),
        ("سُلَيْمانِيّ", "سليماني"),
        ("الـعـراق", "العراق"),
        ("٤٠٠ ۴۰۰", "400 400"),
        ("کیک گچپژ", "كيك كجبز"),
        ("“إس–400”", '"اس-400"'),
        ("S-400 Patriot", "s-400 patriot"),
        ("ﻻ", "لا"),
        ("İran", "iran"),
    ],
)
def test_folds_spelling_variants(raw: str, folded: str) -> None:
    assert normalize(raw).text == folded


def test_index_maps_back_to_the_original_across_removed_marks() -> None:
    raw = "قُتِلَ سُلَيْمانِيّ"
    norm = normalize(raw)
    start = norm.text.index("سليماني")
    begin, end = norm.to_original(start, start + len("سليماني"))
    assert raw[begin:end] == "سُلَيْمانِيّ"
    assert len(norm.index) == len(norm.text) + 1
    assert norm.index[-1] == len(raw)


def test_plain_text_keeps_an_identity_index() -> None:
    norm = normalize("Baghdad بغداد")
    assert list(norm.index) == list(range(len("Baghdad بغداد") + 1))


def test_normalize_term_collapses_spaces() -> None:
    assert normalize_term("  مي–28   إن إيه ") == "مي-28 ان ايه"


def test_lower_changes_length_only_for_the_folded_dotted_capital_i() -> None:
    changed = [c for c in range(sys.maxunicode + 1) if len(chr(c).lower()) != 1]
    assert changed == [0x130]


@given(st.text())
def test_any_text_gives_a_consistent_index(text: str) -> None:
    norm = normalize(text)
    assert len(norm.index) == len(norm.text) + 1
    assert norm.index[-1] == len(text)
    assert all(a <= b for a, b in zip(norm.index, norm.index[1:], strict=False))
    for i in range(len(norm.text)):
        begin, end = norm.to_original(i, i + 1)
        assert 0 <= begin <= end <= len(text)


_ARABIC_MIX = st.text(
    alphabet=st.sampled_from(
        "ابتةثجحخدذرزسشصضطظعغفقكلمنهوىيأإآٱؤئءـًٌٍَُِّْٰ٠١٢٣۴ﻻﷲکیگپAZaz09 -—–_\u200f\u200c\u00adİΣσς«»“”\n"
    )
)


@given(st.one_of(st.text(), _ARABIC_MIX))
def test_table_folding_agrees_with_the_character_by_character_folding(text: str) -> None:
    fast, slow = normalize(text), _slow(text)
    assert fast.text == slow.text
    assert list(fast.index) == list(slow.index)


def test_texts_the_table_cannot_fold_take_the_reference_path() -> None:
    for text in ("ﻻ", "ﷲ", "ΣΑΣ", "😀 Iraq"):
        assert _fast(text) is None
        assert normalize(text).text == _slow(text).text
