"""``rounds.png``: when the replications ended (by outcome) and when each issue was agreed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from sim.plots._common import OUTCOME_COLOURS, new_figure, save, set_titles, wrap
from sim.results.meta import exchanged_issues, issue_ids, issue_label, outcome_order
from sim.results.store import RunDir

FILENAME = "rounds.png"


def make_figure(rd: RunDir) -> Figure:
    """Draw the histogram of the round at which each replication ended, by outcome.

    Args:
        rd: The result folder (its runs table and summary are used).

    Returns:
        The figure.
    """
    order = outcome_order(rd.meta)
    runs = rd.runs
    rounds = runs["rounds"].to_numpy(dtype=int)
    outcome = runs["outcome"].astype(object).to_numpy()
    last = max(int(rd.meta.get("max_rounds") or 0), int(rounds.max()) if rounds.size else 1)
    first = min(1, int(rounds.min())) if rounds.size else 1
    x = np.arange(first, last + 1)

    agreed = agreement_rounds(rd)
    if agreed is None:
        fig = new_figure(11.5, 5.6)
        ax = fig.subplots()
    else:
        fig = new_figure(11.5, 5.6 + 0.42 * len(agreed.index) + 1.2)
        ax, ax2 = fig.subplots(2, 1, height_ratios=[5.0, 0.42 * len(agreed.index) + 1.0])
    together = bool(rounds.size) and int(rounds.min()) == int(rounds.max())
    firsts = first_agreements(rd) if together else None
    if firsts is not None:
        _first_agreement_panel(ax, rd, firsts, order, first, last, int(rounds.max()))
        if agreed is not None:
            _agreement_panel(ax2, rd, agreed, first, last)
        set_titles(fig, rd, "When issues were agreed")
        return fig
    bottom = np.zeros(x.size)
    by_outcome = rd.summary.get("rounds", {}).get("by_outcome", {})
    for name in order:
        counts = np.bincount(rounds[outcome == name] - first, minlength=x.size)[: x.size]
        total = int(counts.sum())
        mean = by_outcome.get(name)
        label = f"{name}: {total:,} run{'' if total == 1 else 's'}"
        label += f", mean session {mean:.1f}" if mean is not None else ""
        ax.bar(
            x,
            counts,
            bottom=bottom,
            width=0.85,
            color=OUTCOME_COLOURS[name],
            edgecolor="white",
            linewidth=0.5,
            label=label,
        )
        bottom += counts

    stats = rd.summary.get("rounds", {})
    if stats.get("p50") is not None:
        ax.axvline(stats["p50"], color="#333333", linestyle="--", linewidth=1)
        ax.annotate(
            f"median {stats['p50']:g}\n(p10 {stats['p10']:g}, p90 {stats['p90']:g})",
            xy=(stats["p50"], 1),
            xycoords=("data", "axes fraction"),
            xytext=(-4, -4),
            textcoords="offset points",
            ha="right",
            va="top",
            fontsize=9,
        )
    ax.set_xlim(first - 0.6, last + 0.6)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=3, nbins=min(25, x.size)))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("session at which the replication ended")
    ax.set_ylabel("number of runs")
    ax.grid(axis="y", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(
        title="outcome",
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        fontsize=9,
        title_fontsize=9,
        frameon=False,
    )
    # Explicit headroom for the median label (stacked zero-height bars pin autoscaling).
    ax.set_ylim(0, max(1.0, float(bottom.max())) * 1.15)
    if agreed is not None:
        _agreement_panel(ax2, rd, agreed, first, last)
    set_titles(fig, rd, "When the talks ended and when issues were agreed")
    return fig


def first_agreements(rd: RunDir) -> pd.DataFrame | None:
    """Per traced run: its outcome and the session of its first main-track agreement (0: none).

    Read from ``sessions.parquet`` (``settled`` counts the main-track issues settled so far);
    None for a folder without it.
    """
    ss = rd.sessions
    if ss.empty or "settled" not in ss or "session" not in ss:
        return None
    agreed = ss[ss["settled"].to_numpy(dtype=float) > 0]
    when = agreed.groupby("run")["session"].min()
    runs = rd.runs.set_index("run")
    traced = pd.Index(pd.unique(ss["run"]))
    out = pd.DataFrame({"outcome": runs.loc[traced, "outcome"].astype(str).to_numpy(),
                        "first": when.reindex(traced).fillna(0).astype(int).to_numpy()},
                       index=traced)
    return out


def _first_agreement_panel(ax: Axes, rd: RunDir, firsts: pd.DataFrame, order: list[str],
                           first: int, last: int, ended: int) -> None:
    """Every run lasted the window: show when its first main-track piece was agreed instead."""
    x = np.arange(first, last + 1)
    slots = np.append(x, last + 1.5)  # the last slot: no main-track agreement at all
    bottom = np.zeros(slots.size)
    for name in order:
        mine = firsts[firsts["outcome"] == name]["first"].to_numpy(dtype=int)
        counts = np.array([int(np.sum(mine == s)) for s in x] + [int(np.sum(mine == 0))])
        ax.bar(slots, counts, bottom=bottom, width=0.85, color=OUTCOME_COLOURS[name],
               edgecolor="white", linewidth=0.5, label=f"{name}: {len(mine):,} traced runs")
        bottom += counts
    ax.set_xticks([*x[:: max(1, x.size // 12)], last + 1.5],
                  [*[str(v) for v in x[:: max(1, x.size // 12)]], "none"])
    ax.set_xlim(first - 0.6, last + 2.1)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, max(1.0, float(bottom.max())) * 1.12)
    ax.set_xlabel("session of the run's first main-track agreement (none: not one)")
    ax.set_ylabel("number of traced runs")
    ax.grid(axis="y", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title(f"Every run went on to session {ended} (the talks never ended early), so this "
                 "shows when each run first agreed a main-track piece", loc="left", fontsize=10)
    ax.legend(title="outcome", loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9,
              title_fontsize=9, frameon=False)


def agreement_rounds(rd: RunDir) -> pd.DataFrame | None:
    """Share of traced runs that agreed each issue in each round (issues x rounds), or None.

    Read from ``rounds.parquet``: an issue is agreed in the first round whose ``settled`` flag
    is true for it. The issue of the humanitarian track (``exchanged`` in meta) is never
    settled; its row is the share of traced runs with an exchange in each round instead.
    """
    rounds = rd.rounds
    if not len(rounds) or "settled" not in rounds:
        return None
    rows = rounds[rounds["settled"].astype(bool)]
    traced = int(rounds["run"].nunique())
    first = rows.groupby(["run", "issue"], sort=False)["round"].min().reset_index()
    table = first.groupby(["issue", "round"]).size().unstack(fill_value=0) / traced
    for issue in exchanged_issues(rd.meta):
        if "exchange" not in rounds:
            break
        once = rounds[(rounds["issue"] == issue) & (rounds["actor"] == "_text")]
        per_round = once[once["exchange"].astype(bool)].groupby("round").size() / traced
        table = table.drop(index=issue, errors="ignore")
        table = pd.concat([table, per_round.rename(issue).to_frame().T]).fillna(0.0)
    order = [i for i in issue_ids(rd.meta) if i in table.index] or list(table.index)
    return table.reindex(issue_ids(rd.meta) or order, fill_value=0.0)


def _agreement_panel(ax: Axes, rd: RunDir, agreed: pd.DataFrame, first: int, last: int) -> None:
    cols = np.arange(first, last + 1)
    grid = agreed.reindex(columns=cols, fill_value=0.0).to_numpy(float)
    ax.imshow(100 * grid, aspect="auto", cmap="Greens", vmin=0,
                      vmax=max(1.0, 100 * float(grid.max())),
                      extent=(first - 0.5, last + 0.5, len(grid) - 0.5, -0.5))
    for r, c in zip(*np.nonzero(grid > 0), strict=True):
        value = 100 * grid[r, c]
        ax.text(cols[c], r, f"{value:.0f}" if value >= 1 else "<1", ha="center", va="center",
                fontsize=7.5, color="white" if value > 60 * grid.max() else "#222222")
    exchanged = exchanged_issues(rd.meta)
    ax.set_yticks(range(len(agreed.index)),
                  [wrap(issue_label(rd.meta, i), 30, 2) + ("\n(an exchange)" if i in exchanged
                                                          else "")
                   for i in agreed.index], fontsize=8.5)
    ax.set_xlim(first - 0.6, last + 0.6)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=3, nbins=min(25, cols.size)))
    ax.set_xlabel("session in which the issue was agreed")
    traced = int(rd.rounds["run"].nunique())
    what = "agreed it (or, for the humanitarian track, exchanged)" if exchanged else "agreed it"
    ax.set_title(wrap(f"When each issue was agreed: % of the {traced:,} traced runs that {what} "
                      "in that session (darker = more; blank = none)", 125), loc="left",
                 fontsize=10)


def draw(rd: RunDir, out_dir: Path) -> Path:
    """Draw ``rounds.png`` into ``out_dir``.

    Args:
        rd: The result folder.
        out_dir: The plots folder.

    Returns:
        The written file.
    """
    return save(make_figure(rd), Path(out_dir) / FILENAME)
