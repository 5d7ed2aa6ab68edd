"""The engine's fast paths give what the plain algorithms they replace give.

* The automaton matches on word boundaries by itself (keys padded with spaces and their
  prefixes, read over the boundary text); the reference here is one automaton of the bare keys
  whose every occurrence is checked for word boundaries and its proclitic run in Python.
* The word before a capital is read without a regular expression.
* Mention spans, entities and weapons are built without validation and must equal validated
  ones.
* The language is guessed from byte counts of the UTF-8 text, as from the code points.
"""

import functools
import json
from pathlib import Path

import ahocorasick
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from rasad.common.messages import Entity, Extraction, Span, Weapon
from rasad.extract import gazetteer, lexicon
from rasad.extract.engine import _PREVIOUS_WORD, _previous_word, _span, engine, extract, guess_lang
from rasad.extract.matcher import PREFIXES, Automaton, Hit, boundary_text, build, key_text, targets
from rasad.extract.normalize import normalize

ARTICLES = Path(__file__).parents[2] / "data" / "articles"
MAX_PREFIX = max(len(p) for rule in PREFIXES.values() for p in rule)


@functools.cache
def automata() -> tuple[Automaton, ahocorasick.Automaton]:
    loaded, words = gazetteer.load(), lexicon.load()
    reference = ahocorasick.Automaton()
    for key, found in targets(loaded, words).items():
        reference.add_word(key, (len(key), tuple(found)))
    reference.make_automaton()
    return build(loaded, words), reference


def reference_hits(text: str) -> list[Hit]:
    """Every occurrence of a bare key, kept when nothing alphanumeric follows it and the
    alphanumeric run before it is a prefix its target allows."""
    hits = []
    for last, (length, found) in automata()[1].iter(text):
        end = last + 1
        if end < len(text) and text[end].isalnum():
            continue
        start = begin = end - length
        while begin > 0 and text[begin - 1].isalnum() and start - begin <= MAX_PREFIX:
            begin -= 1
        prefix = text[begin:start]
        hits.extend(Hit(start, end, prefix, t) for t in found if prefix in PREFIXES[t.rule])
    return hits


def article_texts() -> list[str]:
    return [
        json.loads(line)["text"]
        for path in sorted(ARTICLES.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def test_boundary_text_keeps_letters_and_digits_and_blanks_the_rest() -> None:
    assert boundary_text("بالعراق، و-U.S. 5") == " بالعراق  و U S  5 "
    assert boundary_text("") == "  "
    assert boundary_text("a\U0001d400b\U0001f600") == " a\U0001d400b  "  # beyond the BMP


@given(st.text(max_size=60))
def test_boundary_text_matches_isalnum(text: str) -> None:
    out = boundary_text(text)
    assert len(out) == len(text) + 2
    assert out == " " + "".join(ch if ch.isalnum() else " " for ch in text) + " "


def test_hits_match_the_reference_on_every_article() -> None:
    automaton = automata()[0]
    for text in article_texts():
        keys = key_text(normalize(text).text)
        assert automaton.hits(keys) == reference_hits(keys)


_ARABIC_PIECES = ["العراق", "عراق", "روسيا", "ال", "و", "ب", "لل", "وبال", "إيران", "قاسم", "سليماني"]
_LATIN_PIECES = ["U.S.", "u.s.", "U", "S", "S-400", "Patriot", "Iraq", "Iraqi", "gen.", "Washington, D.C."]
_OTHER_PIECES = [" ", "  ", ",", ".", "-", "\n", "«", "x", "5", "\u064e", "ـ", "قاسم سليماني"]
_PIECES = st.sampled_from([*_ARABIC_PIECES, *_LATIN_PIECES, *_OTHER_PIECES])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=14).map("".join))
@example("قاسم، سليماني و U,S. أو U S  x")  # separators other than the key's own
def test_hits_match_the_reference_on_assembled_text(text: str) -> None:
    keys = key_text(normalize(text).text)
    assert automata()[0].hits(keys) == reference_hits(keys)


@given(st.text(alphabet="ab ,\n-.ع", max_size=45), st.integers(0, 45))
def test_previous_word_matches_the_expression(keys: str, end: int) -> None:
    end = min(end, len(keys))
    match = _PREVIOUS_WORD.search(keys, max(0, end - 30), end)
    assert _previous_word(keys, end) == (match.group(1) if match else None)


@pytest.mark.parametrize(("text", "start", "end"), [("بغداد", 0, 5), ("", 3, 3), ("Patriot", 10, 17)])
def test_spans_built_without_validation_equal_validated_ones(text: str, start: int, end: int) -> None:
    built, validated = _span(text, start, end), Span(text=text, start=start, end=end)
    assert built == validated
    assert built.model_fields_set == validated.model_fields_set
    assert built.model_dump_json() == validated.model_dump_json()
    assert built.model_copy(update={"end": end + 1}).end == end + 1


def test_every_extraction_is_valid_as_built() -> None:
    for number, text in enumerate(article_texts()):
        extraction = extract(text, article_id=f"a-{number}", with_events=False)
        assert Extraction.model_validate_json(extraction.model_dump_json()) == extraction


def test_entities_and_weapons_built_without_validation_equal_validated_ones() -> None:
    entities, weapons = TypeAdapter(list[Entity]), TypeAdapter(list[Weapon])
    built_count = 0
    for text in article_texts():
        analysis = engine().run(text)
        for built, validated in (
            (analysis.entities(), entities.validate_python(analysis.entity_data())),
            (analysis.weapons(), weapons.validate_python(analysis.weapon_data())),
        ):
            assert built == validated
            assert [b.model_fields_set for b in built] == [v.model_fields_set for v in validated]
            assert [repr(b) for b in built] == [repr(v) for v in validated]  # fields in the same order
            assert [b.model_dump_json(exclude_unset=True) for b in built] == [
                v.model_dump_json(exclude_unset=True) for v in validated
            ]
            built_count += len(built)
    assert built_count > 500


def reference_lang(text: str) -> str:
    """Arabic-block code points against ASCII letters in the first 600 characters."""
    codes = np.frombuffer(text[:600].encode("utf-32-le", "surrogatepass"), dtype="<u4")
    arabic = int(np.count_nonzero((codes >= 0x0600) & (codes <= 0x06FF)))
    lower = codes | 0x20
    latin = int(np.count_nonzero((lower >= 0x61) & (lower <= 0x7A)))
    return "ar" if arabic >= latin else "en"


_LANG_CHARACTERS = st.one_of(
    st.characters(min_codepoint=0x05F0, max_codepoint=0x0710),
    st.characters(max_codepoint=0x7F),
    st.characters(min_codepoint=0xD7F0, max_codepoint=0xE010, categories=None),
    st.characters(),
)


@settings(max_examples=300)
@given(st.text(alphabet=_LANG_CHARACTERS, max_size=700))
@example("\ud800" + "a" * 3 + "ب" * 3)  # a lone surrogate
def test_guess_lang_matches_the_code_point_count(text: str) -> None:
    assert guess_lang(text) == reference_lang(text)


def test_guess_lang_on_every_article() -> None:
    for text in article_texts():
        assert guess_lang(text) == reference_lang(text)
