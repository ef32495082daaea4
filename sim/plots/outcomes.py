"""``outcomes.png``: the share of each outcome with its Wilson 95% interval, plus the flags."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.plots._common import OUTCOME_COLOURS, OUTCOME_MEANINGS, new_figure, save, set_titles
from sim.results.meta import actor_name, outcome_order
from sim.results.store import RunDir

FILENAME = "outcomes.png"


def _bars(ax: Axes, labels: list[str], entries: list[dict], colours: list[str]) -> None:
    """Horizontal percentage bars with Wilson error bars and "share% (count)" labels."""
    y = np.arange(len(entries))
    shares = np.array([100 * (e["share"] or 0.0) for e in entries])
    lo = np.array([100 * e["ci95"][0] for e in entries])
    hi = np.array([100 * e["ci95"][1] for e in entries])
    known = np.array([e["share"] is not None for e in entries])
    ax.barh(y, shares, color=colours, edgecolor="white", height=0.7)
    err = np.vstack([np.where(known, shares - lo, 0), np.where(known, hi - shares, 0)])
    ax.errorbar(
        shares[known],
        y[known],
        xerr=err[:, known],
        fmt="none",
        ecolor="#333333",
        elinewidth=1.2,
        capsize=4,
    )
    for yi, entry, share, top in zip(y, entries, shares, hi, strict=True):
        if entry["share"] is None:
            ax.text(
                1,
                float(yi),
                "no eligible runs",
                va="center",
                ha="left",
                fontsize=9,
                color="#555555",
                style="italic",
            )
            continue
        # Right of the upper whisker, even past 100%: the layout makes room for it.
        ax.text(
            top + 1.2,
            float(yi),
            f"{share:.1f}% ({entry['count']:,})",
            va="center",
            ha="left",
            fontsize=9.5,
            clip_on=False,
        )
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xticks(np.arange(0, 101, 10))
    ax.grid(axis="x", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def make_figure(rd: RunDir) -> Figure:
    """Draw the outcome shares and the two flags of a result folder.

    Args:
        rd: The result folder (only its saved summary is used).

    Returns:
        The figure.
    """
    order = outcome_order(rd.meta)
    summary = rd.summary
    n = int(summary["runs"])
    horizon = rd.meta.get("durability_days")
    days = f"{horizon:g} days" if horizon is not None else "(durability horizon)"
    fig = new_figure(9.5, 6.4)
    top, bottom = fig.subplots(2, 1, height_ratios=[5, 2.2])

    entries = [summary["outcomes"][name] for name in order]
    labels = [f"{name}\n{OUTCOME_MEANINGS[name]}" for name in order]
    _bars(top, labels, entries, [OUTCOME_COLOURS[name] for name in order])
    top.set_xlabel("share of runs (%), bars = Wilson 95% interval")
    top.set_title("Outcome of each replication (shares sum to 100%)", loc="left", fontsize=10.5)

    flags = summary["flags"]
    holds = flags["agreement_holds"]
    imposed = ", ".join(f"{actor_name(rd.meta, side)} {e['count']:,}"
                        for side, e in (summary.get("imposed_on") or {}).items())
    flag_labels = [
        f"dictated peace\nof all {n:,} runs" + (f"\nimposed on: {imposed}" if imposed else ""),
        f"agreement holds {days}\nof {holds['of']:,} runs with a\nceasefire or settlement",
    ]
    _bars(bottom, flag_labels, [flags["dictated_peace"], holds], ["#8073ac", "#35978f"])
    bottom.set_xlabel("share of runs (%), bars = Wilson 95% interval")
    bottom.set_title("Flags", loc="left", fontsize=10.5)
    for ax in (top, bottom):
        ax.tick_params(axis="y", labelsize=9.5)

    set_titles(fig, rd, "Outcomes")
    return fig


def draw(rd: RunDir, out_dir: Path) -> Path:
    """Draw ``outcomes.png`` into ``out_dir``.

    Args:
        rd: The result folder.
        out_dir: The plots folder.

    Returns:
        The written file.
    """
    return save(make_figure(rd), Path(out_dir) / FILENAME)
