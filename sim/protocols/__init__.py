"""Negotiation protocols by name.

* ``mediated`` (default) — a mediator tables one text per round; the parties answer and concede
  (DESIGN §3; :mod:`sim.engine.phases`).
* ``alternating`` — the parties take turns to propose their own stated terms; the same
  strategies and acceptance rule (Rubinstein 1982's protocol with Faratin-style tactics).
* ``expected_utility`` — Bueno de Mesquita's expected utility model as formalised by Scholz,
  Calbert & Smith (2011), issue by issue (:mod:`sim.protocols.expected_utility`).
"""

PROTOCOLS = {
    "mediated": "a mediator tables one text a round; parties accept, concede or walk out",
    "alternating": "the parties alternate offers of their own terms; same strategies and rules",
    "expected_utility": "Bueno de Mesquita / Scholz et al. (2011) model, per issue",
}
