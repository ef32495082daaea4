"""``trajectories.png``: fan charts of the parties' stated positions over the rounds."""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from sim.plots._common import PARTY_COLOURS, TEXT_COLOUR, new_figure, save, set_titles, wrap
from sim.results.meta import actor_ids, actor_name, anchors, issue_ids, issue_label
from sim.results.store import RunDir

FILENAME = "trajectories.png"
TEXT_ACTOR = "_text"
QUANTILES = (0.10, 0.25, 0.50, 0.75, 0.90)


def carried_forward(long: pd.DataFrame, value: str, last_round: int) -> pd.DataFrame:
    """Wide table run x round of ``value``, each run's last value carried to ``last_round``.

    Args:
        long: Rows with ``run``, ``round`` and ``value`` columns (one row per run and round).
        value: Column to spread.
        last_round: Last round of the table.

    Returns:
        A DataFrame indexed by run with columns ``0 .. last_round``.
    """
    wide = long.groupby(["run", "round"], sort=True)[value].last().unstack("round")
    wide = wide.reindex(columns=range(last_round + 1))
    return wide.ffill(axis=1)


def fan(wide: pd.DataFrame) -> pd.DataFrame:
    """Quantiles (rows 0.1, 0.25, 0.5, 0.75, 0.9) per round (columns) of a wide table.

    Args:
        wide: Run x round values.

    Returns:
        The quantile table.
    """
    return wide.quantile(list(QUANTILES), axis=0)


def _draw_fan(ax: Axes, q: pd.DataFrame, colour: str) -> None:
    x = q.columns.to_numpy(dtype=float)
    ax.fill_between(x, q.loc[0.10], q.loc[0.90], color=colour, alpha=0.15, linewidth=0)
    ax.fill_between(x, q.loc[0.25], q.loc[0.75], color=colour, alpha=0.30, linewidth=0)
    ax.plot(x, q.loc[0.50], color=colour, linewidth=2)


def _issue_panel(ax: Axes, rd: RunDir, issue: str, parties: list[str], last: int) -> None:
    rows = rd.rounds[rd.rounds["issue"] == issue]
    for colour, party in zip(PARTY_COLOURS, parties, strict=False):
        mine = rows[rows["actor"] == party]
        if len(mine):
            _draw_fan(ax, fan(carried_forward(mine, "position", last)), colour)
    text = rows[rows["actor"] == TEXT_ACTOR]
    if len(text):
        q = fan(carried_forward(text, "position", last))
        ax.plot(q.columns, q.loc[0.50], color=TEXT_COLOUR, linestyle="--", linewidth=1.6)
    ax.set_ylim(-2, 102)
    ax.set_yticks(np.arange(0, 101, 25))
    ends = dict(anchors(rd.meta, issue))
    low, high = ends.get(0.0), ends.get(100.0)
    if low or high:
        # Name the axis ends on the right: which stance 0 and 100 stand for.
        ax.yaxis.remove_overlapping_locs = False
        ax.set_yticks([0, 100], [wrap(low or "", 22), wrap(high or "", 22)], minor=True)
        ax.tick_params(
            axis="y",
            which="minor",
            left=False,
            right=False,
            labelleft=False,
            labelright=True,
            labelsize=7,
            labelcolor="#555555",
        )
    ax.set_title(issue_label(rd.meta, issue), loc="left", fontsize=10.5, fontweight="bold")
    ax.set_ylabel("stated position (0–100)")


def _beliefs_panel(ax: Axes, rd: RunDir, last: int) -> None:
    """Each side's belief about the edge of the front, session by session (fans over runs).

    Mutual optimism shows as two fans starting apart; learning from the fighting narrows the
    gap between them (``docs/ODD.md`` §7.2). Without a sessions table, the front itself.
    """
    sides = list(rd.meta.get("battlefield_sides") or [])
    ss = rd.sessions
    cols = [f"belief.{side}" for side in sides]
    favours = f"> 0 favours {actor_name(rd.meta, sides[0])}" if sides else "> 0 favours side 1"
    if sides and not ss.empty and all(c in ss.columns for c in cols):
        long = ss.rename(columns={"session": "round"})
        for colour, side, col in zip(PARTY_COLOURS, sides, cols, strict=False):
            _draw_fan(ax, fan(carried_forward(long, col, last)), colour)
            ax.plot([], [], color=colour, linewidth=2, label=actor_name(rd.meta, side))
        ax.legend(loc="upper right", fontsize=8, frameon=False)
        ax.set_title("What each side believes about the front", loc="left", fontsize=10.5,
                     fontweight="bold")
        ax.set_ylabel(f"believed edge per session ({favours})")
    else:
        per_round = rd.rounds.groupby(["run", "round"], sort=True)["front"].first().reset_index()
        _draw_fan(ax, fan(carried_forward(per_round, "front", last)), "#7f7f7f")
        ax.set_title("The front", loc="left", fontsize=10.5, fontweight="bold")
        ax.set_ylabel(f"cumulative movement ({favours})")
    ax.axhline(0, color="#333333", linewidth=0.8)


EVENT_COLOUR = "#9c2a6b"


