"""A sweep above the work budget is refused before anything is built or written."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli import main
from sim.scenario.budget import WORK_LIMIT, estimate, too_large

TINY = Path(__file__).resolve().parent / "data" / "tiny.yaml"


@pytest.mark.parametrize("design", [
    "design: grid\nparameters:\n  battlefield.stake: {low: 0, high: 0.2, steps: 1000}\n"
    "  battlefield.rearm_fear: {low: 0, high: 1, steps: 1000}\n",
    "design: lhs\nsamples: 1000000000\nparameters:\n  battlefield.stake: {low: 0, high: 0.2}\n",
])
def test_a_runaway_sweep_is_refused_naming_its_size(tmp_path, capsys, design):
    sweep = tmp_path / "big.yaml"
    sweep.write_text(f"sweep: 1\nscenario: {TINY}\nruns_per_point: 1000\n{design}"
                     "outputs: [partial]\n")
    out = tmp_path / "out"
    assert main(["sweep", str(sweep), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--allow-large" in err and "points" in err and "Traceback" not in err
    assert not out.exists()


def test_the_budget_arithmetic():
    assert too_large("x", estimate(1000, 12)) is None
    est = estimate(WORK_LIMIT, 2)
    assert est.work == 2 * WORK_LIMIT
    assert "x: " in too_large("x", est) and "--allow-large" in too_large("x", est)
