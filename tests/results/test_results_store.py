from __future__ import annotations

import filecmp
import json

import pandas as pd
import pandas.testing as pdt
import pytest

import sim.results.store as store
from sim.results import (
    OutputExistsError,
    ResultsError,
    plots_dir,
    read_run_dir,
    summarise,
    write_run_dir,
)
from sim.results.meta import normalise_meta

FILES = {
    "scenario.yaml",
    "manifest.json",
    "runs.parquet",
    "rounds.parquet",
    "sessions.parquet",
    "summary.json",
    "meta.json",
}


def leftovers(folder):
    return [p.name for p in folder.iterdir() if ".partial-" in p.name or ".old-" in p.name]


def test_round_trip(write_kwargs, synthetic, tmp_path):
    path = write_run_dir(tmp_path / "out", **write_kwargs)
    assert {p.name for p in path.iterdir()} == FILES
    rd = read_run_dir(path)
    pdt.assert_frame_equal(rd.runs, store.prepare_runs(synthetic.runs))
    pdt.assert_frame_equal(rd.rounds, store.prepare_rounds(synthetic.rounds))
    # The synthetic tables already follow the contract, so they come back unchanged.
    pdt.assert_frame_equal(rd.runs, synthetic.runs, check_dtype=True)
    pdt.assert_frame_equal(rd.rounds, synthetic.rounds, check_dtype=True)
    assert rd.runs["agreement_holds"].dtype == "boolean"
    assert isinstance(rd.runs.index, pd.RangeIndex)
    assert rd.meta == normalise_meta({**synthetic.meta, "name": "synthetic"})
    assert rd.summary == json.loads(json.dumps(summarise(synthetic.runs, synthetic.meta)))
    assert (path / "scenario.yaml").read_text(encoding="utf-8") == synthetic.scenario_yaml
    assert rd.path == path
    assert rd.title == synthetic.meta["title"]


def test_meta_anchors_survive_json(write_kwargs, tmp_path):
    rd = read_run_dir(write_run_dir(tmp_path / "out", **write_kwargs))
    anchors = rd.meta["issues"]["territory"]["anchors"]
    assert list(anchors)[:3] == ["0", "20", "40"]
    assert rd.meta["outcome_order"] == [
        "comprehensive",
        "ceasefire",
        "partial",
        "humanitarian_only",
        "stalemate",
        "collapse",
    ]


def test_manifest_keeps_caller_fields_and_lists_files(write_kwargs, synthetic, tmp_path):
    path = write_run_dir(tmp_path / "out", **write_kwargs)
    manifest = json.loads((path / "manifest.json").read_text())
    for key, value in synthetic.manifest.items():
        assert manifest[key] == value
    assert manifest["summary"] == "summary.json"
    assert set(manifest["files"]) == FILES - {"manifest.json"}
    for name, info in manifest["files"].items():
        assert info["bytes"] == (path / name).stat().st_size
        assert len(info["sha256"]) == 64


def test_parquet_is_byte_identical(write_kwargs, tmp_path):
    a = write_run_dir(tmp_path / "a", **write_kwargs)
    b = write_run_dir(tmp_path / "b", **write_kwargs)
    assert filecmp.cmp(a / "runs.parquet", b / "runs.parquet", shallow=False)
    assert filecmp.cmp(a / "rounds.parquet", b / "rounds.parquet", shallow=False)
    assert filecmp.cmp(a / "summary.json", b / "summary.json", shallow=False)


def test_row_order_and_index_do_not_change_the_bytes(write_kwargs, synthetic, tmp_path):
    a = write_run_dir(tmp_path / "a", **write_kwargs)
    shuffled = synthetic.runs.sample(frac=1.0, random_state=3)  # index kept, order scrambled
    b = write_run_dir(tmp_path / "b", **{**write_kwargs, "runs_df": shuffled})
    assert filecmp.cmp(a / "runs.parquet", b / "runs.parquet", shallow=False)


