"""Shared fixtures: Agg backend, paths of shipped and tiny test scenarios."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
TINY = Path(__file__).resolve().parent / "scenarios"


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture
def tiny() -> Path:
    return TINY
