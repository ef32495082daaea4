"""``drivers.png``: for each outcome, the sampled inputs and fired events its share moves with.

One panel per outcome that varies over the runs (with at least :data:`MIN_RUNS` runs of it):
the largest differences of :func:`sim.results.drivers.drivers_table` (share among the runs
with an input's highest fifth of draws minus its lowest fifth; among the runs where an event
fired minus where it did not), in percentage points with Newcombe 95% intervals. Bars whose
interval excludes 0 are solid, the others pale. ``plots/drivers.csv`` holds the whole table.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from sim.plots._common import OUTCOME_COLOURS, new_figure, save, set_titles, wrap
from sim.results.drivers import drivers_table
from sim.results.store import RunDir

FILENAME = "drivers.png"
TABLE = "drivers.csv"
#: Drivers shown per outcome.
TOP = 8
#: An outcome gets a panel only with at least this many runs (fewer say nothing; the table
#: keeps them).
MIN_RUNS = 10


def make_figure(rd: RunDir) -> Figure:
    """The top drivers of every outcome that varies."""
    table = drivers_table(rd.runs)
    counts = rd.runs["outcome"].astype(str).value_counts()
    outcomes = [o for o in dict.fromkeys(table["outcome"]) if counts.get(o, 0) >= MIN_RUNS] \
        if len(table) else []
    if not outcomes:
        fig = new_figure(11, 3)
        ax = fig.subplots()
        ax.set_axis_off()
        ax.text(0.5, 0.5, "no sampled input or fired event varies over the runs (or every run "
                "ends the same way): nothing to attribute", ha="center", va="center",
                fontsize=11, transform=ax.transAxes)
        set_titles(fig, rd, "Drivers of each outcome")
        return fig
    cols = 2 if len(outcomes) > 1 else 1
    rows = -(-len(outcomes) // cols)
    fig = new_figure(7.2 * cols + 1.0, rows * (0.36 * TOP + 1.4) + 1.4)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    for ax, name in zip(axes, outcomes, strict=False):
        part = table[table["outcome"] == name].head(TOP)
        y = np.arange(len(part))
        d = part["diff"].to_numpy(dtype=float)
        lo, hi = part["diff_lo"].to_numpy(dtype=float), part["diff_hi"].to_numpy(dtype=float)
        clear = (lo > 0) | (hi < 0)
        colour = OUTCOME_COLOURS.get(name, "#555555")
        ax.barh(y, d, color=[colour if c else "#dddddd" for c in clear], height=0.6)
        ax.errorbar(d, y, xerr=[d - lo, hi - d], fmt="none", ecolor="#333333", elinewidth=1,
                    capsize=2.5)
        labels = [wrap(f"{r.driver}" + (" (event)" if r.kind == "event" else ""), 38)
                  for r in part.itertuples()]
        ax.set_yticks(y, labels, fontsize=8)
        ax.invert_yaxis()
        ax.axvline(0, color="#555555", lw=0.8)
        span = float(np.nanmax(np.abs(np.concatenate([lo, hi])))) if len(part) else 0.1
        ax.set_xlim(-span * 1.1 - 0.01, span * 1.1 + 0.01)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{100 * v:+.0f} pp"
                                                   if round(100 * v) else "0"))
        ax.grid(True, axis="x", color="#e5e5e5")
        ax.set_axisbelow(True)
        ax.set_title(f"{name}", loc="left", fontsize=10.5, fontweight="bold")
    for ax in axes[len(outcomes):]:
        ax.set_axis_off()
    fig.supxlabel("difference of the outcome's share: highest fifth of an input's draws minus "
                  "its lowest fifth; runs where an event fired minus the others "
                  "(bar: Newcombe 95%; pale: the interval includes 0)", fontsize=9)
    set_titles(fig, rd, "Drivers of each outcome")
    return fig


def draw(rd: RunDir, out_dir: Path) -> Path:
    """Draw ``drivers.png`` (and write ``drivers.csv``, its whole table) into ``out_dir``."""
    drivers_table(rd.runs).to_csv(Path(out_dir) / TABLE, index=False, float_format="%.6g")
    return save(make_figure(rd), Path(out_dir) / FILENAME)
