"""The vector engine: all replications of a chunk at once, the same rules as the Mesa model.

Every array carries the replications on its leading axis; the round loop runs the phases of
:mod:`sim.engine.phases` in DESIGN §3 order and loops only over rounds and actors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.engine import phases
from sim.engine.draws import Draws
from sim.engine.params import Params
from sim.engine.state import State


@dataclass
class Trace:
    """Per-round record of a batch; round 0 is the opening.

    Shapes: positions (R, T+1, A, I), text (R, T+1, I), momentum (R, T+1), settled (R, T+1, I).
    """

    positions: np.ndarray
    text: np.ndarray
    momentum: np.ndarray
    settled: np.ndarray

    @classmethod
    def empty(cls, p: Params) -> Trace:
        """An all-NaN trace sized for ``p``."""
        R, T, A, n_i = p.runs, p.max_rounds, p.n_actors, p.n_issues
        return cls(
            np.full((R, T + 1, A, n_i), np.nan),
            np.full((R, T + 1, n_i), np.nan),
            np.full((R, T + 1), np.nan),
            np.zeros((R, T + 1, n_i), bool),
        )

    def record(self, st: State, t: int, live: np.ndarray) -> None:
        """Store round ``t`` for the replications in ``live``."""
        self.positions[live, t] = st.agreed_or(st.public)[live]
        self.text[live, t] = st.text[live]
        self.momentum[live, t] = st.momentum[live]
        self.settled[live, t] = st.settled[live]


def play_round(p: Params, st: State, t: int, dr: Draws) -> None:
    """One round of the mediated or alternating protocol for every active replication."""
    phases.battlefield_step(p, st, t, dr)
    phases.events_step(p, st, t, dr)
    phases.start_pull(st)
    for q in range(p.n_actors):
        if not p.is_party[q]:
            phases.pull_by(p, st, q)
    phases.publish(st)
    text = phases.mediator_text(p, st, t)
    answers = np.stack([phases.party_answer(p, st, a, text, t, dr) for a in p.party_idx], axis=1)
    phases.settle(p, st, text, answers, t)
    contexts = phases.concession_contexts(p, st, t)
    targets = st.targets(p)
    for a in p.party_idx:
        phases.party_concede(p, st, a, contexts[a], targets)
    walked = np.stack([phases.party_walks_out(p, st, a, text, t, dr) for a in p.party_idx], axis=1)
    phases.close_round(p, st, t, walked)


def run_batch(p: Params, dr: Draws, trace: bool = True) -> tuple[State, Trace | None]:
    """Run every replication of ``p`` to its end; return the final state and the trace."""
    st = State.initial(p)
    tr = Trace.empty(p) if trace else None
    if tr is not None:
        tr.record(st, 0, np.ones(p.runs, bool))
    for t in range(1, p.max_rounds + 1):
        if not st.active.any():
            break
        live = st.active.copy()
        play_round(p, st, t, dr)
        if tr is not None:
            tr.record(st, t, live)
    return st, tr
