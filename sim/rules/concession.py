"""Restating a position after a concession in utility space.

A party that lowers its aspiration to alpha restates its terms by moving its stated position
from where it stands toward a concession target g (the capability-weighted stated position of
the other parties) as far as its utility allows: the largest lambda in [0, 1] with
u(s + lambda (g - s)) >= alpha. Positions never move back (concessions are not withdrawn) and
settled or off-table issues do not move. This is the "concession along the line to the
opponent" of monotonic-concession protocols (Rosenschein & Zlotkin 1994, ch. 4); with rho >= 1
utility is concave along the line, so the set of admissible lambda is an interval and bisection
finds its end.
"""

from __future__ import annotations

import numpy as np

from sim.rules.utility import utility

BISECTION_STEPS = 30  # lambda to within 1e-9 of the 0-100 axis


def restate_position(
    stated: np.ndarray,
    target: np.ndarray,
    movable: np.ndarray,
    ideal: np.ndarray,
    weights: np.ndarray,
    rho: np.ndarray,
    aspiration: np.ndarray,
) -> np.ndarray:
    """Move ``stated`` toward ``target`` on ``movable`` issues until utility equals ``aspiration``.

    Args:
        stated: current stated terms, shape (..., I).
        target: concession target, shape (..., I).
        movable: boolean mask of the issues that may move, shape (..., I).
        ideal, weights, rho: the party's utility (see :func:`sim.rules.utility.utility`).
        aspiration: utility the restated terms must still be worth, shape (...).

    Returns:
        The restated terms, shape (..., I). Where the current terms are already worth less than
        ``aspiration`` they are returned unchanged.
    """
    direction = np.where(movable, target - stated, 0.0)

    def u_at(lam: np.ndarray) -> np.ndarray:
        return utility(stated + lam[..., None] * direction, ideal, weights, rho)

    shape = aspiration.shape
    full = u_at(np.ones(shape)) >= aspiration
    lo = np.zeros(shape)
    hi = np.ones(shape)
    for _ in range(BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        ok = u_at(mid) >= aspiration
        lo = np.where(ok, mid, lo)
        hi = np.where(ok, hi, mid)
    lam = np.where(full, 1.0, lo)
    lam = np.where(u_at(np.zeros(shape)) >= aspiration, lam, 0.0)
    return stated + lam[..., None] * direction


def concession_target(
    stated: np.ndarray, capability: np.ndarray, is_party: np.ndarray
) -> np.ndarray:
    """For each party, the capability-weighted mean stated position of the *other* parties.

    Args:
        stated: stated positions of all actors, shape (..., A, I).
        capability: shape (..., A).
        is_party: boolean, shape (A,).

    Returns:
        Targets, shape (..., A, I); rows of non-parties are meaningless (zeros).
    """
    w = np.where(is_party, capability, 0.0)  # (..., A)
    total = (w[..., :, None] * stated).sum(axis=-2, keepdims=True)  # (..., 1, I)
    wsum = w.sum(axis=-1, keepdims=True)[..., None]  # (..., 1, 1)
    others = wsum - w[..., :, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (total - w[..., :, None] * stated) / np.where(others > 0, others, 1.0)
    return np.where(others > 0, mean, stated)
