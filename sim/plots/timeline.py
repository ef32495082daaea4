"""``timeline.png``: the cumulative chance of each outcome, and of the first exchange, by session.

"How likely is a ceasefire by July?" For every traced run (``sessions.parquet``) the session in
which its outcome was reached:

* ``comprehensive`` — the first session with every main-track issue settled;
* ``ceasefire`` — the session that settled the ceasefire issue;
* ``partial`` — the session of the first main-track agreement;
* ``humanitarian_only`` — the session of the first exchange (or of the first separate-track
  settlement, without a humanitarian block);
* ``collapse`` — the session of the walkout;
* ``stalemate`` is reached only when the window ends, and has no curve.

The curve of an outcome at session t is the share of traced runs that end in that outcome *and*
had reached it by t, with its Wilson 95% interval; at the last session it is the outcome's share
among the traced runs. ``first exchange`` is the share of traced runs with at least one
humanitarian exchange by session t, whatever their outcome. With a calendar the sessions are
labelled with their dates as well.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from sim.plots._common import OUTCOME_COLOURS, new_figure, save, set_titles
from sim.results.meta import outcome_order
from sim.results.stats import wilson_intervals
from sim.results.store import RunDir

FILENAME = "timeline.png"
EXCHANGE = "first exchange"
EXCHANGE_COLOUR = "#35978f"
COLUMNS = ("event", "session", "date", "count", "n", "share", "lo", "hi")


def applies(rd: RunDir) -> bool:
    """Whether the folder has the sessions table the timeline is read from."""
    return not rd.sessions.empty and {"run", "session", "settled"} <= set(rd.sessions.columns)


def reached(runs: pd.DataFrame, sessions: pd.DataFrame, meta: dict) -> pd.DataFrame:
    """Per traced run: its outcome and the session in which it was reached (NaN: never)."""
    issues = meta.get("issues") or {}
    main = [i for i, v in issues.items() if (v or {}).get("track", "main") == "main"]
    deciding = next((i for i, v in issues.items() if (v or {}).get("decides_ceasefire")), None)
    separate = {i for i, v in issues.items() if (v or {}).get("track") == "separate"}
    ss = sessions[sessions["session"] > 0]
    newly = ss.get("newly_settled", pd.Series("", index=ss.index)).fillna("").astype(str)
    parts = newly.str.split(",")

    def first(mask: pd.Series) -> pd.Series:
        return ss.loc[mask.to_numpy(dtype=bool), ["run", "session"]].groupby("run")[
            "session"].min()

    settled = ss["settled"].to_numpy(dtype=float)
    when = {
        "comprehensive": first(pd.Series(settled >= max(len(main), 1), index=ss.index)),
        "ceasefire": first(parts.map(lambda p: deciding in p)),
        "partial": first(pd.Series(settled > 0, index=ss.index)),
        "collapse": first(ss.get("walkout", pd.Series("", index=ss.index)).fillna("")
                          .astype(str) != ""),
        EXCHANGE: first(ss["exchange"].astype(bool)) if "exchange" in ss
        else pd.Series(dtype=float),
    }
    sep_settled = first(parts.map(lambda p: bool(separate.intersection(p))))
    hum = when[EXCHANGE].combine(sep_settled, min) if len(when[EXCHANGE]) else sep_settled
    when["humanitarian_only"] = hum
    traced = pd.Index(pd.unique(sessions["run"]))
    outcome = runs.set_index("run")["outcome"].astype(str).reindex(traced)
    out = pd.DataFrame({"outcome": outcome.to_numpy()}, index=traced)
    out["session"] = np.nan
    for name, series in when.items():
        if name == EXCHANGE:
            continue
        mine = out["outcome"] == name
        out.loc[mine, "session"] = series.reindex(out.index[mine]).to_numpy(dtype=float)
    out[EXCHANGE] = when[EXCHANGE].reindex(traced).to_numpy(dtype=float)
    return out


def timeline_table(runs: pd.DataFrame, sessions: pd.DataFrame, meta: dict) -> pd.DataFrame:
    """Long table: per event (outcome, or first exchange) and session, the cumulative share.

    Columns :data:`COLUMNS`; ``n`` is the number of traced runs.
    """
    if sessions.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    r = reached(runs, sessions, meta)
    last = int(sessions["session"].max())
    steps = np.arange(1, last + 1)
    dates = {}
    if "date" in sessions:
        dates = sessions.drop_duplicates("session").set_index("session")["date"].to_dict()
    n = len(r)
    rows = []
    events = [o for o in outcome_order(meta) if o != "stalemate"] + [EXCHANGE]
    for event in events:
        at = r[EXCHANGE] if event == EXCHANGE else r["session"].where(r["outcome"] == event)
        values = at.to_numpy(dtype=float)
        counts = np.array([int(np.sum(values <= t)) for t in steps])
        lo, hi = wilson_intervals(counts, n)
        for t, k, a, b in zip(steps, counts, lo, hi, strict=True):
            rows.append((event, int(t), str(dates.get(int(t), "")), int(k), n, k / n if n else
                         np.nan, float(a), float(b)))
    return pd.DataFrame(rows, columns=list(COLUMNS))


def event_colour(event: str) -> str:
    """The colour of an outcome, or of the first exchange."""
    return EXCHANGE_COLOUR if event == EXCHANGE else OUTCOME_COLOURS.get(event, "#333333")


def session_ticks(ax: Axes, table: pd.DataFrame, most: int = 12) -> None:
    """Sessions on the x axis (at most ``most`` ticks), with their dates given a calendar."""
    steps = sorted(table["session"].unique())
    every = max(1, -(-len(steps) // most))
    shown = steps[::every]
    dates = table.drop_duplicates("session").set_index("session")["date"]
    labels, year = [], None
    for t in shown:
        text = str(dates.get(t, "") or "")
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            labels.append(str(t))
            continue
        label = f"{t}\n{day.day} {day:%b}" + (f"\n{day.year}" if day.year != year else "")
        year = day.year
        labels.append(label)
    ax.set_xticks(shown, labels, fontsize=8)
    ax.set_xlim(0.5, max(steps) + 0.5)


def make_figure(rd: RunDir) -> Figure:
    """The cumulative share of each outcome, and of the first exchange, by session."""
    fig = new_figure(11.5, 6.2)
    ax = fig.subplots()
    if not applies(rd):  # a folder written before sessions.parquet existed, or untraced
        ax.set_axis_off()
        ax.text(0.5, 0.5, "no sessions were traced (sessions.parquet is empty), so the timeline "
                "cannot be drawn", ha="center", va="center", fontsize=12, transform=ax.transAxes)
        set_titles(fig, rd, "When")
        return fig
    table = timeline_table(rd.runs, rd.sessions, rd.meta)
    n = int(table["n"].iloc[0]) if len(table) else 0
    for event, part in table.groupby("event", sort=False):
        if not part["count"].any():
            continue
        x = part["session"].to_numpy()
        c = event_colour(str(event))
        style = "--" if event == EXCHANGE else "-"
        final = float(part["share"].iloc[-1])
        ax.plot(x, part["share"], style, color=c, lw=2, marker="o", ms=3,
                label=f"{event} (by the last session: {100 * final:.1f}%)")
        ax.fill_between(x, part["lo"], part["hi"], color=c, alpha=0.15, lw=0)
    if len(table):
        session_ticks(ax, table)
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.grid(True, color="#e5e5e5")
    ax.set_xlabel("session (and its date, with a calendar)")
    ax.set_ylabel("share of traced runs that reached it by then\n(band: Wilson 95%)")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9, frameon=False,
                  title="outcome reached (solid) · exchange (dashed)\n(stalemate: only at the end)",
                  title_fontsize=9)
    else:  # e.g. a forecast whose runs all end as a stalemate: nothing to draw a line for
        ax.text(0.5, 0.5, "no traced run reached an outcome or an exchange", ha="center",
                va="center", transform=ax.transAxes, color="0.4")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    set_titles(fig, rd, "When", note=f"{n:,} traced runs")
    return fig


def draw(rd: RunDir, out_dir: Path) -> Path:
    """Draw ``timeline.png`` into ``out_dir``."""
    return save(make_figure(rd), Path(out_dir) / FILENAME)
