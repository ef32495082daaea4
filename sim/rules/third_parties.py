"""Third-party leverage on the parties' stated positions (docs/ODD.md §7.4).

Each third party q pulls party p's stated position on issue i toward q's ideal with weight
k_qpi = leverage_qp x engagement_q x salience_qi x (1 - salience_pi x capability_p):
leverage works in proportion to the patron's stake and effort and is resisted by how much the
client cares and how strong it is. This is the "leverage" of mediation and patronage in
Beardsley (2008, AJPS 52(4)) and of asymmetric dependence in Keohane & Nye (1977, ch. 1);
the functional form is a modelling choice (``docs/ODD.md`` §7.4, "Third-party pull").
When the weights on one party's issue sum to more than 1 they are scaled to sum 1, so a
position never overshoots the pulling ideals.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def pull_weights(
    leverage_q: ArrayLike,
    engagement_q: ArrayLike,
    salience_q: ArrayLike,
    salience: ArrayLike,
    capability: ArrayLike,
) -> np.ndarray:
    """Pull weights k[p, i] of one puller q on every party p and issue i.

    Args:
        leverage_q: (..., A) leverage of q on each actor (0 where none).
        engagement_q: (...) engagement of q.
        salience_q: (..., I) q's raw saliences.
        salience: (..., A, I) raw saliences of the pulled actors (their resistance).
        capability: (..., A) capabilities of the pulled actors.

    Returns:
        (..., A, I) weights in [0, 1] (each factor lies in [0, 1]).
    """
    push = (np.asarray(leverage_q) * np.asarray(engagement_q)[..., None])[..., None]
    return push * np.asarray(salience_q)[..., None, :] * (
        1.0 - np.asarray(salience) * np.asarray(capability)[..., None]
    )


def displaced_positions(
    own: np.ndarray, weight_total: np.ndarray | float, weighted_ideals: np.ndarray | float
) -> np.ndarray:
    """Positions displaced by this round's pulls, without compounding over rounds.

    public = own + (sum_q k_q ideal_q - K own) / max(K, 1), K = sum_q k_q: each puller moves the
    position toward its ideal by its weight; when the weights add up to more than 1 they are
    scaled to sum 1, so a position never overshoots the pullers' ideals.
    """
    scale = 1.0 / np.maximum(weight_total, 1.0)
    return own + scale * (weighted_ideals - weight_total * own)
