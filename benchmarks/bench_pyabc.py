"""Our vectorised ABC-SMC against pyabc's ABCSMC on the same problems, to the same tolerance.

Problems:
  toy       normal-normal (prior N(0, 1), 10 observations of N(mu, 1) with mean 0.8; the exact
            posterior is N(8/11, 1/11)): a simulator that costs nothing, so what is measured is
            the ABC machinery.
  baseline  scenarios/calibration/baseline.yaml: its priors, its fitted series and its
            distance, the engine as the simulator. Ours hands each batch of particles to the
            engine at once; pyabc calls the model once per particle (one replication per call).

Both use a population of N particles, the median of the last distances as the next tolerance,
and stop at the same final tolerance; pyabc runs single-core (SingleCoreSampler) like ours with
--jobs 1. pyabc is not a dependency of the project: install it beside it to run this
(``pip install -e ".[bench]"``).

    python benchmarks/bench_pyabc.py toy
    python benchmarks/bench_pyabc.py baseline --particles 300
    python benchmarks/bench_pyabc.py baseline --particles 300 --schedule 0.1154 0.0770 0.0385
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from sim.calibrate import abc
from sim.calibrate.priors import JointPrior, Marginal
from sim.scenario.numbers import Normal

ROOT = Path(__file__).resolve().parents[1]


def toy_problem():
    prior = JointPrior((Marginal("mu", Normal(dist="normal", mean=0.0, sd=1.0), -10, 10),))

    def ours(theta: np.ndarray, start: int) -> np.ndarray:
        rng = np.random.default_rng([4, start])
        return np.abs(theta[:, 0] + rng.standard_normal(len(theta)) / np.sqrt(10) - 0.8)

    def one(mu: float, rng: np.random.Generator) -> float:
        return float(mu + rng.standard_normal() / np.sqrt(10))

    return prior, ours, one, 0.02


def run_ours(prior, simulate, n: int, eps: float, gens: int) -> dict:
    s = abc.Settings(method="smc", particles=n, generations=gens, min_tolerance=eps,
                     max_simulations=10_000_000, quantile=0.5, min_acceptance=0.0)
    t0 = time.perf_counter()
    res = abc.run(prior, simulate, s, seed=1)
    took = time.perf_counter() - t0
    g = res.posterior
    x = g.theta[:, 0]
    m = float(g.weights @ x)
    return {"seconds": took, "simulations": g.total_simulations, "generations": g.index + 1,
            "tolerance": g.tolerance, "mean": m, "sd": float(np.sqrt(g.weights @ (x - m) ** 2))}


def run_pyabc(prior, model, distance, observed, n: int, eps: float, gens: int,
              schedule: list[float] | None = None) -> dict:
    import pyabc

    logging.getLogger("ABC").setLevel(logging.WARNING)
    names = [f"p{j}" for j in range(prior.dim)]
    rvs = {}
    for name, m in zip(names, prior.marginals, strict=True):
        if m.dist.dist == "uniform":
            rvs[name] = pyabc.RV("uniform", m.dist.low, m.dist.high - m.dist.low)
        else:
            rvs[name] = pyabc.RV("norm", m.dist.mean, m.dist.sd)
    db = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "pyabc.db")
    epsilon = pyabc.ListEpsilon(schedule) if schedule else pyabc.MedianEpsilon()
    smc = pyabc.ABCSMC(model, pyabc.Distribution(**rvs), distance, population_size=n,
                       eps=epsilon, sampler=pyabc.sampler.SingleCoreSampler())
    smc.new(db, observed)
    t0 = time.perf_counter()
    # a list schedule ends with its last tolerance (which may round the target up)
    hist = smc.run(minimum_epsilon=schedule[-1] if schedule else eps,
                   max_nr_populations=len(schedule) if schedule else gens)
    took = time.perf_counter() - t0
    df, w = hist.get_distribution(m=0)
    x = df["p0"].to_numpy()
    m = float(w @ x)
    pops = hist.get_all_populations()
    return {"seconds": took, "simulations": int(hist.total_nr_simulations),
            "generations": int(hist.max_t + 1), "tolerance": float(pops["epsilon"].iloc[-1]),
            "mean": m, "sd": float(np.sqrt(w @ (x - m) ** 2))}


def toy(n: int, gens: int) -> None:
    prior, ours, one, eps = toy_problem()
    rng = np.random.default_rng(7)

    def model(par):
        return {"x": one(par["p0"], rng)}

    def dist(a, b):
        return abs(a["x"] - b["x"])

    print("exact posterior: mean 0.7273, sd 0.3015")
    for name, r in (("ours", run_ours(prior, ours, n, eps, gens)),
                    ("pyabc", run_pyabc(prior, model, dist, {"x": 0.8}, n, eps, gens))):
        print(f"{name:<6} {r}")


def baseline(n: int, gens: int, eps: float, schedule: list[float] | None) -> None:
    from sim.calibrate.simulator import EngineSimulator, prepare, series_seed, simulate_stats
    from sim.calibrate.spec import load_calibration

    cal = load_calibration(ROOT / "scenarios" / "calibration" / "baseline.yaml")
    fit = [prepare(r, cal.prior, cal.spec.statistics.facts, series_seed(cal.spec.seed, i))
           for i, r in enumerate(cal.fit)]
    sim = EngineSimulator(fit, cal.paths, cal.spec.distance)
    counter = {"k": 0}

    def model(par):
        theta = np.array([[par[f"p{j}"] for j in range(cal.prior.dim)]])
        k = counter["k"]
        counter["k"] += 1
        return {"s": np.concatenate([simulate_stats(s, cal.paths, theta, k)[0] for s in fit])}

    def dist(a, b):
        return float(np.abs(a["s"] - b["s"]).mean())

    print(f"baseline: {cal.prior.dim} parameters, {sim.observed.size} facts, N={n}, "
          f"final tolerance {eps:.4g}; loadavg {open('/proc/loadavg').read().strip()}")
    if schedule is None:
        r = run_ours(cal.prior, sim, n, eps, gens)
        print(f"ours   {r}")
    r = run_pyabc(cal.prior, model, dist, {"s": sim.observed}, n, eps, gens, schedule)
    print(f"pyabc  {r} (epsilon: {'list ' + str(schedule) if schedule else 'median'})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("problem", choices=("toy", "baseline"))
    ap.add_argument("--particles", type=int, default=1000)
    ap.add_argument("--generations", type=int, default=20)
    ap.add_argument("--tolerance", type=float, default=1 / 26)
    ap.add_argument("--schedule", type=float, nargs="+",
                    help="pyabc only, with a fixed list of tolerances (ListEpsilon) instead of "
                    "the median of the last distances (MedianEpsilon stalls on a distance that "
                    "takes few values)")
    a = ap.parse_args()
    if a.problem == "toy":
        toy(a.particles, a.generations)
    else:
        baseline(a.particles, a.generations, a.tolerance, a.schedule)


if __name__ == "__main__":
    main()
