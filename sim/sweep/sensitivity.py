"""Sensitivity indices from a finished Sobol or Morris sweep (SALib).

The model output analysed is each output's share at each point (e.g. the share of replications
ending in collapse). Every point uses the same replication streams (common random numbers), so
the Monte Carlo noise left in a share mostly cancels between points; what remains shows up as
small spurious indices for inputs that do nothing, and in the confidence intervals.

* :func:`sobol_indices` — first-order ``S1`` and total-order ``ST`` indices with their 95%
  bootstrap confidence half-widths ``S1_conf`` and ``ST_conf`` (``SALib.analyze.sobol``,
  ``calc_second_order=False``).
* :func:`morris_indices` — ``mu`` (mean elementary effect), ``mu_star`` (mean absolute effect,
  the importance measure), its 95% bootstrap half-width ``mu_star_conf`` and ``sigma`` (spread
  of the effects: interactions or non-linearity) (``SALib.analyze.morris``).

An output that does not vary over the sweep (or is undefined at some point, as
``agreement_holds`` is where no replication agreed a ceasefire or settlement) gets NaN indices.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.sweep.designs import MORRIS_LEVELS, Bounds, problem

SOBOL_COLUMNS = ("output", "parameter", "S1", "S1_conf", "ST", "ST_conf")
MORRIS_COLUMNS = ("output", "parameter", "mu", "mu_star", "mu_star_conf", "sigma")
RESAMPLES = 1000


def sobol_indices(points: pd.DataFrame, bounds: Bounds, outputs: Sequence[str],
                  seed: int) -> pd.DataFrame:
    """First- and total-order Sobol' indices of each output's share.

    Args:
        points: The sweep's ``points.parquet`` table, in point order (SALib's sample order).
        bounds: Parameter key path -> (low, high), in the sweep's order.
        outputs: Outputs to analyse (``<output>.share`` columns of ``points``).
        seed: Seed of the bootstrap for the confidence intervals.

    Returns:
        One row per output and parameter with the columns of :data:`SOBOL_COLUMNS`.
    """
    from SALib.analyze import sobol as salib_sobol

    prob = problem(bounds)
    rows = []
    for out in outputs:
        y = points[f"{out}.share"].to_numpy(dtype=float)
        if _flat(y):
            res = {k: np.full(len(bounds), np.nan) for k in ("S1", "S1_conf", "ST", "ST_conf")}
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                res = salib_sobol.analyze(prob, y, calc_second_order=False,
                                          num_resamples=RESAMPLES, conf_level=0.95, seed=seed)
        for i, name in enumerate(bounds):
            rows.append((out, name, *(float(res[k][i]) for k in SOBOL_COLUMNS[2:])))
    return pd.DataFrame(rows, columns=list(SOBOL_COLUMNS))


def morris_indices(points: pd.DataFrame, bounds: Bounds, outputs: Sequence[str],
                   seed: int) -> pd.DataFrame:
    """Morris elementary-effect statistics of each output's share.

    Args:
        points: The sweep's ``points.parquet`` table, in point order (SALib's sample order).
        bounds: Parameter key path -> (low, high), in the sweep's order.
        outputs: Outputs to analyse (``<output>.share`` columns of ``points``).
        seed: Seed of the bootstrap for ``mu_star_conf``.

    Returns:
        One row per output and parameter with the columns of :data:`MORRIS_COLUMNS`.
    """
    from SALib.analyze import morris as salib_morris

    prob = problem(bounds)
    x = points[list(bounds)].to_numpy(dtype=float)
    rows = []
    for out in outputs:
        y = points[f"{out}.share"].to_numpy(dtype=float)
        if _flat(y):
            res = {k: np.full(len(bounds), np.nan) for k in MORRIS_COLUMNS[2:]}
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                res = salib_morris.analyze(prob, x, y, num_resamples=RESAMPLES, conf_level=0.95,
                                           num_levels=MORRIS_LEVELS, seed=seed)
        for i, name in enumerate(bounds):
            rows.append((out, name, *(float(res[k][i]) for k in MORRIS_COLUMNS[2:])))
    return pd.DataFrame(rows, columns=list(MORRIS_COLUMNS))


def analyse(design: str, points: pd.DataFrame, bounds: Bounds, outputs: Sequence[str],
            seed: int) -> pd.DataFrame | None:
    """The sensitivity table for a ``sobol`` or ``morris`` sweep; None for other designs."""
    if design == "sobol":
        return sobol_indices(points, bounds, outputs, seed)
    if design == "morris":
        return morris_indices(points, bounds, outputs, seed)
    return None


def noise(value: float, conf: float, total: bool = False) -> bool:
    """Whether an index is noise (its interval at least the index, or an ST above 1).

    Noise: the 95% half-width is at least the index (or unknown), or, for a total-order Sobol'
    index (``total``), the index is above 1, which a variance share cannot be. Small samples
    give such indices; they rank nothing, so print and plots flag them instead of calling the
    parameter influential.
    """
    if not np.isfinite(value):
        return False  # the output does not vary: nothing to flag
    return bool(not np.isfinite(conf) or conf >= abs(value) or (total and value > 1))


def sensitivity_lines(sens: pd.DataFrame) -> list[str]:
    """The most influential parameter per output, with its 95% interval; noise says so.

    An index whose interval is at least as wide as the index (or a total-order index above 1)
    ranks nothing: such an output is "not resolved" rather than given a top driver.
    """
    measure, conf = ("ST", "ST_conf") if "ST" in sens.columns else ("mu_star", "mu_star_conf")
    lines = [f"  most influential parameter per output ({measure} ± 95% half-width):"]
    for out, part in sens.groupby("output", sort=False):
        part = part.dropna(subset=[measure])
        if part.empty:
            lines.append(f"    {out:<18} (does not vary)")
            continue
        part = part.assign(noise=[noise(v, c, measure == "ST")
                                  for v, c in zip(part[measure], part[conf], strict=True)])
        sure = part[~part["noise"]]
        if sure.empty:
            big = part.iloc[int(part[measure].to_numpy().argmax())]
            lines.append(f"    {out:<18} not resolved: every index is noise (interval at least "
                         f"as wide as the index{', or ST > 1' if measure == 'ST' else ''}); "
                         f"largest {big['parameter']} {measure} {big[measure]:.2f} ± "
                         f"{big[conf]:.2f}; more samples or runs_per_point would resolve it")
            continue
        best = sure.iloc[int(sure[measure].to_numpy().argmax())]
        lines.append(f"    {out:<18} {best['parameter']}  ({measure} {best[measure]:.2f} ± "
                     f"{best[conf]:.2f}; {int(part['noise'].sum())} of {len(part)} indices "
                     "are noise)")
    return lines


def _flat(y: np.ndarray) -> bool:
    """No variation to apportion (or an undefined share somewhere)."""
    return bool(np.isnan(y).any() or np.ptp(y) == 0)
