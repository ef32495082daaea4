"""Figures of a result folder, drawn only from its saved files.

``draw_all(path)`` reads the folder with :func:`sim.results.read_run_dir` and writes
``plots/outcomes.png``, ``plots/rounds.png``, ``plots/terms.png`` and
``plots/trajectories.png``, ``plots/timeline.png``, and ``plots/forecast.png`` for an
expected-utility forecast
(:data:`OPTIONAL`: figures drawn only where ``applies(run_dir)``). One module per figure; each
has ``make_figure(run_dir)`` and ``draw(run_dir, out_dir)``.
"""

from __future__ import annotations

from pathlib import Path

from sim.plots import drivers, forecast, outcomes, rounds, terms, timeline, trajectories
from sim.results.store import plots_dir, read_run_dir

FIGURES = (outcomes, rounds, terms, trajectories, timeline, drivers)
OPTIONAL = (forecast,)


def draw_all(run_dir_path: Path | str) -> list[Path]:
    """Draw every figure of a result folder into its ``plots/`` folder.

    Args:
        run_dir_path: A folder written by :func:`sim.results.write_run_dir`.

    Returns:
        The written PNG files, in the order outcomes, rounds, terms, trajectories, timeline
        (then forecast, where it applies).

    Raises:
        ResultsError: If the folder is not a complete result folder.
    """
    rd = read_run_dir(run_dir_path)
    out = plots_dir(rd.path)
    out.mkdir(exist_ok=True)
    drawn = [figure.draw(rd, out) for figure in FIGURES]
    return drawn + [figure.draw(rd, out) for figure in OPTIONAL if figure.applies(rd)]


__all__ = ["FIGURES", "OPTIONAL", "draw_all"]
