"""Logrolling restatements and the Nash text over the whole issue space (sim.rules.frontier).

Known answers worked by hand (the test vectors of the design note, the linear frontier of
docs/reference/bargaining.md, its reference scenario), brute-force grids and linear programs for
random cases, and Hypothesis properties.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from sim.rules.frontier import (
    _FAST_PASSES,
    NashText,
    _Box,
    _certified,
    _face_text,
    _inputs,
    _locate,
    _solve_nash,
    _solve_small,
    _three_party_nash,
    _zonotope,
    best_attainable,
    frontier_nash,
    logroll,
)
from sim.rules.utility import utility

LOOSE = 1e-9  # against theory
NASH_TOL = 1e-6  # stated tolerance of the interior-point Nash text (log Nash product)
MAXMIN_TOL = 1e-7  # stated tolerance of its egalitarian text (smallest surplus)

FAST = settings(max_examples=60, deadline=None, database=None, derandomize=True)
SLOW = settings(max_examples=15, deadline=None, database=None, derandomize=True)

# The design note's test vector: ideals 0 (a) and 100 (b) on three issues.
W_A = np.array([0.6, 0.3, 0.1])
W_B = np.array([0.1, 0.3, 0.6])
ZERO3 = np.zeros(3)
HUNDRED3 = np.full(3, 100.0)


def one(*arrays):
    """Each array with a replication axis of length 1."""
    return [np.asarray(a, dtype=float)[None] for a in arrays]


def roll(own, other, w_own, w_other, level, movable=None, base=None, rho=1.0):
    own, other, w_own, w_other = one(own, other, w_own, w_other)
    movable = np.ones(own.shape, bool) if movable is None else np.asarray(movable, bool)[None]
    base = np.zeros(own.shape) if base is None else np.asarray(base, float)[None]
    return logroll(own, other, w_own, w_other, np.array([level]), movable, base, rho)[0]


def nash(ideal, weights, reservation, free=None, fixed=None, rho=1.0) -> NashText:
    ideal, weights, reservation = one(ideal, weights, reservation)
    free = None if free is None else np.asarray(free, bool)[None]
    fixed = None if fixed is None else np.asarray(fixed, float)[None]
    return frontier_nash(ideal, weights, reservation, free, fixed, rho)


def u(x, ideal, weights, rho=1.0):
    return utility(np.asarray(x, float)[..., None, :], ideal, weights, rho)


def u1(x, ideal, weights, rho=1.0):
    """One party's utility of one text, as a float."""
    return float(utility(np.asarray(x, float), np.asarray(ideal, float), weights, rho))


def log_nash(s):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((s > 0).all(-1), np.log(np.where(s > 0, s, 1.0)).sum(-1), -np.inf)


def box_grid(ideal, step=1.0):
    """Every point of a grid with at most ``step`` points between nodes over the box of
    ideals (2 issues), plus the lattice of ideals."""
    lo, hi = ideal.min(0), ideal.max(0)
    axes = [np.linspace(a, b, max(2, int(np.ceil((b - a) / step)) + 1))
            for a, b in zip(lo, hi, strict=True)]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), -1).reshape(-1, lo.size)
    lattice = np.array(list(itertools.product(*ideal.T)))
    return np.concatenate([grid, lattice])


def zoomed(ideal, weights, reservation, rho, score, levels=7, n=61):
    """Brute-force maximum of ``score(surpluses)`` over the box of ideals (2 issues), zooming
    in on the best cell; the scores are concave for rho >= 1, so zooming cannot lose it."""
    lo, hi = ideal.min(0), ideal.max(0)
    a, b = lo.copy(), hi.copy()
    best = -np.inf
    for _ in range(levels):
        axes = [np.linspace(a[k], b[k], n) for k in range(2)]
        grid = np.stack(np.meshgrid(*axes, indexing="ij"), -1).reshape(-1, 2)
        v = score(u(grid, ideal, weights, rho) - reservation)
        k = np.argmax(v)
        best = max(best, v[k])
        half = 3 * (b - a) / (n - 1)
        a, b = np.maximum(grid[k] - half, lo), np.minimum(grid[k] + half, hi)
    return best


def random_problems(seed, n_rep, n_par, n_iss, r_range, rho=1.0):
    rng = np.random.default_rng(seed)
    ideal = rng.uniform(0, 100, (n_rep, n_par, n_iss))
    raw = rng.uniform(0.01, 1.0, (n_rep, n_par, n_iss))
    weights = raw / raw.sum(-1, keepdims=True)
    reservation = rng.uniform(*r_range, (n_rep, n_par))
    return ideal, weights, reservation, np.full((n_rep, n_par), rho)


# ---------------------------------------------------------------------------------------------
# logroll
# ---------------------------------------------------------------------------------------------


