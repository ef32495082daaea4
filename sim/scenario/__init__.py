"""Scenario files: YAML in, a validated and fully resolved :class:`Scenario` out.

The loader resolves ``extends`` (deep merge: maps merge, lists replace), applies ``--set``
overrides, validates with pydantic and reports every problem with its file, line, column and
key path. Any number may be uncertain (a distribution); :func:`uncertain_inputs` lists them.

The names below are imported on first use (PEP 562), so that importing
:mod:`sim.scenario.errors` (as the command line does for every command) does not load pydantic.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.batch.settable import RUNTIME_SETTABLE
    from sim.scenario.errors import ScenarioError
    from sim.scenario.export import json_schema, resolved_yaml
    from sim.scenario.loader import load_scenario, validate_file
    from sim.scenario.models import Scenario
    from sim.scenario.numbers import DIST_CLASSES, is_distribution
    from sim.scenario.shipped import resolve_scenario_path, shipped_scenarios, shipped_sweeps
    from sim.scenario.uncertain import UncertainInput, at_means, uncertain_inputs

_WHERE = {
    "DIST_CLASSES": "sim.scenario.numbers",
    "RUNTIME_SETTABLE": "sim.batch.settable",
    "Scenario": "sim.scenario.models",
    "ScenarioError": "sim.scenario.errors",
    "UncertainInput": "sim.scenario.uncertain",
    "at_means": "sim.scenario.uncertain",
    "is_distribution": "sim.scenario.numbers",
    "json_schema": "sim.scenario.export",
    "load_scenario": "sim.scenario.loader",
    "resolved_yaml": "sim.scenario.export",
    "resolve_scenario_path": "sim.scenario.shipped",
    "shipped_scenarios": "sim.scenario.shipped",
    "shipped_sweeps": "sim.scenario.shipped",
    "uncertain_inputs": "sim.scenario.uncertain",
    "validate_file": "sim.scenario.loader",
}

__all__ = [
    "DIST_CLASSES",
    "RUNTIME_SETTABLE",
    "Scenario",
    "ScenarioError",
    "UncertainInput",
    "at_means",
    "is_distribution",
    "json_schema",
    "load_scenario",
    "resolve_scenario_path",
    "resolved_yaml",
    "shipped_scenarios",
    "shipped_sweeps",
    "uncertain_inputs",
    "validate_file",
]


def __getattr__(name: str) -> Any:
    """Import the module that defines ``name`` on first use."""
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
