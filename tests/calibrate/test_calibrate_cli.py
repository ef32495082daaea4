"""`ceasefire calibrate` end to end on a tiny budget, and the calibration file's checks."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.calibrate.spec import load_calibration
from sim.cli import main

ROOT = Path(__file__).resolve().parents[2]
RECORDS = ROOT / "records"


def tiny_file(tmp_path: Path, **changes: str) -> Path:
    body = {
        "calibration": "1",
        "fit": f"[{RECORDS / 'istanbul_2025.yaml'}]",
        "hold_out": f"[{RECORDS / 'trilaterals_2026.yaml'}]",
        "priors": ("\n  humanitarian.rate: {dist: uniform, low: 0.05, high: 0.95}"
                   "\n  negotiation.acceptance_noise: {dist: uniform, low: 0.0, high: 0.06}"),
        "method": "smc",
        "budget": "{particles: 40, generations: 3, max_simulations: 400}",
        "predictive_runs": "100",
        "seed": "5",
    }
    body.update(changes)
    path = tmp_path / "tiny.yaml"
    path.write_text("".join(f"{k}: {v}\n" for k, v in body.items() if v is not None),
                    encoding="utf-8")
    return path


def test_calibrate_writes_the_folder_and_the_same_seed_gives_the_same_bytes(tmp_path, capsys):
    cal = tiny_file(tmp_path)
    assert main(["calibrate", str(cal), "--out", str(tmp_path / "a"), "--quiet"]) == 0
    assert main(["calibrate", str(cal), "--out", str(tmp_path / "b")]) == 0
    out = capsys.readouterr().out
    assert "held out trilaterals-2026" in out and "posterior" in out and "base_rate" in out
    a, b = tmp_path / "a", tmp_path / "b"
    for name in ("posterior.parquet", "generations.parquet", "predictive.parquet",
                 "prior_posterior.png", "predictive.png", "summary.json", "manifest.json"):
        assert (a / name).is_file(), name
    assert (a / "posterior.parquet").read_bytes() == (b / "posterior.parquet").read_bytes()
    assert (a / "predictive.parquet").read_bytes() == (b / "predictive.parquet").read_bytes()
    post = pd.read_parquet(a / "posterior.parquet")
    assert list(post.columns) == ["particle", "weight", "distance", "param.humanitarian.rate",
                                  "param.negotiation.acceptance_noise"]
    assert post["weight"].sum() == pytest.approx(1.0)
    assert post["param.humanitarian.rate"].between(0.05, 0.95).all()
    s = json.loads((a / "summary.json").read_text())
    gens = s["generations"]
    assert gens[0]["tolerance"] is None and all(g["ess"] > 0 for g in gens)
    assert [g["tolerance"] for g in gens[1:]] == sorted([g["tolerance"] for g in gens[1:]],
                                                        reverse=True)
    held = s["scores"]["trilaterals-2026"]
    assert set(held) >= {"posterior", "prior", "base_rate", "facts"}
    assert held["facts"] == 8
    for k in ("posterior", "prior", "base_rate"):
        assert held[k]["log_score"] < 0 and 0 <= held[k]["brier"] <= 1
    p = s["parameters"]["humanitarian.rate"]
    assert p["prior"]["interval90"] == pytest.approx([0.095, 0.905])
    assert 0 < p["width90_kept"] < 1.5
    m = json.loads((a / "manifest.json").read_text())
    assert m["status"] == "complete" and "posterior.parquet" in m["files"]
    assert not [x for x in tmp_path.iterdir() if ".partial" in x.name]


def test_another_seed_gives_another_posterior(tmp_path):
    assert main(["calibrate", str(tiny_file(tmp_path)), "--out", str(tmp_path / "a"),
                 "--quiet", "--no-plots"]) == 0
    assert main(["calibrate", str(tiny_file(tmp_path, seed="6")), "--out",
                 str(tmp_path / "b"), "--quiet", "--no-plots"]) == 0
    a = pd.read_parquet(tmp_path / "a" / "posterior.parquet")
    b = pd.read_parquet(tmp_path / "b" / "posterior.parquet")
    assert not np.array_equal(a["param.humanitarian.rate"], b["param.humanitarian.rate"])


def test_existing_folder_refused_without_force(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "something").write_text("x")
    assert main(["calibrate", str(tiny_file(tmp_path)), "--out", str(out), "--quiet"]) == 2
    assert "--force" in capsys.readouterr().err


def test_force_replaces_a_calibration_folder_only(tmp_path, capsys):
    cal = tiny_file(tmp_path)
    out = tmp_path / "cal"
    assert main(["calibrate", str(cal), "--out", str(out), "--quiet", "--no-plots"]) == 0
    assert json.loads((out / "manifest.json").read_text())["kind"] == "calibration"
    assert main(["calibrate", str(cal), "--out", str(out), "--quiet", "--no-plots",
                 "--force"]) == 0
    run = tmp_path / "run"
    assert main(["run", str(ROOT / "tests" / "scenarios" / "tiny_two_party.yaml"), "--runs", "5",
                 "--no-plots", "--quiet", "--out", str(run)]) == 0
    before = sorted(p.name for p in run.iterdir())
    capsys.readouterr()
    assert main(["calibrate", str(cal), "--out", str(run), "--quiet", "--force"]) == 2
    assert "not a calibration" in capsys.readouterr().err
    assert sorted(p.name for p in run.iterdir()) == before
    assert main(["run", str(ROOT / "tests" / "scenarios" / "tiny_two_party.yaml"), "--runs", "5",
                 "--no-plots", "--quiet", "--out", str(out), "--force"]) == 2
    assert (out / "posterior.parquet").is_file()


def test_budget_refused_with_the_estimate(tmp_path, capsys):
    cal = tiny_file(tmp_path, budget="{particles: 40, max_simulations: 100000000}")
    assert main(["calibrate", str(cal), "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert "replication-sessions" in err and "--allow-large" in err
    assert not (tmp_path / "x").exists()


def test_rejection_method(tmp_path):
    cal = tiny_file(tmp_path, method="rejection",
                    budget="{particles: 30, max_simulations: 200}")
    assert main(["calibrate", str(cal), "--out", str(tmp_path / "r"), "--quiet",
                 "--no-plots"]) == 0
    s = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert len(s["generations"]) == 1 and s["simulations"] == 200
    assert s["generations"][0]["accepted"] >= 30


def test_resume_continues_to_the_same_posterior(tmp_path):
    from sim.calibrate import run as calrun

    cal = tiny_file(tmp_path)
    assert main(["calibrate", str(cal), "--out", str(tmp_path / "full"), "--quiet",
                 "--no-plots"]) == 0
    calls = {"n": 0}
    original = calrun.abc.run

    def interrupted(prior, simulate, settings, seed, resume=None, on_generation=None):
        def stop_after_two(gen):
            on_generation(gen)
            calls["n"] += 1
            if calls["n"] == 2:
                raise KeyboardInterrupt
        return original(prior, simulate, settings, seed, resume, stop_after_two)

    calrun.abc.run = interrupted
    try:
        assert main(["calibrate", str(cal), "--out", str(tmp_path / "part"), "--quiet",
                     "--no-plots"]) == 130
    finally:
        calrun.abc.run = original
    partial = [x for x in tmp_path.iterdir() if x.name.startswith(".part.partial")]
    assert len(partial) == 1 and not (tmp_path / "part").exists()
    assert main(["calibrate", str(cal), "--resume", str(partial[0]), "--quiet",
                 "--no-plots"]) == 0
    assert ((tmp_path / "part" / "posterior.parquet").read_bytes()
            == (tmp_path / "full" / "posterior.parquet").read_bytes())


def test_shipped_calibration_validates(capsys):
    assert main(["validate", str(ROOT / "scenarios" / "calibration" / "baseline.yaml")]) == 0
    cal = load_calibration(ROOT / "scenarios" / "calibration" / "baseline.yaml")
    assert [r.record.name for r in cal.fit] == ["istanbul-2022", "istanbul-2025"]
    assert [r.record.name for r in cal.hold_out] == ["trilaterals-2026"]


@pytest.mark.parametrize(("change", "expected"), [
    ({"priors": "\n  humanitarian.rat: {dist: uniform, low: 0.1, high: 0.9}"},
     "tiny.yaml:5:3: priors.humanitarian.rat"),
    ({"priors": "\n  humanitarian.rate: {dist: choice, values: [0.1, 0.2]}"},
     "a prior cannot be {dist: choice}"),
    ({"priors": "\n  humanitarian.rate: {dist: uniform, low: 2, high: 3}"},
     "reaches outside the key's range 0 to 1"),
    ({"method": "smcc"}, "tiny.yaml:7:1: method: expected 'rejection' or 'smc'"),
    ({"budget": "{particles: 40, generatons: 3}"},
     "budget.generatons: unknown key 'generatons'; did you mean 'generations'"),
    ({"fit": "[nowhere.yaml]"}, "tiny.yaml:2:7: fit.0: record"),
    ({"hold_out": f"[{RECORDS / 'istanbul_2025.yaml'}]"}, "is already listed under fit"),
    ({"distanc": "hamming"}, "unknown key 'distanc'"),
])
def test_bad_calibration_files_exit_2_with_file_line_and_key(tmp_path, capsys, change, expected):
    cal = tiny_file(tmp_path, **change)
    assert main(["validate", str(cal)]) == 2
    err = capsys.readouterr().err
    assert expected in err, err
    assert main(["calibrate", str(cal), "--out", str(tmp_path / "o")]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_a_scenario_given_as_calibration_file_is_one_clear_error(capsys):
    assert main(["calibrate", str(ROOT / "scenarios" / "istanbul_2025.yaml")]) == 2
    err = capsys.readouterr().err
    assert "not a calibration file (this is a scenario file" in err
    assert err.count("\n") == 1


def test_plot_redraws_a_calibration_folder(tmp_path, capsys):
    out = tmp_path / "c"
    assert main(["calibrate", str(tiny_file(tmp_path)), "--out", str(out), "--quiet",
                 "--no-plots"]) == 0
    assert not (out / "predictive.png").exists()
    assert main(["plot", str(out)]) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(out / "prior_posterior.png"), str(out / "predictive.png")]
    assert all((out / n).stat().st_size > 10_000 for n in ("prior_posterior.png", "predictive.png"))
