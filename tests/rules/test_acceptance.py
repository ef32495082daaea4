"""Tests for sim.rules.acceptance (docs/ODD.md §7.7)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.rules.acceptance import acceptance_level, accepts


class TestAcceptanceLevel:
    def test_aspiration_binds_when_own_terms_are_worth_more(self):
        level = acceptance_level(0.7, 0.8, 0.3)
        assert level == pytest.approx(0.7, abs=1e-15)

    def test_own_terms_bind_when_below_the_aspiration(self):
        # a party never refuses what it has itself put on the table
        level = acceptance_level(0.7, 0.55, 0.3)
        assert level == pytest.approx(0.55, abs=1e-15)

    def test_never_below_reservation(self):
        level = acceptance_level(0.4, 0.35, 0.5)
        assert level == pytest.approx(0.5, abs=1e-15)

    def test_vectorised(self):
        level = acceptance_level(
            np.array([0.9, 0.6, 0.2]), np.array([0.8, 0.7, 0.1]), np.array([0.1, 0.1, 0.3]))
        np.testing.assert_allclose(level, [0.8, 0.6, 0.3], atol=1e-15)


class TestAccepts:
    def test_zero_noise_is_a_threshold(self):
        utilities = np.linspace(0.0, 1.0, 101)
        noise = np.random.default_rng(0).standard_normal(101)  # ignored when sd = 0
        got = accepts(utilities, 0.5, noise, 0.0)
        np.testing.assert_array_equal(got, utilities >= 0.5)

    def test_at_the_level_accepts(self):
        assert bool(accepts(np.array(0.6), np.array(0.6), np.array(0.0), np.array(0.3)))

    def test_noise_shifts_the_utility(self):
        # .55 + .1 * 1 = .65 >= .6; .55 + .1 * (-1) = .45 < .6
        got = accepts(np.array([0.55, 0.55]), 0.6, np.array([1.0, -1.0]), 0.1)
        np.testing.assert_array_equal(got, [True, False])
