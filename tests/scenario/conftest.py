"""Fixtures of the scenario tests: a minimal valid scenario, a file writer, error helpers.

The tests run with ``--import-mode=importlib``, so shared helpers are fixtures, not imports.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from sim.scenario import ScenarioError, load_scenario

TESTS = Path(__file__).resolve().parents[1]

MINIMAL = """\
schema: 2
name: minimal
issues:
  ceasefire:
    label: Ceasefire
    decides_ceasefire: true
  land:
    label: Land
actors:
  red:
    name: Red
    role: party
    position: {ceasefire: 90, land: 80}
    salience: {ceasefire: 0.5, land: 0.9}
  blue:
    name: Blue
    role: party
    position: {ceasefire: 10, land: 20}
    salience: {ceasefire: 0.8, land: 0.7}
battlefield:
  sides: [red, blue]
  edge: {dist: normal, mean: 0.1, sd: 0.2}
"""


@pytest.fixture
def minimal() -> str:
    """A valid two-party scenario (two issues, one uncertain input) as YAML text."""
    return MINIMAL


@pytest.fixture
def tiny_uncertain() -> Path:
    """The small test scenario with uncertain inputs in tests/scenarios."""
    return TESTS / "scenarios" / "tiny_uncertain.yaml"


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write dedented YAML text to ``tmp_path / name`` and return the path."""

    def _write(text: str, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write


@pytest.fixture
def line_of() -> Callable[[str, str], int]:
    """1-based number of the first line of a text that contains a needle."""

    def _line_of(text: str, needle: str) -> int:
        for number, line in enumerate(text.splitlines(), start=1):
            if needle in line:
                return number
        raise AssertionError(f"{needle!r} not in text")

    return _line_of


@pytest.fixture
def load_error() -> Callable[..., ScenarioError]:
    """The ScenarioError that loading a path (with overrides) raises; fails if none."""

    def _load_error(path: Path, overrides: tuple[str, ...] = ()) -> ScenarioError:
        with pytest.raises(ScenarioError) as info:
            load_scenario(path, overrides)
        return info.value

    return _load_error
