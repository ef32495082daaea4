"""Tests for sim.rules.durability (docs/ODD.md §7.14, ``agreement_holds``)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.rules.durability import hazard_multiplier, hold_probability


class TestHoldProbability:
    @pytest.mark.parametrize("h", [0.0, 0.01, 0.05, 0.2, 0.5, 0.9])
    def test_one_month_is_one_minus_the_monthly_hazard(self, h):
        assert hold_probability(30, h, 1.0) == pytest.approx(1 - h, abs=1e-15)

    def test_months_compound(self):
        # (1 - h)^(D/30)
        assert hold_probability(90, 0.1, 1.0) == pytest.approx(0.9**3, abs=1e-14)
        assert hold_probability(365, 0.05, 1.0) == pytest.approx(0.95 ** (365 / 30), abs=1e-14)

    def test_zero_hazard_always_holds(self):
        np.testing.assert_array_equal(hold_probability(np.array([0, 30, 3650]), 0.0, 1.8), 1.0)

    def test_zero_days_always_holds(self):
        assert hold_probability(0, 0.3, 2.0) == 1.0

    def test_multiplier_scales_the_rate(self):
        # P = (1 - h)^(m D / 30): a hazard ratio m is an exponent on the monthly survival
        assert hold_probability(30, 0.2, 0.45) == pytest.approx(0.8**0.45, abs=1e-14)
        assert hold_probability(60, 0.2, 1.8) == pytest.approx(0.8 ** (1.8 * 2), abs=1e-14)

    def test_multipliers_combine_multiplicatively(self):
        m = hazard_multiplier(0.45, 0.6, 1.8, True, True, True)
        assert m == pytest.approx(0.45 * 0.6 * 1.8, abs=1e-15)
        # stacking two ratios equals applying them one after the other on the rate
        assert hold_probability(180, 0.1, 0.45 * 0.6) == pytest.approx(
            hold_probability(180 * 0.45, 0.1, 0.6), abs=1e-14
        )
        p_all = hold_probability(180, 0.1, m)
        assert p_all == pytest.approx(0.9 ** (6 * 0.45 * 0.6 * 1.8), abs=1e-14)

    def test_certain_collapse_is_clipped_not_nan(self):
        p = hold_probability(30, 1.0, 1.0)
        assert np.isfinite(p) and 0.0 <= p < 1e-9

    def test_broadcasts(self):
        p = hold_probability(np.array([30.0, 60.0]), np.array([[0.1], [0.2]]), 1.0)
        np.testing.assert_allclose(p, [[0.9, 0.81], [0.8, 0.64]], atol=1e-14)


class TestHazardMultiplier:
    def test_only_conditions_that_hold_count(self):
        has_m = np.array([False, True, False, False, True])
        has_g = np.array([False, False, True, False, True])
        imposed = np.array([False, False, False, True, True])
        got = hazard_multiplier(0.45, 0.6, 1.8, has_m, has_g, imposed)
        np.testing.assert_allclose(got, [1.0, 0.45, 0.6, 1.8, 0.45 * 0.6 * 1.8], atol=1e-15)

    def test_monitors_lower_and_imposition_raises_collapse_risk(self):
        base = hold_probability(365, 0.05, hazard_multiplier(0.45, 0.6, 1.8, False, False, False))
        monitored = hold_probability(
            365, 0.05, hazard_multiplier(0.45, 0.6, 1.8, True, False, False)
        )
        imposed = hold_probability(365, 0.05, hazard_multiplier(0.45, 0.6, 1.8, False, False, True))
        assert imposed < base < monitored
