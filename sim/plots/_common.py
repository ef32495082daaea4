"""Shared look of the figures: colours, titles, figure creation and saving.

Figures are plain :class:`matplotlib.figure.Figure` objects rendered by the Agg canvas
(``FigureCanvasAgg``) explicitly, without pyplot: drawing needs no display, importing this
package does not switch the user's matplotlib backend, and no figure stays registered after
it is saved.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from sim.results.store import RunDir

DPI = 120

#: One colour per outcome, used by every figure (agreement = greens, no deal = grey/red).
OUTCOME_COLOURS: dict[str, str] = {
    "comprehensive": "#1b7837",
    "ceasefire": "#7fbf7b",
    "partial": "#e6ab02",
    "humanitarian_only": "#80b1d3",
    "stalemate": "#9e9e9e",
    "collapse": "#d6604d",
}
#: What each outcome means, one short line (the order of the keys is :data:`OUTCOMES`).
OUTCOME_MEANINGS: dict[str, str] = {
    "comprehensive": "every main-track issue settled",
    "ceasefire": "general ceasefire, main-track issues open",
    "partial": "main-track pieces, no ceasefire",
    "humanitarian_only": "humanitarian track only",
    "stalemate": "nothing agreed by the last session",
    "collapse": "a party walked out, no ceasefire",
}
#: Colours of the parties in trajectory plots, in actor order.
PARTY_COLOURS = ("#b2182b", "#2166ac", "#5aae61", "#9970ab", "#e08214", "#35978f")
TEXT_COLOUR = "#222222"


def new_figure(width: float, height: float) -> Figure:
    """A figure attached to an Agg canvas (no pyplot, no global backend change).

    Args:
        width: Width in inches.
        height: Height in inches.

    Returns:
        The empty figure.
    """
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def subtitle(rd: RunDir) -> str:
    """``scenario <name> · n = 2,000 runs, seed 20250516``.

    Args:
        rd: The result folder.

    Returns:
        The second title line shared by every figure.
    """
    n = int(rd.summary.get("runs", len(rd.runs)))
    seed = rd.summary.get("seed", rd.meta.get("seed"))
    return f"scenario {rd.name}{changes(rd)} · n = {n:,} runs, seed {seed}"


def changes(rd: RunDir) -> str:
    """`` with --set KEY=VALUE`` (and ``at means``) when the run changed its scenario file."""
    overrides = [str(o) for o in rd.manifest.get("overrides") or []]
    text = ""
    if overrides:
        shown = ", ".join(overrides[:2]) + (f" and {len(overrides) - 2} more"
                                            if len(overrides) > 2 else "")
        text = f" with --set {shown}"
    if rd.manifest.get("at_means"):
        text += " at the priors' means"
    return text


def set_titles(fig: Figure, rd: RunDir, what: str, note: str = "") -> None:
    """Give ``fig`` its two-line title: what it shows and the scenario, then the run facts.

    Args:
        fig: The figure.
        rd: The result folder.
        what: What the figure shows ("Outcomes", ...).
        note: Extra text appended to the second line.
    """
    chars = int(9.5 * fig.get_figwidth())  # 12 pt bold characters that fit across the figure
    head = wrap(f"{what}: {rd.title}", chars)
    second = wrap(subtitle(rd) + (f" · {note}" if note else ""), chars)
    fig.suptitle(f"{head}\n{second}", fontsize=12, fontweight="bold", linespacing=1.4)


def wrap(text: str, width: int, max_lines: int | None = None, break_words: bool = True) -> str:
    """Wrap ``text`` to ``width`` characters per line, with an ellipsis after ``max_lines``.

    Args:
        text: The text.
        width: Characters per line (at least 6).
        max_lines: Most lines kept; ``None`` for all.
        break_words: Split words longer than ``width``; if false they overrun the width.

    Returns:
        The wrapped text with newlines.
    """
    lines = textwrap.wrap(
        text,
        width=max(6, width),
        max_lines=max_lines,
        placeholder=" …",
        break_long_words=break_words,
        break_on_hyphens=break_words,
    )
    return "\n".join(lines or [""])


def save(fig: Figure, path: Path) -> Path:
    """Write ``fig`` as PNG to ``path`` (folders created) and release it.

    Args:
        fig: The figure.
        path: Destination file.

    Returns:
        ``path``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, format="png", metadata={"Software": None})
    fig.clear()
    return path
