"""Negotiation protocols, each a registered unit: a name, help, Mesa support and its phases.

* ``mediated`` (default) — a mediator tables one text per round; the parties answer, concede
  or walk out (:mod:`sim.protocols.mediated`).
* ``alternating`` — the parties take turns to propose their own stated terms; the same
  strategies and acceptance rule (:mod:`sim.protocols.alternating`).
* ``expected_utility`` — Bueno de Mesquita's expected utility model as formalised by Scholz,
  Calbert & Smith (2011), issue by issue (:mod:`sim.protocols.expected_utility`).

The phases that the mediated and alternating protocols share live in
:mod:`sim.protocols.rounds`.
"""

from sim.protocols.registry import ACTOR_SELECTIONS, Phase, Protocol, get, names, register

__all__ = ["ACTOR_SELECTIONS", "Phase", "Protocol", "get", "names", "register"]
