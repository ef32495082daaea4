"""The repeated humanitarian track in the model (docs/ODD.md §7.16) and the outcomes it can give.

On ``tests/scenarios/tiny_humanitarian.yaml``: an exchange may happen at every session, with a
probability that rises with the rate and, while trust is positive, with the trust effect; it
stops with the talks; and it never changes the main track, so it can only tell
``humanitarian_only`` from ``stalemate``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.batch.state import State
from sim.engine.mesa import NegotiationModel
from sim.engine.runner import replication_inputs, simulate
from sim.rules.humanitarian import trust_step
from sim.rules.taxonomy import OUTCOMES_V2
from sim.scenario import load_scenario

TINY = Path(__file__).resolve().parents[1] / "scenarios"
SCENARIO = TINY / "tiny_humanitarian.yaml"
RUNS, SEED = 120, 1
WALKOUT = ["actors.blue.reservation=1.0", "negotiation.walkout.threshold=0.0",
           "negotiation.walkout.softness=0.01", "negotiation.walkout.hazard=1.0"]
#: Low reservations, a leader in the room and quick concessions: a wide range, settled fast
SETTLES = ["actors.red.reservation=0.1", "actors.blue.reservation=0.1",
           "actors.red.delegation.authority=1", "actors.red.strategy={name: steady, rate: 0.5}",
           "actors.blue.strategy={name: steady, rate: 0.5}"]
#: Red's ceasefire cheap to give and its mandate narrow: a ceasefire, territory left open
CEASEFIRE = ["actors.red.salience.ceasefire=0.1", "actors.red.position.ceasefire=40",
             "actors.red.delegation.authority=0.3"]


def run(*overrides: str, runs: int = RUNS, seed: int = SEED, trace: bool = False):
    scn = load_scenario(SCENARIO, overrides=list(overrides))
    return simulate(scn, runs=runs, seed=seed, trace_runs=runs if trace else 0)


def test_the_track_is_repeated_and_stochastic():
    res = run(trace=True)
    exchanges = res.runs["exchanges"]
    assert exchanges.std() > 0 and exchanges.nunique() > 3  # varies across replications
    assert exchanges.max() > 1  # repeated: more than one exchange in a run
    assert (exchanges <= res.runs["rounds"]).all()  # at most one a session
    # the count is the number of rounds with an exchange in rounds.parquet, round 0 has none
    per_round = res.rounds[res.rounds["actor"] == "_text"].drop_duplicates(["run", "round"])
    counted = per_round.groupby("run")["exchange"].sum()
    assert counted.tolist() == exchanges.tolist()
    assert not per_round.loc[per_round["round"] == 0, "exchange"].any()
    # the issue is never settled; its terms are those of the last exchange, the text that round
    assert not res.rounds.loc[res.rounds["issue"] == "prisoners", "settled"].any()
    text = per_round[per_round["issue"] == "prisoners"]
    last = text[text["exchange"]].groupby("run")["position"].last()
    np.testing.assert_array_equal(res.runs.loc[last.index, "terms.prisoners"], last)
    assert res.runs.loc[exchanges == 0, "terms.prisoners"].isna().all()


def test_more_exchanges_with_a_higher_rate_run_by_run():
    """With the same draws, a higher rate gives at least as many exchanges in every run.

    Trust only grows with exchanges, so a run that exchanges at the low rate also does at the
    high one, and its trust is never lower.
    """
    counts = [run(f"humanitarian.rate={rate}").runs["exchanges"] for rate in (0.1, 0.4, 0.8)]
    low, mid, high = counts
    assert low.mean() < mid.mean() < high.mean()
    assert (low <= mid).all() and (mid <= high).all()


def test_more_exchanges_with_a_stronger_trust_effect_while_trust_is_positive():
    """Without pressure measures nothing lowers trust before the talks end, so trust >= 0."""
    counts = [run("pressure.squeeze.war_cost=0", "humanitarian.rate=0.3",
                  f"humanitarian.trust_effect={effect}").runs["exchanges"]
              for effect in (0.0, 1.5, 4.0)]
    assert counts[0].mean() < counts[1].mean() < counts[2].mean()
    assert (counts[0] <= counts[1]).all() and (counts[1] <= counts[2]).all()


def test_no_exchange_after_a_collapse():
    res = run(*WALKOUT, "humanitarian.rate=1", trace=True)
    runs = res.runs
    assert (runs["outcome"] == "collapse").all() and (runs["rounds"] == 1).all()
    assert (runs["exchanges"] == 1).all()  # the session of the walkout, then none
    assert res.rounds["round"].max() == 1


def test_exchanges_never_change_the_main_track():
    none, every = run("humanitarian.rate=0").runs, run("humanitarian.rate=1").runs
    assert (none["exchanges"] == 0).all()
    assert (every["exchanges"] == every["rounds"]).all()
    main = ["terms.ceasefire", "terms.territory", "rounds", "walkout_by", "dictated_peace",
            "imposed_on", "agreement_holds"]
    pd.testing.assert_frame_equal(none[main], every[main])
    differ = none["outcome"] != every["outcome"]
    assert differ.any()
    assert (none.loc[differ, "outcome"] == "stalemate").all()
    assert (every.loc[differ, "outcome"] == "humanitarian_only").all()


@pytest.mark.parametrize(("outcome", "overrides"), [
    ("comprehensive", SETTLES),
    ("ceasefire", CEASEFIRE),
    ("partial", []),
    ("humanitarian_only", []),
    ("stalemate", ["humanitarian.rate=0"]),
    ("collapse", WALKOUT),
])
def test_every_outcome_is_reachable(outcome, overrides):
    runs = run(*overrides, runs=200).runs
    assert set(runs["outcome"]) <= set(OUTCOMES_V2)
    got = runs[runs["outcome"] == outcome]
    assert len(got), runs["outcome"].value_counts()
    main = got[["terms.ceasefire", "terms.territory"]].notna()
    if outcome == "comprehensive":
        assert main.all(axis=None)
    if outcome == "ceasefire":
        assert (got["terms.ceasefire"] <= 35).all() and got["terms.territory"].isna().all()
    if outcome == "collapse":
        assert (got["walkout_by"] != "").all()
    if outcome == "partial":
        assert main.any(axis=1).all() and not main.all(axis=1).any()
    if outcome == "humanitarian_only":
        assert not main.any(axis=None) and (got["exchanges"] > 0).all()
    if outcome == "stalemate":
        assert not main.any(axis=None) and (got["exchanges"] == 0).all()


def test_trust_moves_by_what_each_session_showed():
    """Round by round in the Mesa model: exchanges and reciprocated concessions up, pressure down.

    ``reciprocated`` = every party's aspiration fell this session; ``escalated`` = a pressure
    measure fired this session (here ``squeeze``, from round 5 when nothing was agreed by 4).
    """
    scn = load_scenario(SCENARIO)
    parties = ("red", "blue")
    seen = {"exchange": False, "reciprocated": False, "escalated": False}
    for k in range(6):
        seeds, draws, params = replication_inputs(scn, SEED, k, k + 1)
        model = NegotiationModel(params, draws, rng=int(seeds[0])).run()
        opening = State.initial(params).aspiration[0]
        previous = {a: float(opening[params.actors.ids.index(a)]) for a in parties}
        trust = 0.0
        for entry in model.log:
            fell = all(entry["aspiration"][a] < previous[a] for a in parties)
            escalated = "squeeze" in entry["fired"]
            expected = float(trust_step(trust, entry["exchanged"], fell,
                                        bool(entry["walked_out"]), escalated))
            assert entry["trust"] == pytest.approx(expected, abs=1e-12)
            trust, previous = expected, entry["aspiration"]
            seen["exchange"] |= entry["exchanged"]
            seen["reciprocated"] |= fell
            seen["escalated"] |= escalated
    assert all(seen.values()), seen


def test_the_exchange_terms_never_move_the_main_track():
    """A different status quo on the exchanged issue changes the exchange text, not the talks."""
    base, moved = run().runs, run("issues.prisoners.status_quo=20").runs
    assert not np.allclose(base["terms.prisoners"], moved["terms.prisoners"], equal_nan=True)
    main = ["outcome", "terms.ceasefire", "terms.territory", "rounds", "walkout_by"]
    pd.testing.assert_frame_equal(base[main], moved[main])
