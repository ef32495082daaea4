"""The mediator's single negotiating text (docs/ODD.md §7.5).

Three methods, each returning one value per issue:

* ``midpoint`` — the mean of the parties' stated positions (split-the-difference).
* ``weighted_mean`` — the capability x salience weighted mean of the stated positions, Stokman's
  "compromise model" (the weighted mean forecast of Bueno de Mesquita & Stokman 1994).
* ``nash`` — the Nash (1950) bargaining solution of the parties' utilities over their current
  reservations, searched inside the box spanned by their stated positions (a mediator can only
  table terms within what the sides have put on the table). For two parties with linear
  utilities the Pareto frontier inside the box is piecewise linear: issues are conceded in
  ascending order of the salience ratio s_1i / s_2i (the logrolling order of Raiffa 1982,
  ch. 10), and the Nash product is maximised exactly on each segment. With three or more parties,
  or a risk exponent other than 1, the text is found by cyclic coordinate ascent on the log Nash
  product (golden-section search per issue, until it stops moving), started from the weighted
  mean and from every party's own terms; the objective is concave in the box for rho >= 1. For
  rho < 1 it is not, and the text is then a good local optimum, not a guaranteed global one.
  When no text gives every party more than its reservation, the text maximises the smallest
  surplus instead (the egalitarian rule of Kalai 1977), so the mediator still tables something.

"Stated positions" here are the positions on the table this session (in the engines: each
party's stated terms, as it last restated them). Issues not on the table or already settled are
held fixed at ``fixed_terms``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sim.rules.utility import utility

METHODS = ("nash", "weighted_mean", "midpoint")
GOLDEN_STEPS = 36  # brackets each coordinate to 0.618**36 * 100 < 3e-6 axis points


def midpoint_text(stated: np.ndarray) -> np.ndarray:
    """Mean of the parties' stated positions; ``stated`` is (..., P, I)."""
    return stated.mean(axis=-2)


def weighted_mean_text(
    stated: np.ndarray, capability: np.ndarray, salience: np.ndarray
) -> np.ndarray:
    """Capability x salience weighted mean of stated positions per issue.

    Args:
        stated: (..., P, I); capability: (..., P); salience: raw saliences (..., P, I).
    """
    w = capability[..., None] * salience
    total = w.sum(axis=-2)
    plain = stated.mean(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (w * stated).sum(axis=-2) / np.where(total > 0, total, 1), plain)


