"""Start-up of the light ``ceasefire`` commands: wall time and the heavy libraries they import.

Not a test: run it by hand on a quiet machine and copy the table into benchmarks/README.md.

    .venv/bin/python benchmarks/bench_startup.py --repeats 15

Each command runs as a fresh process through the installed ``ceasefire`` entry point (the
script next to this interpreter), output discarded; the wall time is the median (and minimum)
of ``--repeats`` runs after one warm-up run (which fills the OS file cache and ``__pycache__``).
The heavy libraries listed are those a second run of the command under ``python -X importtime``
loads, and "imports s" the total import time it reports.

``--tree DIR`` runs another checkout of the code (``PYTHONPATH=DIR``, e.g. an export of an older
commit) through the same entry point, to measure before and after on the same machine and load.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "pyarrow", "matplotlib", "scipy", "mesa", "dask", "pydantic", "numpy",
         "yaml", "tqdm", "SALib")
COMMANDS = {
    "--help": ["--help"],
    "list": ["list"],
    "validate": ["validate", "scenarios/istanbul_2025.yaml"],
}


def entry_point() -> list[str]:
    script = Path(sys.executable).with_name("ceasefire")
    return [str(script)] if script.exists() else [sys.executable, "-m", "sim"]


def wall_times(cmd: list[str], repeats: int, tree: Path) -> list[float]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    subprocess.run(cmd, cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=tree, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        out.append(time.perf_counter() - t0)
    return out


def heavy_imports(args: list[str], tree: Path) -> tuple[list[str], float]:
    """Top-level heavy packages imported, and the total import time (s) importtime reports."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "sim", *args], cwd=tree,
                          env=dict(os.environ, PYTHONPATH=str(tree)),
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    names, total = set(), 0
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if not line.startswith("import time:") or len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        raw = parts[2]
        name = raw.strip()
        if name.split(".")[0] in HEAVY:
            names.add(name.split(".")[0])
        if raw.startswith(" ") and not raw.startswith("  "):
            total += int(parts[1])  # imported at the top level of the process (not nested)
    return sorted(names), total / 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--tree", type=Path, default=ROOT,
                    help="checkout of the code to run (default: this one)")
    args = ap.parse_args()
    load = os.getloadavg()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load {load[0]:.2f}; code: {args.tree}")
    print(f"{'command':<10} {'median s':>9} {'min s':>7}  {'imports s':>9}  heavy imports")
    for label, cmd in COMMANDS.items():
        times = wall_times([*entry_point(), *cmd], args.repeats, args.tree)
        names, total = heavy_imports(cmd, args.tree)
        print(f"{label:<10} {statistics.median(times):9.3f} {min(times):7.3f}  {total:9.3f}  "
              f"{', '.join(names) or '-'}")
    print(f"median/min of {args.repeats} runs after one warm-up; load average at the end "
          f"{os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
