"""The state of a batch of replications between sessions, and the quantities derived from it.

Shared by both engines: the vector engine holds one :class:`State` for a chunk of replications;
the Mesa model holds one with a single row and lets each agent read and write its own slice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.batch.params import Params
from sim.rules.utility import normalised_salience, utility


@dataclass
class State:
    """Mutable state, arrays with a leading replication axis R."""

    stated: np.ndarray  # (R, A, I) each actor's stated terms (settled issues at their terms)
    aspiration: np.ndarray  # (R, A)
    start: np.ndarray  # (R, A) aspiration at the start of the current agenda phase
    base_reservation: np.ndarray  # (R, A) reservation with no expected edge and no cost
    reservation: np.ndarray  # (R, A) current reservation (value of fighting on)
    initial_reservation: np.ndarray  # (R, A) the reservation before session 1
    front: np.ndarray  # (R,) the front's cumulative movement since session 0
    movement: np.ndarray  # (R,) the front's movement this session
    evidence_sum: np.ndarray  # (R,) weighted sum of the movements seen
    evidence_count: np.ndarray  # (R,) weighted number of sessions seen
    prior_mean: np.ndarray  # (R, A) each side's prior mean of the edge
    belief: np.ndarray  # (R, A) each side's current belief about the edge (0 for others)
    settled: np.ndarray  # (R, I) bool
    terms: np.ndarray  # (R, I) settled values (NaN open)
    settled_round: np.ndarray  # (R, I) int, 0 open
    text: np.ndarray  # (R, I) last text tabled
    active: np.ndarray  # (R,) bool
    end_round: np.ndarray  # (R,) int
    walkout_by: np.ndarray  # (R,) int, -1 none
    fired: np.ndarray  # (R, E + Pn) round it fired, 0 never
    war_cost: np.ndarray  # (R, A) current per-session cost of fighting (a level)
    leverage: np.ndarray  # (R, A, A)
    authority: np.ndarray  # (R, A)
    engagement: np.ndarray  # (R, A)
    capability: np.ndarray  # (R, A)
    information: np.ndarray  # (R, A)
    stake: np.ndarray  # (R,)
    rearm_fear: np.ndarray  # (R,)
    mandate: np.ndarray  # (R, A) the principal's aspiration when it last instructed
    pending: np.ndarray  # (R, I) bool: initialled ad referendum, awaiting ratification
    pending_terms: np.ndarray  # (R, I) the initialled terms (NaN none)
    pending_by: np.ndarray  # (R, A, I) bool: which party must ratify which pending issue
    initialled_by: np.ndarray  # (R, A) bool: initialled this session (for the record)
    accepted: np.ndarray  # (R, A) int: open issues each party said yes to this session
    ratified: np.ndarray  # (R, A) int: 1 ratified, -1 refused this session, 0 nothing to ratify
    other_offer_prev: np.ndarray  # (R, A) own utility of the other side's terms last round
    phase2: np.ndarray  # (R,) bool: the `first` issues are settled, everything is on the table
    trust: np.ndarray  # (R,) trust between the sides on the humanitarian track, in [-1, 1]
    exchanges: np.ndarray  # (R,) int, humanitarian exchanges so far
    exchanged: np.ndarray  # (R,) bool, an exchange took place this round
    exchange_terms: np.ndarray  # (R,) terms of the last exchange (NaN none)
    _weights: tuple | None = None  # (phase2 bytes, weights): the weights change only with phase2

    @classmethod
    def initial(cls, p: Params) -> State:
        """Session-0 state: stated positions are the opening positions, beliefs the priors."""
        R, A, n_i = p.runs, p.n_actors, p.n_issues
        act, bf = p.actors, p.battlefield
        st = cls(
            stated=act.position.copy(),
            aspiration=np.ones((R, A)), start=np.ones((R, A)),
            base_reservation=act.reservation.copy(), reservation=act.reservation.copy(),
            initial_reservation=act.reservation.copy(),
            front=np.zeros(R), movement=np.full(R, np.nan), evidence_sum=np.zeros(R),
            evidence_count=np.zeros(R), prior_mean=bf.prior_mean.copy(),
            belief=bf.prior_mean.copy(), settled=np.zeros((R, n_i), bool),
            terms=np.full((R, n_i), np.nan), settled_round=np.zeros((R, n_i), int),
            text=np.full((R, n_i), np.nan), active=np.ones(R, bool), end_round=np.zeros(R, int),
            walkout_by=np.full(R, -1), fired=np.zeros((R, len(p.schedule.names)), int),
            war_cost=bf.war_cost.copy(), leverage=act.leverage.copy(),
            authority=act.authority.copy(), engagement=act.engagement.copy(),
            capability=act.capability.copy(), information=act.information.copy(),
            stake=bf.stake.copy(), rearm_fear=bf.rearm_fear.copy(),
            mandate=np.ones((R, A)), pending=np.zeros((R, n_i), bool),
            pending_terms=np.full((R, n_i), np.nan), pending_by=np.zeros((R, A, n_i), bool),
            initialled_by=np.zeros((R, A), bool), accepted=np.zeros((R, A), int),
            ratified=np.zeros((R, A), int),
            other_offer_prev=np.zeros((R, A)),
            phase2=np.zeros(R, bool), trust=np.zeros(R), exchanges=np.zeros(R, int),
            exchanged=np.zeros(R, bool), exchange_terms=np.full(R, np.nan),
        )
        if not p.agenda.first.any():
            st.phase2[:] = True
        st.reservation = st.current_reservation(p)
        st.initial_reservation = st.reservation.copy()
        st.start = st.own_offer(p)
        st.aspiration = st.start.copy()
        st.mandate = st.aspiration.copy()
        st.other_offer_prev = st.other_offer(p)
        return st

    def current_reservation(self, p: Params) -> np.ndarray:
        """(R, A) reservations from the current beliefs and costs (:mod:`sim.rules.beliefs`).

        The two sides: base + stake x sign x belief - horizon x cost; other parties: base -
        horizon x cost (they fight no battles, but may bear costs); non-parties keep their base.
        """
        from sim.rules.beliefs import reservation

        bf = p.battlefield
        sign = np.zeros(p.n_actors)
        if bf.sides is not None:
            sign[bf.sides[0]], sign[bf.sides[1]] = 1.0, -1.0
        r = reservation(self.base_reservation, self.stake[:, None] * sign, self.belief,
                        self.war_cost, bf.horizon[:, None], signs=1.0)
        return np.where(p.actors.is_party, r, self.base_reservation)

    # --- derived quantities -------------------------------------------------------------
    def on_table(self, p: Params) -> np.ndarray:
        """(R, I) issues on the table: everything, or the `first` issues and separate tracks."""
        early = p.agenda.first | p.agenda.separate
        return np.where(self.phase2[:, None], True, early[None, :])

    def free(self, p: Params) -> np.ndarray:
        """(R, I) issues open for a text this round."""
        return self.on_table(p) & ~self.settled

    def weights(self, p: Params) -> np.ndarray:
        """(R, A, I) saliences normalised over the issues on the table (cached per phase)."""
        key = self.phase2.tobytes()
        if self._weights is None or self._weights[0] != key:
            w = normalised_salience(p.actors.salience, self.on_table(p)[:, None, :])
            self._weights = (key, w)
        return self._weights[1]

    def agreed_or(self, positions: np.ndarray) -> np.ndarray:
        """Terms with settled issues at their settled values, others from ``positions``."""
        settled = self.settled if positions.ndim == 2 else self.settled[:, None, :]
        terms = self.terms if positions.ndim == 2 else self.terms[:, None, :]
        return np.where(settled, terms, positions)

    def own_offer(self, p: Params) -> np.ndarray:
        """(R, A) each actor's utility of its own public terms (settled issues as settled)."""
        return utility(self.agreed_or(self.stated), p.actors.ideal, self.weights(p),
                       p.actors.risk)

    def targets(self, p: Params) -> np.ndarray:
        """(R, A, I) concession targets: other parties' capability-weighted stated terms."""
        from sim.rules.concession import concession_target

        return concession_target(self.agreed_or(self.stated), self.capability, p.actors.is_party)

    def other_offer(self, p: Params) -> np.ndarray:
        """(R, A) own utility of the other side's terms (the concession target)."""
        return utility(self.agreed_or(self.targets(p)), p.actors.ideal, self.weights(p),
                       p.actors.risk)
