"""Figures of a calibration: prior against posterior, and the predictive checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.calibrate.abc import Generation
from sim.calibrate.spec import Calibration


def _figure(width: float, height: float) -> Any:
    """A figure on an Agg canvas (no pyplot: nothing global, nothing to close)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


def draw_prior_posterior(cal: Calibration, post: Generation, path: Path) -> Path:
    """Marginals (prior density against the weighted posterior) on the diagonal, pairs below."""
    d = cal.prior.dim
    fig = _figure(2.3 * d + 1, 2.3 * d + 0.6)
    axes = fig.subplots(d, d, squeeze=False)
    for i, mi in enumerate(cal.prior.marginals):
        lo_i, hi_i = mi.support()
        for j, mj in enumerate(cal.prior.marginals):
            ax = axes[i][j]
            if j > i:
                ax.set_visible(False)
                continue
            if i == j:
                grid = np.linspace(lo_i, hi_i, 200)
                ax.fill_between(grid, np.exp(mi.logpdf(grid)), color="0.85", label="prior")
                ax.hist(post.theta[:, i], bins=30, range=(lo_i, hi_i), weights=post.weights,
                        density=True, histtype="step", color="C0", lw=1.6, label="posterior")
                ax.set_yticks([])
                ax.set_xlim(lo_i, hi_i)
            else:
                lo_j, hi_j = mj.support()
                ax.scatter(post.theta[:, j], post.theta[:, i], s=4, alpha=0.35, color="C0",
                           lw=0)
                ax.set_xlim(lo_j, hi_j)
                ax.set_ylim(lo_i, hi_i)
            if i == d - 1:
                ax.set_xlabel(_short(mj.path), fontsize=8)
            else:
                ax.set_xticklabels([])
            if j == 0 and i > 0:
                ax.set_ylabel(_short(mi.path), fontsize=8)
            ax.tick_params(labelsize=7)
    axes[0][0].legend(fontsize=7, loc="upper right", frameon=False)
    fig.suptitle(f"{cal.name}: prior (grey) and posterior (blue), generation {post.index}, "
                 f"tolerance {post.tolerance:.3g}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return path


def _short(key: str) -> str:
    parts = key.split(".")
    return ".".join(parts[-2:]) if len(parts) > 1 else key


def draw_predictive(table: pd.DataFrame, path: Path) -> Path:
    """Each fact's prior and posterior predictive probability against what happened.

    One panel per series; bars per recorded session and fact; a black dot at 0 or 1.
    """
    series = list(dict.fromkeys(table["series"]))
    fig = _figure(10, 2.9 * len(series) + 0.4)
    axes = fig.subplots(len(series), 1, squeeze=False)
    for ax, name in zip(axes[:, 0], series, strict=True):
        part = table[table["series"] == name].reset_index(drop=True)
        x = np.arange(len(part))
        ax.bar(x - 0.2, part["prior"], width=0.4, color="0.75", label="prior predictive")
        ax.bar(x + 0.2, part["posterior"], width=0.4, color="C0", label="posterior predictive")
        ax.scatter(x, part["observed"].astype(float), color="k", zorder=3, s=22,
                   label="what happened")
        ax.set_xticks(x)
        ax.set_xticklabels([f"{d}\n{f.replace('_', ' ')}" for d, f in
                            zip(part["date"], part["fact"], strict=True)], fontsize=6.5)
        ax.set_ylim(-0.05, 1.08)
        ax.set_ylabel("P(yes)", fontsize=8)
        held = bool(part["held_out"].iloc[0])
        ax.set_title(f"{name} ({'held out' if held else 'fitted'})", fontsize=9, loc="left")
        ax.tick_params(axis="y", labelsize=7)
        for k in range(1, len(part)):
            if part["session"][k] != part["session"][k - 1]:
                ax.axvline(k - 0.5, color="0.8", lw=0.6)
    axes[0, 0].legend(fontsize=7, ncol=3, loc="upper right", frameon=False,
                      bbox_to_anchor=(1.0, 1.22))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return path


def redraw_calibration(folder: Path | str) -> list[Path]:
    """Redraw ``prior_posterior.png`` and ``predictive.png`` of a calibration folder from its files.

    The priors come from the folder's resolved ``calibration.yaml`` (its records must still be
    where it names them: the keys' ranges come from their scenarios), the posterior from
    ``posterior.parquet``, its generation and tolerance from ``summary.json``, the predictive
    checks from ``predictive.parquet``.
    """
    import json

    from sim.calibrate.abc import Generation
    from sim.calibrate.spec import load_calibration

    folder = Path(folder)
    cal = load_calibration(folder / "calibration.yaml")
    post = pd.read_parquet(folder / "posterior.parquet")
    last = json.loads((folder / "summary.json").read_text(encoding="utf-8"))["generations"][-1]
    gen = Generation(index=int(last["generation"]),
                     tolerance=float("inf") if last["tolerance"] is None
                     else float(last["tolerance"]),
                     theta=post[[f"param.{p}" for p in cal.paths]].to_numpy(float),
                     weights=post["weight"].to_numpy(float),
                     distances=post["distance"].to_numpy(float),
                     simulations=int(last["simulations"]),
                     total_simulations=int(last["total_simulations"]))
    return [draw_prior_posterior(cal, gen, folder / "prior_posterior.png"),
            draw_predictive(pd.read_parquet(folder / "predictive.parquet"),
                            folder / "predictive.png")]
