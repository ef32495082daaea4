"""The vector engine: all replications of a chunk at once, walking the protocol's phases.

Every array carries the replications on its leading axis; the engine loops only over rounds,
over the protocol's phases and, for a per-actor phase, over the selected actors in scenario
order. The Mesa engine (:mod:`sim.engine.mesa`) walks the same phases.
"""

from __future__ import annotations

import numpy as np

from sim.batch.batch import Batch
from sim.batch.draws import Draws
from sim.batch.kernels import NUMPY, Kernels
from sim.batch.params import Params
from sim.batch.trace import Trace
from sim.protocols import Phase, Protocol, get


def run_phase(b: Batch, phase: Phase) -> None:
    """Run one phase for the whole batch (a per-actor phase once per selected actor)."""
    if phase.actors is None:
        phase.run(b)
    else:
        for a in b.actors(phase.actors):
            phase.run(b, int(a))


def play_round(protocol: Protocol, b: Batch, t: int) -> None:
    """Round ``t`` of ``protocol`` for every active replication of the batch."""
    b.begin_round(t)
    for phase in protocol.phases:
        run_phase(b, phase)


def run_batch(p: Params, dr: Draws, trace: bool = True,
              kernels: Kernels = NUMPY) -> tuple[Batch, Trace | None]:
    """Run every replication of ``p`` to its end; return the final batch and the trace.

    ``kernels`` are the implementations of the hot rules the phases call (the compiled
    engine's, or by default the NumPy rules of :mod:`sim.rules`).
    """
    protocol = get(p.agenda.protocol)
    b = Batch.start(p, dr, kernels)
    for phase in protocol.opening:
        run_phase(b, phase)
    tr = Trace.empty(p) if trace else None
    if tr is not None:
        tr.record(b.state, 0, np.ones(p.runs, bool), p)
    for t in range(1, p.agenda.sessions + 1):
        if not b.state.active.any():
            break
        live = b.state.active.copy()
        play_round(protocol, b, t)
        if tr is not None:
            tr.record(b.state, t, live, p)
    return b, tr
