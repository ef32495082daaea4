"""Benchmark of sim.rules.frontier: Nash texts and logrolling restatements.

Times ``frontier_nash`` (two parties, linear utilities: the closed-form frontier path; three
parties: the certified fast path, which hands what it cannot certify to the interior point),
the interior-point solver alone on the same three-party problems, ``logroll`` and the
two-party ``best_attainable``, on random problems of 2,000 replications x 9 issues, as the
median of 5 timed calls after one warm-up call. Random ideals U(0, 100), saliences U(0, 1)
normalised per party, reservations U(0, 0.6), aspiration levels U(0.3, 1). Also prints the
share of three-party problems the fast path certifies itself.

    .venv/bin/python benchmarks/bench_frontier.py
    .venv/bin/python benchmarks/bench_frontier.py --replications 10000 --repeats 9
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np

from sim.rules.frontier import (
    _Box,
    _inputs,
    _solve_nash,
    _three_party_nash,
    best_attainable,
    frontier_nash,
    logroll,
)


def time_call(fn, repeats: int) -> list[float]:
    """Wall seconds of ``repeats`` calls, after one warm-up call."""
    fn()
    wall = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        wall.append(time.perf_counter() - t0)
    return wall


def problems(rng: np.random.Generator, replications: int, parties: int, issues: int):
    ideal = rng.uniform(0.0, 100.0, (replications, parties, issues))
    raw = rng.uniform(0.0, 1.0, (replications, parties, issues))
    weights = raw / raw.sum(axis=-1, keepdims=True)
    reservation = rng.uniform(0.0, 0.6, (replications, parties))
    return ideal, weights, reservation


def machine() -> str:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{platform.machine()}, {os.cpu_count()} logical cores; Python"
        f" {platform.python_version()}, NumPy {np.__version__}; load average {load}"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=2000)
    parser.add_argument("--issues", type=int, default=9)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    n, i = args.replications, args.issues

    two = problems(rng, n, 2, i)
    three = problems(rng, n, 3, i)
    ideal, weights, _ = two
    level = rng.uniform(0.3, 1.0, n)
    movable = np.ones((n, i), dtype=bool)
    base = np.zeros((n, i))
    box3 = _Box.build(*_inputs(*three, None, None, 1.0))

    cases = [
        ("frontier_nash, 2 parties", lambda: frontier_nash(*two)),
        ("logroll", lambda: logroll(ideal[:, 0], ideal[:, 1], weights[:, 0], weights[:, 1],
                                    level, movable, base)),
        ("best_attainable, 2 parties", lambda: best_attainable(*two)),
        ("frontier_nash, 3 parties", lambda: frontier_nash(*three)),
        ("interior point, 3 parties", lambda: _solve_nash(box3)),
    ]
    print(machine())
    print(f"{n} replications x {i} issues; median and min of {args.repeats} calls after one"
          " warm-up call")
    header = f"{'case':<30}{'median s':>12}{'min s':>12}{'us/replication':>16}"
    print(header)
    print("-" * len(header))
    for name, fn in cases:
        wall = time_call(fn, args.repeats)
        med = statistics.median(wall)
        print(f"{name:<30}{med:>12.4g}{min(wall):>12.4g}{1e6 * med / n:>16.3g}")
    _, certified = _three_party_nash(box3)
    print(f"three parties: the fast path certified {certified.sum()} of {n} texts itself")
    print(machine())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
