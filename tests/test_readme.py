"""The README's Python API example runs as written and agrees with the command line."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.cli import main
from sim.results import ResultsError

ROOT = Path(__file__).resolve().parents[1]


def readme_api_example() -> str:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Python API", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1, "the Python API section has one example"
    return blocks[0]


def test_the_readme_example_runs(tmp_path, monkeypatch, capsys):
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(readme_api_example(), "README.md", "exec"), namespace)
    res, folder, pngs = namespace["res"], namespace["folder"], namespace["pngs"]
    assert len(res.runs) == 200
    assert folder.resolve() == (tmp_path / "results" / "notebook-example").resolve()
    assert sorted(p.name for p in pngs) == ["drivers.png", "outcomes.png", "rounds.png",
                                            "terms.png", "timeline.png", "trajectories.png"]
    assert all(p.stat().st_size > 0 for p in pngs)
    assert "partial" in capsys.readouterr().out


def test_api_and_cli_give_the_same_runs(tmp_path):
    path = ROOT / "tests" / "scenarios" / "tiny_uncertain.yaml"
    res = sim.run(sim.load(path), runs=30, seed=4)
    assert main(["run", str(path), "--runs", "30", "--seed", "4", "--out",
                 str(tmp_path / "cli"), "--no-plots", "--quiet"]) == 0
    saved = res.save(tmp_path / "api")
    cli_runs = (tmp_path / "cli" / "runs.parquet").read_bytes()
    assert (saved / "runs.parquet").read_bytes() == cli_runs
    assert (saved / "rounds.parquet").read_bytes() == (tmp_path / "cli" /
                                                       "rounds.parquet").read_bytes()
    pd.testing.assert_frame_equal(res.runs, pd.read_parquet(saved / "runs.parquet"))


def test_a_path_runs_directly_and_refuses_a_used_folder(tmp_path):
    res = sim.run(ROOT / "tests" / "scenarios" / "tiny_two_party.yaml", runs=5, seed=1)
    res.save(tmp_path / "a")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "mine.txt").write_text("keep")
    with pytest.raises(ResultsError):
        res.save(tmp_path / "b")
    assert [p.name for p in (tmp_path / "b").iterdir()] == ["mine.txt"]
