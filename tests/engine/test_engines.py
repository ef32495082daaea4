"""The two engines agree run by run; seeds, chunks and jobs do not change results."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pandas as pd
import pytest
from helpers.workers import chunks_run, recording_pool, recording_pool_class

from sim.engine import runner
from sim.engine.runner import simulate
from sim.protocols import get as get_protocol
from sim.scenario import load_scenario, shipped_scenarios

TINY = Path(__file__).resolve().parents[1] / "scenarios"


def _compare(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Every column, exactly: outcome, flags, agreement_holds, terms, utilities, fired, params."""
    assert list(a.columns) == list(b.columns)
    pd.testing.assert_frame_equal(a, b, check_exact=True)


@pytest.mark.parametrize("path", [TINY / "tiny_two_party.yaml", TINY / "tiny_humanitarian.yaml",
                                  *shipped_scenarios()],
                         ids=lambda p: p.stem)
def test_mesa_and_vector_agree_run_by_run(path):
    scn = load_scenario(path)
    if not get_protocol(scn.negotiation.protocol).mesa:
        pytest.skip(f"the Mesa engine does not run {scn.negotiation.protocol}")
    vec = simulate(scn, runs=16, seed=11, engine="vector", trace_runs=16)
    mesa = simulate(scn, runs=16, seed=11, engine="mesa", trace_runs=16)
    _compare(vec.runs, mesa.runs)
    pd.testing.assert_frame_equal(vec.rounds, mesa.rounds, check_exact=True)
    pd.testing.assert_frame_equal(vec.sessions, mesa.sessions, check_exact=True)


def test_same_seed_same_runs_and_different_seed_differs():
    scn = load_scenario(TINY / "tiny_two_party.yaml")
    a = simulate(scn, runs=120, seed=5).runs
    b = simulate(scn, runs=120, seed=5).runs
    c = simulate(scn, runs=120, seed=6).runs
    pd.testing.assert_frame_equal(a, b)
    assert not a["seed"].equals(c["seed"])


def test_chunking_and_jobs_do_not_change_results(tmp_path, monkeypatch):
    scn = load_scenario(TINY / "tiny_two_party.yaml")
    one = simulate(scn, runs=90, seed=3, chunk_size=90)
    small = simulate(scn, runs=90, seed=3, chunk_size=7)
    # an executor passed in, and the pool simulate builds itself for jobs=2; the workers of
    # both log each chunk they run, which proves the chunks left this process
    given_log, own_log = tmp_path / "given", tmp_path / "own"
    given_log.mkdir()
    own_log.mkdir()
    with recording_pool(given_log, max_workers=2,
                        mp_context=multiprocessing.get_context("forkserver")) as pool:
        given = simulate(scn, runs=90, seed=3, chunk_size=20, executor=pool)
    monkeypatch.setattr(runner, "ProcessPoolExecutor", recording_pool_class(own_log))
    two = simulate(scn, runs=90, seed=3, chunk_size=20, jobs=2)
    for log in (given_log, own_log):
        ran = chunks_run(log)
        assert [(start, stop) for _, start, stop in ran] == runner.chunks(90, 20)
        assert os.getpid() not in {pid for pid, _, _ in ran}
    for res in (small, given, two):
        pd.testing.assert_frame_equal(one.runs, res.runs)
        pd.testing.assert_frame_equal(one.rounds, res.rounds)


def test_replication_k_is_the_same_inside_a_larger_run():
    scn = load_scenario(TINY / "tiny_two_party.yaml")
    big = simulate(scn, runs=40, seed=9).runs
    small = simulate(scn, runs=10, seed=9).runs
    pd.testing.assert_frame_equal(big.iloc[:10].reset_index(drop=True), small)


def test_zeuthen_alternating_reaches_the_nash_point():
    """Two Zeuthen bargainers end within a few steps of x* = 100 (1 - d_A + d_B) / 2."""
    scn = load_scenario(TINY / "zeuthen_single_issue.yaml")
    res = simulate(scn, runs=1, seed=1)
    row = res.runs.iloc[0]
    assert row["outcome"] in ("comprehensive", "ceasefire")
    nash = 100 * (1 - 0.10 + 0.30) / 2  # A's ideal is 100: u_A = x/100, u_B = 1 - x/100
    assert abs(row["terms.ceasefire"] - nash) < 1.0


def test_a_party_with_a_better_alternative_walks_out_and_talks_collapse():
    scn = load_scenario(TINY / "tiny_two_party.yaml", overrides=[
        "actors.blue.reservation=1.0", "battlefield.war_cost.blue=0", "battlefield.stake=0",
        "actors.gold.leverage.blue=0", "negotiation.walkout.threshold=0.0",
        "negotiation.walkout.softness=0.01", "negotiation.walkout.hazard=1.0"])
    runs = simulate(scn, runs=20, seed=1).runs
    assert (runs["outcome"] == "collapse").all()
    # no text meets Blue's reservation, so the egalitarian text leaves both sides short of
    # theirs: both are frustrated, and the first of them in party order is recorded
    assert (runs["walkout_by"] != "").all()
    assert (runs["rounds"] == 1).all()


def test_walkout_hazard_zero_means_no_collapse():
    scn = load_scenario(TINY / "tiny_two_party.yaml", overrides=[
        "actors.blue.reservation=0.9", "negotiation.walkout.hazard=0.0"])
    runs = simulate(scn, runs=20, seed=1).runs
    assert not (runs["outcome"] == "collapse").any()
    assert (runs["walkout_by"] == "").all()


def test_pressure_fires_only_without_a_ceasefire_and_is_recorded():
    scn = load_scenario(TINY / "tiny_two_party.yaml")
    runs = simulate(scn, runs=100, seed=4).runs
    fired = runs["fired.sanctions"]
    assert set(fired.dropna().unique()) <= {4.0}  # no_agreement_by 3 -> checked in session 4
    cease_by_3 = runs["outcome"].isin(["ceasefire", "comprehensive"]) & (runs["rounds"] <= 3)
    assert fired[cease_by_3].isna().all()
    leader = runs["fired.leader"].dropna()
    assert set(leader.unique()) <= {2.0} and 0 < len(leader) < 40  # probability 0.1 at round 2


def test_the_fork_server_of_a_compiled_run_preloads_the_engine_only_from_a_warm_cache(
        monkeypatch, tmp_path):
    from sim.engine import compiled
    from sim.engine.workers import engine_preload

    assert engine_preload("compiled") == ["sim.engine.compiled.warm"]
    assert engine_preload("vector") == [] and engine_preload("mesa") == []
    loads: list[int] = []
    monkeypatch.setattr(compiled, "load", lambda *a: loads.append(1))
    monkeypatch.setattr(compiled, "available", lambda: False)
    from sim.engine.compiled import warm  # its import warms nothing here: no numba is loaded

    assert loads == []
    monkeypatch.setattr(compiled, "available", lambda: True)
    cold = compiled.CacheInfo(tmp_path, False, "")
    monkeypatch.setattr(compiled, "cache_info", lambda: cold)
    warm._warm()
    assert loads == []  # a cold cache is compiled by the main process, not the fork server
    (tmp_path / "fused.play-1.nbi").write_text("")
    monkeypatch.setattr(compiled, "cache_info", lambda: compiled.CacheInfo(tmp_path, True, ""))
    warm._warm()
    assert loads == [1]

    def broken() -> None:
        raise OSError("the cache went away")

    monkeypatch.setattr(compiled, "cache_info", broken)
    warm._warm()  # never raises: the fork server must not die of it
