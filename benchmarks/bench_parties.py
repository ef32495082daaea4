"""Replications per second with two parties (the baseline) and with three.

Not a test: run it by hand and copy the output into benchmarks/README.md. The three-party case
is the baseline with the United States made a party (reservation 0.3). The round's Nash text
(``sim.rules.frontier.frontier_nash``) is then found by the certified three-party fast path
instead of the two-party closed form, and the mediator's text for the separate humanitarian
track (``sim.rules.mediator.nash_text``) by coordinate ascent instead of its two-party closed
form. ``--split`` also times those two calls inside the runs (a wrapper around each, so the
totals are a little slower than without it).

    .venv/bin/python benchmarks/bench_parties.py --runs 200 --repeats 3
    .venv/bin/python benchmarks/bench_parties.py --runs 200 --repeats 3 --split
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from sim.engine.runner import simulate
from sim.rules import frontier, mediator
from sim.scenario import load_scenario

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "istanbul_2025.yaml"
TIMED = {
    "frontier_nash": (frontier, "frontier_nash"),
    "mediator.nash_text": (mediator, "nash_text"),
}


def timed(spent: dict[str, float], name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn``, adding its wall time to ``spent[name]``."""
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - t0
    return wrapper


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--split", action="store_true",
                    help="also time frontier_nash and mediator.nash_text inside the runs")
    args = ap.parse_args()
    cases = {
        "2 parties (baseline)": load_scenario(BASELINE),
        "3 parties (usa a party)": load_scenario(
            BASELINE, overrides=["actors.usa.role=party", "actors.usa.reservation=0.3"]),
    }
    spent = dict.fromkeys(TIMED, 0.0)
    if args.split:
        for name, (module, attr) in TIMED.items():
            setattr(module, attr, timed(spent, name, getattr(module, attr)))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, numpy {np.__version__}, "
          f"load {os.getloadavg()[0]:.2f}")
    rates = {}
    for name, scn in cases.items():
        simulate(scn, runs=20, seed=1, trace_runs=0)  # warm-up
        times, parts = [], []
        for _ in range(args.repeats):
            for key in spent:
                spent[key] = 0.0
            t0 = time.perf_counter()
            simulate(scn, runs=args.runs, seed=1, trace_runs=0)
            times.append(time.perf_counter() - t0)
            parts.append(dict(spent))
        median = statistics.median(times)
        rates[name] = args.runs / median
        print(f"{name:<24} {median:7.3f} s for {args.runs} runs  {rates[name]:8.0f} runs/s")
        if args.split:
            for key in spent:
                part = statistics.median(p[key] for p in parts)
                print(f"    in {key:<20} {part:7.3f} s  ({part / median:5.1%})")
    two, three = rates.values()
    print(f"three parties run at {three / two:.3f} of the two-party rate")
    print(f"load at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
