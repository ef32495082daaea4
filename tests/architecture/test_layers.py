"""The layers call only downward, and no module imports a layer above it (even lazily).

cli -> API -> report -> calibrate -> sweep -> plots -> results -> engine -> records -> scenario ->
protocols -> batch -> strategies -> rules. The scenario layer sits above the protocols because
it checks protocol names against their registry; nothing below it reads a scenario file.
Records sit just above it: a record loads the scenario it names, and nothing in the model reads
a record. A package's command-line module (``sim.sweep.cli``, ``sim.calibrate.cli``) belongs to
the CLI layer. Calibration sits above the sweeps: it reuses their executors, folder writing and
overrides. Reports sit above both: they read every kind of result folder.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

SIM = Path(__file__).resolve().parents[2] / "sim"

LAYERS = ["rules", "strategies", "batch", "protocols", "scenario", "records", "engine", "results",
          "plots", "sweep", "calibrate", "report", "api", "cli"]
API = {"api", "experiment", "explain", "__init__"}
CLI = {"cli", "cli_types", "__main__"}


def layer(module: str) -> int:
    """Rank of ``sim.<...>`` in :data:`LAYERS`."""
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    if parts[-1] == "cli":  # a package's command-line part (sim.sweep.cli) is CLI code
        return LAYERS.index("cli")
    if top in API:
        return LAYERS.index("api")
    if top in CLI:
        return LAYERS.index("cli")
    return LAYERS.index(top)


def modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(SIM.rglob("*.py")):
        rel = path.relative_to(SIM.parent).with_suffix("")
        name = ".".join(rel.parts)
        out.append((name.removesuffix(".__init__"), path))
    return out


def sim_imports(path: Path) -> set[str]:
    """Every ``sim.*`` module imported anywhere in the file (top level or inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "sim"}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "sim":
                found.add(node.module)
    return found


@pytest.mark.parametrize("name, path", modules(), ids=lambda x: str(x))
def test_imports_only_go_down(name, path):
    if not name.startswith("sim"):
        return
    mine = layer(name)
    up = sorted(m for m in sim_imports(path) if m != "sim" and layer(m) > mine)
    assert not up, f"{name} (layer {LAYERS[mine]}) imports a layer above it: {up}"


def test_every_module_imports_on_its_own_in_a_fresh_interpreter():
    """No import cycle: each module imports first, alone, without an error."""
    names = [n for n, _ in modules() if not n.endswith("__main__")]
    code = ("import importlib, sys\n"
            "for name in sys.argv[1:]:\n"
            "    for m in [k for k in sys.modules if k == 'sim' or k.startswith('sim.')]:\n"
            "        del sys.modules[m]\n"
            "    importlib.import_module(name)\n")
    done = subprocess.run([sys.executable, "-c", code, *names], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


def test_layer_table_covers_every_package():
    for name, _ in modules():
        layer(name)  # raises ValueError for a package missing from LAYERS
    assert importlib.import_module("sim").__version__
