"""``--force`` replaces only a folder ceasefire-sim wrote, of the same kind; nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers.hostile import TINY

from sim.cli import main
from sim.results.folders import folder_kind, replace_problem


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def run(out: Path, *extra: str) -> int:
    return main(["run", str(TINY), "--runs", "5", "--no-plots", "--quiet", "--out", str(out),
                 *extra])


def sweep_file(tmp_path: Path) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(f"sweep: 1\nscenario: {TINY}\nruns_per_point: 4\nparameters:\n"
                    "  battlefield.stake: {values: [0.1]}\noutputs: [partial]\n")
    return path


@pytest.fixture
def web_app(tmp_path) -> Path:
    folder = tmp_path / "site"
    (folder / "static").mkdir(parents=True)
    (folder / "manifest.json").write_text('{"name": "My app", "start_url": "/"}')
    (folder / "index.html").write_text("<html></html>")
    (folder / "static" / "app.js").write_text("run()")
    return folder


@pytest.mark.parametrize("command", ["run", "sweep"])
def test_a_folder_with_someone_elses_manifest_is_left_alone(web_app, tmp_path, capsys, command):
    before = snapshot(web_app)
    argv = (["run", str(TINY), "--runs", "5", "--no-plots"] if command == "run"
            else ["sweep", str(sweep_file(tmp_path)), "--no-plots"])
    assert main([*argv, "--out", str(web_app), "--force"]) == 2
    err = capsys.readouterr().err
    assert "its manifest.json was not written by ceasefire-sim" in err
    assert snapshot(web_app) == before
    assert sorted(p.name for p in web_app.parent.iterdir()) == sorted(
        ["site", *(["s.yaml"] if command == "sweep" else [])])  # no temporaries either


def test_a_folder_without_a_manifest_is_left_alone(tmp_path, capsys):
    folder = tmp_path / "thesis"
    folder.mkdir()
    (folder / "chapter1.tex").write_text("...")
    assert run(folder, "--force") == 2
    assert "it has no manifest.json" in capsys.readouterr().err
    assert [p.name for p in folder.iterdir()] == ["chapter1.tex"]


def test_run_force_never_replaces_a_sweep_nor_sweep_force_a_run(tmp_path, capsys):
    sweep_out = tmp_path / "sweep"
    assert main(["sweep", str(sweep_file(tmp_path)), "--out", str(sweep_out), "--no-plots",
                 "--quiet"]) == 0
    assert folder_kind(sweep_out) == "sweep"
    before = snapshot(sweep_out)
    assert run(sweep_out, "--force") == 2
    assert "holds a sweep of ceasefire-sim, not a run" in capsys.readouterr().err
    assert snapshot(sweep_out) == before

    run_out = tmp_path / "run"
    assert run(run_out) == 0 and folder_kind(run_out) == "run"
    before = snapshot(run_out)
    assert main(["sweep", str(sweep_file(tmp_path)), "--out", str(run_out), "--force"]) == 2
    assert "holds a run of ceasefire-sim, not a sweep" in capsys.readouterr().err
    assert snapshot(run_out) == before


def test_force_replaces_the_tools_own_folder_of_the_same_kind(tmp_path):
    out = tmp_path / "run"
    assert run(out) == 0
    assert run(out, "--force", "--seed", "9") == 0
    assert json.loads((out / "manifest.json").read_text())["seed"] == 9
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_folders_written_before_the_marker_are_recognised(tmp_path):
    out = tmp_path / "run"
    assert run(out) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    legacy = {k: v for k, v in manifest.items() if k not in ("tool", "kind")}
    (out / "manifest.json").write_text(json.dumps(legacy))
    assert folder_kind(out) == "run" and replace_problem(out, "run") is None
    assert run(out, "--force") == 0
    old_sweep = tmp_path / "old-sweep"
    old_sweep.mkdir()
    (old_sweep / "manifest.json").write_text('{"kind": "ceasefire-sim sweep"}')
    assert folder_kind(old_sweep) == "sweep"
    assert "not a run" in replace_problem(old_sweep, "run")
    # a look-alike: the package's name without the fields a run's manifest always had
    (old_sweep / "manifest.json").write_text('{"package": "ceasefire-sim"}')
    assert folder_kind(old_sweep) is None
