"""Protocol ``alternating``: the parties take turns to propose their own stated terms.

Rubinstein's (1982) alternating-offers protocol with the same strategies and acceptance rule
as ``mediated``: in round t the ``(t - 1) mod P``-th party's public terms are the text; the
proposer accepts its own text, the others answer it as they would a mediator's. Everything else
in the round is the mediated round (:mod:`sim.protocols.mediated`).

Reference:
    Rubinstein, A. (1982). Perfect equilibrium in a bargaining model. *Econometrica* 50(1),
    97-109.
"""

from __future__ import annotations

from sim.batch.batch import Batch
from sim.protocols import rounds
from sim.protocols.mediated import AFTER_TEXT, BEFORE_TEXT
from sim.protocols.registry import Phase, Protocol, register


def answer_in_turn(b: Batch, a: int) -> None:
    """The proposer accepts every open issue of its own text; the others answer as usual."""
    if a == rounds.proposer(b):
        b.answers[a] = b.state.free(b.params)
    else:
        rounds.answer(b, a)


_AFTER = tuple(Phase("answer", answer_in_turn, actors="parties") if ph.name == "answer" else ph
               for ph in AFTER_TEXT)

ALTERNATING = register(Protocol(
    name="alternating",
    help="the parties alternate offers of their own terms; same strategies and rules",
    mesa=True,
    phases=(*BEFORE_TEXT, Phase("text", rounds.proposer_text), *_AFTER),
))
