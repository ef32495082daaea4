"""``terms.png``: where settled terms land on each issue's 0-100 axis, with its anchors."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from sim.plots._common import new_figure, save, set_titles, wrap
from sim.results.meta import anchors, exchanged_issues, issue_ids, issue_label
from sim.results.store import RunDir

FILENAME = "terms.png"
BIN_WIDTH = 2.5
_WIDTH_IN = 11.0
_CHARS_PER_UNIT = 1.6  # characters of 7.5 pt text per unit of the 0-100 axis at this width
_MAX_LINES = 5
_STAGGER_AT = 3  # stagger the anchor labels on two levels when one would need more lines
_PAD = 1.5  # axis units kept free between two labels


Align = Literal["left", "center", "right"]


def _align(x: float) -> Align:
    return "left" if x <= 5 else "right" if x >= 95 else "center"


def _extent(x: float, label: str) -> tuple[float, float]:
    """Left and right ends of a tick label on the axis, in axis units."""
    w = max(len(line) for line in label.split("\n")) / _CHARS_PER_UNIT
    return {"left": (x, x + w), "right": (x - w, x)}.get(_align(x), (x - w / 2, x + w / 2))


def _wrap_level(points: list[tuple[float, str]]) -> list[str]:
    """Wrap the labels of one row of anchors so that neighbours do not overlap.

    A first guess gives each label a share of the gaps to its neighbours; then, left to right,
    each label takes whatever room its neighbours' actual text leaves it.
    """
    xs = [x for x, _ in points]

    def chars(i: int, lo: float, hi: float) -> int:
        x = xs[i]
        room = {"left": hi - x, "right": x - lo}.get(_align(x), 2 * min(x - lo, hi - x))
        return int(max(6, min(40, room * _CHARS_PER_UNIT)))

    def label(i: int, width: int) -> str:
        return f"{xs[i]:g}\n" + wrap(points[i][1], width, _MAX_LINES, break_words=False)

    guess = []
    for i, x in enumerate(xs):
        lo = (xs[i - 1] + x) / 2 if i else -100.0
        hi = (xs[i + 1] + x) / 2 if i + 1 < len(xs) else 200.0
        guess.append(label(i, chars(i, lo, hi)))
    final: list[str] = []
    for i in range(len(xs)):
        lo = _extent(xs[i - 1], final[i - 1])[1] + _PAD if i else -100.0
        hi = _extent(xs[i + 1], guess[i + 1])[0] - _PAD if i + 1 < len(xs) else 200.0
        final.append(label(i, chars(i, lo, hi)))
    return final


def _anchor_labels(points: list[tuple[float, str]]) -> list[tuple[float, str, Align]]:
    """``(position, label, alignment)`` for each anchor, wrapped to fit its free space.

    Dense anchors whose text would need many lines are staggered on two levels, so that each
    label only has to share the axis with every second neighbour.
    """
    labels = _wrap_level(points)
    if max((lab.count("\n") for lab in labels), default=0) > _STAGGER_AT:
        upper = _wrap_level(points[::2])
        lower = _wrap_level(points[1::2])
        drop = "\n" * (max(lab.count("\n") + 1 for lab in upper) + 1)
        labels = [upper[i // 2] if i % 2 == 0 else drop + lower[i // 2] for i in range(len(points))]
    return [(x, lab, _align(x)) for (x, _), lab in zip(points, labels, strict=True)]


def _panel(ax: Axes, rd: RunDir, issue: str) -> None:
    values = rd.runs[f"terms.{issue}"].to_numpy(dtype=float)
    settled = values[~np.isnan(values)]
    n = len(values)
    info = (rd.meta.get("issues") or {}).get(issue) or {}
    bins = np.arange(0, 100 + BIN_WIDTH, BIN_WIDTH)
    if settled.size:
        ax.hist(
            settled,
            bins=bins,  # type: ignore[arg-type]  # an array: matplotlib's stub lists only sequences
            color="#4393c3",
            edgecolor="white",
            linewidth=0.4,
        )
        median = float(np.median(settled))
        ax.axvline(median, color="#08306b", linewidth=1.3)
        ax.annotate(
            f"median {median:.0f}",
            xy=(median, 1),
            xycoords=("data", "axes fraction"),
            xytext=(3, -3),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=8.5,
            color="#08306b",
        )
        ax.margins(y=0.25)
    else:
        ax.set_ylim(0, 1)
        ax.set_yticks([])
        ax.set_facecolor("#f3f3f3")
        ax.text(
            50,
            0.5,
            f"never {'exchanged' if issue in exchanged_issues(rd.meta) else 'settled'} in "
            f"{n:,} runs",
            ha="center",
            va="center",
            fontsize=11,
            color="#555555",
            style="italic",
        )
    if info.get("decides_ceasefire") and info.get("ceasefire_threshold") is not None:
        threshold = float(info["ceasefire_threshold"])
        ax.axvline(threshold, color="#b2182b", linestyle=":", linewidth=1.3)
        ax.annotate(
            f"ceasefire\nif ≤ {threshold:g}",
            xy=(threshold, 0.45),
            xycoords=("data", "axes fraction"),
            xytext=(4, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=8.5,
            color="#b2182b",
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1},
        )

    points = anchors(rd.meta, issue)
    if points:
        labelled = _anchor_labels(points)
        ax.set_xticks([x for x, _, _ in labelled], [t for _, t, _ in labelled], fontsize=7.5)
        for tick, (_, _, align) in zip(ax.get_xticklabels(), labelled, strict=True):
            tick.set_horizontalalignment(align)
        ax.set_xticks(np.arange(0, 101, 10), minor=True)
        ax.grid(axis="x", which="major", color="#cccccc", linewidth=0.8)
    else:
        ax.set_xticks(np.arange(0, 101, 10))
        ax.grid(axis="x", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.set_xlim(0, 100)
    if settled.size:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
    ax.set_ylabel("runs")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    track = info.get("track")
    name = issue_label(rd.meta, issue)
    exchanged = issue in exchanged_issues(rd.meta)
    kind = "exchanged" if exchanged else (f"{track} track" if track else "")
    ax.set_title(
        f"{name}  ({issue}{', ' + kind if kind else ''})",
        loc="left",
        fontsize=10.5,
        fontweight="bold",
    )
    share = f" ({100 * settled.size / n:.1f}%)" if n else ""
    what = "last exchange ·" if exchanged else "settled in"
    ax.set_title(f"{what} {settled.size:,} of {n:,} runs{share}", loc="right", fontsize=9.5)


def make_figure(rd: RunDir) -> Figure:
    """Draw one row per issue: the distribution of its settled terms on the 0-100 axis.

    Args:
        rd: The result folder (its runs table and meta are used).

    Returns:
        The figure.
    """
    issues = issue_ids(rd.meta)
    lines = 1 + max(
        (t.count("\n") for i in issues for _, t, _ in _anchor_labels(anchors(rd.meta, i))),
        default=0,
    )
    row_height = 1.35 + 0.13 * lines
    fig = new_figure(_WIDTH_IN, 1.0 + row_height * len(issues))
    axes = np.atleast_1d(fig.subplots(len(issues), 1))
    for ax, issue in zip(axes, issues, strict=True):
        _panel(ax, rd, issue)
    exchanged = exchanged_issues(rd.meta)
    note = "; an exchanged issue: the terms of its last exchange" if exchanged else ""
    axes[-1].set_xlabel(f"settled value on the issue axis (0–100; anchors as labelled){note}")
    set_titles(fig, rd, "Settled terms per issue", note=f"bins of {BIN_WIDTH:g} points")
    return fig


def draw(rd: RunDir, out_dir: Path) -> Path:
    """Draw ``terms.png`` into ``out_dir``.

    Args:
        rd: The result folder.
        out_dir: The plots folder.

    Returns:
        The written file.
    """
    return save(make_figure(rd), Path(out_dir) / FILENAME)
