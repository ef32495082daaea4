"""Result folders: write, read back, summarise (shares with Wilson 95% intervals).

The names below are imported on first use (PEP 562), so that importing
:mod:`sim.results.errors` (as the command line does for every command) does not load pandas and
pyarrow.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.results.errors import OutputExistsError, ResultsError
    from sim.results.meta import OUTCOMES
    from sim.results.stats import (
        newcombe_difference_interval,
        wilson_interval,
        wilson_intervals,
    )
    from sim.results.store import RunDir, plots_dir, read_run_dir, write_run_dir
    from sim.results.summary import summarise

_WHERE = {
    "OUTCOMES": "meta",
    "OutputExistsError": "errors",
    "ResultsError": "errors",
    "RunDir": "store",
    "newcombe_difference_interval": "stats",
    "plots_dir": "store",
    "read_run_dir": "store",
    "summarise": "summary",
    "wilson_interval": "stats",
    "wilson_intervals": "stats",
    "write_run_dir": "store",
}

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


def __getattr__(name: str) -> Any:
    """Import the module that defines ``name`` on first use."""
    if name in _WHERE:
        return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