def test_default_folder_name_and_suffix(write_kwargs, monkeypatch):
    monkeypatch.setattr(store, "_utc_stamp", lambda: "20250516T100000Z")
    first = write_run_dir(None, **write_kwargs)
    second = write_run_dir(None, **write_kwargs)
    root = write_kwargs["root"].absolute()
    assert first == root / "synthetic" / "20250516T100000Z-s20250516"
    assert second == root / "synthetic" / "20250516T100000Z-s20250516-2"
    assert leftovers(first.parent) == []


def test_default_folder_uses_utc_time(write_kwargs):
    path = write_run_dir(None, **write_kwargs)
    stamp, seed = path.name.split("-s")
    assert seed == "20250516"
    assert len(stamp) == 16 and stamp[8] == "T" and stamp.endswith("Z")


def test_existing_non_empty_out_is_refused(write_kwargs, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(OutputExistsError, match="--force"):
        write_run_dir(out, **write_kwargs)
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert leftovers(tmp_path) == []
    assert issubclass(OutputExistsError, ResultsError)


def test_existing_empty_out_is_used(write_kwargs, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    path = write_run_dir(out, **write_kwargs)
    assert {p.name for p in path.iterdir()} == FILES


def test_force_replaces_an_earlier_result_folder(write_kwargs, tmp_path):
    out = tmp_path / "out"
    first = write_run_dir(out, **write_kwargs)
    before = json.loads((first / "manifest.json").read_text())
    assert list(before)[:2] == ["tool", "kind"] and before["kind"] == "run"
    path = write_run_dir(out, force=True, **write_kwargs)
    assert {p.name for p in path.iterdir()} == FILES
    assert leftovers(tmp_path) == []


def test_force_never_deletes_files_the_tool_did_not_write(write_kwargs, tmp_path):
    out = tmp_path / "out"
    write_run_dir(out, **write_kwargs)
    (out / "notes.txt").write_text("mine")
    with pytest.raises(OutputExistsError, match=r"files it did not write \(notes.txt\)"):
        write_run_dir(out, force=True, **write_kwargs)
    assert (out / "notes.txt").read_text() == "mine"


def test_force_never_replaces_a_folder_that_is_not_a_result(write_kwargs, tmp_path):
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    (out / "sub" / "thesis.txt").write_text("mine")
    with pytest.raises(OutputExistsError, match=r"not a result folder of ceasefire-sim \(it has no"):
        write_run_dir(out, force=True, **write_kwargs)
    assert (out / "sub" / "thesis.txt").read_text() == "mine"


def test_failure_mid_write_leaves_nothing(write_kwargs, tmp_path, monkeypatch):
    calls = []

    def failing(df, path, **options):
        calls.append(path.name)
        if len(calls) == 2:  # runs.parquet is written, rounds.parquet fails
            raise OSError("disk full")
        return original(df, path, **options)

    original = store.write_parquet
    monkeypatch.setattr(store, "write_parquet", failing)
    with pytest.raises(OSError, match="disk full"):
        write_run_dir(tmp_path / "out", **write_kwargs)
    assert calls == ["runs.parquet", "rounds.parquet"]
    assert not (tmp_path / "out").exists()
    assert leftovers(tmp_path) == []


def test_failure_with_force_keeps_the_old_folder(write_kwargs, tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_run_dir(out, **write_kwargs)
    old = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    def failing(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(store, "summarise", failing)
    with pytest.raises(RuntimeError, match="boom"):
        write_run_dir(out, force=True, **write_kwargs)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == old
    assert leftovers(tmp_path) == []


def test_failure_in_default_location_leaves_nothing(write_kwargs, monkeypatch):
    monkeypatch.setattr(store, "_write_json", lambda *a: (_ for _ in ()).throw(KeyError("x")))
    with pytest.raises(KeyError):
        write_run_dir(None, **write_kwargs)
    folder = write_kwargs["root"] / "synthetic"
    assert list(folder.iterdir()) == []


def test_missing_contract_column_is_refused(write_kwargs, synthetic, tmp_path):
    runs = synthetic.runs.drop(columns="walkout_by")
    with pytest.raises(ResultsError, match="walkout_by"):
        write_run_dir(tmp_path / "out", **{**write_kwargs, "runs_df": runs})
    assert not (tmp_path / "out").exists()


def test_missing_values_only_where_the_contract_allows_them(write_kwargs, synthetic, tmp_path):
    rounds = synthetic.rounds.copy()
    rounds["momentum"] = float("nan")  # a scenario without a battlefield
    path = write_run_dir(tmp_path / "ok", **{**write_kwargs, "rounds_df": rounds})
    assert read_run_dir(path).rounds["momentum"].isna().all()
    runs = synthetic.runs.copy()
    runs["outcome"] = runs["outcome"].astype(object)
    runs.loc[3, "outcome"] = None
    with pytest.raises(ResultsError, match="outcome has missing values"):
        write_run_dir(tmp_path / "bad", **{**write_kwargs, "runs_df": runs})


def test_object_columns_are_coerced_to_the_contract_dtypes(write_kwargs, synthetic, tmp_path):
    runs = synthetic.runs.astype(
        {"outcome": object, "walkout_by": object, "agreement_holds": object, "rounds": "int32"}
    )
    a = write_run_dir(tmp_path / "a", **write_kwargs)
    b = write_run_dir(tmp_path / "b", **{**write_kwargs, "runs_df": runs})
    assert filecmp.cmp(a / "runs.parquet", b / "runs.parquet", shallow=False)


def test_duplicate_runs_are_refused(write_kwargs, synthetic, tmp_path):
    runs = pd.concat([synthetic.runs, synthetic.runs.iloc[:1]])
    with pytest.raises(ResultsError, match="unique"):
        write_run_dir(tmp_path / "out", **{**write_kwargs, "runs_df": runs})


@pytest.mark.parametrize("name", ["", "../escape", "Has Space", "a/b"])
def test_bad_scenario_name_is_refused(write_kwargs, tmp_path, name):
    with pytest.raises(ResultsError, match="slug"):
        write_run_dir(None, **{**write_kwargs, "scenario_name": name})


def test_meta_that_disagrees_is_refused(write_kwargs, synthetic, tmp_path):
    meta = {**synthetic.meta, "seed": 1}
    with pytest.raises(ResultsError, match="seed"):
        write_run_dir(tmp_path / "out", **{**write_kwargs, "meta": meta})


def test_read_rejects_a_missing_folder(tmp_path):
    with pytest.raises(ResultsError, match="not a folder"):
        read_run_dir(tmp_path / "nope")


def test_read_rejects_a_folder_that_is_not_a_result(tmp_path):
    (tmp_path / "x.txt").write_text("x")
    with pytest.raises(ResultsError, match="not a result folder"):
        read_run_dir(tmp_path)


@pytest.mark.parametrize(
    "name", ["runs.parquet", "rounds.parquet", "summary.json", "meta.json", "scenario.yaml"]
)
def test_read_names_the_missing_file(write_kwargs, tmp_path, name):
    path = write_run_dir(tmp_path / "out", **write_kwargs)
    (path / name).unlink()
    with pytest.raises(ResultsError, match=name):
        read_run_dir(path)


def test_read_reports_a_corrupt_file(write_kwargs, tmp_path):
    path = write_run_dir(tmp_path / "out", **write_kwargs)
    (path / "runs.parquet").write_bytes(b"not parquet")
    (path / "summary.json").write_text("{")
    with pytest.raises(ResultsError, match="cannot read"):
        read_run_dir(path)


def test_plots_dir(tmp_path):
    assert plots_dir(tmp_path) == tmp_path / "plots"
    assert plots_dir(str(tmp_path)) == tmp_path / "plots"
    assert not (tmp_path / "plots").exists()


def test_sessions_file_does_not_depend_on_the_chunk_size(tmp_path):
    """pandas types the sessions' text columns by whether an untraced chunk's empty table was
    concatenated; the stored file must be the same for any chunking."""
    from pathlib import Path

    from sim.engine.runner import simulate
    from sim.scenario import load_scenario

    scn = load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "tiny_uncertain.yaml")
    files = []
    for chunk in (7, 1000):
        res = simulate(scn, runs=60, seed=5, trace_runs=20, chunk_size=chunk)
        path = tmp_path / f"sessions-{chunk}.parquet"
        store.write_parquet(store.prepare_sessions(res.sessions), path)
        files.append(path.read_bytes())
    assert files[0] == files[1]
