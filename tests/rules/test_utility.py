"""Known-answer tests for sim.rules.utility (docs/ODD.md §7.1, "Utility of actor a")."""

from __future__ import annotations

import numpy as np
import pytest

from sim.rules.utility import issue_loss, normalised_salience, utility


class TestNormalisedSalience:
    def test_sums_to_one_over_issues_on_table(self):
        salience = np.array([[0.8, 0.4, 0.2, 0.6], [0.1, 0.9, 0.5, 0.5]])
        on_table = np.array([True, True, False, True])
        w = normalised_salience(salience, on_table)
        np.testing.assert_allclose(w.sum(axis=-1), [1.0, 1.0], atol=1e-15)
        # off-table issue gets weight 0; on-table weights keep their ratios
        assert np.all(w[:, 2] == 0.0)
        np.testing.assert_allclose(w[0], [0.8 / 1.8, 0.4 / 1.8, 0.0, 0.6 / 1.8], rtol=1e-15)
        np.testing.assert_allclose(w[1], [0.1 / 1.5, 0.9 / 1.5, 0.0, 0.5 / 1.5], rtol=1e-15)

    def test_zero_salience_on_table_falls_back_to_equal_weights(self):
        # the actor cares only about an issue that is off the table
        salience = np.array([[0.0, 0.0, 0.7], [0.3, 0.0, 0.0]])
        on_table = np.array([True, True, False])
        w = normalised_salience(salience, on_table)
        np.testing.assert_array_equal(w[0], [0.5, 0.5, 0.0])
        np.testing.assert_array_equal(w[1], [1.0, 0.0, 0.0])

    def test_per_row_table_mask_broadcasts(self):
        salience = np.array([[0.2, 0.2, 0.6], [0.2, 0.2, 0.6]])
        on_table = np.array([[True, True, True], [True, True, False]])
        w = normalised_salience(salience, on_table)
        np.testing.assert_allclose(w, [[0.2, 0.2, 0.6], [0.5, 0.5, 0.0]], rtol=1e-15)

    def test_nothing_on_table_gives_zero_weights_without_warning(self):
        with np.errstate(all="raise"):
            w = normalised_salience(np.array([0.3, 0.7]), np.array([False, False]))
        np.testing.assert_array_equal(w, [0.0, 0.0])


class TestUtility:
    def test_utility_at_ideal_is_one(self):
        ideal = np.array([[10.0, 55.0, 100.0], [0.0, 0.0, 37.5]])
        w = np.array([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]])
        for rho in (0.5, 1.0, 2.0):
            np.testing.assert_array_equal(utility(ideal, ideal, w, rho), [1.0, 1.0])

    def test_hand_computed_multi_issue_value(self):
        # 1 - (0.5 * 40/100 + 0.3 * 10/100 + 0.2 * 100/100) = 1 - (0.20 + 0.03 + 0.20) = 0.57
        terms = np.array([60.0, 90.0, 0.0])
        ideal = np.array([100.0, 80.0, 100.0])
        w = np.array([0.5, 0.3, 0.2])
        assert utility(terms, ideal, w) == pytest.approx(0.57, abs=1e-15)

    def test_hand_computed_with_risk_exponent(self):
        # rho = 2: 1 - (0.5 * 0.4**2 + 0.3 * 0.1**2 + 0.2 * 1**2) = 1 - (0.08 + 0.003 + 0.2)
        terms = np.array([60.0, 90.0, 0.0])
        ideal = np.array([100.0, 80.0, 100.0])
        w = np.array([0.5, 0.3, 0.2])
        assert utility(terms, ideal, w, 2.0) == pytest.approx(0.717, abs=1e-15)

    def test_bargaining_reference_scenario_utilities(self):
        # docs/reference/bargaining.md: u_A = .5 x1/10 + .3 x2/10 + .2 x3/10 on 0..10 axes.
        # On 0..100 axes A's ideal is (100, 100, 100), B's (0, 0, 0). Nash point (10, 7, 0)
        # -> (0.71, 0.59).
        ideal = np.array([[100.0, 100.0, 100.0], [0.0, 0.0, 0.0]])
        w = np.array([[0.5, 0.3, 0.2], [0.2, 0.3, 0.5]])
        u = utility(np.array([100.0, 70.0, 0.0]), ideal, w)
        np.testing.assert_allclose(u, [0.71, 0.59], atol=1e-12)

    def test_per_actor_rho_and_batch_shapes(self):
        terms = np.full((4, 2, 3), 50.0)
        ideal = np.zeros((4, 2, 3))
        w = np.full((4, 2, 3), 1 / 3)
        rho = np.array([[1.0, 2.0]] * 4)
        u = utility(terms, ideal, w, rho)
        assert u.shape == (4, 2)
        np.testing.assert_allclose(u[:, 0], 0.5, atol=1e-15)
        np.testing.assert_allclose(u[:, 1], 0.75, atol=1e-15)

    def test_rho_effect_direction(self):
        # Loss (d/100)**rho with d/100 in (0, 1): a larger rho means a smaller loss, so a higher
        # utility of the same off-ideal terms (concave utility: risk averse over the axis).
        terms = np.array([30.0, 80.0])
        ideal = np.array([50.0, 20.0])
        w = np.array([0.5, 0.5])
        u = [float(utility(terms, ideal, w, rho)) for rho in (0.5, 1.0, 2.0, 3.0)]
        assert u[0] < u[1] < u[2] < u[3]
        # and rho leaves the ends of the scale alone
        far = np.array([0.0, 100.0])
        far_ideal = np.array([100.0, 0.0])
        for rho in (0.5, 1.0, 2.0):
            assert float(utility(far, far_ideal, w, rho)) == pytest.approx(0.0, abs=1e-15)

    def test_issue_loss_is_symmetric_and_bounded(self):
        loss = issue_loss(np.array([0.0, 25.0, 100.0]), np.array([100.0, 75.0, 0.0]), 1.0)
        np.testing.assert_allclose(loss, [1.0, 0.5, 1.0], atol=1e-15)
        mirrored = issue_loss(np.array([100.0, 75.0, 0.0]), np.array([0.0, 25.0, 100.0]), 1.0)
        np.testing.assert_array_equal(loss, mirrored)
