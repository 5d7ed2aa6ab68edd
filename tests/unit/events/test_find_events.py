"""Role assignment, modality and merging on sentences with hand-built entity mentions."""

from __future__ import annotations

from datetime import datetime

import pytest

from rasad.common.messages import Event
from rasad.extract.events import find_events
from rasad.extract.normalize import normalize

from .factories import IRAN, IRAQ, JORDAN, RUSSIA, US, mentions

TABLE = {
    "الأمريكي": US,
    "أمريكية": US,
    "الأمريكية": US,
    "الولايات المتحدة": US,
    "أمريكيين": US,
    "القيادة المركزية الأمريكية": ("centcom", "United States Central Command", "ORG"),
    "العراق": IRAQ,
    "بغداد": IRAQ,
    "للعراق": IRAQ,
    "عراقية": IRAQ,
    "العراقية": IRAQ,
    "روسيا": RUSSIA,
    "موسكو": RUSSIA,
    "لروسيا": RUSSIA,
    "إيران": IRAN,
    "طهران": IRAN,
    "الأردن": JORDAN,
    "قاسم سليماني": ("qasem-soleimani", "Qasem Soleimani", "PERSON"),
    "كتائب حزب الله": ("kataib-hezbollah", "Kataib Hezbollah", "ORG"),
    "الحشد الشعبي": ("pmf", "Popular Mobilization Forces", "ORG"),
    "مطار بغداد الدولي": ("baghdad-airport", "Baghdad International Airport", "PLACE"),
    "إس-400": ("s-400", "S-400", "WEAPON:air_defense"),
    "US": US,
    "Iraq": IRAQ,
}


def events(text: str, published: str | None = "2020-01-07", lang: str = "ar") -> list[Event]:
    entities, weapons = mentions(text, TABLE)
    return find_events(
        text,
        normalize(text),
        entities,
        weapons,
        body_spans=[(0, len(text))],
        lang=lang,
        published_at=datetime.fromisoformat(published) if published else None,
    )


def only(found: list[Event], kind: str) -> Event:
    of_kind = [e for e in found if e.type == kind]
    assert len(of_kind) == 1, found
    return of_kind[0]


def test_nisba_attacker_passive_victim_place_and_relative_date() -> None:
    text = "يذكر أن قاسم سليماني قُتل فجر الجمعة، في ضربة أمريكية استهدفت سيارته في محيط مطار بغداد الدولي."
    e = only(events(text), "strike")
    assert e.attacker is not None and e.attacker.id == "Q30"
    assert e.target is not None and e.target.id == "qasem-soleimani"
    assert e.location is not None and e.location.id == "baghdad-airport"
    assert str(e.date) == "2020-01-03"
    assert e.codes.cameo == "190"
    for span in e.evidence:
        assert text[span.start : span.end] == span.text


def test_support_verb_subject_casualties_and_codes() -> None:
    text = (
        "في 7 فبراير (شباط)، شنت قوات القيادة المركزية الأمريكية ضربة جوية في العراق، "
        "مما أسفر عن مقتل قائد كتائب حزب الله."
    )
    e = only(events(text, "2024-02-08"), "strike")
    assert e.attacker is not None and e.attacker.id == "centcom"
    assert e.target is not None and e.target.id == "kataib-hezbollah"
    assert e.killed == 1
    assert str(e.date) == "2024-02-07"
    assert e.subtype == "air_strike"
    assert e.codes.cameo == "195" and e.codes.acled == "Air/drone strike"


def test_killed_and_injured_counts() -> None:
    text = (
        "أعلنت الحكومة العراقية مقتل 16 شخصًا بينهم مدنيون وإصابة ٢٥ آخرين "
        "جراء القصف الأمريكي على مواقع عراقية."
    )
    e = only(events(text, None), "strike")
    assert (e.killed, e.injured) == (16, 25)
    assert e.attacker is not None and e.attacker.id == "Q30"
    assert e.target is not None and e.target.id == "Q796"
    assert e.date is None


@pytest.mark.parametrize(
    "text",
    [
        "الحشد الشعبي اعلن انه لم يقصف السفارة الأمريكية في بغداد.",
        "فيما نفت طهران مسؤوليتها عن استهداف القاعدة الأمريكية في الأردن.",
        "وحذرت الولايات المتحدة من أنها سوف تشن ضربات على كتائب حزب الله في العراق.",
        "وقال إن إيران تهدد باستهداف القواعد الأمريكية في العراق.",
        "وفي حال هجوم أمريكي على إيران سترد طهران.",
        "هدفها ردع أي خطط في المستقبل لشن هجمات ضد الولايات المتحدة.",
    ],
)
def test_no_strike_from_denials_threats_plans_or_conditions(text: str) -> None:
    assert [e for e in events(text) if e.type == "strike"] == []


