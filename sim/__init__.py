"""ceasefire-sim: a Monte Carlo scenario simulator of ceasefire negotiations.

The public API (see :mod:`sim.api`)::

    sim.load(path, overrides=None) -> Scenario
    sim.run(scenario, runs=None, seed=None, engine="vector", jobs=1) -> Result
    sim.sweep(path, out=None, jobs=1, executor="local", resume=None) -> Path
    sim.calibrate(path, out=None, jobs=1, executor="local", resume=None) -> Path

``Result`` has ``.runs`` and ``.rounds`` (pandas DataFrames), ``.summary``, ``.save(folder)``
and ``.plot(folder)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Result", "__version__", "calibrate", "load", "run", "sweep"]

if TYPE_CHECKING:
    from sim.api import Result, load, run
    from sim.calibrate.run import calibrate
    from sim.sweep.run import sweep


def __getattr__(name: str) -> Any:
    """Import the API on first use, so that ``import sim`` (and the CLI) start fast."""
    if name in ("Result", "load", "run"):
        from sim import api

        return getattr(api, name)
    if name in ("calibrate", "sweep"):
        # the function lives in its own layer (sim.sweep.run.sweep, sim.calibrate.run.calibrate)
        # so that the rest of the API does not load the sweep and calibration machinery
        import importlib

        return getattr(importlib.import_module(f"sim.{name}.run"), name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
