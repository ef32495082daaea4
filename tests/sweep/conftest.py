"""Fixtures of the sweep tests: tiny scenarios and a helper writing sweep files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
TINY = DATA / "tiny.yaml"
TINY_B = DATA / "tiny_b.yaml"

GRID_2X2 = f"""\
sweep: 1
scenario: {TINY}
runs_per_point: 40
seed: 5
design: grid
parameters:
  pressure.sanctions.war_cost: {{values: [0, 0.02]}}
  battlefield.edge.mean: {{low: -0.5, high: 0.5, steps: 2}}
outputs: [comprehensive, partial, stalemate, dictated_peace, agreement_holds]
"""


@pytest.fixture
def write_sweep(tmp_path: Path):
    """Write a sweep file (text dedented) into tmp_path and return its path."""

    def write(text: str, name: str = "sweep.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write
