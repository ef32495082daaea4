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
