"""`ceasefire import-bdm`: what it writes is a valid scenario, or nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli import main
from sim.scenario import load_scenario

DATA = Path(__file__).resolve().parents[1] / "data" / "bdm"
GOOD = "Actor,Capability,Position,Salience\nA,1,10,0.5\nB,2,30,0.4\nC,0.5,20,0.9\n"


def _csv(tmp_path: Path, text: str, name: str = "actors.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_the_published_example_imports_and_validates(tmp_path, capsys):
    out = tmp_path / "example.yaml"
    assert main(["import-bdm", str(DATA / "bdm_example_input.csv"), "--out", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    scn = load_scenario(out)
    assert scn.negotiation.protocol == "expected_utility" and len(scn.actors) >= 2


@pytest.mark.parametrize("bad, where", [
    ("nan", "position"), ("inf", "position"), ("-inf", "capability"), ("NaN", "salience"),
])
def test_a_number_that_is_not_finite_is_refused_with_its_line(tmp_path, capsys, bad, where):
    rows = {"position": f"A,1,{bad},0.5", "capability": f"A,{bad},1,0.5",
            "salience": f"A,1,1,{bad}"}[where]
    src = _csv(tmp_path, f"Actor,Capability,Position,Salience\n{rows}\nB,2,3,0.4\n")
    out = tmp_path / "out.yaml"
    assert main(["import-bdm", str(src), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{src}:2" in err and where in err and "Traceback" not in err
    assert not out.exists() and list(tmp_path.iterdir()) == [src]


def test_positions_too_far_apart_for_a_float_are_refused(tmp_path, capsys):
    src = _csv(tmp_path, "Actor,Capability,Position,Salience\nA,1,1e308,0.5\nB,2,-1e308,0.4\n")
    assert main(["import-bdm", str(src), "--out", str(tmp_path / "out.yaml")]) == 2
    assert "rescale" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [src]


def test_a_name_that_is_not_a_slug_is_refused(tmp_path, capsys):
    src = _csv(tmp_path, GOOD)
    assert main(["import-bdm", str(src), "--name", "Bad Name!", "--out",
                 str(tmp_path / "o.yaml")]) == 2
    assert "--name" in capsys.readouterr().err and list(tmp_path.iterdir()) == [src]


def test_out_naming_a_folder_is_refused_and_leaves_nothing(tmp_path, capsys):
    src = _csv(tmp_path, GOOD)
    folder = tmp_path / "folder"
    folder.mkdir()
    assert main(["import-bdm", str(src), "--out", str(folder)]) == 2
    assert "is a folder" in capsys.readouterr().err
    assert list(folder.iterdir()) == [] and sorted(tmp_path.iterdir()) == [src, folder]


def test_an_existing_file_is_kept_unless_forced(tmp_path, capsys):
    src = _csv(tmp_path, GOOD)
    out = tmp_path / "out.yaml"
    out.write_text("keep me")
    assert main(["import-bdm", str(src), "--out", str(out)]) == 2
    assert out.read_text() == "keep me" and "--force" in capsys.readouterr().err
    assert main(["import-bdm", str(src), "--out", str(out), "--force"]) == 0
    assert load_scenario(out).name == "actors"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_the_import_is_a_forecast_with_roles_and_perturbed_inputs(tmp_path, capsys):
    out = tmp_path / "example.yaml"
    assert main(["import-bdm", str(DATA / "bdm_example_input.csv"), "--out", str(out),
                 "--roles", "France=third_party,uk=mediator"]) == 0
    scn = load_scenario(out)
    assert scn.runs == 500 and scn.actors["france"].role == "third_party"
    assert scn.actors["uk"].role == "mediator" and scn.actors["germany"].role == "party"
    assert scn.actors["germany"].position["issue"].dist == "uniform"  # perturbed
    assert "forecast" in scn.title
    flat = tmp_path / "flat.yaml"
    assert main(["import-bdm", str(DATA / "bdm_example_input.csv"), "--out", str(flat),
                 "--spread", "0"]) == 0
    assert load_scenario(flat).runs == 1
    assert main(["import-bdm", str(DATA / "bdm_example_input.csv"), "--out", str(flat),
                 "--force", "--roles", "Narnia=party"]) == 2
    assert "no actor 'Narnia'" in capsys.readouterr().err
    assert main(["import-bdm", str(DATA / "bdm_example_input.csv"), "--out", str(flat),
                 "--force", "--roles", "uk=king"]) == 2


def test_a_forecast_runs_explains_and_draws_its_forecast(tmp_path, capsys):
    out = tmp_path / "example.yaml"
    assert main(["import-bdm", str(DATA / "bdm_example_input.csv"), "--out", str(out)]) == 0
    assert main(["run", str(out), "--runs", "20", "--out", str(tmp_path / "run")]) == 0
    printed = capsys.readouterr().out
    assert "forecast after the last round (20 traced runs)" in printed
    assert (tmp_path / "run" / "plots" / "forecast.png").stat().st_size > 10_000
    assert main(["explain", str(out), "--run", "3"]) == 0
    told = capsys.readouterr().out
    assert "forecast, replication 3" in told and "Round 1: forecast issue" in told
    assert "Forecast outcome:" in told
