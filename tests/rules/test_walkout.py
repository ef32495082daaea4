"""Tests for sim.rules.walkout (smooth walkout hazard)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.rules.walkout import MIN_SOFTNESS, frustration, leaves, walkout_hazard

FAST = settings(max_examples=50, deadline=None, database=None, derandomize=True)

gaps = st.floats(-2.0, 2.0, allow_nan=False, allow_subnormal=False)
unit = st.floats(0.0, 1.0, allow_nan=False, allow_subnormal=False)
softnesses = st.floats(0.0, 1.0, allow_nan=False, allow_subnormal=False)


def logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


class TestFrustration:
    def test_by_hand(self):
        np.testing.assert_allclose(frustration(np.array([0.6, 0.3]), np.array([0.4, 0.5])),
                                   [0.2, -0.2], atol=1e-15)


class TestWalkoutHazard:
    def test_by_hand(self):
        # hazard .2, threshold .15, softness .05
        h = walkout_hazard(np.array([0.05, 0.15, 0.25]), 0.2, 0.15, 0.05)
        np.testing.assert_allclose(h, [0.2 * logistic(-2.0), 0.1, 0.2 * logistic(2.0)],
                                   atol=1e-15)
        np.testing.assert_allclose(h, [0.0238406, 0.1, 0.1761594], atol=1e-7)

    @FAST
    @given(gaps, unit, softnesses)
    def test_half_the_hazard_at_the_threshold(self, threshold, hazard, softness):
        assert walkout_hazard(threshold, hazard, threshold, softness) == pytest.approx(
            hazard / 2, abs=1e-15)

    @FAST
    @given(gaps, unit, gaps, softnesses)
    def test_between_zero_and_the_hazard(self, g, hazard, threshold, softness):
        h = walkout_hazard(g, hazard, threshold, softness)
        assert 0.0 <= h <= hazard

    @FAST
    @given(gaps, gaps, unit, gaps, softnesses)
    def test_monotone_in_frustration(self, g1, g2, hazard, threshold, softness):
        lo, hi = min(g1, g2), max(g1, g2)
        assert (walkout_hazard(lo, hazard, threshold, softness)
                <= walkout_hazard(hi, hazard, threshold, softness))

    @FAST
    @given(unit, st.floats(-0.5, 0.5), st.floats(0.01, 1.0))
    def test_continuous_no_jump_on_a_fine_grid(self, hazard, threshold, softness):
        # the slope of hazard x logistic(x / s) is at most hazard / (4 s)
        step = 1e-4
        g = np.arange(-1.0, 1.0, step)
        h = walkout_hazard(g, hazard, threshold, softness)
        assert np.all(np.diff(h) >= 0.0)
        assert np.abs(np.diff(h)).max() <= hazard * step / (4 * softness) + 1e-12

    def test_small_softness_recovers_the_step(self):
        g = np.array([-1.0, 0.1, 0.149, 0.151, 0.3, 1.0])
        with np.errstate(all="raise"):
            for s in (0.0, -1.0, 1e-12, MIN_SOFTNESS):
                h = walkout_hazard(g, 0.2, 0.15, s)
                np.testing.assert_array_equal(h, [0.0, 0.0, 0.0, 0.2, 0.2, 0.2])
                assert walkout_hazard(0.15, 0.2, 0.15, s) == 0.1

    def test_larger_softness_spreads_the_hazard(self):
        g = 0.25  # above the threshold: a softer rule is less certain to trigger
        sharp, soft = walkout_hazard(g, 0.2, 0.15, 0.01), walkout_hazard(g, 0.2, 0.15, 0.2)
        assert soft < sharp <= 0.2
        g = 0.05  # below it: a softer rule may still trigger
        assert walkout_hazard(g, 0.2, 0.15, 0.2) > walkout_hazard(g, 0.2, 0.15, 0.01) >= 0.0

    def test_vectorised_over_replications_and_parties(self):
        g = np.array([[0.0, 0.3], [0.15, -0.5]])
        h = walkout_hazard(g, np.array([0.2, 0.4]), 0.15, np.array([[0.05], [0.1]]))
        assert h.shape == (2, 2)
        assert h[0, 0] == pytest.approx(0.2 * logistic(-3.0), abs=1e-15)
        assert h[0, 1] == pytest.approx(0.4 * logistic(3.0), abs=1e-15)
        assert h[1, 0] == pytest.approx(0.1, abs=1e-15)
        assert h[1, 1] == pytest.approx(0.4 * logistic(-6.5), abs=1e-15)


class TestLeaves:
    def test_strictly_below_the_hazard(self):
        u = np.array([0.0, 0.099, 0.1, 0.5])
        np.testing.assert_array_equal(leaves(u, 0.1), [True, True, False, False])

    def test_zero_hazard_never_and_full_hazard_always(self):
        u = np.random.default_rng(1).random(1000)
        assert not leaves(u, 0.0).any()
        assert leaves(u, 1.0).all()

    def test_frequency_matches_the_hazard(self):
        u = np.random.default_rng(2).random(200_000)
        h = float(walkout_hazard(0.2, 0.3, 0.15, 0.05))
        assert leaves(u, h).mean() == pytest.approx(h, abs=0.004)
