from datetime import date

import pytest

from rasad.extract.events.dates import find_dates
from rasad.extract.events.numbers import read_count
from rasad.extract.normalize import normalize


def words(text: str) -> list[str]:
    return normalize(text).text.split()


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("16 شخصا", 16, 16),
        ("١٦ شخصا", 16, 16),
        ("عشرة جنود", 10, 10),
        ("ثلاثة عشر مدنيا", 13, 13),
        ("خمسة وعشرين شخصا", 25, 25),
        ("ثلاثمئة", 300, 300),
        ("العشرات من", 20, 99),
        ("twelve people", 12, 12),
    ],
)
def test_counts(text: str, low: int, high: int) -> None:
    count = read_count(words(text), 0)
    assert count is not None
    assert (count.low, count.high) == (low, high)


def test_no_count_in_plain_words() -> None:
    assert read_count(words("قوات الأمن"), 0) is None


def _dates(text: str, published: date | None) -> list[date | None]:
    n = normalize(text).text
    return [d.value for d in find_dates(n, 0, len(n), published)]


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("قتل فجر الجمعة في ضربة", date(2020, 1, 7), date(2020, 1, 3)),
        ("في 3 كانون الثاني الذي", date(2020, 2, 9), date(2020, 1, 3)),
        ("في 7 فبراير (شباط) الساعة 9:30", date(2024, 2, 8), date(2024, 2, 7)),
        ("في 28 ديسمبر", date(2024, 1, 5), date(2023, 12, 28)),
        ("2020-01-03", None, date(2020, 1, 3)),
        ("مساء اليوم الأربعاء 13-11-2024", date(2024, 11, 13), date(2024, 11, 13)),
        ("أمس", date(2020, 1, 7), date(2020, 1, 6)),
        ("on January 3, 2020", None, date(2020, 1, 3)),
    ],
)
def test_dates_resolved(text: str, published: date | None, expected: date) -> None:
    assert expected in _dates(text, published)


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("فجر الجمعة", None),
        ("في 3 كانون الثاني", None),
        ("الأسبوع الماضي", date(2020, 1, 7)),
        ("في سبتمبر الماضي", date(2020, 1, 7)),
    ],
)
def test_unknown_dates_stay_null(text: str, published: date | None) -> None:
    values = _dates(text, published)
    assert values
    assert all(v is None for v in values)
