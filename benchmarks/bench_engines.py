"""Vector engine against the Mesa engine on the same scenario and seeds, side by side.

Not a test: run it by hand and copy the table into benchmarks/README.md.

    .venv/bin/python benchmarks/bench_engines.py --runs 200 --repeats 5
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from pathlib import Path

import numpy as np

from sim.engine.runner import simulate
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def time_engine(scn, engine: str, runs: int, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        simulate(scn, runs=runs, seed=1, engine=engine, trace_runs=0)
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "istanbul_2025.yaml"))
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    scn = load_scenario(args.scenario)
    simulate(scn, runs=10, seed=1, trace_runs=0)  # warm-up (imports, caches)
    vec = time_engine(scn, "vector", args.runs, args.repeats)
    mesa = time_engine(scn, "mesa", args.runs, args.repeats)
    mv, mm = statistics.median(vec), statistics.median(mesa)
    print(f"machine: {platform.processor() or platform.machine()}, numpy {np.__version__}")
    print(f"scenario {scn.name}, {args.runs} runs, median of {args.repeats}")
    print(f"vector: {mv:.3f} s  ({args.runs / mv:,.0f} runs/s)")
    print(f"mesa:   {mm:.3f} s  ({args.runs / mm:,.0f} runs/s)")
    print(f"vector is {mm / mv:.1f}x faster")


if __name__ == "__main__":
    main()
