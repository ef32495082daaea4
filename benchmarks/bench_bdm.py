"""Benchmark of sim.rules.bdm.run_bdm (Bueno de Mesquita expected utility model).

Times three cases and compares them with the wall times of the public reference
implementation (dmasad/bdm-scholz-expected-utility-model, pure Python, O(n^6) per
round) in tests/data/bdm/bdm_reference_timings.csv. Those were measured on another
machine (2-vCPU AMD EPYC VM, CPython 3.11.7, load about 2), so the speed-ups are
indicative only.

    .venv/bin/python benchmarks/bench_bdm.py            # all cases, both engines
    .venv/bin/python benchmarks/bench_bdm.py --engine compiled
    .venv/bin/python benchmarks/bench_bdm.py --repeats 15 --mc-replications 500
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import statistics
import subprocess
import time
from pathlib import Path

import numpy as np

from sim.rules import bdm_kernel
from sim.rules.bdm import BDMOptions, run_bdm

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "bdm"


def load_ec():
    with open(DATA / "bdm_example_input.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    return tuple(
        np.array([float(r[k]) for r in rows]) for k in ("Capability", "Position", "Salience")
    )


def reference_seconds():
    """(dataset, n, rounds) -> min wall seconds of the reference, and its note."""
    out = {}
    with open(DATA / "bdm_reference_timings.csv", newline="") as f:
        for r in csv.DictReader(f):
            key = (r["dataset"], int(r["n_actors"]), int(r["n_rounds"]))
            out[key] = (float(r["wall_s_min"]), r["note"])
    return out


def time_call(fn, repeats: int) -> tuple[list[float], list[float]]:
    """Wall and CPU (process) seconds of ``repeats`` calls, after one warm-up call."""
    fn()
    wall, cpu = [], []
    for _ in range(repeats):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return wall, cpu


def synthetic(rng: np.random.Generator, batch: int, n: int):
    """Random actors: positions 0-100, capability U(0.1, 1), salience U(0.2, 1)."""
    return (
        rng.uniform(0.1, 1.0, (batch, n)),
        rng.uniform(0.0, 100.0, (batch, n)),
        rng.uniform(0.2, 1.0, (batch, n)),
    )


def monte_carlo(rng: np.random.Generator, replications: int, issues: int, n: int):
    """One n-actor set on several issues; each replication perturbs every salience
    by N(0, 0.05), clipped to [0, 1] (as in the reference notebook, bdm.md §6.8).
    Batch layout: replication-major, B = replications x issues."""
    capability = rng.uniform(0.1, 1.0, n)
    position = rng.uniform(0.0, 100.0, (issues, n))
    salience = rng.uniform(0.2, 1.0, (issues, n))
    noisy = np.clip(salience + rng.normal(0.0, 0.05, (replications, issues, n)), 0.0, 1.0)
    batch = replications * issues
    return (
        np.broadcast_to(capability, (batch, n)),
        np.broadcast_to(position, (replications, issues, n)).reshape(batch, n),
        noisy.reshape(batch, n),
    )


def machine() -> str:
    model = platform.processor() or "?"
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        model = next(
            line.split(":", 1)[1].strip()
            for line in lscpu.splitlines()
            if line.startswith("Model name")
        )
    except (OSError, subprocess.CalledProcessError, StopIteration):
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"CPU: {model}, {os.cpu_count()} logical cores; Python {platform.python_version()},"
        f" NumPy {np.__version__}; load average {load}"
    )


def repeats_note(args) -> str:
    return (
        f"median/min of {args.repeats} repeats ({args.mc_repeats} for Monte Carlo)"
        " after one warm-up call"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9, help="timed repeats (>= 7)")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--large-n", type=int, default=100)
    parser.add_argument("--mc-replications", type=int, default=2000)
    parser.add_argument("--mc-issues", type=int, default=9)
    parser.add_argument("--mc-actors", type=int, default=9)
    parser.add_argument("--mc-rounds", type=int, default=20)
    parser.add_argument("--mc-repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument(
        "--engine", choices=("numpy", "compiled", "both"), default="both",
        help="run_bdm engine(s) to time (compiled needs numba; its compile is not timed)")
    parser.add_argument(
        "--options", default="scholz_global,min_kappa", help="probability,offer_selection (V1, V6)"
    )
    args = parser.parse_args(argv)
    if args.repeats < 7:
        parser.error("--repeats: at least 7, so that the median means something")
    probability, selection = args.options.split(",")
    options = BDMOptions(probability=probability, offer_selection=selection)
    rng = np.random.default_rng(args.seed)
    ref = reference_seconds()

    engines = ["numpy", "compiled"] if args.engine == "both" else [args.engine]
    if "compiled" in engines and not bdm_kernel.available():
        if args.engine == "compiled":
            parser.error("--engine compiled: numba is not installed (the [compiled] extra)")
        engines.remove("compiled")
    if "compiled" in engines:
        t0 = time.perf_counter()
        run_bdm([1.0, 1.0], [0.0, 1.0], [1.0, 1.0], 1, engine="compiled")
        print(f"compiled engine ready (compile or cache load) in {time.perf_counter() - t0:.2f} s")

    ec = load_ec()
    big = synthetic(rng, 1, args.large_n)
    per_round = ref.get(("synthetic", args.large_n, 1))
    big_ref = (
        None
        if per_round is None
        else (per_round[0] * args.rounds, f"{args.rounds} x 1-round figure; " + per_round[1])
    )
    mc = monte_carlo(rng, args.mc_replications, args.mc_issues, args.mc_actors)
    batch = args.mc_replications * args.mc_issues
    cases = []
    for engine in engines:
        tag = "" if engine == "numpy" else " [compiled]"

        def call(data, rounds, engine=engine):
            return lambda: run_bdm(*data, rounds, options, engine=engine)

        cases.append((f"EC example{tag}", 10, args.rounds, 1, call(ec, args.rounds),
                      args.repeats, ref.get(("example", 10, args.rounds))))
        cases.append((f"synthetic {args.large_n}{tag}", args.large_n, args.rounds, 1,
                      call(big, args.rounds), args.repeats, big_ref))
        cases.append((f"Monte Carlo {args.mc_replications}x{args.mc_issues}{tag}", args.mc_actors,
                      args.mc_rounds, batch, call(mc, args.mc_rounds), args.mc_repeats, None))

    print(machine())
    print(f"options: {options}")
    header = (
        f"{'case':<33}{'n':>4}{'rounds':>7}{'batch':>7}{'median s':>11}{'min s':>11}"
        f"{'cpu s':>11}{'ms/run':>9}{'ref. s':>10}{'speed-up':>13}{'(min)':>13}"
    )
    print(header)
    print("-" * len(header))
    notes = []
    for name, n, rounds, b, fn, repeats, reference in cases:
        wall, cpu = time_call(fn, repeats)
        med, best, cpu_med = statistics.median(wall), min(wall), statistics.median(cpu)
        ref_s = speed = speed_best = ""
        if reference is not None:
            ref_s = f"{reference[0]:.3g}"
            speed = f"{reference[0] / med:,.0f}x"
            speed_best = f"{reference[0] / best:,.0f}x"
            if reference[1]:
                notes.append(f"{name}: reference {reference[1]}")
        print(
            f"{name:<33}{n:>4}{rounds:>7}{b:>7}{med:>11.4g}{best:>11.4g}{cpu_med:>11.4g}"
            f"{1e3 * med / b:>9.3g}{ref_s:>10}{speed:>13}{speed_best:>13}"
        )
    print(f"{repeats_note(args)}; cpu s = median process time (excludes waiting for a CPU).")
    print(
        "speed-up = reference wall time (min of its repeats, measured on another machine)"
        " / our median (or min) wall time."
    )
    for note in notes:
        print("note:", note)
    print(machine())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
