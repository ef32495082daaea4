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
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.results.errors import ResultsError
from sim.results.exact import OrderStatistics, PairwiseSum, percentiles, quantile_ranks
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


#: The percentiles reported with every mean.
PERCENTILES = (10, 50, 90)

Batches = Callable[[Sequence[str]], Iterable[pd.DataFrame]]
"""A source of the runs table: called with column names, yields the rows in order, in parts."""


class _Sample:
    """The values one entry of the summary describes, gathered over passes through the runs.

    Pass 1 counts them; pass 2 sums them (:class:`~sim.results.exact.PairwiseSum`) and starts
    finding the order statistics of the percentiles; later passes finish those
    (:class:`~sim.results.exact.OrderStatistics`). The results are ``values.mean()`` and
    ``np.percentile(values, PERCENTILES)`` of all the values at once.

    Args:
        column: The column of the runs table.
        settled: Leave out NaN (a term of an issue not settled); otherwise a NaN makes the mean
            and the percentiles undefined, as in NumPy.
        quantiles: Whether the percentiles are wanted (else the mean only).
        outcome: Only the runs with this outcome.
    """

    def __init__(self, column: str, *, settled: bool = False, quantiles: bool = True,
                 outcome: str | None = None) -> None:
        self.column, self.settled, self.quantiles, self.outcome = (column, settled, quantiles,
                                                                   outcome)
        self.n = 0
        self.nan = False
        self.passes = 0
        self.sum: PairwiseSum | None = None
        self.order: OrderStatistics | None = None

    @property
    def columns(self) -> list[str]:
        return [self.column] + (["outcome"] if self.outcome is not None else [])

    def values(self, part: pd.DataFrame) -> np.ndarray:
        values = part[self.column].to_numpy(dtype=float)
        if self.outcome is not None:
            values = values[part["outcome"].astype(object).to_numpy() == self.outcome]
        if self.settled:
            return values[~np.isnan(values)]
        return values

    @property
    def wanted(self) -> bool:
        """Whether another pass is needed."""
        if self.passes < 2:
            return self.passes == 0 or (self.n > 0 and not self.nan)
        return self.order is not None and not self.order.done

    def feed(self, part: pd.DataFrame) -> None:
        values = self.values(part)
        if self.passes == 0:
            self.n += values.size
            self.nan = self.nan or bool(np.isnan(values).any())
            return
        if self.passes == 1 and self.sum is not None:
            self.sum.add(values)
        if self.order is not None:
            self.order.feed(values)

    def end_pass(self) -> None:
        if self.passes == 0 and self.n and not self.nan:
            self.sum = PairwiseSum(self.n)
            if self.quantiles:
                lower, upper, _ = quantile_ranks(self.n, PERCENTILES)
                self.order = OrderStatistics(self.n, [*lower.tolist(), *upper.tolist()])
        elif self.order is not None:
            self.order.end_pass()
        self.passes += 1

    def mean(self) -> float | None:
        if self.n == 0 or self.nan or self.sum is None:
            return None
        return _num(self.sum.mean())

    def stats(self) -> dict[str, float | None]:
        """``{"mean", "p10", "p50", "p90"}`` (all ``None`` without values or with a NaN)."""
        if self.order is None:
            return {"mean": None, "p10": None, "p50": None, "p90": None}
        p10, p50, p90 = percentiles(self.n, PERCENTILES, self.order.values)
        return {"mean": self.mean(), "p10": _num(p10), "p50": _num(p50), "p90": _num(p90)}


class _Counts:
    """What one pass through the runs counts: outcomes, flags, imposed peace, fired events."""

    def __init__(self, order: Sequence[str], fired: Sequence[str]) -> None:
        self.order = order
        self.n = 0
        self.outcomes: Counter[str] = Counter()
        self.unknown: set[str] = set()
        self.missing_outcome = False
        self.dictated = 0
        self.dictated_missing = False
        self.holds = 0
        self.holds_known = 0
        self.imposed: Counter[str] = Counter()
        self.any_exchange = 0
        self.fired = dict.fromkeys(fired, 0)

    def feed(self, part: pd.DataFrame) -> None:
        self.n += len(part)
        outcome = part["outcome"].astype(object)
        self.missing_outcome = self.missing_outcome or bool(outcome.isna().any())
        self.unknown |= set(outcome.dropna()) - set(self.order)
        self.outcomes.update({str(k): int(v) for k, v in outcome.value_counts().items()})
        dictated = part["dictated_peace"].astype("boolean")
        self.dictated_missing = self.dictated_missing or bool(dictated.isna().any())
        self.dictated += int(dictated.sum())
        known = part["agreement_holds"].astype("boolean").dropna()
        self.holds += int(known.sum())
        self.holds_known += len(known)
        imposed = part["imposed_on"].fillna("").astype(str).value_counts()
        self.imposed.update({str(k): int(v) for k, v in imposed.items()})
        self.any_exchange += int((part["exchanges"].to_numpy(dtype=float) > 0).sum())
        for col in self.fired:
            self.fired[col] += int(part[col].notna().sum())

    def check(self) -> None:
        if self.unknown or self.missing_outcome:
            bad = ", ".join(map(repr, sorted(self.unknown))) or "a missing value"
            raise ResultsError(f"runs table has an unknown outcome {bad}; expected one of "
                               f"{list(self.order)}")
        if self.dictated_missing:
            raise ResultsError("runs.dictated_peace must be true or false in every run")