def text_label(meta: dict) -> str:
    """What the ``_text`` rows are: the mediator's text, or the expected-utility forecast."""
    if meta.get("protocol") == "expected_utility":
        return "forecast (median over runs)"
    return "mediator's text (median)"


def fired_markers(runs: pd.DataFrame) -> list[tuple[str, int, float]]:
    """(name, modal round, share of runs) for every event or pressure that fired anywhere."""
    out = []
    for col in runs.columns:
        if not col.startswith("fired."):
            continue
        rounds = runs[col].dropna()
        if len(rounds):
            out.append((col[len("fired.") :], int(rounds.mode().iloc[0]), len(rounds) / len(runs)))
    return out


def _mark_events(
    axes: Iterable[Axes], markers: list[tuple[str, int, float]], label_ax: Axes
) -> None:
    """A dotted line at the modal round of each fired event, labelled on one panel."""
    for k, (name, rnd, share) in enumerate(markers):
        for ax in axes:
            ax.axvline(rnd, color=EVENT_COLOUR, linestyle=":", linewidth=1.1, zorder=0)
        label_ax.annotate(
            f"{name} ({share:.0%} of runs)", xy=(rnd, 1.0), xycoords=("data", "axes fraction"),
            xytext=(3, -10 - 11 * k), textcoords="offset points", fontsize=7.5,
            color=EVENT_COLOUR, va="top",
        )


def make_figure(rd: RunDir) -> Figure:
    """Draw one fan chart per main issue (and the sides' beliefs about the front) over sessions.

    Each party has its median (line) with 25-75% (dark) and 10-90% (light) bands over the traced
    runs; the mediator's text median is dashed. A run that ended before a round keeps its last
    value from then on, so every round summarises the same runs.

    Args:
        rd: The result folder (its rounds table and meta are used).

    Returns:
        The figure.
    """
    rounds = rd.rounds
    traced = int(rounds["run"].nunique()) if len(rounds) else 0
    total = int(rd.summary.get("runs", len(rd.runs)))
    if traced == 0:
        fig = new_figure(12, 3)
        ax = fig.subplots()
        ax.set_axis_off()
        ax.text(
            0.5,
            0.5,
            "no trajectories were recorded (trace_runs = 0)",
            ha="center",
            va="center",
            fontsize=12,
            transform=ax.transAxes,
        )
        set_titles(fig, rd, "Positions over the sessions")
        return fig

    issues = issue_ids(rd.meta)
    main = [i for i in issues if (rd.meta["issues"][i] or {}).get("track", "main") == "main"]
    main = main or issues
    parties = actor_ids(rd.meta, "party") or [
        a for a in pd.unique(rounds["actor"]) if a != TEXT_ACTOR
    ]
    has_front = bool(rounds["front"].notna().any())
    panels = len(main) + int(has_front)
    ncols = 1 if panels == 1 else 2
    nrows = math.ceil(panels / ncols)
    fig = new_figure(13, 1.6 + 3.3 * nrows)
    if panels % ncols:  # an odd count: the last panel (the beliefs) spans the last row
        grid = fig.add_gridspec(nrows, ncols)
        axes = np.array([fig.add_subplot(grid[k // ncols, k % ncols]) for k in range(panels - 1)]
                        + [fig.add_subplot(grid[nrows - 1, :])])
    else:
        axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()

    last = int(rounds["round"].max())
    for ax, issue in zip(axes, main, strict=False):
        _issue_panel(ax, rd, issue, parties, last)
    if has_front:
        _beliefs_panel(axes[len(main)], rd, last)
    for ax in axes[panels:]:
        ax.set_axis_off()
    markers = fired_markers(rd.runs)
    if markers:
        _mark_events(axes[:panels], markers, axes[panels - 1])
    for ax in axes[:panels]:
        ax.set_xlim(0, max(last, 1))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("session (0 = opening positions)")
        ax.grid(color="#e5e5e5", linewidth=0.8)
        ax.spines["top"].set_visible(False)

    handles: list[Artist] = [
        Line2D([], [], color=c, linewidth=2, label=actor_name(rd.meta, p))
        for c, p in zip(PARTY_COLOURS, parties, strict=False)
    ]
    if (rounds["actor"] == TEXT_ACTOR).any():
        handles.append(
            Line2D([], [], color=TEXT_COLOUR, linestyle="--", label=text_label(rd.meta))
        )
    if markers:
        handles.append(Line2D([], [], color=EVENT_COLOUR, linestyle=":",
                              label="event or pressure fired (modal session)"))
    handles += [
        Patch(color="#888888", alpha=0.45, label="25–75% of runs"),
        Patch(color="#888888", alpha=0.18, label="10–90% of runs"),
    ]
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncols=min(len(handles), 6),
        frameon=False,
        fontsize=9.5,
    )
    sample = "all runs traced" if traced == total else f"fans over {traced:,} sampled runs"
    note = f"{sample}; ended runs keep their last value"
    set_titles(fig, rd, "Positions", note=note)
    return fig


def draw(rd: RunDir, out_dir: Path) -> Path:
    """Draw ``trajectories.png`` into ``out_dir``.

    Args:
        rd: The result folder.
        out_dir: The plots folder.

    Returns:
        The written file.
    """
    return save(make_figure(rd), Path(out_dir) / FILENAME)