class TestLogroll:
    def test_design_vector(self):
        x = roll(ZERO3, HUNDRED3, W_A, W_B, 0.8)
        np.testing.assert_allclose(x, [0.0, 100.0 / 3.0, 100.0], atol=LOOSE)
        assert abs(u1(x, ZERO3, W_A) - 0.8) < LOOSE
        assert abs(u1(x, HUNDRED3, W_B) - 0.7) < LOOSE

    def test_unattainable_level_keeps_the_own_ideal_and_a_low_one_gives_everything(self):
        np.testing.assert_array_equal(roll(ZERO3, HUNDRED3, W_A, W_B, 1.0), ZERO3)
        np.testing.assert_array_equal(roll(ZERO3, HUNDRED3, W_A, W_B, 1.3), ZERO3)
        np.testing.assert_array_equal(roll(ZERO3, HUNDRED3, W_A, W_B, 0.0), HUNDRED3)
        np.testing.assert_array_equal(roll(ZERO3, HUNDRED3, W_A, W_B, -0.5), HUNDRED3)

    def test_non_movable_issues_stay_at_base_and_count(self):
        # issue 0 settled at 50: own ideal now worth 1 - 0.3 = 0.7; 0.6 leaves 0.1 to concede,
        # all of it on issue 2 (ratio 6), fully.
        x = roll(ZERO3, HUNDRED3, W_A, W_B, 0.6, movable=[False, True, True],
                 base=[50.0, 0.0, 0.0])
        np.testing.assert_allclose(x, [50.0, 0.0, 100.0], atol=LOOSE)
        x = roll(ZERO3, HUNDRED3, W_A, W_B, 0.55, movable=[False, True, True],
                 base=[50.0, 0.0, 0.0])
        np.testing.assert_allclose(x, [50.0, 50.0 / 3.0, 100.0], atol=LOOSE)
        assert abs(u1(x, ZERO3, W_A) - 0.55) < LOOSE

    def test_an_issue_the_party_does_not_weigh_goes_first_and_fully(self):
        x = roll(ZERO3, HUNDRED3, [0.5, 0.5, 0.0], [0.2, 0.2, 0.6], 0.9)
        np.testing.assert_allclose(x, [20.0, 0.0, 100.0], atol=LOOSE)

    def test_ties_go_by_issue_index(self):
        x = roll([0.0, 0.0], [100.0, 100.0], [0.5, 0.5], [0.5, 0.5], 0.75)
        np.testing.assert_allclose(x, [50.0, 0.0], atol=LOOSE)

    def test_concession_toward_a_lower_ideal(self):
        x = roll([80.0, 30.0], [20.0, 60.0], [0.5, 0.5], [0.1, 0.9], 0.8)
        # issue 1 first (ratio 9): conceding all 30 points costs 0.15; then 0.05 on issue 0
        np.testing.assert_allclose(x, [70.0, 60.0], atol=LOOSE)

    def test_rho_inverts_the_partial_loss_exactly(self):
        x = roll(ZERO3, HUNDRED3, W_A, W_B, 0.8, rho=2.0)
        # issue 2 fully (loss 0.1), then 0.3 (x/100)^2 = 0.1 on issue 1
        np.testing.assert_allclose(x, [0.0, 100.0 / np.sqrt(3.0), 100.0], atol=LOOSE)
        assert abs(u1(x, ZERO3, W_A, 2.0) - 0.8) < LOOSE

    def test_vectorised_equals_row_by_row(self):
        rng = np.random.default_rng(3)
        n, i = 50, 4
        own, other = rng.uniform(0, 100, (n, i)), rng.uniform(0, 100, (n, i))
        w_own, w_other = rng.dirichlet(np.ones(i), n), rng.dirichlet(np.ones(i), n)
        level = rng.uniform(0, 1, n)
        movable = rng.random((n, i)) < 0.8
        base = rng.uniform(0, 100, (n, i))
        rho = rng.choice([0.5, 1.0, 2.0], n)
        together = logroll(own, other, w_own, w_other, level, movable, base, rho)
        for k in range(n):
            alone = logroll(own[k:k + 1], other[k:k + 1], w_own[k:k + 1], w_other[k:k + 1],
                            level[k:k + 1], movable[k:k + 1], base[k:k + 1], rho[k:k + 1])
            # equal up to rounding: a batch with mixed rho takes the power path of issue_loss
            np.testing.assert_allclose(together[k], alone[0], rtol=0, atol=LOOSE)


def concede_in_order(own, other, w_own, level, movable, base, order):
    """Linear greedy concession in a given issue order (the reference for the property)."""
    x = np.where(movable, own, base).astype(float)
    left = u1(x, own, w_own) - level
    for i in order:
        if not movable[i] or left <= 0:
            continue
        cost = w_own[i] * abs(other[i] - own[i]) / 100.0
        share = 1.0 if cost <= left else left / cost
        x[i] = own[i] + share * (other[i] - own[i])
        left -= share * cost
    return x


@st.composite
def logroll_problems(draw, n_iss=None):
    n = draw(st.integers(1, 4)) if n_iss is None else n_iss
    point = st.one_of(st.sampled_from([0.0, 25.0, 50.0, 100.0]), st.floats(0, 100))
    own = np.array([draw(point) for _ in range(n)])
    other = np.array([draw(point) for _ in range(n)])
    raw = [np.array([draw(st.one_of(st.just(0.0), st.floats(0.01, 1.0))) for _ in range(n)])
           for _ in range(2)]
    w_own, w_other = ((r / r.sum()) if r.sum() > 0 else np.full(n, 1.0 / n) for r in raw)
    movable = np.array([draw(st.booleans()) for _ in range(n)])
    base = np.array([draw(point) for _ in range(n)])
    level = draw(st.floats(0.0, 1.0))
    return own, other, w_own, w_other, level, movable, base


@FAST
@given(problem=logroll_problems(), rho=st.sampled_from([0.5, 1.0, 2.0]))
def test_logroll_reaches_the_level_exactly_when_attainable(problem, rho):
    own, other, w_own, w_other, level, movable, base = problem
    x = roll(own, other, w_own, w_other, level, movable, base, rho)
    top = u1(np.where(movable, own, base), own, w_own, rho)
    bottom = u1(np.where(movable, other, base), own, w_own, rho)
    np.testing.assert_array_equal(x[~movable], base[~movable])
    lo, hi = np.minimum(own, other), np.maximum(own, other)
    assert np.all((x[movable] >= lo[movable] - LOOSE) & (x[movable] <= hi[movable] + LOOSE))
    got = u1(x, own, w_own, rho)
    if bottom < level < top:
        assert abs(got - level) < LOOSE
    elif level >= top:
        np.testing.assert_array_equal(x[movable], own[movable])
    else:
        np.testing.assert_array_equal(x[movable], other[movable])


