"""Protocol ``mediated`` (the default): a mediator tables one text a round.

A session: the front moves, both sides learn from it and their reservations follow; due events
and pressure fire; the best the talks can offer (the Nash text over the reservations, with what
the third parties add to an agreement they back) is worked out; principals ratify or refuse
what their delegations initialled at the last session; the mediator tables a single negotiating
text (Nash point, weighted mean or midpoint of the stated terms, by ``mediator.method``; the
midpoint when there is no mediator); each party's negotiator signs, initials or rejects it;
what all sign is settled, what some only initialled waits for ratification; each party concedes
by its strategy and restates its terms; each party may walk out. With a
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
    Phase("expectations", rounds.expectations),
    Phase("ratify", rounds.ratify),
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
