from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from rasad.alerting.detector import (
    DetectorConfig,
    adjust_p_values,
    expected_count,
    severity_of,
    share_p_values,
)


@pytest.mark.parametrize(
    ("x", "n", "y", "m"), [(9, 36, 124, 2636), (3, 40, 0, 5000), (1, 10, 50, 100), (0, 5, 3, 70)]
)
def test_binomial_is_the_conditional_test_of_two_rates(x: int, n: int, y: int, m: int) -> None:
    p = share_p_values(np.array([x]), n, np.array([y]), m, "binomial")[0]
    if x + y == 0:
        assert p == 1.0
    else:
        assert p == pytest.approx(stats.binomtest(x, x + y, n / (n + m), alternative="greater").pvalue)


@pytest.mark.parametrize(("x", "n", "y", "m"), [(9, 36, 124, 2636), (3, 40, 0, 5000), (7, 10, 50, 100)])
def test_fisher_matches_scipy(x: int, n: int, y: int, m: int) -> None:
    p = share_p_values(np.array([x]), n, np.array([y]), m, "fisher")[0]
    expected = stats.fisher_exact([[x, n - x], [y, m - y]], alternative="greater").pvalue
    assert p == pytest.approx(expected)


@given(x=st.integers(0, 40), y=st.integers(0, 400), n=st.integers(40, 200), m=st.integers(400, 9000))
def test_more_observed_stories_never_raise_p(x: int, y: int, n: int, m: int) -> None:
    for test in ("binomial", "fisher"):
        low, high = share_p_values(np.array([x, x + 1]), n, np.array([y, y]), m, test)  # type: ignore[arg-type]
        assert 0.0 <= high <= low <= 1.0


def test_unchanged_share_is_not_significant_and_a_spike_is() -> None:
    p = share_p_values(np.array([5, 25]), 100, np.array([350, 350]), 7000)
    assert p[0] > 0.3
    assert p[1] < 1e-8


def test_no_baseline_or_empty_window_gives_p_one() -> None:
    assert share_p_values(np.array([5]), 100, np.array([0]), 0).tolist() == [1.0]
    assert share_p_values(np.array([0]), 0, np.array([5]), 100).tolist() == [1.0]


def test_benjamini_hochberg_and_bonferroni() -> None:
    p = np.array([0.01, 0.04, 0.03, 0.005])
    assert adjust_p_values(p, "bh") == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert adjust_p_values(p, "bonferroni") == pytest.approx([0.04, 0.16, 0.12, 0.02])
    assert adjust_p_values(np.array([0.9, 0.8]), "bh") == pytest.approx([0.9, 0.9])
    assert adjust_p_values(np.array([]), "bh").size == 0


@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=30))
def test_adjusted_p_is_at_least_raw_and_bh_at_most_bonferroni(values: list[float]) -> None:
    p = np.array(values)
    bh, bonferroni = adjust_p_values(p, "bh"), adjust_p_values(p, "bonferroni")
    assert np.all(bh >= p - 1e-12)
    assert np.all(bh <= bonferroni + 1e-12)
    assert np.all(bh <= 1.0)


def test_expected_count_and_severity() -> None:
    config = DetectorConfig()
    assert expected_count(40, 350, 7000) == pytest.approx(2.0)
    assert expected_count(40, 0, 0) == 0.0
    assert severity_of(1e-4, 10, 2.0, config) == "info"
    assert severity_of(1e-6, 10, 2.0, config) == "warning"
    assert severity_of(1e-6, 4, 2.0, config) == "info"  # ratio (4+1)/(2+1) is below 3
    assert severity_of(1e-9, 40, 2.0, config) == "critical"
    assert severity_of(1e-9, 12, 2.0, config) == "warning"
