"""Summary of a set of replications: the content of ``summary.json``.

The summary is a plain, JSON-safe dict (no NaN: missing numbers are ``None``/``null``) with
exactly the keys of the public contract::

    {"scenario", "runs", "seed",
     "outcomes": {name: {"share", "ci95": [lo, hi], "count"}},      # six outcomes, fixed order
     "flags": {"dictated_peace": {"share", "ci95", "count"},          # over all runs
               "agreement_holds": {"share", "ci95", "count", "of"}},  # over runs with an agreement
     "imposed_on": {side: {"share", "ci95", "count"}},  # dictated peace by loser, over all runs
     "exchanges": {"mean", "p10", "p50", "p90", "any": {"share", "ci95", "count"}},  # per run
     "rounds": {"mean", "p10", "p50", "p90", "by_outcome": {name: mean}},
     "terms": {issue: {"mean", "p10", "p50", "p90", "settled_share"}},  # over settled runs
     "fired": {name: share of runs in which it fired}}

Intervals are Wilson 95% score intervals (:func:`sim.results.stats.wilson_interval`).
Percentiles use NumPy's default (linear interpolation between order statistics).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.results.errors import ResultsError
from sim.results.meta import OUTCOMES, issue_ids, outcome_order, scenario_name
from sim.results.stats import wilson_interval


def _num(x: Any) -> float | None:
    """A JSON-safe float: ``None`` for NaN/NA/None."""
    if x is None or x is pd.NA:
        return None
    x = float(x)
    return None if math.isnan(x) else x


def share_entry(count: int, n: int) -> dict[str, Any]:
    """``{"share", "ci95", "count"}`` for ``count`` successes out of ``n`` (share ``None`` if n=0).

    Args:
        count: Number of runs with the property.
        n: Number of runs considered.

    Returns:
        The JSON-safe entry used for outcomes and flags.
    """
    lo, hi = wilson_interval(int(count), int(n))
    return {"share": (count / n) if n else None, "ci95": [lo, hi], "count": int(count)}


def _quantiles(values: np.ndarray) -> dict[str, float | None]:
    if values.size == 0:
        return {"mean": None, "p10": None, "p50": None, "p90": None}
    p10, p50, p90 = np.percentile(values, [10, 50, 90])
    return {"mean": _num(values.mean()), "p10": _num(p10), "p50": _num(p50), "p90": _num(p90)}


def _require(runs: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in runs.columns]
    if missing:
        raise ResultsError(f"runs table lacks the column(s) {', '.join(missing)}")


def _outcomes(runs: pd.DataFrame, order: Sequence[str]) -> dict[str, Any]:
    outcome = runs["outcome"].astype(object)
    unknown = sorted(set(outcome.dropna()) - set(order))
    if unknown or outcome.isna().any():
        bad = ", ".join(map(repr, unknown)) or "a missing value"
        raise ResultsError(f"runs table has an unknown outcome {bad}; expected one of {order}")
    counts = outcome.value_counts()
    n = len(runs)
    return {name: share_entry(int(counts.get(name, 0)), n) for name in order}


def _flags(runs: pd.DataFrame) -> dict[str, Any]:
    n = len(runs)
    dictated = runs["dictated_peace"].astype("boolean")
    if dictated.isna().any():
        raise ResultsError("runs.dictated_peace must be true or false in every run")
    holds = runs["agreement_holds"].astype("boolean")
    known = holds.dropna()
    entry = share_entry(int(known.sum()), len(known))
    entry["of"] = int(len(known))
    return {
        "dictated_peace": share_entry(int(dictated.sum()), n),
        "agreement_holds": entry,
    }


def _imposed_on(runs: pd.DataFrame, sides: Sequence[str]) -> dict[str, Any]:
    """Share of all runs whose peace was dictated to each side (the sides first, in order)."""
    imposed = runs["imposed_on"].fillna("").astype(str)
    named = sorted(s for s in imposed.unique() if s and s not in sides)
    return {side: share_entry(int((imposed == side).sum()), len(runs))
            for side in [*sides, *named]}


def _exchanges(runs: pd.DataFrame) -> dict[str, Any]:
    """Humanitarian exchanges per run, and the share of runs with at least one."""
    values = runs["exchanges"].to_numpy(dtype=float)
    out: dict[str, Any] = _quantiles(values)
    out["any"] = share_entry(int((values > 0).sum()), len(values))
    return out


def _rounds(runs: pd.DataFrame, order: Sequence[str]) -> dict[str, Any]:
    rounds = runs["rounds"].to_numpy(dtype=float)
    out: dict[str, Any] = _quantiles(rounds)
    outcome = runs["outcome"].astype(object).to_numpy()
    out["by_outcome"] = {
        name: (_num(rounds[outcome == name].mean()) if np.any(outcome == name) else None)
        for name in order
    }
    return out


def _terms(runs: pd.DataFrame, issues: Sequence[str]) -> dict[str, Any]:
    n = len(runs)
    out: dict[str, Any] = {}
    for issue in issues:
        values = runs[f"terms.{issue}"].to_numpy(dtype=float)
        settled = values[~np.isnan(values)]
        entry = _quantiles(settled)
        entry["settled_share"] = (settled.size / n) if n else None
        out[issue] = entry
    return out


def _fired(runs: pd.DataFrame) -> dict[str, Any]:
    n = len(runs)
    out: dict[str, Any] = {}
    for col in runs.columns:
        if col.startswith("fired."):
            fired = int(runs[col].notna().sum())
            out[col.removeprefix("fired.")] = (fired / n) if n else None
    return out


def summarise(runs: pd.DataFrame, meta: Mapping[str, Any]) -> dict[str, Any]:
    """Summarise a runs table into the ``summary.json`` dict.

    Args:
        runs: One row per replication, with the columns of the run-table contract (``outcome``,
            ``rounds``, ``dictated_peace``, ``imposed_on``, ``agreement_holds``, ``exchanges``,
            ``terms.<issue>``,
            ``fired.<name>``, ...).
        meta: The run's meta dict (see :mod:`sim.results.meta`); gives the scenario name, the
            seed, the issue order, the outcome order and the battlefield sides (the keys of
            ``imposed_on``, with any other actor the runs name).

    Returns:
        A JSON-safe dict (``None`` where a number is undefined, e.g. the terms of an issue that
        was never settled, or a flag share with no eligible runs).

    Raises:
        ResultsError: If a needed column is missing or an outcome is not one of :data:`OUTCOMES`.
    """
    order = outcome_order(meta)
    issues = issue_ids(meta)
    _require(runs, ["outcome", "rounds", "dictated_peace", "imposed_on", "agreement_holds",
                    "exchanges"])
    _require(runs, [f"terms.{i}" for i in issues])
    if "seed" not in meta:
        raise ResultsError("meta has no 'seed'")
    return {
        "scenario": scenario_name(meta),
        "runs": int(len(runs)),
        "seed": int(meta["seed"]),
        "outcomes": _outcomes(runs, order),
        "flags": _flags(runs),
        "imposed_on": _imposed_on(runs, [str(s) for s in meta.get("battlefield_sides") or []]),
        "exchanges": _exchanges(runs),
        "rounds": _rounds(runs, order),
        "terms": _terms(runs, issues),
        "fired": _fired(runs),
    }


__all__ = ["OUTCOMES", "share_entry", "summarise"]
