"""The per-round record of a batch of replications (what ``rounds.parquet`` is made from)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.batch.params import Params
from sim.batch.state import State


@dataclass
class Trace:
    """Per-round record of a batch; round 0 is the opening.

    Shapes: positions (R, T+1, A, I), text (R, T+1, I), momentum (R, T+1), settled (R, T+1, I),
    exchange (R, T+1) a humanitarian exchange took place in the round, last (R,) the last round
    recorded for each replication.
    """

    positions: np.ndarray
    text: np.ndarray
    momentum: np.ndarray
    settled: np.ndarray
    exchange: np.ndarray
    last: np.ndarray

    @classmethod
    def empty(cls, p: Params) -> Trace:
        """An all-NaN trace sized for ``p``."""
        R, T, A, n_i = p.runs, p.agenda.max_rounds, p.n_actors, p.n_issues
        return cls(
            np.full((R, T + 1, A, n_i), np.nan),
            np.full((R, T + 1, n_i), np.nan),
            np.full((R, T + 1), np.nan),
            np.zeros((R, T + 1, n_i), bool),
            np.zeros((R, T + 1), bool),
            np.zeros(R, np.int64),
        )

    def record(self, st: State, t: int, live: np.ndarray) -> None:
        """Store round ``t`` for the replications in ``live``.

        Positions are the public ones: settled issues already hold their terms there.
        """
        self.positions[live, t] = st.public[live]
        self.text[live, t] = st.text[live]
        self.momentum[live, t] = st.momentum[live]
        self.settled[live, t] = st.settled[live]
        self.exchange[live, t] = st.exchanged[live]
        self.last[live] = t

    def put(self, k: int, other: Trace) -> None:
        """Copy the one-replication trace ``other`` into row ``k``."""
        for name in ("positions", "text", "momentum", "settled", "exchange", "last"):
            getattr(self, name)[k] = getattr(other, name)[0]
