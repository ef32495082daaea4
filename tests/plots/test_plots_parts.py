from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers.synthetic import META

from sim.plots import terms
from sim.plots.trajectories import carried_forward, fan


def test_carried_forward_keeps_the_last_value_of_ended_runs():
    long = pd.DataFrame(
        {
            "run": [0, 0, 0, 1, 1],
            "round": [0, 1, 2, 0, 1],
            "position": [90.0, 80.0, 70.0, 10.0, 20.0],
        }
    )
    wide = carried_forward(long, "position", last_round=4)
    assert list(wide.columns) == [0, 1, 2, 3, 4]
    np.testing.assert_array_equal(wide.loc[0], [90, 80, 70, 70, 70])
    np.testing.assert_array_equal(wide.loc[1], [10, 20, 20, 20, 20])


def test_fan_quantiles_per_round():
    wide = pd.DataFrame({0: np.arange(11.0), 1: np.arange(11.0) * 2})
    q = fan(wide)
    assert list(q.index) == [0.10, 0.25, 0.50, 0.75, 0.90]
    assert q.loc[0.50, 0] == pytest.approx(5.0)
    assert q.loc[0.90, 1] == pytest.approx(18.0)


@pytest.mark.parametrize("issue", list(META["issues"]))
def test_anchor_labels_on_one_level_do_not_overlap(issue):
    points = sorted((float(k), v) for k, v in META["issues"][issue]["anchors"].items())
    labels = terms._anchor_labels(points)
    assert [x for x, _, _ in labels] == [x for x, _ in points]
    levels: dict[int, list[tuple[float, float]]] = {}
    for x, text, _ in labels:
        drop = len(text) - len(text.lstrip("\n"))
        levels.setdefault(drop, []).append(terms._extent(x, text.lstrip("\n")))
    for extents in levels.values():
        for (_, right), (left, _) in zip(extents, extents[1:], strict=False):
            assert right <= left, (issue, extents)


def test_dense_anchors_are_staggered():
    points = [
        (0.0, "none"),
        (11.0, "800k"),
        (33.0, "600k"),
        (56.0, "400k"),
        (72.0, "250k"),
        (89.0, "100k"),
        (91.0, "85k"),
        (100.0, "caps + demobilisation + disbanding units"),
    ]
    labels = terms._anchor_labels(points)
    drops = [len(t) - len(t.lstrip("\n")) for _, t, _ in labels]
    assert drops[0] == 0 and drops[1] > 0  # neighbours on different levels
    assert all(t.lstrip("\n").startswith(f"{x:g}\n") for x, t, _ in labels)
    assert [a for _, _, a in labels][0] == "left" and labels[-1][2] == "right"


def test_rounds_shows_first_agreements_when_every_run_ends_together(run_dir):
    import dataclasses

    from sim.plots import rounds
    from sim.results import read_run_dir

    rd = read_run_dir(run_dir)
    last = int(rd.runs["rounds"].max())
    sessions = pd.DataFrame({"run": np.repeat(rd.runs["run"].to_numpy(), 2),
                             "session": np.tile([1, 2], len(rd.runs)),
                             "settled": np.tile([0, 1], len(rd.runs))})
    together = dataclasses.replace(rd, runs=rd.runs.assign(rounds=last), sessions=sessions)
    fig = rounds.make_figure(together)
    assert "first main-track agreement" in fig.axes[0].get_xlabel()
    heights = sum(p.get_height() for p in fig.axes[0].patches)
    assert heights == len(rd.runs)  # every traced run is in one bar
    assert "first main-track" not in rounds.make_figure(rd).axes[0].get_xlabel()


def test_trajectories_fill_every_panel_and_label_the_forecast(run_dir):
    from sim.plots import trajectories
    from sim.results import read_run_dir

    fig = trajectories.make_figure(read_run_dir(run_dir))
    assert all(ax.axison for ax in fig.axes)  # no empty panel switched off
    assert trajectories.text_label({"protocol": "expected_utility"}).startswith("forecast")


def test_timeline_counts_each_outcome_by_the_session_it_was_reached():
    from sim.plots.timeline import EXCHANGE, timeline_table

    meta = {"issues": {"cf": {"track": "main", "decides_ceasefire": True},
                       "land": {"track": "main"}, "pows": {"track": "separate"}}}
    runs = pd.DataFrame({"run": [0, 1, 2, 3], "outcome": ["ceasefire", "partial",
                                                          "collapse", "stalemate"]})
    rows = []
    for run in range(4):
        for s in range(0, 4):
            rows.append({"run": run, "session": s, "settled": 0, "newly_settled": "",
                         "walkout": "", "exchange": False})
    ss = pd.DataFrame(rows)
    ss.loc[(ss.run == 0) & (ss.session == 3), ["newly_settled", "settled"]] = ["cf", 1]
    ss.loc[(ss.run == 1) & (ss.session >= 2), "settled"] = 1
    ss.loc[(ss.run == 1) & (ss.session == 2), "newly_settled"] = "land"
    ss.loc[(ss.run == 2) & (ss.session == 1), "walkout"] = "red"
    ss.loc[(ss.run == 3) & (ss.session == 2), "exchange"] = True
    t = timeline_table(runs, ss, meta).set_index(["event", "session"])
    assert list(t.loc["ceasefire", "count"]) == [0, 0, 1]
    assert list(t.loc["partial", "count"]) == [0, 1, 1]
    assert list(t.loc["collapse", "count"]) == [1, 1, 1]
    assert list(t.loc[EXCHANGE, "count"]) == [0, 1, 1]
    assert "stalemate" not in t.index.get_level_values(0)
    assert (t["n"] == 4).all() and t.loc[("ceasefire", 3), "share"] == 0.25
    lo, hi = t.loc[("ceasefire", 3), ["lo", "hi"]]
    assert lo < 0.25 < hi
