"""``ceasefire run`` reads and validates its scenario once (and each base it extends once)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sim.cli import main
from sim.scenario import loader

ROOT = Path(__file__).resolve().parents[2]


def test_run_parses_each_file_once(tmp_path, monkeypatch):
    seen: Counter[str] = Counter()
    read = loader.read_yaml
    validated = []
    validate = loader.Scenario.model_validate

    def counting(path, shown):
        seen[str(Path(path).resolve())] += 1
        return read(path, shown)

    def counting_validate(data, *args, **kwargs):
        validated.append(1)
        return validate(data, *args, **kwargs)

    monkeypatch.setattr(loader, "read_yaml", counting)
    monkeypatch.setattr(loader.Scenario, "model_validate", counting_validate)
    child = ROOT / "scenarios" / "istanbul_2025_putin_attends.yaml"
    assert main(["run", str(child), "--runs", "3", "--no-plots", "--quiet", "--set",
                 "runs=5", "--out", str(tmp_path / "o")]) == 0
    base = ROOT / "scenarios" / "istanbul_2025.yaml"
    assert seen == {str(child.resolve()): 1, str(base.resolve()): 1}
    assert len(validated) == 1
