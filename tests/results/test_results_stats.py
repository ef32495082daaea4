from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.results.stats import (
    Z95,
    newcombe_difference_interval,
    wilson_interval,
    wilson_intervals,
)


def hand_wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson (1927) written out the textbook way: roots of the score-test quadratic."""
    p = k / n
    a = 1 + z * z / n
    b = -(2 * p + z * z / n)
    c = p * p
    disc = math.sqrt(b * b - 4 * a * c)
    return (-b - disc) / (2 * a), (-b + disc) / (2 * a)


@pytest.mark.parametrize(
    ("k", "n", "lo", "hi"),
    [
        (0, 10, 0.0, 0.2775),
        (5, 10, 0.2366, 0.7634),
        (10, 10, 0.7225, 1.0),
        # Newcombe (1998), "Two-sided confidence intervals for the single proportion",
        # Statistics in Medicine 17, 857-872, Table II (Wilson score method):
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_known_answers(k, n, lo, hi):
    got = wilson_interval(k, n)
    assert got == pytest.approx((lo, hi), abs=1e-4)


@pytest.mark.parametrize(("k", "n"), [(0, 10), (5, 10), (3, 7), (199, 200), (41, 2000)])
def test_wilson_matches_hand_computation(k, n):
    assert wilson_interval(k, n, z=1.96) == pytest.approx(hand_wilson(k, n), abs=1e-4)


def test_wilson_empty_sample_is_uninformative():
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_default_z_is_the_95_percent_quantile():
    from scipy.stats import norm

    assert Z95 == pytest.approx(norm.ppf(0.975), abs=1e-12)


@pytest.mark.parametrize(("k", "n"), [(-1, 10), (11, 10), (1, -1), (1.5, 10)])
def test_wilson_rejects_bad_counts(k, n):
    with pytest.raises(ValueError):
        wilson_interval(k, n)


@given(st.integers(0, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_contains_share_and_stays_in_unit_interval(kn):
    k, n = kn
    lo, hi = wilson_interval(k, n)
    share = k / n if n else 0.5
    assert 0.0 <= lo <= share <= hi <= 1.0


def test_vectorised_matches_scalar():
    n = np.array([0, 1, 10, 10, 10, 200, 2000])
    k = np.array([0, 1, 0, 5, 10, 37, 1999])
    lo, hi = wilson_intervals(k, n)
    for i in range(len(n)):
        assert (lo[i], hi[i]) == pytest.approx(wilson_interval(int(k[i]), int(n[i])), abs=1e-12)


def test_vectorised_rejects_bad_counts():
    with pytest.raises(ValueError):
        wilson_intervals([3], [2])


# Newcombe (1998), Table II, method 10 (hybrid score, no continuity correction).
@pytest.mark.parametrize(
    ("k1", "n1", "k2", "n2", "lo", "hi"),
    [
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (6, 7, 2, 7, 0.0582, 0.8062),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (0, 10, 0, 10, -0.2775, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0),
        (10, 10, 0, 10, 0.6075, 1.0),
    ],
)
def test_newcombe_published_examples(k1, n1, k2, n2, lo, hi):
    assert newcombe_difference_interval(k1, n1, k2, n2) == pytest.approx((lo, hi), abs=1e-4)


def test_newcombe_matches_hand_computation():
    k1, n1, k2, n2 = 56, 70, 48, 80
    l1, u1 = hand_wilson(k1, n1)
    l2, u2 = hand_wilson(k2, n2)
    p1, p2 = k1 / n1, k2 / n2
    expected = (
        p1 - p2 - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
        p1 - p2 + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
    )
    got = newcombe_difference_interval(k1, n1, k2, n2, z=1.96)
    assert got == pytest.approx(expected, abs=1e-4)


@given(
    st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
)
def test_newcombe_contains_difference(a, b):
    (k1, n1), (k2, n2) = a, b
    lo, hi = newcombe_difference_interval(k1, n1, k2, n2)
    d = k1 / n1 - k2 / n2
    assert -1.0 <= lo <= d + 1e-12
    assert d - 1e-12 <= hi <= 1.0


def test_newcombe_is_antisymmetric():
    lo, hi = newcombe_difference_interval(12, 40, 30, 50)
    lo2, hi2 = newcombe_difference_interval(30, 50, 12, 40)
    assert (lo, hi) == pytest.approx((-hi2, -lo2), abs=1e-12)
