"""Known-answer tests for the mediator's text (sim.rules.mediator, docs/ODD.md §7.5).

Anchors from docs/reference/bargaining.md ("Nash bargaining solution", "reference scenario").
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

from sim.rules.mediator import midpoint_text, nash_text, weighted_mean_text
from sim.rules.utility import utility

LOOSE = 1e-9  # against theory
TIGHT = 1e-12  # against the pinned value of this implementation

# docs/reference/bargaining.md "reference scenario" on 0..100 axes: x_i/10 -> x_i/100.
REF_IDEAL = np.array([[100.0, 100.0, 100.0], [0.0, 0.0, 0.0]])
REF_W = np.array([[0.5, 0.3, 0.2], [0.2, 0.3, 0.5]])
REF_RES = np.array([0.30, 0.20])


def text(stated, ideal, weights, reservation, rho=None, fixed=None, free=None):
    stated = np.asarray(stated, float)
    n_parties, n_issues = stated.shape
    rho = np.ones(n_parties) if rho is None else np.asarray(rho, float)
    fixed = np.zeros(n_issues) if fixed is None else np.asarray(fixed, float)
    free = np.ones(n_issues, bool) if free is None else np.asarray(free, bool)
    return nash_text(
        stated,
        np.asarray(ideal, float),
        np.asarray(weights, float),
        rho,
        np.asarray(reservation, float),
        fixed,
        free,
    )


def surplus(x, ideal, weights, reservation, rho=1.0):
    return utility(np.asarray(x)[None, :], ideal, weights, rho) - reservation


def log_nash(x, ideal, weights, reservation, rho=1.0):
    s = surplus(x, ideal, weights, reservation, rho)
    return float(np.log(s).sum()) if np.all(s > 0) else -np.inf


def grid_optimum(ideal, weights, reservation, lo, hi, rho=1.0, levels=5, n=161):
    """Brute-force argmax of the log Nash product on a 2-issue box, coarse to fine.

    The log Nash product is concave in the box for rho >= 1, so zooming in on the best grid
    cell cannot lose the optimum.
    """
    lo = np.asarray(lo, float)
    hi = np.asarray(hi, float)
    a, b = lo.copy(), hi.copy()
    best = None
    for _ in range(levels):
        g1 = np.linspace(a[0], b[0], n)
        g2 = np.linspace(a[1], b[1], n)
        grid = np.stack(np.meshgrid(g1, g2, indexing="ij"), -1).reshape(-1, 2)
        s = utility(grid[:, None, :], ideal, weights, rho) - reservation
        with np.errstate(divide="ignore", invalid="ignore"):
            lp = np.where((s > 0).all(-1), np.log(np.where(s > 0, s, 1.0)).sum(-1), -np.inf)
        best = grid[np.argmax(lp)]
        half = 4 * (b - a) / (n - 1)
        a = np.maximum(best - half, lo)
        b = np.minimum(best + half, hi)
    return best


class TestReferenceScenario:
    def test_nash_text_is_the_continuous_relaxation(self):
        x = text(REF_IDEAL, REF_IDEAL, REF_W, REF_RES)
        np.testing.assert_allclose(x, [100.0, 200.0 / 3.0, 0.0], atol=LOOSE)
        u = utility(x[None, :], REF_IDEAL, REF_W)
        np.testing.assert_allclose(u, [0.70, 0.60], atol=LOOSE)
        # pinned: the exact segment solution, no search involved
        assert x[1] == pytest.approx(200.0 / 3.0, abs=TIGHT)
        assert x[0] == 100.0 and x[2] == 0.0

    def test_discrete_nash_point_is_next_to_the_text(self):
        # bargaining.md: discrete Nash (10, 7, 0) -> (0.71, 0.59); the relaxation beats it
        x = text(REF_IDEAL, REF_IDEAL, REF_W, REF_RES)
        discrete = np.array([100.0, 70.0, 0.0])
        np.testing.assert_allclose(utility(discrete[None], REF_IDEAL, REF_W), [0.71, 0.59])
        assert log_nash(x, REF_IDEAL, REF_W, REF_RES) > log_nash(
            discrete, REF_IDEAL, REF_W, REF_RES
        )

    def test_symmetric_under_swapping_the_parties(self):
        x = text(REF_IDEAL, REF_IDEAL, REF_W, REF_RES)
        swapped = text(REF_IDEAL[::-1], REF_IDEAL[::-1], REF_W[::-1], REF_RES[::-1])
        np.testing.assert_allclose(swapped, x, atol=TIGHT)

    def test_mirroring_the_axes_mirrors_the_text(self):
        x = text(REF_IDEAL, REF_IDEAL, REF_W, REF_RES)
        mirrored = text(100 - REF_IDEAL, 100 - REF_IDEAL, REF_W, REF_RES)
        np.testing.assert_allclose(mirrored, 100 - x, atol=TIGHT)

    def test_coordinate_ascent_agrees_with_the_exact_solution(self):
        # a risk exponent a hair above 1 sends the same problem down the search path
        x = text(REF_IDEAL, REF_IDEAL, REF_W, REF_RES, rho=[1.0 + 1e-12, 1.0])
        np.testing.assert_allclose(x, [100.0, 200.0 / 3.0, 0.0], atol=1e-3)

    def test_egalitarian_fallback_when_no_text_clears_both_reservations(self):
        # frontier: x3 conceded first (uA 1 -> .8, uB 0 -> .5), then x2 (uA .8 -> .5, uB .5 -> .8)
        # reservations (.9, .9): nothing clears both; equal surplus on the x2 segment at
        # t = 1/2: u = (.65, .65), surpluses -.25 each, terms (100, 50, 0).
        x = text(REF_IDEAL, REF_IDEAL, REF_W, [0.9, 0.9])
        np.testing.assert_allclose(x, [100.0, 50.0, 0.0], atol=LOOSE)
        np.testing.assert_allclose(surplus(x, REF_IDEAL, REF_W, [0.9, 0.9]), -0.25, atol=LOOSE)


class TestSingleIssue:
    @pytest.mark.parametrize(
        ("d_a", "d_b"), [(0.0, 0.0), (0.3, 0.2), (0.1, 0.6), (0.45, 0.45), (0.0, 0.9)]
    )
    def test_linear_closed_form(self, d_a, d_b):
        # u_A = x/100 (ideal 100), u_B = 1 - x/100 (ideal 0):
        # max (x/100 - d_A)(1 - x/100 - d_B) -> x = 100 (1 + d_A - d_B) / 2.
        ideal = np.array([[100.0], [0.0]])
        w = np.ones((2, 1))
        x = text(ideal, ideal, w, [d_a, d_b])
        assert x[0] == pytest.approx(100 * (1 + d_a - d_b) / 2, abs=LOOSE)
        # mirrored axis (A's ideal 0, B's 100): x = 100 (1 - d_A + d_B) / 2
        x = text(100 - ideal, 100 - ideal, w, [d_a, d_b])
        assert x[0] == pytest.approx(100 * (1 - d_a + d_b) / 2, abs=LOOSE)

    def test_closed_form_is_clipped_to_the_box_of_stated_positions(self):
        # unconstrained Nash would be 50; the sides have only tabled 60..80
        ideal = np.array([[100.0], [0.0]])
        x = text([[80.0], [60.0]], ideal, np.ones((2, 1)), [0.0, 0.0])
        assert x[0] == pytest.approx(60.0, abs=LOOSE)

    def test_linear_egalitarian_fallback(self):
        # d = (.7, .6): x/100 - .7 = .4 - x/100 -> x = 55, both surpluses -.15
        ideal = np.array([[100.0], [0.0]])
        x = text(ideal, ideal, np.ones((2, 1)), [0.7, 0.6])
        assert x[0] == pytest.approx(55.0, abs=LOOSE)

    @pytest.mark.parametrize(("d_a", "d_b"), [(0.0, 0.0), (0.3, 0.1), (0.2, 0.5)])
    def test_quadratic_utilities_first_order_condition(self, d_a, d_b):
        # rho = 2: u_A = 1 - (1 - y)^2, u_B = 1 - y^2, y = x/100 (search path).
        # d/dy log-product = 0: 2(1 - y)/(u_A - d_A) - 2y/(u_B - d_B) = 0
        def foc(y):
            return 2 * (1 - y) * (1 - y * y - d_b) - 2 * y * (1 - (1 - y) ** 2 - d_a)

        lo = 1 - np.sqrt(1 - d_a)  # u_A = d_A
        hi = np.sqrt(1 - d_b)  # u_B = d_B
        y = brentq(foc, lo + 1e-12, hi - 1e-12, xtol=1e-14)
        ideal = np.array([[100.0], [0.0]])
        x = text(ideal, ideal, np.ones((2, 1)), [d_a, d_b], rho=[2.0, 2.0])
        assert x[0] == pytest.approx(100 * y, abs=1e-3)

    def test_quadratic_egalitarian_fallback(self):
        # rho = 2, d = (.9, .9): equal surplus at 50 (u = .75 each), nothing clears .9
        ideal = np.array([[100.0], [0.0]])
        x = text(ideal, ideal, np.ones((2, 1)), [0.9, 0.9], rho=[2.0, 2.0])
        assert x[0] == pytest.approx(50.0, abs=1e-3)


class TestTwoPartyExact:
    def test_matches_brute_force_with_stated_positions_inside_ideals(self):
        ideal = np.array([[90.0, 20.0], [10.0, 70.0]])
        stated = np.array([[75.0, 30.0], [20.0, 65.0]])
        w = np.array([[0.7, 0.3], [0.4, 0.6]])
        res = np.array([0.25, 0.35])
        x = text(stated, ideal, w, res)
        best = grid_optimum(ideal, w, res, stated.min(0), stated.max(0))
        assert log_nash(x, ideal, w, res) >= log_nash(best, ideal, w, res) - 1e-12
        np.testing.assert_allclose(x, best, atol=1e-3)


class TestManyParties:
    def test_three_party_coordinate_ascent_near_grid_optimum(self):
        ideal = np.array([[80.0, 20.0], [10.0, 30.0], [50.0, 90.0]])
        w = np.array([[0.6, 0.4], [0.3, 0.7], [0.5, 0.5]])
        res = np.array([0.1, 0.2, 0.15])
        x = text(ideal, ideal, w, res)
        best = grid_optimum(ideal, w, res, ideal.min(0), ideal.max(0))
        np.testing.assert_allclose(x, best, atol=1e-3)

    def test_three_party_known_answer(self):
        # A (70, 90) w (.8, .2); B (40, 0) w (.5, .5); C (80, 90) w (.2, .8); d = 0.
        # Near the optimum x1 < 70 and x2 < 90, so every utility is linear:
        #   u_A = .26 + (.8 x1 + .2 x2)/100, u_B = 1.2 - (x1 + x2)/200,
        #   u_C = .12 + (.2 x1 + .8 x2)/100.
        # Stationarity of log u_A + log u_B + log u_C:
        #   .8/u_A - .5/u_B + .2/u_C = 0 and .2/u_A - .5/u_B + .8/u_C = 0
        #   -> u_A = u_C = 2 u_B -> x2 - x1 = 70/3 and .018 x1 + .012 x2 = 2.14
        #   -> x = (62, 85 1/3), u = (139/150, 139/300, 139/150).
        ideal = np.array([[70.0, 90.0], [40.0, 0.0], [80.0, 90.0]])
        w = np.array([[0.8, 0.2], [0.5, 0.5], [0.2, 0.8]])
        res = np.zeros(3)
        expected = np.array([62.0, 85.0 + 1.0 / 3.0])
        np.testing.assert_allclose(
            utility(expected[None], ideal, w), [139 / 150, 139 / 300, 139 / 150], atol=1e-12
        )
        best = grid_optimum(ideal, w, res, ideal.min(0), ideal.max(0))
        np.testing.assert_allclose(best, expected, atol=1e-3)  # the brute force agrees
        x = text(ideal, ideal, w, res)
        np.testing.assert_allclose(x, expected, atol=1e-3)

    def test_text_clears_both_reservations_when_a_text_does(self):
        # Two parties with rho = 2 (search path). A's own stated terms (70, 80) are worth
        # u_A = 1 - .8 * .5**2 - .2 * .7**2 = .702 and u_B = 1 - .5 * .3**2 - .5 * .1**2 = .95,
        # clearing both reservations (.6, .85) by about .1; the text must do no worse than that.
        stated = np.array([[70.0, 80.0], [100.0, 0.0]])
        ideal = np.array([[20.0, 10.0], [100.0, 90.0]])
        w = np.array([[0.8, 0.2], [0.5, 0.5]])
        res = np.array([0.6, 0.85])
        rho = np.array([2.0, 2.0])
        np.testing.assert_allclose(
            surplus([70.0, 80.0], ideal, w, res, rho), [0.102, 0.10], atol=1e-12
        )
        x = text(stated, ideal, w, res, rho=rho)
        s = surplus(x, ideal, w, res, rho)
        assert np.all(s >= 0), f"text {x} leaves surpluses {s} though (70, 80) clears both"
        assert log_nash(x, ideal, w, res, rho) >= np.log(0.102 * 0.10)


class TestFixedIssues:
    @pytest.mark.parametrize("rho", [1.0, 2.0])
    def test_settled_issues_are_never_changed(self, rho):
        fixed = np.array([12.5, 0.0, 77.0])
        free = np.array([True, False, True])
        x = text(REF_IDEAL, REF_IDEAL, REF_W, REF_RES, rho=[rho, rho], fixed=fixed, free=free)
        assert x[1] == 0.0
        assert 0.0 <= x[0] <= 100.0 and 0.0 <= x[2] <= 100.0

    def test_three_parties_fixed_issue(self):
        ideal = np.array([[80.0, 20.0, 5.0], [10.0, 30.0, 95.0], [50.0, 90.0, 40.0]])
        w = np.full((3, 3), 1 / 3)
        x = text(ideal, ideal, w, np.zeros(3), fixed=[0.0, 33.0, 0.0], free=[True, False, True])
        assert x[1] == 33.0

    def test_fixed_issue_shapes_the_free_ones_exactly(self):
        # x2 fixed at 100 (A's ideal). From A's best (100, 100, 100), u = (1, 0), A concedes
        # x3 first (ratio .2/.5): u = (1 - .2 t, .5 t); (.7 - .2 t)(.5 t - .2) peaks at
        # t = 1.95 > 1, so x3 goes to 0. Then x1 (ratio .5/.2): u = (.8 - .5 s, .5 + .2 s);
        # d/ds (.5 - .5 s)(.3 + .2 s) = -.05 - .2 s < 0, so s = 0: the vertex (100, 100, 0).
        x = text(REF_IDEAL, REF_IDEAL, REF_W, REF_RES, fixed=[0, 100, 0], free=[True, False, True])
        np.testing.assert_allclose(x, [100.0, 100.0, 0.0], atol=LOOSE)


class TestSimpleTexts:
    def test_midpoint(self):
        stated = np.array([[10.0, 80.0], [30.0, 0.0], [50.0, 40.0]])
        np.testing.assert_allclose(midpoint_text(stated), [30.0, 40.0], rtol=1e-15)

    def test_weighted_mean_hand_value(self):
        stated = np.array([[0.0, 100.0], [100.0, 0.0]])
        capability = np.array([0.8, 0.2])
        salience = np.array([[0.5, 0.25], [1.0, 1.0]])
        # issue 0: weights .4, .2 -> 100 * .2/.6; issue 1: weights .2, .2 -> 50
        np.testing.assert_allclose(
            weighted_mean_text(stated, capability, salience), [100 / 3, 50.0], rtol=1e-15
        )

    def test_weighted_mean_without_weight_is_the_plain_mean(self):
        stated = np.array([[0.0, 20.0], [60.0, 40.0]])
        capability = np.array([1.0, 1.0])
        salience = np.array([[0.0, 0.3], [0.0, 0.1]])
        np.testing.assert_allclose(
            weighted_mean_text(stated, capability, salience), [30.0, 25.0], rtol=1e-15
        )

    def test_batched(self):
        stated = np.array([[[0.0], [100.0]], [[20.0], [40.0]]])
        capability = np.array([[1.0, 3.0], [1.0, 1.0]])
        salience = np.ones((2, 2, 1))
        np.testing.assert_allclose(weighted_mean_text(stated, capability, salience)[:, 0], [75, 30])
        np.testing.assert_allclose(midpoint_text(stated)[:, 0], [50.0, 30.0])
