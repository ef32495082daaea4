"""``compare.png``: outcome shares of the compared items side by side, and their differences."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from sim.plots._common import new_figure, wrap
from sim.sweep.spec import OUTPUTS

ITEM_COLOURS = ("#4d4d4d", "#2166ac", "#b2182b", "#1b7837", "#e08214", "#762a83", "#35978f")
NAMES = {"dictated_peace": "dictated\npeace", "agreement_holds": "agreement\nholds*"}


def compare_figure(table: pd.DataFrame) -> Figure:
    """Grouped bars of the items' shares above their differences from the first item.

    Shares carry Wilson 95% error bars, differences Newcombe 95% intervals.

    Args:
        table: The table of :func:`sim.sweep.compare.comparison_table`.

    Returns:
        The figure.
    """
    labels = list(dict.fromkeys(table["label"]))
    n_items = len(labels)
    fig = new_figure(max(9.0, 1.3 * len(OUTPUTS) + 0.4 * n_items * len(OUTPUTS) / 2), 8.2)
    top, bottom = fig.subplots(2, 1, height_ratios=[3, 2], sharex=True)
    x = np.arange(len(OUTPUTS))
    width = 0.8 / n_items
    for i, lab in enumerate(labels):
        part = table[table["label"] == lab].set_index("output").reindex(list(OUTPUTS))
        share = part["share"].to_numpy(dtype=float)
        lo, hi = part["lo"].to_numpy(dtype=float), part["hi"].to_numpy(dtype=float)
        pos = x - 0.4 + width * (i + 0.5)
        colour = ITEM_COLOURS[i % len(ITEM_COLOURS)]
        ok = np.isfinite(share)
        top.bar(pos, np.nan_to_num(share), width=width * 0.92, color=colour, label=wrap(lab, 60))
        top.errorbar(pos[ok], share[ok], yerr=[share[ok] - lo[ok], hi[ok] - share[ok]],
                     fmt="none", ecolor="#111111", elinewidth=1, capsize=2.5)
        if i == 0:
            continue
        d = part["diff"].to_numpy(dtype=float)
        d_lo, d_hi = part["diff_lo"].to_numpy(dtype=float), part["diff_hi"].to_numpy(dtype=float)
        ok = np.isfinite(d)
        bottom.errorbar(pos[ok], d[ok], yerr=[d[ok] - d_lo[ok], d_hi[ok] - d[ok]], fmt="o",
                        color=colour, ecolor=colour, elinewidth=1.6, capsize=3, ms=5)
    top.set_ylabel("share of runs\n(error bar: Wilson 95%)")
    top.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    top.set_ylim(0, min(1.0, float(np.nanmax(table["hi"])) * 1.12 + 0.02))
    top.grid(True, axis="y", color="#dddddd")
    top.set_axisbelow(True)
    top.legend(loc="best", fontsize=9, frameon=False)
    bottom.axhline(0, color="#555555", lw=1)
    bottom.set_ylabel(wrap(f"difference vs {labels[0]}", 30)
                      + "\n(percentage points, pp;\nNewcombe 95%)", fontsize=9)
    bottom.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{100 * v:+.0f} pp"
                                                   if round(100 * v) else "0"))
    bottom.grid(True, axis="y", color="#dddddd")
    bottom.set_axisbelow(True)
    bottom.set_xticks(x, [NAMES.get(o, o) for o in OUTPUTS])
    first = table[table["label"] == labels[0]]
    runs = int(first[first["output"] == OUTPUTS[0]]["n"].iloc[0])
    note = (f"reference: {labels[0]} ({runs:,} runs) · * share of runs that agreed a ceasefire "
            "or settlement")
    fig.suptitle(wrap("Outcome shares compared: " + " vs ".join(labels), 100) + "\n" + note,
                 fontsize=11.5, fontweight="bold", linespacing=1.4)
    return fig


def timeline_figure(items: list[tuple[str, pd.DataFrame, pd.DataFrame, dict]]) -> Figure:
    """``timeline.png`` of a comparison: one panel per outcome and the first exchange.

    One line per item: the share of its traced runs that had reached it by each session, with
    its Wilson 95% band.

    Args:
        items: (label, runs, sessions, meta) of every item with traced sessions.
    """
    from sim.plots.timeline import EXCHANGE, session_ticks, timeline_table

    tables = [(lab, timeline_table(runs, ss, meta)) for lab, runs, ss, meta in items]
    events = [e for e in dict.fromkeys(tables[0][1]["event"])
              if any(t[t["event"] == e]["count"].any() for _, t in tables)]
    cols = min(3, max(1, len(events)))
    rows = -(-len(events) // cols)
    fig = new_figure(4.6 * cols + 0.6, 3.4 * rows + 1.6)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    for ax, event in zip(axes, events, strict=False):
        for i, (lab, table) in enumerate(tables):
            part = table[table["event"] == event]
            colour = ITEM_COLOURS[i % len(ITEM_COLOURS)]
            ax.plot(part["session"], part["share"], color=colour, lw=2,
                    ls="--" if event == EXCHANGE else "-", label=wrap(lab, 40))
            ax.fill_between(part["session"], part["lo"], part["hi"], color=colour, alpha=0.12,
                            lw=0)
        session_ticks(ax, tables[0][1][tables[0][1]["event"] == event], most=6)
        ax.set_title(event, fontsize=10.5, loc="left")
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.grid(True, color="#e5e5e5")
    for ax in axes[len(events):]:
        ax.set_axis_off()
    axes[0].set_ylabel("share of traced runs that\nreached it by then (Wilson 95%)")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(4, len(labels)),
               frameon=False, fontsize=9)
    fig.suptitle(wrap("When: " + " vs ".join(lab for lab, _ in tables), 100) + "\n"
                 "each outcome by the session it was reached (stalemate only at the end)",
                 fontsize=11.5, fontweight="bold", linespacing=1.4)
    return fig
