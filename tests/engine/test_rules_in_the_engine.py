"""Rules seen through the engine: known answers on a settlement fixed in advance.

The unit tests in tests/rules check each rule's function; these check that the engine applies
the rearm fear, the durability multipliers and the dictated-peace margin, on
``tests/scenarios/pressed_settlement.yaml``: both parties state 30 unless a test moves them, so
the text is 30 and, rules aside, both accept it in session 1 (u_red = 0.3, u_blue = 0.7).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.engine.runner import simulate
from sim.scenario import load_scenario

PRESSED = Path(__file__).resolve().parents[1] / "scenarios" / "pressed_settlement.yaml"


def runs_of(*overrides: str):
    return simulate(load_scenario(PRESSED, overrides=list(overrides)), runs=20, seed=5).runs


def test_the_settlement_is_the_stated_terms():
    runs = runs_of()
    assert (runs["outcome"] == "comprehensive").all() and (runs["rounds"] == 1).all()
    assert runs["terms.ceasefire"].tolist() == [30.0] * 20
    assert runs["utility.red"].tolist() == pytest.approx([0.3] * 20, abs=1e-12)


@pytest.mark.parametrize("edge, outcome", [(0.4, "stalemate"), (-0.4, "comprehensive")])
def test_only_the_side_that_believes_itself_ahead_fears_a_ceasefire_that_lets_the_other_rearm(
        edge, outcome):
    # Stated terms 45 (red) and 80 (blue), a Nash mediator: the Nash text over the parties'
    # ideals (100 and 0, reservations 0) is 50, worth 0.05 more than its own stated terms to
    # red and 0.3 more to blue. Both sides believe the true edge (no beliefs given, a front
    # without noise); rearm fear costs the side it favours 0.5 x w_ceasefire (1) x |edge| = 0.2
    # of a ceasefire text (50 <= threshold 60): red, when favoured, refuses; blue, when
    # favoured, still accepts.
    fear = ["actors.mediator.mediator.method=nash",
            "actors.red.position.ceasefire=45", "actors.blue.position.ceasefire=80",
            "issues.ceasefire.ceasefire_threshold=60", f"battlefield.edge={edge}"]
    runs = runs_of(*fear, "battlefield.rearm_fear=0.5")
    assert (runs["outcome"] == outcome).all()
    if outcome == "comprehensive":
        assert runs["terms.ceasefire"].tolist() == pytest.approx([50.0] * 20, abs=1e-9)
    assert (runs_of(*fear, "battlefield.rearm_fear=0")["outcome"] == "comprehensive").all()
    # a text that is not a general ceasefire (50 > threshold 40) carries no rearm fear
    no_ceasefire = runs_of(*fear, "battlefield.rearm_fear=0.5",
                           "issues.ceasefire.ceasefire_threshold=40")
    assert (no_ceasefire["outcome"] == "comprehensive").all()


@pytest.mark.parametrize("factor, issue_key, below_key", [
    ("monitors", "monitors_issue", "monitors_below"),
    ("guarantees", "guarantees_issue", "guarantees_below"),
])
def test_monitors_and_guarantees_scale_the_hazard_when_their_condition_holds(
        factor, issue_key, below_key):
    # multiplier 0: no hazard at all, the ceasefire holds; without it, the hazard of 0.99 a month
    # over 10 years leaves no chance
    key = "outcomes.durability"
    holds = runs_of(f"{key}.{issue_key}=ceasefire", f"{key}.{below_key}=50")["agreement_holds"]
    assert holds.tolist() == [True] * 20, f"{factor} (30 < 50) should remove the hazard"
    fails = runs_of(f"{key}.{issue_key}=ceasefire", f"{key}.{below_key}=20")["agreement_holds"]
    assert fails.tolist() == [False] * 20, f"{factor} should not deploy: 30 is not below 20"


def test_an_imposed_ceasefire_gets_the_imposed_multiplier():
    # red opens believing the front favours it (prior mean 1, strength 0.1): its reservation is
    # 0.2 + 0.3 x 1 = 0.5 before session 1. The front does not move (edge 0, no noise), so after
    # session 1 it believes 0.1 / 1.1 and its reservation falls to 0.2 + 0.3 x 0.091 = 0.227:
    # it accepts 0.3, below its session-0 reservation, and the ceasefire counts as imposed
    # (multiplier 0 here)
    imposed = runs_of("actors.red.reservation=0.2", "battlefield.edge=0", "battlefield.stake=0.3",
                      "battlefield.beliefs.red={mean: 1, strength: 0.1}")
    assert (imposed["outcome"] == "comprehensive").all()
    assert imposed["agreement_holds"].tolist() == [True] * 20
    assert runs_of()["agreement_holds"].tolist() == [False] * 20  # not imposed: no multiplier


@pytest.mark.parametrize("margin, dictated", [(0.3, True), (0.5, False)])
def test_dictated_peace_needs_more_than_the_margin(margin, dictated):
    # with both stating 70, u_red - u_blue = 0.7 - 0.3 = 0.4 (red is the first side)
    runs = runs_of("actors.red.position.ceasefire=70",
                   "actors.blue.position.ceasefire=70",
                   f"outcomes.dictated_peace_margin={margin}")
    assert (runs["outcome"] == "comprehensive").all()
    assert runs["dictated_peace"].tolist() == [dictated] * 20
