"""The contract every registered protocol honours, inherited by one test class per protocol.

Each class runs the tiny canonical scenarios under its protocol: every outcome is valid, the
same seed gives the same tables, and the two engines agree run by run on every column where
the protocol supports the Mesa engine (elsewhere a Mesa request runs the vector engine).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.engine.runner import simulate
from sim.protocols import ACTOR_SELECTIONS, get, names
from sim.rules.taxonomy import OUTCOMES_V2 as OUTCOMES
from sim.scenario import load_scenario

TINY = Path(__file__).resolve().parents[1] / "scenarios"
SCENARIOS = sorted(TINY.glob("*.yaml"))
RUNS = 24


class ProtocolContract:
    """Inherit and set ``name`` to the registered protocol under test."""

    name: str = ""

    def scenario(self, path: Path):
        return load_scenario(path, overrides=[f"negotiation.protocol={self.name}"])

    def test_registered_under_its_name(self):
        protocol = get(self.name)
        assert protocol.name == self.name and protocol.help
        assert protocol.phases, "a protocol has at least one phase"
        for phase in (*protocol.opening, *protocol.phases):
            assert callable(phase.run) and phase.name
            assert phase.actors is None or phase.actors in ACTOR_SELECTIONS

    @pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
    def test_outcomes_are_valid(self, path):
        scn = self.scenario(path)
        res = simulate(scn, runs=RUNS, seed=2, trace_runs=RUNS)
        runs = res.runs
        assert len(runs) == RUNS and runs["run"].tolist() == list(range(RUNS))
        assert set(runs["outcome"]) <= set(OUTCOMES)
        assert runs["rounds"].between(0, scn.sessions).all()
        terms = runs[[c for c in runs.columns if c.startswith("terms.")]].to_numpy(float)
        assert np.all(np.isnan(terms) | ((terms >= 0) & (terms <= 100)))
        parties = {a for a, act in scn.actors.items() if act.role == "party"}
        assert set(runs["walkout_by"]) <= parties | {""}
        assert ((runs["walkout_by"] != "") == (runs["outcome"] == "collapse")).all()
        peace = runs["outcome"].isin(["comprehensive", "ceasefire"])
        assert (runs["agreement_holds"].isna() == ~peace).all()
        assert not (runs["dictated_peace"] & ~peace).any()
        # every traced run has its opening and no round after its end
        last = res.rounds.groupby("run")["round"].agg(["min", "max"])
        assert (last["min"] == 0).all() and (last["max"] <= scn.sessions).all()

    @pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
    def test_same_seed_same_tables(self, path):
        scn = self.scenario(path)
        a = simulate(scn, runs=RUNS, seed=5, trace_runs=RUNS)
        b = simulate(scn, runs=RUNS, seed=5, trace_runs=RUNS)
        pd.testing.assert_frame_equal(a.runs, b.runs, check_exact=True)
        pd.testing.assert_frame_equal(a.rounds, b.rounds, check_exact=True)

    @pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
    def test_engines_agree_run_by_run(self, path):
        scn = self.scenario(path)
        vec = simulate(scn, runs=RUNS, seed=11, engine="vector", trace_runs=RUNS)
        mesa = simulate(scn, runs=RUNS, seed=11, engine="mesa", trace_runs=RUNS)
        pd.testing.assert_frame_equal(vec.runs, mesa.runs, check_exact=True)
        pd.testing.assert_frame_equal(vec.rounds, mesa.rounds, check_exact=True)


class TestMediated(ProtocolContract):
    name = "mediated"


class TestAlternating(ProtocolContract):
    name = "alternating"


class TestExpectedUtility(ProtocolContract):
    name = "expected_utility"

    def test_the_mesa_engine_does_not_claim_it(self):
        assert get(self.name).mesa is False


def test_every_registered_protocol_has_a_contract_class():
    tested = {cls.name for cls in ProtocolContract.__subclasses__()}
    assert tested == set(names())
