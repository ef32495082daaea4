"""Parameter sweeps, sensitivity analysis and scenario comparison.

* :mod:`sim.sweep.spec` — sweep files (YAML) -> :class:`Sweep`; :func:`validate_sweep`
* :mod:`sim.sweep.designs` — grid, Latin hypercube, Sobol (Saltelli) and Morris designs
* :mod:`sim.sweep.run` — :func:`run_sweep`: points as chunked Monte Carlo runs on any executor
* :mod:`sim.sweep.sensitivity` — Sobol and Morris indices from SALib
* :mod:`sim.sweep.plots` — figures drawn from a saved sweep folder
* :mod:`sim.sweep.compare` — :func:`compare`: outcome shares of scenarios or result folders
"""

from typing import TYPE_CHECKING, Any

from sim.sweep.errors import SweepError, SweepInterrupted
from sim.sweep.spec import Sweep, is_sweep_file, load_sweep, validate_sweep

if TYPE_CHECKING:  # imported on first use, below
    from sim.sweep.compare import compare
    from sim.sweep.run import run_sweep
    from sim.sweep.store import read_sweep_dir

__all__ = [
    "Sweep",
    "SweepError",
    "SweepInterrupted",
    "compare",
    "is_sweep_file",
    "load_sweep",
    "read_sweep_dir",
    "run_sweep",
    "validate_sweep",
]


def __getattr__(name: str) -> Any:
    """Import the heavier parts (runner, comparison, reader) on first use."""
    if name == "run_sweep":
        from sim.sweep.run import run_sweep

        return run_sweep
    if name == "compare":
        from sim.sweep.compare import compare

        return compare
    if name == "read_sweep_dir":
        from sim.sweep.store import read_sweep_dir

        return read_sweep_dir
    raise AttributeError(f"module 'sim.sweep' has no attribute {name!r}")