@FAST
@given(problem=logroll_problems(), data=st.data())
def test_logroll_is_never_worse_for_the_other_side_than_another_order(problem, data):
    own, other, w_own, w_other, level, movable, base = problem
    x = roll(own, other, w_own, w_other, level, movable, base)
    mine = u1(x, other, w_other)
    if u1(np.where(movable, own, base), own, w_own) <= level:
        return  # the own ideal: nothing conceded, nothing to compare
    for _ in range(3):
        order = data.draw(st.permutations(range(own.size)))
        y = concede_in_order(own, other, w_own, level, movable, base, order)
        assert u1(y, own, w_own) >= level - LOOSE
        assert mine >= u1(y, other, w_other) - LOOSE
    # straight-line concession: every movable issue by the same share
    start = np.where(movable, own, base)
    full = np.where(movable, other, base)
    spend = u1(start, own, w_own) - u1(full, own, w_own)
    share = 1.0 if spend <= 0 else min(1.0, (u1(start, own, w_own) - level) / spend)
    line = start + share * (full - start)
    assert mine >= u1(line, other, w_other) - LOOSE


# ---------------------------------------------------------------------------------------------
# frontier_nash, two parties: exact
# ---------------------------------------------------------------------------------------------

IDEAL_AB = np.stack([ZERO3, HUNDRED3])
W_AB = np.stack([W_A, W_B])


class TestTwoPartyNash:
    def test_design_vector(self):
        res = nash(IDEAL_AB, W_AB, [0.2, 0.1])
        np.testing.assert_allclose(res.utilities[0], [0.8, 0.7], atol=LOOSE)
        np.testing.assert_allclose(res.text[0], [0.0, 100.0 / 3.0, 100.0], atol=LOOSE)
        assert res.has_range[0]
        assert res.text.shape == (1, 3) and res.utilities.shape == (1, 2)

    def test_design_vector_segments_by_hand(self):
        # Frontier u_b = 6(1 - u_a) on [0.9, 1], 1.5 - u_a on [0.6, 0.9],
        # 0.9 + (0.6 - u_a)/6 on [0, 0.6]; maximiser u_a = (c - r_b + k r_a)/(2k) per segment.
        r_a, r_b = 0.2, 0.1
        products = []
        for c, k, lo, hi in [(6.0, 6.0, 0.9, 1.0), (1.5, 1.0, 0.6, 0.9), (1.0, 1 / 6, 0.0, 0.6)]:
            ua = np.clip((c - r_b + k * r_a) / (2 * k), lo, hi)
            products.append((ua - r_a) * (c - k * ua - r_b))
        np.testing.assert_allclose(products, [0.35, 0.36, 0.32], atol=LOOSE)
        res = nash(IDEAL_AB, W_AB, [r_a, r_b])
        s = res.utilities[0] - [r_a, r_b]
        assert abs(s.prod() - max(products)) < LOOSE

    @pytest.mark.parametrize("d1, d2", [(0.0, 0.0), (0.2, 0.1), (0.5, 0.3), (0.05, 0.7)])
    def test_one_issue_linear_frontier(self, d1, d2):
        # u1 + u2 = 1 (docs/reference/bargaining.md): u1 = d1 + (1 - d1 - d2) / 2
        res = nash([[0.0], [100.0]], [[1.0], [1.0]], [d1, d2])
        assert abs(res.utilities[0, 0] - (d1 + (1 - d1 - d2) / 2)) < LOOSE
        assert abs(res.utilities[0].sum() - 1.0) < LOOSE

    def test_reference_scenario(self):
        # docs/reference/bargaining.md: continuous relaxation (0.70, 0.60) at (100, 66.7, 0)
        res = nash([[100.0, 100.0, 100.0], [0.0, 0.0, 0.0]],
                   [[0.5, 0.3, 0.2], [0.2, 0.3, 0.5]], [0.30, 0.20])
        np.testing.assert_allclose(res.utilities[0], [0.70, 0.60], atol=LOOSE)
        np.testing.assert_allclose(res.text[0], [100.0, 200.0 / 3.0, 0.0], atol=LOOSE)

    def test_no_range_gives_the_equal_surplus_point(self):
        res = nash(IDEAL_AB, W_AB, [0.9, 0.9])
        assert not res.has_range[0]
        np.testing.assert_allclose(res.utilities[0], [0.75, 0.75], atol=LOOSE)
        np.testing.assert_allclose(res.text[0], [0.0, 50.0, 100.0], atol=LOOSE)

    def test_equal_surplus_clipped_to_the_end_of_the_chain(self):
        # b asks for more than it can get: the smallest surplus is b's, largest at b's ideal
        res = nash(IDEAL_AB, W_AB, [0.0, 1.5])
        assert not res.has_range[0]
        np.testing.assert_allclose(res.text[0], HUNDRED3, atol=LOOSE)

    def test_equal_surplus_on_a_flat_segment_favours_the_other_party(self):
        # a does not weigh issue 1; its surplus (-0.5) is the smaller one while issue 1 moves,
        # so issue 1 goes to b (leximin), issue 0 stays with a.
        res = nash([[0.0, 0.0], [100.0, 100.0]], [[1.0, 0.0], [0.5, 0.5]], [1.5, 0.0])
        assert not res.has_range[0]
        np.testing.assert_allclose(res.text[0], [0.0, 100.0], atol=LOOSE)

    def test_range_with_reservations_summing_above_one(self):
        # unequal weights: logrolling leaves room above u_a + u_b = 1
        res = nash(IDEAL_AB, W_AB, [0.75, 0.65])
        assert res.has_range[0]
        np.testing.assert_allclose(res.utilities[0], [0.8, 0.7], atol=LOOSE)

    def test_fixed_issues_stay_and_count(self):
        res = nash(IDEAL_AB, W_AB, [0.2, 0.1], free=[True, False, True], fixed=[0.0, 50.0, 0.0])
        assert res.text[0, 1] == 50.0
        np.testing.assert_allclose(res.utilities[0], u(res.text[0], IDEAL_AB, W_AB), atol=0)
        # a keeps issue 0 (0.6 vs 0.1), b takes issue 2: both surpluses positive
        np.testing.assert_allclose(res.text[0], [0.0, 50.0, 100.0], atol=LOOSE)

    def test_common_ideal_and_unweighted_issues(self):
        res = nash([[30.0, 0.0, 10.0], [30.0, 100.0, 90.0]],
                   [[0.5, 0.5, 0.0], [0.5, 0.5, 0.0]], [0.0, 0.0])
        assert res.text[0, 0] == 30.0  # both ideals there
        assert res.text[0, 2] == 50.0  # nobody cares: the middle of the ideals
        assert abs(res.text[0, 1] - 50.0) < LOOSE

    def test_fixed_is_required_when_an_issue_is_not_free(self):
        with pytest.raises(ValueError, match="fixed"):
            frontier_nash(IDEAL_AB[None], W_AB[None], np.array([[0.2, 0.1]]),
                          np.array([[True, False, True]]))

    def test_random_cases_against_a_grid(self):
        ideal, weights, res_, rho = random_problems(11, 30, 2, 2, (0.0, 0.8))
        res = frontier_nash(ideal, weights, res_)
        for k in range(len(ideal)):
            s = res.utilities[k] - res_[k]
            grid = box_grid(ideal[k], step=0.5)
            gs = u(grid, ideal[k], weights[k]) - res_[k]
            if res.has_range[k]:
                assert log_nash(s) >= log_nash(gs).max() - 1e-12
                best = zoomed(ideal[k], weights[k], res_[k], 1.0, log_nash)
                assert abs(log_nash(s) - best) < LOOSE
            else:
                assert gs.min(-1).max() <= 1e-12
                assert s.min() >= gs.min(-1).max() - 1e-12


