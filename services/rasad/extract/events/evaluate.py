"""Event quality against the gold annotations in ``tests/data/gold_events`` (``make eval``).

An event matches a gold event when the type agrees, the attacker agrees (both none, or the
predicted one's id, name or country is among the gold's) and the target or the place agrees.
Cooperation events match with their two parties in either order. Printed per gold set (the
sample articles; the held-out articles): precision, recall and F1 over all events and over
strikes; on matched strikes, how often killed and injured are exact; on matched events with a
scored date, how often it is right; on matched arms transfers, the status; and the number of
strikes produced from offers, threats or denials (must be 0).

Pure scoring (:func:`score`) is separate from reading files and running the engine (:func:`main`).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from rasad.common.errors import InputError
from rasad.common.messages import Event, Ref
from rasad.extract.normalize import normalize_term

from .places import country_of

__all__ = ["Gold", "GoldEvent", "Scores", "load_gold", "main", "score"]

ROOT = Path(__file__).resolve().parents[4]
GOLD_DIR = ROOT / "tests" / "data" / "gold_events"
_UNSCORED = object()


@dataclass(frozen=True)
class GoldEvent:
    type: str
    attacker: tuple[str, ...]
    target: tuple[str, ...]
    place: tuple[str, ...]
    date: object = _UNSCORED  # a date, None, or _UNSCORED
    killed: int | None = None
    injured: int | None = None
    killed_max: int | None = None
    injured_max: int | None = None
    status: str | None = None
    optional: bool = False


@dataclass(frozen=True)
class Gold:
    article: str
    events: tuple[GoldEvent, ...]
    non_events: tuple[str, ...] = ()


@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    strike_tp: int = 0
    strike_fp: int = 0
    strike_fn: int = 0
    casualties_exact: int = 0
    casualties_scored: int = 0
    dates_right: int = 0
    dates_scored: int = 0
    status_right: int = 0
    status_scored: int = 0
    modal_strikes: int = 0
    errors: list[str] = field(default_factory=list)

    @staticmethod
    def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    @property
    def events(self) -> tuple[float, float, float]:
        return self._prf(self.tp, self.fp, self.fn)

    @property
    def strikes(self) -> tuple[float, float, float]:
        return self._prf(self.strike_tp, self.strike_fp, self.strike_fn)

    @property
    def casualty_accuracy(self) -> float:
        return self.casualties_exact / self.casualties_scored if self.casualties_scored else 1.0

    @property
    def date_accuracy(self) -> float:
        return self.dates_right / self.dates_scored if self.dates_scored else 1.0

    @property
    def status_accuracy(self) -> float:
        return self.status_right / self.status_scored if self.status_scored else 1.0


# -- gold files --------------------------------------------------------------------------------


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(str(v) for v in (value if isinstance(value, list) else [value]))


def _gold_event(raw: Mapping[str, Any]) -> GoldEvent:
    day: object = _UNSCORED
    if "date" in raw:
        value = raw["date"]
        day = date.fromisoformat(str(value)) if value is not None else None
    return GoldEvent(
        type=str(raw["type"]),
        attacker=_strings(raw.get("attacker")),
        target=_strings(raw.get("target")),
        place=_strings(raw.get("place")),
        date=day,
        killed=raw.get("killed"),
        injured=raw.get("injured"),
        killed_max=raw.get("killed_max"),
        injured_max=raw.get("injured_max"),
        status=raw.get("status"),
        optional=bool(raw.get("optional", False)),
    )


def load_gold(path: Path) -> tuple[list[Path], dict[str, Gold]]:
    """The corpus files and the gold of each article of a gold file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"gold file {path}: {exc}") from exc
    corpora = [(ROOT / p).resolve() for p in _strings(data.get("corpus"))]
    gold = {
        article: Gold(
            article,
            tuple(_gold_event(e) for e in (body.get("events") or [])),
            tuple(_strings(body.get("non_events"))),
        )
        for article, body in (data.get("articles") or {}).items()
    }
    return corpora, gold


# -- matching ------------------------------------------------------------------------------------


def _names(ref: Ref | None) -> set[str]:
    if ref is None:
        return set()
    out = {normalize_term(ref.name)}
    if ref.id:
        out |= {ref.id.lower(), country_of(ref.id).lower()}
    return out


def _agrees(ref: Ref | None, accepted: Sequence[str], *, country: bool = True) -> bool:
    if not accepted:
        return ref is None
    if ref is None:
        return False
    keys = {normalize_term(a) for a in accepted} | {a.lower() for a in accepted}
    names = {normalize_term(ref.name)} | ({ref.id.lower()} if ref.id else set())
    if country and ref.id:
        names.add(country_of(ref.id).lower())
    if names & keys:
        return True
    name = normalize_term(ref.name)
    return ref.id is None and any(k and (k in name or name in k) for k in keys)


def matches(event: Event, gold: GoldEvent) -> bool:
    if event.type != gold.type:
        return False
    if event.type == "cooperation":
        straight = _agrees(event.attacker, gold.attacker) and _agrees(event.target, gold.target)
        crossed = _agrees(event.attacker, gold.target) and _agrees(event.target, gold.attacker)
        return straight or crossed
    if not _agrees(event.attacker, gold.attacker):
        return False
    target_ok = bool(gold.target) and _agrees(event.target, gold.target, country=False)
    place_ok = bool(gold.place) and _agrees(event.location, gold.place, country=False)
    if not gold.target and not gold.place:
        return True
    return target_ok or place_ok


