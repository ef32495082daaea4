"""Logrolling restatements and the Nash text over the whole issue space (model version 2).

Arrays have a leading replication axis R, then parties P, then issues I; issues are 0-100 axes and
utilities those of :mod:`sim.rules.utility`, u_a(x) = 1 - sum_i w_ai (|x_i - ideal_ai|/100)^rho_a
with w_a normalised over the issues on the table.

* :func:`logroll` — a party's restated package: the terms that give it exactly its aspiration
  level while giving the other side the most (Raiffa 1982, ch. 10-11; the trade-off tactic of
  Faratin, Sierra & Jennings 2002).
* :func:`frontier_nash` — the Nash (1950) text of several parties over the whole issue space
  (not only the box of stated positions searched by :func:`sim.rules.mediator.nash_text`), with
  the egalitarian fallback of Kalai (1977) when no text gives every party its reservation.
* :func:`best_attainable` — per party, the best utility it can get while every other party gets
  at least its reservation: what it can expect from staying at the table.

Two parties with linear utilities are solved exactly and in closed form along the Pareto
frontier (a chain of fractional-knapsack points); three parties with linear utilities exactly,
on a face of the set of attainable surpluses found through its dual and certified by the duality
gap; more parties, a risk exponent other than 1, or a three-party problem the fast path cannot
certify, by a vectorised interior-point method (damped Newton on a smoothed log barrier). All
three are documented at :func:`frontier_nash`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from itertools import product

import numpy as np
from numpy.typing import ArrayLike

from sim.rules.utility import issue_loss, utility

__all__ = ["NashText", "best_attainable", "frontier_nash", "logroll"]


@dataclass(frozen=True)
class NashText:
    """The outcome of :func:`frontier_nash`.

    Attributes:
        text: the terms, (R, I): free issues in the box of the parties' ideals, the others at
            their fixed values.
        utilities: every party's utility of ``text``, (R, P).
        has_range: (R,) bool, true iff some text gives every party more than its reservation
            (``max_x min_a (u_a(x) - r_a) > 0``); where it is false, ``text`` is the
            egalitarian (max-min surplus) text rather than the Nash text.
    """

    text: np.ndarray
    utilities: np.ndarray
    has_range: np.ndarray


# ---------------------------------------------------------------------------------------------
# Mechanism 1: logrolling restatement
# ---------------------------------------------------------------------------------------------


def logroll(
    own_ideal: np.ndarray,
    other_ideal: np.ndarray,
    w_own: np.ndarray,
    w_other: np.ndarray,
    level: np.ndarray,
    movable: np.ndarray,
    base: np.ndarray,
    rho: np.ndarray | float = 1.0,
) -> np.ndarray:
    """The package a party restates to reach its aspiration ``level`` giving the other side most.

    Raiffa (1982), *The Art and Science of Negotiation*, Harvard University Press, ch. 10-11
    (logrolling across issues of unequal importance); Faratin, Sierra & Jennings (2002),
    "Using similarity criteria to make issue trade-offs in automated negotiations",
    *Artificial Intelligence* 142(2), 205-237 (the trade-off tactic: the offer on the party's
    own iso-utility curve that is best for the opponent).

    Movable issues start at the party's own ideal and are conceded toward ``other_ideal``.
    With linear utilities, conceding one point on issue i costs the party ``w_own_i / 100`` and
    gives the other side ``w_other_i / 100``, so the party concedes issues in decreasing order of
    ``w_other_i / w_own_i`` (ties by issue index; an issue with ``w_own_i = 0`` costs nothing
    and comes first), each fully, until the next full concession would take it below
    ``level``, and that issue partly: the fractional knapsack, which for rho = 1 (both sides
    linear) maximises the other side's utility among all terms worth ``level`` to the party.
    For rho != 1 the same order is kept and the partial concession inverts the party's loss
    exactly, w (d/100)^rho, so the level is still met exactly; the order is then a heuristic
    (exact only for rho = 1).

    Non-movable issues (settled, off the table) stay at ``base`` and count in the party's
    utility. If ``level`` is at or above the utility of its own ideal (with ``base`` elsewhere)
    the party restates its own ideal on every movable issue, the issues it does not weigh
    included (its opening position; conceding those is free, and they are the first to go once
    it concedes anything); if ``level`` is at or below its utility after conceding everything,
    it restates the other side's ideal on every movable issue.

    Closed form: one stable argsort and cumulative sums per replication, no search.

    Args:
        own_ideal: the party's ideal points, (R, I).
        other_ideal: the other side's ideal points, (R, I).
        w_own: the party's normalised saliences, (R, I).
        w_other: the other side's normalised saliences, (R, I).
        level: the aspiration level to reach, (R,).
        movable: issues the party may restate, (R, I) bool.
        base: terms of the non-movable issues, (R, I) (ignored where movable).
        rho: the party's risk exponent, (R,) or scalar.

    Returns:
        The restated terms, (R, I).
    """
    own = np.asarray(own_ideal, dtype=float)
    other = np.asarray(other_ideal, dtype=float)
    w_a = np.asarray(w_own, dtype=float)
    w_b = np.asarray(w_other, dtype=float)
    level = np.asarray(level, dtype=float)
    movable = np.asarray(movable, dtype=bool)
    base = np.asarray(base, dtype=float)
    n_rep, n_iss = own.shape
    rho_r = np.broadcast_to(np.asarray(rho, dtype=float), (n_rep,))

    start = np.where(movable, own, base)
    top = utility(start, own, w_a, rho_r)  # (R,) utility at its own ideal
    gap = np.where(movable, other - own, 0.0)
    # utility lost by conceding each issue fully
    full = w_a * issue_loss(gap, np.zeros_like(gap), rho_r)
    costless = w_a <= 0.0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(costless, np.inf, w_b / np.where(costless, 1.0, w_a))
    order = np.argsort(-ratio, axis=-1, kind="stable")
    cost = np.take_along_axis(full, order, axis=-1)
    spent = np.cumsum(cost, axis=-1)  # utility lost after the first k+1 full concessions
    budget = top - level
    n_full = (spent <= budget[:, None]).sum(axis=-1)  # spent is non-decreasing
    part = np.minimum(n_full, n_iss - 1)[:, None]
    before = np.take_along_axis(spent - cost, part, axis=-1)[:, 0]
    part_cost = np.take_along_axis(cost, part, axis=-1)[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.clip((budget - before) / np.where(part_cost > 0, part_cost, 1.0), 0.0, 1.0)
        frac = np.where(part_cost > 0, share ** (1.0 / rho_r), 0.0)  # invert w (t d/100)^rho
    pos = np.arange(n_iss)
    theta_sorted = np.where(
        pos < n_full[:, None], 1.0, np.where(pos == n_full[:, None], frac[:, None], 0.0)
    )
    theta = np.empty_like(theta_sorted)
    np.put_along_axis(theta, order, theta_sorted, axis=-1)
    theta = np.where((level >= top)[:, None], 0.0, theta)
    conceded = np.where(theta >= 1.0, other, own + theta * gap)
    return np.where(movable, conceded, base)


# ---------------------------------------------------------------------------------------------
# Mechanism 2: the Nash text over the whole issue space
# ---------------------------------------------------------------------------------------------


def frontier_nash(
    ideal: np.ndarray,
    weights: np.ndarray,
    reservation: np.ndarray,
    free: np.ndarray | None = None,
    fixed: np.ndarray | None = None,
    rho: np.ndarray | float = 1.0,
    two_party: Callable[..., tuple[np.ndarray, np.ndarray]] | None = None,
) -> NashText:
    """The Nash text of the parties over the free issues, in the box of their ideals.

    Nash (1950), "The bargaining problem", *Econometrica* 18(2), 155-162: the text maximising
    ``prod_a (u_a(x) - r_a)`` over the texts that give every party more than its reservation
    ``r_a``. The search runs over the whole issue space, not only the box of stated positions
    (cf. :func:`sim.rules.mediator.nash_text`); since moving an issue toward the parties' ideals
    helps every party, the efficient texts, and so the Nash text, lie in the box of the
    parties' ideals, which is where it is searched. Issues not free are held at ``fixed`` and
    count in the utilities; a free issue on which all ideals coincide is set there, and one
    that no party weighs at the middle of the ideals.

    When no text gives every party more than its reservation (``has_range`` false) the text
    maximises the smallest surplus ``min_a (u_a - r_a)`` instead, the egalitarian solution of
    Kalai (1977), "Proportional solutions to bargaining situations: interpersonal utility
    comparisons", *Econometrica* 45(7), 1623-1630; among texts with the same smallest surplus
    the two-party rule takes the one best for the other party.

    *Two parties, rho = 1 (exact, closed form).* With linear utilities the Pareto frontier is a
    chain of fractional-knapsack points (Raiffa 1982, ch. 10): from party 0's ideal, issues are
    conceded to party 1 in decreasing order of ``w_1i / w_0i``. Issues with the same ratio form
    one straight segment and move together, in proportion, so the text does not depend on the
    order of the parties or of the issues. On a segment ``u_1 = c - k u_0`` the Nash product is
    largest at ``u_0 = (c - r_1 + k r_0) / (2k)``, clipped to the part of the segment that
    clears both reservations; the best segment wins. The egalitarian text is the frontier point
    with ``u_0 - r_0 = u_1 - r_1``, clipped to the chain's ends. One argsort and cumulative
    sums per replication; every segment is evaluated at once.

    *Three parties, rho = 1 (exact face, certified).* Each free issue's box of ideals is cut at
    the ideals into two segments; filling the segments from the bottom (a share t_j in [0, 1]
    of each) gives every text, and the surpluses are affine in t, ``S(t) = base + sum_j gen_j
    t_j`` (the attainable surpluses form a zonotope); a t not filled from the bottom is worth
    no more than the text it adds up to, so the maximum over the cube is the Nash text. With
    multipliers ``lam_a = 1 / S_a`` at the optimum (Boyd & Vandenberghe 2004, §5.5.3, KKT
    conditions) a segment is filled where its gain ``g_j = sum_a lam_a gen_aj`` is positive,
    left empty where it is negative and split only where it is 0: every free issue sits at a
    weighted median of the ideals, weights ``lam_a w_ai``. The dual (§5.2, with the conjugate
    of -log, §3.3) is ``min_lam h(lam)``, ``h = sum_j max(0, g_j) + base . lam - sum_a log
    lam_a - 3``, and ``h(lam)`` bounds the log Nash product of every text from above.

    1. Locate: damped Newton steps on ``h`` with each hinge smoothed to ``(g + sqrt(g^2 +
       e^2)) / 2`` (the Chen-Harker-Kanzow smoothing: Chen & Harker 1993, "A non-interior-point
       continuation method for linear complementarity problems", *SIAM J. Matrix Anal. Appl.*
       14(4), 1168-1190; Kanzow 1996, "Some noninterior continuation methods for linear
       complementarity problems", *SIAM J. Matrix Anal. Appl.* 17(4), 851-868), e in units of
       the typical gain, two widths with two steps each (§9.5: Newton with a line search).
    2. Solve the face: segments with a clearly signed gain are set to 1 or 0; the two (later
       three or four) nearest ``g = 0`` are set by the best point over the faces of their cube,
       in closed form: a corner; one segment free, a root of the quadratic ``sum_a a_a / (b_a +
       a_a t) = 0``; two free, i and j, multipliers normal to both, ``lam ~ n = gen_i x gen_j``,
       and equal ``lam_a S_a`` with ``n . S = n . b`` give ``S_a = (n . b) / (3 n_a)``.
    3. Certify: at ``lam = 1 / S`` of that text the gap ``h(lam) - sum_a log S_a = sum_j max(0,
       g_j) + base . lam - 3`` must be below 1e-10; where it is not, steps 1-2 run again from
       there with finer smoothing and up to four open segments (six passes in all,
       ``_FAST_PASSES``; most replications need only the first), and what is still not
       certified (no bargaining range, a range too narrow for the multipliers, a nearly
       degenerate face) goes to the interior-point method below. A certified text clears every
       reservation exactly (checked on the text in points), so ``has_range`` is true there.

    The result is the Nash text to rounding (log Nash product within 1e-10 of its maximum),
    and a replication's text does not depend on the other replications in the array (every
    sum runs in index order whatever the batch). Why this method, measured on the rounds of
    ``benchmarks/bench_parties.py`` (about 200 replications, eight free issues, 20 calls): the
    interior-point method took 74 ms per call, this one 2.5-3.3 ms, and it certified all 3,984
    texts; of random problems (ideals U(0, 100), saliences U(0, 1) normalised, reservations
    U(0, 0.6); 5,000 each with 5, 9 and 16 issues) it left 0, 1 and 7 to the interior point.
    Tried and dropped on the same kind of problems: a piecewise-quadratic
    (Huber) smoothing stalls (Newton sees no curvature outside the band); full Newton steps
    without the line search left a quarter to a half uncertified; a projected Newton polish of
    the restricted problem instead of the closed-form faces certified 34-91% after five steps;
    the exponential (softplus) smoothing certified no more and costs a transcendental function
    per segment. Enumerating every vertex of the dual arrangement instead (C(K, 2) pairs, with
    the sign of all K gains at each) needs arrays of about 10^6 numbers per call at K = 16 and
    was not pursued.

    *Four or more parties, rho != 1, or what the fast path leaves (interior point).* The text
    maximises ``sum_a log(u_a - r_a)``
    by damped Newton steps on a smoothed problem (Boyd & Vandenberghe 2004, *Convex
    Optimization*, Cambridge UP, §9.5 and §11.3), vectorised over R (a batched eigen-solve
    per step). Each loss ``|z|^rho`` (z on the 0-1 scale) becomes ``(z^2 + e^2)^(rho/2)``,
    which is never below it and falls toward it as e shrinks, from 10 points to 1e-6 points in
    eight stages, each warm-started from the last: a smoothed surplus is a lower bound of the
    exact one, so every text the solver accepts clears the reservations exactly.

    - Phase 1 (range and egalitarian text): maximise the smallest surplus t with the log
      barrier ``c t + sum_a log(S_a - t)``, c raised from 100 to 1e9 with the stages (a gap
      of at most P / c). A replication whose text clears every reservation exactly stops
      there (``has_range``); the others run to the end and keep the egalitarian text.
    - Phase 2 (Nash): from that text, maximise ``sum_a log S_a`` through the same stages.
    - Steps use the absolute eigenvalues of the Hessian (so each one ascends, also where the
      problem is not concave), and a backtracking line search keeps the text in the box and
      every barrier argument positive. Finally every coordinate is tried at every party's
      ideal (the kinks of the exact utilities) and kept there if the exact objective gains.

    Why this solver: the objective is not smooth at the ideals; coordinate ascent stalls on
    the ridge ``u_a - r_a = u_b - r_b`` of the egalitarian phase (the counterexamples in
    ``tests/rules/test_properties.py``), projected subgradient steps converge slowly and with
    no usable stopping rule, while the barrier method needs a few dozen Newton steps and
    bounds its own gap. For rho >= 1 the problem is concave and the result is the optimum up
    to the stated tolerance: the log Nash product within 1e-6 of its maximum, the smallest
    surplus of the egalitarian text within 1e-7 of its maximum (``tests/rules/test_frontier.py``
    checks both against brute-force grids and linear programmes; measured gaps: below 1e-11
    and 5e-9). ``has_range`` can then be wrong only for a range narrower than about 1e-7.
    With three or more parties and no range, the egalitarian text is a max-min text, with no
    further tie-break among those.
    For rho < 1 the utilities are not concave and nothing global is guaranteed: the text is
    the best local optimum reached from the weighted mean, every party's ideal and the best
    text on the lattice of ideals (when it has at most 729 points), it always clears the
    reservations when ``has_range`` is true, and ``has_range`` can miss a range that only a
    text far from those starts would open.

    Args:
        ideal: the parties' ideal points, (R, P, I).
        weights: their normalised saliences, (R, P, I).
        reservation: their current reservation utilities, (R, P).
        free: the issues the text may set, (R, I) bool; all of them if omitted.
        fixed: the terms of the other issues, (R, I); required if some issue is not free.
        rho: risk exponents, (R, P) or scalar.
        two_party: a replacement for the two-party, rho = 1 solver above with the same
            arguments and results (the compiled engine's; None: this module's NumPy code).

    Returns:
        A :class:`NashText` (text (R, I), utilities (R, P), has_range (R,)).
    """
    ideal, weights, reservation, free_, fixed_, rho_ = _inputs(
        ideal, weights, reservation, free, fixed, rho
    )
    n_rep, n_par, n_iss = ideal.shape
    text = np.empty((n_rep, n_iss))
    has_range = np.empty(n_rep, dtype=bool)
    exact = np.all(rho_ == 1.0, axis=1) & (n_par == 2)
    if exact.any():
        t, h = (two_party or _two_party_nash)(
            ideal[exact], weights[exact], reservation[exact], free_[exact], fixed_[exact]
        )
        text[exact], has_range[exact] = t, h
    rest = ~exact
    fast = np.flatnonzero(rest & np.all(rho_ == 1.0, axis=1) & (n_par == 3))
    if fast.size:
        box = _Box.build(ideal[fast], weights[fast], reservation[fast], free_[fast],
                         fixed_[fast], rho_[fast])
        y, ok = _three_party_nash(box)
        t = box.text(y)
        # accepted only if the text in points clears every reservation too
        ok &= np.all(utility(t[:, None, :], ideal[fast], weights[fast]) > reservation[fast],
                     axis=1)
        text[fast[ok]], has_range[fast[ok]] = t[ok], True
        rest[fast[ok]] = False
    if rest.any():
        box = _Box.build(ideal[rest], weights[rest], reservation[rest], free_[rest],
                         fixed_[rest], rho_[rest])
        t, h = _solve_nash(box)
        text[rest], has_range[rest] = t, h
    utilities = utility(text[:, None, :], ideal, weights, rho_)
    return NashText(text=text, utilities=utilities, has_range=has_range)


def best_attainable(
    ideal: np.ndarray,
    weights: np.ndarray,
    reservation: np.ndarray,
    free: np.ndarray | None = None,
    fixed: np.ndarray | None = None,
    rho: np.ndarray | float = 1.0,
) -> np.ndarray:
    """Per party, the best utility it can get while every other party gets its reservation.

    ``max_x u_a(x)`` subject to ``u_b(x) >= r_b`` for every other party b, over the free issues
    (the others at ``fixed``): the most party a can expect from any agreement, to compare with
    what it gets by walking out. It is ``-inf`` where no text gives the other parties their
    reservations (the maximum over an empty set). For two parties this is the point where the
    Pareto frontier of :func:`frontier_nash` crosses ``u_b = r_b`` (party a's ideal if that
    already satisfies b); the frontier is the same chain of fractional-knapsack points (Raiffa
    1982, ch. 10), and the answer is exact and in closed form for rho = 1.

    With more parties or rho != 1 it is approximate: the same interior-point method as
    :func:`frontier_nash`, maximising ``c u_a + sum_b log(u_b - r_b)`` with c raised to 1e9,
    from a text that clears the other parties' reservations (phase 1 there, on them alone).
    The texts behind the result clear the other reservations exactly; for rho >= 1 it is
    within 1e-6 of the maximum (measured against linear programmes: within 3e-7), and a party
    whose others' reservations leave a range narrower than about 1e-7 may get ``-inf``; for
    rho < 1 it is a local optimum.

    Args:
        ideal: the parties' ideal points, (R, P, I).
        weights: their normalised saliences, (R, P, I).
        reservation: their reservation utilities, (R, P).
        free: the issues an agreement may set, (R, I) bool; all of them if omitted.
        fixed: the terms of the other issues, (R, I); required if some issue is not free.
        rho: risk exponents, (R, P) or scalar.

    Returns:
        The best attainable utilities, (R, P) (``-inf`` where none is attainable).
    """
    ideal, weights, reservation, free_, fixed_, rho_ = _inputs(
        ideal, weights, reservation, free, fixed, rho
    )
    n_rep, n_par, _ = ideal.shape
    best = np.empty((n_rep, n_par))
    exact = np.all(rho_ == 1.0, axis=1) & (n_par == 2)
    if exact.any():
        best[exact] = _two_party_best(
            ideal[exact], weights[exact], reservation[exact], free_[exact], fixed_[exact]
        )
    rest = ~exact
    if rest.any():
        box = _Box.build(ideal[rest], weights[rest], reservation[rest], free_[rest],
                         fixed_[rest], rho_[rest])
        best[rest] = _solve_best(box)
    return best


def _inputs(
    ideal: ArrayLike,
    weights: ArrayLike,
    reservation: ArrayLike,
    free: ArrayLike | None,
    fixed: ArrayLike | None,
    rho: ArrayLike,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Checked float / bool arrays of the shapes the Nash functions document."""
    ideal_ = np.asarray(ideal, dtype=float)
    if ideal_.ndim != 3:
        raise ValueError(f"ideal must be (R, P, I), got shape {ideal_.shape}")
    n_rep, n_par, n_iss = ideal_.shape
    weights_ = np.broadcast_to(np.asarray(weights, dtype=float), ideal_.shape)
    reservation_ = np.broadcast_to(np.asarray(reservation, dtype=float), (n_rep, n_par))
    rho_ = np.broadcast_to(np.asarray(rho, dtype=float), (n_rep, n_par))
    if free is None:
        free_ = np.ones((n_rep, n_iss), dtype=bool)
    else:
        free_ = np.broadcast_to(np.asarray(free, dtype=bool), (n_rep, n_iss))
    if fixed is None:
        if not free_.all():
            raise ValueError("fixed is required when some issue is not free")
        fixed_ = np.zeros((n_rep, n_iss))
    else:
        fixed_ = np.broadcast_to(np.asarray(fixed, dtype=float), (n_rep, n_iss))
    return ideal_, weights_, reservation_, free_, fixed_, rho_