class TestBestAttainableTwoParties:
    def test_design_vector(self):
        best = best_attainable(IDEAL_AB[None], W_AB[None], np.array([[0.2, 0.1]]))
        # a: where u_b = 6(1 - u_a) reaches 0.1; b: where u_b = 0.9 + (0.6 - u_a)/6, u_a = 0.2
        np.testing.assert_allclose(best[0], [1 - 0.1 / 6, 0.9 + 0.4 / 6], atol=LOOSE)

    def test_own_ideal_when_it_already_satisfies_the_other(self):
        best = best_attainable(IDEAL_AB[None], W_AB[None], np.array([[0.2, 0.0]]))
        assert abs(best[0, 0] - 1.0) < LOOSE

    def test_unattainable_reservation_gives_minus_infinity(self):
        best = best_attainable(IDEAL_AB[None], W_AB[None], np.array([[0.2, 1.2]]))
        assert best[0, 0] == -np.inf
        assert abs(best[0, 1] - (0.9 + 0.4 / 6)) < LOOSE


# ---------------------------------------------------------------------------------------------
# more parties, rho != 1: the interior-point solver
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rho", [1.0, 1.5, 2.0])
def test_three_parties_against_a_grid(rho):
    r_range = (0.0, 0.9) if rho == 1.0 else (0.5, 1.0)  # some cases without a range
    ideal, weights, res_, rho_ = random_problems(int(10 * rho), 25, 3, 2, r_range, rho)
    res = frontier_nash(ideal, weights, res_, rho=rho_)
    assert 0 < res.has_range.sum() < len(ideal)  # both branches exercised
    for k in range(len(ideal)):
        s = res.utilities[k] - res_[k]
        gs = u(box_grid(ideal[k]), ideal[k], weights[k], rho) - res_[k]  # 1-point grid
        if res.has_range[k]:
            assert np.all(s > 0)
            assert log_nash(s) >= log_nash(gs).max() - 1e-12
            best = zoomed(ideal[k], weights[k], res_[k], rho, log_nash)
            assert log_nash(s) >= best - NASH_TOL
        else:
            assert gs.min(-1).max() <= 0
            assert s.min() >= gs.min(-1).max() - 1e-12
            best = zoomed(ideal[k], weights[k], res_[k], rho, lambda v: v.min(-1))
            assert best <= 1e-7
            assert s.min() >= best - MAXMIN_TOL


def test_two_parties_with_rho_against_a_grid():
    ideal, weights, res_, rho_ = random_problems(5, 20, 2, 2, (0.0, 0.8), 1.5)
    rho_[:, 1] = 2.5
    res = frontier_nash(ideal, weights, res_, rho=rho_)
    for k in range(len(ideal)):
        s = res.utilities[k] - res_[k]
        if res.has_range[k]:
            best = zoomed(ideal[k], weights[k], res_[k], rho_[k], log_nash)
            assert log_nash(s) >= best - NASH_TOL


def lp_best(ideal, weights, reservation, party=None):
    """Linear programme: max smallest surplus (party None) or max u_party with the others at
    their reservations, over x in [0, 100]^I with e_ai >= |x_i - ideal_ai|."""
    n_par, n_iss = ideal.shape
    n = n_iss + n_par * n_iss + 1
    rows, rhs = [], []
    for a, i in itertools.product(range(n_par), range(n_iss)):
        for sign in (1.0, -1.0):
            row = np.zeros(n)
            row[i], row[n_iss + a * n_iss + i] = sign, -1.0
            rows.append(row)
            rhs.append(sign * ideal[a, i])
    cost = np.zeros(n)
    for a in range(n_par):
        row = np.zeros(n)
        row[n_iss + a * n_iss:n_iss + (a + 1) * n_iss] = weights[a] / 100.0
        if a == party:
            cost = row.copy()
            continue
        if party is None:
            row[-1] = 1.0
        rows.append(row)
        rhs.append(1.0 - reservation[a])
    if party is None:
        cost[-1] = -1.0
    bounds = [(0, 100)] * n_iss + [(0, None)] * (n_par * n_iss) + [(None, None)]
    out = linprog(cost, A_ub=np.array(rows), b_ub=np.array(rhs), bounds=bounds, method="highs")
    if party is None:
        return -out.fun
    return 1.0 - out.fun if out.status == 0 else -np.inf


