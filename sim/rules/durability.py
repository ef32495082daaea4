"""Whether an agreed ceasefire holds for ``durability.days`` (docs/ODD.md §7.14).

A constant hazard: a monthly probability of collapse h gives the rate lambda = -ln(1 - h) per
30 days; hazard ratios multiply the rate (Cox proportional hazards, as in Fortna 2003, IO 57(2),
"Scraps of paper?", and Fortna 2004, *Peace Time*): international monitors (Fortna: 55-60% lower
risk -> 0.45), explicit third-party guarantees (0.6), and an "unnatural" ceasefire imposed by
outside pressure (Werner & Yuen 2005, IO 59(2) -> 1.8). All three factors are judgement
(``docs/reference/domain.md`` §6.1). P(holds for D days) = exp(-lambda x D / 30).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def hold_probability(
    days: ArrayLike, monthly_hazard: ArrayLike, multiplier: ArrayLike
) -> np.ndarray:
    """Probability that a ceasefire survives ``days`` days under the scaled hazard."""
    h = np.clip(np.asarray(monthly_hazard, float), 0.0, 1.0 - 1e-12)
    rate = -np.log1p(-h) * np.asarray(multiplier, float)
    return np.exp(-rate * np.asarray(days, float) / 30.0)


def hazard_multiplier(
    monitors: ArrayLike,
    guarantees: ArrayLike,
    imposed: ArrayLike,
    has_monitors: ArrayLike,
    has_guarantees: ArrayLike,
    is_imposed: ArrayLike,
) -> np.ndarray:
    """Product of the hazard ratios whose conditions hold."""
    m = np.where(has_monitors, monitors, 1.0)
    g = np.where(has_guarantees, guarantees, 1.0)
    i = np.where(is_imposed, imposed, 1.0)
    return m * g * i
