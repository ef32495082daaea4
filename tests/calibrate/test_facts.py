"""The simulated facts of a window agree with what sessions.parquet says of the same runs."""

from pathlib import Path

import numpy as np

from sim.batch.params import compile_params
from sim.calibrate.facts import observed, window_facts, windows
from sim.engine.runner import replication_inputs, simulate
from sim.engine.vector import run_batch
from sim.records import load_record
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]


def test_window_facts_match_the_sessions_table():
    scn = load_scenario(ROOT / "scenarios" / "istanbul_2022.yaml",
                        overrides=["actors.ukraine.reservation=0.7",
                                   "negotiation.walkout.threshold=0.0",
                                   "negotiation.walkout.hazard=0.9"])
    n = 300
    _, dr, p = replication_inputs(scn, 7, 0, n)
    _, tr = run_batch(compile_params(scn, dr.samples, n), dr, trace=True)
    wins = windows([2, 5, 12])
    facts = window_facts(p, tr, wins)
    sessions = simulate(scn, runs=n, seed=7, trace_runs=n).sessions
    main = [i for i, iss in scn.issues.items() if iss.track != "separate"]
    for w, win in enumerate(wins):
        part = sessions[(sessions["session"] > win.after) & (sessions["session"] <= win.upto)]
        by_run = part.groupby("run")
        exch = by_run["exchange"].any().reindex(range(n), fill_value=False).to_numpy()
        walk = by_run["walkout"].apply(lambda s: (s != "").any()).reindex(
            range(n), fill_value=False).to_numpy()
        new_main = by_run["newly_settled"].apply(
            lambda s: any(i in main for x in s for i in x.split(",") if i)).reindex(
            range(n), fill_value=False).to_numpy()
        assert np.array_equal(facts[:, w, 0], exch)
        assert np.array_equal(facts[:, w, 3], walk)
        assert np.array_equal(facts[:, w, 2], new_main)
    assert facts[:, :, 3].any() and facts[:, :, 2].any()  # the case is not vacuous
    # after a walkout nothing more happens
    ended = facts[:, 0, 3]
    assert not facts[ended][:, 1:, :].any()


def test_observed_facts_skip_the_unknown():
    rec = load_record(ROOT / "records" / "istanbul_2022.yaml")
    obs = observed(rec.record.sessions, [m.last for m in rec.matches])
    # 5 sessions x 3 given facts, less the communiqué's unknown main_agreement; no exchanges
    assert obs.size == 14 and obs.value.sum() == 1
    assert obs.labels[-1][2] == "walkout" and obs.value[-1] == 1
    assert [w.upto for w in obs.windows] == [1, 3, 6, 8, 12]


def test_executor_tasks_give_the_same_statistics(monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    from sim.calibrate import simulator
    from sim.calibrate.spec import load_calibration

    cal = load_calibration(ROOT / "scenarios" / "calibration" / "baseline.yaml")
    series = simulator.prepare(cal.fit[1], cal.prior, ["exchange", "walkout"], seed=3)
    theta = cal.prior.sample(np.random.default_rng(1), 50)
    alone = simulator.run_series(series, cal.paths, theta, 20, None)
    monkeypatch.setattr(simulator, "TASK", 16)
    with ThreadPoolExecutor(2) as pool:
        split = simulator.run_series(series, cal.paths, theta, 20, pool)
    assert np.array_equal(alone, split)
    # and a particle's facts depend on its index alone, not on the batch it came in
    tail = simulator.run_series(series, cal.paths, theta[30:], 50, None)
    assert np.array_equal(alone[30:], tail)
