"""Hypothesis properties of the model mathematics (invariants).

Probabilities stay in [0, 1], positions stay on the 0..100 axes, texts stay inside what the
parties tabled and are never below a party's reservation when some text clears them all.
"""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sim.rules.acceptance import acceptance_level
from sim.rules.beliefs import cost_horizon, reservation
from sim.rules.durability import hold_probability
from sim.rules.mediator import nash_text
from sim.rules.third_parties import agreement_bonus, potential_bonus
from sim.rules.utility import normalised_salience, utility

# deterministic and without an example database on disk
FAST = settings(max_examples=50, deadline=None, database=None, derandomize=True)
SLOW = settings(max_examples=25, deadline=None, database=None, derandomize=True)

position = st.floats(0.0, 100.0, allow_nan=False, allow_subnormal=False)
unit = st.floats(0.0, 1.0, allow_nan=False, allow_subnormal=False)


@st.composite
def matrices(draw, n_rows, n_cols, elements):
    return np.array([[draw(elements) for _ in range(n_cols)] for _ in range(n_rows)], float)


@st.composite
def bargaining_problems(draw, n_parties=None, rhos=(1.0, 1.5, 2.0), max_issues=3):
    """(stated, ideal, weights, rho, reservation) for 2-3 parties on 1-3 issues."""
    n_p = draw(st.integers(2, 3)) if n_parties is None else n_parties
    n_i = draw(st.integers(1, max_issues))
    stated = draw(matrices(n_p, n_i, position))
    ideal = stated.copy() if draw(st.booleans()) else draw(matrices(n_p, n_i, position))
    raw = draw(matrices(n_p, n_i, st.floats(0.01, 1.0)))
    weights = raw / raw.sum(axis=1, keepdims=True)
    rho = np.full(n_p, draw(st.sampled_from(rhos)))
    reservation = np.array([draw(st.floats(0.0, 0.9)) for _ in range(n_p)])
    return stated, ideal, weights, rho, reservation


def best_min_surplus(stated, ideal, weights, rho, reservation, n=21):
    """Largest smallest surplus over a grid of the box of stated positions (and its corners)."""
    lo, hi = stated.min(axis=0), stated.max(axis=0)
    axes = [np.linspace(a, b, n) for a, b in zip(lo, hi, strict=True)]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), -1).reshape(-1, lo.size)
    grid = np.concatenate([grid, stated])
    s = utility(grid[:, None, :], ideal, weights, rho) - reservation
    return s.min(axis=-1).max()


def run_nash(problem, fixed=None, free=None):
    stated, ideal, weights, rho, reservation = problem
    n_i = stated.shape[1]
    fixed = np.zeros(n_i) if fixed is None else fixed
    free = np.ones(n_i, bool) if free is None else free
    return nash_text(stated, ideal, weights, rho, reservation, fixed, free)


@FAST
@given(
    terms=matrices(1, 4, position),
    ideal=matrices(3, 4, position),
    salience=matrices(3, 4, unit),
    on_table=st.lists(st.booleans(), min_size=4, max_size=4),
    rho=st.floats(0.25, 4.0),
)
def test_utilities_lie_in_unit_interval(terms, ideal, salience, on_table, rho):
    w = normalised_salience(salience, np.array(on_table))
    u = utility(terms, ideal, w, rho)
    assert u.shape == (3,)
    assert np.all((u >= -1e-12) & (u <= 1.0 + 1e-12))
    if any(on_table):
        np.testing.assert_allclose(w.sum(axis=-1), 1.0, atol=1e-12)


@SLOW
@given(problem=bargaining_problems(max_issues=2), data=st.data())
def test_nash_text_stays_in_the_box_and_keeps_fixed_issues(problem, data):
    stated = problem[0]
    n_i = stated.shape[1]
    free = np.array(data.draw(st.lists(st.booleans(), min_size=n_i, max_size=n_i)))
    fixed = np.array(data.draw(st.lists(position, min_size=n_i, max_size=n_i)))
    x = run_nash(problem, fixed, free)
    lo, hi = stated.min(axis=0), stated.max(axis=0)
    assert np.all(x[free] >= lo[free] - 1e-9) and np.all(x[free] <= hi[free] + 1e-9)
    np.testing.assert_array_equal(x[~free], fixed[~free])


@FAST
@given(problem=bargaining_problems(n_parties=2, rhos=(1.0,)))
def test_two_party_nash_text_clears_reservations_when_some_text_does(problem):
    x = run_nash(problem)
    stated, ideal, weights, rho, reservation = problem
    if best_min_surplus(*problem) >= 1e-9:
        s = utility(x[None, :], ideal, weights, rho) - reservation
        assert np.all(s >= -1e-12), (x, s)


