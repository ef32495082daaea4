"""Drivers of each outcome, checked on a runs table whose answer is known."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.results.drivers import clear, drivers_table


def test_an_input_and_an_event_that_decide_an_outcome_come_first():
    rng = np.random.default_rng(1)
    n = 2000
    x = rng.uniform(0, 1, n)          # decides: partial when x > 0.5
    noise = rng.uniform(0, 1, n)      # does nothing
    fired = np.where(rng.uniform(size=n) < 0.3, 2.0, np.nan)  # a ceasefire when it fired
    outcome = np.where(~np.isnan(fired), "ceasefire",
                       np.where(x > 0.5, "partial", "humanitarian_only"))
    runs = pd.DataFrame({"run": range(n), "outcome": outcome, "param.a": x, "param.b": noise,
                         "fired.summit": fired})
    t = drivers_table(runs)
    partial = t[t["outcome"] == "partial"].iloc[0]
    assert partial["driver"] == "a" and partial["kind"] == "input"
    assert partial["share_low"] < 0.05 and partial["share_high"] > 0.6 and clear(partial)
    cf = t[t["outcome"] == "ceasefire"].iloc[0]
    assert cf["driver"] == "summit" and cf["share_high"] == 1.0 and cf["share_low"] == 0.0
    b = t[(t["outcome"] == "partial") & (t["driver"] == "b")].iloc[0]
    assert abs(b["diff"]) < 0.1 and b["diff_lo"] < b["diff"] < b["diff_hi"]
    assert set(t["outcome"]) == {"ceasefire", "partial", "humanitarian_only"}


def test_a_rare_event_with_an_unresolved_difference_does_not_head_the_list():
    rng = np.random.default_rng(2)
    n = 20000
    x = rng.uniform(0, 1, n)  # a small, clear effect: partial from 40% to 50% as x goes 0 -> 1
    outcome = np.where(rng.uniform(size=n) < 0.4 + 0.1 * x, "partial", "humanitarian_only")
    rare = np.full(n, np.nan)
    rare[:2] = 1.0  # fired twice, both partial: a big difference, an interval that includes 0
    outcome[:2] = "partial"
    runs = pd.DataFrame({"run": range(n), "outcome": outcome, "param.a": x, "fired.rare": rare})
    part = drivers_table(runs).query("outcome == 'partial'")
    first, rare_row = part.iloc[0], part[part["driver"] == "rare"].iloc[0]
    assert abs(rare_row["diff"]) > abs(first["diff"]) and not clear(rare_row)
    assert first["driver"] == "a" and clear(first)
