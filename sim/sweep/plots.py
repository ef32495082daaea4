"""Figures of a sweep, drawn only from its saved files.

They read ``points.parquet``, ``sensitivity.parquet``, ``sweep.yaml`` and ``manifest.json``:

* one parameter: ``shares.png`` — each output's share against the parameter, with its Wilson 95%
  band;
* two parameters on a grid: ``heatmap.png`` — one annotated heatmap per output;
* more parameters (grid), or an LHS / Sobol / Morris design: ``effects.png`` — one panel per
  parameter with each output's share against it (mean over the other parameters for a grid,
  the points themselves and a binned mean otherwise);
* Sobol: ``sobol.png`` — first-order (S1) and total-order (ST) indices with their 95%
  confidence, one panel per output;
* Morris: ``morris.png`` — mu* against sigma per output, each point labelled by its parameter
  (hollow grey where mu* is noise: its interval at least as wide as mu*).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import Colormap, ListedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from sim.plots._common import OUTCOME_COLOURS, new_figure, save, wrap
from sim.sweep.store import PLOTS_DIR, SweepDir, read_sweep_dir

FLAG_COLOURS = {"dictated_peace": "#762a83", "agreement_holds": "#2166ac"}
LABELS = {"dictated_peace": "dictated peace",
          "agreement_holds": "agreement holds\n(share of agreements)"}
CMAPS = {"comprehensive": "Greens", "ceasefire": "Greens", "partial": "YlOrBr",
         "humanitarian_only": "PuBu", "stalemate": "Greys", "collapse": "Reds",
         "dictated_peace": "Purples", "agreement_holds": "Blues"}


def plot_sweep(folder: Path | str, out: Path | str | None = None,
               complete: bool = True) -> list[Path]:
    """Draw every figure that fits the sweep in ``folder``.

    Args:
        folder: A sweep folder.
        out: Where the PNG files go (default ``folder/plots``).
        complete: Refuse a sweep whose manifest does not say ``complete``.

    Returns:
        The files written.
    """
    sd = read_sweep_dir(folder, complete=complete)
    target = Path(out) if out is not None else Path(folder) / PLOTS_DIR
    target.mkdir(parents=True, exist_ok=True)
    design = sd.spec.get("design", "grid")
    params = sd.parameters
    drawn: list[Path] = []
    if len(params) == 1:
        drawn.append(save(shares_figure(sd), target / "shares.png"))
    elif design == "grid" and len(params) == 2:
        drawn.append(save(heatmap_figure(sd), target / "heatmap.png"))
    else:
        drawn.append(save(effects_figure(sd), target / "effects.png"))
    if design == "sobol" and sd.sensitivity is not None:
        drawn.append(save(sobol_figure(sd), target / "sobol.png"))
    if design == "morris" and sd.sensitivity is not None:
        drawn.append(save(morris_figure(sd), target / "morris.png"))
    return drawn


def redraw_sweep(folder: Path | str) -> list[Path]:
    """Redraw the figures of a finished sweep folder into its ``plots/`` (replaced whole).

    Raises:
        SweepError: ``folder`` is not a finished sweep folder.
    """
    import shutil
    import time

    from sim.sweep.store import read_sweep_dir, replace_dir

    folder = Path(folder)
    read_sweep_dir(folder)  # refuses a folder that is not a finished sweep
    tmp = folder / f".{PLOTS_DIR}.tmp-{int(time.time() * 1e6)}"
    try:
        names = [p.name for p in plot_sweep(folder, out=tmp)]
        replace_dir(tmp, folder / PLOTS_DIR)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [folder / PLOTS_DIR / name for name in names]


# --- helpers --------------------------------------------------------------------------------


def colour(output: str) -> str:
    """The colour of an output, shared with the run figures."""
    return OUTCOME_COLOURS.get(output) or FLAG_COLOURS.get(output, "#333333")


def label(output: str) -> str:
    """How an output is named in legends."""
    return LABELS.get(output, output)


def _titles(fig: Figure, sd: SweepDir, what: str) -> None:
    m = sd.manifest
    base = m.get("scenario_title") or m.get("scenario_name", "")
    chars = max(95, int(9.5 * fig.get_figwidth()))
    first = wrap(f"{what}: sweep {sd.name} on {base}", chars)
    second = wrap(f"base scenario {m.get('scenario_name', '?')} · {m.get('design')} design, "
                  f"{m.get('points', len(sd.points)):,} points × {m.get('runs_per_point'):,} "
                  f"runs per point · seed {m.get('seed')}", chars + 20)
    fig.suptitle(f"{first}\n{second}", fontsize=11.5, fontweight="bold", linespacing=1.4)


def _numeric(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def _tick(value: object) -> str:
    if isinstance(value, float | np.floating):
        return f"{value:.4g}"
    return str(value)


def _percent_axis(ax: Axes, axis: Literal["x", "y"] = "y") -> None:
    fmt = PercentFormatter(1.0, decimals=0)
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)
    ax.grid(True, axis=axis, color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)


def _grid_shape(n: int, max_cols: int = 3) -> tuple[int, int]:
    cols = min(n, max_cols)
    return (n + cols - 1) // cols, cols


# --- one parameter ------------------------------------------------------------------------------


def shares_figure(sd: SweepDir) -> Figure:
    """Each output's share against the single parameter, with Wilson 95% bands.

    A parameter with non-numeric levels (a protocol, an agenda) gets dodged points with error
    bars instead of lines, in the order of the sweep file.
    """
    key = sd.parameters[0]
    numeric = _numeric(sd.points[key])
    df = sd.points.sort_values(key, kind="stable") if numeric else sd.points
    fig = new_figure(9, 5.6)
    ax = fig.add_subplot()
    x = df[key].to_numpy(dtype=float) if numeric else np.arange(len(df), dtype=float)
    width = 0.6 / max(len(sd.outputs), 1)
    for i, out in enumerate(sd.outputs):
        share, lo, hi = (df[f"{out}.{c}"].to_numpy(dtype=float) for c in ("share", "lo", "hi"))
        lo, hi = np.where(np.isnan(share), np.nan, lo), np.where(np.isnan(share), np.nan, hi)
        c = colour(out)
        if numeric:
            ax.plot(x, share, marker="o", ms=4, lw=2, color=c, label=label(out))
            ax.fill_between(x, lo, hi, color=c, alpha=0.18, lw=0)
        else:
            pos = x - 0.3 + width * (i + 0.5)
            ax.errorbar(pos, share, yerr=[share - lo, hi - share], fmt="o", ms=6, color=c,
                        elinewidth=2, capsize=4, label=label(out))
    if not numeric:
        ax.set_xticks(x, [_tick(v) for v in df[key]])
        ax.set_xlim(-0.6, len(df) - 0.4)
    ax.set_xlabel(key)
    ax.set_ylabel("share of runs (" + ("band" if numeric else "bar") + ": Wilson 95% interval)")
    ax.set_ylim(0, 1)
    _percent_axis(ax)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    _titles(fig, sd, "Outcome shares")
    return fig


# --- two grid parameters ------------------------------------------------------------------------


def heatmap_figure(sd: SweepDir) -> Figure:
    """One annotated heatmap per output: rows = first parameter, columns = second."""
    rows_key, cols_key = sd.parameters
    outs = sd.outputs
    nr, nc = _grid_shape(len(outs), 2)
    row_levels = list(dict.fromkeys(sd.points[rows_key]))
    col_levels = list(dict.fromkeys(sd.points[cols_key]))
    cell = max(0.75, min(1.3, 8.0 / max(len(col_levels), 1)))
    width = nc * (len(col_levels) * cell + 2.4)
    height = nr * (len(row_levels) * 0.62 + 1.7) + 0.9
    fig = new_figure(max(8.0, width), max(4.5, height))
    shares = sd.points[[f"{o}.share" for o in outs]].to_numpy(dtype=float)
    scale = _colour_range(shares)
    cmap = _soft_cmap("YlGnBu")
    axes = []
    im = None
    for i, out in enumerate(outs):
        ax = fig.add_subplot(nr, nc, i + 1)
        im = _heatmap(ax, sd.points, out, rows_key, cols_key, row_levels, col_levels, scale,
                      cmap)
        axes.append(ax)
    if im is not None:
        bar = fig.colorbar(im, ax=axes, shrink=0.85, pad=0.02)
        bar.ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        bar.set_label("share of runs (one scale for every panel)")
    _titles(fig, sd, "Outcome shares")
    return fig


def _heatmap(ax: Axes, points: pd.DataFrame, out: str, rows_key: str, cols_key: str,
             row_levels: list, col_levels: list, scale: tuple[float, float],
             cmap: Colormap) -> Any:
    share = np.full((len(row_levels), len(col_levels)), np.nan)
    lo, hi = share.copy(), share.copy()
    r_index = {v: i for i, v in enumerate(row_levels)}
    c_index = {v: j for j, v in enumerate(col_levels)}
    for rec in points.to_dict("records"):
        i, j = r_index[rec[rows_key]], c_index[rec[cols_key]]
        share[i, j], lo[i, j], hi[i, j] = rec[f"{out}.share"], rec[f"{out}.lo"], rec[f"{out}.hi"]
    vmin, vmax = scale
    im = ax.imshow(share, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto", origin="lower")
    small = len(row_levels) * len(col_levels) <= 40
    for i in range(len(row_levels)):
        for j in range(len(col_levels)):
            if np.isnan(share[i, j]):
                ax.text(j, i, "n/a", ha="center", va="center", fontsize=8, color="#555555")
                continue
            r, g, b, _ = cmap(float(np.clip((share[i, j] - vmin) / (vmax - vmin), 0, 1)))
            ink = "white" if 0.299 * r + 0.587 * g + 0.114 * b < 0.55 else "#111111"
            text = f"{100 * share[i, j]:.0f}%"
            if small:
                text += f"\n{100 * lo[i, j]:.0f}–{100 * hi[i, j]:.0f}"
            ax.text(j, i, text, ha="center", va="center", fontsize=8.5, color=ink,
                    linespacing=1.1)
    ax.set_xticks(range(len(col_levels)), [_tick(v) for v in col_levels])
    ax.set_yticks(range(len(row_levels)), [_tick(v) for v in row_levels])
    ax.set_xlabel(cols_key)
    ax.set_ylabel(rows_key)
    ax.set_title(f"{label(out)} (cell: share, 95% interval)", fontsize=10.5)
    return im


def _colour_range(share: np.ndarray) -> tuple[float, float]:
    """Colour scale spanning the shares, in steps of 5 points, at least 10 points wide.

    Every panel shares it (one colour bar), so that the same colour is the same share in every
    panel; the cell labels give the numbers.
    """
    if not np.isfinite(share).any():
        return 0.0, 1.0
    lo = float(np.floor(np.nanmin(share) * 20) / 20)
    hi = float(np.ceil(np.nanmax(share) * 20) / 20)
    if hi - lo < 0.1:
        hi = min(1.0, lo + 0.1)
        lo = hi - 0.1
    return lo, hi


def _soft_cmap(name: str) -> Colormap:
    """``name`` without its palest and darkest ends, so cells and their labels stay legible."""
    base = colormaps[name]
    return ListedColormap(base(np.linspace(0.08, 0.85, 256)), name=f"{name}_soft")


# --- many parameters -------------------------------------------------------------------------


def effects_figure(sd: SweepDir) -> Figure:
    """One panel per parameter: each output's share against it."""
    params = sd.parameters
    nr, nc = _grid_shape(len(params))
    fig = new_figure(4.3 * nc + 1.6, 3.4 * nr + 1.0)
    grid = sd.spec.get("design") == "grid"
    for i, key in enumerate(params):
        ax = fig.add_subplot(nr, nc, i + 1)
        for out in sd.outputs:
            _effect(ax, sd.points, key, out, grid)
        ax.set_xlabel(key, fontsize=9)
        ax.set_ylim(0, 1)
        _percent_axis(ax)
        if i % nc == 0:
            ax.set_ylabel("share of runs")
    handles = [fig.axes[0].lines[k] for k in range(len(sd.outputs))]
    fig.legend(handles, [label(o) for o in sd.outputs], loc="outside right center", frameon=False)
    what = "Main effects (mean over the other parameters)" if grid else \
        "Outcome shares by parameter (dots: points; line: binned mean)"
    _titles(fig, sd, what)
    return fig


