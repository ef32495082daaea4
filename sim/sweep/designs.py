"""Designs: which points of the parameter space a sweep runs.

One function per design, each returning a table with one row per point (in the order the points
are numbered) and one column per parameter key path:

* :func:`grid` — full factorial over each parameter's levels; the first parameter varies
  slowest, the last fastest (``itertools.product`` order), so point numbers are stable.
* :func:`lhs` — Latin hypercube of ``n`` points (``scipy.stats.qmc.LatinHypercube``, seeded).
* :func:`sobol` — Saltelli's extension of the Sobol' sequence as sampled by
  ``SALib.sample.sobol`` without second-order terms: ``n * (D + 2)`` points for D parameters.
* :func:`morris` — ``n`` Morris trajectories on a 4-level grid (``SALib.sample.morris``):
  ``n * (D + 1)`` points.

The sensitivity analysis (:mod:`sim.sweep.sensitivity`) relies on the point order of the Sobol
and Morris designs, which is exactly SALib's sample order.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

if TYPE_CHECKING:
    from sim.sweep.spec import Sweep

Bounds = Mapping[str, tuple[float, float]]
MORRIS_LEVELS = 4


def problem(bounds: Bounds) -> dict[str, Any]:
    """The SALib problem dict for parameters with the given ranges (in order)."""
    return {
        "num_vars": len(bounds),
        "names": list(bounds),
        "bounds": [[float(lo), float(hi)] for lo, hi in bounds.values()],
    }


def grid(levels: Mapping[str, Sequence[Any]]) -> pd.DataFrame:
    """Every combination of the parameters' levels, the last parameter varying fastest.

    Args:
        levels: Key path -> its levels, in the order the parameters are written.

    Returns:
        One row per point, ``prod(len(levels))`` rows.
    """
    keys = list(levels)
    rows = list(itertools.product(*(list(levels[k]) for k in keys)))
    return _table(keys, rows)


def lhs(bounds: Bounds, n: int, seed: int) -> pd.DataFrame:
    """A Latin hypercube of ``n`` points over the ranges, seeded by ``seed``.

    Each range is cut into ``n`` equal strata and every stratum of every parameter holds
    exactly one point (McKay, Beckman & Conover 1979).
    """
    sampler = qmc.LatinHypercube(d=len(bounds), rng=np.random.default_rng(seed))
    unit = sampler.random(n)
    lo = np.array([b[0] for b in bounds.values()], dtype=float)
    hi = np.array([b[1] for b in bounds.values()], dtype=float)
    return _table(list(bounds), qmc.scale(unit, lo, hi))


def sobol(bounds: Bounds, n: int, seed: int) -> pd.DataFrame:
    """Saltelli's sample for first- and total-order Sobol' indices: ``n * (D + 2)`` points.

    ``n`` should be a power of 2. References: Saltelli et al. (2010), *Computer Physics
    Communications* 181(2), 259-270, doi:10.1016/j.cpc.2009.09.018.
    """
    from SALib.sample import sobol as salib_sobol

    x = salib_sobol.sample(problem(bounds), n, calc_second_order=False, scramble=True, seed=seed)
    return _table(list(bounds), x)


def morris(bounds: Bounds, n: int, seed: int, num_levels: int = MORRIS_LEVELS) -> pd.DataFrame:
    """``n`` Morris trajectories on a ``num_levels`` grid: ``n * (D + 1)`` points.

    References: Morris (1991), *Technometrics* 33(2), 161-174; Campolongo, Cariboni & Saltelli
    (2007), *Environmental Modelling & Software* 22(10), 1509-1518.
    """
    from SALib.sample import morris as salib_morris

    x = salib_morris.sample(problem(bounds), n, num_levels=num_levels, seed=seed)
    return _table(list(bounds), x)


def point_count(design: str, n_params: int, samples: int | None,
                levels: Sequence[int] = ()) -> int:
    """How many points a design gives (``levels``: the number of levels per grid parameter)."""
    if design == "grid":
        return int(np.prod(list(levels), dtype=np.int64)) if levels else 0
    assert samples is not None
    return {"lhs": samples, "sobol": samples * (n_params + 2),
            "morris": samples * (n_params + 1)}[design]


def design_points(sweep: Sweep) -> pd.DataFrame:
    """The points of ``sweep``'s design: one row per point, one column per parameter."""
    if sweep.design == "grid":
        return grid({k: p.levels() for k, p in sweep.parameters.items()})
    bounds = sweep.bounds()
    n = int(sweep.samples or 0)
    if sweep.design == "lhs":
        return lhs(bounds, n, sweep.seed)
    if sweep.design == "sobol":
        return sobol(bounds, n, sweep.seed)
    return morris(bounds, n, sweep.seed)


def _table(keys: list[str], rows: Any) -> pd.DataFrame:
    if isinstance(rows, np.ndarray):
        df = pd.DataFrame(rows, columns=keys)
    else:
        df = pd.DataFrame({k: pd.Series([r[i] for r in rows], dtype=_dtype([r[i] for r in rows]))
                           for i, k in enumerate(keys)})
    df.index = pd.RangeIndex(len(df), name="point")
    return df


def _dtype(values: list[Any]) -> str:
    """A column type that keeps the levels as written: int, float, bool, str or object."""
    if all(isinstance(v, bool) for v in values):
        return "bool"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "int64"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return "float64"
    if all(isinstance(v, str) for v in values):
        return "str"
    return "object"
