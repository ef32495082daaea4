"""Parameter sweeps, sensitivity analysis and scenario comparison.

* :mod:`sim.sweep.spec` — sweep files (YAML) -> :class:`Sweep`; :func:`validate_sweep`
* :mod:`sim.sweep.designs` — grid, Latin hypercube, Sobol (Saltelli) and Morris designs
* :mod:`sim.sweep.run` — :func:`run_sweep`: points as chunked Monte Carlo runs on any executor
* :mod:`sim.sweep.sensitivity` — Sobol and Morris indices from SALib
* :mod:`sim.sweep.plots` — figures drawn from a saved sweep folder
* :mod:`sim.sweep.compare` — :func:`compare`: outcome shares of scenarios or result folders
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.sweep.compare import compare
    from sim.sweep.errors import SweepError, SweepInterrupted
    from sim.sweep.run import run_sweep
    from sim.sweep.spec import Sweep, is_sweep_file, load_sweep, validate_sweep
    from sim.sweep.store import read_sweep_dir

#: Where each name lives; imported on first use (PEP 562), so that the command line can build
#: its ``sweep`` and ``compare`` parsers (:mod:`sim.sweep.cli`) without loading the sweep
#: machinery (pydantic, NumPy, pandas).
_WHERE = {
    "Sweep": "spec",
    "SweepError": "errors",
    "SweepInterrupted": "errors",
    "compare": "compare",
    "is_sweep_file": "spec",
    "load_sweep": "spec",
    "read_sweep_dir": "store",
    "run_sweep": "run",
    "validate_sweep": "spec",
}

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
    """Import the module that defines ``name`` on first use."""
    if name in _WHERE:
        return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _CallablePackage(types.ModuleType):
    """This package, which is also the public function ``sim.sweep(...)`` when called.

    Importing a submodule (``import sim.sweep.run``) binds the name ``sweep`` of the package
    ``sim`` to this package, where the public API has the function ``sim.sweep``: calling
    the package calls that function (:func:`sim.sweep.run.sweep`), so ``sim.sweep(...)``
    works whatever was imported first.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from sim.sweep.run import sweep

        return sweep(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
