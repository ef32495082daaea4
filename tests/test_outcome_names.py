"""One list of outcome names: the taxonomy's, used by every table, summary, plot and sweep."""

from __future__ import annotations

import ast
from pathlib import Path

import sim.results
from sim.plots._common import OUTCOME_COLOURS, OUTCOME_MEANINGS
from sim.results.meta import OUTCOMES, outcome_order
from sim.rules.taxonomy import OUTCOMES_V2
from sim.sweep.plots import CMAPS
from sim.sweep.spec import DEFAULT_OUTPUTS, OUTPUTS

SIM = Path(__file__).resolve().parents[1] / "sim"


def test_the_results_layer_uses_the_taxonomy_list():
    assert OUTCOMES is OUTCOMES_V2
    assert sim.results.OUTCOMES is OUTCOMES_V2
    assert outcome_order({}) == list(OUTCOMES_V2)


def test_plots_and_sweeps_know_every_outcome_in_order():
    assert list(OUTCOME_COLOURS) == list(OUTCOMES_V2)
    assert list(OUTCOME_MEANINGS) == list(OUTCOMES_V2)
    assert set(OUTCOMES_V2) <= set(CMAPS)
    assert OUTPUTS[: len(OUTCOMES_V2)] == OUTCOMES_V2
    assert DEFAULT_OUTPUTS == OUTCOMES_V2


def test_no_module_imports_version_one_names():
    """Only ``sim/rules/outcome.py`` itself may refer to version 1's list of names."""
    users = []
    for path in SIM.rglob("*.py"):
        if path == SIM / "rules" / "outcome.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "sim.rules.outcome":
                names = {alias.name for alias in node.names}
                if names & {"OUTCOMES_V1", "classify", "dictated_peace"}:
                    users.append(str(path.relative_to(SIM)))
    assert users == []
