"""Casualty counts after a killing verb's subject, singular and dual nouns, N إصابات, the actor
of a strike noun from a support verb after it, "by X" after an unrelated participle, and
separate strikes of one actor on different targets, on sentences with hand-built mentions."""

from __future__ import annotations

from datetime import datetime

import pytest

from rasad.common.messages import Event
from rasad.extract.events import find_events
from rasad.extract.normalize import normalize

from .factories import US, mentions

ISRAEL = ("Q801", "Israel", "COUNTRY")
LEBANON = ("Q822", "Lebanon", "COUNTRY")
TABLE = {
    "إسرائيلية": ISRAEL,
    "الإسرائيلي": ISRAEL,
    "إسرائيلي": ISRAEL,
    "لبنان": LEBANON,
    "صور": ("tyre", "Tyre", "PLACE"),
    "US": US,
    "Syrian Democratic Forces": ("sdf", "Syrian Democratic Forces", "ORG"),
    "Deir ez-Zor": ("deir-ez-zor", "Deir ez-Zor", "PLACE"),
}


def strikes(text: str, lang: str = "ar") -> list[Event]:
    entities, weapons = mentions(text, TABLE)
    found = find_events(
        text,
        normalize(text),
        entities,
        weapons,
        body_spans=[(0, len(text))],
        lang=lang,
        published_at=datetime(2024, 2, 8),
    )
    return [e for e in found if e.type == "strike"]


@pytest.mark.parametrize(
    ("text", "killed", "injured"),
    [
        ("قتلت مسيّرة إسرائيلية شخصاً جنوب لبنان في غارة على سيارة.", 1, None),
        ("استشهد شخص وأصيب آخر في غارة إسرائيلية على سيارة جنوب لبنان.", 1, 1),
        ("قتل شخصان وأصيب آخر في غارة إسرائيلية على سيارة في صور.", 2, 1),
        ("قُتل مدنيان في قصف إسرائيلي استهدف سيارة جنوب لبنان.", 2, None),
        ("هجوم صاروخي إسرائيلي على قاعدة جنوب لبنان أدى لوقوع 3 إصابات طفيفة.", None, 3),
    ],
)
def test_casualty_counts(text: str, killed: int | None, injured: int | None) -> None:
    (e,) = strikes(text)
    assert (e.killed, e.injured) == (killed, injured)


def test_a_named_object_after_a_killing_verb_gives_no_count_from_a_later_number() -> None:
    # The number of a later date is not the death toll of قتلت.
    text = "وردت إيران على الغارة التي قتلت سليماني بهجوم في 8 كانون الثاني على قاعدتين."
    assert all(e.killed is None for e in strikes(text))


def test_the_subject_of_a_support_verb_after_the_event_noun_is_the_actor() -> None:
    text = "استشهد شخص، الأربعاء، في غارة شنتها طائرة مسيّرة إسرائيلية على سيارة جنوب لبنان."
    (e,) = strikes(text)
    assert e.attacker is not None and e.attacker.id == "Q801"


def test_by_after_an_unrelated_participle_is_not_the_actor() -> None:
    text = (
        "A commander was killed in a US drone strike on an area controlled by the "
        "Syrian Democratic Forces in Deir ez-Zor."
    )
    assert all(e.attacker is None or e.attacker.id != "sdf" for e in strikes(text, "en"))


def test_one_actor_striking_another_target_is_another_event() -> None:
    text = "قصف إسرائيلي على سيارة مدنية في صور. كما نفذ الجيش الإسرائيلي غارة على منزل في بلدة جنوب لبنان."
    found = strikes(text)
    assert len(found) == 2
    assert {e.target.name.split()[0] for e in found if e.target is not None} == {"سيارة", "منزل"}
