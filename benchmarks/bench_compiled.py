"""The compiled engine against the vector engine, side by side, and its compile cost.

Not a test: run it by hand and copy the tables into benchmarks/README.md.

    .venv/bin/python benchmarks/bench_compiled.py --repeats 7

Prints, for the baseline scenario: the simulation alone (``run_batch`` on one chunk of
replications, no trace), the whole in-process ``simulate`` (draws, tables; no trace,
``--jobs 1``), the two compiled rules alone on the chunk's own shapes, and the compile cost:
a cold compile into an empty cache folder and a load from that cache, each in a fresh process.
Vector and compiled runs alternate, so a change of load hits both.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from sim.engine import compiled
from sim.engine.runner import replication_inputs, simulate
from sim.engine.vector import run_batch
from sim.rules import frontier
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent

LOAD_SNIPPET = """
import time
t0 = time.perf_counter()
import numba
t1 = time.perf_counter()
from sim.engine.compiled import load
load()
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def median_ms(fn, repeats: int) -> float:
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return 1000 * statistics.median(out)


def side_by_side(label: str, vec, com, repeats: int, reps: int) -> None:
    tv, tc = [], []
    for _ in range(repeats):  # alternate the engines
        tv.append(median_ms(vec, 1))
        tc.append(median_ms(com, 1))
    mv, mc = statistics.median(tv), statistics.median(tc)

    def show(ms: float) -> str:
        took = f"{ms:,.0f} ms" if ms >= 10 else f"{1000 * ms:,.0f} µs"
        return f"{took} ({1000 * reps / ms:,.0f}/s)"

    print(f"| {label} | {show(mv)} | {show(mc)} | {mv / mc:.2f}x |")


def compile_cost(runs: int) -> list[tuple[float, float]]:
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, NUMBA_CACHE_DIR=d)
        out = []
        for _ in range(runs):  # the first is cold, the others load the cache
            res = subprocess.run([sys.executable, "-c", LOAD_SNIPPET], env=env, check=True,
                                 capture_output=True, text=True, cwd=ROOT)
            a, b = res.stdout.split()
            out.append((float(a), float(b)))
        return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "istanbul_2025.yaml"))
    ap.add_argument("--chunk", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5000, help="replications of the simulate row")
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, NumPy {np.__version__}, "
          f"load average at start {os.getloadavg()[0]:.2f}")
    kern = compiled.load()
    scn = load_scenario(args.scenario)
    _, dr, p = replication_inputs(scn, scn.seed, 0, args.chunk)
    run_batch(p, dr, trace=False)
    run_batch(p, dr, trace=False, kernels=kern)
    print("| what | vector | compiled | speed-up |\n|---|---|---|---|")
    side_by_side(f"simulation alone, one chunk of {args.chunk}",
                 lambda: run_batch(p, dr, trace=False),
                 lambda: run_batch(p, dr, trace=False, kernels=kern), args.repeats, args.chunk)
    side_by_side(f"`simulate`, {args.runs:,} runs, no trace, jobs 1",
                 lambda: simulate(scn, runs=args.runs, engine="vector", trace_runs=0),
                 lambda: simulate(scn, runs=args.runs, engine="compiled", trace_runs=0),
                 max(3, args.repeats // 2), args.runs)
    # the two rules alone, on random problems of the chunk's shape (9 issues)
    rng = np.random.default_rng(0)
    n_iss = len(scn.issues)
    ideal = rng.uniform(0, 100, size=(args.chunk, 2, n_iss))
    raw = rng.random((args.chunk, 2, n_iss))
    w = raw / raw.sum(axis=-1, keepdims=True)
    res = rng.uniform(0, 0.6, size=(args.chunk, 2))
    free = np.ones((args.chunk, n_iss), bool)
    fixed = np.zeros((args.chunk, n_iss))
    assert kern.two_party_nash is not None
    two = kern.two_party_nash
    side_by_side(f"two-party Nash text alone, {args.chunk} rows",
                 lambda: frontier._two_party_nash(ideal, w, res, free, fixed),
                 lambda: two(ideal, w, res, free, fixed), args.repeats * 5, args.chunk)
    level = rng.uniform(0.3, 1.0, size=args.chunk)
    la = (ideal[:, 0], ideal[:, 1], w[:, 0], w[:, 1], level, free, fixed)
    side_by_side(f"logroll alone, {args.chunk} rows", lambda: frontier.logroll(*la),
                 lambda: kern.logroll(*la), args.repeats * 5, args.chunk)
    cost = compile_cost(4)
    print(f"\nimport numba: {statistics.median(c[0] for c in cost):.2f} s; cold compile "
          f"(empty cache): {cost[0][1]:.2f} s; load from the cache: median "
          f"{statistics.median(c[1] for c in cost[1:]):.2f} s of {len(cost) - 1}")
    print(f"load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
