"""The Mesa model of one replication: the readable reference for the vector engine.

``NegotiationModel`` holds a one-row :class:`~sim.batch.batch.Batch` and one agent per actor
(:class:`~sim.engine.mesa.agents.Party`, :class:`~sim.engine.mesa.agents.Mediator`,
:class:`~sim.engine.mesa.agents.ThirdParty`). A step is one round: the protocol's phases in
order, whole-table phases on the batch, per-actor phases through ``AgentSet.do`` on the selected
agents (in scenario order). Random numbers come from the replication's own stream, drawn up
front (:mod:`sim.batch.draws`), so this model and the vector engine give the same result for
the same replication seed.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.batch.batch import Batch
from sim.batch.draws import Draws
from sim.batch.params import Params
from sim.batch.state import State
from sim.batch.trace import Trace
from sim.engine.mesa.agents import Mediator, Party, ThirdParty
from sim.protocols import Phase, get

AGENT_CLASSES = {"party": Party, "mediator": Mediator, "third_party": ThirdParty}


class NegotiationModel(mesa.Model):
    """One replication of a negotiation, round by round.

    Args:
        params: compiled parameters of exactly one replication (``Params.row(k)``).
        draws: that replication's random draws (``Draws.row(k)``).
        rng: the replication seed (Mesa seeds ``model.rng`` and ``model.random`` from it; the
            model itself draws nothing at run time).

    Raises:
        ValueError: more than one replication, or a protocol the Mesa engine does not run.
    """

    def __init__(self, params: Params, draws: Draws, rng: int | None = None) -> None:
        super().__init__(rng=rng)
        if params.runs != 1:
            raise ValueError("NegotiationModel runs one replication; pass Params.row(k)")
        self.protocol = get(params.agenda.protocol)
        if not self.protocol.mesa:
            raise ValueError(f"the Mesa engine does not run protocol {self.protocol.name!r}")
        self.params = params
        self.draws = draws
        self.batch = Batch.start(params, draws)
        self.log: list[dict] = []
        for index, role in enumerate(params.actors.roles):
            AGENT_CLASSES[role](self, index)
        for phase in self.protocol.opening:
            self._run(phase)
        self.trace = Trace.empty(params)
        self.trace.record(self.state, 0, np.ones(1, bool), params)
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "round": "round",
                "front": lambda m: float(m.state.front[0]),
                "settled": lambda m: int(m.state.settled[0].sum()),
            },
            agent_reporters={"position": lambda a: a.position()},
        )
        self.datacollector.collect(self)

    @property
    def state(self) -> State:
        """The replication's state (a one-row batch state)."""
        return self.batch.state

    @property
    def round(self) -> int:
        """The last round played (0 before the first)."""
        return self.batch.round

    @property
    def parties(self) -> list[Party]:
        """The parties in scenario order."""
        return [a for a in self.agents if isinstance(a, Party)]

    def _selection(self, which: str) -> mesa.agent.AgentSet:
        if which == "parties":
            return self.agents.select(lambda a: isinstance(a, Party))
        return self.agents.select(lambda a: not isinstance(a, Party))

    def _run(self, phase: Phase) -> None:
        if phase.actors is None:
            phase.run(self.batch)
        else:
            self._selection(phase.actors).do("act", phase)

    def step(self) -> None:
        """One round: the protocol's phases in order."""
        st = self.state
        before = st.settled[0].copy()
        self.batch.begin_round(self.batch.round + 1)
        for phase in self.protocol.phases:
            self._run(phase)
        t = self.batch.round
        self.trace.record(st, t, np.ones(1, bool), self.params)
        self.log.append({
            "round": t, "front": float(st.front[0]), "belief": st.belief[0].copy(),
            "fired": list(self.batch.fired),
            "text": st.text[0].copy(), "tabled_by": self.batch.tabled_by,
            "answers": {a.actor_id: a.answer.copy() for a in self.parties},
            "newly_settled": np.flatnonzero(st.settled[0] & ~before).tolist(),
            "aspiration": {a.actor_id: a.aspiration for a in self.parties},
            "reservation": {a.actor_id: a.reservation for a in self.parties},
            "walked_out": [a.actor_id for a in self.parties if a.walked_out],
            "exchanged": bool(st.exchanged[0]), "trust": float(st.trust[0]),
            "initialled": {a.actor_id: bool(st.initialled_by[0, a.index]) for a in self.parties},
            "ratified": {a.actor_id: int(st.ratified[0, a.index]) for a in self.parties},
        })
        self.datacollector.collect(self)
        if not st.active[0]:
            self.running = False

    def run(self) -> NegotiationModel:
        """Play rounds until the replication ends."""
        while self.running and self.round < self.params.agenda.sessions:
            self.step()
        return self
