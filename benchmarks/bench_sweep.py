"""Benchmark: a 100-point sweep against the sum of its points run alone.

The sweep is a 10 x 10 grid over the Istanbul baseline (mean battlefield momentum x Russia's
delegation authority) with few replications per point, so that per-task and start-up overheads
show. Three timings, each the median of --repeat runs:

* alone: every point's scenario run on its own, one after the other, in this process
  (``simulate(..., jobs=1)``); the figure is the sum over the 100 points;
* local: ``run_sweep(..., executor="local", jobs=2)`` (a process pool of 2 workers);
* dask: ``run_sweep(..., executor="dask", jobs=2)`` (a LocalCluster of 2 single-threaded
  worker processes, started and closed inside the timing).

Sweeps are timed without plots (``--plots`` adds a timing of the in-process sweep with its
plots). ``--sweep FILE`` times a sweep file instead of the generated grid (e.g. the shipped
``scenarios/sweeps/eu_pressure_x_edge.yaml``, 16 points x 300 runs); ``--no-dask`` leaves the
Dask timings out. Usage::

    python benchmarks/bench_sweep.py [--runs-per-point 20] [--repeat 3] [--markdown FILE]
    python benchmarks/bench_sweep.py --sweep scenarios/sweeps/eu_pressure_x_edge.yaml --no-dask
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "scenarios" / "istanbul_2025.yaml"

SWEEP = """\
sweep: 1
scenario: {base}
runs_per_point: {runs}
seed: 7
design: grid
parameters:
  battlefield.momentum.mean: {{low: -0.5, high: 0.5, steps: 10}}
  actors.russia.delegation.authority: {{low: 0.1, high: 1.0, steps: 10}}
outputs: [comprehensive, ceasefire, partial, stalemate, collapse, dictated_peace]
"""


def machine() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        model = next((line.split(":", 1)[1].strip() for line in out.splitlines()
                      if line.startswith("Model name")), platform.processor() or "unknown")
    except (OSError, subprocess.CalledProcessError):
        model = platform.processor() or "unknown"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{model}, {cores} cores available, Python {platform.python_version()}, " \
           f"load average at start {load}"


def time_alone(sweep_file: Path) -> float:
    from sim.engine.runner import simulate
    from sim.sweep.designs import design_points
    from sim.sweep.run import point_scenarios
    from sim.sweep.spec import load_sweep

    sw = load_sweep(sweep_file)
    scenarios = point_scenarios(sw, design_points(sw))
    total = 0.0
    for scn in scenarios:
        t0 = time.perf_counter()
        simulate(scn, runs=sw.runs_per_point, seed=sw.seed, trace_runs=0)
        total += time.perf_counter() - t0
    return total


def time_sweep(sweep_file: Path, out: Path, executor: str, jobs: int = 2,
               plots: bool = False) -> float:
    from sim.sweep.run import run_sweep

    t0 = time.perf_counter()
    run_sweep(sweep_file, out, executor=executor, jobs=jobs, plots=plots)
    return time.perf_counter() - t0


def time_cluster() -> float:
    """Start and close a 2-worker local Dask cluster with no work (the fixed cost of --executor
    dask)."""
    from sim.sweep.executors import open_executor

    t0 = time.perf_counter()
    with open_executor("dask", 2) as pool:
        pool.executor.submit(sum, [1, 2]).result()
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs-per-point", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--markdown", type=Path, help="also write the results section here")
    ap.add_argument("--sweep", type=Path, help="time this sweep file instead of the grid")
    ap.add_argument("--no-dask", action="store_true", help="leave out the Dask timings")
    ap.add_argument("--plots", action="store_true", help="also time --jobs 1 with plots")
    args = ap.parse_args()
    t_start = time.perf_counter()

    about = machine()
    print(about)
    with tempfile.TemporaryDirectory() as tmp:
        if args.sweep is None:
            sweep_file = Path(tmp) / "bench_grid.yaml"
            sweep_file.write_text(SWEEP.format(base=BASE, runs=args.runs_per_point))
        else:
            sweep_file = args.sweep.resolve()
        from sim.sweep.designs import design_points
        from sim.sweep.spec import load_sweep

        spec = load_sweep(sweep_file)
        n_points, per_point = len(design_points(spec)), spec.runs_per_point
        names = ["alone", "serial", "local"] + (["plots"] if args.plots else []) \
            + ([] if args.no_dask else ["dask", "cluster"])
        times: dict[str, list[float]] = {name: [] for name in names}
        for k in range(args.repeat):
            times["alone"].append(time_alone(sweep_file))
            times["serial"].append(time_sweep(sweep_file, Path(tmp) / f"serial-{k}", "local",
                                              jobs=1))
            times["local"].append(time_sweep(sweep_file, Path(tmp) / f"local-{k}", "local"))
            if args.plots:
                times["plots"].append(time_sweep(sweep_file, Path(tmp) / f"plots-{k}", "local",
                                                 jobs=1, plots=True))
            if not args.no_dask:
                times["dask"].append(time_sweep(sweep_file, Path(tmp) / f"dask-{k}", "dask"))
                times["cluster"].append(time_cluster())
            print(f"repeat {k + 1}: " + ", ".join(f"{n} {v[-1]:.2f} s" for n, v in times.items()))
    med = {name: statistics.median(v) for name, v in times.items()}
    runs = n_points * per_point
    rows = [
        ("points run alone, one after the other (sum)", "alone"),
        ("sweep, in process (--jobs 1)", "serial"),
        ("sweep, local executor, --jobs 2", "local"),
        ("sweep, in process (--jobs 1), with its plots", "plots"),
        ("sweep, Dask LocalCluster, 2 workers (incl. start/stop)", "dask"),
    ]
    rows = [(text, key) for text, key in rows if key in med]
    what = (f"`{sweep_file.name}`" if args.sweep else
            "grid over `scenarios/istanbul_2025.yaml` (mean momentum x Russia's delegation "
            "authority)")
    lines = [
        "### Sweeps (`benchmarks/bench_sweep.py`)",
        "",
        f"{n_points}-point {what}, {per_point} runs per point ({runs:,} replications), "
        f"median of {args.repeat}. Machine: {about}.",
        "",
        "| what | wall time | replications/s | vs points alone |",
        "| --- | ---: | ---: | ---: |",
    ]
    for text, key in rows:
        lines.append(f"| {text} | {med[key]:.2f} s | {runs / med[key]:,.0f} | "
                     f"{med['alone'] / med[key]:.2f}x |")
    if "cluster" in med:
        lines += ["", f"Starting and closing the 2-worker Dask cluster with no work: "
                  f"{med['cluster']:.2f} s (median)."]
    lines += [
        "",
        "All runs: " + "; ".join(f"{k} " + ", ".join(f"{x:.2f}" for x in v) + " s"
                                 for k, v in times.items()) + ".",
    ]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    lines.append(f"Load average at the end: {load}; total benchmark time "
                 f"{time.perf_counter() - t_start:.0f} s.")
    text = "\n".join(lines) + "\n"
    print()
    print(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
