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
from sim.rules.acceptance import TIE
from sim.rules.utility import utility


def answer_in_turn(b: Batch, a: int) -> None:
    """The proposer accepts its own text; the others answer as usual.

    Its own text is its public terms, which third-party pressure may have pushed below what it
    would accept, so on the main track it accepts them only within the two limits every party
    keeps (:func:`sim.protocols.rounds.answer`): a bargaining range exists, and its terms are
    worth at least its reservation. Separate-track issues of its own text it accepts as they are.
    """
    if a != rounds.proposer(b):
        rounds.answer(b, a)
        return
    p, st = b.params, b.state
    own = st.agreed_or(st.stated)[:, a, :]
    u = utility(own, p.actors.ideal[:, a, :], st.weights(p)[:, a, :], p.actors.risk[:, a])
    keeps = b.notes["nash"].has_range & (u >= st.reservation[:, a] - TIE)
    free = st.free(p)
    b.answers[a] = free & (p.agenda.separate | keeps[:, None])


_AFTER = tuple(Phase("answer", answer_in_turn, actors="parties") if ph.name == "answer" else ph
               for ph in AFTER_TEXT)

ALTERNATING = register(Protocol(
    name="alternating",
    help="the parties alternate offers of their own terms; same strategies and rules",
    mesa=True,
    phases=(*BEFORE_TEXT, Phase("text", rounds.proposer_text), *_AFTER),
))
