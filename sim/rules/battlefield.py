"""Battlefield dynamics: momentum, war costs, moving reservations, fear of rearmament.

* Momentum follows a bounded random walk m_t = clip(m_{t-1} + drift + volatility e_t, -1, 1),
  m > 0 favouring the first side. Battles reveal information and move expectations of what
  fighting on will yield (Filson & Werner 2002, AJPS 46(4); Slantchev 2003, APSR 97(4)).
* Each fighting party's reservation (its utility of fighting on, its BATNA) moves by
  momentum_effect x m_t for the favoured side and by the same amount down for the other, and
  both lose their war cost every round: the bargaining range widens with costs (Fearon 1995,
  IO 49(3)) and shifts toward the side winning battles (Filson & Werner 2002).
* The favoured side's utility of a general ceasefire is reduced by rearm_fear x momentum: a
  pause lets the other side rearm, a commitment problem under shifting power (Powell 2006,
  IO 60(1); Putin, 13 Mar 2025: would Ukraine use 30 days to "mobilise, rearm, train").
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def momentum_step(
    momentum: np.ndarray | float,
    drift: np.ndarray | float,
    volatility: np.ndarray | float,
    shock: np.ndarray | float,
) -> np.ndarray:
    """One step of the bounded random walk of battlefield momentum."""
    return np.clip(momentum + drift + volatility * shock, -1.0, 1.0)


def side_sign(n_actors: int, sides: tuple[int, int] | None) -> np.ndarray:
    """+1 for the first fighting side, -1 for the second, 0 for everyone else."""
    sign = np.zeros(n_actors)
    if sides is not None:
        sign[sides[0]] = 1.0
        sign[sides[1]] = -1.0
    return sign


def reservation_step(
    reservation: np.ndarray,
    momentum: np.ndarray,
    sign: np.ndarray,
    momentum_effect: np.ndarray | float,
    war_cost: np.ndarray | float,
) -> np.ndarray:
    """New reservations: +/- momentum_effect x momentum for the sides, minus war costs.

    Args:
        reservation: (..., A); momentum: (...); sign: (A,) from :func:`side_sign`;
        momentum_effect: (...); war_cost: (..., A) cost this round (0 for non-fighters).
    """
    shift = (momentum_effect * momentum)[..., None] * sign
    return np.clip(reservation + shift - war_cost, 0.0, 1.0)


def rearm_penalty(momentum: ArrayLike, sign: np.ndarray, rearm_fear: ArrayLike) -> np.ndarray:
    """Utility the favoured side subtracts from any text that contains a general ceasefire.

    Returns (..., A): rearm_fear x |momentum| for the side momentum favours, 0 elsewhere.
    """
    favoured = np.asarray(momentum)[..., None] * sign  # > 0 for the favoured side
    return np.asarray(rearm_fear)[..., None] * np.maximum(favoured, 0.0)
