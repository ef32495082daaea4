"""`{dist: posterior, file: ...}`: calibrated posteriors as scenario inputs, joint draws kept."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.engine.runner import simulate
from sim.results.store import write_parquet
from sim.scenario import at_means, load_scenario

TINY = Path(__file__).resolve().parents[1] / "scenarios" / "tiny_humanitarian.yaml"


def posterior_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "cal"
    folder.mkdir()
    table = pd.DataFrame({
        "particle": np.arange(4),
        "weight": [0.5, 0.0, 0.25, 0.25],
        "distance": [0.0, 0.0, 0.0, 0.0],
        "param.humanitarian.rate": [0.2, 0.99, 0.6, 0.8],
        "param.negotiation.acceptance_noise": [0.01, 0.5, 0.03, 0.04],
    })
    write_parquet(table, folder / "posterior.parquet")
    return folder


def scenario(tmp_path: Path, noise: str = "{dist: posterior, file: cal/posterior.parquet}",
             rate: str = "{dist: posterior, file: cal}") -> Path:
    path = tmp_path / "post.yaml"
    path.write_text(f"schema: 2\nextends: {TINY}\nname: post\n"
                    f"humanitarian:\n  rate: {rate}\n"
                    f"negotiation:\n  acceptance_noise: {noise}\n", encoding="utf-8")
    return path


def test_each_replication_takes_one_posterior_row_by_weight(tmp_path):
    posterior_folder(tmp_path)
    scn = load_scenario(scenario(tmp_path))
    runs = simulate(scn, runs=400, seed=3).runs
    pairs = set(zip(runs["param.humanitarian.rate"], runs["param.negotiation.acceptance_noise"],
                    strict=True))
    assert pairs <= {(0.2, 0.01), (0.6, 0.03), (0.8, 0.04)}  # rows kept whole; weight 0 never
    share = (runs["param.humanitarian.rate"] == 0.2).mean()
    assert share == pytest.approx(0.5, abs=0.08)
    again = simulate(scn, runs=400, seed=3).runs
    pd.testing.assert_frame_equal(runs, again)


def test_at_means_takes_the_weighted_posterior_mean(tmp_path):
    posterior_folder(tmp_path)
    scn = at_means(load_scenario(scenario(tmp_path)))
    assert scn.humanitarian.rate == pytest.approx(0.5 * 0.2 + 0.25 * 0.6 + 0.25 * 0.8)


def test_missing_column_and_file_are_errors_with_line_and_key(tmp_path, capsys):
    posterior_folder(tmp_path)
    path = scenario(tmp_path, noise="{dist: posterior, file: cal, param: humanitarian.rat}")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "post.yaml:7:3: negotiation.acceptance_noise" in err
    assert "no column param.humanitarian.rat" in err
    path = scenario(tmp_path, rate="{dist: posterior, file: elsewhere}")
    assert main(["run", str(path), "--runs", "10", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "post.yaml:5:3: humanitarian.rate" in err and "not found" in err


def test_a_posterior_column_outside_the_key_range_is_refused(tmp_path, capsys):
    folder = posterior_folder(tmp_path)
    table = pd.read_parquet(folder / "posterior.parquet")
    table.loc[2, "param.humanitarian.rate"] = 1.4  # drawn with weight 0.25: out of [0, 1]
    write_parquet(table, folder / "posterior.parquet")
    assert main(["validate", str(scenario(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert "humanitarian.rate" in err and "outside the key's range 0 to 1" in err
    table.loc[2, "param.humanitarian.rate"] = 0.6
    table.loc[1, "param.humanitarian.rate"] = 1.4  # weight 0: never drawn
    write_parquet(table, folder / "posterior.parquet")
    assert main(["validate", str(scenario(tmp_path))]) == 0


def test_the_chunk_draws_are_the_one_by_one_statement_with_posteriors(tmp_path):
    from sim.batch.draws import draw, draw_one_by_one, replication_seeds
    from sim.scenario import uncertain_inputs

    posterior_folder(tmp_path)
    scn = load_scenario(scenario(tmp_path))
    args = (replication_seeds(4, 0, 60), uncertain_inputs(scn), scn.sessions, len(scn.actors),
            len(scn.issues), len(scn.events))
    fast, ref = draw(*args), draw_one_by_one(*args)
    for key in ref.samples:
        assert np.array_equal(fast.samples[key], ref.samples[key]), key