# Counterexamples to the next property (found by Hypothesis, shrunk by hand): the search path
# of nash_text stalls on the ridge of the egalitarian objective min_i(u_i - d_i) and tables a
# text below every reservation although one clearing all of them exists.
TWO_PARTY_RHO2 = (
    np.array([[70.0, 80.0], [100.0, 0.0]]),
    np.array([[20.0, 10.0], [100.0, 90.0]]),
    np.array([[0.8, 0.2], [0.5, 0.5]]),
    np.array([2.0, 2.0]),
    np.array([0.6, 0.85]),
)  # (70, 80) leaves surpluses (.102, .100); the text leaves (-.076, -.076)
THREE_PARTY_LINEAR = (
    np.array([[0.0, 0.0], [0.0, 0.0], [36.0, 15.0]]),
    np.array([[43.0, 75.0], [0.0, 0.0], [0.0, 0.0]]),
    np.array([[0.2, 0.8], [0.5, 0.5], [0.5, 0.5]]),
    np.array([1.0, 1.0, 1.0]),
    np.array([0.5, 0.75, 0.0]),
)  # (34.2, 15) leaves (.0024, .004, .75); the text leaves (-.0008, -.0008, .75)


@SLOW
@example(problem=TWO_PARTY_RHO2)
@example(problem=THREE_PARTY_LINEAR)
@given(problem=bargaining_problems(max_issues=2))
def test_nash_text_clears_reservations_when_some_text_does(problem):
    x = run_nash(problem)
    stated, ideal, weights, rho, reservation = problem
    best = best_min_surplus(*problem)
    if best >= 1e-6:
        s = utility(x[None, :], ideal, weights, rho) - reservation
        assert np.all(s >= -1e-9), f"text {x} leaves surpluses {s}; a grid point leaves {best}"


@FAST
@given(problem=bargaining_problems(n_parties=2, rhos=(1.0,)))
def test_two_party_nash_is_symmetric_and_mirror_invariant(problem):
    stated, ideal, weights, rho, reservation = problem
    x = run_nash(problem)
    u = utility(x[None, :], ideal, weights, rho)
    swapped = run_nash((stated[::-1], ideal[::-1], weights[::-1], rho, reservation[::-1]))
    # the Nash point is unique in utility space (terms may differ on ties in salience ratios)
    np.testing.assert_allclose(utility(swapped[None, :], ideal, weights, rho), u, atol=1e-9)
    mirrored = run_nash((100 - stated, 100 - ideal, weights, rho, reservation))
    np.testing.assert_allclose(mirrored, 100 - x, atol=1e-9)


@FAST
@given(
    days=st.lists(st.floats(0.0, 3650.0), min_size=2, max_size=6),
    hazard=unit,
    multiplier=st.floats(0.0, 5.0),
)
def test_hold_probability_is_a_probability_decreasing_in_days(days, hazard, multiplier):
    days = np.sort(np.array(days))
    p = hold_probability(days, hazard, multiplier)
    assert np.all((p >= 0.0) & (p <= 1.0))
    assert np.all(np.diff(p) <= 0.0)


@FAST
@given(
    aspiration=unit,
    own=unit,
    reservation=unit,
)
def test_acceptance_level_never_below_reservation(aspiration, own, reservation):
    level = acceptance_level(aspiration, own, reservation)
    assert level >= reservation
    assert level <= max(aspiration, reservation) + 1e-15


@FAST
@given(
    base=matrices(1, 2, unit),
    stake=st.floats(0.0, 1.0),
    belief=matrices(1, 2, st.floats(-5.0, 5.0)),
    cost=matrices(1, 2, st.floats(0.0, 1.0)),
    discount=st.floats(0.0, 0.99),
)
def test_reservations_stay_bounded(base, stake, belief, cost, discount):
    r = reservation(base[0], stake, belief[0], cost[0], cost_horizon(discount, np.inf))
    assert np.all((r >= 0.0) & (r <= 1.0))


@FAST
@given(
    leverage=matrices(3, 3, st.floats(0.0, 1.0, allow_subnormal=False)),
    engagement=matrices(1, 3, unit),
    backing=st.lists(st.booleans(), min_size=3, max_size=3),
)
def test_agreement_bonus_between_zero_and_its_potential(leverage, engagement, backing):
    got = agreement_bonus(leverage, engagement[0], np.array(backing))
    assert np.all(got >= 0.0)
    assert np.all(got <= potential_bonus(leverage, engagement[0]) + 1e-15)
