"""Scenario discovery (PRIM): a box known by construction is found, with its statistics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.sweep import SweepError, run_sweep
from sim.sweep.discovery import discover

from .conftest import GRID_2X2


def known_box(n=3000, seed=3):
    """y = 1 with chance 0.9 inside a > 0.6 and b < 0.3, 0.05 elsewhere; c is noise."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame({"a": rng.uniform(size=n), "b": rng.uniform(size=n),
                      "c": rng.uniform(size=n)})
    inside = (x["a"] > 0.6) & (x["b"] < 0.3)
    y = rng.uniform(size=n) < np.where(inside, 0.9, 0.05)
    return x, y, inside


def test_prim_finds_the_box_it_was_given():
    x, y, inside = known_box()
    box = discover(x, y, boxes=1)[0]
    assert set(box.limits) == {"a", "b"}  # the noise input is not restricted
    lo_a, hi_a = box.limits["a"]
    lo_b, hi_b = box.limits["b"]
    assert abs(lo_a - 0.6) < 0.05 and hi_a == pytest.approx(x["a"].max())
    assert abs(hi_b - 0.3) < 0.05 and lo_b == pytest.approx(x["b"].min())
    assert box.density > 0.8 and box.coverage > 0.6
    assert box.support == pytest.approx(box.count / len(y))
    truth = y[inside.to_numpy()].sum() / y.sum()
    assert abs(box.coverage - truth) < 0.1
    first = box.trajectory.iloc[0]
    assert (first["support"], first["coverage"]) == (1.0, 1.0)
    assert first["density"] == pytest.approx(y.mean())


def test_prim_finds_no_box_in_noise_and_refuses_a_constant_outcome():
    rng = np.random.default_rng(5)
    x = pd.DataFrame({"a": rng.uniform(size=2000), "b": rng.uniform(size=2000)})
    box = discover(x, rng.uniform(size=2000) < 0.3, boxes=1)[0]
    assert box.limits == {}
    with pytest.raises(SweepError, match="happens in 0 of"):
        discover(x, np.zeros(2000, bool))


def test_discover_reads_a_run_and_a_sweep_folder(tmp_path, write_sweep, capsys):
    tiny = __import__("pathlib").Path(__file__).resolve().parents[1] / "scenarios" / \
        "tiny_uncertain.yaml"
    assert main(["run", str(tiny), "--runs", "300", "--out", str(tmp_path / "r"), "--quiet",
                 "--no-plots"]) == 0
    assert main(["discover", str(tmp_path / "r"), "--outcome", "stalemate"]) in (0, 2)
    out = capsys.readouterr()
    assert "Scenario discovery of stalemate" in out.out or "happens in" in out.err
    sweep = run_sweep(write_sweep(GRID_2X2), tmp_path / "s", plots=False)
    counts = pd.read_parquet(sweep / "points")["outcome"].value_counts()
    mixed = [o for o, k in counts.items() if 0 < k < counts.sum()]
    assert main(["discover", str(sweep), "--outcome", mixed[0], "--boxes", "1"]) == 0
    printed = capsys.readouterr().out
    assert "(sweep: 160 replications" in printed and "Box 1: density" in printed
    assert main(["discover", str(sweep), "--outcome", "peace"]) == 2
    assert "expected one of" in capsys.readouterr().err