def _require(columns: Sequence[str], wanted: Sequence[str]) -> None:
    missing = [c for c in wanted if c not in columns]
    if missing:
        raise ResultsError(f"runs table lacks the column(s) {', '.join(missing)}")


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
    return summarise_batches(lambda cols: [runs], list(runs.columns), meta)


def summarise_parquet(path: str | os.PathLike[str], meta: Mapping[str, Any],
                      batch_rows: int | None = None) -> dict[str, Any]:
    """:func:`summarise` of a ``runs.parquet`` file, read in batches of ``batch_rows`` rows.

    Memory does not grow with the number of runs (a few passes through the file, each holding
    one batch of the columns it needs); the dict is the one :func:`summarise` gives on the whole
    table, float for float. Batches default to the file's row groups, read one at a time on
    this thread (batches spanning several row groups, or decoded on threads, hold more memory
    for longer than the batch).

    Raises:
        ResultsError: as :func:`summarise`, or if the file cannot be read.
    """
    try:
        pf = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        raise ResultsError(f"cannot read {path}: {exc}") from exc

    rows = batch_rows or (pf.metadata.row_group(0).num_rows if pf.metadata.num_row_groups
                          else 1)

    def batches(cols: Sequence[str]) -> Iterator[pd.DataFrame]:
        for batch in pf.iter_batches(batch_size=max(rows, 1), columns=list(cols),
                                     use_threads=False):
            yield batch.to_pandas()

    return summarise_batches(batches, pf.schema_arrow.names, meta)


def summarise_batches(batches: Batches, columns: Sequence[str],
                      meta: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`summarise` of a runs table given as batches of rows (``columns``: its columns).

    ``batches`` is called once per pass through the table (two, and a few more for the
    percentiles of more than :data:`~sim.results.exact.COLLECT` values).
    """
    order = outcome_order(meta)
    issues = issue_ids(meta)
    _require(columns, ["outcome", "rounds", "dictated_peace", "imposed_on", "agreement_holds",
                       "exchanges"])
    _require(columns, [f"terms.{i}" for i in issues])
    if "seed" not in meta:
        raise ResultsError("meta has no 'seed'")
    fired = [c for c in columns if c.startswith("fired.")]
    counts = _Counts(order, fired)
    exchanges = _Sample("exchanges")
    rounds = _Sample("rounds")
    by_outcome = {name: _Sample("rounds", quantiles=False, outcome=name) for name in order}
    terms = {issue: _Sample(f"terms.{issue}", settled=True) for issue in issues}
    samples = [exchanges, rounds, *by_outcome.values(), *terms.values()]

    first = True
    while first or any(s.wanted for s in samples):
        active = [s for s in samples if s.wanted]
        cols = sorted({c for s in active for c in s.columns})
        if first:
            cols = sorted({*cols, "outcome", "dictated_peace", "imposed_on", "agreement_holds",
                           "exchanges", *fired})
        for part in batches(cols):
            if first:
                counts.feed(part)
            for sample in active:
                sample.feed(part)
        if first:
            counts.check()
        for sample in active:
            sample.end_pass()
        first = False

    n = counts.n
    sides = [str(s) for s in meta.get("battlefield_sides") or []]
    named = sorted(s for s in counts.imposed if s and s not in sides)
    holds = share_entry(counts.holds, counts.holds_known)
    holds["of"] = int(counts.holds_known)
    exchange_stats: dict[str, Any] = exchanges.stats()
    exchange_stats["any"] = share_entry(counts.any_exchange, n)
    round_stats: dict[str, Any] = rounds.stats()
    round_stats["by_outcome"] = {name: s.mean() for name, s in by_outcome.items()}
    term_stats: dict[str, Any] = {}
    for issue, sample in terms.items():
        entry: dict[str, Any] = sample.stats()
        entry["settled_share"] = (sample.n / n) if n else None
        term_stats[issue] = entry
    return {
        "scenario": scenario_name(meta),
        "runs": int(n),
        "seed": int(meta["seed"]),
        "outcomes": {name: share_entry(counts.outcomes.get(name, 0), n) for name in order},
        "flags": {
            "dictated_peace": share_entry(counts.dictated, n),
            "agreement_holds": holds,
        },
        "imposed_on": {side: share_entry(counts.imposed.get(side, 0), n)
                       for side in [*sides, *named]},
        "exchanges": exchange_stats,
        "rounds": round_stats,
        "terms": term_stats,
        "fired": {col.removeprefix("fired."): (counts.fired[col] / n) if n else None
                  for col in fired},
    }


__all__ = ["OUTCOMES", "share_entry", "summarise", "summarise_batches", "summarise_parquet"]
