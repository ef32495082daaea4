"""``sim.sweep`` and ``sim.calibrate`` are the API functions whatever was imported first.

Importing a submodule (``import sim.sweep.run``) binds the package to the name ``sim.sweep``;
the package is callable and calls the function, so notebooks need not care.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CODE = """
import sim
{first}
out = sim.{name}({path!r}, {out!r}, plots=False)
print(type(sim.{name}).__name__, out.name)
"""


@pytest.mark.parametrize("first", ["", "import sim.{name}.run", "import sim.{name}.run as m"])
def test_sweep_is_callable_after_any_import(tmp_path, first):
    # a sweep small enough to run in a second: two points of the tiny scenario, 20 runs each
    sweep = tmp_path / "s.yaml"
    sweep.write_text(
        f"sweep: 1\nscenario: {ROOT / 'tests' / 'scenarios' / 'tiny_two_party.yaml'}\n"
        "design: grid\nruns_per_point: 20\nseed: 3\n"
        "parameters:\n  negotiation.acceptance_noise: {values: [0.0, 0.02]}\n",
        encoding="utf-8")
    code = CODE.format(first=first.format(name="sweep"), name="sweep", path=str(sweep),
                       out=str(tmp_path / "out"))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == "out"


def test_the_names_are_the_functions_before_any_import():
    code = ("import sim, inspect; "
            "print(inspect.isfunction(sim.sweep), inspect.isfunction(sim.calibrate))")
    done = subprocess.run([sys.executable, "-c", code],
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["True", "True"], done.stderr


def test_calibrate_package_is_callable_after_importing_a_submodule():
    done = subprocess.run([sys.executable, "-c", "import sim, sim.calibrate.abc;"
                           "print(callable(sim.calibrate), sim.calibrate.abc.METHODS)"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("True")
