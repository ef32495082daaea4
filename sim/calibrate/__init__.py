"""Calibration against the record: fit shared inputs to recorded series by ABC, score held-out ones.

``ceasefire calibrate FILE`` (:func:`sim.calibrate.run.run_calibration`) reads a calibration
file (:mod:`sim.calibrate.spec`), makes the engine a vectorised simulator of the recorded facts
(:mod:`sim.calibrate.simulator`, :mod:`sim.calibrate.facts`), runs rejection or ABC-SMC
(:mod:`sim.calibrate.abc`, a pure function of a prior, a simulator and a seed), and writes the
posterior, the predictive checks and the held-out scores (:mod:`sim.calibrate.scores`). The
method and the outputs are described in ``docs/calibration.md``.
"""

from __future__ import annotations

import sys
import types
from typing import Any


class _CallablePackage(types.ModuleType):
    """This package, which is also the public function ``sim.calibrate(...)`` when called.

    Importing a submodule (``import sim.calibrate.run``) binds the name ``calibrate`` of the package
    ``sim`` to this package, where the public API has the function ``sim.calibrate``: calling
    the package calls that function (:func:`sim.calibrate.run.calibrate`), so ``sim.calibrate(...)``
    works whatever was imported first.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from sim.calibrate.run import calibrate

        return calibrate(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
