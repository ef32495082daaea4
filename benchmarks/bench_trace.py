"""What the default trace costs: a whole ``ceasefire run`` with and without rounds.parquet.

Not a test: run it by hand on a quiet machine and copy the table into benchmarks/README.md.

    .venv/bin/python benchmarks/bench_trace.py --repeats 5

Each measurement is one fresh process,
``ceasefire run SCENARIO --runs N --no-plots --quiet --trace-runs T --out <temporary folder>``
for T = 0 and T = N (the default for N <= 1,000: every run traced), waited for with
``os.wait4`` (peak resident set ``ru_maxrss``). The difference between the two rows is what the
trace costs: building the long rounds table (run x session x actor x issue) and the sessions
table, concatenating, sorting and writing them. Medians (and ranges) over ``--repeats``.

``--tree DIR`` runs another checkout of the code (``PYTHONPATH=DIR``), to compare before and
after on the same machine and load.
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


def one_run(tree: Path, scenario: str, runs: int, trace: int) -> tuple[float, float, int]:
    """Peak RSS (MiB), wall time (s) and rounds.parquet bytes of one ``ceasefire run``."""
    out = Path(tempfile.mkdtemp(prefix="bench-trace-")) / "run"
    cmd = [sys.executable, "-m", "sim", "run", scenario, "--runs", str(runs), "--no-plots",
           "--trace-runs", str(trace), "--quiet", "--out", str(out)]
    env = dict(os.environ, PYTHONPATH=str(tree), MPLBACKEND="Agg")
    try:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=tree, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(cmd)} failed")
        return usage.ru_maxrss / 1024, wall, (out / "rounds.parquet").stat().st_size
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--scenario", default="scenarios/istanbul_2025.yaml")
    ap.add_argument("--tree", type=Path, default=ROOT,
                    help="checkout of the code to run (default: this one)")
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; load {os.getloadavg()[0]:.2f}; code: {args.tree}")
    print(f"{'trace runs':>10} {'wall s':>8} {'(min-max)':>13} {'peak RSS MiB':>13} "
          f"{'(min-max)':>13} {'rounds.parquet MiB':>19}")
    rows = {}
    for trace in (0, args.runs):
        rss, wall, size = [], [], 0
        for _ in range(args.repeats):
            r, w, size = one_run(args.tree, args.scenario, args.runs, trace)
            rss.append(r)
            wall.append(w)
        rows[trace] = (statistics.median(wall), statistics.median(rss))
        print(f"{trace:>10,} {rows[trace][0]:8.2f} {f'({min(wall):.2f}-{max(wall):.2f})':>13} "
              f"{rows[trace][1]:13,.0f} {f'({min(rss):,.0f}-{max(rss):,.0f})':>13} "
              f"{size / 2**20:19.1f}", flush=True)
    (w0, r0), (w1, r1) = rows[0], rows[args.runs]
    print(f"the trace of {args.runs:,} runs costs {w1 - w0:.2f} s and {r1 - r0:,.0f} MiB of peak "
          f"memory (medians of {args.repeats}); load average at the end "
          f"{os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