def score(predicted: Mapping[str, Sequence[Event]], gold: Mapping[str, Gold]) -> Scores:
    """Scores of ``predicted`` events (by article id) against ``gold``."""
    s = Scores()
    for article, g in gold.items():
        events = sorted(predicted.get(article, []), key=lambda e: -e.confidence)
        used: set[int] = set()
        for ge in sorted(g.events, key=lambda e: e.optional):
            candidates = [i for i, e in enumerate(events) if i not in used and matches(e, ge)]
            # Among events that match, one with the gold's status first (arms transfers).
            found = next((i for i in candidates if events[i].status == ge.status), None)
            found = candidates[0] if found is None and candidates else found
            if found is None:
                if not ge.optional:
                    s.fn += 1
                    s.strike_fn += ge.type == "strike"
                    s.errors.append(f"{article}: missed {ge.type} {ge.attacker} → {ge.target or ge.place}")
                continue
            used.add(found)
            if ge.optional:
                continue
            _count_match(s, events[found], ge)
        for i, e in enumerate(events):
            if i in used:
                continue
            s.fp += 1
            s.strike_fp += e.type == "strike"
            who = f"{e.attacker.name if e.attacker else None} → {e.target.name if e.target else None}"
            s.errors.append(
                f"{article}: spurious {e.type} {who} ({e.evidence[0].text[:60] if e.evidence else ''})"
            )
            # A strike's evidence is the clause that states it: a modal clause of the same
            # sentence next to a reported attack is not part of that attack's evidence.
            if e.type == "strike" and any(n in ev.text for n in g.non_events for ev in e.evidence):
                s.modal_strikes += 1
    return s


def _count_match(s: Scores, e: Event, ge: GoldEvent) -> None:
    s.tp += 1
    if ge.type == "strike":
        s.strike_tp += 1
        s.casualties_scored += 1
        s.casualties_exact += (e.killed, e.injured, e.killed_max, e.injured_max) == (
            ge.killed,
            ge.injured,
            ge.killed_max,
            ge.injured_max,
        )
    if ge.date is not _UNSCORED:
        s.dates_scored += 1
        s.dates_right += e.date == ge.date
    if ge.type == "arms_transfer" and ge.status is not None:
        s.status_scored += 1
        s.status_right += e.status == ge.status


# -- running -------------------------------------------------------------------------------------


def _articles(paths: Iterable[Path]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for path in paths:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out[row["id"]] = row
    return out


def predict(articles: Mapping[str, Mapping[str, Any]], ids: Iterable[str]) -> dict[str, list[Event]]:
    from rasad.extract.engine import extract

    out: dict[str, list[Event]] = {}
    for article_id in ids:
        row = articles.get(article_id)
        if row is None:
            continue
        published = row.get("published_at")
        result = extract(
            row["text"],
            article_id=article_id,
            lang=row.get("lang"),
            title=row.get("title"),
            published_at=datetime.fromisoformat(published) if published else None,
        )
        out[article_id] = list(result.events)
    return out


def evaluate_file(path: Path) -> tuple[Scores, int]:
    corpora, gold = load_gold(path)
    articles = _articles(corpora)
    present = {k: v for k, v in gold.items() if k in articles}
    return score(predict(articles, present), present), len(present)


def report(name: str, s: Scores, n: int) -> str:
    p, r, f = s.events
    sp, sr, sf = s.strikes
    return (
        f"events [{name}] articles={n}  all: P={p:.2f} R={r:.2f} F1={f:.2f} (tp={s.tp} fp={s.fp} fn={s.fn})  "
        f"strikes: P={sp:.2f} R={sr:.2f} F1={sf:.2f}  casualties exact={s.casualty_accuracy:.2f} "
        f"({s.casualties_exact}/{s.casualties_scored})  "
        f"dates={s.date_accuracy:.2f} ({s.dates_right}/{s.dates_scored})  "
        f"arms status={s.status_accuracy:.2f} ({s.status_right}/{s.status_scored})  "
        f"strikes from offers/threats/denials={s.modal_strikes}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rasad.extract.events.evaluate", description=__doc__)
    parser.add_argument("--verbose", "-v", action="store_true", help="list every miss and spurious event")
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        metavar="NAME",
        help="score only this gold set (a file stem in tests/data/gold_events; repeatable; default: all)",
    )
    args = parser.parse_args(argv)
    paths = sorted(GOLD_DIR.glob("*.yaml"))
    if args.sets:
        unknown = set(args.sets) - {p.stem for p in paths}
        if unknown:
            parser.error(f"no gold set named {', '.join(sorted(unknown))} in {GOLD_DIR}")
        paths = [p for p in paths if p.stem in args.sets]
    for path in paths:
        s, n = evaluate_file(path)
        print(report(path.stem, s, n))
        if args.verbose:
            for line in s.errors:
                print("   ", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
