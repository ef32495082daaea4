"""Protocol ``mediated`` (the default): a mediator tables one text a round.

A round: the front moves and reservations with it; due events and pressure fire; third parties
pull the parties' open positions; the mediator tables a single negotiating text (Nash point,
weighted mean or midpoint of the stated terms, by ``mediator.method``; the midpoint when there
is no mediator); each party accepts or rejects it; what all accept is settled; each party
concedes by its strategy and restates its terms; each party may walk out. With a
``humanitarian`` block, an exchange may take place after the settlement and trust moves after
the walkouts. The phases are those of :mod:`sim.protocols.rounds` and
:mod:`sim.protocols.exchanges`; ``docs/ODD.md`` describes each.
"""

from __future__ import annotations

from sim.protocols import exchanges, rounds
from sim.protocols.registry import Phase, Protocol, register

#: The round of talks up to the text; shared with protocols that table differently.
BEFORE_TEXT = (
    Phase("battlefield", rounds.battlefield_step),
    Phase("events", rounds.events_step),
    Phase("start_pull", rounds.start_pull),
    Phase("pull", rounds.pull_by, actors="others"),
    Phase("publish", rounds.publish),
    Phase("expectations", rounds.expectations),
)

#: The round of talks after the text: answers, settlement (and the humanitarian exchange),
#: concessions, walkouts (and the trust they leave).
AFTER_TEXT = (
    Phase("answer", rounds.answer, actors="parties"),
    Phase("settle", rounds.settle),
    Phase("exchange", exchanges.exchange),
    Phase("concession_contexts", rounds.concession_contexts),
    Phase("concede", rounds.concede, actors="parties"),
    Phase("walkout", rounds.consider_walkout, actors="parties"),
    Phase("trust", exchanges.update_trust),
    Phase("close_round", rounds.close_round),
)

MEDIATED = register(Protocol(
    name="mediated",
    help="a mediator tables one text a round; parties accept, concede or walk out",
    mesa=True,
    phases=(*BEFORE_TEXT, Phase("text", rounds.mediator_text), *AFTER_TEXT),
))
