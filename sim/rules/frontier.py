"""Logrolling restatements and the Nash text over the whole issue space (model version 2).

Arrays have a leading replication axis R, then parties P, then issues I; issues are 0-100 axes and
utilities those of :mod:`sim.rules.utility`, u_a(x) = 1 - sum_i w_ai (|x_i - ideal_ai|/100)^rho_a
with w_a normalised over the issues on the table.

* :func:`logroll` — a party's restated package: the terms that give it exactly its aspiration
  level while giving the other side the most (Raiffa 1982, ch. 10-11; the trade-off tactic of
  Faratin, Sierra & Jennings 2002).
* :func:`frontier_nash` — the Nash (1950) text of two parties over the whole issue space
  (not only the box of stated positions searched by :func:`sim.rules.mediator.nash_text`), with
  the egalitarian fallback of Kalai (1977) when no text gives every party its reservation.
* :func:`best_attainable` — per party, the best utility it can get while the other party gets
  at least its reservation: what it can expect from staying at the table.

Two parties with linear utilities are solved exactly and in closed form along the Pareto
frontier (a chain of fractional-knapsack points); more parties, or a risk exponent other than 1,
are not handled yet.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    with np.errstate(divide="ignore", invalid="ignore"):
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

    *More parties, or rho != 1*: not handled yet (``NotImplementedError``).

    Args:
        ideal: the parties' ideal points, (R, P, I).
        weights: their normalised saliences, (R, P, I).
        reservation: their current reservation utilities, (R, P).
        free: the issues the text may set, (R, I) bool; all of them if omitted.
        fixed: the terms of the other issues, (R, I); required if some issue is not free.
        rho: risk exponents, (R, P) or scalar.

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
    if not exact.all():
        raise NotImplementedError("frontier_nash: only two parties with rho = 1 so far")
    if exact.any():
        t, h = _two_party_nash(
            ideal[exact], weights[exact], reservation[exact], free_[exact], fixed_[exact]
        )
        text[exact], has_range[exact] = t, h
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

    More parties, or rho != 1, are not handled yet (``NotImplementedError``).

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
    if not exact.all():
        raise NotImplementedError("best_attainable: only two parties with rho = 1 so far")
    if exact.any():
        best[exact] = _two_party_best(
            ideal[exact], weights[exact], reservation[exact], free_[exact], fixed_[exact]
        )
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

