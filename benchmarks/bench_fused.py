"""The fused compiled engine against the vector and Mesa engines, and the issue's targets.

Not a test: run it by hand and copy the output into benchmarks/README.md.

    .venv/bin/python benchmarks/bench_fused.py --repeats 7

Prints, for the baseline scenario (``scenarios/istanbul_2025.yaml``):

1. the simulation alone, one chunk of replications already drawn: the vector engine's
   ``run_batch`` against the fused kernel (its opening state and inputs included) on one
   thread and on two, alternating, median wall and CPU time;
2. what each stage of a compiled chunk costs (seeds, draws, parameters, kernel, finish, runs
   table), median of the repeats;
3. Mesa against the compiled engine in one process (``simulate``, no trace): runs per second;
4. the baseline against the three-party variant (the United States a party) on the compiled
   engine (the three-party Nash text is not compiled: it runs the vector phases);
5. whole processes, ``ceasefire run ... --no-plots --jobs 2 --quiet`` (start-up and the
   default trace of the first 1,000 runs included), compiled and vector alternating.

The load average is printed at the start and at the end: on a shared machine the ratios from
alternating runs are more telling than the rates.
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
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "istanbul_2025.yaml"


def clock(fn: Callable[[], object]) -> tuple[float, float]:
    w0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w0, time.process_time() - c0


def load() -> str:
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def side_by_side(cases: dict[str, Callable[[], object]], repeats: int, reps: int) -> None:
    got: dict[str, list[tuple[float, float]]] = {k: [] for k in cases}
    for _ in range(repeats):
        for name, fn in cases.items():  # alternate, so a change of load hits every case
            got[name].append(clock(fn))
    base = statistics.median(w for w, _ in got[next(iter(cases))])
    for name, times in got.items():
        wall = statistics.median(w for w, _ in times)
        cpu = statistics.median(c for _, c in times)
        print(f"  {name:<34} {1000 * wall:9.1f} ms wall {1000 * cpu:9.1f} ms cpu "
              f"{reps / wall:9,.0f}/s wall {reps / cpu:9,.0f}/s cpu  x{base / wall:5.1f}")


def whole_process(engine: str, runs: int, jobs: int) -> tuple[float, float]:
    """Wall time and CPU time (the process and its workers) of one ``ceasefire run``."""
    import resource

    out = Path(tempfile.mkdtemp(prefix="bench-fused-")) / "run"
    cmd = [sys.executable, "-m", "sim", "run", str(BASELINE), "--runs", str(runs), "--no-plots",
           "--jobs", str(jobs), "--quiet", "--engine", engine, "--out", str(out)]
    try:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, env=dict(os.environ, MPLBACKEND="Agg"), cwd=ROOT)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return wall, cpu
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)


def processes(args: argparse.Namespace) -> None:
    """Section 5: whole ``ceasefire run`` processes, the engines alternating."""
    n = args.process_runs
    print(f"\n5. whole process: ceasefire run --runs {n:,} --jobs 2 --no-plots (start-up, "
          "the default trace of 1,000 runs, Parquet):")
    got: dict[str, list[tuple[float, float]]] = {e: [] for e in args.engines.split(",")}
    for _ in range(args.process_repeats):
        for engine in got:
            got[engine].append(whole_process(engine, n, 2))
    for engine, times in got.items():
        m = statistics.median(w for w, _ in times)
        c = statistics.median(c for _, c in times)
        # (the CPU time of the pool's workers is not counted: they are the fork server's)
        print(f"  {engine:<9} median {m:7.2f} s wall "
              f"({', '.join(f'{w:.2f}' for w, _ in times)}), {c:7.2f} s cpu in the main "
              f"process: {n / m:9,.0f} runs/s")
    if len(got) == 2:
        a, b = (statistics.median(w for w, _ in t) for t in got.values())
        print(f"  {list(got)[0]} is {b / a:.1f}x {list(got)[1]} (wall)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chunk", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--mesa-runs", type=int, default=100)
    ap.add_argument("--runs", type=int, default=20_000, help="runs of the in-process rows")
    ap.add_argument("--process-runs", type=int, default=100_000)
    ap.add_argument("--process-repeats", type=int, default=3)
    ap.add_argument("--skip-process", action="store_true")
    ap.add_argument("--only-process", action="store_true")
    ap.add_argument("--engines", default="compiled,vector", help="engines of the process rows")
    args = ap.parse_args()

    import numba

    from sim.batch.draws import draw, replication_seeds
    from sim.batch.finish import finish
    from sim.batch.params import compile_params
    from sim.engine import compiled
    from sim.engine.compiled import fused
    from sim.engine.compiled.engine import kernel_inputs, run_fused
    from sim.engine.runner import replication_inputs, simulate
    from sim.engine.tables import runs_table
    from sim.engine.vector import run_batch
    from sim.scenario import load_scenario, uncertain_inputs

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, NumPy {np.__version__}, numba "
          f"{numba.__version__}; load average at start {load()}")
    scn = load_scenario(BASELINE)
    compiled.prepare(scn, scn.seed)
    if args.only_process:
        processes(args)
        print(f"\nload average at end {load()}")
        return
    _, dr, p = replication_inputs(scn, scn.seed, 0, args.chunk)
    run_batch(p, dr, trace=False)
    print(f"\n1. simulation alone, one chunk of {args.chunk:,} replications (drawn before):")
    side_by_side({
        "vector (run_batch)": lambda: run_batch(p, dr, trace=False),
        "compiled, 1 thread": lambda: run_fused(p, dr, threads=1),
        "compiled, 2 threads": lambda: run_fused(p, dr, threads=2),
    }, args.repeats, args.chunk)

    print(f"\n2. a compiled chunk of {args.chunk:,}, stage by stage (median of "
          f"{args.repeats}):")
    inputs = uncertain_inputs(scn)
    seeds = replication_seeds(scn.seed, 0, args.chunk)
    st, kargs = kernel_inputs(p, dr)
    work = fused.workspace(p.n_actors, p.n_issues)

    def kernel_only() -> None:
        _, ka = kernel_inputs(p, dr)
        fused.play(0, p.runs, *work, *ka)

    fin = finish(p, run_fused(p, dr, threads=1), dr)
    stages: dict[str, Callable[[], object]] = {
        "seeds": lambda: replication_seeds(scn.seed, 0, args.chunk),
        "draws (NumPy, the vector engine's)": lambda: draw(
            seeds, inputs, scn.sessions, len(scn.actors), len(scn.issues), len(scn.events)),
        "draws (compiled, same numbers)": lambda: draw(
            seeds, inputs, scn.sessions, len(scn.actors), len(scn.issues), len(scn.events),
            compiled.row_drawer()),
        "parameters": lambda: compile_params(scn, dr.samples, args.chunk),
        "opening state and kernel inputs": lambda: kernel_inputs(p, dr),
        "kernel inputs + kernel, 1 thread": kernel_only,
        "finish": lambda: finish(p, st, dr),
        "runs table": lambda: runs_table(p, fin, dr, np.arange(args.chunk), seeds),
    }
    for name, fn in stages.items():
        times = [clock(fn) for _ in range(args.repeats)]
        wall = statistics.median(w for w, _ in times)
        cpu = statistics.median(c for _, c in times)
        print(f"  {name:<36} {1e6 * wall / args.chunk:8.1f} us wall {1e6 * cpu / args.chunk:8.1f} "
              "us cpu a replication")

    print(f"\n3. Mesa and compiled in one process (simulate, no trace; Mesa "
          f"{args.mesa_runs} runs, compiled {args.runs:,}):")
    t_mesa = min(clock(lambda: simulate(scn, runs=args.mesa_runs, engine="mesa",
                                        trace_runs=0))[0] for _ in range(2))
    t_com = statistics.median(clock(lambda: simulate(scn, runs=args.runs, engine="compiled",
                                                     trace_runs=0))[0] for _ in range(3))
    r_mesa, r_com = args.mesa_runs / t_mesa, args.runs / t_com
    print(f"  mesa {r_mesa:,.1f}/s, compiled {r_com:,.0f}/s: compiled is "
          f"{r_com / r_mesa:,.0f}x Mesa")

    print(f"\n4. two parties and three on the compiled engine (simulate, {args.runs // 10:,} "
          "runs, no trace):")
    three = load_scenario(BASELINE, overrides=["actors.usa.role=party",
                                               "actors.usa.reservation=0.3"])
    compiled.prepare(three, three.seed)
    n3 = args.runs // 10
    rates = {}
    for name, s in (("2 parties (baseline)", scn), ("3 parties (usa a party)", three)):
        simulate(s, runs=50, engine="compiled", trace_runs=0)
        t = statistics.median(clock(lambda s=s: simulate(s, runs=n3, engine="compiled",
                                                          trace_runs=0))[0] for _ in range(3))
        rates[name] = n3 / t
        print(f"  {name:<26} {rates[name]:9,.0f}/s")
    a, b = rates.values()
    print(f"  three parties run at {b / a:.3f} of the two-party rate")

    if not args.skip_process:
        processes(args)
    print(f"\nload average at end {load()}")


if __name__ == "__main__":
    main()
