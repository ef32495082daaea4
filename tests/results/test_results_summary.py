from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.results import OUTCOMES, ResultsError, summarise


@pytest.fixture(scope="module")
def summary(synthetic):
    return summarise(synthetic.runs, synthetic.meta)


def test_top_level_keys(summary):
    assert list(summary) == [
        "scenario",
        "runs",
        "seed",
        "outcomes",
        "flags",
        "imposed_on",
        "exchanges",
        "rounds",
        "terms",
        "fired",
    ]
    assert summary["scenario"] == "synthetic"
    assert summary["runs"] == 200
    assert summary["seed"] == 20250516


def test_outcomes_in_fixed_order_and_sum_to_one(summary, synthetic):
    assert list(summary["outcomes"]) == list(OUTCOMES)
    assert sum(e["share"] for e in summary["outcomes"].values()) == pytest.approx(1.0)
    assert sum(e["count"] for e in summary["outcomes"].values()) == len(synthetic.runs)
    counts = synthetic.runs["outcome"].value_counts()
    for name, entry in summary["outcomes"].items():
        assert entry["count"] == counts.get(name, 0)
        assert set(entry) == {"share", "ci95", "count"}


def test_intervals_contain_their_share(summary):
    entries = [*summary["outcomes"].values(), *summary["flags"].values()]
    for entry in entries:
        lo, hi = entry["ci95"]
        assert 0.0 <= lo <= entry["share"] <= hi <= 1.0


def test_flags(summary, synthetic):
    runs = synthetic.runs
    dictated = summary["flags"]["dictated_peace"]
    assert dictated["count"] == int(runs["dictated_peace"].sum())
    assert dictated["share"] == pytest.approx(runs["dictated_peace"].mean())
    holds = summary["flags"]["agreement_holds"]
    with_ceasefire = runs["outcome"].isin(["comprehensive", "ceasefire"])
    assert holds["of"] == int(with_ceasefire.sum()) == int(runs["agreement_holds"].notna().sum())
    assert holds["count"] == int(runs["agreement_holds"].sum())
    assert holds["share"] == pytest.approx(holds["count"] / holds["of"])
    assert list(summary["imposed_on"]) == ["russia", "ukraine"]  # the battlefield sides
    for side, entry in summary["imposed_on"].items():
        assert entry["count"] == int((runs["imposed_on"] == side).sum())
    assert sum(e["count"] for e in summary["imposed_on"].values()) == dictated["count"]


def test_exchanges(synthetic):
    runs = synthetic.runs.copy()
    runs["exchanges"] = [k % 4 for k in range(len(runs))]  # 0, 1, 2, 3, 0, ...
    got = summarise(runs, synthetic.meta)["exchanges"]
    assert got["mean"] == pytest.approx(1.5)
    assert (got["p10"], got["p50"], got["p90"]) == (0.0, 1.5, 3.0)
    assert got["any"]["count"] == 150 and got["any"]["share"] == pytest.approx(0.75)


def test_rounds(summary, synthetic):
    rounds = synthetic.runs["rounds"]
    stats = summary["rounds"]
    assert stats["mean"] == pytest.approx(rounds.mean())
    assert stats["p50"] == pytest.approx(rounds.median())
    assert stats["p10"] <= stats["p50"] <= stats["p90"]
    assert list(stats["by_outcome"]) == list(OUTCOMES)
    assert stats["by_outcome"]["stalemate"] == pytest.approx(20.0)


def test_terms_over_settled_runs(summary, synthetic):
    assert list(summary["terms"]) == ["ceasefire", "territory", "humanitarian"]
    for issue, entry in summary["terms"].items():
        values = synthetic.runs[f"terms.{issue}"].dropna()
        assert entry["mean"] == pytest.approx(values.mean())
        assert entry["p50"] == pytest.approx(values.median())
        assert entry["settled_share"] == pytest.approx(len(values) / 200)


def test_fired_shares(summary, synthetic):
    assert set(summary["fired"]) == {"eu_sanctions", "putin_attends"}
    expected = synthetic.runs["fired.eu_sanctions"].notna().mean()
    assert summary["fired"]["eu_sanctions"] == pytest.approx(expected)


def test_json_safe_with_nulls_for_undefined_numbers(synthetic):
    runs = synthetic.runs.copy()
    runs["terms.territory"] = np.nan
    runs["agreement_holds"] = pd.array([pd.NA] * len(runs), dtype="boolean")
    summary = summarise(runs, synthetic.meta)
    text = json.dumps(summary, allow_nan=False)  # raises on NaN
    assert json.loads(text) == summary
    assert summary["terms"]["territory"] == {
        "mean": None,
        "p10": None,
        "p50": None,
        "p90": None,
        "settled_share": 0.0,
    }
    holds = summary["flags"]["agreement_holds"]
    assert holds == {"share": None, "ci95": [0.0, 1.0], "count": 0, "of": 0}


def test_outcome_never_seen_has_zero_share_and_null_mean_round(synthetic):
    runs = synthetic.runs[synthetic.runs["outcome"] != "collapse"]
    summary = summarise(runs, synthetic.meta)
    assert summary["outcomes"]["collapse"]["share"] == 0.0
    assert summary["outcomes"]["collapse"]["ci95"][0] == 0.0
    assert summary["rounds"]["by_outcome"]["collapse"] is None


def test_unknown_outcome_is_an_error(synthetic):
    runs = synthetic.runs.copy()
    runs.loc[0, "outcome"] = "victory"
    with pytest.raises(ResultsError, match="victory"):
        summarise(runs, synthetic.meta)


def test_missing_terms_column_is_an_error(synthetic):
    with pytest.raises(ResultsError, match="terms.territory"):
        summarise(synthetic.runs.drop(columns="terms.territory"), synthetic.meta)
