"""Protocol ``expected_utility``: each issue as its own Bueno de Mesquita contest.

Every actor (parties, mediator and third parties alike) takes part with its capability, its
salience on the issue and its position, for ``sessions`` rounds of the Scholz, Calbert & Smith
(2011) model (:mod:`sim.rules.bdm`). The forecast after each round is the capability x salience
weighted median (or mean, ``negotiation.expected_utility.forecast``) of the positions held; it
is the round's text.

Classifying the forecast into the common outcomes: an issue counts as *settled* when, after the
last round, the parties' positions lie within ``agreement_gap`` points of each other on the
0-100 axis (they have converged on a deal); its terms are then the forecast. The ceasefire issue
settled at or below its threshold is a general ceasefire, and :func:`sim.rules.taxonomy.classify`
does the rest. There are no walkouts in this model, so no ``collapse``. ``rounds`` is the last
round in which any actor moved (0 if nobody did). The battlefield is not part of this model
(the front is recorded as NaN). Monte Carlo variation comes only from the scenario's uncertain
inputs: the model itself is deterministic. The Mesa engine does not run this protocol; under
``--engine compiled`` each round runs as the compiled loops of :mod:`sim.rules.bdm_kernel`
(the step functions' results, bit for bit).
"""

from __future__ import annotations

import numpy as np

from sim.batch.batch import Batch
from sim.batch.params import Params
from sim.protocols.registry import Phase, Protocol, register
from sim.rules.bdm import BDMInputs, BDMOptions, bdm_inputs, bdm_step
from sim.rules.bdm_steps import weighted_mean, weighted_median

DEFAULT_AGREEMENT_GAP = 10.0


def _options(p: Params) -> tuple[BDMOptions, str, float]:
    opts = dict(p.agenda.protocol_options)
    forecast = opts.pop("forecast", "median")
    gap = float(opts.pop("agreement_gap", DEFAULT_AGREEMENT_GAP))
    fields = BDMOptions.__dataclass_fields__
    return BDMOptions(**{k: v for k, v in opts.items() if k in fields}), forecast, gap


def _contest_inputs(p: Params) -> tuple[np.ndarray, BDMInputs]:
    """Batch items = replications x issues, actors last."""
    R, A, n_i = p.runs, p.n_actors, p.n_issues
    cap = np.repeat(p.actors.capability[:, None, :], n_i, axis=1).reshape(R * n_i, A)
    pos = p.actors.position.transpose(0, 2, 1).reshape(R * n_i, A)
    sal = p.actors.salience.transpose(0, 2, 1).reshape(R * n_i, A)
    return bdm_inputs(cap, pos, sal)


def _forecast(b: Batch, x: np.ndarray) -> np.ndarray:
    """(R, I) forecast of the (R x I, A) positions ``x``."""
    p = b.params
    inputs = b.carry["inputs"]
    kind = b.carry["forecast"]
    fc = weighted_median(x, inputs.weight) if kind == "median" else weighted_mean(x,
                                                                                 inputs.weight)
    return fc.reshape(p.runs, p.n_issues)


def open_contest(b: Batch) -> None:
    """Before round 1: the contest's fixed inputs, and the forecast of the opening positions."""
    x0, inputs = _contest_inputs(b.params)
    options, forecast, gap = _options(b.params)
    b.carry.update(inputs=inputs, options=options, forecast=forecast, gap=gap, x=x0)
    b.state.front = np.full(b.params.runs, np.nan)
    b.state.text = _forecast(b, x0)


def contest_round(b: Batch) -> None:
    """One BDM round on every issue; the text is the new forecast."""
    p, st, run = b.params, b.state, b.carry
    x = run["x"]
    compiled = b.kernels.name == "compiled"  # --engine compiled
    new = bdm_step(x, run["inputs"], run["options"], "compiled" if compiled else "numpy")
    moved = (np.abs(new - x) > 0).reshape(p.runs, p.n_issues * p.n_actors).any(axis=1)
    st.end_round = np.where(moved, b.round, st.end_round)
    run["x"] = new
    st.stated = new.reshape(p.runs, p.n_issues, p.n_actors).transpose(0, 2, 1).copy()
    st.text = _forecast(b, new)


def classify_contest(b: Batch) -> None:
    """After the last round: an issue is settled where the parties converged on the forecast."""
    p, st = b.params, b.state
    if b.round < p.agenda.sessions:
        return
    parties = st.stated[:, p.actors.party_idx, :]
    converged = parties.max(axis=1) - parties.min(axis=1) <= b.carry["gap"]
    st.settled = converged
    st.terms = np.where(converged, st.text, np.nan)
    st.active = np.zeros(p.runs, bool)


EXPECTED_UTILITY = register(Protocol(
    name="expected_utility",
    help="Bueno de Mesquita / Scholz et al. (2011) model, per issue",
    mesa=False,
    opening=(Phase("open_contest", open_contest),),
    phases=(Phase("contest", contest_round), Phase("classify", classify_contest)),
))
