"""Do the posterior intervals cover the truth at their nominal rate? Synthetic records.

Simulation-based calibration (Cook, Gelman & Rubin 2006, *J. Comput. Graph. Stat.* 15(3);
Talts et al. 2018, arXiv:1804.06788): draw true inputs from the prior, let the engine make a
synthetic record from each (one replication: the facts it shows), fit each synthetic record and
count how often the posterior's central intervals hold the truth. With a correct inference the
rates are the intervals' levels, up to Monte Carlo error.

To keep it cheap, every synthetic record is fitted by rejection against one reference table
(Pudlo et al. 2016, *Bioinformatics* 32(6), use such a table for ABC random forests): the
table's rows are prior draws with their simulated facts, and each row in turn is the truth
while the others are the reference — its posterior is the ``keep`` nearest rows (ties at the
cut included).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.calibrate.scores import interval


@dataclass(frozen=True)
class Coverage:
    """Empirical coverage of central posterior intervals.

    Attributes:
        levels: The nominal levels, e.g. (0.5, 0.9).
        rates: (levels, parameters) share of truths inside the interval.
        truths: How many synthetic records were fitted.
        kept: Mean number of reference rows kept per posterior.
    """

    levels: tuple[float, ...]
    rates: np.ndarray
    truths: int
    kept: float

    def overall(self) -> np.ndarray:
        """(levels,) the rate over every parameter."""
        return self.rates.mean(axis=1)


def reference_coverage(theta: np.ndarray, stats: np.ndarray, truths: int, keep: int,
                       levels: Sequence[float] = (0.5, 0.9)) -> Coverage:
    """Coverage when rows ``0 .. truths-1`` of a reference table are the synthetic records.

    Args:
        theta: (M, d) prior draws.
        stats: (M, F) each draw's simulated facts (0/1).
        truths: How many rows serve in turn as the truth.
        keep: Posterior size: the nearest rows by Hamming distance (ties at the cut kept).
        levels: Nominal levels of the central intervals.
    """
    m, d = theta.shape
    hits = np.zeros((len(levels), d))
    kept = 0
    for t in range(truths):
        dist = np.abs(stats - stats[t]).mean(axis=1)
        dist[t] = np.inf  # the truth is not its own reference
        cut = np.partition(dist, keep - 1)[keep - 1]
        rows = np.flatnonzero(dist <= cut)
        kept += rows.size
        w = np.full(rows.size, 1.0 / rows.size)
        for j in range(d):
            for i, level in enumerate(levels):
                lo, hi = interval(theta[rows, j], w, level)
                hits[i, j] += lo <= theta[t, j] <= hi
    return Coverage(tuple(levels), hits / truths, truths, kept / truths)
