"""The two fighting sides: which actor is which (model version 2).

The front, what each side believes about it and the reservations that follow are in
:mod:`sim.rules.beliefs`; the rearm penalty is :func:`sim.rules.beliefs.rearm_cost`.
"""

from __future__ import annotations

import numpy as np


def side_sign(n_actors: int, sides: tuple[int, int] | None) -> np.ndarray:
    """+1 for the first fighting side, -1 for the second, 0 for everyone else."""
    sign = np.zeros(n_actors)
    if sides is not None:
        sign[sides[0]] = 1.0
        sign[sides[1]] = -1.0
    return sign
