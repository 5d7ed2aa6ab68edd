"""Scoring logic of the events evaluation, and thresholds on the gold sets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from rasad.common.messages import Event, PlaceRef, Ref, Span
from rasad.extract.events.evaluate import GOLD_DIR, Gold, GoldEvent, evaluate_file, score


def strike(attacker: str | None, target: str | None, killed: int | None = None, text: str = "x") -> Event:
    return Event(
        event_key="k",
        type="strike",
        attacker=Ref(id=attacker, name=attacker) if attacker else None,
        target=Ref(id=target, name=target) if target else None,
        location=PlaceRef(id="Q796", name="Iraq"),
        killed=killed,
        date=date(2020, 1, 3),
        evidence=[Span(text=text, start=0, end=len(text))],
    )


def test_score_matches_type_attacker_and_target_or_place() -> None:
    gold = {
        "a": Gold(
            "a",
            (
                GoldEvent("strike", ("Q30",), ("soleimani",), ("Q796",), date=date(2020, 1, 3), killed=None),
                GoldEvent("strike", (), ("Q30",), ("Q810",), killed=3),
                GoldEvent("strike", ("Q794",), ("x",), (), optional=True),
            ),
            non_events=("نفت طهران",),
        )
    }
    predicted = {
        "a": [
            strike("Q30", "soleimani"),
            strike("Q794", "x"),
            strike("Q801", "y", text="فيما نفت طهران مسؤوليتها"),
        ]
    }
    s = score(predicted, gold)
    assert (s.tp, s.fp, s.fn) == (1, 1, 1)
    assert s.modal_strikes == 1
    assert s.casualty_accuracy == 1.0
    assert s.date_accuracy == 1.0


def test_attacker_must_agree() -> None:
    gold = {"a": Gold("a", (GoldEvent("strike", ("Q30",), ("t",), ()),))}
    s = score({"a": [strike(None, "t")]}, gold)
    assert (s.tp, s.fp, s.fn) == (0, 1, 1)


def _gold(name: str) -> Path:
    path = GOLD_DIR / f"{name}.yaml"
    if not path.exists():
        pytest.skip(f"no gold file {path}")
    return path


def test_sample_articles_thresholds() -> None:
    s, n = evaluate_file(_gold("seed"))
    if n == 0:
        pytest.skip("the sample corpus is not present")
    assert s.strikes[2] >= 0.95  # 1.00 since a verb right after an event noun takes it as subject
    assert s.events[2] >= 0.80
    assert s.casualty_accuracy >= 0.90
    assert s.date_accuracy >= 0.90
    assert s.modal_strikes == 0


def test_heldout_thresholds() -> None:
    s, n = evaluate_file(_gold("heldout"))
    assert n >= 10
    # Reached with the role, casualty and merging fixes (strike F1 0.77, casualties 0.82), then
    # 0.84 and 15/18 with unidentified instruments and English nouns read; a little room is left
    # for changes in the entity layer underneath.
    assert s.strikes[2] >= 0.80
    assert s.events[2] >= 0.78
    assert s.casualty_accuracy >= 0.80
    assert s.status_accuracy >= 0.90
    assert s.modal_strikes == 0


def test_second_heldout_thresholds() -> None:
    # Locks in what the second held-out set reached once its misses were looked at (strike F1
    # 0.69 untuned, 0.80 after; casualties exact 4/10 untuned, 9/12 after).
    s, n = evaluate_file(_gold("heldout2"))
    assert n >= 12
    assert s.strikes[2] >= 0.78
    assert s.events[2] >= 0.74
    assert s.casualty_accuracy >= 0.74
    assert s.modal_strikes == 0


def test_third_heldout_thresholds() -> None:
    # The untuned figure of the third held-out set, measured once before any change was made
    # for it (strike F1 0.41, casualties exact 5/10), 0.45-0.46 after general shapes were added
    # without looking at its misses: a floor, and no strike from a modal.
    s, n = evaluate_file(_gold("heldout3"))
    assert n >= 16
    assert s.strikes[2] >= 0.42
    assert s.modal_strikes == 0
