from __future__ import annotations

import numpy as np
import pandas as pd

from sim.sweep.designs import morris, sobol
from sim.sweep.sensitivity import MORRIS_COLUMNS, SOBOL_COLUMNS, morris_indices, sobol_indices

BOUNDS = {"strong": (0.0, 1.0), "weak": (0.0, 1.0), "none": (0.0, 1.0)}


def _points(x: pd.DataFrame) -> pd.DataFrame:
    pts = x.reset_index(drop=True).copy()
    pts["collapse.share"] = 0.6 * pts["strong"] + 0.1 * pts["weak"]
    pts["stalemate.share"] = 0.3
    return pts


def test_sobol_indices_rank_inputs():
    pts = _points(sobol(BOUNDS, 256, seed=1))
    df = sobol_indices(pts, BOUNDS, ["collapse", "stalemate"], seed=1)
    assert list(df.columns) == list(SOBOL_COLUMNS)
    assert len(df) == 6
    c = df[df["output"] == "collapse"].set_index("parameter")
    assert c.loc["strong", "ST"] > 0.9 and c.loc["weak", "ST"] < 0.1
    assert abs(c.loc["none", "ST"]) < 0.02
    assert (c["S1_conf"] >= 0).all() and (c["ST_conf"] >= 0).all()
    flat = df[df["output"] == "stalemate"]
    assert flat[["S1", "ST"]].isna().all().all()  # an output that does not vary


def test_morris_indices_rank_inputs():
    x = morris(BOUNDS, 20, seed=2)
    pts = _points(x)
    df = morris_indices(pts, BOUNDS, ["collapse"], seed=2)
    assert list(df.columns) == list(MORRIS_COLUMNS)
    m = df.set_index("parameter")
    assert np.isclose(m.loc["strong", "mu_star"], 0.6)
    assert np.isclose(m.loc["weak", "mu_star"], 0.1)
    assert np.isclose(m.loc["none", "mu_star"], 0.0)
    assert m["sigma"].max() < 1e-9  # linear: no interactions
