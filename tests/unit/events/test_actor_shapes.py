"""Actors and targets stated in further shapes: the owner of the instrument after an event word
(بطائرات مسيّرة للتحالف الدولي), a past verb after a relative pronoun with an object pronoun
(اللذين اغتالتهما إسرائيل), the pluperfect (كان ... قد), and the countryside of a place (في ريف X);
on sentences with hand-built entity mentions."""

from __future__ import annotations

from datetime import datetime

from rasad.common.messages import Event
from rasad.extract.events import find_events
from rasad.extract.normalize import normalize

from .factories import mentions

ISRAEL = ("Q801", "Israel", "COUNTRY")
COALITION = ("global-coalition", "Global Coalition", "ORG")
TABLE = {
    "تحالف الدولي": COALITION,  # as the entity layer marks it inside للتحالف
    "إسرائيل": ISRAEL,
    "دير الزور": ("deir-ez-zor", "Deir ez-Zor", "PLACE"),
    "إدلب": ("idlib", "Idlib", "PLACE"),
    "فؤاد شكر": ("fuad-shukr", "Fuad Shukr", "PERSON"),
    "إبراهيم عقيل": ("ibrahim-aqil", "Ibrahim Aqil", "PERSON"),
    "صالح العاروري": ("saleh-al-arouri", "Saleh al-Arouri", "PERSON"),
    "حماس": ("Q38799", "Hamas", "ORG"),
    "بيروت": ("Q3820", "Beirut", "PLACE"),
    "الولايات المتحدة": ("Q30", "United States", "COUNTRY"),
    "علي خامنئي": ("Q57336", "Ali Khamenei", "PERSON"),
    "لبنان": ("Q822", "Lebanon", "COUNTRY"),
    "إسرائيلية": ISRAEL,
    "الخيام": ("khiam", "Khiam", "PLACE"),
    "عيتا الشعب": ("aita-al-shaab", "Aita al-Shaab", "PLACE"),
    "علما الشعب": ("alma-al-shaab", "Alma al-Shaab", "PLACE"),
    "وزارة الدفاع الروسية": ("russia-mod", "Russian Ministry of Defence", "ORG"),
    "القوات العراقية": ("iraq-security-forces", "Iraqi Security Forces", "ORG"),
    "عراق": ("Q796", "Iraq", "COUNTRY"),
    "السورية": ("Q858", "Syria", "COUNTRY"),
    "الأنبار": ("anbar", "Anbar", "PLACE"),
    "كتائب حزب الله": ("kataib-hezbollah", "Kataib Hezbollah", "ORG"),
    "Kataib Hezbollah": ("kataib-hezbollah", "Kataib Hezbollah", "ORG"),
    "هيئة الحشد الشعبي": ("pmf", "Popular Mobilization Forces", "ORG"),
    "قاسم سليماني": ("qasem-soleimani", "Qasem Soleimani", "PERSON"),
}


def events(text: str, lang: str = "ar") -> list[Event]:
    entities, weapons = mentions(text, TABLE)
    found = find_events(
        text,
        normalize(text),
        entities,
        weapons,
        body_spans=[(0, len(text))],
        lang=lang,
        published_at=datetime(2024, 9, 30),
    )
    for event in found:
        Event.model_validate(event.model_dump())  # the contract holds for what is built
    return found


def strikes(text: str) -> list[Event]:
    return [e for e in events(text) if e.type == "strike"]


def test_the_owner_of_the_instrument_is_the_attacker_not_the_target() -> None:
    text = "قتل خمسة مدنيين في قصف بطائرات مسيرة للتحالف الدولي على قرية في ريف دير الزور."
    (e,) = strikes(text)
    assert e.attacker is not None and e.attacker.id == "global-coalition"
    assert e.target is not None and e.target.id is None and e.target.name == "قرية"
    assert e.killed == 5


def test_the_object_follows_the_owner_of_the_instrument() -> None:
    (e,) = strikes("استهدفت بطائرات مسيرة للتحالف الدولي سيارة في إدلب.")
    assert e.attacker is not None and e.attacker.id == "global-coalition"
    assert e.target is not None and e.target.name == "سيارة"


def test_an_event_noun_after_its_verb_is_not_the_target() -> None:
    (e,) = strikes("استهدفت غارة بطائرة مسيرة للتحالف الدولي سيارة في إدلب.")
    assert e.attacker is not None and e.attacker.id == "global-coalition"
    assert e.target is not None and e.target.name == "سيارة"


def test_a_place_in_the_countryside_of_a_town_is_the_location() -> None:
    (e,) = strikes("قتل خمسة مدنيين في قصف بطائرات مسيرة للتحالف الدولي على قرية في ريف دير الزور.")
    assert e.location is not None and e.location.id == "deir-ez-zor"


def test_a_relative_object_pronoun_makes_the_following_actor_the_attacker() -> None:
    text = "وكان الحزب قد نعى القائدين فؤاد شكر وإبراهيم عقيل اللذين اغتالتهما إسرائيل في الضاحية."
    (e,) = strikes(text)
    assert e.subtype == "assassination"
    assert e.attacker is not None and e.attacker.id == "Q801"
    assert e.target is not None and e.target.id in ("fuad-shukr", "ibrahim-aqil")


