"""How the cost of a replication grows with actors, issues and sessions (mediated protocol).

Synthetic scenarios are made from the baseline (``scenarios/istanbul_2025.yaml``: 9 actors,
9 issues, 12 sessions) by changing one size at a time and keeping the rest:

* actors: third parties are removed (down to the five the scenario's pressure and battlefield
  refer to) or added as copies of Germany with positions and saliences moved at random;
* issues: issues are removed (down to the three the outcomes and the humanitarian track refer
  to) or added as copies of ``governance`` with every actor's position moved at random;
* sessions: ``sessions`` is set (the calendar follows).

Each point is timed as ``simulate`` (no trace, one process) of ``--runs`` replications (one
chunk by default), ``--repeats`` calls after a warm-up; the figures are replications per second
of the median and of the best call. The exponent b of cost ~ size^b is the least-squares slope
of log(best seconds per replication) on log(size). Not a test: run it by hand.

    .venv/bin/python benchmarks/bench_scaling.py                      # vector engine
    .venv/bin/python benchmarks/bench_scaling.py --engine vector compiled \
        --plot benchmarks/scaling.png
"""

from __future__ import annotations

import argparse
import copy
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from sim.engine.runner import simulate
from sim.scenario import load_scenario
from sim.scenario.yamlio import ScenarioLoader

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "scenarios" / "istanbul_2025.yaml"
KEEP_ACTORS = ("russia", "ukraine", "turkey", "usa", "eu")  # named by pressure / battlefield
KEEP_ISSUES = ("ceasefire", "security_guarantees", "humanitarian")  # named by outcomes
GRID = {
    "actors": (5, 9, 18, 36, 72, 100),
    "issues": (3, 5, 9, 14, 20),
    "sessions": (6, 12, 25, 50, 100),
}


def base() -> dict[str, Any]:
    with open(BASE) as f:
        return dict(yaml.load(f, Loader=ScenarioLoader))  # the loader's YAML rules ("on" a key)


def _jitter(value: Any, rng: np.random.Generator, sd: float, lo: float, hi: float) -> Any:
    if isinstance(value, int | float):
        return float(np.clip(value + rng.normal(0.0, sd), lo, hi))
    return value  # an uncertain input (a distribution) is kept as it is


def with_actors(doc: dict[str, Any], n: int, rng: np.random.Generator) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    actors = doc["actors"]
    for name in [a for a in actors if a not in KEEP_ACTORS][: max(0, len(actors) - n)]:
        del actors[name]
    template = doc["actors"].get("germany") or base()["actors"]["germany"]
    for k in range(len(actors), n):
        act = copy.deepcopy(template)
        act["name"] = f"Third party {k}"
        act["position"] = {i: _jitter(v, rng, 15.0, 0.0, 100.0)
                           for i, v in act["position"].items()}
        act["salience"] = {i: _jitter(v, rng, 0.1, 0.0, 1.0) for i, v in act["salience"].items()}
        actors[f"tp{k}"] = act
    return doc


def with_issues(doc: dict[str, Any], n: int, rng: np.random.Generator) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    issues = doc["issues"]
    drop = [i for i in issues if i not in KEEP_ISSUES][: max(0, len(issues) - n)]
    for name in drop:
        del issues[name]
        for act in doc["actors"].values():
            for key in ("position", "salience"):
                act.get(key, {}).pop(name, None)
    template = base()["issues"]["governance"]
    for k in range(len(issues), n):
        name = f"issue{k}"
        issues[name] = copy.deepcopy(template) | {"label": f"Issue {k}"}
        for act in doc["actors"].values():
            for key, sd, hi in (("position", 15.0, 100.0), ("salience", 0.1, 1.0)):
                if key in act and "governance" in act[key]:
                    act[key][name] = _jitter(act[key]["governance"], rng, sd, 0.0, hi)
    return doc


def with_sessions(doc: dict[str, Any], n: int, rng: np.random.Generator) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    doc["sessions"] = n
    return doc


BUILDERS: dict[str, Callable[[dict[str, Any], int, np.random.Generator], dict[str, Any]]] = {
    "actors": with_actors, "issues": with_issues, "sessions": with_sessions}


