"""Side-by-side outcome shares of scenarios or result folders, with differences vs the first.

Each item is a scenario file (run here, with ``runs`` and ``seed`` when given, else the
scenario's own, without round-by-round traces) or a result folder written by ``ceasefire run``
(read back). For every item and every outcome and flag the table gives the share with its Wilson
95% interval and the difference from the first item with Newcombe's hybrid score 95% interval.

Newcombe's interval treats the two samples as independent. Scenario files run with the same
seed share their random streams (common random numbers), which makes their shares positively
correlated; the interval is then conservative (wider than it needs to be), never too narrow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.results.stats import newcombe_difference_interval, wilson_interval
from sim.sweep.errors import SweepError
from sim.sweep.shares import counts
from sim.sweep.spec import OUTPUTS
from sim.sweep.store import write_atomic

if TYPE_CHECKING:
    from sim.scenario import Scenario

PLOT_FILE = "compare.png"
TIMELINE_FILE = "timeline.png"
#: Replications of a compared scenario file traced session by session (for timeline.png).
TRACE_RUNS = 1000
TABLE_FILE = "compare.csv"
COLUMNS = ("item", "label", "source", "output", "count", "n", "share", "lo", "hi",
           "diff", "diff_lo", "diff_hi")


@dataclass
class Item:
    """One compared scenario or result folder, reduced to its runs table."""

    path: str
    label: str
    source: str  # "scenario" or "results"
    runs: pd.DataFrame
    seed: int
    sessions: pd.DataFrame | None = None  # traced runs, for timeline.png
    meta: dict | None = None  # what the timeline needs to know of the issues


def compare(
    items: list[str | Path],
    runs: int | None = None,
    seed: int | None = None,
    out: str | Path | None = None,
    jobs: int = 1,
    *,
    root: str | Path = "results",
    allow_large: bool = False,
) -> tuple[pd.DataFrame, Path]:
    """Compare the outcome shares of scenario files and/or result folders.

    Args:
        items: Two or more scenario files or result folders; the first is the reference.
        runs: Replications for scenario files (default: each scenario's ``runs``).
        seed: Master seed for scenario files (default: each scenario's ``seed``).
        out: Folder for ``compare.csv`` and ``compare.png`` (created if needed; those two files
            are replaced, nothing else is touched); default ``root/compare/<UTC time>/``.
        jobs: Worker processes for running scenario files.
        root: Output root for the default folder.
        allow_large: Run scenario files above the work budget (:mod:`sim.scenario.budget`;
            the runs of each are held in memory).

    Returns:
        The table (columns :data:`COLUMNS`, one row per item and output) and the plot's path.

    Raises:
        SweepError: Fewer than two items, or an item that is neither a scenario nor a folder.
        ScenarioError: A scenario file is invalid.
        ResultsError: A folder is not a complete result folder.
    """
    if len(items) < 2:
        raise SweepError("compare needs at least two scenario files or result folders")
    from sim.scenario import resolve_scenario_path

    files = {str(it): resolve_scenario_path(str(it)) for it in items}  # a shipped name too
    scenarios = {it: _scenario(path, runs, jobs, allow_large) for it, path in files.items()
                 if Path(path).exists() and not Path(path).is_dir()}  # all checked before any runs
    loaded = [_load(str(it), runs, seed, jobs, scenarios.get(str(it))) for it in items]
    _unique_labels(loaded)
    table = comparison_table(loaded)
    folder = Path(out) if out is not None else _default_folder(Path(root))
    if folder.exists() and not folder.is_dir():
        raise SweepError(f"output path {folder} exists and is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / TABLE_FILE, lambda p: table.to_csv(p, index=False, float_format="%.6g"))
    from sim.sweep.compare_plot import compare_figure

    fig = compare_figure(table)
    write_atomic(folder / PLOT_FILE, lambda p: fig.savefig(p, format="png",
                                                      metadata={"Software": None}))
    timelines = [(it.label, it.runs, it.sessions, it.meta or {}) for it in loaded
                 if it.sessions is not None and not it.sessions.empty]
    if len(timelines) >= 2:
        from sim.sweep.compare_plot import timeline_figure

        tfig = timeline_figure(timelines)
        write_atomic(folder / TIMELINE_FILE, lambda p: tfig.savefig(
            p, format="png", metadata={"Software": None}))
    return table, folder / PLOT_FILE


def redraw_compare(folder: str | Path) -> Path:
    """Redraw ``compare.png`` of a comparison folder from its ``compare.csv``.

    (``timeline.png`` needs the traced sessions, which a comparison folder does not keep.)
    """
    from sim.sweep.compare_plot import compare_figure

    path = Path(folder) / TABLE_FILE
    try:
        table = pd.read_csv(path)
    except (OSError, ValueError) as exc:
        raise SweepError(f"{path}: cannot read the comparison table: {exc}") from None
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise SweepError(f"{path}: not a table of `ceasefire compare` (no {', '.join(missing)})")
    fig = compare_figure(table)
    write_atomic(Path(folder) / PLOT_FILE, lambda p: fig.savefig(p, format="png",
                                                                 metadata={"Software": None}))
    return Path(folder) / PLOT_FILE


def comparison_table(items: list[Item]) -> pd.DataFrame:
    """Shares, Wilson intervals and Newcombe differences vs ``items[0]`` (long form)."""
    rows = []
    ref = items[0]
    for it in items:
        for output in OUTPUTS:
            k, n = counts(it.runs, output)
            lo, hi = wilson_interval(k, n)
            row = {"item": it.path, "label": it.label, "source": it.source, "output": output,
                   "count": k, "n": n, "share": k / n if n else np.nan, "lo": lo, "hi": hi,
                   "diff": np.nan, "diff_lo": np.nan, "diff_hi": np.nan}
            if it is not ref:
                k0, n0 = counts(ref.runs, output)
                if n and n0:
                    d_lo, d_hi = newcombe_difference_interval(k, n, k0, n0)
                    row.update({"diff": k / n - k0 / n0, "diff_lo": d_lo, "diff_hi": d_hi})
            rows.append(row)
    return pd.DataFrame(rows, columns=list(COLUMNS))


def format_table(table: pd.DataFrame) -> str:
    """The comparison as text: one line per output, one column per item."""
    labels = list(dict.fromkeys(table["label"]))
    grid = [["", *labels],
            ["", "share [95% CI]", *["share, diff vs first [95% CI]"] * (len(labels) - 1)]]
    for output in OUTPUTS:
        part = table[table["output"] == output].set_index("label")
        name = output.replace("_", " ") + (" *" if output == "agreement_holds" else "")
        grid.append([name, *(_cell(part.loc[lab]) for lab in labels)])
    widths = [max(len(row[c]) for row in grid) + 3 for c in range(len(grid[0]))]
    lines = ["".join(f"{cell:<{w}}" for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in grid]
    first = table[table["output"] == OUTPUTS[0]].set_index("label")["n"]
    runs = ", ".join(f"{lab}: {int(first[lab]):,} runs" for lab in labels)
    lines.append(f"({runs}; shares in %, differences in percentage points; "
                 "* agreement holds is a share of the runs that agreed a ceasefire or settlement)")
    return "\n".join(lines)


def _cell(r: pd.Series) -> str:
    if r["n"] == 0:
        return "no eligible runs"
    if np.isnan(r["diff"]):
        return f"{_pct(r['share'])} [{_pct(r['lo'])}–{_pct(r['hi'])}]"
    return f"{_pct(r['share'])}, {_signed(r['diff'])} [{_signed(r['diff_lo'])}, " \
           f"{_signed(r['diff_hi'])}]"


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _signed(x: float) -> str:
    return f"{100 * x:+.1f}"


def _scenario(item: str, runs: int | None, jobs: int, allow_large: bool) -> Scenario:
    """The scenario of ``item``, refused when running it is above the work budget."""
    from sim.scenario import load_scenario
    from sim.scenario.budget import Size, estimate, too_large
    from sim.scenario.loader import key_origin

    scn = load_scenario(item)
    n = int(runs if runs is not None else scn.runs)
    est = estimate(n, scn.sessions, size=Size.of(scn), held=True, jobs=jobs,
                   trace_runs=min(n, TRACE_RUNS))
    what = f"--runs {runs}" if runs is not None else f"{key_origin(item, 'runs')} {n:,}"
    problem = too_large(what, est, {"chunk": f"--jobs {jobs}",
                                    "trace": f"{item}: the trace of {min(n, TRACE_RUNS):,} runs"},
                        allow_large)
    if problem is not None:
        raise SweepError(problem, item)
    return scn


def _load(item: str, runs: int | None, seed: int | None, jobs: int,
          scn: Scenario | None = None) -> Item:
    from sim.scenario import resolve_scenario_path

    path = Path(resolve_scenario_path(item))
    if path.is_dir():
        from sim.results import read_run_dir
        from sim.sweep.store import is_sweep_dir

        if is_sweep_dir(path):
            raise SweepError(f"{item}: is a sweep folder; compare takes scenario files and "
                             "result folders of `ceasefire run`")
        rd = read_run_dir(path)
        return Item(item, rd.name or path.name, "results", rd.runs,
                    int(rd.summary.get("seed", rd.meta.get("seed", 0))), rd.sessions, rd.meta)
    if not path.exists():
        raise SweepError(f"{item}: no such scenario file or result folder")
    from sim.engine.runner import simulate
    from sim.scenario import load_scenario

    scn = scn if scn is not None else load_scenario(path)
    res = simulate(scn, runs=runs, seed=seed, jobs=jobs, trace_runs=TRACE_RUNS)
    meta = {"issues": {iid: {"track": iss.track, "decides_ceasefire": iss.decides_ceasefire}
                       for iid, iss in scn.issues.items()}}
    return Item(item, scn.name, "scenario", res.runs, res.seed, res.sessions, meta)


def _unique_labels(items: list[Item]) -> None:
    """Make labels unique: add the path where names clash, then a number where paths do."""
    names = [it.label for it in items]
    for it in items:
        if names.count(it.label) > 1:
            it.label = f"{it.label} ({it.path})"
    seen: dict[str, int] = {}
    for it in items:
        seen[it.label] = seen.get(it.label, 0) + 1
        if seen[it.label] > 1:
            it.label = f"{it.label} #{seen[it.label]}"


def _default_folder(root: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    base = root / "compare" / stamp
    folder, k = base, 1
    while folder.exists():
        k += 1
        folder = base.with_name(f"{stamp}-{k}")
    return folder


__all__ = ["COLUMNS", "compare", "comparison_table", "format_table"]