def test_nine_issues_against_linear_programmes():
    ideal, weights, res_, _ = random_problems(21, 12, 3, 9, (0.5, 1.0))
    res = frontier_nash(ideal, weights, res_)
    best = best_attainable(ideal, weights, res_)
    assert 0 < res.has_range.sum() < len(ideal)
    for k in range(len(ideal)):
        maxmin = lp_best(ideal[k], weights[k], res_[k])
        assert res.has_range[k] == (maxmin > 0)
        if not res.has_range[k]:
            assert (res.utilities[k] - res_[k]).min() >= maxmin - MAXMIN_TOL
        for a in range(3):
            expected = lp_best(ideal[k], weights[k], res_[k], party=a)
            if expected == -np.inf:
                assert best[k, a] == -np.inf
            else:
                assert best[k, a] <= expected + 1e-9
                assert best[k, a] >= expected - NASH_TOL


@pytest.mark.parametrize("n_par, rho", [(2, 1.0), (4, 1.0), (3, 1.5)])
def test_nine_issues_nash_is_optimal_coordinate_by_coordinate(n_par, rho):
    # The directional derivative of sum_a log(u_a - r_a) is a sum over coordinates, so for
    # rho >= 1 (concave) no single coordinate improving it proves the text optimal.
    ideal, weights, res_, rho_ = random_problems(23 + n_par, 10, n_par, 9, (0.0, 0.6), rho)
    res = frontier_nash(ideal, weights, res_, rho=rho_)
    assert res.has_range.all()
    base = log_nash(res.utilities - res_)
    for i in range(9):
        line = np.linspace(ideal[:, :, i].min(1), ideal[:, :, i].max(1), 2001).T  # (R, 2001)
        cand = np.repeat(res.text[:, None, :], line.shape[1], axis=1)
        cand[:, :, i] = line
        s = utility(cand[:, :, None, :], ideal[:, None], weights[:, None], rho_[:, None])
        assert np.all(log_nash(s - res_[:, None]).max(axis=1) <= base + 1e-11)


def test_vectorised_equals_row_by_row_with_mixed_cases():
    ideal, weights, res_, rho_ = random_problems(31, 8, 2, 3, (0.0, 0.9))
    rho_[::2] = 1.5  # half the rows take the interior-point path
    together = frontier_nash(ideal, weights, res_, rho=rho_)
    for k in range(len(ideal)):
        alone = frontier_nash(ideal[k:k + 1], weights[k:k + 1], res_[k:k + 1],
                              rho=rho_[k:k + 1])
        np.testing.assert_allclose(together.text[k], alone.text[0], atol=1e-9)
        assert together.has_range[k] == alone.has_range[0]


def test_the_coordinate_ascent_counterexamples_get_their_range():
    # tests/rules/test_properties.py: texts clearing every reservation exist, and v1's
    # coordinate ascent stalled below them; here in the box of ideals.
    two = nash([[20.0, 10.0], [100.0, 90.0]], [[0.8, 0.2], [0.5, 0.5]], [0.6, 0.85], rho=2.0)
    three = nash([[43.0, 75.0], [0.0, 0.0], [0.0, 0.0]],
                 [[0.2, 0.8], [0.5, 0.5], [0.5, 0.5]], [0.5, 0.75, 0.0])
    for res, r in ((two, [0.6, 0.85]), (three, [0.5, 0.75, 0.0])):
        assert res.has_range[0]
        assert np.all(res.utilities[0] > r)


def test_one_party_gets_its_ideal():
    res = nash([[20.0, 70.0]], [[0.5, 0.5]], [0.3])
    np.testing.assert_allclose(res.text[0], [20.0, 70.0], atol=1e-6)
    assert res.has_range[0]


def test_rho_below_one_clears_the_reservations_when_it_reports_a_range():
    ideal, weights, res_, rho_ = random_problems(41, 20, 3, 2, (0.0, 0.8), 0.5)
    res = frontier_nash(ideal, weights, res_, rho=rho_)
    assert np.all((res.utilities - res_)[res.has_range] > 0)
    lo, hi = ideal.min(1), ideal.max(1)
    assert np.all((res.text >= lo - 1e-9) & (res.text <= hi + 1e-9))


# ---------------------------------------------------------------------------------------------
# three parties, rho = 1: the certified fast path
# ---------------------------------------------------------------------------------------------

FAST_GAP = 1e-9  # the fast path certifies a duality gap of 1e-10; allow for rounding here


def dual_gap(ideal, weights, reservation, text, free=None, fixed=None):
    """Weak-duality bound on the largest log Nash product minus that of ``text``, per row.

    Independent of the solver: log s <= lam s - log lam - 1 for every lam > 0, so with
    lam = 1 / S(text), every text x has sum_a log S_a(x) <= max_x sum_a lam_a S_a(x)
    - sum_a log lam_a - P, and the maximum of that linear-in-losses sum is separable: each
    free issue at the ideal minimising sum_a lam_a w_ai |x_i - ideal_ai| (a weighted median),
    each other issue at ``fixed``. Linear utilities. Rows where ``text`` clears no range: inf.
    """
    n_rep, n_par, n_iss = ideal.shape
    free = np.ones((n_rep, n_iss), bool) if free is None else free
    fixed = np.zeros((n_rep, n_iss)) if fixed is None else fixed
    s = utility(text[:, None, :], ideal, weights) - reservation
    ok = (s > 0).all(-1)
    lam = 1.0 / np.where(ok[:, None], s, 1.0)
    cand = np.where(free[:, None, :], ideal, fixed[:, None, :])  # (R, P candidates, I)
    loss = (lam[:, :, None, None] * weights[:, :, None, :]
            * np.abs(cand[:, None] - ideal[:, :, None, :]) / 100.0).sum(1)  # (R, cand, I)
    best = (lam * (1.0 - reservation)).sum(-1) - loss.min(1).sum(-1)
    bound = best - np.log(lam).sum(-1) - n_par
    return np.where(ok, bound - log_nash(s), np.inf)


