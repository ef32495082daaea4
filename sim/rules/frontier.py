"""Logrolling restatements (model version 2).

Arrays have a leading replication axis R, then issues I; issues are 0-100 axes and utilities
those of :mod:`sim.rules.utility`, u_a(x) = 1 - sum_i w_ai (|x_i - ideal_ai|/100)^rho_a with w_a
normalised over the issues on the table.

* :func:`logroll` — a party's restated package: the terms that give it exactly its aspiration
  level while giving the other side the most (Raiffa 1982, ch. 10-11; the trade-off tactic of
  Faratin, Sierra & Jennings 2002).
"""

from __future__ import annotations

import numpy as np

from sim.rules.utility import issue_loss, utility

__all__ = ["logroll"]


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

