"""Tests for sim.rules.concession: restating a position after a concession in utility space."""

from __future__ import annotations

import numpy as np
import pytest

from sim.rules.concession import concession_target, restate_position
from sim.rules.utility import utility

ALL = np.array([True, True, True])


def restate(stated, target, aspiration, *, movable=ALL, ideal=None, weights=None, rho=1.0):
    stated = np.asarray(stated, float)
    ideal = stated.copy() if ideal is None else np.asarray(ideal, float)
    weights = np.array([0.5, 0.3, 0.2]) if weights is None else np.asarray(weights, float)
    return restate_position(
        stated,
        np.asarray(target, float),
        np.asarray(movable),
        ideal,
        weights,
        np.asarray(rho, float),
        np.asarray(aspiration, float),
    )


class TestRestatePosition:
    def test_linear_hand_value(self):
        # u(100 - 100 lam on every issue) = 1 - lam, so aspiration 0.8 -> lam = 0.2 -> 80
        new = restate([100, 100, 100], [0, 0, 0], 0.8)
        np.testing.assert_allclose(new, [80.0, 80.0, 80.0], atol=1e-9)

    def test_quadratic_hand_value(self):
        # rho = 2: u = 1 - lam**2 -> lam = sqrt(0.2)
        new = restate([100, 100, 100], [0, 0, 0], 0.8, rho=2.0)
        np.testing.assert_allclose(new, 100 * (1 - np.sqrt(0.2)) * np.ones(3), atol=1e-8)

    def test_utility_of_restated_terms_equals_aspiration(self):
        ideal = np.array([90.0, 10.0, 60.0])
        stated = np.array([80.0, 20.0, 55.0])
        target = np.array([10.0, 70.0, 5.0])
        w = np.array([0.2, 0.5, 0.3])
        for rho in (1.0, 1.5, 2.0):
            u_start = float(utility(stated, ideal, w, rho))
            u_end = float(utility(target, ideal, w, rho))
            for aspiration in np.linspace(u_end + 1e-6, u_start, 7):
                new = restate(stated, target, aspiration, ideal=ideal, weights=w, rho=rho)
                assert float(utility(new, ideal, w, rho)) == pytest.approx(aspiration, abs=1e-9)

    def test_unmovable_issue_stays_put(self):
        movable = np.array([True, False, True])
        new = restate([100, 100, 100], [0, 0, 0], 0.8, movable=movable)
        # only issues 0 and 2 (weight 0.7 together) move: 1 - 0.7 lam = 0.8
        lam = 0.2 / 0.7
        np.testing.assert_allclose(new, [100 - 100 * lam, 100.0, 100 - 100 * lam], atol=1e-9)
        assert new[1] == 100.0

    def test_reaches_target_when_target_clears_aspiration(self):
        new = restate([100, 100, 100], [60, 70, 90], 0.5)
        np.testing.assert_array_equal(new, [60.0, 70.0, 90.0])

    def test_terms_worth_less_than_aspiration_are_unchanged(self):
        # third parties pulled the terms below the aspiration: do not move at all
        ideal = np.array([100.0, 100.0, 100.0])
        stated = np.array([50.0, 50.0, 50.0])  # worth 0.5
        new = restate(stated, [0, 0, 0], 0.6, ideal=ideal)
        np.testing.assert_array_equal(new, stated)

    def test_never_moves_away_from_target(self):
        rng = np.random.default_rng(3)
        stated = rng.uniform(0, 100, (200, 3))
        target = rng.uniform(0, 100, (200, 3))
        ideal = rng.uniform(0, 100, (200, 3))
        w = rng.dirichlet(np.ones(3), 200)
        rho = rng.choice([1.0, 2.0], 200)
        aspiration = rng.uniform(0.2, 1.0, 200)
        movable = rng.random((200, 3)) < 0.8
        new = restate_position(stated, target, movable, ideal, w, rho, aspiration)
        assert np.all(np.abs(new - target) <= np.abs(stated - target) + 1e-12)
        # on the segment from stated to target, with one common step for every issue
        lo = np.minimum(stated, target) - 1e-12
        hi = np.maximum(stated, target) + 1e-12
        assert np.all((new >= lo) & (new <= hi))
        np.testing.assert_array_equal(new[~movable], stated[~movable])

    def test_batched_rows_are_independent(self):
        stated = np.array([[100.0, 100.0, 100.0], [100.0, 100.0, 100.0]])
        target = np.zeros((2, 3))
        movable = np.ones((2, 3), bool)
        w = np.array([[0.5, 0.3, 0.2]] * 2)
        new = restate_position(stated, target, movable, stated, w, np.ones(2), np.array([0.8, 0.6]))
        np.testing.assert_allclose(new, [[80.0] * 3, [60.0] * 3], atol=1e-9)


class TestConcessionTarget:
    def test_two_parties_aim_at_each_other(self):
        stated = np.array([[10.0, 90.0], [70.0, 20.0]])
        tgt = concession_target(stated, np.array([0.3, 0.9]), np.array([True, True]))
        np.testing.assert_allclose(tgt, stated[::-1], atol=1e-12)

    def test_three_parties_capability_weighted_mean_of_the_others(self):
        stated = np.array([[0.0], [30.0], [90.0], [50.0]])
        capability = np.array([1.0, 2.0, 3.0, 100.0])
        is_party = np.array([True, True, True, False])  # actor 3 is not a party: ignored
        tgt = concession_target(stated, capability, is_party)
        np.testing.assert_allclose(tgt[:3, 0], [66.0, 67.5, 20.0], atol=1e-12)

    def test_batched(self):
        stated = np.array([[[0.0], [30.0], [90.0]], [[100.0], [0.0], [0.0]]])
        capability = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 3.0]])
        tgt = concession_target(stated, capability, np.array([True, True, True]))
        np.testing.assert_allclose(tgt[0, :, 0], [66.0, 67.5, 20.0], atol=1e-12)
        np.testing.assert_allclose(tgt[1, :, 0], [0.0, 25.0, 50.0], atol=1e-12)

    def test_no_weight_on_others_keeps_own_position(self):
        stated = np.array([[10.0], [80.0]])
        with np.errstate(all="raise"):
            tgt = concession_target(stated, np.array([1.0, 0.0]), np.array([True, True]))
        assert tgt[0, 0] == 10.0  # the only other party has no capability
        assert tgt[1, 0] == 10.0
