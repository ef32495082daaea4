"""From the final state of a batch to its per-replication outcomes and flags."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.batch.draws import Draws
from sim.batch.params import Params
from sim.batch.state import State
from sim.rules import durability, outcome, taxonomy
from sim.rules.utility import normalised_salience, utility


@dataclass
class Finish:
    """Per-replication results of a batch (leading axis R)."""

    outcome: np.ndarray  # int codes into sim.rules.taxonomy.OUTCOMES_V2
    rounds: np.ndarray
    dictated_peace: np.ndarray
    ceasefire_holds: np.ndarray  # float: 1, 0, or NaN when no ceasefire
    walkout_by: np.ndarray
    terms: np.ndarray  # (R, I), NaN unsettled
    utility: np.ndarray  # (R, A), NaN when nothing settled
    fired: np.ndarray  # (R, E + Pn) round, NaN never


def settled_utility(p: Params, settled: np.ndarray, terms: np.ndarray) -> np.ndarray:
    """(R, A) every actor's utility of the settled terms, saliences renormalised over them."""
    w = normalised_salience(p.actors.salience, settled[:, None, :])
    u = utility(np.where(settled, terms, 0.0)[:, None, :], p.actors.ideal, w, p.actors.risk)
    return np.where(settled.any(axis=1)[:, None], u, np.nan)


def finish(p: Params, st: State, dr: Draws) -> Finish:
    """Classify outcomes, compute flags (dictated peace, durability) and utilities."""
    ag, out = p.agenda, p.outcomes
    code = taxonomy.classify(
        st.settled, st.terms, ag.separate, ag.ceasefire_issue, ag.ceasefire_threshold,
        st.walkout_by >= 0, np.zeros(p.runs, int), ag.ceasefire_side,
    )
    peace = np.isin(code, taxonomy.PEACE)
    main_settled = st.settled & ~ag.separate
    u_main = settled_utility(p, main_settled, st.terms)
    sides = p.battlefield.sides
    if sides is not None:
        dictated = outcome.dictated_peace(
            np.nan_to_num(u_main[:, sides[0]]), np.nan_to_num(u_main[:, sides[1]]),
            out.dictated_margin, peace & main_settled.any(axis=1),
        )
    else:
        dictated = np.zeros(p.runs, bool)

    def below(issue: int, limit: float) -> np.ndarray:
        if issue < 0:
            return np.zeros(p.runs, bool)
        return st.settled[:, issue] & (st.terms[:, issue] < limit)

    parties = p.actors.party_idx
    imposed = (np.nan_to_num(u_main[:, parties], nan=1.0)
               < st.initial_reservation[:, parties]).any(axis=1)
    mult = durability.hazard_multiplier(
        out.monitors, out.guarantees, out.imposed, below(out.monitors_issue, out.monitors_below),
        below(out.guarantees_issue, out.guarantees_below), imposed,
    )
    prob = durability.hold_probability(out.durability_days, out.monthly_hazard, mult)
    holds = np.where(peace, (dr.u_durability < prob).astype(float), np.nan)
    fired = np.where(st.fired > 0, st.fired.astype(float), np.nan)
    return Finish(code, st.end_round.copy(), dictated, holds, st.walkout_by.copy(),
                  np.where(st.settled, st.terms, np.nan), settled_utility(p, st.settled, st.terms),
                  fired)
