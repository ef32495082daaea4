"""Scenario files: YAML in, a validated and fully resolved :class:`Scenario` out.

The loader resolves ``extends`` (deep merge: maps merge, lists replace), applies ``--set``
overrides, validates with pydantic and reports every problem with its file, line, column and
key path. Any number may be uncertain (a distribution); :func:`uncertain_inputs` lists them.
"""

from sim.batch.settable import RUNTIME_SETTABLE
from sim.scenario.errors import ScenarioError
from sim.scenario.export import json_schema, resolved_yaml
from sim.scenario.loader import load_scenario, shipped_scenarios, validate_file
from sim.scenario.models import Scenario
from sim.scenario.numbers import DIST_CLASSES, is_distribution
from sim.scenario.uncertain import UncertainInput, at_means, uncertain_inputs

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
    "resolved_yaml",
    "shipped_scenarios",
    "uncertain_inputs",
    "validate_file",
]
