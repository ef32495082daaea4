"""The rounds table built from the played (run, round) pairs is the grid-and-mask table.

``reference_rounds`` is how ``rounds.parquet`` was built before: a meshgrid over every run,
round, actor and issue, masked to the rounds played, with text columns from Python strings.
The table the engine builds now must equal it exactly, dtypes included, for any selection of
traced replications.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.engine import runner, tables
from sim.engine.vector import run_batch
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]


def reference_rounds(p, tr, run_ids, keep):
    A, n_i = p.n_actors, p.n_issues
    actors = np.array(p.actors.ids + ["_text"], dtype=object)
    issues = np.array(p.agenda.issue_ids, dtype=object)
    kept = np.flatnonzero(keep)
    last = tr.last[kept]
    n_r = tr.positions.shape[1]
    pos = np.concatenate([tr.positions[kept], tr.text[kept][:, :, None, :]], axis=2)
    kk, rr, aa, ii = np.meshgrid(np.arange(kept.size), np.arange(n_r), np.arange(A + 1),
                                 np.arange(n_i), indexing="ij")
    alive = (rr <= last[:, None, None, None]).ravel()
    kk, rr, aa, ii = kk.ravel()[alive], rr.ravel()[alive], aa.ravel()[alive], ii.ravel()[alive]
    return pd.DataFrame({
        "run": np.asarray(run_ids)[kept][kk].astype(np.int64),
        "round": rr.astype(np.int64),
        "actor": actors[aa],
        "issue": issues[ii],
        "position": pos.reshape(-1)[alive],
        "front": tr.front[kept][kk, rr],
        "settled": tr.settled[kept][kk, rr, ii],
        "exchange": tr.exchange[kept][kk, rr],
    })


@pytest.mark.parametrize("scenario", ["scenarios/istanbul_2025.yaml",
                                      "scenarios/istanbul_2022.yaml",
                                      "tests/scenarios/tiny_humanitarian.yaml",
                                      "tests/scenarios/zeuthen_single_issue.yaml"])
def test_rounds_table_equals_the_grid_table(scenario):
    scn = load_scenario(ROOT / scenario)
    seeds, dr, p = runner.replication_inputs(scn, 3, 100, 160)
    _, tr = run_batch(p, dr, trace=True)
    run_ids = np.arange(100, 160)
    rng = np.random.default_rng(1)
    for keep in (np.ones(60, bool), rng.random(60) < 0.3, np.arange(60) == 59):
        got = tables.rounds_table(p, tr, run_ids, keep)
        pd.testing.assert_frame_equal(got, reference_rounds(p, tr, run_ids, keep),
                                      check_exact=True)


def test_untraced_tables_have_the_dtypes_of_traced_ones():
    scn = load_scenario(ROOT / "scenarios" / "istanbul_2025.yaml")
    seeds, dr, p = runner.replication_inputs(scn, 3, 0, 5)
    _, tr = run_batch(p, dr, trace=True)
    ids, none = np.arange(5), np.zeros(5, bool)
    dates = [scn.calendar.date_of(s).isoformat() for s in range(p.agenda.sessions + 1)]
    for build in (lambda keep: tables.rounds_table(p, tr, ids, keep),
                  lambda keep: tables.sessions_table(p, tr, ids, keep, dates)):
        full, empty = build(np.ones(5, bool)), build(none)
        assert empty.empty and list(empty.columns) == list(full.columns)
        assert empty.dtypes.to_dict() == full.dtypes.to_dict()
        pd.testing.assert_frame_equal(pd.concat([full, empty], ignore_index=True), full)
