"""Actor utilities over terms on 0-100 issue axes.

u_a(x) = 1 - sum_i s_ai * (|x_i - ideal_ai| / 100) ** rho_a, with s the saliences normalised to
sum 1 over the issues on the table (docs/ODD.md §7.1). rho is a risk-attitude exponent: rho = 1
is the linear (risk-neutral) loss of spatial models of negotiation (Bueno de Mesquita 1994;
Thomson 1994 for the bargaining-theory view); rho > 1 makes small departures from the ideal cheap
and large ones dear (risk averse over the axis), rho < 1 the reverse.
"""

from __future__ import annotations

import numpy as np


def normalised_salience(salience: np.ndarray, on_table: np.ndarray) -> np.ndarray:
    """Saliences normalised to sum 1 over the issues on the table (last axis).

    Issues off the table get weight 0. An actor whose saliences on the table are all zero gets
    equal weights there (it is indifferent between issues, not between outcomes).

    Args:
        salience: raw saliences in [0, 1], shape (..., I).
        on_table: boolean mask, broadcastable to ``salience``.
    """
    s = np.where(on_table, salience, 0.0)
    total = s.sum(axis=-1, keepdims=True)
    count = np.broadcast_to(on_table, s.shape).sum(axis=-1, keepdims=True)
    equal = np.where(on_table, 1.0, 0.0) / np.maximum(count, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, s / np.where(total > 0, total, 1.0), equal)


def issue_loss(terms: np.ndarray, ideal: np.ndarray, rho: np.ndarray | float) -> np.ndarray:
    """Per-issue loss (|x - ideal| / 100) ** rho, in [0, 1].

    ``rho`` has the shape of ``terms`` without the issue axis (one exponent per actor).
    """
    distance = np.abs(terms - ideal) / 100.0
    rho = np.asarray(rho, dtype=float)
    if np.all(rho == 1.0):  # the common, risk-neutral case: skip the (slow) power
        return distance
    return distance ** rho[..., None]


def utility(
    terms: np.ndarray, ideal: np.ndarray, weights: np.ndarray, rho: np.ndarray | float = 1.0
) -> np.ndarray:
    """Utility of ``terms`` for actors with ``ideal`` points and normalised ``weights``.

    Args:
        terms: proposed values, shape (..., I) broadcastable against ``ideal``.
        ideal: ideal points, shape (..., I).
        weights: saliences normalised over the issues on the table, shape (..., I).
        rho: risk exponent per actor, shape (...) or scalar.

    Returns:
        Utilities in [0, 1], shape (...).
    """
    return 1.0 - (weights * issue_loss(terms, ideal, rho)).sum(axis=-1)
