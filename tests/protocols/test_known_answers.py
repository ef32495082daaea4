"""Known answers of bargaining theory that the whole model, not just a rule, must reach."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.engine.runner import simulate
from sim.scenario import load_scenario

TINY = Path(__file__).resolve().parents[1] / "scenarios"
LOGROLL = TINY / "logroll_three_issues.yaml"
NASH_TERMS = np.array([0.0, 100 / 3, 100.0])
NASH_UTILITIES = (0.80, 0.70)


def _final(overrides=(), engine="vector"):
    scn = load_scenario(LOGROLL, overrides=list(overrides))
    row = simulate(scn, runs=1, seed=1, engine=engine).runs.iloc[0]
    terms = row[["terms.ceasefire", "terms.land", "terms.money"]].to_numpy(float)
    return row, terms


@pytest.mark.parametrize("overrides", [
    [],                                                   # mediated, Nash mediator, package
    ["negotiation.agenda=issue_by_issue"],
    ["negotiation.protocol=alternating", "actors.a.strategy={name: zeuthen, step: 0.002}",
     "actors.b.strategy={name: zeuthen, step: 0.002}"],
], ids=["mediated-package", "mediated-issue-by-issue", "alternating-zeuthen"])
@pytest.mark.parametrize("engine", ["vector", "mesa"])
def test_three_issue_logroll_ends_at_the_nash_solution(overrides, engine):
    row, terms = _final(overrides, engine)
    assert row["outcome"] == "comprehensive"
    assert row["utility.a"] == pytest.approx(NASH_UTILITIES[0], abs=0.02)
    assert row["utility.b"] == pytest.approx(NASH_UTILITIES[1], abs=0.02)
    np.testing.assert_allclose(terms, NASH_TERMS, atol=5.0)


def test_no_bargaining_range_means_no_main_track_agreement():
    """Reservations no text can meet (B needs 0.98; the most it can get while A keeps 0.2 is
    0.967, on the frontier's last segment): nothing settles,
    whatever the strategies, the mediator or a leader in the room."""
    for extra in ([], ["actors.a.strategy={name: steady, rate: 1}",
                       "actors.b.strategy={name: steady, rate: 1}"],
                  ["negotiation.agenda=issue_by_issue"],
                  ["negotiation.protocol=alternating"]):
        scn = load_scenario(LOGROLL, overrides=["actors.b.reservation=0.98",
                                                "negotiation.acceptance_noise=0.2", *extra])
        runs = simulate(scn, runs=30, seed=2).runs
        terms = runs[["terms.ceasefire", "terms.land", "terms.money"]]
        assert terms.isna().all().all(), extra
        assert (runs["outcome"] == "stalemate").all()
