"""Watchlists: what analysts watch, read from a YAML file and reloaded when it changes.

The file (see ``deploy/watchlists/``) holds::

    version: 1
    keywords:                  # matched in titles, texts and mentions, Arabic and English
      - key: drones
        name: Drones
        terms: [drone, drones, مسيرة, طائرة مسيرة]
    entities:  [{id: Q159, name: Russia}]
    weapons:   [{id: s-400, name: S-400}]
    events:    [{id: strike}]              # event types
    pairs:     [{name: Russia + S-400, members: [entity:Q159, keyword:s-400]}]
    automatic: {enabled: true, min_stories: 10, kinds: [entity, weapon, event, pair]}
    detector:  {window: 1h, alpha: 0.001}      # rasad.alerting.detector.DetectorConfig

Keywords and their texts are compared after the extraction layer's normalization
(``rasad.extract.normalize.normalize_term``), token by token, so ``إس-400`` matches ``إس 400``
and ``S-400``'s spellings that normalize alike; an Arabic text token also matches with a
leading clitic (و, ف, ب, ل, ك, ال and their combinations), so ``والمسيرات`` matches the term
``المسيرات`` as well as ``مسيرات``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from rasad.alerting.detector import DetectorConfig
from rasad.common.errors import ConfigError
from rasad.counting.facts import Fact, Kind, pair_fact

log = logging.getLogger(__name__)

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
MemberRef = Annotated[str, StringConstraints(pattern=r"^(entity|weapon|keyword):.+$")]

_TOKEN = re.compile(r"\w+")
_ARABIC = re.compile(r"[\u0600-\u06FF]")
ARABIC_CLITICS: tuple[str, ...] = tuple(
    sorted(
        {"و", "ف", "ب", "ل", "ك", "ال", "وال", "فال", "بال", "كال", "لل", "ولل", "فلل", "وب", "ول", "فب"},
        key=len,
        reverse=True,
    )
)


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class KeywordSpec(_Spec):
    key: Text | None = None
    name: Text
    terms: Annotated[list[Text], Field(min_length=1)]

    @property
    def keyword_key(self) -> str:
        return self.key or "-".join(self.name.lower().split())


class IdSpec(_Spec):
    id: Text
    name: Text | None = None


class PairSpec(_Spec):
    name: Text | None = None
    members: Annotated[list[MemberRef], Field(min_length=2, max_length=2)]


class AutomaticSpec(_Spec):
    enabled: bool = False
    min_stories: Annotated[int, Field(ge=1)] = 5
    kinds: tuple[Kind, ...] = ("entity", "weapon", "event", "pair")


class WatchlistSpec(_Spec):
    version: Literal[1] = 1
    description: str | None = None
    sources: list[str] = Field(default_factory=list)
    keywords: list[KeywordSpec] = Field(default_factory=list)
    entities: list[IdSpec] = Field(default_factory=list)
    weapons: list[IdSpec] = Field(default_factory=list)
    events: list[IdSpec] = Field(default_factory=list)
    pairs: list[PairSpec] = Field(default_factory=list)
    automatic: AutomaticSpec = Field(default_factory=AutomaticSpec)
    detector: DetectorConfig = Field(default_factory=DetectorConfig)

    @model_validator(mode="after")
    def _pairs_name_known_keywords(self) -> WatchlistSpec:
        keys = [k.keyword_key for k in self.keywords]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(f"keyword keys must be unique: {', '.join(duplicates)}")
        for pair in self.pairs:
            for member in pair.members:
                kind, _, key = member.partition(":")
                if kind == "keyword" and key not in keys:
                    raise ValueError(f"pair member {member} names no keyword of this watchlist")
        return self


def default_normalizer() -> Callable[[str], str]:
    """The extraction layer's term normalization."""
    from rasad.extract.normalize import normalize_term

    return normalize_term


def _stems(token: str) -> list[str]:
    """The token, and the token without each leading Arabic clitic it may carry."""
    forms = [token]
    if _ARABIC.match(token):
        forms += [token[len(c) :] for c in ARABIC_CLITICS if token.startswith(c) and len(token) - len(c) >= 2]
    return forms


@dataclass(frozen=True)
class KeywordMatcher:
    """Finds the watchlist's keyword terms, as token sequences, in normalized text."""

    normalize: Callable[[str], str]
    terms: Mapping[str, list[tuple[tuple[str, ...], Fact]]]

    @classmethod
    def build(cls, keywords: Sequence[KeywordSpec], normalize: Callable[[str], str]) -> KeywordMatcher:
        index: dict[str, list[tuple[tuple[str, ...], Fact]]] = {}
        for spec in keywords:
            fact = Fact("keyword", spec.keyword_key, spec.name)
            for term in spec.terms:
                tokens = tuple(_TOKEN.findall(normalize(term)))
                if tokens:
                    index.setdefault(tokens[0], []).append((tokens, fact))
        return cls(normalize, index)

    def tokens(self, text: str) -> list[str]:
        return _TOKEN.findall(self.normalize(text))

    def _matches_at(self, tokens: list[str], start: int, term: tuple[str, ...]) -> bool:
        if start + len(term) > len(tokens):
            return False
        return all(want in _stems(tokens[start + i]) for i, want in enumerate(term) if i > 0)

    def find(self, texts: Sequence[str]) -> list[Fact]:
        found: dict[str, Fact] = {}
        for text in texts:
            tokens = self.tokens(text)
            for start, token in enumerate(tokens):
                for form in _stems(token):
                    for term, fact in self.terms.get(form, ()):
                        if fact.key not in found and self._matches_at(tokens, start, term):
                            found[fact.key] = fact
        return list(found.values())


