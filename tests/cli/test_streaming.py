"""Streamed runs.parquet: the same bytes as the whole table written at once, whatever the chunks.

``ceasefire run`` streams each chunk of replications into ``runs.parquet`` as soon as the chunks
before it are done, in row groups of a fixed size (``store.RUNS_ROW_GROUP``), and computes
``summary.json`` by reading the file back in batches. ``sim.run(...).save()`` writes the table
held in memory in one go. For the same seed the two folders must hold byte-identical tables and
summaries, for any chunk size and ``--jobs``; the row-group size is made small here so that a
few hundred runs span several row groups.
"""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from helpers.workers import chunks_run, recording_pool_class

import sim
from sim.cli import main
from sim.engine import runner
from sim.results import store

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "tests" / "scenarios" / "tiny_uncertain.yaml"
RUNS, SEED, ROW_GROUP = 333, 5, 64
TABLES = ("runs.parquet", "rounds.parquet", "sessions.parquet", "summary.json")


@pytest.fixture
def small_row_groups(monkeypatch):
    monkeypatch.setattr(store, "RUNS_ROW_GROUP", ROW_GROUP)


@pytest.fixture
def in_memory(small_row_groups, tmp_path):
    res = sim.run(SCENARIO, runs=RUNS, seed=SEED, trace_runs=40)
    return res.save(tmp_path / "in-memory")


def streamed(tmp_path, name, *extra):
    out = tmp_path / name
    assert main(["run", str(SCENARIO), "--runs", str(RUNS), "--seed", str(SEED),
                 "--trace-runs", "40", "--no-plots", "--quiet", "--out", str(out),
                 *extra]) == 0
    return out


def assert_same_files(a: Path, b: Path) -> None:
    for name in TABLES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.mark.parametrize("chunk", [7, 64, 100, 1000])
def test_streamed_folder_equals_the_in_memory_one_for_any_chunk_size(
        chunk, in_memory, tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "DEFAULT_CHUNK", chunk)
    out = streamed(tmp_path, f"chunk-{chunk}")
    assert_same_files(out, in_memory)
    meta = pq.ParquetFile(out / "runs.parquet").metadata
    assert meta.num_rows == RUNS
    assert [meta.row_group(k).num_rows for k in range(meta.num_row_groups)] == [
        ROW_GROUP] * (RUNS // ROW_GROUP) + [RUNS % ROW_GROUP]
    manifest = json.loads((out / "manifest.json").read_text())
    mine = json.loads((in_memory / "manifest.json").read_text())
    assert manifest["files"] == mine["files"]


def test_streamed_folder_with_two_jobs_equals_the_in_memory_one(in_memory, tmp_path,
                                                                monkeypatch):
    monkeypatch.setattr(runner, "DEFAULT_CHUNK", 30)
    log = tmp_path / "chunks"
    log.mkdir()
    monkeypatch.setattr(runner, "ProcessPoolExecutor", recording_pool_class(log))
    out = streamed(tmp_path, "jobs-2", "--jobs", "2")
    assert len(chunks_run(log)) == len(runner.chunks(RUNS, 30))  # ran in the workers
    assert_same_files(out, in_memory)


def test_the_run_report_and_the_result_read_the_streamed_file(tmp_path, small_row_groups):
    from sim.experiment import run_scenario

    rep = run_scenario(SCENARIO, runs=RUNS, seed=SEED, out=tmp_path / "r", plots=False)
    assert rep.result.runs_df is None  # not held while the runs went on
    assert rep.summary == json.loads((rep.path / "summary.json").read_text())
    pd.testing.assert_frame_equal(rep.result.runs, pd.read_parquet(rep.path / "runs.parquet"))
    res = sim.run(SCENARIO, runs=RUNS, seed=SEED)
    assert rep.summary == res.summary


def test_chunks_reach_the_sink_in_run_order_and_few_are_held(monkeypatch):
    """Chunks finish out of order on threads; the sink still gets them in run order, and no
    more than IN_FLIGHT x jobs chunks are out at any time."""
    original = runner.run_chunk
    out = {"now": 0, "most": 0}
    lock = threading.Lock()

    def slow_even_chunks(scenario, seed, start, stop, *rest):
        if (start // 10) % 2 == 0:
            time.sleep(0.02)
        return original(scenario, seed, start, stop, *rest)

    class Counting(ThreadPoolExecutor):
        def submit(self, *args, **kwargs):
            with lock:
                out["now"] += 1
                out["most"] = max(out["most"], out["now"])
            return super().submit(*args, **kwargs)

    got: list[int] = []

    def sink(part):
        with lock:
            out["now"] -= 1
        got.extend(part["run"].tolist())

    monkeypatch.setattr(runner, "run_chunk", slow_even_chunks)
    scn = sim.load(SCENARIO)
    with Counting(max_workers=3) as pool:
        res = runner.simulate(scn, runs=200, seed=SEED, chunk_size=10, executor=pool, jobs=2,
                              runs_sink=sink, trace_runs=0)
    assert got == list(range(200))
    assert res.runs_df is None
    assert out["most"] <= runner.IN_FLIGHT * 2
    whole = runner.simulate(scn, runs=200, seed=SEED, chunk_size=10, trace_runs=0).runs
    assert whole["run"].tolist() == got


def test_runs_out_of_order_are_refused(tmp_path):
    runs = sim.run(SCENARIO, runs=20, seed=1, trace_runs=0).runs
    writer = store.RunsWriter(tmp_path / "runs.parquet", row_group_size=8)
    writer.write(runs.iloc[10:])
    with pytest.raises(store.ResultsError, match="run order"):
        writer.write(runs.iloc[:10])
    writer.abort()


def test_a_failed_run_leaves_no_folder(tmp_path, monkeypatch):
    def failing(*args, **kwargs):
        raise RuntimeError("engine failure")

    monkeypatch.setattr(runner, "DEFAULT_CHUNK", 50)
    calls = []
    original = runner.run_chunk

    def fail_third(*args, **kwargs):
        calls.append(args[2])
        if len(calls) == 3:
            failing()
        return original(*args, **kwargs)

    monkeypatch.setattr(runner, "run_chunk", fail_third)
    out = tmp_path / "o"
    assert main(["run", str(SCENARIO), "--runs", "200", "--no-plots", "--quiet", "--out",
                 str(out)]) == 1
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
