"""Which implementation of a hot rule a batch's phases call.

The rules in :mod:`sim.rules` are the statement of the model and the default. An engine may
hand a batch drop-in replacements that compute the same numbers faster (the compiled engine,
:mod:`sim.engine.compiled`); a phase calls a rule through ``b.kernels`` where one exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.rules import frontier

TwoPartyNash = Callable[
    [np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]
]
"""The signature of the exact two-party solver of :func:`sim.rules.frontier.frontier_nash`."""


@dataclass(frozen=True)
class Kernels:
    """Implementations of the rules a phase calls through ``b.kernels``.

    Attributes:
        two_party_nash: the exact two-party, linear-utility Nash text inside
            :func:`sim.rules.frontier.frontier_nash` (None: the rule's own NumPy code).
        logroll: :func:`sim.rules.frontier.logroll` or a drop-in replacement.
        name: what the engine calls this set (``numpy`` for the rules themselves).
    """

    two_party_nash: TwoPartyNash | None = None
    logroll: Callable[..., np.ndarray] = frontier.logroll
    name: str = "numpy"


NUMPY = Kernels()
"""The rules of :mod:`sim.rules` themselves."""
