from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.sweep.designs import grid, lhs, morris, point_count, sobol

BOUNDS = {"a.x": (-0.5, 0.5), "b.y": (0.0, 0.01), "c.z": (10.0, 30.0)}


def _within(df, bounds):
    for key, (lo, hi) in bounds.items():
        assert df[key].between(lo, hi).all(), key


def test_grid_is_full_factorial_in_stable_order():
    df = grid({"p": [0, 1], "q": [0.1, 0.2, 0.3]})
    assert len(df) == 6 == point_count("grid", 2, None, [2, 3])
    assert df.index.name == "point"
    assert df.values.tolist() == [[0, 0.1], [0, 0.2], [0, 0.3], [1, 0.1], [1, 0.2], [1, 0.3]]
    assert str(df["p"].dtype) == "int64" and str(df["q"].dtype) == "float64"
    assert grid({"m": ["mediated", "alternating"]})["m"].tolist() == ["mediated", "alternating"]


def test_lhs_count_bounds_strata_and_seed():
    df = lhs(BOUNDS, 20, seed=3)
    assert len(df) == 20 == point_count("lhs", 3, 20)
    _within(df, BOUNDS)
    for key, (lo, hi) in BOUNDS.items():  # one point in each of the 20 strata
        strata = np.floor((df[key].to_numpy() - lo) / (hi - lo) * 20).clip(0, 19)
        assert sorted(strata.astype(int).tolist()) == list(range(20))
    assert lhs(BOUNDS, 20, seed=3).equals(df)
    assert not lhs(BOUNDS, 20, seed=4).equals(df)


def test_sobol_count_and_bounds():
    df = sobol(BOUNDS, 16, seed=1)
    assert len(df) == 16 * (3 + 2) == point_count("sobol", 3, 16)
    _within(df, BOUNDS)
    assert sobol(BOUNDS, 16, seed=1).equals(df)


def test_morris_count_levels_and_bounds():
    df = morris(BOUNDS, 5, seed=2)
    assert len(df) == 5 * (3 + 1) == point_count("morris", 3, 5)
    _within(df, BOUNDS)
    lo, hi = BOUNDS["c.z"]
    levels = np.round((df["c.z"].to_numpy() - lo) / (hi - lo) * 3, 9)
    assert set(levels.tolist()) <= {0.0, 1.0, 2.0, 3.0}  # a 4-level grid
    assert morris(BOUNDS, 5, seed=2).equals(df)
    # each trajectory moves one parameter at a time
    x = df.to_numpy().reshape(5, 4, 3)
    assert (np.count_nonzero(np.diff(x, axis=1), axis=2) == 1).all()


@settings(max_examples=25, deadline=None)
@given(lo=st.floats(-100, 100), width=st.floats(1e-3, 100), n=st.integers(1, 40),
       seed=st.integers(0, 2**31))
def test_lhs_stays_in_bounds(lo, width, n, seed):
    bounds = {"k": (lo, lo + width)}
    df = lhs(bounds, n, seed)
    assert len(df) == n
    assert ((df["k"] >= lo) & (df["k"] <= lo + width)).all()


@pytest.mark.parametrize("design,n", [("sobol", 8), ("morris", 4)])
def test_salib_designs_use_their_seed(design, n):
    fn = {"sobol": sobol, "morris": morris}[design]
    assert fn(BOUNDS, n, seed=1).equals(fn(BOUNDS, n, seed=1))
