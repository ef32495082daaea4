"""Tests for sim.rules.third_parties (docs/ODD.md §7.4)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.rules.third_parties import displaced_positions, pull_weights

# pulled actors: party 0, party 1, the patron itself (2); two issues
SALIENCE = np.array([[0.4, 0.2], [1.0, 0.0], [0.5, 1.0]])
CAPABILITY = np.array([0.5, 0.9, 0.7])
# the patron q = 2
LEVERAGE_Q = np.array([0.5, 0.2, 0.0])
ENGAGEMENT_Q = 0.8
SALIENCE_Q = SALIENCE[2]


def weights(leverage_q=LEVERAGE_Q, capability=CAPABILITY):
    return pull_weights(leverage_q, ENGAGEMENT_Q, SALIENCE_Q, SALIENCE, capability)


class TestPullWeights:
    def test_formula_by_hand(self):
        k = weights()
        assert k.shape == (3, 2)
        # k[p, i] = leverage_q[p] engagement_q salience_q[i] (1 - salience[p, i] capability[p])
        # on party 0: .5 * .8 * (.5, 1) * (1 - (.4, .2) * .5) = (.16, .36)
        np.testing.assert_allclose(k[0], [0.16, 0.36], atol=1e-15)
        # on party 1: .2 * .8 * (.5, 1) * (1 - (1, 0) * .9) = (.008, .16)
        np.testing.assert_allclose(k[1], [0.008, 0.16], atol=1e-15)
        # no leverage on itself
        np.testing.assert_array_equal(k[2], [0.0, 0.0])

    def test_zero_leverage_zero_weight(self):
        np.testing.assert_array_equal(weights(np.zeros(3)), np.zeros((3, 2)))

    def test_resistance_grows_with_own_salience_and_capability(self):
        weak = weights(capability=np.array([0.1, 0.9, 0.7]))
        strong = weights(capability=np.array([0.9, 0.9, 0.7]))
        assert np.all(strong[0] < weak[0])
        np.testing.assert_array_equal(strong[1:], weak[1:])

    def test_weights_in_unit_interval(self):
        rng = np.random.default_rng(2)
        k = pull_weights(
            rng.uniform(0, 1, (500, 4)),
            rng.uniform(0, 1, 500),
            rng.uniform(0, 1, (500, 3)),
            rng.uniform(0, 1, (500, 4, 3)),
            rng.uniform(0, 1, (500, 4)),
        )
        assert k.shape == (500, 4, 3)
        assert np.all((k >= 0.0) & (k <= 1.0))

    def test_batched_over_replications(self):
        k = pull_weights(
            np.stack([LEVERAGE_Q, 2 * LEVERAGE_Q]),
            np.array([ENGAGEMENT_Q, ENGAGEMENT_Q]),
            np.stack([SALIENCE_Q] * 2),
            np.stack([SALIENCE] * 2),
            np.stack([CAPABILITY] * 2),
        )
        np.testing.assert_allclose(k[0], weights(), atol=1e-15)
        np.testing.assert_allclose(k[1], 2 * weights(), atol=1e-15)


def displace(own, pulls):
    """displaced_positions for one position and a list of (weight, ideal) pulls."""
    k = np.array([w for w, _ in pulls], float)
    ideals = np.array([x for _, x in pulls], float)
    return displaced_positions(np.asarray(own, float), k.sum(), (k * ideals).sum())


class TestDisplacedPositions:
    def test_hand_value(self):
        # party 0 at 20, patron's ideal 80, weight .16: 20 + .16 * 60
        assert displace(20.0, [(0.16, 80.0)]) == pytest.approx(29.6, abs=1e-12)
        # at 60 pulled toward 0 with .36: 60 - .36 * 60
        assert displace(60.0, [(0.36, 0.0)]) == pytest.approx(38.4, abs=1e-12)

    def test_zero_leverage_moves_nothing(self):
        assert displace(42.0, []) == 42.0
        assert displace(42.0, [(0.0, 0.0), (0.0, 100.0)]) == 42.0

    def test_light_pulls_add_up(self):
        # 50 + .2 (0 - 50) + .3 (100 - 50) = 55
        assert displace(50.0, [(0.2, 0.0), (0.3, 100.0)]) == pytest.approx(55.0, abs=1e-12)

    def test_heavy_pulls_are_scaled_and_never_overshoot(self):
        # weights 1 and 1 (sum 2) scaled to .5 each: the mean of the ideals, whatever own is
        assert displace(50.0, [(1.0, 0.0), (1.0, 90.0)]) == 45.0
        assert displace(10.0, [(1.0, 0.0), (1.0, 90.0)]) == 45.0
        # a single full-weight pull lands on the ideal, not beyond
        assert displace(10.0, [(1.0, 70.0)]) == 70.0

    def test_array_shapes(self):
        own = np.array([[20.0, 60.0], [50.0, 50.0]])
        k = np.array([[0.16, 0.36], [0.0, 2.0]])
        target = np.array([[0.16 * 80, 0.36 * 0.0], [0.0, 2.0 * 10.0]])
        np.testing.assert_allclose(
            displaced_positions(own, k, target), [[29.6, 38.4], [50.0, 10.0]], atol=1e-12
        )

    def test_random_pulls_stay_between_old_position_and_pullers_ideals(self):
        rng = np.random.default_rng(11)
        n, q = 2000, 4
        own = rng.uniform(0, 100, n)
        ideal = rng.uniform(0, 100, (n, q))
        k = rng.uniform(0, 1, (n, q)) * (rng.random((n, q)) < 0.6)
        new = displaced_positions(own, k.sum(axis=1), (k * ideal).sum(axis=1))
        pulling = k > 0
        hi = np.maximum(own, np.where(pulling, ideal, -np.inf).max(axis=1))
        lo = np.minimum(own, np.where(pulling, ideal, np.inf).min(axis=1))
        assert np.all(new <= hi + 1e-9) and np.all(new >= lo - 1e-9)
        unpulled = ~pulling.any(axis=1)
        np.testing.assert_array_equal(new[unpulled], own[unpulled])
