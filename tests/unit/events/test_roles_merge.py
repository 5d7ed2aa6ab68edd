"""Targets, casualty attachment, launch origins, passive English, merging of reports without an
actor and arms parties across sentences, on sentences with hand-built entity mentions."""

from __future__ import annotations

from datetime import datetime

from rasad.common.messages import Event
from rasad.extract.events import find_events
from rasad.extract.normalize import normalize

from .factories import IRAQ, JORDAN, RUSSIA, US, mentions

TURKEY = ("Q43", "Türkiye", "COUNTRY")
YEMEN = ("Q805", "Yemen", "COUNTRY")
TABLE = {
    "الأمريكية": US,
    "الأمريكي": US,
    "أمريكيا": US,
    "أمريكيين": US,
    "الأردن": JORDAN,
    "العراق": IRAQ,
    "بغداد": ("Q1530", "Baghdad", "PLACE"),
    "القائم": ("al-qaim", "Al-Qa'im", "PLACE"),
    "اليمن": YEMEN,
    "إيلات": ("eilat", "Eilat", "PLACE"),
    "روسيا": RUSSIA,
    "الروسية": RUSSIA,
    "تركيا": TURKEY,
    "التركي": TURKEY,
    "كتائب حزب الله": ("kataib-hezbollah", "Kataib Hezbollah", "ORG"),
    "أبو باقر الساعدي": ("abu-baqir-al-saadi", "Abu Baqir al-Saadi", "PERSON"),
    "Baghdad": ("Q1530", "Baghdad", "PLACE"),
    "US forces": ("us-forces", "United States Armed Forces", "ORG"),
    "إس-400": ("s-400", "S-400", "WEAPON:air_defense"),
}


def events(text: str, lang: str = "ar") -> list[Event]:
    entities, weapons = mentions(text, TABLE)
    return find_events(
        text,
        normalize(text),
        entities,
        weapons,
        body_spans=[(0, len(text))],
        lang=lang,
        published_at=datetime(2024, 2, 8),
    )


def strikes(text: str, lang: str = "ar") -> list[Event]:
    return [e for e in events(text, lang) if e.type == "strike"]


def test_consequence_casualties_go_to_the_nearest_strike_stated_by_a_clause() -> None:
    text = (
        "وتأتي الضربة الأمريكية ردا على هجوم بطائرة بدون طيار استهدف موقعا أمريكيا في الأردن "
        "الشهر الماضي، مما أسفر عن مقتل 3 جنود أمريكيين."
    )
    found = strikes(text)
    jordan = [e for e in found if e.location is not None and e.location.id == "Q810"]
    assert len(jordan) == 1 and jordan[0].killed == 3
    assert all(e.killed is None for e in found if e is not jordan[0])


def test_free_text_target_skips_time_words_and_instruments() -> None:
    text = "وقال مصدر أمني إن طائرة مسيرة استهدفت بثلاثة صواريخ سيارة دفع رباعي في بغداد."
    (e,) = strikes(text)
    assert e.target is not None and e.target.id is None and e.target.name.startswith("سيارة")
    assert e.location is not None and e.location.id == "Q1530"


def test_a_relative_verb_is_no_target() -> None:
    text = "أعلنت الهيئة مقتل اثنين من عناصرها في قصف نفذته طائرات مسيرة مجهولة في منطقة القائم."
    for e in strikes(text):
        assert e.target is None or "نفذته" not in e.target.name


def test_launch_origin_before_the_strike_verb_is_the_attacker() -> None:
    text = "أعلن الجيش الإسرائيلي أن مسيّرة أطلقت من اليمن استهدفت مدينة إيلات."
    (e,) = strikes(text)
    assert e.attacker is not None and e.attacker.id == "Q805"
    assert e.target is not None and e.target.id == "eilat"


def test_english_passive_subject_is_the_target() -> None:
    text = "A drone strike in Baghdad killed two commanders after their vehicle was struck by missiles."
    found = strikes(text, "en")
    assert len(found) == 1
    assert found[0].target is not None and "vehicle" in found[0].target.name
    assert found[0].killed == 2


def test_reports_without_an_actor_in_the_same_place_are_one_event() -> None:
    text = (
        "قتل اثنان من عناصر الحشد في قصف استهدف مخازن للعتاد في منطقة القائم. "
        "وأشارت قيادة العمليات إلى أن طائرة نفذت ضربات على مخازن العتاد في القائم."
    )
    found = strikes(text)
    assert len(found) == 1
    assert found[0].killed == 2 and len(found[0].evidence) == 2


def test_reports_in_different_countries_stay_apart() -> None:
    text = "قصفت طائرة مسيرة مخازن للعتاد في القائم. واستهدف هجوم بطائرة مسيرة موقعا أمريكيا في الأردن."
    assert len(strikes(text)) == 2


def test_a_named_commander_gives_no_count_from_a_role_noun() -> None:
    named = (
        "أعلنت القيادة المركزية الأمريكية تنفيذ ضربة في بغداد أسفرت عن مقتل قيادي في كتائب حزب الله. "
        "وقالت وسائل إعلام إن الضربة الأمريكية أسفرت عن مقتل أبو باقر الساعدي."
    )
    unnamed = "أعلنت القيادة المركزية الأمريكية تنفيذ ضربة في بغداد أسفرت عن مقتل قيادي في كتائب حزب الله."
    assert [e.killed for e in strikes(named)] == [None]
    assert [e.killed for e in strikes(unnamed)] == [1]


def test_passive_support_noun_names_no_actor() -> None:
    text = "ووفقا لمسؤولين أمريكيين وعراقيين، تم تنفيذ الضربة بطائرة بدون طيار في بغداد."
    assert all(e.attacker is None for e in strikes(text))


def test_arms_parties_from_the_weapon_nisba_and_a_later_recipient() -> None:
    bought = events("أعلن الرئيس التركي أمس شراء منظومات صواريخ إس-400 الروسية.")
    (e,) = [x for x in bought if x.type == "arms_transfer"]
    assert (e.attacker and e.attacker.id, e.target and e.target.id) == ("Q159", "Q43")
    assert e.status == "agreed"
    contract = events("قال إن روسيا ستوقع عقدا لتسليم دفعة إضافية من منظومة إس-400 الصاروخية لتركيا.")
    (c,) = [x for x in contract if x.type == "arms_transfer"]
    assert (c.attacker and c.attacker.id, c.target and c.target.id) == ("Q159", "Q43")
