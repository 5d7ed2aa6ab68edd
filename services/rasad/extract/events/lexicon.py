"""The events layer's word lists, read once per process from ``data/events/``.

Every term is folded as article text is (:func:`rasad.extract.normalize.normalize_term`), so the
lists are written as in print and matched against normalized text. The trigger lists become one
compiled regular expression: a single pass over a clause finds every trigger, with Arabic
proclitics and pronoun suffixes allowed around the term.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from rasad.common.errors import ConfigError
from rasad.extract.normalize import normalize_term

__all__ = ["DATA_DIR", "Codes", "EventLexicon", "Trigger", "load"]

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "events"

_ARABIC = re.compile(r"[\u0600-\u06FF]")
# Proclitics: conjunction, preposition, article, longest first (the regex tries in order).
_PROCLITICS = (
    "وبال",
    "فبال",
    "وكال",
    "ولل",
    "فلل",
    "وال",
    "فال",
    "بال",
    "كال",
    "لل",
    "ال",
    "وب",
    "ول",
    "فب",
    "فل",
    "وس",
    "و",
    "ف",
    "ب",
    "ل",
    "ك",
    "س",
)
_SUFFIXES = ("هما", "هم", "ها", "ه", "ا")


@dataclass(frozen=True)
class Trigger:
    """What a trigger term means."""

    type: str  # strike | arms_transfer | cooperation
    kind: str  # noun | verb | light | kill | receive
    subtype: str | None
    tense: str  # past | imperfect | none
    status: str | None = None
    inbound: bool = False
    term: str = ""


@dataclass(frozen=True)
class Codes:
    cameo: str | None
    acled: str | None


@dataclass(frozen=True)
class Cue:
    cls: str
    window: int


@dataclass(frozen=True, eq=False)
class EventLexicon:
    triggers: Mapping[str, Trigger]
    trigger_pattern: re.Pattern[str]
    qualifiers: Mapping[str, str]  # term → strike subtype
    qualifier_pattern: re.Pattern[str]
    military_context: frozenset[str]
    not_triggers: frozenset[str]
    arms_context: frozenset[str]
    codes: Mapping[str, Mapping[str, Codes]]
    cues: Mapping[str, Cue]  # term → cue (terms may be several words)
    cue_max_words: int
    barriers: frozenset[str]
    numbers: Mapping[str, Any]
    calendar: Mapping[str, Any]
    roles: Mapping[str, Any]

    def codes_for(self, event_type: str, key: str | None) -> Codes:
        table = self.codes.get(event_type, {})
        return table.get(key or "", Codes(None, None))


def _read(name: str) -> dict[str, Any]:
    path = DATA_DIR / f"{name}.yaml"
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"events lexicon: cannot read {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"events lexicon: {path} must hold a mapping")
    return data


def _terms(values: Iterable[Any]) -> list[str]:
    return [t for t in (normalize_term(str(v)) for v in values) if t]


def _alternation(terms: Iterable[str]) -> str:
    ordered = sorted(set(terms), key=lambda t: (-len(t), t))
    return "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in ordered)


def term_pattern(terms: Iterable[str]) -> re.Pattern[str]:
    """Arabic terms with optional proclitics and suffixes, Latin terms as whole words.

    The matched term (without clitics) is the group ``term``; ``pre`` holds the proclitics.
    """
    terms = list(terms)
    arabic = [t for t in terms if _ARABIC.search(t)]
    latin = [t for t in terms if not _ARABIC.search(t)]
    parts = []
    if arabic:
        pre = "|".join(_PROCLITICS)
        suf = "|".join(_SUFFIXES)
        parts.append(rf"(?<!\w)(?P<pre>{pre})?(?P<term>{_alternation(arabic)})(?:{suf})?(?!\w)")
    if latin:
        parts.append(rf"(?<![\w-])(?P<lterm>{_alternation(latin)})(?![\w-])")
    return re.compile("|".join(parts) if parts else r"(?!x)x")


def _triggers(data: Mapping[str, Any]) -> dict[str, Trigger]:
    out: dict[str, Trigger] = {}
    for event_type in ("strike", "arms_transfer", "cooperation"):
        for entry in data.get(event_type, []):
            for term in _terms(entry["terms"]):
                out.setdefault(
                    term,
                    Trigger(
                        type=event_type,
                        kind=entry["kind"],
                        subtype=entry.get("subtype"),
                        tense=entry.get("tense", "none"),
                        status=entry.get("status"),
                        inbound=entry.get("direction") == "inbound",
                        term=term,
                    ),
                )
    return out


def _cues(data: Mapping[str, Any]) -> dict[str, Cue]:
    out: dict[str, Cue] = {}
    for cls, groups in data["cues"].items():
        for group in groups:
            for term in _terms(group["terms"]):
                out.setdefault(term, Cue(cls, int(group["window"])))
    return out


def _codes(data: Mapping[str, Any]) -> dict[str, dict[str, Codes]]:
    return {
        event_type: {key: Codes(v.get("cameo"), v.get("acled")) for key, v in table.items()}
        for event_type, table in data["codes"].items()
    }


@functools.cache
def load() -> EventLexicon:
    """The lexicon, built once per process."""
    triggers_data = _read("triggers")
    modality = _read("modality")
    triggers = _triggers(triggers_data)
    qualifiers = {
        term: subtype for subtype, terms in triggers_data["qualifiers"].items() for term in _terms(terms)
    }
    cues = _cues(modality)
    roles = _read("roles")
    return EventLexicon(
        triggers=triggers,
        trigger_pattern=term_pattern(triggers),
        qualifiers=qualifiers,
        qualifier_pattern=term_pattern(qualifiers),
        military_context=frozenset(_terms(triggers_data["military_context"])),
        not_triggers=frozenset(_terms(triggers_data.get("not_triggers", []))),
        arms_context=frozenset(_terms(roles["arms_context"])),
        codes=_codes(triggers_data),
        cues=cues,
        cue_max_words=max((len(t.split()) for t in cues), default=1),
        barriers=frozenset(_terms(modality["barriers"])),
        numbers=_read("numbers"),
        calendar=_read("calendar"),
        roles=roles,
    )
