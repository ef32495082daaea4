"""Tests for sim.rules.third_parties: rewards tied to a deal (docs/ODD.md §7.4)."""

from __future__ import annotations

import numpy as np

from sim.rules.third_parties import agreement_bonus, backs, potential_bonus

# two third parties (rows) on three actors (columns)
LEVERAGE = np.array([[0.1, 0.0, 0.0], [0.05, 0.2, 0.0]])
ENGAGEMENT = np.array([0.5, 1.0])


def test_potential_bonus_by_hand():
    # actor 0: .1 * .5 + .05 * 1 = .1; actor 1: .2 * 1 = .2; actor 2: nothing
    np.testing.assert_allclose(potential_bonus(LEVERAGE, ENGAGEMENT), [0.1, 0.2, 0.0],
                               atol=1e-15)


def test_only_backers_pay():
    got = agreement_bonus(LEVERAGE, ENGAGEMENT, np.array([True, False]))
    np.testing.assert_allclose(got, [0.05, 0.0, 0.0], atol=1e-15)
    none = agreement_bonus(LEVERAGE, ENGAGEMENT, np.array([False, False]))
    np.testing.assert_array_equal(none, [0.0, 0.0, 0.0])


def test_all_backing_is_the_potential_bonus():
    got = agreement_bonus(LEVERAGE, ENGAGEMENT, np.array([True, True]))
    np.testing.assert_allclose(got, potential_bonus(LEVERAGE, ENGAGEMENT), atol=1e-15)


def test_backs_at_its_reservation():
    np.testing.assert_array_equal(backs(np.array([0.3, 0.29, 0.5]), np.array([0.3, 0.3, 0.6])),
                                  [True, False, False])


def test_batched_over_replications():
    lev = np.stack([LEVERAGE, 2 * LEVERAGE])
    eng = np.stack([ENGAGEMENT, ENGAGEMENT])
    got = agreement_bonus(lev, eng, np.array([[True, True], [True, False]]))
    np.testing.assert_allclose(got, [[0.1, 0.2, 0.0], [0.1, 0.0, 0.0]], atol=1e-15)
