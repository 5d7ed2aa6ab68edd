"""Word lists the engine reads beside the gazetteer: titles, given names, stop words, locative
words and boilerplate markers (``data/lexicon/*.yaml``). Data, not code."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from rasad.common.errors import ConfigError

__all__ = ["LEXICON_DIR", "Lexicon", "load"]

LEXICON_DIR = Path(__file__).parent / "data" / "lexicon"
Term = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Titles(_Frozen):
    """``rank`` titles may be followed by any name; ``role`` titles only by a known given name."""

    rank: tuple[Term, ...] = ()
    role: tuple[Term, ...] = ()


class Markers(_Frozen):
    """``tail`` starts what is not the article any more (related links, tags, comments) up to
    the end; ``line`` marks one line of page furniture."""

    tail: tuple[Term, ...] = ()
    line: tuple[Term, ...] = ()


class Heads(_Frozen):
    """Head nouns that introduce a name the gazetteer may lack: ``org`` an armed group's name,
    ``org_quoted`` a quoted name (agencies, companies), ``place`` a place name after it,
    ``place_bare`` a place name without the article after it,
    ``place_after`` a place name before it (English), ``place_list`` and ``place_list_bare``
    plural or dual heads a list of place names follows (``بلدات الخيام وعلما الشعب``),
    ``place_joiners`` words that begin a two-word place name (``وادي حسن``, ``دير ميماس``),
    ``place_named`` the place heads (villages, towns) after which the first word is a name
    whatever its shape (``بلدة رامية``: not an adjective), ``unit`` a unit number; ``stop``
    words that are never the first word of such a name, nor an item of a list. ``org_dual``
    maps dual heads to their singular (``مجلسي الوزراء والنواب``: two councils),
    ``org_local`` heads a local force follows as a known place (``شرطة ديالى``); both join
    ``org``."""

    org: tuple[Term, ...] = ()
    org_dual: dict[Term, Term] = {}
    org_local: tuple[Term, ...] = ()
    org_quoted: tuple[Term, ...] = ()
    place: tuple[Term, ...] = ()
    place_bare: tuple[Term, ...] = ()
    place_after: tuple[Term, ...] = ()
    place_list: tuple[Term, ...] = ()
    place_list_bare: tuple[Term, ...] = ()
    place_joiners: tuple[Term, ...] = ()
    place_named: tuple[Term, ...] = ()
    unit: tuple[Term, ...] = ()
    stop: tuple[Term, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _lists_are_place_heads(cls, raw: object) -> object:
        """Plural heads are found by the automaton as place heads too: ``place_list`` joins
        ``place``, ``place_list_bare`` joins ``place_bare``; dual and local organization heads
        join ``org``."""
        if not isinstance(raw, dict):
            return raw
        merged = dict(raw)
        merged["org"] = [*raw.get("org", ()), *raw.get("org_dual", {}), *raw.get("org_local", ())]
        merged["place"] = [*raw.get("place", ()), *raw.get("place_list", ())]
        merged["place_bare"] = [*raw.get("place_bare", ()), *raw.get("place_list_bare", ())]
        return merged


class Lexicon(_Frozen):
    version: Literal[1] = 1
    sources: Annotated[list[str], Field(min_length=1)]
    titles: Titles
    given_names: tuple[Term, ...]
    name_joiners: tuple[Term, ...]
    skip_after_title: tuple[Term, ...]
    stopwords: tuple[Term, ...]
    locative: tuple[Term, ...]
    locative_clitics: tuple[Term, ...]
    markers: Markers
    heads: Heads = Heads()


def load_from(directory: Path) -> Lexicon:
    merged: dict[str, object] = {"sources": []}
    for path in sorted(directory.glob("*.yaml")):
        try:
            with path.open(encoding="utf-8") as handle:
                raw = yaml.load(handle, Loader=yaml.CSafeLoader) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"lexicon: cannot read {path}: {exc}") from exc
        sources = raw.pop("sources", [])
        merged["sources"] = [*merged["sources"], *sources]  # type: ignore[misc]
        raw.pop("version", None)
        merged.update(raw)
    try:
        return Lexicon.model_validate(merged)
    except ValidationError as exc:
        raise ConfigError(f"lexicon in {directory} is not valid: {exc}") from exc


@functools.cache
def load() -> Lexicon:
    return load_from(LEXICON_DIR)
