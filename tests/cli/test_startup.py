"""The light commands start without loading the heavy libraries they do not need.

Not a timing test (timings are in benchmarks/README.md, from benchmarks/bench_startup.py): each
command runs in a fresh interpreter, which then reports which top-level packages it loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "pyarrow", "matplotlib", "mesa", "scipy", "dask", "SALib", "tqdm")

CODE = """
import json, sys
from sim.cli import main
status = main(sys.argv[1:])
loaded = sorted({name.split(".")[0] for name in sys.modules})
sys.stderr.write("\\nLOADED=" + json.dumps({"status": status, "modules": loaded}) + "\\n")
"""


def loaded_by(*argv: str) -> tuple[int, set[str]]:
    done = subprocess.run([sys.executable, "-c", CODE, *argv], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    line = [x for x in done.stderr.splitlines() if x.startswith("LOADED=")]
    assert line, done.stderr[-2000:]
    report = json.loads(line[-1].removeprefix("LOADED="))
    return report["status"], set(report["modules"])


def test_help_imports_no_heavy_library():
    status, modules = loaded_by("--help")
    assert status == 0
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))
    # nor the scenario machinery: --help only builds the argument parser
    assert not modules & {"numpy", "pydantic", "yaml"}, sorted(modules)


@pytest.mark.parametrize("argv", [
    ("list",),
    ("validate", "scenarios/istanbul_2025.yaml"),
    ("validate", "scenarios/sweeps/eu_pressure_x_edge.yaml"),
    ("run", "--help"),
], ids=" ".join)
def test_light_commands_import_no_heavy_library(argv):
    status, modules = loaded_by(*argv)
    assert status == 0
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


def test_a_vector_run_without_plots_loads_neither_mesa_nor_matplotlib(tmp_path):
    status, modules = loaded_by("run", "tests/scenarios/tiny_two_party.yaml", "--runs", "5",
                                "--no-plots", "--quiet", "--out", str(tmp_path / "o"))
    assert status == 0
    assert not modules & {"mesa", "networkx", "matplotlib", "dask"}, sorted(modules)
