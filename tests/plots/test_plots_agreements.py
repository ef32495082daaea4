from __future__ import annotations

from pathlib import Path

from sim.cli import main
from sim.plots.rounds import agreement_rounds
from sim.plots.trajectories import fired_markers
from sim.results import read_run_dir

TINY = Path(__file__).resolve().parents[1] / "scenarios" / "tiny_two_party.yaml"


def test_agreement_rounds_and_event_markers_follow_the_saved_tables(tmp_path):
    out = tmp_path / "r"
    assert main(["run", str(TINY), "--runs", "30", "--out", str(out), "--no-plots",
                 "--quiet"]) == 0
    rd = read_run_dir(out)
    table = agreement_rounds(rd)
    assert list(table.index) == ["ceasefire", "territory", "humanitarian"]
    shares = table.sum(axis=1)
    assert (shares <= 1 + 1e-12).all()
    for issue in table.index:  # share of runs that settled it = share with terms
        settled = rd.runs[f"terms.{issue}"].notna().mean()
        assert abs(shares[issue] - settled) < 1e-12
    markers = dict((name, (rnd, share)) for name, rnd, share in fired_markers(rd.runs))
    assert markers["sanctions"][0] == 4
    assert 0 < markers["sanctions"][1] <= 1


def test_the_humanitarian_track_shows_its_exchanges(tmp_path):
    """The exchanged issue is never settled: rounds.png shows the share of runs with an
    exchange in each round, terms.png the terms of the last exchange."""
    out = tmp_path / "h"
    path = TINY.parent / "tiny_humanitarian.yaml"
    assert main(["run", str(path), "--runs", "30", "--out", str(out), "--quiet"]) == 0
    rd = read_run_dir(out)
    assert rd.meta["issues"]["prisoners"]["exchanged"] is True
    assert not rd.meta["issues"]["territory"]["exchanged"]
    table = agreement_rounds(rd)
    once = rd.rounds[(rd.rounds["issue"] == "prisoners") & (rd.rounds["actor"] == "_text")]
    per_round = once.groupby("round")["exchange"].sum() / 30  # of all traced runs
    for rnd, share in table.loc["prisoners"].items():
        assert abs(share - per_round[rnd]) < 1e-12
    assert abs(table.loc["prisoners"].sum() - rd.runs["exchanges"].sum() / 30) < 1e-12
    assert rd.summary["exchanges"]["mean"] == rd.runs["exchanges"].mean()
    assert len(list((out / "plots").glob("*.png"))) == 6
