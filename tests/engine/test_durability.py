"""Durability wired into the model: each agreement holds by the hazard of its kind (ODD §7.14)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.engine.runner import replication_inputs, simulate
from sim.rules.durability_kinds import SETTLEMENT, survival
from sim.scenario import load_scenario

TINY = Path(__file__).resolve().parents[1] / "scenarios" / "tiny_two_party.yaml"
RUNS, SEED = 60, 4


def _runs(*overrides: str):
    scn = load_scenario(TINY, overrides=list(overrides))
    return scn, simulate(scn, runs=RUNS, seed=SEED, trace_runs=0).runs


def test_a_settlement_holds_by_the_settlement_hazard_alone():
    _, base = _runs()
    settled = base["outcome"] == "comprehensive"
    assert settled.sum() >= RUNS // 2  # the tiny scenario mostly settles
    _, sure = _runs("outcomes.durability.hazards.settlement=0")
    _, doomed = _runs("outcomes.durability.hazards.settlement=1")
    assert sure["agreement_holds"][settled].all() and not doomed["agreement_holds"][settled].any()
    # the bare ceasefire's hazard (monthly_hazard of earlier files) does not touch a settlement
    _, bare = _runs("outcomes.durability.monthly_hazard=1")
    assert bare["agreement_holds"].equals(base["agreement_holds"])


def test_monitors_and_guarantees_make_a_guaranteed_settlement():
    both = ["outcomes.durability.monitors_issue=ceasefire",
            "outcomes.durability.monitors_below=100",
            "outcomes.durability.guarantees_issue=territory",
            "outcomes.durability.guarantees_below=100",
            "outcomes.durability.hazards.settlement=1"]
    _, guaranteed = _runs(*both, "outcomes.durability.hazards.settlement_with_guarantees=0")
    assert guaranteed["agreement_holds"].dropna().all()
    _, monitors_only = _runs(*both[:2], "outcomes.durability.hazards.settlement=1",
                             "outcomes.durability.hazards.settlement_with_guarantees=0")
    settled = monitors_only["outcome"] == "comprehensive"
    assert not monitors_only["agreement_holds"][settled].any()  # a settlement with monitors alone


def test_agreement_holds_is_the_durability_uniform_below_the_survival_probability():
    days, hazard = 180, 0.2
    scn, runs = _runs(f"outcomes.durability.days={days}",
                      f"outcomes.durability.hazards.settlement={hazard}",
                      "outcomes.durability.imposed=1")  # no multiplier applies
    _, draws, _ = replication_inputs(scn, SEED, 0, RUNS)
    p = survival(days, np.full(RUNS, SETTLEMENT), 1.0, [0.4, 0.2, hazard, 0.01])
    assert p[0] == pytest.approx((1 - hazard) ** (days / 30))
    settled = (runs["outcome"] == "comprehensive").to_numpy()
    assert settled.any()
    np.testing.assert_array_equal(runs["agreement_holds"][settled].to_numpy(bool),
                                  (draws.u_durability < p)[settled])
