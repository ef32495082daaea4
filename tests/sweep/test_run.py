from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from sim.sweep import SweepError, SweepInterrupted, read_sweep_dir, run_sweep
from sim.sweep.store import point_path

from .conftest import GRID_2X2, TINY


@pytest.fixture
def grid_file(write_sweep) -> Path:
    return write_sweep(GRID_2X2, "grid.yaml")


@pytest.fixture
def reference(grid_file, tmp_path) -> Path:
    """The 4-point grid run in process, without plots."""
    return run_sweep(grid_file, tmp_path / "ref", plots=False)


def _points(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(folder / "points.parquet")


def test_folder_layout_and_table(reference, grid_file):
    sd = read_sweep_dir(reference)
    assert sd.manifest["status"] == "complete"
    assert sd.manifest["points"] == sd.manifest["points_done"] == 4
    assert sd.manifest["common_random_numbers"] is True
    assert (reference / "sweep.yaml").is_file() and (reference / "scenario.yaml").is_file()
    assert sorted(p.name for p in (reference / "points").iterdir()) == [
        f"point-{k:05d}.parquet" for k in range(4)]
    t = sd.points
    assert t["point"].tolist() == [0, 1, 2, 3]
    assert t[["pressure.sanctions.war_cost", "battlefield.edge.mean"]].values.tolist() == [
        [0.0, -0.5], [0.0, 0.5], [0.02, -0.5], [0.02, 0.5]]
    for out in ("comprehensive", "partial", "stalemate", "dictated_peace", "agreement_holds"):
        assert {f"{out}.share", f"{out}.lo", f"{out}.hi"} <= set(t.columns)
    assert (t["runs"] == 40).all()
    assert (t["comprehensive.lo"] <= t["comprehensive.share"]).all()
    assert (t["comprehensive.share"] <= t["comprehensive.hi"]).all()
    assert "agreement_holds.of" in t.columns
    assert sd.sensitivity is None and not (reference / "plots").exists()


def test_common_random_numbers_across_points(reference):
    seeds = [pd.read_parquet(point_path(reference, k))["seed"].tolist() for k in range(4)]
    assert all(s == seeds[0] for s in seeds)
    first = pd.read_parquet(point_path(reference, 0))
    assert first["run"].tolist() == list(range(40))


def test_same_table_whatever_the_executor(grid_file, reference, tmp_path):
    pool = run_sweep(grid_file, tmp_path / "pool", jobs=2, plots=False)
    dask = run_sweep(grid_file, tmp_path / "dask", executor="dask", jobs=2, plots=False)
    want = (reference / "points.parquet").read_bytes()
    for folder in (pool, dask):
        pd.testing.assert_frame_equal(_points(folder), _points(reference))
        assert (folder / "points.parquet").read_bytes() == want
        for k in range(4):
            assert point_path(folder, k).read_bytes() == point_path(reference, k).read_bytes()
    info = read_sweep_dir(dask).manifest["sessions"][-1]["executor"]
    assert info["kind"] == "dask" and info["workers"] == 2


def test_resume_runs_only_missing_points_and_gives_the_same_table(grid_file, reference, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(reference, copy)
    point_path(copy, 1).unlink()
    point_path(copy, 3).unlink()
    (copy / "points.parquet").unlink()
    before = point_path(copy, 0).stat().st_mtime_ns
    out = run_sweep(grid_file, resume=copy, plots=False)
    assert out == copy.absolute()
    pd.testing.assert_frame_equal(_points(copy), _points(reference), check_exact=True)
    assert point_path(copy, 0).stat().st_mtime_ns == before  # not run again
    sessions = read_sweep_dir(copy).manifest["sessions"]
    assert [s["points_to_run"] for s in sessions] == [4, 2]


def test_interrupt_keeps_finished_points_then_resume(grid_file, reference, tmp_path):
    calls = []

    def stop_after_two(n, total):
        calls.append(n)
        if len(calls) == 2:
            raise KeyboardInterrupt

    out = tmp_path / "cut"
    with pytest.raises(SweepInterrupted) as info:
        run_sweep(grid_file, out, progress=stop_after_two, plots=False)
    assert info.value.done == 2 and info.value.total == 4
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted" and manifest["points_done"] == 2
    assert not (out / "points.parquet").exists()
    with pytest.raises(SweepError, match="has not finished"):
        read_sweep_dir(out)
    run_sweep(grid_file, resume=out, plots=False)
    pd.testing.assert_frame_equal(_points(out), _points(reference), check_exact=True)


def test_resume_refuses_a_different_sweep(write_sweep, reference):
    other = write_sweep(GRID_2X2.replace("seed: 5", "seed: 6").replace(
        "runs_per_point: 40", "runs_per_point: 30"), "other.yaml")
    with pytest.raises(SweepError, match="differs in seed, runs_per_point") as info:
        run_sweep(other, resume=reference, plots=False)
    assert "resume only with the sweep file" in info.value.message
    with pytest.raises(SweepError, match="not a sweep folder"):
        run_sweep(other, resume=reference / "points", plots=False)


def test_resume_accepts_changed_outputs(write_sweep, reference):
    fewer = write_sweep(GRID_2X2.replace("outputs: [comprehensive, partial, stalemate, "
                                         "dictated_peace, agreement_holds]",
                                         "outputs: [collapse]"), "fewer.yaml")
    run_sweep(fewer, resume=reference, plots=False)
    t = _points(reference)
    assert "collapse.share" in t.columns and "partial.share" not in t.columns


def test_existing_out_is_refused_unless_force(grid_file, reference, tmp_path):
    with pytest.raises(SweepError, match="exists and is not empty"):
        run_sweep(grid_file, reference, plots=False)
    run_sweep(grid_file, reference, force=True, plots=False)
    assert len(read_sweep_dir(reference).manifest["sessions"]) == 1  # a new sweep, not a resume
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("mine")
    with pytest.raises(SweepError, match="replaces only an earlier sweep folder"):
        run_sweep(grid_file, other, force=True, plots=False)
    assert (other / "keep.txt").read_text() == "mine"


def test_default_folder_name(grid_file, tmp_path):
    out = run_sweep(grid_file, root=tmp_path / "results", plots=False)
    assert out.parent == (tmp_path / "results" / "sweeps" / "grid").absolute()
    assert out.name.endswith("-s5")


def test_bad_point_combination_fails_before_running(write_sweep, tmp_path):
    path = write_sweep(f"""\
        sweep: 1
        scenario: {TINY}
        runs_per_point: 10
        parameters:
          sessions: {{values: [5, 2.5]}}
        """, "bad.yaml")
    with pytest.raises(SweepError, match="sessions"):
        run_sweep(path, tmp_path / "bad", plots=False)
    assert not (tmp_path / "bad").exists()


@pytest.mark.parametrize("design,n_points,figures", [
    ("sobol", 4 * (2 + 2), {"effects.png", "sobol.png"}),
    ("morris", 4 * (2 + 1), {"effects.png", "morris.png"}),
    ("lhs", 6, {"effects.png"}),
])
def test_sampled_designs_with_sensitivity_and_plots(write_sweep, tmp_path, design, n_points,
                                                    figures):
    path = write_sweep(f"""\
        sweep: 1
        scenario: {TINY}
        runs_per_point: 20
        seed: 3
        design: {design}
        samples: {6 if design == "lhs" else 4}
        parameters:
          battlefield.edge.mean: {{low: -0.5, high: 0.5}}
          actors.red.delegation.authority: {{low: 0.3, high: 1.0}}
        outputs: [comprehensive, stalemate, dictated_peace]
        """, f"{design}.yaml")
    out = run_sweep(path, tmp_path / design)
    sd = read_sweep_dir(out)
    assert len(sd.points) == n_points
    assert {p.name for p in (out / "plots").iterdir()} == figures
    assert sd.manifest["plots"] == sorted(figures)
    if design == "lhs":
        assert sd.sensitivity is None
    else:
        assert len(sd.sensitivity) == 3 * 2
        assert set(sd.sensitivity["parameter"]) == {"battlefield.edge.mean",
                                                    "actors.red.delegation.authority"}


def test_chunk_size_keeps_points_whole_and_parts_equal():
    from sim.sweep.run import chunk_size

    assert chunk_size(300, 16, 1) == 300  # a whole point, not 250 + 50
    assert chunk_size(300, 16, 2) == 300  # 16 tasks already keep two workers busy
    assert chunk_size(2500, 4, 1, largest=1000) == 834  # three equal parts, none above 1,000
    assert chunk_size(300, 1, 2) == 75  # one point: cut into two tasks per worker
    assert chunk_size(3, 1, 8) == 1


def test_points_cut_into_chunks_give_the_same_files(grid_file, reference, tmp_path, monkeypatch):
    from sim.sweep import run

    monkeypatch.setattr(run, "MAX_CHUNK", 15)  # 40 runs a point: chunks of 14, 13, 13
    out = run_sweep(grid_file, tmp_path / "cut", plots=False)
    for k in range(4):
        assert point_path(out, k).read_bytes() == point_path(reference, k).read_bytes()
    assert (out / "points.parquet").read_bytes() == (reference / "points.parquet").read_bytes()
