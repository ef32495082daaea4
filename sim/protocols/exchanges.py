"""The phases of the repeated humanitarian track (``docs/ODD.md`` §7.16).

With a ``humanitarian`` block the scenario's exchanged issue is not settled once by acceptance
(``rounds.settle`` leaves it open): at every session an exchange takes place with probability
``logistic(logit(rate) + trust_effect x trust)`` (:mod:`sim.rules.humanitarian`), decided by the
round's pre-drawn uniform, and its terms are that round's text on the issue. Trust starts at 0
and moves after every session by :func:`sim.rules.humanitarian.trust_step`, with the module's
step sizes:

* ``exchanged``: an exchange took place this session;
* ``reciprocated``: every party's aspiration fell this session (each side conceded on the main
  track, so each concession was answered);
* ``walked``: a party walked out this session (the talks then end, so this only closes the
  account);
* ``escalated``: a pressure measure fired this session (sanctions, arms pressure).

Exchanges stop when the replication ends (a walkout, everything else settled, the last
round): an inactive replication draws no exchange. The track never feeds back into the main
track: nothing on it reads trust or the exchanges, so exchanges can only tell
``humanitarian_only`` from ``stalemate`` (:mod:`sim.rules.taxonomy`). Without a ``humanitarian``
block both phases do nothing. Both are whole-table phases, so the Mesa engine runs them on its
one-row batch exactly as the vector engine does on all replications.
"""

from __future__ import annotations

import numpy as np

from sim.batch.batch import Batch
from sim.rules import humanitarian


def exchange(b: Batch) -> None:
    """After the settlement: whether this session exchanges prisoners, and on what terms.

    Also notes each actor's aspiration before the concessions (``b.notes["aspiration_before"]``),
    which :func:`update_trust` compares with the aspiration after them.
    """
    p, st, t = b.params, b.state, b.round
    hum = p.humanitarian
    st.exchanged = np.zeros(p.runs, bool)
    if hum.issue < 0:
        return
    b.notes["aspiration_before"] = st.aspiration.copy()
    prob = humanitarian.exchange_probability(hum.rate, st.trust, hum.trust_effect)
    happens = humanitarian.exchange_happens(b.draws.u_exchange[:, t - 1], prob) & st.active
    st.exchanged = happens
    st.exchanges = st.exchanges + happens
    st.exchange_terms = np.where(happens, st.text[:, hum.issue], st.exchange_terms)


def update_trust(b: Batch) -> None:
    """After the walkouts: trust moves by what this session showed (module docstring)."""
    p, st, t = b.params, b.state, b.round
    if p.humanitarian.issue < 0:
        return
    parties = p.actors.party_idx
    before = b.notes["aspiration_before"][:, parties]
    reciprocated = (st.aspiration[:, parties] < before).all(axis=1)
    walked = b.stacked(b.walked).any(axis=1) if b.walked else np.zeros(p.runs, bool)
    pressure = st.fired[:, len(p.schedule.events):]
    escalated = (pressure == t).any(axis=1)
    new = humanitarian.trust_step(st.trust, st.exchanged, reciprocated, walked, escalated)
    st.trust = np.where(st.active, new, st.trust)
