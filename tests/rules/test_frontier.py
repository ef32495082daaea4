"""Logrolling restatements (sim.rules.frontier).

Known answers worked by hand (the test vector of the design note) and Hypothesis properties.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.rules.frontier import logroll
from sim.rules.utility import utility

LOOSE = 1e-9  # against theory

FAST = settings(max_examples=60, deadline=None, database=None, derandomize=True)

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


def u1(x, ideal, weights, rho=1.0):
    """One party's utility of one text, as a float."""
    return float(utility(np.asarray(x, float), np.asarray(ideal, float), weights, rho))


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
