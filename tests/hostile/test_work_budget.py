"""Runaway requests are refused before anything starts, naming the flag or key and the estimate.

The budget must let every shipped scenario and every documented command through, and 1,000,000
baseline runs without plots (the runs are streamed: memory stays flat), while refusing what would
take years or more memory than the limit (the trace, the plots, the points of a sweep).
"""

from __future__ import annotations

import time

import pytest
from helpers.hostile import BASELINE, TINY

from sim.cli import main
from sim.experiment import run_budget
from sim.scenario import budget, load_scenario, shipped_scenarios
from sim.scenario.budget import MEMORY_LIMIT, WORK_LIMIT, Size, estimate, too_large

BIG = 10**12


def refused(capsys, *argv: str, seconds: float = 5.0) -> str:
    t0 = time.perf_counter()
    assert main(list(argv)) == 2
    assert time.perf_counter() - t0 < seconds
    err = capsys.readouterr().err
    assert "Traceback" not in err and "--allow-large" in err
    return err


def test_runs_from_the_flag_the_file_and_set_are_refused_naming_where(tmp_path, capsys):
    out = tmp_path / "out"
    err = refused(capsys, "run", str(BASELINE), "--runs", str(BIG), "--out", str(out))
    assert err.startswith(f"error: --runs {BIG}: 12,000,000,000,000 replication-sessions")
    assert "years on one core" in err and f"limit of {WORK_LIMIT:,}" in err
    big = tmp_path / "big.yaml"
    big.write_text(f"extends: {BASELINE}\ntitle: big\nruns: {BIG}\n")
    err = refused(capsys, "run", str(big), "--out", str(out))
    assert err.startswith(f"error: {big}:3:1: runs 1,000,000,000,000: ")
    err = refused(capsys, "run", str(BASELINE), "--set", f"runs={BIG}", "--out", str(out))
    assert err.startswith(f"error: --set runs={BIG}: ")
    assert not out.exists() and list(tmp_path.iterdir()) == [big]


def test_the_trace_and_the_plots_are_refused_for_their_memory(tmp_path, capsys):
    out = str(tmp_path / "out")
    err = refused(capsys, "run", str(BASELINE), "--runs", "200000", "--trace-runs", "100000",
                  "--no-plots", "--out", out)
    assert err.startswith("error: --trace-runs 100000: about ")
    assert "round-by-round trace of 100,000 runs (117,000,000 rows" in err
    err = refused(capsys, "run", str(BASELINE), "--runs", "2000000", "--out", out)
    assert err.startswith("error: --runs 2000000 with plots: ") and "--no-plots" in err
    assert not (tmp_path / "out").exists()


def test_what_the_readme_and_the_shipped_scenarios_ask_for_is_allowed():
    for path in shipped_scenarios():
        scn = load_scenario(path)
        assert run_budget(scn, path, jobs=2) is None, path
    scn = load_scenario(BASELINE)
    assert run_budget(scn, BASELINE, runs=1_000_000, plots=False) is None  # streamed: flat
    assert run_budget(scn, BASELINE, runs=1_000_000, plots=True) is None  # ~3 GiB with plots
    assert run_budget(scn, BASELINE, runs=4_000_000, plots=False, jobs=2) is None
    assert run_budget(scn, BASELINE, runs=5_000_000, plots=False) is not None
    assert run_budget(scn, BASELINE, runs=5_000_000, plots=False, allow_large=True) is None


def test_allow_large_does_not_lift_the_machines_memory():
    scn = load_scenario(BASELINE)
    problem = run_budget(scn, BASELINE, runs=BIG, allow_large=True)
    assert problem is not None and "more than this machine has" in problem
    assert "--no-plots" in problem
    assert run_budget(scn, BASELINE, runs=BIG, plots=False, allow_large=True) is None


def test_compare_is_refused_before_it_runs_anything(tmp_path, capsys):
    err = refused(capsys, "compare", str(BASELINE), str(TINY), "--runs", "100000000",
                  "--out", str(tmp_path / "c"))
    assert err.startswith("error: --runs 100000000: ")
    assert not (tmp_path / "c").exists()


