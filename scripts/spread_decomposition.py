"""How much of the spread of each outcome share comes from the inputs, how much from noise.

Not a test: run it by hand. The law of total variance splits the variance of a replication's
outcome indicator Y (1 if the replication ends in that outcome) over the priors theta:

    Var(Y) = Var_theta(E[Y | theta]) + E_theta[Var(Y | theta)]
             (the inputs' part)         (the simulation's own noise)

estimated by a nested design: K input vectors drawn from the priors, M replications each with
the inputs fixed at that draw (the model's own randomness only). With p_k the share among the M
replications of draw k, Var_theta(E[Y | theta]) is estimated without bias by
var_k(p_k) - mean_k(p_k (1 - p_k)) / (M - 1), and Var(Y) by p (1 - p) with p = mean_k(p_k).

    .venv/bin/python scripts/spread_decomposition.py scenarios/istanbul_2025.yaml \
        --draws 100 --runs 200
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from sim.engine.runner import simulate
from sim.rules.taxonomy import OUTCOMES_V2
from sim.scenario import load_scenario, uncertain_inputs


def fixed_at(scn, values: dict[str, float]):
    """``scn`` with every uncertain input fixed at ``values`` (key path -> number)."""
    data = scn.model_dump(by_alias=True, exclude_none=True)
    for path, value in values.items():
        node = data
        keys = path.split(".")
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = float(value)
    return type(scn).model_validate(data)


def main() -> None:
    """Print each outcome's share, its sd over the input draws and the inputs' part."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario")
    ap.add_argument("--draws", type=int, default=100, help="input vectors K")
    ap.add_argument("--runs", type=int, default=200, help="replications M per input vector")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scn = load_scenario(args.scenario)
    inputs = uncertain_inputs(scn)
    rng = np.random.default_rng(args.seed)
    t0 = time.perf_counter()
    shares = np.zeros((args.draws, len(OUTCOMES_V2)))
    for k in range(args.draws):
        values = {inp.path: inp.sample(rng) for inp in inputs}
        runs = simulate(fixed_at(scn, values), runs=args.runs, seed=args.seed + k,
                        trace_runs=0).runs
        counts = runs["outcome"].value_counts()
        shares[k] = [counts.get(name, 0) / args.runs for name in OUTCOMES_V2]
    p = shares.mean(axis=0)
    total = p * (1 - p)
    between = shares.var(axis=0, ddof=1) - (shares * (1 - shares)).mean(axis=0) / (args.runs - 1)
    print(f"{scn.name}: {len(inputs)} uncertain inputs, {args.draws} draws x {args.runs} "
          f"replications, {time.perf_counter() - t0:.0f} s")
    print(f"{'outcome':<18} {'share':>7} {'sd of share over inputs':>24} {'inputs part':>12}")
    for name, pk, tot, btw, col in zip(OUTCOMES_V2, p, total, between, shares.T, strict=True):
        part = max(btw, 0.0) / tot if tot > 0 else float("nan")
        print(f"{name:<18} {pk:7.3f} {col.std(ddof=1):24.3f} {part:12.2f}")


if __name__ == "__main__":
    main()
