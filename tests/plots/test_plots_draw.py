from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from sim.plots import FIGURES, draw_all, terms, trajectories
from sim.results import ResultsError, read_run_dir

PNG = b"\x89PNG\r\n\x1a\n"
NAMES = ["outcomes.png", "rounds.png", "terms.png", "trajectories.png", "timeline.png",
         "drivers.png"]


def check_pngs(paths, folder):
    assert [p.name for p in paths] == NAMES
    for path in paths:
        assert path.parent == folder / "plots"
        data = path.read_bytes()
        assert data.startswith(PNG)
        assert len(data) > 10_000


def test_draw_all_writes_every_png(run_dir):
    check_pngs(draw_all(str(run_dir)), run_dir)
    if "matplotlib.pyplot" in sys.modules:  # nothing drawn through pyplot stays open
        import matplotlib.pyplot as plt

        assert plt.get_fignums() == []


def test_figures_render_on_the_agg_canvas(run_dir):
    rd = read_run_dir(run_dir)
    for module in FIGURES:
        fig = module.make_figure(rd)
        assert isinstance(fig.canvas, FigureCanvasAgg)
        assert fig.get_suptitle().count("n = 200 runs, seed 20250516") == 1
        assert "Synthetic talks" in fig.get_suptitle()


def test_importing_plots_leaves_the_backend_alone():
    code = (
        "import matplotlib; matplotlib.use('svg'); "
        "import sim, sim.results, sim.plots; "
        "assert matplotlib.get_backend() == 'svg', matplotlib.get_backend(); "
        "import matplotlib.pyplot as plt; assert not plt.get_fignums()"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_importing_sim_does_not_import_matplotlib():
    code = "import sys, sim, sim.results; assert 'matplotlib' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_an_issue_never_settled(write_variant):
    def unsettle(runs):
        runs = runs.copy()
        runs["terms.territory"] = np.nan
        return runs

    rd = read_run_dir(write_variant(runs=unsettle))
    fig = terms.make_figure(rd)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert "never settled in 200 runs" in texts
    assert terms.draw(rd, rd.path / "plots").stat().st_size > 10_000


def test_no_trajectories_recorded(write_variant):
    rd = read_run_dir(write_variant(rounds=lambda rounds: rounds.iloc[:0]))
    fig = trajectories.make_figure(rd)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any("no trajectories" in t for t in texts)
    assert trajectories.draw(rd, rd.path / "plots").read_bytes().startswith(PNG)


def test_issues_without_anchors_or_tracks(write_variant):
    def bare(meta):
        issues = {k: {"label": v["label"]} for k, v in meta["issues"].items()}
        return {**meta, "issues": issues}

    rd = read_run_dir(write_variant(meta=bare))
    for module in (terms, trajectories):
        assert module.draw(rd, rd.path / "plots").stat().st_size > 10_000


def test_a_tiny_run(write_variant):
    folder = write_variant(n=3)
    check_pngs(draw_all(folder), folder)


def test_not_a_result_folder(tmp_path):
    with pytest.raises(ResultsError, match="not a result folder"):
        draw_all(tmp_path)