SWEEPS = {
    "samples": ("design: lhs\nsamples: 1000000000\nparameters:\n"
                "  battlefield.stake: {low: 0, high: 0.2}\n", ":4:1: samples 1,000,000,000"),
    "steps": ("parameters:\n  battlefield.stake: {low: 0, high: 0.2, steps: 1000000000}\n",
              ":4:42: parameters.battlefield.stake.steps: a grid of 1,000,000,000"),
    "runs_per_point": ("runs_per_point: 1000000000000\nparameters:\n"
                       "  battlefield.stake: {low: 0, high: 0.2, steps: 3}\n",
                       ":3:1: runs_per_point 1,000,000,000,000 x 3 points"),
    "grid 4 x 1000": ("parameters:\n" + "".join(
        f"  {k}: {{low: 0, high: 0.5, steps: 1000}}\n" for k in (
            "battlefield.stake", "battlefield.rearm_fear", "battlefield.volatility",
            "negotiation.acceptance_noise")),
        ": a grid of 1,000 x 1,000 x 1,000 x 1,000 = 1,000,000,000,000 points"),
}


@pytest.mark.parametrize("case", SWEEPS)
def test_runaway_sweeps_are_refused_quickly_naming_the_key(tmp_path, capsys, case):
    body, expected = SWEEPS[case]
    path = tmp_path / "big.yaml"
    path.write_text(f"sweep: 1\nscenario: {TINY}\n{body}outputs: [partial]\n")
    t0 = time.perf_counter()
    assert main(["sweep", str(path), "--out", str(tmp_path / "out")]) == 2
    assert time.perf_counter() - t0 < 5
    err = capsys.readouterr().err
    assert f"error: {path}" in err and expected in err, err
    assert "Traceback" not in err and not (tmp_path / "out").exists()
    # insisting does not build a trillion points, nor hold a trillion runs of one
    assert main(["sweep", str(path), "--out", str(tmp_path / "out"), "--allow-large"]) == 2
    err = capsys.readouterr().err
    assert "even with --allow-large" in err and not (tmp_path / "out").exists()


@pytest.mark.parametrize("text", ["1e9", "1.0e9", "'1000000000'"])
def test_numbers_that_are_not_integers_are_refused_as_such(tmp_path, capsys, text):
    path = tmp_path / "s.yaml"
    path.write_text(f"sweep: 1\nscenario: {TINY}\ndesign: lhs\nsamples: {text}\n"
                    "parameters:\n  battlefield.stake: {low: 0, high: 0.2}\n")
    assert main(["validate", str(path)]) == 2
    assert "samples: expected a valid integer" in capsys.readouterr().err


def test_the_estimate_grows_with_what_costs():
    base = estimate(1000, 12)
    assert base.work == 12_000 and base.memory < MEMORY_LIMIT
    big = Size(sessions=12, actors=90, issues=90)
    assert estimate(1000, 12, size=big).work == 100 * 12_000  # 100 times the baseline's cells
    traced = estimate(1000, 12, trace_runs=1000)
    assert traced.parts[0][0] == "trace" and traced.memory > base.memory
    assert too_large("x", estimate(WORK_LIMIT, 1)) is None
    assert too_large("x", estimate(WORK_LIMIT + 1, 1)).startswith("x: ")


def test_a_large_replication_runs_in_smaller_chunks_with_the_same_results(monkeypatch):
    from sim.engine import runner

    scn = load_scenario(TINY)
    size = Size(scn.sessions, len(scn.actors), len(scn.issues))
    assert runner.default_chunk(scn) == runner.DEFAULT_CHUNK
    monkeypatch.setattr(budget, "CHUNK_MEMORY", 7 * size.replication_bytes())
    assert runner.default_chunk(scn) == 7
    ran = []
    original = runner.run_chunk
    monkeypatch.setattr(runner, "run_chunk", lambda s, seed, a, b, *r: ran.append((a, b))
                        or original(s, seed, a, b, *r))
    small = runner.simulate(scn, runs=20, seed=3, trace_runs=0).runs
    assert ran == [(0, 7), (7, 14), (14, 20)]
    monkeypatch.setattr(budget, "CHUNK_MEMORY", 1 << 40)
    assert small.equals(runner.simulate(scn, runs=20, seed=3, trace_runs=0).runs)


def test_a_runaway_number_of_jobs_is_refused(tmp_path, capsys):
    for argv in (["run", str(TINY), "--no-plots"], ["compare", str(TINY), str(TINY)]):
        err = refused(capsys, *argv, "--jobs", "100000", "--out", str(tmp_path / "o"))
        assert err.startswith("error: --jobs 100000: ") and "use fewer --jobs" in err
