"""Sweep folders as an analyst reads them: labelled point files, redrawn plots, noisy indices."""

from __future__ import annotations

import pandas as pd
import pytest

from sim.cli import main
from sim.sweep import run_sweep
from sim.sweep.sensitivity import noise, sensitivity_lines

from .conftest import GRID_2X2, TINY


def test_point_files_carry_the_point_and_its_parameter_values(write_sweep, tmp_path):
    out = run_sweep(write_sweep(GRID_2X2), tmp_path / "out", plots=False)
    every = pd.read_parquet(out / "points")  # all point files at once
    points = pd.read_parquet(out / "points.parquet")
    assert list(every.columns[:3]) == ["point", "pressure.sanctions.war_cost",
                                       "battlefield.edge.mean"]
    assert sorted(every["point"].unique()) == list(points["point"])
    per_point = every.groupby("point")[["pressure.sanctions.war_cost",
                                        "battlefield.edge.mean"]].first()
    pd.testing.assert_frame_equal(
        per_point.reset_index(), points[["point", "pressure.sanctions.war_cost",
                                         "battlefield.edge.mean"]])
    assert (every.groupby("point").size() == 40).all()


def test_plot_redraws_a_sweep_folder(write_sweep, tmp_path, capsys):
    out = run_sweep(write_sweep(GRID_2X2), tmp_path / "out")
    (out / "plots" / "heatmap.png").unlink()
    assert main(["plot", str(out)]) == 0
    assert (out / "plots" / "heatmap.png").stat().st_size > 10_000
    assert "heatmap.png" in capsys.readouterr().out
    assert main(["plot", str(tmp_path)]) == 2  # neither a sweep nor a result folder


@pytest.mark.parametrize("value, conf, total, flagged", [
    (0.6, 0.1, True, False), (1.64, 3.9, True, True), (0.3, 0.3, False, True),
    (1.2, 0.1, True, True), (1.2, 0.1, False, False), (0.2, float("nan"), True, True),
])
def test_noise(value, conf, total, flagged):
    assert noise(value, conf, total) is flagged


def test_a_top_driver_is_named_only_when_its_index_is_resolved():
    sens = pd.DataFrame({
        "output": ["collapse", "collapse", "partial", "partial"],
        "parameter": ["a", "b", "a", "b"],
        "S1": [0.1, 0.0, 0.5, 0.0], "S1_conf": [2.0, 1.0, 0.1, 0.1],
        "ST": [1.64, 0.2, 0.7, 0.9], "ST_conf": [3.9, 0.5, 0.1, 1.2]})
    lines = "\n".join(sensitivity_lines(sens))
    assert "collapse           not resolved" in lines and "largest a ST 1.64 ± 3.90" in lines
    assert "partial            a  (ST 0.70 ± 0.10; 1 of 2 indices are noise)" in lines


def test_sobol_figure_draws_every_bar_and_flags_noise(write_sweep, tmp_path):
    path = write_sweep(f"""\
sweep: 1
scenario: {TINY}
runs_per_point: 8
design: sobol
samples: 8
parameters:
  battlefield.edge.mean: {{low: -0.5, high: 0.5}}
  battlefield.rearm_fear: {{low: 0, high: 0.8}}
outputs: [partial, stalemate]
""")
    out = run_sweep(path, tmp_path / "out")
    assert (out / "plots" / "sobol.png").stat().st_size > 10_000


def test_plot_redraws_a_comparison_folder(tmp_path, capsys):
    from sim.sweep.compare import compare

    from .conftest import TINY_B

    _, png = compare([str(TINY), str(TINY_B)], runs=20, out=tmp_path / "c")
    png.unlink()
    assert main(["plot", str(tmp_path / "c")]) == 0
    assert png.stat().st_size > 10_000 and str(png) in capsys.readouterr().out


def test_morris_figure_marks_noise(write_sweep, tmp_path):
    path = write_sweep(f"""\
sweep: 1
scenario: {TINY}
runs_per_point: 8
design: morris
samples: 4
parameters:
  battlefield.edge.mean: {{low: -0.5, high: 0.5}}
  battlefield.rearm_fear: {{low: 0, high: 0.8}}
outputs: [partial, stalemate]
""")
    out = run_sweep(path, tmp_path / "out")
    assert (out / "plots" / "morris.png").stat().st_size > 10_000