def _effect(ax: Axes, points: pd.DataFrame, key: str, out: str, grid: bool) -> None:
    c = colour(out)
    col = f"{out}.share"
    if grid or not _numeric(points[key]):
        means = points.groupby(key, sort=True)[col].mean()
        numeric = _numeric(points[key])
        x = means.index.to_numpy(dtype=float) if numeric else np.arange(len(means))
        ax.plot(x, means.to_numpy(), marker="o", ms=4, lw=2, color=c)
        if not numeric:
            ax.set_xticks(x, [_tick(v) for v in means.index])
        return
    x = points[key].to_numpy(dtype=float)
    y = points[col].to_numpy(dtype=float)
    ax.scatter(x, y, s=8, color=c, alpha=0.35, lw=0)
    edges = np.linspace(np.nanmin(x), np.nanmax(x), 9)
    mid = (edges[:-1] + edges[1:]) / 2
    which = np.clip(np.digitize(x, edges[1:-1]), 0, len(mid) - 1)
    binned = [np.nanmean(y[which == b]) if np.any(which == b) else np.nan
              for b in range(len(mid))]
    ax.plot(mid, binned, lw=2.2, color=c)


# --- sensitivity indices ----------------------------------------------------------------------


def sobol_figure(sd: SweepDir) -> Figure:
    """S1 and ST bars with 95% confidence per parameter, one panel per output.

    Every bar is drawn whole (the axis spans all indices); an interval wider than the frame is
    drawn to it with an arrow and its half-width written beside it. Indices that are noise (an
    interval at least as wide as the index, or ST > 1: :func:`~sim.sweep.sensitivity.noise`)
    are hatched and grey, and the panel says how many.
    """
    from sim.sweep.sensitivity import noise

    sens = sd.sensitivity
    assert sens is not None
    outs, params = sd.outputs, sd.parameters
    nr, nc = _grid_shape(len(outs), 2)
    fig = new_figure(6.6 * nc + 1.5, (0.46 * len(params) + 1.6) * nr + 1.2)
    y = np.arange(len(params))
    for i, out in enumerate(outs):
        ax = fig.add_subplot(nr, nc, i + 1)
        part = sens[sens["output"] == out].set_index("parameter").reindex(params)
        values = part[["S1", "ST"]].to_numpy(dtype=float)
        if not np.isfinite(values).any():
            ax.text(0.5, 0.5, "does not vary over the sweep", transform=ax.transAxes,
                    ha="center", va="center", style="italic", color="#555555")
            ax.set_xticks([])
        else:
            left = min(-0.05, float(np.nanmin(values)) - 0.05)
            right = max(1.05, float(np.nanmax(values)) + 0.08)
            ax.set_xlim(left, right)
            flagged = 0
            for off, (idx, shade) in zip((-0.2, 0.2), (("S1", 0.55), ("ST", 1.0)), strict=True):
                val = part[idx].to_numpy(dtype=float)
                conf = part[f"{idx}_conf"].to_numpy(dtype=float)
                bad = np.array([noise(v, c, idx == "ST") for v, c in zip(val, conf, strict=True)])
                flagged += int(bad.sum())
                colours = ["#bbbbbb" if b else colour(out) for b in bad]
                ax.barh(y + off, np.nan_to_num(val), height=0.38, color=colours, alpha=shade,
                        hatch=None, label=f"{idx} ({'first' if idx == 'S1' else 'total'} order)")
                for k in np.nonzero(bad)[0]:
                    ax.barh(y[k] + off, np.nan_to_num(val[k]), height=0.38, fill=False,
                            hatch="///", edgecolor="#777777", linewidth=0)
                _interval(ax, val, conf, y + off, left, right)
            ax.axvline(0, color="#999999", lw=0.8)
            ax.axvline(1, color="#cccccc", lw=0.8, ls=":")
            if flagged:
                ax.text(0.99, 0.01, f"{flagged} of {2 * len(params)} indices are noise",
                        transform=ax.transAxes, ha="right", va="bottom", fontsize=7.5,
                        color="#555555", style="italic")
        ax.set_yticks(y, [wrap(p, 34) for p in params] if i % nc == 0 else [""] * len(params),
                      fontsize=8.5)
        ax.invert_yaxis()
        ax.set_title(label(out), fontsize=10.5)
        ax.set_xlabel("Sobol' index (error bar: 95% bootstrap interval)", fontsize=9)
        ax.grid(True, axis="x", color="#dddddd", linewidth=0.8)
        ax.set_axisbelow(True)
    from matplotlib.patches import Patch

    fig.legend(handles=[Patch(color="#555555", alpha=0.55, label="S1 (first order)"),
                        Patch(color="#555555", label="ST (total order)"),
                        Patch(facecolor="#bbbbbb", hatch="///", edgecolor="#777777",
                              label="noise: 95% interval ≥ index, or ST > 1")],
               loc="outside lower center", ncols=3, frameon=False, fontsize=9)
    _titles(fig, sd, "Sobol' sensitivity of outcome shares")
    return fig


