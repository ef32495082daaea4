"""The CLI in-process: exit codes, messages, files written, nothing written on bad input."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import pandas as pd
import pytest
from helpers.workers import chunks_run, recording_pool_class

from sim.cli import main
from sim.engine import runner
from sim.scenario.loader import SchemaMigrationWarning

TINY = Path(__file__).resolve().parents[1] / "scenarios" / "tiny_two_party.yaml"


def test_run_writes_a_complete_folder(tmp_path, capsys):
    out = tmp_path / "res"
    assert main(["run", str(TINY), "--runs", "40", "--out", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["manifest.json", "meta.json", "plots", "rounds.parquet", "runs.parquet",
                     "scenario.yaml", "sessions.parquet", "summary.json"]
    assert sorted(p.name for p in (out / "plots").iterdir()) == [
        "drivers.csv", "drivers.png", "outcomes.png", "rounds.png", "terms.png", "timeline.png",
        "trajectories.png"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["runs"] == 40
    assert abs(sum(o["share"] for o in summary["outcomes"].values()) - 1) < 1e-12
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 7 and manifest["engine"] == "vector"
    text = capsys.readouterr().out
    assert "results:" in text and "stalemate" in text


def test_existing_output_is_refused_and_kept(tmp_path, capsys):
    out = tmp_path / "res"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert main(["run", str(TINY), "--runs", "5", "--out", str(out), "--no-plots"]) == 2
    assert "exists" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    # --force replaces only an earlier result folder, never an arbitrary one
    assert main(["run", str(TINY), "--runs", "5", "--out", str(out), "--no-plots",
                 "--force"]) == 2
    assert "not a result folder" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    res = tmp_path / "res2"
    assert main(["run", str(TINY), "--runs", "5", "--out", str(res), "--no-plots"]) == 0
    assert main(["run", str(TINY), "--runs", "6", "--out", str(res), "--no-plots",
                 "--force"]) == 0
    assert len(pd.read_parquet(res / "runs.parquet")) == 6


def test_same_seed_gives_byte_identical_runs_whatever_jobs(tmp_path, monkeypatch):
    # more runs than one chunk, so that --jobs 2 has several chunks to hand out to workers
    n = 2 * runner.DEFAULT_CHUNK + 1
    args = ["--runs", str(n), "--trace-runs", str(n), "--no-plots", "--quiet"]
    a, b, log = tmp_path / "a", tmp_path / "b", tmp_path / "chunks"
    log.mkdir()
    monkeypatch.setattr(runner, "ProcessPoolExecutor", recording_pool_class(log))
    assert main(["run", str(TINY), "--out", str(a), *args]) == 0
    assert not any(log.iterdir()), "a serial run must not start worker processes"
    assert main(["run", str(TINY), "--out", str(b), *args, "--jobs", "2"]) == 0
    ran = chunks_run(log)
    assert [(start, stop) for _, start, stop in ran] == runner.chunks(n, runner.DEFAULT_CHUNK)
    assert len(ran) >= 2 and os.getpid() not in {pid for pid, _, _ in ran}
    for name in ("runs.parquet", "rounds.parquet", "sessions.parquet"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert len(pd.read_parquet(b / "runs.parquet")) == n
    assert pd.read_parquet(b / "rounds.parquet")["run"].max() == n - 1  # every chunk traced


@pytest.mark.parametrize("content, words", [
    ("schema: 2\nname: x\nissues: [\n", ["line", "bad.yaml"]),
    ("schema: 2\nname: x\nissuez: {}\n", ["issuez", "did you mean"]),
    ("schema: 1\nname: x\nissuez: {}\n", ["issuez", "did you mean"]),  # migrated, then refused
])
def test_bad_scenarios_exit_2_with_a_message(tmp_path, capsys, content, words):
    bad = tmp_path / "bad.yaml"
    bad.write_text(content)
    out = tmp_path / "out"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert main(["run", str(bad), "--out", str(out)]) == 2
    migrated = content.startswith("schema: 1")
    assert [w.category for w in caught] == ([SchemaMigrationWarning] if migrated else [])
    err = capsys.readouterr().err
    for word in words:
        assert word in err
    assert "Traceback" not in err
    assert not out.exists()
    assert not list(tmp_path.glob(".*partial*"))


def test_missing_file_and_bad_set_exit_2(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nope.yaml")]) == 2
    assert "nope.yaml" in capsys.readouterr().err
    assert main(["run", str(TINY), "--set", "battlefield.egde=0.5", "--no-plots",
                 "--out", str(tmp_path / "o")]) == 2
    assert "egde" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_usage_errors_exit_2(capsys):
    assert main(["run"]) == 2
    assert main(["run", str(TINY), "--runs", "0"]) == 2
    assert main([]) == 2


def test_validate_schema_list_explain_plot(tmp_path, capsys):
    assert main(["validate", str(TINY)]) == 0
    assert "ok" in capsys.readouterr().out
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "actors" in schema["properties"]
    assert main(["list"]) == 0
    listed = capsys.readouterr().out
    assert "istanbul_2025 " in listed and "boulware" in listed and "mediated" in listed
    assert main(["explain", str(TINY), "--run", "2"]) == 0
    story = capsys.readouterr().out
    assert "Session 1" in story and "Outcome:" in story
    out = tmp_path / "r"
    assert main(["run", str(TINY), "--runs", "10", "--out", str(out), "--no-plots"]) == 0
    assert main(["plot", str(out)]) == 0
    assert (out / "plots" / "outcomes.png").stat().st_size > 0
    assert main(["plot", str(tmp_path)]) == 2


def test_runs_table_columns_follow_the_contract(tmp_path):
    out = tmp_path / "r"
    assert main(["run", str(TINY), "--runs", "20", "--out", str(out), "--no-plots"]) == 0
    runs = pd.read_parquet(out / "runs.parquet")
    for col in ["run", "seed", "outcome", "rounds", "dictated_peace", "agreement_holds",
                "walkout_by", "terms.ceasefire", "utility.red", "fired.leader",
                "fired.sanctions", "param.battlefield.edge"]:
        assert col in runs.columns
    rounds = pd.read_parquet(out / "rounds.parquet")
    assert {"run", "round", "actor", "issue", "position", "front", "settled"} <= set(
        rounds.columns)
    assert "_text" in set(rounds["actor"])
    assert rounds.groupby("run")["round"].max().tolist() == runs["rounds"].tolist()
    sessions = pd.read_parquet(out / "sessions.parquet")
    assert {"run", "session", "front", "belief.red", "belief.blue", "reservation.red",
            "walkout"} <= set(sessions.columns)
    assert sessions.groupby("run")["session"].max().tolist() == runs["rounds"].tolist()


def test_python_dash_m_sim_works():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "sim", "--help"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0 and "ceasefire" in done.stdout


def test_version_and_every_command_has_a_description(capsys):
    import sim
    from sim.cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["--version"])
    assert sim.__version__ in capsys.readouterr().out
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    for name, parser in sub.choices.items():
        assert parser.description and len(parser.description) > 40, name


def test_shipped_scenarios_are_package_data_and_found_by_name(tmp_path, monkeypatch, capsys):
    import tomllib

    from sim.scenario import load_scenario, resolve_scenario_path, shipped_scenarios
    from sim.scenario.shipped import SHIPPED_DIR, find_shipped

    root = Path(__file__).resolve().parents[2]
    link = root / "sim" / "shipped"
    assert link.is_symlink() and link.resolve() == (root / "scenarios").resolve()
    globs = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"]["sim"]
    packaged = {p for g in globs for p in (root / "sim").glob(g)}
    for path in (root / "scenarios").rglob("*.yaml"):
        assert link / path.relative_to(root / "scenarios") in packaged, path
    assert [p.name for p in shipped_scenarios()] == sorted(
        p.name for p in (root / "scenarios").glob("*.yaml"))
    monkeypatch.chdir(tmp_path)  # away from the repository: the name still finds the file
    assert load_scenario("istanbul_2025").name == "istanbul-2025"
    assert find_shipped("sweeps/baseline_sobol") == SHIPPED_DIR / "sweeps" / "baseline_sobol.yaml"
    assert find_shipped("../pyproject") is None and find_shipped("/etc/passwd") is None
    (tmp_path / "istanbul_2025.yaml").write_text("x: 1\n")
    assert resolve_scenario_path("istanbul_2025.yaml") == "istanbul_2025.yaml"  # a file wins
    assert main(["list"]) == 0
    assert "istanbul_2025_putin_attends" in capsys.readouterr().out


def test_overrides_show_in_the_header_the_plot_titles_and_the_folder_name(
        tmp_path, monkeypatch, capsys):
    from sim.plots._common import subtitle
    from sim.results import read_run_dir

    monkeypatch.chdir(tmp_path)
    tiny = Path(__file__).resolve().parents[1] / "scenarios" / "tiny_two_party.yaml"
    assert main(["run", str(tiny), "--runs", "6", "--no-plots",
                 "--set", "battlefield.edge.mean=0.2"]) == 0
    out = capsys.readouterr().out
    assert "changed from" in out and "--set battlefield.edge.mean=0.2" in out
    folder = next((tmp_path / "results").glob("*/*"))
    assert folder.name.endswith("-set-" + __import__("hashlib").sha256(
        b"battlefield.edge.mean=0.2").hexdigest()[:6])
    assert "with --set battlefield.edge.mean=0.2" in subtitle(read_run_dir(folder))
    assert main(["run", str(tiny), "--runs", "6", "--no-plots"]) == 0
    plain = [f for f in (tmp_path / "results").glob("*/*") if f != folder]
    assert "changed from" not in capsys.readouterr().out and "-set-" not in plain[0].name
    assert " with " not in subtitle(read_run_dir(plain[0]))
