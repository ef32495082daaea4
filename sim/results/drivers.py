"""Drivers of each outcome: how its share moves with each sampled input and each fired event.

Read from a runs table (``runs.parquet``): every ``param.<key>`` column (an uncertain input,
drawn once per replication) and every ``fired.<name>`` column (the session an event or pressure
measure fired, empty where it did not). For each outcome and each driver:

* an input: the outcome's share among the runs whose draw lies in the input's lowest fifth
  against its share among those in its highest fifth (quintiles of the draws);
* an event: its share among the runs in which the event fired against the runs in which it
  did not.

The difference (high minus low, fired minus not fired) comes with Newcombe's hybrid score 95%
interval (:func:`sim.results.stats.newcombe_difference_interval`). These are one-at-a-time
associations over the joint draws, not causal effects: inputs drawn independently separate
cleanly, but an event whose chance is itself an input moves with that input. With many inputs a
few intervals exclude 0 by chance (one in twenty at 95%); scenario discovery
(``ceasefire discover``) looks at the inputs jointly.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.results.meta import OUTCOMES
from sim.results.stats import newcombe_difference_interval, wilson_interval

COLUMNS = ("outcome", "driver", "kind", "low", "high", "share_low", "share_high", "n_low",
           "n_high", "diff", "diff_lo", "diff_hi")
#: Fraction of the draws in each compared tail of an input.
TAIL = 0.2


def _compare(y: np.ndarray, low: np.ndarray, high: np.ndarray) -> tuple[float, ...]:
    k0, n0 = int(y[low].sum()), int(low.sum())
    k1, n1 = int(y[high].sum()), int(high.sum())
    if not (n0 and n1):
        return (np.nan,) * 7
    d_lo, d_hi = newcombe_difference_interval(k1, n1, k0, n0)
    return k0 / n0, k1 / n1, n0, n1, k1 / n1 - k0 / n0, d_lo, d_hi


def drivers_table(runs: pd.DataFrame, outcomes: Sequence[str] = OUTCOMES) -> pd.DataFrame:
    """One row per outcome and driver, sorted by outcome, then by the size of the difference.

    Within an outcome, the drivers whose interval excludes 0 come first, so that a rare event
    with a large but unresolved difference does not head the list.

    Outcomes that never or always happen, and inputs that do not vary, are left out.

    Returns:
        The columns of :data:`COLUMNS` (``low`` and ``high`` say what was compared).
    """
    rows = []
    outcome = runs["outcome"].astype(str).to_numpy()
    for col in runs.columns:
        if col.startswith("param."):
            x = runs[col].to_numpy(dtype=float)
            if not np.isfinite(x).any() or np.nanmax(x) == np.nanmin(x):
                continue
            q_lo, q_hi = np.nanquantile(x, [TAIL, 1 - TAIL])
            low, high = x <= q_lo, x >= q_hi
            if q_lo == q_hi:  # a choice between few values: below vs above the median
                med = np.nanmedian(x)
                low, high = x < med, x >= med
            what = (col[len("param."):], "input", f"≤ {q_lo:.3g} (lowest fifth)",
                    f"≥ {q_hi:.3g} (highest fifth)")
        elif col.startswith("fired."):
            fired = runs[col].notna().to_numpy()
            if fired.all() or not fired.any():
                continue
            low, high = ~fired, fired
            what = (col[len("fired."):], "event", "did not fire", "fired")
        else:
            continue
        for name in outcomes:
            y = outcome == name
            if y.all() or not y.any():
                continue
            rows.append((name, *what, *_compare(y, low, high)))
    table = pd.DataFrame(rows, columns=["outcome", "driver", "kind", "low", "high", "share_low",
                                        "share_high", "n_low", "n_high", "diff", "diff_lo",
                                        "diff_hi"])
    if table.empty:
        return table
    table["order"] = table["outcome"].map({o: k for k, o in enumerate(outcomes)})
    table["unclear"] = ~((table["diff_lo"] > 0) | (table["diff_hi"] < 0))
    table["size"] = -table["diff"].abs()
    table = table.sort_values(["order", "unclear", "size"], kind="stable").drop(
        columns=["order", "unclear", "size"])
    return table.reset_index(drop=True)


def clear(row: pd.Series) -> bool:
    """Whether a driver's difference is clear of 0 at 95% (its interval excludes 0)."""
    return bool(row["diff_lo"] > 0 or row["diff_hi"] < 0)


def base_rates(runs: pd.DataFrame, outcomes: Sequence[str] = OUTCOMES) -> dict[str, tuple]:
    """Outcome -> (share, Wilson 95% low, high) over all runs."""
    outcome = runs["outcome"].astype(str).to_numpy()
    n = len(outcome)
    out = {}
    for name in outcomes:
        k = int((outcome == name).sum())
        out[name] = (k / n if n else np.nan, *wilson_interval(k, n))
    return out
