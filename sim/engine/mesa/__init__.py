"""The Mesa engine: one :class:`~sim.engine.mesa.model.NegotiationModel` per replication.

It walks the same protocol phases as the vector engine, per-actor phases through ``AgentSet``
verbs on its :class:`~sim.engine.mesa.agents.Party`, :class:`~sim.engine.mesa.agents.Mediator`
and :class:`~sim.engine.mesa.agents.ThirdParty` agents; it is the readable reference that the
vector engine is tested against, run by run.
"""

from sim.engine.mesa.agents import Actor, Mediator, Party, ThirdParty
from sim.engine.mesa.model import NegotiationModel

__all__ = ["Actor", "Mediator", "NegotiationModel", "Party", "ThirdParty"]
