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


def _entities(text: str) -> list[tuple[str, str, str]]:
    result = extract(text, article_id="t", lang=None, with_events=False)
    return [(e.id, e.type, m.text) for e in result.entities for m in e.mentions]


def test_adjectives_verbs_and_war_nouns_are_never_list_items() -> None:
    assert _places("اغتيال عناصر ومسؤولين في الحزب في مناطق متعددة.") == []
    assert _places("أطلقوا صاروخا من منطقة يسيطرون عليها في البحر.") == []
    assert _places("هجوم مماثل على قاعدة تتواجد فيها قواته.") == []
    assert _places("تشهد أرياف محافظتي دبين وبلاط، اشتباكات وهجمات مستمرة.") == ["دبين", "بلاط"]
    assert _places("أمنت القوات قرى الوديان الثلاث.") == []


def test_a_word_with_an_object_pronoun_is_no_place() -> None:
    assert _places("اعتقلت القوات عشرة مطلوبين في مناطق منها بلدة جيلو.") == ["جيلو"]
    assert _places("قصفت المدفعية قرى فيها مسلحون.") == []


def test_a_place_joiner_starts_a_two_word_name() -> None:
    assert _places("سقطت قذيفة في منطقة عين الصولحة بقضاء دشت عباس.") == ["عين الصولحة", "دشت عباس"]


def test_a_dual_head_gives_two_organizations() -> None:
    found = _entities("دعت اللجنة إلى عقد اجتماعين طارئين لمجلسي الوزراء والنواب لمناقشة القصف.")
    assert found == [
        ("org:مجلس_الوزراء", "ORG", "الوزراء"),
        ("org:مجلس_النواب", "ORG", "النواب"),
    ]
    single = _entities("عقد مجلسي المحافظة اجتماعا واحدا.")
    assert not any(kind == "ORG" for _, kind, _ in single)


def test_a_local_force_is_an_organization_named_after_its_place() -> None:
    found = _entities("وقال مصدر في شرطة ديالى إن قوة أمنية اعتقلت مطلوبين.")
    assert ("org:شرطه_ديالي", "ORG", "شرطة ديالى") in found
    assert ("diyala", "PLACE", "ديالى") in found
    assert not any(kind == "ORG" for _, kind, _ in _entities("انتشرت الشرطة في شوارع المدينة وشرطة المرور."))


def test_a_village_or_town_name_shaped_like_an_adjective_or_a_verbal_noun() -> None:
    assert _places("استهدفت غارة سيارة بين بلدتي تولين وقلاوية في الجنوب.") == ["تولين", "قلاوية"]
    assert _places("ألقت طائرة مسامير في شوارع بلدة رامية، فيما انتشر الجيش.") == ["رامية"]
    assert _places("قصفت المدفعية قرى مسيحية عدة وبلدة ساحلية.") == []
    assert _places("جرى التدريب في قاعدة تدريب قرب منطقة حدودية.") == []


def test_a_place_name_may_begin_with_a_proclitic_letter() -> None:
    assert _places("داهمت القوات بلدة بادوش غرب الموصل أمس.") == ["بادوش", "الموصل"]
    assert _places("قصفت المدفعية بلدة كفرا أمس.") == ["كفرا"]
    assert _places("قصفت المدفعية بلدة بجنوب البلاد أمس.") == []
    assert _places("سقطت قذيفة في قرية بالقرب من الحدود.") == []


def test_a_function_word_after_a_list_is_no_place() -> None:
    text = "تعرضت مواقع لهجمات في محافظات المثنى والأنبار وديالى، مما أسفر عن وقوع قتيل."
    assert _places(text) == ["المثنى", "الأنبار", "ديالى"]


def test_a_named_position_is_a_place_and_a_known_website_an_organization() -> None:
    found = _entities('استهدف حزب الله تجمعا لجنود قرب موقع "جل العلاّم" وموقع حدب أمس.')
    assert ("place:جل_العلام", "PLACE", "جل العلاّم") in found
    assert ("place:حدب", "PLACE", "حدب") in found
    found = _entities("ونشر الفيديو على موقع إكس، ونقل موقع أكسيوس عن مسؤول أن موقع الحادث أغلق.")
    assert [(ident, kind) for ident, kind, _ in found] == [("axios", "ORG")]


def test_a_list_in_parentheses_after_its_head() -> None:
    assert _places("قصفت القوات تجمعات في منطقتي (سبيعات وجيلو) على الحدود.") == ["سبيعات", "جيلو"]
