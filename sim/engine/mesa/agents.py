"""Thin Mesa agents: each runs the protocol's per-actor phases for itself.

The arithmetic is in the protocol's phase functions (the same ones the vector engine calls for
all replications at once); an agent only runs a phase on its own index and offers a readable
view of what it did for ``ceasefire explain``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.protocols import Phase

if TYPE_CHECKING:
    from sim.engine.mesa.model import NegotiationModel


class Actor(mesa.Agent):
    """An actor at or around the table, identified by its index in the scenario."""

    model: NegotiationModel

    def __init__(self, model: NegotiationModel, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.actor_id = model.params.actors.ids[index]
        self.name = model.params.actors.names[index]

    def act(self, phase: Phase) -> None:
        """Run a per-actor phase of the protocol for this actor."""
        phase.run(self.model.batch, self.index)

    def position(self) -> np.ndarray:
        """Current position on the table per issue."""
        return self.model.state.stated[0, self.index].copy()


class Party(Actor):
    """A party that must sign: it answers texts, concedes, and may walk out."""

    @property
    def answer(self) -> np.ndarray:
        """Which issues it accepted this round (all False before it answered)."""
        got = self.model.batch.answers.get(self.index)
        return np.zeros(self.model.params.n_issues, bool) if got is None else got[0]

    @property
    def walked_out(self) -> bool:
        """Whether it left the talks this round."""
        got = self.model.batch.walked.get(self.index)
        return bool(got is not None and got[0])

    @property
    def aspiration(self) -> float:
        """The utility this party still insists on."""
        return float(self.model.state.aspiration[0, self.index])

    @property
    def reservation(self) -> float:
        """Its utility of fighting on."""
        return float(self.model.state.reservation[0, self.index])


class Mediator(Actor):
    """Tables the text (whole-table phase of the protocol); may speed up what the sides learn."""


class ThirdParty(Actor):
    """A state or bloc not at the table: it adds to the value of agreements it backs."""
