"""Shared fixtures: Agg backend, paths of shipped and tiny test scenarios.

The tests run with ``--import-mode=importlib``, so test modules cannot import one another: code
they share lives in the ``helpers`` package next to this file, importable because this file puts
the tests folder on ``sys.path`` (worker processes started by a test inherit it).
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

ROOT = TESTS.parent
SCENARIOS = ROOT / "scenarios"
TINY = TESTS / "scenarios"


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture
def tiny() -> Path:
    return TINY
