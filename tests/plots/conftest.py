from __future__ import annotations

import pytest
from helpers.synthetic import synthetic_run

from sim.results import write_run_dir


def write(folder, runs=None, rounds=None, meta=None, n=200):
    data = synthetic_run(runs=n, seed=20250516)
    return write_run_dir(
        folder,
        root=folder.parent,
        scenario_name="synthetic",
        seed=20250516,
        runs_df=data.runs if runs is None else runs(data.runs),
        rounds_df=data.rounds if rounds is None else rounds(data.rounds),
        meta=data.meta if meta is None else meta(data.meta),
        scenario_yaml=data.scenario_yaml,
        manifest=data.manifest,
    )


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """A result folder written from the synthetic tables (3 issues, 4 actors, 200 runs)."""
    return write(tmp_path_factory.mktemp("plots") / "run")


@pytest.fixture
def write_variant(tmp_path):
    """Write a result folder whose tables or meta are changed by the given functions."""
    return lambda **changes: write(tmp_path / "run", **changes)
