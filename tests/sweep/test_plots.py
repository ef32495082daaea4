from __future__ import annotations

import shutil

import pytest

from sim.sweep import SweepError, run_sweep
from sim.sweep.plots import plot_sweep

from .conftest import TINY


@pytest.mark.parametrize("params,figure", [
    ("negotiation.agenda: {values: [issue_by_issue, package]}", "shares.png"),
    ("battlefield.edge.mean: {low: -0.5, high: 0.5, steps: 2}\n"
     "  battlefield.rearm_fear: {values: [0, 0.5]}", "heatmap.png"),
    ("battlefield.edge.mean: {low: -0.5, high: 0.5, steps: 2}\n"
     "  battlefield.rearm_fear: {values: [0, 0.5]}\n"
     "  negotiation.walkout.hazard: {values: [0.1, 0.3]}", "effects.png"),
])
def test_figure_per_design_shape(write_sweep, tmp_path, params, figure):
    path = write_sweep(f"""\
sweep: 1
scenario: {TINY}
runs_per_point: 15
parameters:
  {params}
outputs: [comprehensive, stalemate, dictated_peace]
""")
    out = run_sweep(path, tmp_path / "out")
    assert [p.name for p in (out / "plots").iterdir()] == [figure]
    assert (out / "plots" / figure).stat().st_size > 10_000
    # the plots need only the saved tables, not the replications
    shutil.rmtree(out / "points")
    redrawn = plot_sweep(out, out=tmp_path / "again")
    assert [p.name for p in redrawn] == [figure]


def test_plot_refuses_an_unfinished_sweep(tmp_path):
    (tmp_path / "manifest.json").write_text('{"kind": "ceasefire-sim sweep", "status": '
                                            '"interrupted", "points": 4, "points_done": 1}')
    with pytest.raises(SweepError, match="has not finished"):
        plot_sweep(tmp_path)
