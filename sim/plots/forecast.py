"""``forecast.png``: the expected-utility forecast of each issue, round by round and at the end.

Drawn only for folders of protocol ``expected_utility``, whose ``_text`` rows in
``rounds.parquet`` are the model's forecast (the capability x salience weighted median of the
positions held after each round). Per issue: the forecast's median over the traced runs with its
25-75% and 10-90% bands, round by round, and the distribution of the final forecast, which
spreads as far as the scenario's uncertain inputs move it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.plots._common import TEXT_COLOUR, new_figure, save, set_titles, wrap
from sim.plots.trajectories import TEXT_ACTOR, _draw_fan, carried_forward, fan
from sim.results.meta import anchors, issue_ids, issue_label
from sim.results.store import RunDir

FILENAME = "forecast.png"


def applies(rd: RunDir) -> bool:
    """Whether the folder holds an expected-utility forecast with traced rounds."""
    return rd.meta.get("protocol") == "expected_utility" and bool(
        len(rd.rounds) and (rd.rounds["actor"] == TEXT_ACTOR).any())


def final_forecasts(rd: RunDir) -> pd.DataFrame:
    """Run x issue: each traced run's forecast after its last round."""
    text = rd.rounds[rd.rounds["actor"] == TEXT_ACTOR]
    last = text.sort_values("round").groupby(["run", "issue"], sort=False)["position"].last()
    wide = last.unstack("issue")
    order = [i for i in issue_ids(rd.meta) if i in wide.columns]
    return wide[order + [c for c in wide.columns if c not in order]]


def make_figure(rd: RunDir) -> Figure:
    """One row per issue: the forecast over the rounds and the final forecast's distribution."""
    text = rd.rounds[rd.rounds["actor"] == TEXT_ACTOR]
    issues = [i for i in issue_ids(rd.meta) if i in set(text["issue"])] or sorted(
        set(text["issue"]))
    final = final_forecasts(rd)
    fig = new_figure(12, 1.5 + 3.0 * len(issues))
    axes = np.atleast_2d(fig.subplots(len(issues), 2, width_ratios=[3, 2], squeeze=False))
    last = int(text["round"].max()) if len(text) else 1
    traced = int(text["run"].nunique())
    for (left, right), issue in zip(axes, issues, strict=True):
        mine = text[text["issue"] == issue]
        _draw_fan(left, fan(carried_forward(mine, "position", last)), TEXT_COLOUR)
        left.set_xlim(0, max(last, 1))
        left.set_ylim(-2, 102)
        left.set_xlabel("round (0 = opening positions)")
        left.set_ylabel("forecast (0–100)")
        left.set_title(issue_label(rd.meta, issue), loc="left", fontsize=10.5, fontweight="bold")
        left.grid(color="#e5e5e5", linewidth=0.8)
        ends = dict(anchors(rd.meta, issue))
        if ends.get(0.0) or ends.get(100.0):
            left.text(1.01, 0.0, wrap(ends.get(0.0, ""), 22), transform=left.transAxes,
                      fontsize=7, color="#555555", va="bottom")
            left.text(1.01, 1.0, wrap(ends.get(100.0, ""), 22), transform=left.transAxes,
                      fontsize=7, color="#555555", va="top")
        values = final[issue].dropna().to_numpy(dtype=float) if issue in final else np.array([])
        right.hist(values, bins=np.linspace(0, 100, 41), color="#555555", alpha=0.8)
        if values.size:
            q10, q50, q90 = np.quantile(values, [0.1, 0.5, 0.9])
            right.axvline(q50, color="#b2182b", lw=1.5)
            right.set_title(f"final forecast: median {q50:.1f} (10–90%: {q10:.1f}–{q90:.1f})",
                            fontsize=9.5, loc="left")
        right.set_xlim(0, 100)
        right.set_xlabel("final forecast (0–100)")
        right.set_ylabel("traced runs")
    set_titles(fig, rd, "Forecast", note=f"over {traced:,} traced runs; median line, 25–75% "
               "and 10–90% bands")
    return fig


def draw(rd: RunDir, out_dir: Path) -> Path:
    """Draw ``forecast.png`` into ``out_dir``."""
    return save(make_figure(rd), Path(out_dir) / FILENAME)
