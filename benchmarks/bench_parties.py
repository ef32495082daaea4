"""Replications per second with two parties (the baseline) and with three.

Not a test: run it by hand and copy the output into benchmarks/README.md. The three-party case
is the baseline with the United States made a party (reservation 0.3): the round's Nash text
then comes from the interior-point solver instead of the closed form.

    .venv/bin/python benchmarks/bench_parties.py --runs 200 --repeats 3
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

import numpy as np

from sim.engine.runner import simulate
from sim.scenario import load_scenario

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "istanbul_2025.yaml"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    cases = {
        "2 parties (baseline)": load_scenario(BASELINE),
        "3 parties (usa a party)": load_scenario(
            BASELINE, overrides=["actors.usa.role=party", "actors.usa.reservation=0.3"]),
    }
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, numpy {np.__version__}, "
          f"load {os.getloadavg()[0]:.2f}")
    rates = {}
    for name, scn in cases.items():
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            simulate(scn, runs=args.runs, seed=1, trace_runs=0)
            times.append(time.perf_counter() - t0)
        median = statistics.median(times)
        rates[name] = args.runs / median
        print(f"{name:<24} {median:7.3f} s for {args.runs} runs  {rates[name]:8.0f} runs/s")
    two, three = rates.values()
    print(f"three parties run at {three / two:.3f} of the two-party rate")


if __name__ == "__main__":
    main()
