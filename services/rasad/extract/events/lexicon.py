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
from typing import Any, NamedTuple

import ahocorasick
import yaml

from rasad import extract as _extract_package
from rasad.common.errors import ConfigError
from rasad.extract.normalize import normalize_term

__all__ = ["DATA_DIR", "Codes", "EventLexicon", "Trigger", "load"]

# Found from the package, not from this module's ``__file__``: the module may run compiled.
DATA_DIR = Path(str(_extract_package.__file__)).resolve().parent / "data" / "events"

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


class TermHit(NamedTuple):
    """A term found in normalized text, with its proclitics: ``text[start:end]`` is the word
    part from the first proclitic to the end of the term (suffix excluded)."""

    start: int
    end: int
    term: str
    prefix: str


class TermFinder:
    """All terms of a list in one Aho-Corasick pass, kept where they stand as words: Arabic terms
    may carry proclitics before and a pronoun suffix after; Latin terms are whole words."""

    def __init__(self, terms: Iterable[str]) -> None:
        self._automaton = ahocorasick.Automaton()
        for term in set(terms):
            # The value carries what each hit needs: the term, its length, whether it is Arabic.
            self._automaton.add_word(term, (term, len(term), _ARABIC.match(term) is not None))
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[TermHit]:
        if self._empty:
            return []
        end = len(text) if end is None else end
        best: dict[int, TermHit] = {}  # by word end: the longest term
        for last, (term, n, arabic) in self._automaton.iter(text, start, end):
            hit = _as_word(text, last + 1 - n, last + 1, term, arabic, start, end)
            if hit is not None:
                previous = best.get(hit.start)
                if previous is None or hit.end > previous.end:
                    best[hit.start] = hit
        hits = sorted(best.values(), key=lambda h: (h.start, -h.end))
        out: list[TermHit] = []
        for hit in hits:
            if out and hit.start < out[-1].end:
                continue
            out.append(hit)
        return out


_PROCLITIC_SET = frozenset(_PROCLITICS)
_SUFFIX_SET = frozenset(_SUFFIXES)


def _as_word(text: str, a: int, b: int, term: str, arabic: bool, lo: int, hi: int) -> TermHit | None:
    after = b
    if arabic and b < hi and text[b].isalnum():  # a suffix (letters only) can only start at a letter
        for suffix in _SUFFIXES:
            if text.startswith(suffix, b) and (b + len(suffix) >= hi or not text[b + len(suffix)].isalnum()):
                after = b + len(suffix)
                break
    if after < hi and (text[after].isalnum() or text[after] == "_" or (not arabic and text[after] == "-")):
        return None
    word_start = a
    while word_start > lo and (text[word_start - 1].isalnum() or text[word_start - 1] == "_"):
        word_start -= 1
    prefix = text[word_start:a]
    if prefix and (not arabic or prefix not in _PROCLITIC_SET):
        return None
    if not arabic and word_start > lo and text[word_start - 1] == "-":
        return None
    return TermHit(word_start, b, term, prefix)


@dataclass(frozen=True)
class Codes:
    cameo: str | None
    acled: str | None


@dataclass(frozen=True)
class Cue:
    cls: str
    window: int


@dataclass(frozen=True)
class Pluperfect:
    """قد after a form of كان within ``window`` words: a past act, not a possibility."""

    particles: frozenset[str] = frozenset()
    auxiliaries: frozenset[str] = frozenset()
    window: int = 0


@dataclass(frozen=True, eq=False)
class EventLexicon:
    triggers: Mapping[str, Trigger]
    trigger_finder: TermFinder
    qualifiers: Mapping[str, str]  # term → strike subtype
    qualifier_pattern: re.Pattern[str]
    military_context: frozenset[str]
    not_triggers: frozenset[str]
    arms_context: frozenset[str]
    codes: Mapping[str, Mapping[str, Codes]]
    cues: Mapping[str, Cue]  # term → cue (terms may be several words)
    cue_max_words: int
    cue_heads: Mapping[str, tuple[tuple[str, ...], ...]]  # first word → cue phrases, longest first
    barriers: frozenset[str]
    pluperfect: Pluperfect
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


def _heads(terms: Iterable[str]) -> dict[str, tuple[tuple[str, ...], ...]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for term in terms:
        words = tuple(term.split())
        if words:
            index.setdefault(words[0], []).append(words)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in index.items()}


def _pluperfect(data: Mapping[str, Any]) -> Pluperfect:
    return Pluperfect(
        particles=frozenset(_terms(data.get("particles", ()))),
        auxiliaries=frozenset(_terms(data.get("auxiliaries", ()))),
        window=int(data.get("window", 0)),
    )


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
        trigger_finder=TermFinder(triggers),
        qualifiers=qualifiers,
        qualifier_pattern=term_pattern(qualifiers),
        military_context=frozenset(_terms(triggers_data["military_context"])),
        not_triggers=frozenset(_terms(triggers_data.get("not_triggers", []))),
        arms_context=frozenset(_terms(roles["arms_context"])),
        codes=_codes(triggers_data),
        cues=cues,
        cue_max_words=max((len(t.split()) for t in cues), default=1),
        cue_heads=_heads(cues),
        barriers=frozenset(_terms(modality["barriers"])),
        pluperfect=_pluperfect(modality.get("pluperfect") or {}),
        numbers=_read("numbers"),
        calendar=_read("calendar"),
        roles=roles,
    )
