"""Third-party leverage on the parties' stated positions (DESIGN §3 step 3).

Each third party q pulls party p's stated position on issue i toward q's ideal with weight
k_qpi = leverage_qp x engagement_q x salience_qi x (1 - salience_pi x capability_p):
leverage works in proportion to the patron's stake and effort and is resisted by how much the
client cares and how strong it is. This is the "leverage" of mediation and patronage in
Beardsley (2008, AJPS 52(4)) and of asymmetric dependence in Keohane & Nye (1977, ch. 1);
the functional form is a modelling choice (``docs/ODD.md``, "Third parties"). When the weights
on one party's issue sum to more than 1 they are scaled to sum 1, so a position never
overshoots the pulling ideals.
"""

from __future__ import annotations

import numpy as np


def pull_weights(leverage, engagement, salience, capability) -> np.ndarray:
    """Pull weights k[q, p, i] (shape (..., A, A, I)).

    Args:
        leverage: (..., A, A), leverage[q, p] of actor q on party p (0 where none).
        engagement: (..., A).
        salience: raw saliences (..., A, I).
        capability: (..., A).
    """
    push = (leverage * engagement[..., :, None])[..., None] * salience[..., :, None, :]
    resist = 1.0 - salience * capability[..., None]  # (..., A[p], I)
    return push * resist[..., None, :, :]


def apply_pull(stated, ideal, weights, movable) -> np.ndarray:
    """Pull stated positions (..., A, I) toward the pullers' ideals (..., A, I).

    Args:
        stated: stated positions of every actor.
        ideal: ideal points of every actor (the pullers' targets).
        weights: from :func:`pull_weights`, (..., A[q], A[p], I).
        movable: (..., A, I) where a position may move (open issues of parties).
    """
    total = weights.sum(axis=-3)  # (..., A[p], I)
    scale = np.where(total > 1.0, 1.0 / np.where(total > 0, total, 1.0), 1.0)
    towards = (weights * (ideal[..., :, None, :] - stated[..., None, :, :])).sum(axis=-3)
    return np.where(movable, stated + scale * towards, stated)