def box_of(ideal, weights, reservation, free=None, fixed=None, rho=1.0):
    return _Box.build(*_inputs(ideal, weights, reservation, free, fixed, rho))


def interior_point(ideal, weights, reservation, free=None, fixed=None, rho=1.0):
    """Text and has_range of the interior-point solver alone (the fast path's fallback)."""
    return _solve_nash(box_of(ideal, weights, reservation, free, fixed, rho))


def fast_path(ideal, weights, reservation, free=None, fixed=None):
    """Text (points) of the three-party fast path alone, and where it certified it."""
    box = box_of(ideal, weights, reservation, free, fixed)
    y, ok = _three_party_nash(box)
    return box.text(y), ok


def test_three_party_known_answer_on_one_issue():
    # two parties at 0, one at 100, equal weights: (1 - x)^2 x is largest at x = 1/3
    ideal, weights, reservation = one([[0.0], [0.0], [100.0]], [[1.0], [1.0], [1.0]],
                                      [0.0, 0.0, 0.0])
    text, ok = fast_path(ideal, weights, reservation)
    assert ok[0]
    np.testing.assert_allclose(text[0], [100.0 / 3.0], atol=1e-12)
    res = frontier_nash(ideal, weights, reservation)
    np.testing.assert_array_equal(res.text, text)
    np.testing.assert_allclose(res.utilities[0], [2 / 3, 2 / 3, 1 / 3], atol=1e-12)


def test_three_party_known_answer_on_a_face():
    # Issue a is party a's (ideal 100, weight 0.6); the other two want 0 (weight 0.2 each).
    # On the 0-1 scale u_a = 0.4 + 0.8 x_a - 0.2 (x_0 + x_1 + x_2). With r = (0.5, 0.3, 0.3)
    # and x_1 = x_2 = y (symmetry), d/dx_1 sum log S = 0.6/S_1 - 0.2/S_0 - 0.2/S_2 = 0 gives
    # S_1 = 2 S_0, i.e. -0.1 + 0.4 y = 2 (0.5 - 0.4 y), y = 11/12; x_0 stays at 1 (its slope
    # there is 0.4 / S_0 > 0). Two segments are split: a face, not a corner, of the cube.
    w = np.array([[0.6, 0.2, 0.2], [0.2, 0.6, 0.2], [0.2, 0.2, 0.6]])
    ideal, weights, reservation = one(100.0 * np.eye(3), w, [0.5, 0.3, 0.3])
    text, ok = fast_path(ideal, weights, reservation)
    assert ok[0]
    np.testing.assert_allclose(text[0], [100.0, 1100.0 / 12.0, 1100.0 / 12.0], atol=1e-12)
    res = frontier_nash(ideal, weights, reservation)
    np.testing.assert_allclose(res.utilities[0] - reservation[0],
                               [0.5 - 0.4 * 11 / 12, -0.1 + 0.4 * 11 / 12,
                                -0.1 + 0.4 * 11 / 12], atol=1e-12)


def test_fast_path_certifies_typical_problems():
    # The certificate sends every failure to the interior-point solver, which would hide a
    # broken fast path behind correct (and slow) answers: check it does the work itself.
    for n_iss, share in [(2, 0.98), (5, 0.98), (9, 0.95)]:
        ideal, weights, res_, _ = random_problems(50 + n_iss, 200, 3, n_iss, (0.0, 0.6))
        _, ok = fast_path(ideal, weights, res_)
        assert ok.mean() >= share, (n_iss, ok.mean())


@pytest.mark.parametrize("n_iss, r_range", [(2, (0.0, 0.9)), (4, (0.3, 0.9)), (9, (0.0, 0.6)),
                                             (9, (0.4, 0.9))])
def test_three_parties_fast_path_against_the_interior_point_solver(n_iss, r_range):
    ideal, weights, res_, _ = random_problems(60 + n_iss, 60, 3, n_iss, r_range)
    res = frontier_nash(ideal, weights, res_)
    text_ip, range_ip = interior_point(ideal, weights, res_)
    fast_text, ok = fast_path(ideal, weights, res_)
    assert ok.any()
    np.testing.assert_array_equal(res.text[ok], fast_text[ok])  # the fast path was taken
    assert np.all(res.has_range[range_ip])  # every range the solver finds, and more
    s = res.utilities - res_
    s_ip = u(text_ip[:, None, :], ideal[:, None], weights[:, None])[:, 0] - res_
    both = res.has_range & range_ip
    assert np.all(log_nash(s[both]) >= log_nash(s_ip[both]) - 1e-12)  # never worse
    assert np.all(log_nash(s[both]) <= log_nash(s_ip[both]) + NASH_TOL)  # solver's tolerance
    np.testing.assert_allclose(s[both], s_ip[both], atol=1e-3)
    assert np.all(dual_gap(ideal, weights, res_, res.text)[ok] <= FAST_GAP)
    assert np.all(dual_gap(ideal, weights, res_, res.text)[res.has_range] <= NASH_TOL)


