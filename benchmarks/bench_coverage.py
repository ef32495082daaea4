"""Coverage of posterior intervals on synthetic records made by the engine from known inputs.

Two studies on a synthetic series: the 2025 Istanbul scenario observed at each of its first 8
sessions (exchange, ceasefire, main-track agreement and walkout every session: 32 facts),
with three calibrated inputs (humanitarian.rate, humanitarian.trust_effect,
negotiation.acceptance_noise) under the priors of scenarios/calibration/baseline.yaml.

1. reference table: M prior draws, one engine replication each; each of the first T rows in
   turn is the truth and its posterior is the `keep` nearest other rows (rejection ABC).
2. ABC-SMC: for K truths drawn from the prior, the engine makes the synthetic record, and the
   same ABC-SMC code path as `ceasefire calibrate` (sim.calibrate.abc.smc with the engine
   simulator) fits it.

    python benchmarks/bench_coverage.py --reference 6000 --truths 1000 --smc 40
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from sim.calibrate import abc
from sim.calibrate.coverage import reference_coverage
from sim.calibrate.facts import Observed, windows
from sim.calibrate.priors import JointPrior, Marginal
from sim.calibrate.scores import interval
from sim.calibrate.simulator import EngineSimulator, Series, prepare, simulate_stats
from sim.records import load_record
from sim.scenario.numbers import Uniform

ROOT = Path(__file__).resolve().parents[1]
SESSIONS = 8
KEYS = {"humanitarian.rate": (0.05, 0.95, 0, 1), "humanitarian.trust_effect": (0.0, 3.0, 0, 10),
        "negotiation.acceptance_noise": (0.0, 0.06, 0, 1)}


def setup() -> tuple[JointPrior, Series]:
    prior = JointPrior(tuple(Marginal(k, Uniform(dist="uniform", low=a, high=b), lo, hi)
                             for k, (a, b, lo, hi) in KEYS.items()))
    s = prepare(load_record(ROOT / "records" / "istanbul_2025.yaml"), prior, ["exchange"], 1)
    scn = s.scenario.model_copy(update={"sessions": SESSIONS})
    n = SESSIONS * 4
    obs = Observed(windows(range(1, SESSIONS + 1)), tuple(("", "", "") for _ in range(n)),
                   np.repeat(np.arange(SESSIONS), 4), np.tile(np.arange(4), SESSIONS),
                   np.zeros(n))
    return prior, Series("synthetic", scn, obs, seed=123)


def reference(prior: JointPrior, series: Series, m: int, truths: int, keep: int) -> None:
    t0 = time.perf_counter()
    theta = prior.sample(np.random.default_rng(11), m)
    stats = np.concatenate([simulate_stats(series, prior.paths, theta[a : a + 2000], a)
                            for a in range(0, m, 2000)])
    cov = reference_coverage(theta, stats, truths, keep)
    print(f"reference table: M={m}, truths={truths}, keep={keep} (mean kept {cov.kept:.0f}), "
          f"{time.perf_counter() - t0:.0f} s")
    for i, level in enumerate(cov.levels):
        per = ", ".join(f"{k.split('.')[-1]} {r:.3f}" for k, r in
                        zip(prior.paths, cov.rates[i], strict=True))
        print(f"  {level:.0%} intervals: overall {cov.overall()[i]:.3f} ({per})")


def smc(prior: JointPrior, series: Series, k: int, particles: int) -> None:
    t0 = time.perf_counter()
    truths = prior.sample(np.random.default_rng(5), k)
    data = simulate_stats(series, prior.paths, truths, 10_000_000)  # streams apart from the fits
    hits = np.zeros((2, prior.dim))
    widths = np.zeros(prior.dim)
    s = abc.Settings(method="smc", particles=particles, generations=6, min_tolerance=0.0,
                     max_simulations=8 * particles, quantile=0.5, min_acceptance=0.02)
    for t in range(k):
        obs = Observed(series.observed.windows, series.observed.labels, series.observed.session,
                       series.observed.kind, data[t])
        one = Series("synthetic", series.scenario, obs, seed=1000 + t)
        res = abc.run(prior, EngineSimulator([one], prior.paths), s, seed=t)
        g = res.posterior
        for j in range(prior.dim):
            for i, level in enumerate((0.5, 0.9)):
                lo, hi = interval(g.theta[:, j], g.weights, level)
                hits[i, j] += lo <= truths[t, j] <= hi
                if level == 0.9:
                    a, b = prior.marginals[j].interval(0.9)
                    widths[j] += (hi - lo) / (b - a) / k
    print(f"ABC-SMC: {k} synthetic records, {particles} particles, at most "
          f"{8 * particles:,} simulations each, {time.perf_counter() - t0:.0f} s")
    for i, level in enumerate((0.5, 0.9)):
        per = ", ".join(f"{p.split('.')[-1]} {r:.3f}" for p, r in
                        zip(prior.paths, hits[i] / k, strict=True))
        print(f"  {level:.0%} intervals: overall {hits[i].mean() / k:.3f} ({per})")
    print("  mean 90% width / prior 90% width: " + ", ".join(
        f"{p.split('.')[-1]} {w:.2f}" for p, w in zip(prior.paths, widths, strict=True)))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reference", type=int, default=6000)
    ap.add_argument("--truths", type=int, default=1000)
    ap.add_argument("--keep", type=int, default=200)
    ap.add_argument("--smc", type=int, default=40)
    ap.add_argument("--particles", type=int, default=300)
    a = ap.parse_args()
    print(f"loadavg {open('/proc/loadavg').read().strip()}")
    prior, series = setup()
    reference(prior, series, a.reference, a.truths, a.keep)
    if a.smc:
        smc(prior, series, a.smc, a.particles)


if __name__ == "__main__":
    main()
