"""A batch: what every phase of a protocol acts on.

It bundles the compiled parameters, the mutable state and the pre-drawn random numbers of a
set of replications with the round being played and the round's working notes (the text on
the table, each party's answer, who walked out). A phase reads and writes these; the engines
only decide in what order phases and actors run, and that order is the protocol's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.batch.draws import Draws
from sim.batch.kernels import NUMPY, Kernels
from sim.batch.params import Params
from sim.batch.state import State


@dataclass
class Batch:
    """Parameters, state, draws and this round's notes of a batch of replications."""

    params: Params
    state: State
    draws: Draws
    round: int = 0
    tabled_by: int = -1  # actor whose text is on the table this round (-1: no actor)
    fired: list[str] = field(default_factory=list)  # names that fired this round, anywhere
    answers: dict[int, np.ndarray] = field(default_factory=dict)  # party -> (R, I) accepted
    walked: dict[int, np.ndarray] = field(default_factory=dict)  # party -> (R,) walked out
    notes: dict[str, Any] = field(default_factory=dict)  # other per-round values of a protocol
    carry: dict[str, Any] = field(default_factory=dict)  # values a protocol keeps across rounds
    kernels: Kernels = NUMPY  # implementations of the hot rules (see sim.batch.kernels)

    @classmethod
    def start(cls, params: Params, draws: Draws, kernels: Kernels = NUMPY) -> Batch:
        """A batch at round 0, in its opening state."""
        return cls(params, State.initial(params), draws, kernels=kernels)

    def begin_round(self, t: int) -> None:
        """Move to round ``t`` and clear the previous round's notes."""
        self.round = t
        self.tabled_by = -1
        self.fired = []
        self.answers = {}
        self.walked = {}
        self.notes = {}

    def actors(self, which: str) -> np.ndarray:
        """Indices of the actors a per-actor phase runs for: ``parties`` or ``others``."""
        is_party = self.params.actors.is_party
        if which == "parties":
            return self.params.actors.party_idx
        if which == "others":
            return np.flatnonzero(~is_party)
        raise ValueError(f"unknown actor selection {which!r}; use 'parties' or 'others'")

    def stacked(self, per_party: dict[int, np.ndarray]) -> np.ndarray:
        """Per-party arrays stacked in party order on axis 1 (``(R, P, ...)``)."""
        return np.stack([per_party[a] for a in self.params.actors.party_idx], axis=1)