def test_a_possibility_particle_after_kana_is_the_pluperfect() -> None:
    with_kana = strikes("وكانت إسرائيل قد اغتالت فؤاد شكر في الضاحية.")
    without = strikes("إسرائيل قد تغتال فؤاد شكر في الضاحية.")
    assert [e.attacker.id for e in with_kana if e.attacker is not None] == ["Q801"]
    assert without == []


def test_a_present_relative_verb_states_a_habit_not_an_event() -> None:
    assert strikes("ولا تعلن دمشق عادة عن المواقع التي تستهدفها إسرائيل.") == []


def test_the_person_named_after_an_assassination_is_its_target() -> None:
    (e,) = strikes("ويأتي ذلك بعد أسابيع من اغتيال إسرائيل القيادي في حماس صالح العاروري في بيروت.")
    assert e.attacker is not None and e.attacker.id == "Q801"
    assert e.target is not None and e.target.id == "saleh-al-arouri"
    assert e.location is not None and e.location.id == "Q3820"


def test_the_object_of_a_verb_follows_its_subject() -> None:
    (e,) = strikes("استهدفت إسرائيل سيارة في جنوب لبنان.")
    assert e.attacker is not None and e.attacker.id == "Q801"
    assert e.target is not None and e.target.name == "سيارة"


def test_a_killing_in_a_strike_stated_after_it_takes_the_strike_s_actor() -> None:
    text = "عقب اغتيال المرشد الأعلى الراحل علي خامنئي في الضربات الافتتاحية من قبل الولايات المتحدة."
    found = strikes(text)
    assert found and all(e.attacker is not None and e.attacker.id == "Q30" for e in found)
    assert any(e.target is not None and e.target.id == "Q57336" for e in found)


def test_warplanes_without_a_country_take_the_actor_of_the_sentence_before_in_the_paragraph() -> None:
    text = (
        "وقال المرصد إن طائرات إسرائيلية شنت غارة على بلدة الخيام. "
        "وشنت طائرات حربية غارات على بلدة عيتا الشعب أسفرت عن مقتل شخصين.\n"
        "وفي سياق آخر شنت طائرات حربية غارات على بلدة علما الشعب."
    )
    by_place = {e.location.id: e for e in strikes(text) if e.location is not None}
    assert by_place["aita-al-shaab"].attacker is not None and by_place["aita-al-shaab"].attacker.id == "Q801"
    assert by_place["aita-al-shaab"].killed == 2
    # A new paragraph: the actor is not carried over.
    assert "alma-al-shaab" not in by_place or by_place["alma-al-shaab"].attacker is None


def test_arms_words_with_the_article_make_the_context_of_a_transfer() -> None:
    (e,) = events("وقالت وزارة الدفاع الروسية إنها سلمت القوات العراقية دفعة جديدة من الدبابات.")
    assert e.type == "arms_transfer" and e.status == "delivered"
    assert e.attacker is not None and e.attacker.id == "russia-mod"
    assert e.target is not None and e.target.id == "iraq-security-forces"


def test_the_supplier_follows_a_sale_verb_in_a_relative_clause() -> None:
    (e,) = events("ووصلت إلى بغداد المروحيات التي باعتها وزارة الدفاع الروسية للعراق العام الماضي.")
    assert e.type == "arms_transfer"
    assert e.attacker is not None and e.attacker.id == "russia-mod"
    assert e.target is not None and e.target.id == "Q796"


def test_an_unidentified_instrument_leaves_the_actor_unknown() -> None:
    text = (
        "أفادت مصادر حكومية في محافظة الأنبار قرب الحدود السورية، مساء اليوم الأحد، بقصف طائرة مسيرة "
        "مجهولة لمركبتين تابعتين لميليشيا كتائب حزب الله."
    )
    found = strikes(text)
    assert found and all(e.attacker is None for e in found)


def test_an_english_actor_after_the_event_noun_is_not_its_actor() -> None:
    text = "For its part, following that attack Kataib Hezbollah said it was suspending its operations."
    assert [e for e in events(text, "en") if e.attacker is not None] == []


def test_a_verb_right_after_an_event_noun_has_that_noun_as_its_subject() -> None:
    text = (
        "أعلن التلفزيون الرسمي مقتل قاسم سليماني ونائب رئيس هيئة الحشد الشعبي في قصف استهدف "
        "موكبهما في العراق."
    )
    assert all(e.attacker is None or e.attacker.id != "pmf" for e in strikes(text))


def test_a_free_text_target_stops_at_a_relative_pronoun() -> None:
    (e,) = strikes("واستهدفت إسرائيل السيارة التي كانت تقل عناصر في جنوب لبنان.")
    assert e.target is not None and e.target.name == "السيارة"


def test_an_adverb_is_not_part_of_a_free_text_target() -> None:
    (e,) = strikes("وقالت الوكالة إن غارة إسرائيلية استهدفت السيارة مباشرة في جنوب لبنان.")
    assert e.target is not None and e.target.name == "السيارة"
