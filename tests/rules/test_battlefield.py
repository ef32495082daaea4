"""Tests for sim.rules.battlefield and the rearm penalty of sim.rules.beliefs."""

from __future__ import annotations

import numpy as np

from sim.rules.battlefield import side_sign
from sim.rules.beliefs import rearm_cost


def test_side_sign():
    np.testing.assert_array_equal(side_sign(4, (2, 0)), [-1.0, 0.0, 1.0, 0.0])
    np.testing.assert_array_equal(side_sign(3, None), [0.0, 0.0, 0.0])


class TestRearmCost:
    sign = np.array([1.0, -1.0, 0.0])
    weight = np.array([0.2, 0.3, 0.1])

    def test_only_a_side_that_believes_itself_ahead_fears_a_pause(self):
        # first side believes +0.5: .4 * .2 * .5 = .04; the second side believes it is behind
        got = rearm_cost(np.array([0.5, 0.5, 0.0]), self.sign, 0.4, self.weight)
        np.testing.assert_allclose(got, [0.04, 0.0, 0.0], atol=1e-15)

    def test_mutual_optimism_makes_both_fear_it(self):
        got = rearm_cost(np.array([0.5, -0.5, 0.0]), self.sign, 0.4, self.weight)
        np.testing.assert_allclose(got, [0.04, 0.06, 0.0], atol=1e-15)

    def test_never_more_than_the_ceasefire_stake(self):
        got = rearm_cost(np.array([9.0, -9.0, 9.0]), self.sign, 1.0, self.weight)
        np.testing.assert_allclose(got, [0.2, 0.3, 0.0], atol=1e-15)

    def test_batched(self):
        got = rearm_cost(np.array([[1.0, 0.0, 0.0], [0.0, -0.5, 0.0]]), self.sign,
                         np.array([0.5, 1.0]), self.weight)
        np.testing.assert_allclose(got, [[0.1, 0.0, 0.0], [0.0, 0.15, 0.0]], atol=1e-15)
