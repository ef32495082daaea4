from __future__ import annotations

import pytest

from helpers.synthetic import SyntheticRun, synthetic_run


@pytest.fixture(scope="session")
def synthetic() -> SyntheticRun:
    """Contract-shaped tables: 3 issues, 4 actors, 200 runs."""
    return synthetic_run(runs=200, seed=20250516)


@pytest.fixture
def write_kwargs(synthetic, tmp_path):
    """Everything write_run_dir needs except out_dir."""
    return {
        "root": tmp_path / "results",
        "scenario_name": "synthetic",
        "seed": 20250516,
        "runs_df": synthetic.runs,
        "rounds_df": synthetic.rounds,
        "meta": synthetic.meta,
        "scenario_yaml": synthetic.scenario_yaml,
        "manifest": synthetic.manifest,
    }