def scenario(doc: dict[str, Any], folder: Path, label: str) -> Any:
    path = folder / f"{label}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return load_scenario(path)


def rate(scn: Any, engine: str, runs: int, repeats: int) -> tuple[float, float]:
    """Replications per second of ``simulate(runs=runs)`` on ``scn``: (median, best) of
    ``repeats`` calls after a warm-up.

    The run count is the same at every point: the vector engine's cost per replication
    falls with the number of replications it steps together (each round's NumPy calls have a
    fixed cost), so a count that shrank with the size would inflate the slow points. On a
    shared machine the best call is the steadier figure (the median includes waiting for a
    CPU), so the exponents are fitted to it.
    """
    simulate(scn, runs=min(runs, 50), seed=1, engine=engine, trace_runs=0)  # warm-up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        simulate(scn, runs=runs, seed=1, engine=engine, trace_runs=0)
        times.append(time.perf_counter() - t0)
    return runs / statistics.median(times), runs / min(times)


def exponent(sizes: list[int], rates: list[float]) -> float:
    """Least-squares slope of log(seconds per replication) on log(size)."""
    slope, _ = np.polyfit(np.log(sizes), -np.log(rates), 1)
    return float(slope)


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            model = next(line.split(":", 1)[1].strip() for line in f
                         if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    with open("/proc/loadavg") as f:
        load = f.read().strip()
    return (f"{model}, {os.cpu_count()} logical cores; Python {platform.python_version()}, "
            f"NumPy {np.__version__}; /proc/loadavg {load}")


def plot(results: dict[tuple[str, str], list[tuple[int, float]]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(13, 4), sharey=True)
    for ax, dim in zip(axes, GRID, strict=True):
        for (d, engine), points in results.items():
            if d != dim:
                continue
            sizes, rates = zip(*points, strict=True)
            b = exponent(list(sizes), list(rates))
            ax.loglog(sizes, rates, "o-", label=f"{engine} (cost ~ {dim}^{b:.2f})")
        ax.axvline({"actors": 9, "issues": 9, "sessions": 12}[dim], color="0.7", ls=":",
                   label="baseline")
        ax.set_xlabel(dim)
        ax.set_title(f"replications/s against {dim}")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    axes[0].set_ylabel("replications per second (best of the repeats, one process)")
    fig.suptitle("Mediated protocol, synthetic scenarios around the baseline", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", nargs="+", default=["vector"], choices=("vector", "compiled"))
    ap.add_argument("--dims", nargs="+", default=list(GRID), choices=list(GRID))
    ap.add_argument("--runs", type=int, default=1000, help="replications per timed call")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--seed", type=int, default=7, help="seed of the synthetic actors/issues")
    ap.add_argument("--plot", type=Path, help="write the figure here (a generated result)")
    args = ap.parse_args(argv)
    if "compiled" in args.engine:
        from sim.engine import compiled

        t0 = time.perf_counter()
        compiled.load(print)
        print(f"compiled engine ready in {time.perf_counter() - t0:.1f} s")
    print(machine())
    doc = base()
    results: dict[tuple[str, str], list[tuple[int, float]]] = {}
    print(f"{'size':<16}{'engine':<10}{'runs':>8}{'median/s':>11}{'best/s':>11}{'best ms':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for dim in args.dims:
            for size in GRID[dim]:
                rng = np.random.default_rng([args.seed, size])
                scn = scenario(BUILDERS[dim](doc, size, rng), Path(tmp), f"{dim}{size}")
                for engine in args.engine:
                    med, r = rate(scn, engine, args.runs, args.repeats)
                    results.setdefault((dim, engine), []).append((size, r))
                    print(f"{dim + '=' + str(size):<16}{engine:<10}{args.runs:>8}{med:>11,.0f}"
                          f"{r:>11,.0f}{1e3 / r:>10.3f}", flush=True)
    print("fitted exponents b (best seconds per replication ~ size^b, log-log least squares):")
    for (dim, engine), points in results.items():
        sizes, rates = zip(*points, strict=True)
        print(f"  {dim:<9}{engine:<10}b = {exponent(list(sizes), list(rates)):.2f}")
    print(machine())
    if args.plot:
        plot(results, args.plot)
        print(f"wrote {args.plot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