@pytest.mark.parametrize("n_par", [3, 4])
def test_nash_text_is_optimal_by_weak_duality(n_par):
    # the bound is the solver's own certificate for three parties; four take the interior point
    ideal, weights, res_, _ = random_problems(70 + n_par, 40, n_par, 6, (0.0, 0.5))
    res = frontier_nash(ideal, weights, res_)
    assert res.has_range.all()
    gap = dual_gap(ideal, weights, res_, res.text)
    assert np.all(gap >= -1e-12)
    assert np.all(gap <= NASH_TOL)
    if n_par == 3:  # where the fast path certified its text, to its own tolerance
        _, ok = fast_path(ideal, weights, res_)
        assert ok.mean() > 0.9
        assert np.all(gap[ok] <= FAST_GAP)


def test_fixed_issues_count_in_the_fast_path():
    ideal, weights, res_, _ = random_problems(81, 40, 3, 5, (0.0, 0.5))
    rng = np.random.default_rng(82)
    free = rng.random((40, 5)) < 0.6
    free[:, 0] = True
    fixed = rng.uniform(0, 100, (40, 5))
    res = frontier_nash(ideal, weights, res_, free, fixed)
    _, ok = fast_path(ideal, weights, res_, free, fixed)
    assert ok.mean() >= 0.95
    np.testing.assert_array_equal(res.text[~free], fixed[~free])
    gap = dual_gap(ideal, weights, res_, res.text, free, fixed)
    assert np.all(gap[ok] <= FAST_GAP)


def test_texts_do_not_depend_on_the_batch():
    # A replication's text must be bit for bit the same alone, in a batch, in any order:
    # three linear parties with and without a range (fast path and its fallback), rho != 1.
    ideal, weights, res_, rho_ = random_problems(91, 30, 3, 9, (0.4, 1.0))
    rho_[::5] = 1.5
    res = frontier_nash(ideal, weights, res_, rho=rho_)
    _, ok = fast_path(ideal, weights, res_)
    assert ok.any() and (~res.has_range).any() and (rho_ != 1).any()
    again = frontier_nash(ideal, weights, res_, rho=rho_)
    np.testing.assert_array_equal(again.text, res.text)
    perm = np.random.default_rng(92).permutation(len(ideal))
    shuffled = frontier_nash(ideal[perm], weights[perm], res_[perm], rho=rho_[perm])
    np.testing.assert_array_equal(shuffled.text, res.text[perm])
    np.testing.assert_array_equal(shuffled.has_range, res.has_range[perm])
    for k in range(len(ideal)):
        alone = frontier_nash(ideal[k:k + 1], weights[k:k + 1], res_[k:k + 1],
                              rho=rho_[k:k + 1])
        np.testing.assert_array_equal(alone.text[0], res.text[k])
        np.testing.assert_array_equal(alone.utilities[0], res.utilities[k])
        assert alone.has_range[0] == res.has_range[k]


def test_fast_path_internals_do_not_depend_on_the_batch():
    # The texts come out of closed forms, so a batch-dependent rounding of the multipliers
    # would rarely show in them: check the multipliers and the certificate themselves.
    ideal, weights, res_, _ = random_problems(93, 12, 3, 9, (0.0, 0.6))
    box = box_of(ideal, weights, res_)
    z = _zonotope(box)
    lam0 = 1.0 / np.maximum(box.exact(box.start()), 0.05).T
    widths, steps, window, lines = _FAST_PASSES[0]
    lam = _locate(z, lam0, widths, steps)
    t = _face_text(z, lam, window, lines)
    y, ok = _certified(box, z, t)
    for k in range(len(ideal)):
        idx = np.array([k])
        lam_k = _locate(z.rows(idx), lam0[:, idx], widths, steps)
        np.testing.assert_array_equal(lam_k, lam[:, idx])
        t_k = _face_text(z.rows(idx), lam_k, window, lines)
        np.testing.assert_array_equal(t_k, t[:, idx])
        y_k, ok_k = _certified(box.rows(idx), z.rows(idx), t_k)
        np.testing.assert_array_equal(y_k, y[idx])
        assert ok_k[0] == ok[k]


def test_a_singular_newton_system_spoils_only_its_own_replication():
    rng = np.random.default_rng(94)
    mat = rng.normal(size=(3, 3, 4))
    mat = mat + mat.transpose(1, 0, 2) + 8.0 * np.eye(3)[:, :, None]
    mat[:, :, 2] = 0.0  # exactly singular
    rhs = rng.normal(size=(3, 4))
    out = _solve_small(mat, rhs)
    assert np.isnan(out[:, 2]).all()
    for r in (0, 1, 3):
        np.testing.assert_allclose(mat[:, :, r] @ out[:, r], rhs[:, r], atol=1e-12)


# ---------------------------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------------------------


@st.composite
def nash_problems(draw, n_par=2, max_issues=3):
    n_iss = draw(st.integers(1, max_issues))
    point = st.one_of(st.sampled_from([0.0, 20.0, 50.0, 100.0]), st.floats(0, 100))
    ideal = np.array([[draw(point) for _ in range(n_iss)] for _ in range(n_par)])
    weights = np.empty((n_par, n_iss))
    for a in range(n_par):
        raw = np.array([draw(st.one_of(st.just(0.0), st.floats(0.01, 1.0)))
                        for _ in range(n_iss)])
        weights[a] = raw / raw.sum() if raw.sum() > 0 else 1.0 / n_iss
    reservation = np.array([draw(st.floats(0.0, 1.0)) for _ in range(n_par)])
    free = np.array([draw(st.booleans()) for _ in range(n_iss)])
    fixed = np.array([draw(point) for _ in range(n_iss)])
    return ideal, weights, reservation, free, fixed


def run(problem, rho=1.0):
    ideal, weights, reservation, free, fixed = problem
    return nash(ideal, weights, reservation, free, fixed, rho)


