"""Protocol ``expected_utility``: each issue as its own Bueno de Mesquita contest.

Every actor (parties, mediator and third parties alike) takes part with its capability, its
salience on the issue and its position, for ``max_rounds`` rounds of the Scholz, Calbert & Smith
(2011) model (:mod:`sim.rules.bdm`). The forecast after each round is the capability x salience
weighted median (or mean, ``negotiation.expected_utility.forecast``) of the positions held.

Classifying the forecast into the common outcomes: an issue counts as *settled* when, after the
last round, the parties' positions lie within ``agreement_gap`` points of each other on the
0-100 axis (they have converged on a deal); its terms are then the forecast. The ceasefire issue
settled at or below its threshold is a general ceasefire, and :func:`sim.rules.outcome.classify`
does the rest. There are no walkouts in this model, so no ``collapse``. ``rounds`` is the last
round in which any actor moved (0 if nobody did). Monte Carlo variation comes only from the
scenario's uncertain inputs: the model itself is deterministic.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from sim.engine.draws import Draws
from sim.engine.finish import Finish, finish
from sim.engine.params import Params
from sim.engine.vector import Trace
from sim.rules.bdm import BDMOptions, run_bdm

DEFAULT_AGREEMENT_GAP = 10.0


def run_expected_utility(p: Params, dr: Draws) -> tuple[Finish, Trace]:
    """Run the BDM model on every issue of every replication; classify the forecasts."""
    R, A, n_i, T = p.runs, p.n_actors, p.n_issues, p.max_rounds
    opts = dict(p.eu_options)
    forecast_kind = opts.pop("forecast", "median")
    gap = float(opts.pop("agreement_gap", DEFAULT_AGREEMENT_GAP))
    options = BDMOptions(**{k: v for k, v in opts.items()
                            if k in BDMOptions.__dataclass_fields__})
    # batch = replications x issues, actors last
    cap = np.repeat(p.capability[:, None, :], n_i, axis=1).reshape(R * n_i, A)
    pos = p.position.transpose(0, 2, 1).reshape(R * n_i, A)
    sal = p.salience.transpose(0, 2, 1).reshape(R * n_i, A)
    traj = run_bdm(cap, pos, sal, T, options)
    positions = traj.positions.reshape(R, n_i, T + 1, A).transpose(0, 2, 3, 1)  # R, T+1, A, I
    fc = (traj.median if forecast_kind == "median" else traj.mean).reshape(R, n_i, T + 1)
    forecast = fc.transpose(0, 2, 1)  # R, T+1, I
    final = positions[:, -1]  # R, A, I
    parties = final[:, p.party_idx, :]
    converged = parties.max(axis=1) - parties.min(axis=1) <= gap
    terms = np.where(converged, forecast[:, -1], np.nan)
    moved = np.abs(np.diff(positions, axis=1)).max(axis=(2, 3)) > 0  # R, T
    last_move = np.where(moved.any(axis=1), T - np.argmax(moved[:, ::-1], axis=1), 0)
    state = SimpleNamespace(
        settled=converged, terms=terms, walkout_by=np.full(R, -1), end_round=last_move,
        fired=np.zeros((R, len(p.events) + len(p.pressures)), int),
        initial_reservation=p.reservation,
    )
    fin = finish(p, state, dr)
    settled_hist = np.zeros((R, T + 1, n_i), bool)
    settled_hist[:, -1] = converged
    trace = Trace(positions, forecast, np.full((R, T + 1), np.nan), settled_hist)
    fin.traced_rounds = np.full(R, T)  # trajectories are recorded for every round
    return fin, trace
