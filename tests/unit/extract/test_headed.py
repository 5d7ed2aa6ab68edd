"""Places and organizations recognized from their head noun, and lists after a plural head."""

from rasad.extract.engine import extract


def _places(text: str) -> list[str]:
    result = extract(text, article_id="t", lang=None, with_events=False)
    return [m.text for e in result.entities if e.type == "PLACE" for m in e.mentions]


def test_every_place_after_a_plural_head_is_found() -> None:
    places = _places("قصفت المدفعية بلدات دبين وبلاط وإبل السقي في القطاع الشرقي.")
    assert places == ["دبين", "بلاط", "إبل السقي"]


def test_a_dual_head_and_a_two_word_name_after_a_place_joiner() -> None:
    assert _places("تعرضت أطراف بلدتي وادي جيلو ودير سريان لقصف مدفعي.") == ["وادي جيلو", "دير سريان"]


def test_a_list_goes_on_after_a_name_the_gazetteer_knows() -> None:
    text = "شنت الطائرات غارات على قرى دبين، مرجعيون وبلاط."
    result = extract(text, article_id="t", lang=None, with_events=False)
    names = {m.text for e in result.entities for m in e.mentions}
    assert {"دبين", "مرجعيون", "بلاط"} <= names


def test_generic_words_and_verbs_after_a_plural_head_are_no_places() -> None:
    assert _places("قصفت المدفعية قرى الجنوب وبلدات حدودية عدة.") == []
    assert _places("شنت الطائرات غارات على بلدات دبين وقصفت المدفعية أطرافها.") == ["دبين"]


def test_english_lists_after_a_plural_head() -> None:
    places = _places("Israeli jets struck the villages of Dibbine, Blat and Ebel al-Saqi on Monday.")
    assert places == ["Dibbine", "Blat", "Ebel al-Saqi"]


def test_a_bare_plural_head_needs_a_name_without_the_article() -> None:
    assert _places("تركزت الغارات على مناطق القصف والاشتباك أمس.") == []
    assert _places("قصف الجيش مناطق جيلو ودبين أمس.") == ["جيلو", "دبين"]
