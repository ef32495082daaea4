"""From the final state of a batch to its per-replication outcomes and flags."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.batch.draws import Draws
from sim.batch.params import Params
from sim.batch.state import State
from sim.rules import durability_kinds, taxonomy
from sim.rules.utility import normalised_salience, utility


@dataclass
class Finish:
    """Per-replication results of a batch (leading axis R)."""

    outcome: np.ndarray  # int codes into sim.rules.taxonomy.OUTCOMES_V2
    rounds: np.ndarray
    dictated_peace: np.ndarray  # bool: the terms were imposed on one side
    imposed_on: np.ndarray  # int: index of the actor the terms were imposed on, -1 none
    agreement_holds: np.ndarray  # float: 1, 0, or NaN when nothing was agreed
    exchanges: np.ndarray  # int: humanitarian exchanges that took place
    walkout_by: np.ndarray
    terms: np.ndarray  # (R, I), NaN unsettled; the exchanged issue: the last exchange's terms
    utility: np.ndarray  # (R, A), NaN when nothing settled
    fired: np.ndarray  # (R, E + Pn) round, NaN never


def settled_utility(p: Params, settled: np.ndarray, terms: np.ndarray) -> np.ndarray:
    """(R, A) every actor's utility of the settled terms, saliences renormalised over them."""
    w = normalised_salience(p.actors.salience, settled[:, None, :])
    u = utility(np.where(settled, terms, 0.0)[:, None, :], p.actors.ideal, w, p.actors.risk)
    return np.where(settled.any(axis=1)[:, None], u, np.nan)


def survival(days: float, kind: np.ndarray, multiplier: np.ndarray,
             hazards: np.ndarray) -> np.ndarray:
    """(R,) P(the agreement holds ``days`` days), NaN where nothing was agreed.

    :func:`sim.rules.durability_kinds.survival` with each replication's own hazards ``(R, 4)``
    (they differ only where a hazard is uncertain): one call per distinct row of hazards.
    """
    rows, inverse = np.unique(hazards, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    prob = np.full(kind.shape, np.nan)
    for j, row in enumerate(rows):
        sel = inverse == j
        prob[sel] = durability_kinds.survival(days, kind[sel], multiplier[sel], row)
    return prob


def finish(p: Params, st: State, dr: Draws) -> Finish:
    """Classify outcomes, compute flags (dictated peace, durability) and utilities.

    The outcome, the side a peace was imposed on and the agreement's kind come from
    :func:`sim.rules.taxonomy.end_state` (the humanitarian exchanges count only toward
    ``humanitarian_only``); whether the agreement holds from
    :func:`sim.rules.durability_kinds.survival` and the replication's durability uniform.
    """
    ag, out = p.agenda, p.outcomes
    runs = p.runs
    main_settled = st.settled & ~ag.separate
    u_main = settled_utility(p, main_settled, st.terms)
    sides = p.battlefield.sides
    if sides is not None:
        u_first, u_second = u_main[:, sides[0]], u_main[:, sides[1]]
    else:
        u_first = u_second = np.full(runs, np.nan)

    def below(issue: int, limit: float) -> np.ndarray:
        if issue < 0:
            return np.zeros(runs, bool)
        return st.settled[:, issue] & (st.terms[:, issue] < limit)

    has_monitors = below(out.monitors_issue, out.monitors_below)
    has_guarantees = below(out.guarantees_issue, out.guarantees_below)
    end = taxonomy.end_state(
        st.settled, st.terms, ag.separate, ag.ceasefire_issue, ag.ceasefire_threshold,
        st.walkout_by >= 0, st.exchanges, u_first, u_second, out.dictated_margin,
        has_monitors, has_guarantees, ag.ceasefire_side,
    )
    imposed_on = np.full(runs, -1)
    if sides is not None:
        imposed_on = np.where(end.imposed_on == taxonomy.FIRST, sides[0],
                              np.where(end.imposed_on == taxonomy.SECOND, sides[1], -1))
    parties = p.actors.party_idx
    imposed = (np.nan_to_num(u_main[:, parties], nan=1.0)
               < st.initial_reservation[:, parties]).any(axis=1)
    mult = durability_kinds.kind_multiplier(
        end.agreement_kind, out.monitors, out.guarantees, out.imposed, has_monitors,
        has_guarantees, imposed,
    )
    prob = survival(out.durability_days, end.agreement_kind, mult, out.hazards)
    agreed = end.agreement_kind != durability_kinds.NO_AGREEMENT
    holds = np.where(agreed, (dr.u_durability < prob).astype(float), np.nan)
    fired = np.where(st.fired > 0, st.fired.astype(float), np.nan)
    exchanged = np.where(p.humanitarian.repeated, st.exchange_terms[:, None], np.nan)
    terms = np.where(st.settled, st.terms, exchanged)
    return Finish(end.outcome, st.end_round.copy(), end.dictated_peace, imposed_on, holds,
                  st.exchanges.copy(), st.walkout_by.copy(), terms,
                  settled_utility(p, st.settled, st.terms), fired)
