"""Result folders: write, read back, summarise (shares with Wilson 95% intervals)."""

from __future__ import annotations

from sim.results.errors import OutputExistsError, ResultsError
from sim.results.meta import OUTCOMES
from sim.results.stats import newcombe_difference_interval, wilson_interval, wilson_intervals
from sim.results.store import RunDir, plots_dir, read_run_dir, write_run_dir
from sim.results.summary import summarise

__all__ = [
    "OUTCOMES",
    "OutputExistsError",
    "ResultsError",
    "RunDir",
    "newcombe_difference_interval",
    "plots_dir",
    "read_run_dir",
    "summarise",
    "wilson_interval",
    "wilson_intervals",
    "write_run_dir",
]
