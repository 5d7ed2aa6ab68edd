"""Dates in a sentence, explicit or relative, resolved against the publication date.

Explicit: ``3 كانون الثاني``, ``7 فبراير (شباط)``, ``7 كانون الأول/ ديسمبر الحالي``,
``2020-01-03``, ``13-11-2024``, ``January 3, 2020``. Relative: ``اليوم``, ``أمس``, weekdays with
or without a part of the day (``فجر الجمعة``, ``اليوم الثلاثاء``). A date without a year, or a
relative one, needs the publication date; without it the date is unknown (None). Periods that
are not a day (``الأسبوع الماضي``, ``سبتمبر الماضي``) give None: a date is never guessed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple

from rasad.extract.normalize import normalize_term

from .lexicon import load

__all__ = ["DateMention", "DatePatterns", "find_dates", "find_dates_in_words"]


class DateMention(NamedTuple):
    start: int  # normalized offsets
    end: int
    value: date | None  # None: a date that cannot be resolved


def _alt(terms: list[str]) -> str:
    return "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in sorted(set(terms), key=lambda t: -len(t)))


@dataclass(frozen=True)
class DatePatterns:
    pattern: re.Pattern[str]
    cue: re.Pattern[str]  # a cheap test: a digit or a calendar word
    months: Mapping[str, int]
    weekdays: Mapping[str, int]
    relative: Mapping[str, int]
    first_words: frozenset[str] = frozenset()  # words a date mention can start with (or a digit)

    @classmethod
    def build(cls, data: Mapping[str, Any]) -> DatePatterns:
        months = {normalize_term(str(w)): int(m) for m, words in data["months"].items() for w in words}
        weekdays = {normalize_term(str(w)): int(d) for d, words in data["weekdays"].items() for w in words}
        relative = {
            normalize_term(str(w)): int(d) for d, words in data["relative_days"].items() for w in words
        }
        parts = [normalize_term(str(w)) for w in data["day_parts"]]
        vague = [normalize_term(str(w)) for w in data["vague"]]
        month = _alt(list(months))
        # A month alone: full names only (not "may", "mar", "jan" ...).
        month_alone = _alt([m for m in months if len(m) > 4 or not m.isascii()])
        weekday = _alt(list(weekdays))
        rel = _alt(list(relative))
        part = _alt(parts)
        b, e = r"(?<![\w])", r"(?![\w])"
        pattern = re.compile(
            "|".join(
                [
                    rf"{b}(?P<iso_y>\d{{4}})-(?P<iso_m>\d{{1,2}})-(?P<iso_d>\d{{1,2}}){e}",
                    rf"{b}(?P<num_d>\d{{1,2}})[-/.](?P<num_m>\d{{1,2}})[-/.](?P<num_y>\d{{4}}){e}",
                    rf"{b}(?P<vague>{_alt(vague)}){e}",
                    rf"{b}(?P<dm_d>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*(?:من\s+)?(?:شهر\s+)?(?P<dm_m>{month})"
                    rf"(?:\s*[/(]\s*(?:{month})\s*\)?)?(?:\s*,?\s*(?P<dm_y>\d{{4}}))?"
                    rf"(?:\s+(?P<dm_cur>الحالي|الجاري|الماضي))?{e}",
                    rf"{b}(?P<md_m>{month})\s+(?P<md_d>\d{{1,2}})(?:st|nd|rd|th)?(?:\s*,\s*(?P<md_y>\d{{4}}))?{e}",
                    rf"{b}(?P<mo>{month_alone})(?:\s+(?P<mo_y>\d{{4}}|الماضي|الحالي|الجاري))?{e}",
                    rf"{b}(?:(?:{part})\s+)?(?:(?:اليوم|يوم)\s+)?(?P<wd>{weekday})"
                    rf"(?:\s+(?P<wd_last>الماضي|الماضيه|الفائت|last))?{e}",
                    rf"{b}(?:last\s+)(?P<wd2>{weekday}){e}",
                    rf"{b}(?P<rel>{rel}){e}",
                ]
            )
        )
        words = [w for w in [*months, *weekdays, *relative, *vague] if w]
        cue = re.compile(r"\d|" + _alt(words))
        starts = [*words, *parts, "اليوم", "يوم", "last"]
        first_words = frozenset(w.split()[0] for w in starts if w.split())
        return cls(
            pattern=pattern,
            cue=cue,
            months=months,
            weekdays=weekdays,
            relative=relative,
            first_words=first_words,
        )


@functools.cache
def patterns() -> DatePatterns:
    return DatePatterns.build(load().calendar)


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _with_year(
    month: int, day: int, year: int | None, published: date | None, current: str | None
) -> date | None:
    if year is not None:
        return _safe(year, month, day)
    if published is None:
        return None
    candidate = _safe(published.year, month, day)
    if candidate is None:
        return None
    if current in ("الحالي", "الجاري"):
        return candidate
    if candidate > published + timedelta(days=1):
        return _safe(published.year - 1, month, day)
    return candidate


def _weekday(weekday: int, published: date | None, strictly_before: bool) -> date | None:
    if published is None:
        return None
    back = (published.weekday() - weekday) % 7
    if back == 0 and strictly_before:
        back = 7
    return published - timedelta(days=back)


def _resolve(m: re.Match[str], p: DatePatterns, published: date | None) -> date | None:
    g = m.groupdict()
    if g["iso_y"]:
        return _safe(int(g["iso_y"]), int(g["iso_m"]), int(g["iso_d"]))
    if g["num_y"]:
        return _safe(int(g["num_y"]), int(g["num_m"]), int(g["num_d"]))
    if g["vague"]:
        return None
    if g["dm_m"]:
        year = int(g["dm_y"]) if g["dm_y"] else None
        return _with_year(p.months[_key(g["dm_m"])], int(g["dm_d"]), year, published, g["dm_cur"])
    if g["md_m"]:
        year = int(g["md_y"]) if g["md_y"] else None
        return _with_year(p.months[_key(g["md_m"])], int(g["md_d"]), year, published, None)
    if g["mo"]:
        return None  # a month is not a day
    if g["wd"] or g["wd2"]:
        name = _key(g["wd"] or g["wd2"])
        return _weekday(p.weekdays[name], published, bool(g["wd_last"] or g["wd2"]))
    if g["rel"] and published is not None:
        return published - timedelta(days=p.relative[_key(g["rel"])])
    return None


def find_dates(text: str, start: int, end: int, published: date | None) -> list[DateMention]:
    """Date mentions in ``text[start:end]`` (normalized text), resolved where possible."""
    p = patterns()
    out: list[DateMention] = []
    if p.cue.search(text, start, end) is None:
        return out
    for m in p.pattern.finditer(text, start, end):
        out.append(DateMention(m.start(), m.end(), _resolve(m, p, published)))
    return out


def find_dates_in_words(
    text: str,
    words: Sequence[tuple[int, int, str]],
    end: int,
    published: date | None,
    keys: Sequence[str] | None = None,
) -> list[DateMention]:
    """The same mentions as :func:`find_dates` for a sentence already split into words (start,
    end, text): the expression is tried only at words a date can start with, not at every
    character. ``keys``: the words' texts, when the caller has them."""
    p = patterns()
    out: list[DateMention] = []
    taken = -1
    first_words = p.first_words
    if keys is None:
        keys = [w[2] for w in words]
    for i in [i for i, key in enumerate(keys) if key[0].isdigit() or key in first_words]:
        start = words[i][0]
        if start < taken:
            continue
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
            continue
        m = p.pattern.match(text, start, end)
        if m is not None:
            out.append(DateMention(m.start(), m.end(), _resolve(m, p, published)))
            taken = m.end()
    return out
