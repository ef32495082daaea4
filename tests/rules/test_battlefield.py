"""Tests for sim.rules.battlefield (docs/ODD.md §7.2)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.rules.battlefield import momentum_step, rearm_penalty, reservation_step, side_sign


class TestMomentum:
    def test_hand_value(self):
        assert momentum_step(0.1, 0.05, 0.2, 1.5) == pytest.approx(0.45, abs=1e-15)

    def test_clipped_to_unit_interval(self):
        got = momentum_step(np.array([0.9, -0.9, 0.0]), 0.0, 0.5, np.array([3.0, -3.0, 0.0]))
        np.testing.assert_array_equal(got, [1.0, -1.0, 0.0])

    def test_stays_bounded_over_a_long_walk(self):
        rng = np.random.default_rng(1)
        m = np.zeros(50)
        for shock in rng.standard_normal((500, 50)) * 5:
            m = momentum_step(m, 0.3, 1.0, shock)
            assert np.all((m >= -1.0) & (m <= 1.0))


class TestSides:
    def test_side_sign(self):
        np.testing.assert_array_equal(side_sign(4, (2, 0)), [-1.0, 0.0, 1.0, 0.0])
        np.testing.assert_array_equal(side_sign(3, None), [0.0, 0.0, 0.0])


class TestReservationStep:
    sign = np.array([1.0, -1.0, 0.0])  # actors: first side, second side, mediator

    def test_positive_momentum_favours_the_first_side(self):
        res = np.array([0.4, 0.4, 0.2])
        new = reservation_step(res, np.array(0.5), self.sign, np.array(0.1), np.zeros(3))
        np.testing.assert_allclose(new, [0.45, 0.35, 0.2], atol=1e-15)

    def test_negative_momentum_favours_the_second_side(self):
        res = np.array([0.4, 0.4, 0.2])
        new = reservation_step(res, np.array(-0.5), self.sign, np.array(0.1), np.zeros(3))
        np.testing.assert_allclose(new, [0.35, 0.45, 0.2], atol=1e-15)

    def test_war_cost_lowers_reservations(self):
        res = np.array([0.4, 0.4, 0.2])
        cost = np.array([0.02, 0.05, 0.0])
        new = reservation_step(res, np.array(0.0), self.sign, np.array(0.1), cost)
        np.testing.assert_allclose(new, [0.38, 0.35, 0.2], atol=1e-15)
        both = reservation_step(res, np.array(0.5), self.sign, np.array(0.1), cost)
        np.testing.assert_allclose(both, [0.43, 0.30, 0.2], atol=1e-15)

    def test_clipped_to_unit_interval(self):
        res = np.array([0.98, 0.01, 0.5])
        new = reservation_step(res, np.array(1.0), self.sign, np.array(0.1), np.zeros(3))
        np.testing.assert_array_equal(new, [1.0, 0.0, 0.5])

    def test_batched_over_replications(self):
        res = np.full((2, 3), 0.5)
        m = np.array([0.2, -1.0])
        eff = np.array([0.1, 0.05])
        new = reservation_step(res, m, self.sign, eff, np.zeros((2, 3)))
        np.testing.assert_allclose(new, [[0.52, 0.48, 0.5], [0.45, 0.55, 0.5]], atol=1e-15)


class TestRearmPenalty:
    sign = np.array([1.0, -1.0, 0.0])

    def test_only_the_favoured_side_fears_a_rearming_pause(self):
        np.testing.assert_allclose(rearm_penalty(0.5, self.sign, 0.2), [0.1, 0.0, 0.0])
        np.testing.assert_allclose(rearm_penalty(-0.5, self.sign, 0.2), [0.0, 0.1, 0.0])

    def test_no_momentum_no_penalty(self):
        np.testing.assert_array_equal(rearm_penalty(0.0, self.sign, 0.2), [0.0, 0.0, 0.0])

    def test_batched(self):
        got = rearm_penalty(np.array([1.0, -0.25]), self.sign, np.array([0.1, 0.4]))
        np.testing.assert_allclose(got, [[0.1, 0.0, 0.0], [0.0, 0.1, 0.0]], atol=1e-15)
