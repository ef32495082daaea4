"""Oversized files and alias bombs are refused quickly, naming the file (and line)."""

from __future__ import annotations

import time

import pytest
from helpers.hostile import BASELINE, cli

from sim.cli import main
from sim.scenario import ScenarioError, load_scenario, yamlio


def bomb(levels: int = 9, width: int = 9) -> str:
    """The "billion laughs": each anchor lists ``width`` aliases of the one before."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_in_well_under_a_second(tmp_path, capsys):
    path = tmp_path / "bomb.yaml"
    path.write_text(bomb())  # 9^10 values if expanded
    t0 = time.perf_counter()
    assert main(["validate", str(path)]) == 2
    assert time.perf_counter() - t0 < 2
    err = capsys.readouterr().err
    # the innermost list that grows past the limit: a5 holds 9^6 values
    assert f"{path}:6:5: this list expands to more than 100,000 values" in err
    assert "Traceback" not in err


def test_aliases_below_the_limit_are_fine(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text(bomb(levels=3))  # 9^4 = 6,561 values
    data, _ = yamlio.read_yaml(path, "ok.yaml")
    assert len(data["a3"]) == 9 and data["a3"][0][0][0] == ["lol"] * 9


def test_an_alias_bomb_in_a_base_scenario_and_in_a_sweep_is_refused(tmp_path):
    (tmp_path / "base.yaml").write_text(bomb())
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\n")
    with pytest.raises(ScenarioError, match=r"base.yaml:6:5: this list expands"):
        load_scenario(child)
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text("sweep: 1\n" + bomb())
    done = cli("validate", str(sweep), timeout=30)
    assert done.returncode == 2 and "expands to more than" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_alias_bomb_in_a_set_value_is_refused():
    assert yamlio.parse_value("{x: &a [1, 2], y: [*a, *a]}") == {"x": [1, 2], "y": [[1, 2]] * 2}
    nested = "&a0 [" + ",".join(["0"] * 40) + "]"
    for i in range(1, 6):  # 40^6 values
        nested = f"&a{i} [{nested}, " + ", ".join([f"*a{i - 1}"] * 39) + "]"
    with pytest.raises(ScenarioError, match="--set:1:.*expands to more than 100,000 values"):
        load_scenario(BASELINE, overrides=[f"title={nested}"])


def test_a_file_above_the_size_limit_is_refused_before_parsing(tmp_path, capsys, monkeypatch):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"schema: 2\n" + b"# padding\n" * (yamlio.MAX_FILE_BYTES // 10 + 1))
    calls = []
    monkeypatch.setattr(yamlio, "_compose", lambda *a: calls.append(a))  # never reached
    t0 = time.perf_counter()
    assert main(["validate", str(path)]) == 2
    assert time.perf_counter() - t0 < 2 and calls == []
    err = capsys.readouterr().err
    assert f"{path}: the file is too large to be a scenario, sweep or record file" in err
    assert "the limit is 1 MiB" in err


def test_a_device_is_read_only_up_to_the_limit(capsys):
    t0 = time.perf_counter()
    assert main(["validate", "/dev/zero"]) == 2
    assert time.perf_counter() - t0 < 5
    assert "more than 1 MiB; the limit is 1 MiB" in capsys.readouterr().err


def test_the_shipped_scenarios_are_far_below_the_limits():
    text = BASELINE.read_text()
    assert len(text.encode()) * 10 < yamlio.MAX_FILE_BYTES
    load_scenario(BASELINE)


@pytest.mark.parametrize("text, line", [
    ("base: &b {x: 1}\nactor:\n  <<: *b\n  y: 2\n  y: 3\n", 5),
    ("base: &b {x: 1}\nactor:\n  y: 2\n  <<: *b\n  y: 3\n", 5),
    ("base: &b {x: 1}\nactor:\n  <<: *b\n  <<: *b\n", 4),
])
def test_a_duplicate_key_beside_a_merge_key_is_an_error(tmp_path, text, line):
    path = tmp_path / "dup.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError, match=rf"dup.yaml:{line}:3: duplicate key"):
        yamlio.read_yaml(path, "dup.yaml")


def test_a_merge_key_still_lets_a_written_key_override_a_merged_one(tmp_path):
    path = tmp_path / "merge.yaml"
    path.write_text("base: &b {x: 1, y: 1}\nactor:\n  <<: *b\n  y: 2\n")
    data, _ = yamlio.read_yaml(path, "merge.yaml")
    assert data["actor"] == {"x": 1, "y": 2}