# --- two parties, linear utilities: the frontier chain ----------------------------------------


@dataclass(frozen=True)
class _Chain:
    """The two-party Pareto frontier, one segment per sorted issue position.

    Position p stands for the segment of its group (the issues with its ratio w_1/w_0), so
    positions of one group repeat one segment. Along a segment at fraction t in [0, 1] the
    surpluses are ``g0 - t c0`` and ``g1 + t c1``. Shapes (R, I) unless noted.
    """

    e0: np.ndarray  # party 0's ideal (issues in their own order)
    e1: np.ndarray  # party 1's ideal
    order: np.ndarray  # issue at each sorted position
    group: np.ndarray  # group number of each sorted position (non-decreasing)
    u0: np.ndarray  # party 0's utility where the segment starts
    u1: np.ndarray  # party 1's utility where the segment starts
    c0: np.ndarray  # party 0's utility lost along the whole segment
    c1: np.ndarray  # party 1's utility gained along it
    text0: np.ndarray  # (R, I): the text at party 0's ideal (fixed issues at fixed)
    free: np.ndarray  # (R, I) bool: the issues the text may set
    idle: np.ndarray  # (R, I) bool: free issues with distinct ideals that neither party weighs


def _chain(
    ideal: np.ndarray, weights: np.ndarray, free: np.ndarray, fixed: np.ndarray
) -> _Chain:
    e0, e1 = ideal[:, 0, :], ideal[:, 1, :]
    w0, w1 = weights[:, 0, :], weights[:, 1, :]
    width = np.where(free, np.abs(e1 - e0) / 100.0, 0.0)
    c0, c1 = w0 * width, w1 * width
    text0 = np.where(free, e0, fixed)
    u0 = utility(text0, e0, w0)
    u1 = utility(text0, e1, w1)
    live = (c0 > 0) | (c1 > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        # log(w1) - log(w0) is exactly antisymmetric in the parties (unlike w1 / w0), so the
        # chain seen from party 1 is this one reversed, ties and all.
        key = np.where(live, np.log(w1) - np.log(w0), 0.0)
    order = np.argsort(-key, axis=-1, kind="stable")
    key_s = np.take_along_axis(key, order, axis=-1)
    c0_s = np.take_along_axis(c0, order, axis=-1)
    c1_s = np.take_along_axis(c1, order, axis=-1)
    n_rep, n_iss = key.shape
    pos = np.broadcast_to(np.arange(n_iss), (n_rep, n_iss))
    starts = np.ones((n_rep, n_iss), dtype=bool)
    starts[:, 1:] = key_s[:, 1:] != key_s[:, :-1]
    ends = np.ones((n_rep, n_iss), dtype=bool)
    ends[:, :-1] = starts[:, 1:]
    first = np.maximum.accumulate(np.where(starts, pos, 0), axis=-1)
    last = np.minimum.accumulate(np.where(ends, pos, n_iss - 1)[:, ::-1], axis=-1)[:, ::-1]
    zero = np.zeros((n_rep, 1))
    cum0 = np.concatenate([zero, np.cumsum(c0_s, axis=-1)], axis=-1)
    cum1 = np.concatenate([zero, np.cumsum(c1_s, axis=-1)], axis=-1)
    before0 = np.take_along_axis(cum0, first, axis=-1)
    before1 = np.take_along_axis(cum1, first, axis=-1)
    return _Chain(
        e0=e0,
        e1=e1,
        order=order,
        group=np.cumsum(starts, axis=-1),
        u0=u0[:, None] - before0,
        u1=u1[:, None] + before1,
        c0=np.take_along_axis(cum0, last + 1, axis=-1) - before0,
        c1=np.take_along_axis(cum1, last + 1, axis=-1) - before1,
        text0=text0,
        free=free,
        idle=free & ~live & (width > 0),
    )


def _chain_text(chain: _Chain, pick: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The text at fraction ``t`` (R,) of the segment at sorted position ``pick`` (R,)."""
    group = np.take_along_axis(chain.group, pick[:, None], axis=-1)
    theta_sorted = np.where(
        chain.group < group, 1.0, np.where(chain.group == group, t[:, None], 0.0)
    )
    theta = np.empty_like(theta_sorted)
    np.put_along_axis(theta, chain.order, theta_sorted, axis=-1)
    moved = np.where(theta >= 1.0, chain.e1, chain.e0 + theta * (chain.e1 - chain.e0))
    text = np.where(chain.free, moved, chain.text0)
    return np.where(chain.idle, 0.5 * (chain.e0 + chain.e1), text)


def _two_party_nash(
    ideal: np.ndarray,
    weights: np.ndarray,
    reservation: np.ndarray,
    free: np.ndarray,
    fixed: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact Nash (or egalitarian) text and has_range for two linear parties."""
    ch = _chain(ideal, weights, free, fixed)
    g0 = ch.u0 - reservation[:, :1]
    g1 = ch.u1 - reservation[:, 1:]
    c0, c1 = ch.c0, ch.c1
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # Part of each segment where both surpluses are >= 0: [t_lo, t_hi].
        t_lo = np.where(c1 > 0, np.maximum(0.0, -g1 / np.where(c1 > 0, c1, 1.0)),
                        np.where(g1 >= 0, 0.0, np.inf))
        t_hi = np.where(c0 > 0, np.minimum(1.0, g0 / np.where(c0 > 0, c0, 1.0)),
                        np.where(g0 >= 0, 1.0, -np.inf))
        # Unconstrained maximiser of (g0 - t c0)(g1 + t c1), the brief's u_0 = (c-r_1+k r_0)/2k.
        t_star = np.where(
            (c0 > 0) & (c1 > 0),
            (c1 * g0 - c0 * g1) / (2.0 * np.where(c0 > 0, c0, 1.0) * np.where(c1 > 0, c1, 1.0)),
            np.where((c0 == 0) & (c1 > 0), np.inf, -np.inf),
        )
        # Equal surpluses (egalitarian), clipped to the segment.
        t_eq = np.clip(np.where(c0 + c1 > 0, (g0 - g1) / np.where(c0 + c1 > 0, c0 + c1, 1.0),
                                0.0), 0.0, 1.0)
    feasible = t_lo <= t_hi
    t_nash = np.clip(t_star, np.minimum(t_lo, 1.0), np.maximum(t_hi, 0.0))
    product = np.where(feasible, (g0 - t_nash * c0) * (g1 + t_nash * c1), -np.inf)
    # Egalitarian: where a flat segment leaves one surplus the smaller one throughout, move
    # along it to the end that is best for the other party (leximin).
    s0, s1 = g0 - t_eq * c0, g1 + t_eq * c1
    t_eq = np.where((c0 == 0) & (s0 <= s1), 1.0, np.where((c1 == 0) & (s1 <= s0), 0.0, t_eq))
    s0, s1 = g0 - t_eq * c0, g1 + t_eq * c1
    low, high = np.minimum(s0, s1), np.maximum(s0, s1)
    best_low = low.max(axis=-1)
    tied = low >= best_low[:, None] - 1e-12
    pick_eq = np.argmax(np.where(tied, high, -np.inf), axis=-1)
    pick_nash = np.argmax(product, axis=-1)
    has_range = best_low > 0
    pick = np.where(has_range, pick_nash, pick_eq)
    t = np.where(
        has_range,
        np.take_along_axis(t_nash, pick[:, None], axis=-1)[:, 0],
        np.take_along_axis(t_eq, pick[:, None], axis=-1)[:, 0],
    )
    return _chain_text(ch, pick, t), has_range


def _two_party_best(
    ideal: np.ndarray,
    weights: np.ndarray,
    reservation: np.ndarray,
    free: np.ndarray,
    fixed: np.ndarray,
) -> np.ndarray:
    """Exact best attainable utilities (R, 2) for two linear parties, along the chain."""
    ch = _chain(ideal, weights, free, fixed)
    g0 = ch.u0 - reservation[:, :1]
    g1 = ch.u1 - reservation[:, 1:]
    c0, c1 = ch.c0, ch.c1
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # Party 0: the first point of the chain where party 1 reaches its reservation.
        t_lo = np.where(c1 > 0, np.maximum(0.0, -g1 / np.where(c1 > 0, c1, 1.0)),
                        np.where(g1 >= 0, 0.0, np.inf))
        # Party 1: the last point where party 0 still has its reservation.
        t_hi = np.where(c0 > 0, np.minimum(1.0, g0 / np.where(c0 > 0, c0, 1.0)),
                        np.where(g0 >= 0, 1.0, -np.inf))
    best0 = np.where(t_lo <= 1.0, ch.u0 - np.minimum(t_lo, 1.0) * c0, -np.inf).max(axis=-1)
    best1 = np.where(t_hi >= 0.0, ch.u1 + np.maximum(t_hi, 0.0) * c1, -np.inf).max(axis=-1)
    return np.stack([best0, best1], axis=-1)


# --- more parties or rho != 1: interior point on a smoothed problem ---------------------------

# Smoothing widths e on the 0-1 scale (10 points down to 1e-6 points) and, paired with them, the
# weights c of the smallest surplus in the first phase's barrier (gap P / c at the last one).
_EPS = tuple(10.0 ** -k for k in range(1, 9))
_C = tuple(10.0 ** (k + 1) for k in range(1, 9))
_TINY = 1e-300  # keeps a ridge or an eigenvalue floor positive
_NEWTON_STEPS = 60  # per stage; a replication stops as soon as its Newton decrement is tiny
_DECREMENT = 1e-11  # Newton decrement (g' d) below which a replication stops
_HALVINGS = 60  # backtracking line search: step 1, 1/2, ..., 2**-59
_LATTICE = 729  # most texts on the lattice of ideals tried as a start when some rho < 1


@dataclass(frozen=True)
class _Box:
    """The solver's view of R problems: the coordinates it moves, on the 0-1 scale."""

    m: np.ndarray  # (R, P, I) ideals / 100
    w: np.ndarray  # (R, P, I) weights on the solver's coordinates, 0 on the others
    rho: np.ndarray  # (R, P)
    const: np.ndarray  # (R, P): 1 - reservation - loss on the issues the solver does not move
    reservation: np.ndarray  # (R, P)
    var: np.ndarray  # (R, I) bool: the coordinates the solver moves
    lo: np.ndarray  # (R, I) the box of ideals / 100
    hi: np.ndarray  # (R, I)
    rest: np.ndarray  # (R, I) points: the text on the other issues

    @classmethod
    def build(
        cls,
        ideal: np.ndarray,
        weights: np.ndarray,
        reservation: np.ndarray,
        free: np.ndarray,
        fixed: np.ndarray,
        rho: np.ndarray,
    ) -> _Box:
        """Fix what needs no search: issues not free, free issues with one ideal or no weight."""
        lo, hi = ideal.min(axis=1), ideal.max(axis=1)
        weighed = (weights > 0).any(axis=1)
        var = free & (hi > lo) & weighed
        rest = np.where(free, np.where(weighed, lo, 0.5 * (lo + hi)), fixed)
        rest = np.where(var, 0.5 * (lo + hi), rest)
        outside = np.where(var[:, None, :], 0.0, weights)
        const = utility(rest[:, None, :], ideal, outside, rho) - reservation
        return cls(
            m=ideal / 100.0,
            w=np.where(var[:, None, :], weights, 0.0),
            rho=np.asarray(rho, dtype=float),
            const=const,
            reservation=np.asarray(reservation, dtype=float),
            var=var,
            lo=lo / 100.0,
            hi=hi / 100.0,
            rest=rest,
        )

    def rows(self, idx: np.ndarray) -> _Box:
        """The problems of replications ``idx``."""
        return _Box(
            m=self.m[idx],
            w=self.w[idx],
            rho=self.rho[idx],
            const=self.const[idx],
            reservation=self.reservation[idx],
            var=self.var[idx],
            lo=self.lo[idx],
            hi=self.hi[idx],
            rest=self.rest[idx],
        )

    def text(self, y: np.ndarray) -> np.ndarray:
        """Terms in points from the solver's coordinates ``y`` (R, I)."""
        return np.where(self.var, 100.0 * y, self.rest)

    def start(self) -> np.ndarray:
        """Salience-weighted mean of the ideals, (R, I): inside the box."""
        total = self.w.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (self.w * self.m).sum(axis=1) / np.where(total > 0, total, 1.0)
        return np.where(total > 0, mean, 0.5 * (self.lo + self.hi))

    def exact(self, y: np.ndarray) -> np.ndarray:
        """Exact surpluses u_a - r_a at ``y`` (R, I) -> (R, P)."""
        z = np.abs(y[:, None, :] - self.m)
        return self.const - (self.w * z ** self.rho[:, :, None]).sum(axis=-1)


def _smoothed(
    z: np.ndarray, rho: np.ndarray, eps: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The smoothed loss (z^2 + e^2)^(rho/2) and its first two derivatives in z.

    It lies in [|z|^rho, (|z| + e)^rho] and falls as e shrinks, so a smoothed surplus is never
    above the exact one and rises toward it: a text that clears the reservations with some
    smoothing clears them exactly, and with every smaller smoothing.
    """
    q = z * z + eps * eps
    qh = q ** (0.5 * rho)
    d1 = rho * z * qh / q
    d2 = rho * qh / q * (1.0 + (rho - 2.0) * z * z / q)
    return qh, d1, d2


@dataclass(frozen=True)
class _Goal:
    """Objective c_t t + sum_a lin_a S_a + sum_{a in logs} log(S_a - t) of (y, t)."""

    logs: np.ndarray  # (R, P) bool
    lin: np.ndarray  # (R, P)
    c_t: np.ndarray  # (R,)
    t_free: bool

    def rows(self, idx: np.ndarray) -> _Goal:
        """The objective of replications ``idx``."""
        return _Goal(self.logs[idx], self.lin[idx], self.c_t[idx], self.t_free)


def _value(box: _Box, goal: _Goal, y: np.ndarray, t: np.ndarray, eps: np.ndarray) -> np.ndarray:
    """Smoothed objective at (y, t) of shapes (R, K, I), (R, K) -> (R, K); -inf if infeasible."""
    z = y[:, :, None, :] - box.m[:, None]
    loss, _, _ = _smoothed(z, box.rho[:, None, :, None], eps[:, None, None, None])
    s = box.const[:, None] - (box.w[:, None] * loss).sum(axis=-1)  # (R, K, P)
    d = s - t[..., None]
    logs = goal.logs[:, None]
    ok = np.all(~logs | (d > 0), axis=-1)
    logd = np.log(np.where(logs & (d > 0), d, 1.0))
    value = goal.c_t[:, None] * t + (goal.lin[:, None] * s).sum(axis=-1) + logd.sum(axis=-1)
    return np.where(ok, value, -np.inf)


def _direction(
    box: _Box, goal: _Goal, y: np.ndarray, t: np.ndarray, eps: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Newton direction (R, I+1) and the decrement g'd (R,).

    Where every rho >= 1 the negated Hessian is positive semi-definite and the step solves it
    with a tiny ridge; elsewhere the step uses its absolute eigenvalues, so that it ascends.
    """
    n_rep, n_iss = y.shape
    z = y[:, None, :] - box.m
    loss, d1, d2 = _smoothed(z, box.rho[:, :, None], eps[:, None, None])
    s = box.const - (box.w * loss).sum(axis=-1)
    d = s - t[:, None]
    inv = np.where(goal.logs, 1.0 / np.where(goal.logs, d, 1.0), 0.0)
    inv2 = inv * inv
    grad_s = -box.w * d1  # (R, P, I): gradient of each surplus
    coef = goal.lin + inv
    g = np.zeros((n_rep, n_iss + 1))
    g[:, :n_iss] = (coef[:, :, None] * grad_s).sum(axis=1)
    neg_h = np.zeros((n_rep, n_iss + 1, n_iss + 1))
    neg_h[:, :n_iss, :n_iss] = np.einsum("rp,rpi,rpj->rij", inv2, grad_s, grad_s)
    diag = np.arange(n_iss)
    neg_h[:, diag, diag] += (coef[:, :, None] * box.w * d2).sum(axis=1)
    if goal.t_free:
        g[:, n_iss] = goal.c_t - inv.sum(axis=1)
        cross = (inv2[:, :, None] * grad_s).sum(axis=1)
        neg_h[:, :n_iss, n_iss] = -cross
        neg_h[:, n_iss, :n_iss] = -cross
        neg_h[:, n_iss, n_iss] = inv2.sum(axis=1)
    else:
        neg_h[:, n_iss, n_iss] = 1.0
    fixed_coord = ~box.var
    neg_h[:, diag, diag] = np.where(fixed_coord, 1.0, neg_h[:, diag, diag])
    g[:, :n_iss] = np.where(fixed_coord, 0.0, g[:, :n_iss])
    step = np.empty_like(g)
    concave = (box.rho >= 1.0).all(axis=1)  # -H is positive semi-definite there
    if concave.any():
        h = neg_h[concave]
        ridge = 1e-13 * np.abs(h).max(axis=(1, 2)) + _TINY
        h[:, np.arange(n_iss + 1), np.arange(n_iss + 1)] += ridge[:, None]
        step[concave] = np.linalg.solve(h, g[concave][..., None])[..., 0]
    if not concave.all():
        vals, vecs = np.linalg.eigh(neg_h[~concave])
        size = np.abs(vals)  # saddle-free: every step ascends
        floor = 1e-13 * size.max(axis=-1, keepdims=True) + _TINY
        proj = np.einsum("rji,rj->ri", vecs, g[~concave]) / np.maximum(size, floor)
        step[~concave] = np.einsum("rij,rj->ri", vecs, proj)
    return step, (g * step).sum(axis=-1)


def _newton(
    box: _Box, goal: _Goal, y: np.ndarray, t: np.ndarray, eps: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Damped Newton ascent on the smoothed objective until each replication stops."""
    y, t = y.copy(), t.copy()
    n_iss = y.shape[1]
    active = np.arange(y.shape[0])
    for _ in range(_NEWTON_STEPS):
        if active.size == 0:
            break
        sub, sub_goal = box.rows(active), goal.rows(active)
        ys, ts, es = y[active], t[active], eps[active]
        step, decrement = _direction(sub, sub_goal, ys, ts, es)
        value = _value(sub, sub_goal, ys[:, None], ts[:, None], es)[:, 0]
        size = np.ones(active.size)
        moved = np.zeros(active.size, dtype=bool)
        todo = decrement > _DECREMENT
        for _ in range(_HALVINGS):
            idx = np.flatnonzero(todo & ~moved)
            if idx.size == 0:
                break
            cand_y = np.clip(ys[idx] + size[idx, None] * step[idx, :n_iss], sub.lo[idx],
                             sub.hi[idx])
            cand_t = ts[idx] + size[idx] * step[idx, n_iss]
            cand = _value(sub.rows(idx), sub_goal.rows(idx), cand_y[:, None], cand_t[:, None],
                          es[idx])[:, 0]
            ok = cand >= value[idx] + 1e-4 * size[idx] * decrement[idx]
            ys[idx[ok]], ts[idx[ok]] = cand_y[ok], cand_t[ok]
            moved[idx[ok]] = True
            size[idx[~ok]] *= 0.5
        y[active], t[active] = ys, ts
        active = active[moved]
    return y, t


def _smoothed_surplus(box: _Box, y: np.ndarray, eps: np.ndarray) -> np.ndarray:
    """Smoothed surpluses (R, P) at ``y`` (R, I)."""
    loss, _, _ = _smoothed(y[:, None, :] - box.m, box.rho[:, :, None], eps[:, None, None])
    return box.const - (box.w * loss).sum(axis=-1)


def _phase_one(
    box: _Box, logs: np.ndarray, start: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Maximise the smallest exact surplus of the parties in ``logs`` (R, P).

    Barrier c t + sum_a log(S_a - t), c raised with the smoothing shrunk (the smoothed
    surpluses only rise, so t stays feasible); a replication stops at the end of the first
    stage whose text gives them all a positive exact surplus.
    Starts at ``start`` (R, I) on the 0-1 scale, by default the salience-weighted mean of the
    ideals. Returns the text (R, I) on the 0-1 scale and its smallest exact surplus (R,).
    """
    n_rep = box.m.shape[0]
    y = box.start() if start is None else start.copy()
    big = np.where(logs, 0.0, np.inf)
    t = (_smoothed_surplus(box, y, np.full(n_rep, _EPS[0])) + big).min(axis=1) - 1.0
    lowest = (box.exact(y) + big).min(axis=1)
    going = lowest <= 0
    for eps_k, c_k in zip(_EPS, _C, strict=True):
        rows = np.flatnonzero(going)
        if rows.size == 0:
            break
        sub = box.rows(rows)
        eps = np.full(rows.size, eps_k)
        goal = _Goal(logs[rows], np.zeros(logs[rows].shape), np.full(rows.size, c_k), True)
        y[rows], t[rows] = _newton(sub, goal, y[rows], t[rows], eps)
        lowest[rows] = (sub.exact(y[rows]) + big[rows]).min(axis=1)
        going[rows] = lowest[rows] <= 0
    smallest = partial(_smallest, box, logs)
    y = _polish(box, y, smallest)
    return y, smallest(y)


def _smallest(box: _Box, logs: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Smallest exact surplus (R,) at ``y`` of the parties in ``logs``."""
    return np.where(logs, box.exact(y), np.inf).min(axis=1)


def _log_nash(box: _Box, y: np.ndarray) -> np.ndarray:
    """Exact log Nash product at ``y`` (R, I); -inf where a surplus is not positive."""
    s = box.exact(y)
    ok = (s > 0).all(axis=1)
    return np.where(ok, np.log(np.where(s > 0, s, 1.0)).sum(axis=1), -np.inf)


def _polish(
    box: _Box, y: np.ndarray, score: Callable[[np.ndarray], np.ndarray]
) -> np.ndarray:
    """Try every coordinate at every party's ideal (the kinks); keep what raises ``score``."""
    best = score(y)
    n_par, n_iss = box.m.shape[1:]
    for _ in range(2):
        for i in range(n_iss):
            for a in range(n_par):
                cand = y.copy()
                cand[:, i] = np.where(box.var[:, i], box.m[:, a, i], y[:, i])
                new = score(cand)
                better = new > best
                y = np.where(better[:, None], cand, y)
                best = np.where(better, new, best)
    return y


def _ascend_feasible(
    box: _Box, y: np.ndarray, logs: np.ndarray, lin_unit: np.ndarray
) -> np.ndarray:
    """Newton stages on sum_{a in logs} log S_a + c lin_unit . S from ``y``.

    c runs through ``_C`` as the smoothing shrinks through ``_EPS``. ``y`` gives the parties in
    ``logs`` positive exact surpluses; a replication joins at the first stage whose smoothed
    surpluses are positive there too, and stays feasible (exactly, too) from then on. One that
    never joins (a range narrower than the last smoothing) keeps ``y``.
    """
    n_rep = y.shape[0]
    y = y.copy()
    for eps_k, c_k in zip(_EPS, _C, strict=True):
        eps = np.full(n_rep, eps_k)
        ready = np.all(~logs | (_smoothed_surplus(box, y, eps) > 0), axis=1)
        rows = np.flatnonzero(ready)
        if rows.size == 0:
            continue
        goal = _Goal(logs[rows], c_k * lin_unit[rows], np.zeros(rows.size), False)
        y[rows], _ = _newton(box.rows(rows), goal, y[rows], np.zeros(rows.size), eps[rows])
    return y


def _nash_from(box: _Box, start: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Both phases from ``start``: text (0-1 scale), has_range and score.

    The score is the exact log Nash product where there is a range, else the smallest surplus.
    """
    n_rep, n_par, _ = box.m.shape
    everyone = np.ones((n_rep, n_par), dtype=bool)
    y, lowest = _phase_one(box, everyone, start)
    has_range = lowest > 0
    score = lowest.copy()
    rows = np.flatnonzero(has_range)
    if rows.size:
        sub = box.rows(rows)
        first = y[rows]
        end = _ascend_feasible(sub, first, everyone[rows], np.zeros((rows.size, n_par)))
        end = np.where((_log_nash(sub, end) >= _log_nash(sub, first))[:, None], end, first)
        y[rows] = _polish(sub, end, partial(_log_nash, sub))
        score[rows] = _log_nash(sub, y[rows])
    return y, has_range, score


def _lattice_start(box: _Box, cap: int = _LATTICE) -> np.ndarray | None:
    """The best text (0-1 scale) with every free issue at some party's ideal, if few enough.

    Ranked as in :func:`_solve_nash` (a range first, then the log Nash product, else the
    smallest surplus); None when there are more than ``cap`` such texts.
    """
    n_rep, n_par, n_iss = box.m.shape
    if n_par**n_iss > cap:
        return None
    picks = np.array(list(product(range(n_par), repeat=n_iss)))  # (L, I)
    best = box.start()
    best_key = np.full(n_rep, -np.inf)
    for choice in picks:
        cand = np.where(box.var, box.m[:, choice, np.arange(n_iss)], best)
        s = box.exact(cand)
        low = s.min(axis=1)
        key = np.where(low > 0, 1e6 + _log_nash(box, cand), low)
        better = key > best_key
        best = np.where(better[:, None], cand, best)
        best_key = np.where(better, key, best_key)
    return best


def _solve_nash(box: _Box) -> tuple[np.ndarray, np.ndarray]:
    """Nash text (points) and has_range for the general case.

    Replications with some rho < 1 (not concave) also start from every party's ideal and from
    the best text on the lattice of ideals (when it has at most ``_LATTICE`` points), and keep
    the best end point: one with a range before one without, then the higher score.
    """
    y, has_range, score = _nash_from(box, box.start())
    rough = np.flatnonzero((box.rho < 1.0).any(axis=1))
    if rough.size:
        sub = box.rows(rough)
        starts = [np.where(sub.var, sub.m[:, a, :], sub.start()) for a in range(sub.m.shape[1])]
        lattice = _lattice_start(sub)
        if lattice is not None:
            starts.append(lattice)
        for start in starts:
            y_a, range_a, score_a = _nash_from(sub, start)
            h, s = has_range[rough], score[rough]
            better = (range_a & ~h) | ((range_a == h) & (score_a > s))
            take = rough[better]
            y[take], has_range[take], score[take] = y_a[better], range_a[better], score_a[better]
    return box.text(y), has_range


def _own_surplus(box: _Box, b: int, y: np.ndarray) -> np.ndarray:
    """Party b's exact surplus at ``y`` (R,) where every other party has its reservation."""
    s = box.exact(y)
    others = np.arange(s.shape[1]) != b
    ok = np.all((s >= 0) | ~others, axis=1)
    return np.where(ok, s[:, b], -np.inf)


def _solve_best(box: _Box) -> np.ndarray:
    """Best attainable utility of each party (R, P) for the general case."""
    n_rep, n_par, _ = box.m.shape
    best = np.full((n_rep, n_par), -np.inf)
    for b in range(n_par):
        own = np.zeros((n_rep, n_par), dtype=bool)
        own[:, b] = True
        if n_par == 1:
            y = np.where(box.var, box.m[:, 0, :], box.start())
            best[:, b] = box.exact(y)[:, 0] + box.reservation[:, 0]
            continue
        y, lowest = _phase_one(box, ~own)
        rows = np.flatnonzero(lowest > 0)
        if rows.size == 0:
            continue
        sub = box.rows(rows)
        others = ~own[rows]
        start = y[rows]
        end = _ascend_feasible(sub, start, others, own[rows].astype(float))
        gain = partial(_own_surplus, sub, b)
        end = np.where((gain(end) >= gain(start))[:, None], end, start)
        end = _polish(sub, end, gain)
        best[rows, b] = gain(end) + sub.reservation[:, b]
    return best


# --- three parties, linear utilities: a face of the utility zonotope --------------------------

# Two passes of (smoothing widths of the dual's hinges, Newton steps per width, window |g| of the
# undecided segments, how many of them the face search takes); the second pass runs only on the
# replications the first could not certify, from where the first left them.
_FAST_PASSES: tuple[tuple[tuple[float, ...], int, float, int], ...] = (
    ((8e-2, 1.5e-2), 2, 4e-2, 2),
    ((1.5e-2, 3e-3), 2, 2e-2, 3),
    ((3e-3, 6e-4), 2, 2e-2, 3),
    ((6e-4, 1.2e-4), 2, 1e-2, 3),
    ((1.2e-4, 2.4e-5), 3, 5e-3, 4),
    ((2.4e-5, 5e-6), 3, 2e-3, 4),
)
_FAST_SIZES = np.array([1.0, 0.5, 0.2, 0.05])  # step sizes tried by the dual's line search
_FAST_GAP = 1e-10  # duality gap (log Nash product) below which a text is certified optimal
_FAST_LAMBDA = (1e-8, 1e8)  # the dual multipliers are kept in this range (a text needs 1/S)


@dataclass(frozen=True)
class _Zonotope:
    """The surpluses as an affine image of the unit cube, replications on the *last* axis.

    ``S(t) = base + sum_j gen[j] t_j`` for ``t`` in [0, 1]^K, K = (P - 1) I: segment
    j = (k, i) runs on issue i from the k-th to the (k+1)-th lowest ideal (``length[j]`` long,
    0-1 scale; 0 on issues the solver does not move), and moving along it changes party a's
    surplus by ``gen[j, a] = +w_ai length_j`` if a's ideal is above the segment, else by
    ``-w_ai length_j``. Filling the segments of an issue from the bottom gives the text
    ``lo_i + sum_k t_ki length_ki`` exactly this surplus; any other t is worth no more than
    the text it fills to (triangle inequality), so the maximum over the cube is the maximum
    over the texts.
    """

    gen: np.ndarray  # (K, P, R)
    base: np.ndarray  # (P, R): the surpluses with every moved issue at its lowest ideal
    length: np.ndarray  # (K, R)

    def rows(self, idx: np.ndarray) -> _Zonotope:
        """The zonotopes of replications ``idx``."""
        return _Zonotope(self.gen[:, :, idx], self.base[:, idx], self.length[:, idx])


def _zonotope(box: _Box) -> _Zonotope:
    """The lifted problem of ``box`` (rho = 1)."""
    n_rep, n_par, n_iss = box.m.shape
    m = box.m.transpose(1, 2, 0)  # (P, I, R)
    order = np.argsort(m, axis=0, kind="stable")
    sorted_m = np.take_along_axis(m, order, axis=0)
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.broadcast_to(np.arange(n_par)[:, None, None], m.shape),
                      axis=0)
    length = np.where(box.var.T, sorted_m[1:] - sorted_m[:-1], 0.0)  # (P-1, I, R)
    above = rank[:, None] > np.arange(n_par - 1)[None, :, None, None]  # (P, P-1, I, R)
    gen = box.w.transpose(1, 2, 0)[:, None] * length[None] * np.where(above, 1.0, -1.0)
    base = box.const - (box.w * (box.m - box.lo[:, None, :])).sum(axis=-1)
    return _Zonotope(
        gen=np.ascontiguousarray(gen.transpose(1, 2, 0, 3).reshape(-1, n_par, n_rep)),
        base=np.ascontiguousarray(base.T),
        length=np.ascontiguousarray(length.reshape(-1, n_rep)),
    )


def _ksum(x: np.ndarray) -> np.ndarray:
    """Sum of a (K, R) array over the segments, in index order.

    An accumulation, not ``x.sum(axis=0)``: NumPy sums an axis pairwise when it is the
    innermost loop, which it is here only when a single replication is passed, so ``sum``
    would round a replication differently alone than in a batch. (Arrays (K, P, ..., R) are
    summed with ``sum(axis=0)``: their innermost loop runs over the parties, never over K, so
    the sum is in index order whatever R is.)
    """
    return np.add.accumulate(x, axis=0)[-1]


def _weigh(lam: np.ndarray, gen: np.ndarray) -> np.ndarray:
    """``g_j = sum_a lam_a gen_ja`` (K, R), summed over the parties in order."""
    out = lam[0] * gen[:, 0]
    for a in range(1, gen.shape[1]):
        out = out + lam[a] * gen[:, a]
    return out


def _solve_small(mat: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Solve the (P, P, R) systems for (P, R); a singular one gives NaN (it is not certified)."""
    try:
        return np.linalg.solve(mat.transpose(2, 0, 1), rhs.T[..., None])[..., 0].T
    except np.linalg.LinAlgError:
        out = np.full(rhs.shape, np.nan)
        for r in range(rhs.shape[1]):
            try:
                out[:, r] = np.linalg.solve(mat[:, :, r], rhs[:, r])
            except np.linalg.LinAlgError:
                continue
        return out


def _scale(z: _Zonotope, lam: np.ndarray) -> np.ndarray:
    """Typical size of ``|g_j|`` at ``lam`` (R,).

    The mean of ``sum_a lam_a |gen_ja|`` over the segments that move anything.
    The gains g do not change when every surplus is scaled by the same factor (lam scales by
    its inverse), but they grow as the surpluses shrink relative to the segments; smoothing
    widths and windows are set in this unit.
    """
    size = _ksum(_weigh(lam, np.abs(z.gen)))
    live = _ksum((z.gen != 0).any(axis=1).astype(float))
    return size / np.maximum(live, 1.0)


def _locate(z: _Zonotope, lam: np.ndarray, widths: tuple[float, ...], steps: int) -> np.ndarray:
    """Approximate Nash multipliers (P, R): damped Newton on the smoothed dual.

    The dual of ``max sum_a log S_a(t)`` over the cube is ``min_lam h(lam)``,
    ``h = sum_j max(0, g_j) + base . lam - sum_a log lam_a - P`` with ``g = gen' lam``. Each
    hinge ``max(0, g)`` is replaced by ``(g + sqrt(g^2 + e^2)) / 2`` (smooth, strictly convex),
    with e each of ``widths`` in turn times :func:`_scale`, ``steps`` Newton steps each; the
    line search takes the longest of a few steps along which ``h`` still falls (its slope there
    is not positive), and never more than 90% of the way to ``lam_a = 0``.
    """
    _, n_par, n_rep = z.gen.shape
    diag = np.arange(n_par)
    cols = np.arange(n_rep)
    for width in widths:
        e2 = (width * _scale(z, lam)) ** 2
        for _ in range(steps):
            g = _weigh(lam, z.gen)
            q = 1.0 / np.sqrt(g * g + e2)
            t = 0.5 + 0.5 * g * q  # the smoothed hinge's slope: a fractional t
            curv = (0.5 * e2) * (q * q * q)
            grad = (z.gen * t[:, None]).sum(axis=0) + z.base - 1.0 / lam
            hess = ((z.gen * curv[:, None])[:, :, None] * z.gen[:, None]).sum(axis=0)
            hess[diag, diag] += 1.0 / (lam * lam)
            d = -_solve_small(hess, grad)
            d = np.where(np.isfinite(d), d, 0.0)
            gd = _weigh(d, z.gen)
            room = np.where(d < 0, -0.9 * lam / np.where(d < 0, d, -1.0), np.inf).min(axis=0)
            size = np.minimum(_FAST_SIZES[:, None], room)  # (S, R)
            zz = g[:, None] + size * gd[:, None]  # (K, S, R)
            slope = (((0.5 + 0.5 * zz / np.sqrt(zz * zz + e2[None])) * gd[:, None]).sum(axis=0)
                     + (z.base * d).sum(axis=0) - (d / (lam + size[:, None] * d)).sum(axis=1))
            falls = slope <= 0
            step = np.where(falls.any(axis=0), size[np.argmax(falls, axis=0), cols], size[-1])
            lam = np.clip(lam + step * d, *_FAST_LAMBDA)
    return lam


def _face_table(lines: int) -> np.ndarray:
    """The faces of the cube of ``lines`` segments with at most two of them free.

    (F, lines): 0 where the segment is at 0, 1 at 1, 2 where it is free.
    """
    return np.array([s for s in product((0, 1, 2), repeat=lines) if s.count(2) <= 2])


_FACES = {n: _face_table(n) for n in (2, 3, 4)}


def _cross(
    u: np.ndarray, v: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cross product of two (3, ...) arrays, as its three components."""
    return (u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0])


def _best_face(gen: np.ndarray, base: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """The best point of a small cube for three parties, face by face, in closed form.

    ``gen`` (3, m, R) are the segments left to set and ``base`` (3, R) the surpluses with
    them at 0; returns their t (m, R). On a face with no segment free the point is its corner;
    with one free, ``sum_a log(b_a + a_a t)`` is largest where ``sum_a a_a / (b_a + a_a t)`` is
    0, a quadratic in t (both roots are tried); with two free, i and j, the multipliers are
    normal to both, ``lam ~ n = gen_i x gen_j`` (n > 0), and ``lam_a S_a`` equal with
    ``n . S = n . b`` gives ``S_a = (n . b) / (3 n_a)``, from which t_i and t_j follow. Each
    point is clipped to its face, so every candidate is a text, and the largest Nash product
    wins (first in table order on ties).
    """
    _, lines, n_rep = gen.shape
    free = faces == 2
    n_free = free.sum(axis=1)
    at_one = (faces == 1).astype(float)  # (F, m)
    corner = base[:, None] + (at_one[None, :, :, None] * gen[:, None]).sum(axis=2)  # (3, F, R)
    surpluses, points = [], []

    f0 = np.flatnonzero(n_free == 0)
    surpluses.append(corner[:, f0])
    points.append(np.broadcast_to(at_one[f0][:, :, None], (f0.size, lines, n_rep)))

    f1 = np.flatnonzero(n_free == 1)
    i1 = np.argmax(free[f1], axis=1)
    a, b = gen[:, i1], corner[:, f1]  # (3, F1, R)
    q2 = 3.0 * a[0] * a[1] * a[2]
    q1 = 2.0 * (a[0] * a[1] * b[2] + a[0] * a[2] * b[1] + a[1] * a[2] * b[0])
    q0 = a[0] * b[1] * b[2] + a[1] * b[0] * b[2] + a[2] * b[0] * b[1]
    root = np.sqrt(np.maximum(q1 * q1 - 4.0 * q2 * q0, 0.0))
    big = -0.5 * (q1 + np.where(q1 >= 0, root, -root))  # the stable pair of roots
    at_i1 = (np.arange(lines)[None, :] == i1[:, None])[:, :, None]
    for r in (np.where(q2 != 0, big / q2, -q0 / q1), q0 / big):
        t1 = np.clip(np.where(np.isfinite(r), r, 0.0), 0.0, 1.0)
        surpluses.append(b + a * t1)
        points.append(np.where(at_i1, t1[:, None], at_one[f1][:, :, None]))

    f2 = np.flatnonzero(n_free == 2)
    pair = np.argsort(~free[f2], axis=1, kind="stable")[:, :2]
    ii, jj = pair[:, 0], pair[:, 1]
    gi, gj, b = gen[:, ii], gen[:, jj], corner[:, f2]
    n = np.array(_cross(gi, gj))  # lam ~ n or -n; S_a = (n . b) / (3 n_a) either way
    normal = (n > 0).all(axis=0) | (n < 0).all(axis=0)
    n = np.where(normal, n, 1.0)
    target = ((n * b).sum(axis=0) / 3.0) / n
    move = target - b
    nn = (n * n).sum(axis=0)
    ti = np.clip((np.array(_cross(move, gj)) * n).sum(axis=0) / nn, 0.0, 1.0)
    tj = np.clip((np.array(_cross(gi, move)) * n).sum(axis=0) / nn, 0.0, 1.0)
    surpluses.append(np.where(normal, b + gi * ti + gj * tj, -1.0))
    at_ii = (np.arange(lines)[None, :] == ii[:, None])[:, :, None]
    at_jj = (np.arange(lines)[None, :] == jj[:, None])[:, :, None]
    points.append(np.where(at_ii, ti[:, None], np.where(at_jj, tj[:, None],
                                                         at_one[f2][:, :, None])))

    s = np.concatenate(surpluses, axis=1)  # (3, C, R)
    value = np.where((s > 0).all(axis=0), s[0] * s[1] * s[2], -1.0)
    best = np.argmax(value, axis=0)
    return np.concatenate(points, axis=0)[best, :, np.arange(n_rep)].T


def _face_text(z: _Zonotope, lam: np.ndarray, window: float, lines: int) -> np.ndarray:
    """The segments' t (K, R) at multipliers ``lam``, exact on the face it points to.

    A segment with ``g_j`` clearly positive goes fully (t = 1) and one clearly negative not at
    all; the (at most ``lines``) segments nearest ``g = 0`` within ``window`` (times
    :func:`_scale`) are set by :func:`_best_face`.
    """
    lines = min(lines, z.gen.shape[0])
    g = _weigh(lam, z.gen)
    live = (z.gen != 0).any(axis=1)
    open_ = live & (np.abs(g) < window * _scale(z, lam))
    pick = np.argsort(np.where(open_, np.abs(g), np.inf), axis=0, kind="stable")[:lines]
    real = np.take_along_axis(open_, pick, axis=0)  # (m, R)
    t = np.where(live & (g > 0) & ~open_, 1.0, 0.0)
    gen = (np.take_along_axis(z.gen, pick[:, None], axis=0) * real[:, None]).transpose(1, 0, 2)
    base = z.base + (z.gen * t[:, None]).sum(axis=0)
    chosen = _best_face(gen, base, _FACES[lines])
    np.put_along_axis(t, pick, np.where(real, chosen, np.take_along_axis(t, pick, axis=0)),
                      axis=0)
    return t


def _certified(box: _Box, z: _Zonotope, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The text of ``t`` (R, I) on the 0-1 scale, and whether it is the Nash text.

    Certificate: with ``lam = 1/S`` at the text (every S > 0), ``h(lam)`` bounds the log Nash
    product of every text from above (weak duality), and ``h(lam) - sum_a log S_a =
    sum_j max(0, g_j) + base . lam - P``; the text is accepted if that gap is below
    ``_FAST_GAP``.
    """
    _, n_par, n_rep = z.gen.shape
    y = box.lo + (t * z.length).reshape(n_par - 1, -1, n_rep).sum(axis=0).T
    s = box.exact(y)
    positive = (s > 0).all(axis=1)
    lam = 1.0 / np.where(positive[:, None], s, 1.0).T
    gap = _ksum(np.maximum(_weigh(lam, z.gen), 0.0)) + (lam * z.base).sum(axis=0) - n_par
    return y, positive & (gap <= _FAST_GAP)


def _three_party_nash(box: _Box) -> tuple[np.ndarray, np.ndarray]:
    """Nash text (0-1 scale, (R, I)) of three linear parties, and where it is certified (R,).

    Where not certified (no bargaining range, a range too narrow for the multipliers' bounds,
    a degenerate face) the text is meaningless and the caller solves those replications
    otherwise.
    """
    n_rep, _, n_iss = box.m.shape
    if n_iss == 0:
        return np.zeros((n_rep, 0)), (box.const > 0).all(axis=1)
    z = _zonotope(box)
    lam = 1.0 / np.maximum(box.exact(box.start()), 0.05).T
    y = np.zeros((n_rep, n_iss))
    ok = np.zeros(n_rep, dtype=bool)
    todo = np.arange(n_rep)
    with np.errstate(all="ignore"):
        for widths, steps, window, lines in _FAST_PASSES:
            whole = todo.size == n_rep
            sub, sub_box = (z, box) if whole else (z.rows(todo), box.rows(todo))
            lam_sub = _locate(sub, lam[:, todo], widths, steps)
            text, good = _certified(sub_box, sub, _face_text(sub, lam_sub, window, lines))
            y[todo[good]] = text[good]
            ok[todo[good]] = True
            lam[:, todo] = lam_sub
            todo = todo[~good]
            if todo.size == 0:
                break
    return y, ok