def test_arms_offer_denial_and_sale() -> None:
    offer = only(events("وأكد أن روسيا مستعدة لتزويد العراق بالأسلحة ومنظومة إس-400."), "arms_transfer")
    assert (offer.status, offer.attacker and offer.attacker.id, offer.target and offer.target.id) == (
        "offered",
        "Q159",
        "Q796",
    )
    assert offer.weapon is not None and offer.weapon.id == "s-400"
    assert offer.codes.cameo == "0332"
    denied = only(
        events("صرح أن بغداد لا تتفاوض مع موسكو على شراء منظومة الدفاع الجوي إس-400."), "arms_transfer"
    )
    assert denied.status == "denied"
    assert denied.attacker is not None and denied.attacker.id == "Q159"
    assert denied.target is not None and denied.target.id == "Q796"
    sale = only(events("يذكر أن روسيا باعت للعراق في السنوات الأخيرة دبابات ومروحيات."), "arms_transfer")
    assert sale.status == "delivered"
    assert (sale.attacker and sale.attacker.id, sale.target and sale.target.id) == ("Q159", "Q796")


def test_cooperation_needs_military_context_and_two_countries() -> None:
    meeting = only(
        events("التقى وزير الدفاع العراقي السفير الروسي في بغداد وبحثا التعاون العسكري بين العراق وروسيا."),
        "cooperation",
    )
    assert {meeting.attacker and meeting.attacker.id, meeting.target and meeting.target.id} == {
        "Q796",
        "Q159",
    }
    assert [e for e in events("التقى وزير الثقافة في العراق بنظيره.") if e.type == "cooperation"] == []


def test_repeated_descriptions_merge_into_one_event() -> None:
    text = (
        "قُتل قاسم سليماني فجر الجمعة في ضربة أمريكية قرب مطار بغداد الدولي. "
        "وأدت الضربة أيضا لمقتل عدد من قادة الحشد الشعبي. "
        "وأعلن التلفزيون الرسمي مقتل قاسم سليماني في قصف استهدف موكبه في العراق."
    )
    strikes = [e for e in events(text) if e.type == "strike"]
    assert len(strikes) == 1
    assert len(strikes[0].evidence) == 3
    assert strikes[0].killed is None


def test_event_key_is_stable_across_articles() -> None:
    a = only(events("قُتل قاسم سليماني فجر الجمعة في ضربة أمريكية قرب مطار بغداد الدولي."), "strike")
    b = only(
        events("في خبر آخر. قتل قاسم سليماني في ضربة أمريكية فجر الجمعة قرب مطار بغداد الدولي."), "strike"
    )
    assert a.event_key == b.event_key
    assert a.event_key.startswith("strike|")


def test_english_strike() -> None:
    e = only(events("A US strike on Iraq killed 5 people on January 3, 2020.", None, "en"), "strike")
    assert e.attacker is not None and e.attacker.id == "Q30"
    assert e.killed == 5
    assert str(e.date) == "2020-01-03"


def test_boilerplate_outside_body_is_ignored() -> None:
    body = "قُتل قاسم سليماني في ضربة أمريكية قرب مطار بغداد الدولي."
    text = body + "\nمقالات ذات صلة\nغارة أمريكية على كتائب حزب الله في العراق تقتل 5"
    entities, weapons = mentions(text, TABLE)
    found = find_events(
        text, normalize(text), entities, weapons, body_spans=[(0, len(body))], lang="ar", published_at=None
    )
    assert all(span.end <= len(body) for e in found for span in e.evidence)


def test_ranges_fill_upper_bounds_and_exact_counts_leave_them_null() -> None:
    text = "شنت الولايات المتحدة غارة جوية على مواقع في العراق أسفرت عن مقتل العشرات وإصابة 12 آخرين."
    e = only(events(text), "strike")
    assert (e.killed, e.killed_max) == (20, 99)
    assert (e.injured, e.injured_max) == (12, None)


def test_threat_clause_next_to_a_reported_attack_is_not_its_evidence() -> None:
    text = (
        "واتهمت الولايات المتحدة إيران بالوقوف وراء الهجوم على قاعدة عسكرية في الأردن، "
        "وأكدت أنها سترد بضربات في الوقت والمكان المناسبين."
    )
    e = only(events(text), "strike")
    assert e.location is not None and e.location.id == "Q810"
    assert all("سترد" not in span.text and "الأردن" in span.text for span in e.evidence)
    assert all(text[span.start : span.end] == span.text for span in e.evidence)
