"""Without a deadline the parties know, the length of the simulated window changes nothing.

What happens in rounds 1..k is the same, run by run, whether 8 or 20 rounds are simulated:
no strategy reads a clock, and the random draws of a round do not depend on how many rounds
follow it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.batch.draws import draw, replication_seeds
from sim.engine.runner import simulate
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
CASES = [ROOT / "scenarios" / "istanbul_2025.yaml", ROOT / "scenarios" / "istanbul_2022.yaml",
         ROOT / "tests" / "scenarios" / "tiny_uncertain.yaml",
         ROOT / "tests" / "scenarios" / "tiny_humanitarian.yaml"]
SHORT, LONG, RUNS = 8, 20, 40


def _run(path: Path, rounds: int, engine: str = "vector"):
    scn = load_scenario(path, overrides=[f"sessions={rounds}"])
    assert scn.negotiation.deadline is None
    return simulate(scn, runs=RUNS, seed=3, trace_runs=RUNS, engine=engine)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_the_first_rounds_do_not_depend_on_the_window(path):
    short, long = _run(path, SHORT), _run(path, LONG)
    # runs that ended inside the short window end the same way in the long one
    ended = short.runs["rounds"] < SHORT
    pd.testing.assert_frame_equal(short.runs[ended].reset_index(drop=True),
                                  long.runs[ended].reset_index(drop=True))
    # and every run's first rounds are the same, position by position
    first = long.rounds[long.rounds["round"] <= SHORT].reset_index(drop=True)
    pd.testing.assert_frame_equal(short.rounds, first)


def test_a_round_draws_the_same_numbers_whatever_the_window():
    """The per-round block (shock, acceptance noise, walkout and exchange uniforms) comes last."""
    seeds = replication_seeds(5, 0, 6)
    short, long = (draw(seeds, [], rounds, 4, 3, 2) for rounds in (SHORT, LONG))
    for name in ("shocks", "z_issue", "z_package", "u_walkout", "u_exchange"):
        np.testing.assert_array_equal(getattr(short, name), getattr(long, name)[:, :SHORT])
    np.testing.assert_array_equal(short.u_durability, long.u_durability)
    assert short.u_exchange.shape == (6, SHORT)
    assert ((long.u_exchange > 0) & (long.u_exchange < 1)).all()


def test_the_mesa_engine_agrees():
    path = CASES[-1]
    short, long = _run(path, SHORT, "mesa"), _run(path, LONG, "mesa")
    first = long.rounds[long.rounds["round"] <= SHORT].reset_index(drop=True)
    pd.testing.assert_frame_equal(short.rounds, first)


def test_a_known_deadline_is_a_clock():
    """With a deadline, the clock tactics pace their concessions to it: a later deadline makes
    the same early rounds slower (less conceded by round 5)."""
    path = ROOT / "tests" / "scenarios" / "tiny_two_party.yaml"

    def conceded_by_round_5(deadline: int) -> float:
        scn = load_scenario(path, overrides=[f"negotiation.deadline={deadline}",
                                             "sessions=20"])
        rounds = simulate(scn, runs=20, seed=1, trace_runs=20).rounds
        red = rounds[(rounds["actor"] == "red") & (rounds["round"].isin([0, 5]))]
        moved = red.pivot_table(index=["run", "issue"], columns="round", values="position")
        return float((moved[0] - moved[5]).abs().mean())

    assert conceded_by_round_5(8) > conceded_by_round_5(20) + 1.0
