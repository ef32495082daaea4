"""Smooth walkouts: the more a side expects from fighting than from talking, the likelier it goes.

Zartman's ripeness (2000, "Ripeness: the hurting stalemate and beyond", in P. C. Stern &
D. Druckman (eds.), *International Conflict Resolution after the Cold War*, Washington, DC:
National Academy Press, 225-250) read the other way round: talks are ripe when both sides see
no better way out than a negotiated one; a side that expects more from fighting on than from
the talks is not ready and stops talking. Its frustration at a session is

    g = r_a(t) - (best utility it can expect from the talks),

r_a its reservation (its utility of fighting on). Version 1 uses a step: the party leaves with
probability ``hazard`` once g exceeds ``threshold``. Here the step is smoothed by a logistic
(a modelling choice; no source fixes the form):

    h = hazard x logistic((g - threshold) / softness),   logistic(x) = 1 / (1 + exp(-x)),

so h lies in [0, hazard], rises with g, equals hazard / 2 at g = threshold, and its slope is
at most hazard / (4 softness). As softness -> 0 it tends to the step (hazard above the
threshold, 0 below; hazard / 2 exactly at it, where the step of version 1 gives 0). Softness
below :data:`MIN_SOFTNESS` (0 and negative values included) is raised to it, so a zero
softness gives the step instead of a division by zero. Whether a party leaves is decided by a
uniform drawn up front: it leaves when u < h.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

MIN_SOFTNESS = 1e-9  # utility; a smaller softness is raised to this (the step, numerically)


def _logistic(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)) through tanh: no overflow for large |x|, exactly 1/2 at 0."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def frustration(reservation: ArrayLike, expected: ArrayLike) -> np.ndarray:
    """Frustration g = reservation - the best utility the party can expect from the talks."""
    return np.asarray(reservation, float) - np.asarray(expected, float)


def walkout_hazard(
    gap: ArrayLike,
    hazard: ArrayLike,
    threshold: ArrayLike,
    softness: ArrayLike,
) -> np.ndarray:
    """Probability of leaving at this session: hazard x logistic((g - threshold) / softness).

    Args:
        gap: (...) the frustration g from :func:`frustration`.
        hazard: (...) or broadcastable: the largest per-session probability of leaving, [0, 1].
        threshold: (...) or broadcastable: the frustration at which h = hazard / 2.
        softness: (...) or broadcastable: width of the transition in utility, > 0 (values
            below :data:`MIN_SOFTNESS` are raised to it).

    Returns:
        (...) hazards in [0, hazard].
    """
    s = np.maximum(np.asarray(softness, float), MIN_SOFTNESS)
    x = (np.asarray(gap, float) - np.asarray(threshold, float)) / s
    return np.asarray(hazard, float) * _logistic(x)


def leaves(uniform: ArrayLike, hazard: ArrayLike) -> np.ndarray:
    """True where the party walks out: its pre-drawn uniform falls below its hazard."""
    return np.asarray(uniform, float) < np.asarray(hazard, float)
