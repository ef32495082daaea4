"""Tests for sim.rules.concession: restating a position after a concession in utility space."""

from __future__ import annotations

import numpy as np

from sim.rules.concession import concession_target

ALL = np.array([True, True, True])


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