def dominated(x_utilities, ideal, weights, reservation, free, fixed, tol, rho=1.0):
    """Whether a grid text leaves no party more than ``tol`` worse off and one more than
    ``tol`` better off (a Pareto improvement beyond the tolerance)."""
    lo, hi = ideal.min(0), ideal.max(0)
    axes = [np.linspace(a, b, 21) if f else np.array([v])
            for a, b, f, v in zip(lo, hi, free, fixed, strict=True)]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), -1).reshape(-1, lo.size)
    lattice = np.array(list(itertools.product(*[
        ideal[:, i] if free[i] else [fixed[i]] for i in range(lo.size)])))
    grid = np.concatenate([grid, lattice])
    g = u(grid, ideal, weights, rho)
    better = np.all(g >= x_utilities - tol, axis=1) & np.any(g > x_utilities + tol, axis=1)
    return better.any()


@FAST
@given(problem=nash_problems())
def test_two_party_text_is_in_the_box_efficient_and_clears_reservations(problem):
    ideal, weights, reservation, free, fixed = problem
    res = run(problem)
    x, ut = res.text[0], res.utilities[0]
    lo, hi = ideal.min(0), ideal.max(0)
    assert np.all((x[free] >= lo[free]) & (x[free] <= hi[free]))
    np.testing.assert_array_equal(x[~free], fixed[~free])
    np.testing.assert_allclose(ut, u(x, ideal, weights), atol=0)
    if res.has_range[0]:
        assert np.all(ut >= reservation)
    assert not dominated(ut, ideal, weights, reservation, free, fixed, LOOSE)


@FAST
@given(problem=nash_problems())
def test_two_party_text_mirrors_and_ignores_the_order_of_the_parties(problem):
    ideal, weights, reservation, free, fixed = problem
    res = run(problem)
    mirrored = run((100.0 - ideal, weights, reservation, free, 100.0 - fixed))
    np.testing.assert_allclose(mirrored.text[0], 100.0 - res.text[0], atol=LOOSE)
    swapped = run((ideal[::-1], weights[::-1], reservation[::-1], free, fixed))
    np.testing.assert_allclose(swapped.text[0], res.text[0], atol=LOOSE)
    np.testing.assert_allclose(swapped.utilities[0], res.utilities[0, ::-1], atol=LOOSE)
    assert swapped.has_range[0] == res.has_range[0] == mirrored.has_range[0]


@FAST
@given(
    n_iss=st.integers(1, 4),
    raw=st.lists(st.floats(0.01, 1.0), min_size=4, max_size=4),
    r_a=st.floats(0.0, 1.0),
    r_b=st.floats(0.0, 1.0),
    a_low=st.lists(st.booleans(), min_size=4, max_size=4),
)
def test_opposite_ideals_equal_weights_range_iff_reservations_sum_below_one(
    n_iss, raw, r_a, r_b, a_low
):
    # With the same weights for both, u_a + u_b = 1 on every text in the box: a range
    # exists iff r_a + r_b < 1. (With unequal weights logrolling opens more, see
    # TestTwoPartyNash.test_range_with_reservations_summing_above_one.)
    if abs(r_a + r_b - 1.0) < 1e-12:
        return  # weights summing to 1 only up to rounding decide this one
    w = np.array(raw[:n_iss]) / sum(raw[:n_iss])
    a = np.where(a_low[:n_iss], 0.0, 100.0)
    res = nash(np.stack([a, 100.0 - a]), np.stack([w, w]), [r_a, r_b])
    assert res.has_range[0] == (r_a + r_b < 1.0)
    np.testing.assert_allclose(res.utilities[0].sum(), 1.0, atol=LOOSE)


@FAST
@given(problem=nash_problems())
def test_two_party_best_attainable_bounds_the_text(problem):
    ideal, weights, reservation, free, fixed = problem
    res = run(problem)
    best = best_attainable(ideal[None], weights[None], reservation[None], free[None],
                           fixed[None])[0]
    if res.has_range[0]:
        assert np.all(best >= res.utilities[0] - LOOSE)
        assert np.all(best >= reservation - LOOSE)


@SLOW
@given(problem=nash_problems(n_par=3, max_issues=2), rho=st.sampled_from([1.0, 1.5]))
def test_three_party_text_properties(problem, rho):
    ideal, weights, reservation, free, fixed = problem
    res = run(problem, rho)
    x, ut = res.text[0], res.utilities[0]
    lo, hi = ideal.min(0), ideal.max(0)
    assert np.all((x[free] >= lo[free] - 1e-12) & (x[free] <= hi[free] + 1e-12))
    np.testing.assert_array_equal(x[~free], fixed[~free])
    if res.has_range[0]:
        assert np.all(ut > reservation)
        assert not dominated(ut, ideal, weights, reservation, free, fixed, 1e-6, rho)
    mirrored = run((100.0 - ideal, weights, reservation, free, 100.0 - fixed), rho)
    assert mirrored.has_range[0] == res.has_range[0]
    if res.has_range[0]:
        np.testing.assert_allclose(mirrored.utilities[0], ut, atol=1e-6)


@FAST
@given(problem=nash_problems(n_par=3, max_issues=3))
def test_three_party_fast_path_matches_the_interior_point_solver(problem):
    ideal, weights, reservation, free, fixed = problem
    res = run(problem)
    args = (ideal[None], weights[None], reservation[None], free[None], fixed[None])
    text_ip, range_ip = interior_point(*args)
    if range_ip[0]:
        assert res.has_range[0]
    if not res.has_range[0]:
        return
    assert np.all(res.utilities[0] > reservation)
    s = res.utilities[0] - reservation
    s_ip = u(text_ip[0], ideal, weights) - reservation
    if range_ip[0]:
        assert log_nash(s) >= log_nash(s_ip) - 1e-12
    assert dual_gap(*args[:3], res.text, free[None], fixed[None])[0] <= NASH_TOL