@dataclass(frozen=True)
class Watchlist:
    """A compiled watchlist: the facts' vocabulary and the detector's watch scope."""

    spec: WatchlistSpec
    matcher: KeywordMatcher | None
    watched: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    pair_names: Mapping[tuple[str, str], str] = field(default_factory=dict)

    @property
    def detector(self) -> DetectorConfig:
        return self.spec.detector

    # Vocabulary (rasad.counting.facts)
    def keyword_facts(self, texts: Sequence[str]) -> list[Fact]:
        return self.matcher.find(texts) if self.matcher else []

    def pair_facts(self, present: Mapping[str, str]) -> list[Fact]:
        facts = []
        for (a, b), name in self.pair_names.items():
            if a in present and b in present:
                facts.append(pair_fact({a: present[a], b: present[b]}, name or None))
        return facts

    # WatchScope (rasad.alerting.detector)
    def selects(self, kind: str, key: str, volume: int) -> bool:
        if (kind, key) in self.watched:
            return True
        auto = self.spec.automatic
        return auto.enabled and kind in auto.kinds and volume >= auto.min_stories


def compile_watchlist(spec: WatchlistSpec, normalize: Callable[[str], str] | None = None) -> Watchlist:
    matcher = (
        KeywordMatcher.build(spec.keywords, normalize or default_normalizer()) if spec.keywords else None
    )
    watched = {("keyword", k.keyword_key) for k in spec.keywords}
    watched |= {("entity", e.id) for e in spec.entities} | {("weapon", w.id) for w in spec.weapons}
    watched |= {("event", e.id) for e in spec.events}
    pair_names: dict[tuple[str, str], str] = {}
    for pair in spec.pairs:
        a, b = sorted(pair.members)
        pair_names[(a, b)] = pair.name or ""
        watched.add(("pair", pair_fact({a: a, b: b}).key))
    return Watchlist(spec, matcher, frozenset(watched), pair_names)


def automatic_watchlist(detector: DetectorConfig | None = None) -> Watchlist:
    """No watched keys, every busy key tested: what ``rasad detect`` runs without a file."""
    spec = WatchlistSpec(automatic=AutomaticSpec(enabled=True), detector=detector or DetectorConfig())
    return compile_watchlist(spec)


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "(top level)"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


def parse_watchlist(
    text: str, origin: str = "watchlist", normalize: Callable[[str], str] | None = None
) -> Watchlist:
    """Parse and compile a watchlist; ConfigError names the file, the field and the reason."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{origin}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: expected a mapping at the top level, got {type(data).__name__}")
    try:
        spec = WatchlistSpec.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{origin}: {_describe(exc)}") from exc
    return compile_watchlist(spec, normalize)


def load_watchlist(path: str | Path, normalize: Callable[[str], str] | None = None) -> Watchlist:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read watchlist {path}: {exc}") from exc
    return parse_watchlist(text, str(path), normalize)


class WatchlistFile:
    """A watchlist file reloaded when it changes; a broken edit keeps the previous version."""

    def __init__(self, path: str | Path, normalize: Callable[[str], str] | None = None) -> None:
        self.path = Path(path)
        self._normalize = normalize
        self._stamp = self._signature()
        self._current = load_watchlist(self.path, normalize)
        self.error: str | None = None

    def _signature(self) -> tuple[int, int] | None:
        try:
            status = self.path.stat()
        except OSError:
            return None
        return status.st_mtime_ns, status.st_size

    def current(self) -> Watchlist:
        """The watchlist, reloaded first when the file changed since the last look."""
        stamp = self._signature()
        if stamp == self._stamp:
            return self._current
        self._stamp = stamp
        try:
            self._current = load_watchlist(self.path, self._normalize)
            self.error = None
        except ConfigError as exc:
            self.error = str(exc)
            log.warning("keeping the previous watchlist: %s", exc)
        return self._current

    # The same faces as Watchlist, always on the current version of the file.
    def keyword_facts(self, texts: Sequence[str]) -> list[Fact]:
        return self.current().keyword_facts(texts)

    def pair_facts(self, present: Mapping[str, str]) -> list[Fact]:
        return self.current().pair_facts(present)

    def selects(self, kind: str, key: str, volume: int) -> bool:
        return self.current().selects(kind, key, volume)
