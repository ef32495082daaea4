"""The per-session record of a batch of replications.

``rounds.parquet`` (positions per run x session x actor x issue) and ``sessions.parquet`` (one
row per run x session) are made from it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from sim.batch.params import Params
from sim.batch.state import State


@dataclass
class Trace:
    """Per-session record of a batch; session 0 is the opening.

    Shapes (T = sessions): positions (R, T+1, A, I) stated terms, text (R, T+1, I) the text
    tabled, front (R, T+1) the front's cumulative movement, belief / reservation / aspiration
    (R, T+1, A) each actor's belief about the edge (NaN for actors that fight no battles), its
    reservation and its aspiration, accepted (R, T+1, A) how many open issues each party said
    yes to, initialled (R, T+1, A) it only initialled them, ratified (R, T+1, A) its principal
    ratified (1) or refused (-1) what was initialled, settled (R, T+1, I), exchange (R, T+1) a
    humanitarian exchange took place, walkout (R, T+1) the actor who walked out (-1 none),
    last (R,) the last session recorded for each replication.
    """

    positions: np.ndarray
    text: np.ndarray
    front: np.ndarray
    belief: np.ndarray
    reservation: np.ndarray
    aspiration: np.ndarray
    accepted: np.ndarray
    initialled: np.ndarray
    ratified: np.ndarray
    settled: np.ndarray
    exchange: np.ndarray
    walkout: np.ndarray
    last: np.ndarray

    @classmethod
    def empty(cls, p: Params) -> Trace:
        """An all-NaN trace sized for ``p``."""
        R, T, A, n_i = p.runs, p.agenda.sessions, p.n_actors, p.n_issues
        return cls(
            positions=np.full((R, T + 1, A, n_i), np.nan),
            text=np.full((R, T + 1, n_i), np.nan),
            front=np.full((R, T + 1), np.nan),
            belief=np.full((R, T + 1, A), np.nan),
            reservation=np.full((R, T + 1, A), np.nan),
            aspiration=np.full((R, T + 1, A), np.nan),
            accepted=np.zeros((R, T + 1, A), np.int64),
            initialled=np.zeros((R, T + 1, A), bool),
            ratified=np.zeros((R, T + 1, A), np.int64),
            settled=np.zeros((R, T + 1, n_i), bool),
            exchange=np.zeros((R, T + 1), bool),
            walkout=np.full((R, T + 1), -1, np.int64),
            last=np.zeros(R, np.int64),
        )

    def record(self, st: State, t: int, live: np.ndarray, p: Params) -> None:
        """Store session ``t`` for the replications in ``live``.

        Positions are the stated ones: settled issues already hold their terms there.
        """
        sides = np.zeros(p.n_actors, bool)
        if p.battlefield.sides is not None:
            sides[list(p.battlefield.sides)] = True
        self.positions[live, t] = st.stated[live]
        self.text[live, t] = st.text[live]
        self.front[live, t] = st.front[live] if p.battlefield.sides is not None else np.nan
        self.belief[live, t] = np.where(sides, st.belief[live], np.nan)
        self.reservation[live, t] = st.reservation[live]
        self.aspiration[live, t] = st.aspiration[live]
        self.accepted[live, t] = st.accepted[live]
        self.initialled[live, t] = st.initialled_by[live]
        self.ratified[live, t] = st.ratified[live]
        self.settled[live, t] = st.settled[live]
        self.exchange[live, t] = st.exchanged[live]
        if t > 0:
            self.walkout[live, t] = np.where(st.end_round[live] == t, st.walkout_by[live], -1)
        self.last[live] = t

    def put(self, k: int, other: Trace) -> None:
        """Copy the one-replication trace ``other`` into row ``k``."""
        for f in fields(self):
            getattr(self, f.name)[k] = getattr(other, f.name)[0]
