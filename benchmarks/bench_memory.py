"""Peak memory and wall time of a whole ``ceasefire run`` as the number of runs grows.

Not a test: run it by hand on a quiet machine and copy the table into benchmarks/README.md.

    .venv/bin/python benchmarks/bench_memory.py --runs 10000 100000 1000000 --repeats 3

Each measurement is one fresh process,
``ceasefire run SCENARIO --runs N --no-plots --trace-runs 0 --quiet --out <temporary folder>``
(``--jobs 1``: one process, so its peak resident set is the run's), waited for with
``os.wait4``, whose ``ru_maxrss`` is the process's peak resident set size. The folder is removed
afterwards. The table gives the median (and the range) over ``--repeats`` processes per N, the
median wall time and the rate it implies, and the size of ``runs.parquet``.

``--tree DIR`` runs another checkout of the code (``PYTHONPATH=DIR``, e.g. an export of an older
commit) with this interpreter, to measure before and after on the same machine and load.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def one_run(tree: Path, scenario: str, runs: int, extra: list[str]) -> tuple[float, float, int]:
    """Peak RSS (MiB), wall time (s) and runs.parquet bytes of one ``ceasefire run``."""
    out = Path(tempfile.mkdtemp(prefix="bench-memory-")) / "run"
    cmd = [sys.executable, "-m", "sim", "run", scenario, "--runs", str(runs), "--no-plots",
           "--trace-runs", "0", "--quiet", "--out", str(out), *extra]
    env = dict(os.environ, PYTHONPATH=str(tree), MPLBACKEND="Agg")
    try:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=tree, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} exited with {proc.returncode}")
        return usage.ru_maxrss / 1024, wall, (out / "runs.parquet").stat().st_size
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--scenario", default="scenarios/istanbul_2025.yaml")
    ap.add_argument("--tree", type=Path, default=ROOT,
                    help="checkout of the code to run (default: this one)")
    ap.add_argument("extra", nargs="*", help="more arguments for ceasefire run (after --)")
    args = ap.parse_args()
    import numpy

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, NumPy {numpy.__version__}; load "
          f"{os.getloadavg()[0]:.2f}; code: {args.tree}")
    print(f"{'runs':>10} {'peak RSS MiB':>13} {'(min-max)':>15} {'wall s':>9} {'runs/s':>8} "
          f"{'runs.parquet MiB':>17}")
    for n in args.runs:
        rss, wall, size = [], [], 0
        for _ in range(args.repeats):
            r, w, size = one_run(args.tree, args.scenario, n, args.extra)
            rss.append(r)
            wall.append(w)
        mw = statistics.median(wall)
        spread = f"({min(rss):,.0f}-{max(rss):,.0f})"
        print(f"{n:>10,} {statistics.median(rss):13,.0f} {spread:>15} "
              f"{mw:9.1f} {n / mw:8,.0f} {size / 2**20:17.1f}", flush=True)
    print(f"median of {args.repeats} processes per row; load average at the end "
          f"{os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