def _two_party_nash(
    lo: np.ndarray,
    hi: np.ndarray,
    ideal: np.ndarray,
    weights: np.ndarray,
    reservation: np.ndarray,
    fixed: np.ndarray,
    free: np.ndarray,
) -> np.ndarray:
    """Exact Nash text for two linear-utility parties inside the box [lo, hi].

    Shapes: lo, hi, fixed: (..., I); ideal, weights: (..., 2, I); reservation: (..., 2);
    free: (..., I) bool. Returns (..., I).
    """
    e1 = np.clip(ideal[..., 0, :], lo, hi)
    e2 = np.clip(ideal[..., 1, :], lo, hi)
    x_best1 = np.where(free, e1, fixed)  # party 1's best terms in the box
    base1 = utility(x_best1, ideal[..., 0, :], weights[..., 0, :])
    base2 = utility(x_best1, ideal[..., 1, :], weights[..., 1, :])
    width = np.where(free, np.abs(e2 - e1) / 100.0, 0.0)
    c1 = weights[..., 0, :] * width  # utility party 1 loses by conceding the issue fully
    c2 = weights[..., 1, :] * width  # utility party 2 gains
    # Concede first where party 1 loses least per unit party 2 gains: ascending c1/c2.
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(c2 > 0, c1 / np.where(c2 > 0, c2, 1.0), np.inf)
    order = np.argsort(ratio, axis=-1, kind="stable")
    c1s = np.take_along_axis(c1, order, axis=-1)
    c2s = np.take_along_axis(c2, order, axis=-1)
    u1_vertex = base1[..., None] - np.concatenate(
        [np.zeros_like(c1s[..., :1]), np.cumsum(c1s, axis=-1)], axis=-1
    )  # (..., I+1)
    u2_vertex = base2[..., None] + np.concatenate(
        [np.zeros_like(c2s[..., :1]), np.cumsum(c2s, axis=-1)], axis=-1
    )
    g1 = u1_vertex[..., :-1] - reservation[..., 0, None]  # surplus at the start of each segment
    g2 = u2_vertex[..., :-1] - reservation[..., 1, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        t_nash = np.where((c1s > 0) & (c2s > 0), (c2s * g1 - c1s * g2) / (2.0 * c1s * c2s), 0.0)
        t_equal = np.where(c1s + c2s > 0, (g1 - g2) / (c1s + c2s), 0.0)
    candidates = np.stack(
        [
            np.zeros_like(t_nash),
            np.ones_like(t_nash),
            np.clip(t_nash, 0, 1),
            np.clip(t_equal, 0, 1),
        ],
        axis=-1,
    )  # (..., I, 4): segment, candidate
    s1 = g1[..., None] - candidates * c1s[..., None]
    s2 = g2[..., None] + candidates * c2s[..., None]
    feasible = (s1 >= 0) & (s2 >= 0)
    product = np.where(feasible, s1 * s2, -np.inf)
    worst = np.minimum(s1, s2)
    any_feasible = feasible.any(axis=(-2, -1))
    score = np.where(any_feasible[..., None, None], product, worst)
    flat = score.reshape(*score.shape[:-2], -1)
    best = np.argmax(flat, axis=-1)
    seg = best // candidates.shape[-1]
    cand = np.take_along_axis(
        candidates.reshape(*candidates.shape[:-2], -1), best[..., None], axis=-1
    )[..., 0]
    # theta per sorted position: 1 before the segment, cand on it, 0 after.
    pos = np.arange(order.shape[-1])
    theta_sorted = np.where(
        pos < seg[..., None], 1.0, np.where(pos == seg[..., None], cand[..., None], 0.0)
    )
    theta = np.empty_like(theta_sorted)
    np.put_along_axis(theta, order, theta_sorted, axis=-1)
    return np.where(free, e1 + theta * (e2 - e1), fixed)


def _log_nash(
    x: np.ndarray,
    ideal: np.ndarray,
    weights: np.ndarray,
    rho: np.ndarray,
    reservation: np.ndarray,
) -> np.ndarray:
    u = utility(x[..., None, :], ideal, weights, rho)  # (..., P)
    surplus = u - reservation
    ok = (surplus > 0).all(axis=-1)
    with np.errstate(divide="ignore"):
        logp = np.log(np.maximum(surplus, 1e-300)).sum(axis=-1)
    return np.where(ok, logp, -1e6 + surplus.min(axis=-1))


def _coordinate_nash(
    lo: np.ndarray,
    hi: np.ndarray,
    ideal: np.ndarray,
    weights: np.ndarray,
    rho: np.ndarray,
    reservation: np.ndarray,
    fixed: np.ndarray,
    free: np.ndarray,
    start: np.ndarray,
    max_sweeps: int = 60,
    tol: float = 1e-7,
) -> np.ndarray:
    """Cyclic coordinate ascent with golden-section line searches, until it stops moving.

    Each replication (row of the leading axes) stops on its own once a whole sweep moves none of
    its coordinates by more than ``tol``; only the rows still moving are swept again.
    """
    shape = start.shape
    n_issues = shape[-1]
    batch = shape[:-1]

    def rows(arr: ArrayLike, trailing: int) -> np.ndarray:
        """Broadcast to batch + the last ``trailing`` dims of ``arr``; flatten the batch."""
        arr = np.asarray(arr)
        tail = arr.shape[arr.ndim - trailing:]
        return np.broadcast_to(arr, batch + tail).reshape((-1,) + tail)

    lo2, hi2, fixed2, free2 = (rows(arr, 1) for arr in (lo, hi, fixed, free))
    ideal2, weights2 = rows(ideal, 2), rows(weights, 2)
    rho2, res2 = rows(rho, 1), rows(reservation, 1)
    x = np.where(free2, np.clip(start.reshape(-1, n_issues), lo2, hi2), fixed2)
    golden = (np.sqrt(5.0) - 1.0) / 2.0
    live = np.arange(x.shape[0])
    for _ in range(max_sweeps):
        if live.size == 0:
            break
        xs = x[live]
        before = xs.copy()
        args = (ideal2[live], weights2[live], rho2[live], res2[live])
        for i in range(n_issues):
            a = lo2[live, i].copy()
            b = hi2[live, i].copy()
            for _ in range(GOLDEN_STEPS):
                c = b - golden * (b - a)
                d = a + golden * (b - a)
                xc = xs.copy()
                xc[:, i] = c
                xd = xs.copy()
                xd[:, i] = d
                left = _log_nash(xc, *args) >= _log_nash(xd, *args)
                b = np.where(left, d, b)
                a = np.where(left, a, c)
            trial = xs.copy()
            trial[:, i] = np.where(free2[live, i], 0.5 * (a + b), xs[:, i])
            better = _log_nash(trial, *args) >= _log_nash(xs, *args)
            xs = np.where(better[:, None], trial, xs)
        x[live] = xs
        moving = np.max(np.abs(xs - before), axis=1, initial=0.0) >= tol
        live = live[moving]
    return x.reshape(shape)


def _best_of_starts(
    lo: np.ndarray,
    hi: np.ndarray,
    ideal: np.ndarray,
    weights: np.ndarray,
    rho: np.ndarray,
    reservation: np.ndarray,
    fixed: np.ndarray,
    free: np.ndarray,
    starts: list[np.ndarray],
) -> np.ndarray:
    """Coordinate ascent from several starting texts; keep the best end point.

    Starting from every party's own terms as well as the weighted mean matters: when the mean
    clears no reservation, ascent on the smallest surplus can stall on a ridge, while a party's
    own terms may already clear them all (a feasible start stays feasible).
    """
    first, *others = starts
    best = _coordinate_nash(lo, hi, ideal, weights, rho, reservation, fixed, free, first)
    best_score = _log_nash(best, ideal, weights, rho, reservation)
    for start in others:
        x = _coordinate_nash(lo, hi, ideal, weights, rho, reservation, fixed, free, start)
        score = _log_nash(x, ideal, weights, rho, reservation)
        take = score > best_score
        best = np.where(take[..., None], x, best)
        best_score = np.where(take, score, best_score)
    return best


def nash_text(
    stated: np.ndarray,
    ideal: np.ndarray,
    weights: np.ndarray,
    rho: np.ndarray,
    reservation: np.ndarray,
    fixed_terms: np.ndarray,
    free: np.ndarray,
) -> np.ndarray:
    """Nash bargaining text inside the box of the parties' stated positions.

    Args:
        stated: parties' stated positions (..., P, I).
        ideal: parties' ideal points (..., P, I).
        weights: normalised saliences (..., P, I).
        rho: risk exponents (..., P).
        reservation: current reservation utilities (..., P).
        fixed_terms: values of settled or off-table issues (..., I).
        free: issues the text may set (..., I).
    """
    lo = np.where(free, stated.min(axis=-2), fixed_terms)
    hi = np.where(free, stated.max(axis=-2), fixed_terms)
    n_parties = stated.shape[-2]
    if n_parties == 2 and np.all(np.asarray(rho) == 1.0):
        return _two_party_nash(lo, hi, ideal, weights, reservation, fixed_terms, free)
    starts = [weighted_mean_text(stated, np.ones(stated.shape[:-1]), weights)]
    starts += [stated[..., k, :] for k in range(n_parties)]
    return _best_of_starts(lo, hi, ideal, weights, rho, reservation, fixed_terms, free, starts)
