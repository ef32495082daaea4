"""Thin Mesa agents: each reads its own row of the model's state and calls :mod:`sim.rules`.

The arithmetic is in :mod:`sim.engine.phases` (the same functions the vector engine calls for
all replications at once); an agent only decides *which* of its own phases to run and keeps a
readable record of what it did for ``ceasefire explain``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.engine import phases

if TYPE_CHECKING:
    from sim.model import NegotiationModel


class Actor(mesa.Agent):
    """An actor at or around the table, identified by its index in the scenario."""

    model: NegotiationModel

    def __init__(self, model: NegotiationModel, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.actor_id = model.params.actor_ids[index]
        self.name = model.params.actor_names[index]

    def position(self) -> np.ndarray:
        """Current position on the table per issue."""
        return self.model.state.public[0, self.index].copy()


class Party(Actor):
    """A party that must sign: it answers texts, concedes, and may walk out."""

    def __init__(self, model: NegotiationModel, index: int) -> None:
        super().__init__(model, index)
        self.answer = np.zeros(model.params.n_issues, bool)
        self.walked_out = False

    @property
    def aspiration(self) -> float:
        """The utility this party still insists on."""
        return float(self.model.state.aspiration[0, self.index])

    @property
    def reservation(self) -> float:
        """Its utility of fighting on."""
        return float(self.model.state.reservation[0, self.index])

    def respond(self) -> None:
        """Accept or reject the text, issue by issue (or as a package)."""
        m = self.model
        self.answer = phases.party_answer(m.params, m.state, self.index, m.text, m.round, m.draws)[
            0
        ]

    def concede(self) -> None:
        """Lower the aspiration by the strategy and restate the position."""
        m = self.model
        phases.party_concede(m.params, m.state, self.index, m.contexts[self.index], m.targets)

    def consider_walkout(self) -> None:
        """Leave the talks if fighting on looks better than anything on offer."""
        m = self.model
        self.walked_out = bool(
            phases.party_walks_out(m.params, m.state, self.index, m.text, m.round, m.draws)[0]
        )


class Mediator(Actor):
    """Tables one text per round (Nash point, weighted mean or midpoint); may also pull."""

    def propose(self) -> None:
        """Table the text for this round."""
        m = self.model
        m.text = phases.mediator_text(m.params, m.state, m.round)

    def pull(self) -> None:
        """Use any leverage it has on the parties."""
        phases.pull_by(self.model.params, self.model.state, self.index)


class ThirdParty(Actor):
    """A state or bloc that is not at the table but pulls the parties toward its ideal."""

    def pull(self) -> None:
        """Pull each party's open positions in proportion to leverage and engagement."""
        phases.pull_by(self.model.params, self.model.state, self.index)
