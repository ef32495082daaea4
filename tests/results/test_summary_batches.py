"""The summary computed in passes over batches (as ``summary.json`` of a streamed run is) is the
summary of the whole table, float for float.

``reference`` below is how the summary was computed before runs were streamed: ``np.mean`` and
``np.percentile`` on whole columns. The batch summariser must give exactly its dict (and so the
same ``summary.json`` text) on tables held in memory and on ``runs.parquet`` files read in
batches of any size, including tables with more values than one pass collects
(:data:`sim.results.exact.COLLECT`).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from sim.results import ResultsError, summarise
from sim.results.exact import COLLECT
from sim.results.meta import OUTCOMES, issue_ids, outcome_order, scenario_name
from sim.results.stats import wilson_interval
from sim.results.store import write_parquet
from sim.results.summary import summarise_parquet


def _num(x):
    if x is None or x is pd.NA:
        return None
    x = float(x)
    return None if math.isnan(x) else x


def _share(count, n):
    lo, hi = wilson_interval(int(count), int(n))
    return {"share": (count / n) if n else None, "ci95": [lo, hi], "count": int(count)}


def _quantiles(values):
    if values.size == 0:
        return {"mean": None, "p10": None, "p50": None, "p90": None}
    p10, p50, p90 = np.percentile(values, [10, 50, 90])
    return {"mean": _num(values.mean()), "p10": _num(p10), "p50": _num(p50), "p90": _num(p90)}


def reference(runs, meta):
    """The summary as computed on the whole table before streaming (sim/results/summary.py)."""
    order = outcome_order(meta)
    n = len(runs)
    outcome = runs["outcome"].astype(object)
    counts = outcome.value_counts()
    holds = runs["agreement_holds"].astype("boolean").dropna()
    flags = {"dictated_peace": _share(int(runs["dictated_peace"].astype("boolean").sum()), n),
             "agreement_holds": {**_share(int(holds.sum()), len(holds)), "of": len(holds)}}
    sides = [str(s) for s in meta.get("battlefield_sides") or []]
    imposed = runs["imposed_on"].fillna("").astype(str)
    named = sorted(s for s in imposed.unique() if s and s not in sides)
    exchanges = runs["exchanges"].to_numpy(dtype=float)
    ex = _quantiles(exchanges)
    ex["any"] = _share(int((exchanges > 0).sum()), n)
    rounds = runs["rounds"].to_numpy(dtype=float)
    ro = _quantiles(rounds)
    oc = outcome.to_numpy()
    ro["by_outcome"] = {name: (_num(rounds[oc == name].mean()) if np.any(oc == name) else None)
                        for name in order}
    terms = {}
    for issue in issue_ids(meta):
        values = runs[f"terms.{issue}"].to_numpy(dtype=float)
        settled = values[~np.isnan(values)]
        terms[issue] = {**_quantiles(settled), "settled_share": (settled.size / n) if n else None}
    fired = {c.removeprefix("fired."): (int(runs[c].notna().sum()) / n) if n else None
             for c in runs.columns if c.startswith("fired.")}
    return {"scenario": scenario_name(meta), "runs": n, "seed": int(meta["seed"]),
            "outcomes": {name: _share(int(counts.get(name, 0)), n) for name in order},
            "flags": flags,
            "imposed_on": {s: _share(int((imposed == s).sum()), n) for s in [*sides, *named]},
            "exchanges": ex, "rounds": ro, "terms": terms, "fired": fired}


META = {"name": "wide", "seed": 3, "battlefield_sides": ["russia", "ukraine"],
        "issues": {i: {"label": i} for i in ("ceasefire", "territory", "prisoners", "never")},
        "actors": {"russia": {}, "ukraine": {}}}


def wide_runs(n: int, seed: int) -> pd.DataFrame:
    """A contract-shaped runs table with ties, zeros, unsettled issues and rare outcomes."""
    rng = np.random.default_rng(seed)
    outcome = rng.choice(OUTCOMES, n, p=[0.05, 0.25, 0.2, 0.2, 0.29, 0.01])
    settled = np.isin(outcome, ["comprehensive", "ceasefire", "partial"])
    ceasefire = np.where(settled, rng.random(n) * 35, np.nan)
    territory = np.where(settled & (rng.random(n) < 0.7), 50.0, np.nan)  # one value, many ties
    territory[settled & np.isnan(territory)] = rng.normal(60, 20, int(
        (settled & np.isnan(territory)).sum()))
    prisoners = np.where(rng.random(n) < 0.5, rng.integers(0, 5, n) * 12.5, np.nan)
    prisoners[rng.random(n) < 0.05] = -0.0
    agreement = np.isin(outcome, ["comprehensive", "ceasefire"])
    dictated = agreement & (rng.random(n) < 0.2)
    return pd.DataFrame({
        "run": np.arange(n, dtype=np.int64),
        "seed": rng.integers(0, 2**62, n),
        "outcome": outcome.astype(object),
        "rounds": rng.integers(1, 21, n),
        "dictated_peace": dictated,
        "imposed_on": np.where(dictated, np.where(rng.random(n) < 0.5, "russia", "usa"),
                               "").astype(object),
        "agreement_holds": pd.array([bool(h) if a else pd.NA
                                     for a, h in zip(agreement, rng.random(n) < 0.6,
                                                     strict=True)], dtype="boolean"),
        "exchanges": rng.poisson(2.0, n).astype(np.int64),
        "walkout_by": np.where(outcome == "collapse", "ukraine", "").astype(object),
        "terms.ceasefire": ceasefire,
        "terms.territory": territory,
        "terms.prisoners": prisoners,
        "terms.never": np.full(n, np.nan),
        "fired.sanctions": np.where(rng.random(n) < 0.3, rng.integers(1, 20, n), np.nan),
        "param.edge": rng.normal(0, 1, n),
    })


def same(got, want):
    assert got == want
    assert json.dumps(got, allow_nan=False) == json.dumps(want, allow_nan=False)


@pytest.mark.parametrize("n", [1, 2, 10, 1000, COLLECT + 1, 3 * COLLECT + 17])
def test_in_memory_summary_is_the_whole_table_summary(n):
    runs = wide_runs(n, seed=n)
    same(summarise(runs, META), reference(runs, META))


@pytest.mark.parametrize("n, batch", [(5000, 1), (5000, 999), (2 * COLLECT + 3, 1 << 16),
                                      (2 * COLLECT + 3, 12_345)])
def test_parquet_summary_in_batches_is_the_whole_table_summary(n, batch, tmp_path):
    from sim.results.store import prepare_runs

    runs = prepare_runs(wide_runs(n, seed=7))
    path = tmp_path / "runs.parquet"
    write_parquet(runs, path)
    want = reference(pd.read_parquet(path), META)
    same(reference(runs, META), want)
    same(summarise_parquet(path, META, batch_rows=batch), want)


def test_synthetic_and_simulated_tables(synthetic):
    same(summarise(synthetic.runs, synthetic.meta), reference(synthetic.runs, synthetic.meta))


def test_errors_are_those_of_the_whole_table(tmp_path):
    runs = wide_runs(100, seed=1)
    bad = runs.copy()
    bad.loc[7, "outcome"] = "victory"
    bad["dictated_peace"] = bad["dictated_peace"].astype("boolean")
    bad.loc[3, "dictated_peace"] = pd.NA  # both wrong: the outcome is reported, as before
    with pytest.raises(ResultsError, match="unknown outcome 'victory'"):
        summarise(bad, META)
    bad = runs.copy()
    bad["dictated_peace"] = bad["dictated_peace"].astype("boolean")
    bad.loc[3, "dictated_peace"] = pd.NA
    with pytest.raises(ResultsError, match="dictated_peace must be true or false"):
        summarise(bad, META)
    with pytest.raises(ResultsError, match="terms.territory"):
        summarise(runs.drop(columns="terms.territory"), META)
