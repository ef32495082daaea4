"""Regenerate the golden files after an intended change of the model.

    .venv/bin/python tests/golden/regenerate.py

Review the diff (`git diff tests/golden`) before committing: every changed number is a changed
answer of the model.
"""

from __future__ import annotations

from pathlib import Path

from sim.engine.runner import simulate
from sim.scenario import load_scenario

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE.parent / "scenarios"
CASES = {"tiny_two_party": 30, "zeuthen_single_issue": 1, "tiny_uncertain": 30,
         "tiny_humanitarian": 30}


def golden_table(name: str, runs: int):
    """The run table of a tiny scenario, as stored in its golden CSV."""
    res = simulate(load_scenario(SCENARIOS / f"{name}.yaml"), runs=runs, trace_runs=0)
    return res.runs


def main() -> None:
    for name, runs in CASES.items():
        if (SCENARIOS / f"{name}.yaml").exists():
            golden_table(name, runs).to_csv(HERE / f"{name}.csv", index=False,
                                             float_format="%.12g")
            print(f"wrote {name}.csv")


if __name__ == "__main__":
    main()