def _interval(ax: Axes, val: np.ndarray, conf: np.ndarray, y: np.ndarray, left: float,
              right: float) -> None:
    """Error bars, each cut at the frame with an arrow and its half-width written when wider."""
    for v, c, yy in zip(val, conf, y, strict=True):
        if not (np.isfinite(v) and np.isfinite(c)):
            continue
        lo, hi = max(v - c, left), min(v + c, right)
        ax.plot([lo, hi], [yy, yy], color="#333333", lw=1)
        for end, cut, sign in ((lo, v - c < left, -1), (hi, v + c > right, 1)):
            if cut:
                ax.annotate("", xy=(end, yy), xytext=(end - sign * 0.001, yy),
                            arrowprops={"arrowstyle": "-|>", "color": "#333333", "lw": 1})
            else:
                ax.plot([end, end], [yy - 0.1, yy + 0.1], color="#333333", lw=1)
        if v + c > right or v - c < left:
            at_right = v + c > right
            ax.annotate(f"±{c:.2g}", xy=(right if at_right else left, yy),
                        xytext=(-11 if at_right else 11, 0), textcoords="offset points",
                        ha="right" if at_right else "left", va="center", fontsize=7,
                        color="#333333",
                        bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none"})


def morris_figure(sd: SweepDir) -> Figure:
    """Morris mu* (importance) against sigma (interaction / non-linearity) per output."""
    sens = sd.sensitivity
    assert sens is not None
    outs, params = sd.outputs, sd.parameters
    nr, nc = _grid_shape(len(outs), 2)
    fig = new_figure(6.0 * nc, 4.6 * nr + 1.0)
    for i, out in enumerate(outs):
        ax = fig.add_subplot(nr, nc, i + 1)
        part = sens[sens["output"] == out].set_index("parameter").reindex(params)
        mu = part["mu_star"].to_numpy(dtype=float)
        sig = part["sigma"].to_numpy(dtype=float)
        conf = part["mu_star_conf"].to_numpy(dtype=float)
        ok = np.isfinite(mu) & np.isfinite(sig)
        from sim.sweep.sensitivity import noise

        bad = np.array([noise(m, c) for m, c in zip(mu, conf, strict=True)]) & ok
        good = ok & ~bad
        ax.errorbar(mu[good], sig[good], xerr=np.nan_to_num(conf[good]), fmt="o",
                    color=colour(out), ecolor="#777777", elinewidth=1, capsize=3, ms=6)
        if bad.any():
            ax.errorbar(mu[bad], sig[bad], xerr=np.nan_to_num(conf[bad]), fmt="o", mfc="white",
                        color="#999999", ecolor="#bbbbbb", elinewidth=1, capsize=3, ms=6,
                        label="noise: 95% interval ≥ mu*")
        if not ok.any():
            ax.text(0.5, 0.5, "does not vary over the sweep", transform=ax.transAxes,
                    ha="center", va="center", style="italic", color="#555555")
        else:
            top = float(max(np.nanmax(mu[ok] + np.nan_to_num(conf[ok])), np.nanmax(sig[ok])))
            ax.set_xlim(0, top * 1.35 + 1e-9)
            ax.set_ylim(0, top * 1.15 + 1e-9)
            ax.plot([0, top * 1.2], [0, top * 1.2], ls=":", color="#aaaaaa", lw=1,
                    label="sigma = mu*")
            _label_points(ax, list(np.array(params)[ok]), mu[ok], sig[ok], top)
            if i == 0:
                ax.legend(loc="upper left", fontsize=8.5, frameon=False)
        ax.set_title(label(out), fontsize=10.5)
        ax.set_xlabel("mu* (mean |effect| on the share; bar: 95% interval)", fontsize=9)
        ax.set_ylabel("sigma (spread of effects)", fontsize=9)
        ax.grid(True, color="#eeeeee", linewidth=0.8)
    _titles(fig, sd, "Morris screening of outcome shares")
    return fig


def _label_points(ax: Axes, names: list[str], x: np.ndarray, y: np.ndarray, span: float) -> None:
    """Label each point with its parameter; points that (nearly) coincide share a stacked list."""
    near = 0.04 * span
    placed: list[tuple[float, float, int]] = []  # x, y, labels already there
    for k in np.lexsort((y, x)):
        stack = 0
        for j, (px, py, count) in enumerate(placed):
            if abs(px - x[k]) <= near and abs(py - y[k]) <= near:
                stack = count
                placed[j] = (px, py, count + 1)
                break
        else:
            placed.append((float(x[k]), float(y[k]), 1))
        ax.annotate(names[k], (x[k], y[k]), xytext=(6, 4 + 10 * stack),
                    textcoords="offset points", fontsize=8)
