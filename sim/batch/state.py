"""The state of a batch of replications between rounds, and the quantities derived from it.

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

    stated: np.ndarray  # (R, A, I) each actor's own position (concessions only)
    public: np.ndarray  # (R, A, I) positions on the table: own positions displaced by pressure
    pull_weight: np.ndarray  # (R, A, I) this round's total pull weight on each position
    pull_target: np.ndarray  # (R, A, I) this round's sum of weight x puller's ideal
    aspiration: np.ndarray  # (R, A)
    start: np.ndarray  # (R, A) aspiration at the start of the current agenda phase
    reservation: np.ndarray  # (R, A)
    initial_reservation: np.ndarray  # (R, A)
    momentum: np.ndarray  # (R,)
    settled: np.ndarray  # (R, I) bool
    terms: np.ndarray  # (R, I) settled values (NaN open)
    settled_round: np.ndarray  # (R, I) int, 0 open
    text: np.ndarray  # (R, I) last text tabled
    active: np.ndarray  # (R,) bool
    end_round: np.ndarray  # (R,) int
    walkout_by: np.ndarray  # (R,) int, -1 none
    fired: np.ndarray  # (R, E + Pn) round it fired, 0 never
    war_cost: np.ndarray  # (R, A) current per-round war cost
    leverage: np.ndarray  # (R, A, A)
    authority: np.ndarray  # (R, A)
    engagement: np.ndarray  # (R, A)
    capability: np.ndarray  # (R, A)
    momentum_effect: np.ndarray  # (R,)
    rearm_fear: np.ndarray  # (R,)
    other_offer_prev: np.ndarray  # (R, A) own utility of the other side's terms last round
    phase2: np.ndarray  # (R,) bool: the `first` issues are settled, everything is on the table
    trust: np.ndarray  # (R,) trust between the sides on the humanitarian track, in [-1, 1]
    exchanges: np.ndarray  # (R,) int, humanitarian exchanges so far
    exchanged: np.ndarray  # (R,) bool, an exchange took place this round
    exchange_terms: np.ndarray  # (R,) terms of the last exchange (NaN none)
    _weights: tuple | None = None  # (phase2 bytes, weights): the weights change only with phase2

    @classmethod
    def initial(cls, p: Params) -> State:
        """Round-0 state: stated positions are the opening positions."""
        R, A, n_i = p.runs, p.n_actors, p.n_issues
        act, bf = p.actors, p.battlefield
        st = cls(
            stated=act.position.copy(), public=act.position.copy(),
            pull_weight=np.zeros(act.position.shape), pull_target=np.zeros(act.position.shape),
            aspiration=np.ones((R, A)), start=np.ones((R, A)),
            reservation=act.reservation.copy(), initial_reservation=act.reservation.copy(),
            momentum=bf.momentum.copy(), settled=np.zeros((R, n_i), bool),
            terms=np.full((R, n_i), np.nan), settled_round=np.zeros((R, n_i), int),
            text=np.full((R, n_i), np.nan), active=np.ones(R, bool), end_round=np.zeros(R, int),
            walkout_by=np.full(R, -1), fired=np.zeros((R, len(p.schedule.names)), int),
            war_cost=bf.war_cost.copy(), leverage=act.leverage.copy(),
            authority=act.authority.copy(), engagement=act.engagement.copy(),
            capability=act.capability.copy(), momentum_effect=bf.momentum_effect.copy(),
            rearm_fear=bf.rearm_fear.copy(), other_offer_prev=np.zeros((R, A)),
            phase2=np.zeros(R, bool), trust=np.zeros(R), exchanges=np.zeros(R, int),
            exchanged=np.zeros(R, bool), exchange_terms=np.full(R, np.nan),
        )
        if not p.agenda.first.any():
            st.phase2[:] = True
        st.start = st.own_offer(p)
        st.aspiration = st.start.copy()
        st.other_offer_prev = st.other_offer(p)
        return st

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
        return utility(self.agreed_or(self.public), p.actors.ideal, self.weights(p),
                       p.actors.risk)

    def targets(self, p: Params) -> np.ndarray:
        """(R, A, I) concession targets: other parties' capability-weighted stated terms."""
        from sim.rules.concession import concession_target

        return concession_target(self.agreed_or(self.public), self.capability, p.actors.is_party)

    def other_offer(self, p: Params) -> np.ndarray:
        """(R, A) own utility of the other side's terms (the concession target)."""
        return utility(self.agreed_or(self.targets(p)), p.actors.ideal, self.weights(p),
                       p.actors.risk)
