from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.sweep import SweepError
from sim.sweep.compare import COLUMNS, compare, format_table

from .conftest import TINY, TINY_B


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    out = tmp_path_factory.mktemp("cmp")
    return compare([TINY, TINY_B], runs=300, seed=2, out=out)


def test_difference_sign_and_interval(compared):
    table, plot = compared
    assert list(table.columns) == list(COLUMNS)
    assert table["label"].tolist()[:1] == ["sweep-tiny"]
    b = table[table["label"] == "sweep-tiny-b"].set_index("output")
    a = table[table["label"] == "sweep-tiny"].set_index("output")
    # the leader present and no rearm fear: both settle everything (at 300 runs), but on terms
    # that favour one side by more than the margin clearly more often
    assert b.loc["dictated_peace", "diff"] > 0.1
    assert np.isclose(b.loc["dictated_peace", "diff"],
                      b.loc["dictated_peace", "share"] - a.loc["dictated_peace", "share"])
    assert b.loc["dictated_peace", "diff_lo"] > 0  # clearly different
    ok = b.dropna(subset=["diff"])
    assert ((ok["diff_lo"] <= ok["diff"]) & (ok["diff"] <= ok["diff_hi"])).all()
    assert a["diff"].isna().all()  # the reference has no difference
    assert ((table["lo"] <= table["share"].fillna(0)) | table["share"].isna()).all()
    assert (table[table["output"] != "agreement_holds"]["n"] == 300).all()


def test_files_and_text(compared):
    table, plot = compared
    assert plot.name == "compare.png" and plot.stat().st_size > 10_000
    back = pd.read_csv(plot.parent / "compare.csv")
    assert back["output"].tolist() == table["output"].tolist()
    text = format_table(table)
    assert "comprehensive" in text and "sweep-tiny-b" in text and "diff vs first" in text


def test_result_folder_as_item(tmp_path):
    from sim.experiment import run_scenario

    rep = run_scenario(TINY, runs=200, seed=2, out=tmp_path / "run", plots=False)
    table, _ = compare([rep.path, TINY], runs=200, seed=2, out=tmp_path / "cmp")
    second = table[table["source"] == "scenario"]
    # the same scenario, runs and seed: identical shares, zero difference
    assert (second["diff"].fillna(0) == 0).all()
    assert table["label"].nunique() == 2  # same name, told apart by path


def test_bad_items(tmp_path):
    with pytest.raises(SweepError, match="at least two"):
        compare([TINY])
    with pytest.raises(SweepError, match="no such scenario file or result folder"):
        compare([TINY, tmp_path / "nothing.yaml"], runs=10)
    from sim.results.errors import ResultsError

    (tmp_path / "empty").mkdir()
    with pytest.raises(ResultsError, match="not a result folder"):
        compare([TINY, tmp_path / "empty"], runs=10)


def test_compare_draws_a_timeline_of_the_scenarios(tmp_path):
    from sim.sweep.compare import compare

    from .conftest import TINY, TINY_B

    compare([str(TINY), str(TINY_B)], runs=30, out=tmp_path / "cmp")
    assert (tmp_path / "cmp" / "timeline.png").stat().st_size > 10_000
