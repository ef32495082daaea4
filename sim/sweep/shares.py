"""Output shares of a set of replications, with Wilson 95% intervals.

The definitions match ``summary.json`` (:mod:`sim.results.summary`): an outcome's share is over
all replications; ``dictated_peace`` is over all replications; ``agreement_holds`` is over the
replications that agreed a ceasefire or a settlement (its denominator is reported as
``agreement_holds.of``, and the share is NaN with interval (0, 1) when there were none).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from sim.results.stats import wilson_interval

#: The run-table columns the shares are computed from.
SHARE_COLUMNS = ("outcome", "dictated_peace", "agreement_holds")


def counts(runs: pd.DataFrame, output: str) -> tuple[int, int]:
    """``(k, n)``: replications with ``output`` and replications it is a share of."""
    if output == "dictated_peace":
        flag = runs["dictated_peace"].astype("boolean")
        return int(flag.sum()), len(runs)
    if output == "agreement_holds":
        known = runs["agreement_holds"].astype("boolean").dropna()
        return int(known.sum()), len(known)
    return int((runs["outcome"].astype(object) == output).sum()), len(runs)


def share_row(runs: pd.DataFrame, outputs: Sequence[str]) -> dict[str, float | int]:
    """``<o>.share``, ``<o>.lo``, ``<o>.hi`` per output (plus ``agreement_holds.of``), ``runs``."""
    row: dict[str, float | int] = {}
    for out in outputs:
        k, n = counts(runs, out)
        lo, hi = wilson_interval(k, n)
        row[f"{out}.share"] = k / n if n else float("nan")
        row[f"{out}.lo"] = lo
        row[f"{out}.hi"] = hi
        if out == "agreement_holds":
            row[f"{out}.of"] = n
    row["runs"] = len(runs)
    return row
