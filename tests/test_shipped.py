"""Every shipped scenario and sweep validates, and every scenario runs end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli import main
from sim.scenario import shipped_scenarios

ROOT = Path(__file__).resolve().parent.parent
SWEEPS = sorted((ROOT / "scenarios" / "sweeps").glob("*.yaml"))


def test_there_are_shipped_scenarios_and_sweeps():
    names = {p.stem for p in shipped_scenarios()}
    assert {"istanbul_2025", "istanbul_2025_putin_attends", "istanbul_2025_trump_attends",
            "istanbul_2025_no_eu_pressure", "istanbul_2025_us_disengages",
            "istanbul_2025_ceasefire_first", "istanbul_2022"} <= names
    assert {p.stem for p in SWEEPS} == {"eu_pressure_x_edge", "baseline_sobol"}


@pytest.mark.parametrize("path", [*shipped_scenarios(), *SWEEPS], ids=lambda p: p.stem)
def test_shipped_files_validate(path, capsys):
    assert main(["validate", str(path)]) == 0, capsys.readouterr().err


@pytest.mark.parametrize("path", shipped_scenarios(), ids=lambda p: p.stem)
def test_shipped_scenarios_run_with_plots(path, tmp_path):
    out = tmp_path / "out"
    assert main(["run", str(path), "--runs", "40", "--out", str(out), "--quiet"]) == 0
    assert len(list((out / "plots").glob("*.png"))) == 6


def test_baseline_runs_under_the_expected_utility_protocol(tmp_path):
    out = tmp_path / "eu"
    assert main(["run", str(ROOT / "scenarios" / "istanbul_2025.yaml"), "--runs", "20",
                 "--set", "negotiation.protocol=expected_utility", "--out", str(out),
                 "--no-plots", "--quiet"]) == 0
