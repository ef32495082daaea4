"""The other side of a party: the capability-weighted mean of the other parties' values.

A party concedes toward "the other side", and with more than two parties that is the
capability-weighted rest (their stated positions, their ideals, their saliences; docs/ODD.md
§7.9). The restatement itself is :func:`sim.rules.frontier.logroll`.
"""

from __future__ import annotations

import numpy as np


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
