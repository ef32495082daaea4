"""The Mesa model of one replication: the readable reference for the vector engine.

``NegotiationModel`` holds a one-row :class:`~sim.engine.state.State` and one agent per actor
(:class:`~sim.agents.Party`, :class:`~sim.agents.Mediator`, :class:`~sim.agents.ThirdParty`).
A step is one round in DESIGN §3 order; agents act in scenario order through ``model.agents``
verbs. Random numbers come from the replication's own stream, drawn up front
(:mod:`sim.engine.draws`), so this model and the vector engine give the same result for the
same replication seed.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.agents import Mediator, Party, ThirdParty
from sim.engine import phases
from sim.engine.draws import Draws
from sim.engine.params import Params
from sim.engine.state import State


class NegotiationModel(mesa.Model):
    """One replication of a negotiation, round by round.

    Args:
        params: compiled parameters of exactly one replication (``Params.row(k)``).
        draws: that replication's random draws (``Draws.row(k)``).
        rng: the replication seed (Mesa seeds ``model.rng`` and ``model.random`` from it; the
            model itself draws nothing at run time).
    """

    def __init__(self, params: Params, draws: Draws, rng: int | None = None) -> None:
        super().__init__(rng=rng)
        if params.runs != 1:
            raise ValueError("NegotiationModel runs one replication; pass Params.row(k)")
        self.params = params
        self.draws = draws
        self.state = State.initial(params)
        self.round = 0
        self.text = np.full(params.n_issues, np.nan)[None, :]
        self.contexts: dict = {}
        self.targets = None
        self.log: list[dict] = []
        for index, role in enumerate(params.roles):
            cls = {"party": Party, "mediator": Mediator, "third_party": ThirdParty}[role]
            cls(self, index)
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "round": "round",
                "momentum": lambda m: float(m.state.momentum[0]),
                "settled": lambda m: int(m.state.settled[0].sum()),
            },
            agent_reporters={"position": lambda a: a.position()},
        )
        self.datacollector.collect(self)

    @property
    def parties(self) -> list[Party]:
        """The parties in scenario order."""
        return [a for a in self.agents if isinstance(a, Party)]

    def step(self) -> None:
        """One round: battlefield, events, third parties, text, answers, concessions, walkouts."""
        p, st = self.params, self.state
        self.round += 1
        t = self.round
        before = st.settled[0].copy()
        phases.battlefield_step(p, st, t, self.draws)
        fired = phases.events_step(p, st, t, self.draws)
        phases.start_pull(st)
        self.agents.select(lambda a: not isinstance(a, Party)).do("pull")
        phases.publish(st)
        mediators = [a for a in self.agents if isinstance(a, Mediator)]
        if p.protocol == "alternating" or not mediators:
            self.text = phases.mediator_text(p, st, t)
        else:
            mediators[0].propose()
        self.agents_by_type[Party].do("respond")
        answers = np.stack([a.answer for a in self.parties])[None, :, :]
        phases.settle(p, st, self.text, answers, t)
        self.contexts = phases.concession_contexts(p, st, t)
        self.targets = st.targets(p)
        self.agents_by_type[Party].do("concede")
        self.agents_by_type[Party].do("consider_walkout")
        walked = np.array([[a.walked_out for a in self.parties]])
        phases.close_round(p, st, t, walked)
        self.log.append({
            "round": t, "momentum": float(st.momentum[0]), "fired": fired,
            "text": self.text[0].copy(), "answers": {a.actor_id: a.answer.copy()
                                                     for a in self.parties},
            "newly_settled": np.flatnonzero(st.settled[0] & ~before).tolist(),
            "aspiration": {a.actor_id: a.aspiration for a in self.parties},
            "reservation": {a.actor_id: a.reservation for a in self.parties},
            "walked_out": [a.actor_id for a in self.parties if a.walked_out],
        })
        self.datacollector.collect(self)
        if not st.active[0]:
            self.running = False

    def run(self) -> NegotiationModel:
        """Play rounds until the replication ends."""
        while self.running and self.round < self.params.max_rounds:
            self.step()
        return self
