"""Scenario discovery: the regions of the inputs where an outcome is likely (PRIM boxes).

The Patient Rule Induction Method of Friedman & Fisher (1999), "Bump hunting in
high-dimensional data", *Statistics and Computing* 9(2), 123-143, §2 (top-down peeling), as EMA
Workbench's ``prim`` uses it for scenario discovery (Bryant & Lempert 2010, *Technological
Forecasting and Social Change* 77(1), 34-49). Given the inputs X of every replication (a run's
``param.*`` columns, or a sweep's parameters and sampled inputs) and y = 1 where the replication
ended in the outcome:

1. start from the box holding every replication;
2. peel: for each input, try removing the ``peel`` fraction (default 5%) of the replications in
   the box with the lowest values of that input, and the fraction with the highest; keep the
   single peel that leaves the highest density (mean of y) in the box;
3. repeat while the box holds at least ``min_support`` of all replications (default 5%).

Every box on that peeling trajectory has a *coverage* (the share of all the outcome's
replications inside it), a *density* (the outcome's share inside it) and a *support* (the share
of all replications inside it). Every box of the trajectory is pruned to the restrictions it
needs (below); the box reported is then the one that captures the most cases beyond the base
rate, ``coverage × (density − base rate)`` (a modelling choice: EMA Workbench leaves the
choice to the analyst, who inspects the trajectory), or, with ``threshold``, the box of highest
coverage whose density reaches it. A second box is found the same way among the replications
outside the first (covering, Friedman & Fisher §5). Pasting (§2.2) is not done. Only inputs whose
limits moved are reported, and of those only the ones the box needs: a restriction whose
quasi-p-value (as EMA Workbench reports it: the binomial chance of the box's cases if its density
were that of the box without the restriction) is above 0.05 is dropped (:func:`prune`).

A small implementation rather than EMA Workbench's: ``ema-workbench`` 3.0 brings scikit-learn,
statsmodels, seaborn and platypus-opt (twelve packages, by a ``pip install --dry-run`` report)
for this one function; ``tests/sweep/test_discovery.py`` checks this one against a box known by
construction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.sweep.errors import SweepError

PEEL = 0.05
MIN_SUPPORT = 0.05


@dataclass
class Box:
    """One PRIM box.

    Attributes:
        limits: Input -> (low, high): the box's limits on the inputs it restricts (inside means
            above the low limit and below the high one, where the box restricts that side).
        ranges: Input -> (low, high): the range of each restricted input over the data given.
        coverage: Share of the outcome's replications inside the box.
        density: Share of the replications inside the box that have the outcome.
        support: Share of all replications inside the box.
        count: Replications inside the box.
        trajectory: The peeling trajectory (support, coverage, density per step).
        bounds: (inputs, 2) limits over every input given, -inf / inf where unrestricted.
    """

    limits: dict[str, tuple[float, float]]
    ranges: dict[str, tuple[float, float]]
    coverage: float
    density: float
    support: float
    count: int
    trajectory: pd.DataFrame = field(default_factory=pd.DataFrame)
    bounds: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))


def peel(x: np.ndarray, y: np.ndarray, alpha: float = PEEL,
         min_support: float = MIN_SUPPORT, total: int | None = None) -> list[np.ndarray]:
    """The peeling trajectory: the (d, 2) limits of the successive boxes (the first unbounded).

    Args:
        x: (n, d) inputs (finite).
        y: (n,) 0/1 outcome.
        alpha: Fraction of the box's replications removed by each peel.
        min_support: Smallest box, as a fraction of ``total``.
        total: Replications the support is a fraction of (default n).
    """
    n, d = x.shape
    total = total or n
    limits = np.tile([-np.inf, np.inf], (d, 1))
    inside = np.ones(n, bool)
    out = [limits.copy()]
    while True:
        held = int(inside.sum())
        best, best_density = None, -1.0
        for j in range(d):
            values = x[inside, j]
            for side, q in ((0, alpha), (1, 1 - alpha)):
                cut = float(np.quantile(values, q))
                keep = inside & ((x[:, j] > cut) if side == 0 else (x[:, j] < cut))
                kept = int(keep.sum())
                if kept == held or kept < min_support * total or kept == 0:
                    continue
                density = float(y[keep].mean())
                if density > best_density:
                    best, best_density = (j, side, cut, keep), density
        if best is None:
            return out
        j, side, cut, inside = best
        limits[j, side] = cut
        out.append(limits.copy())


def _mask(x: np.ndarray, limits: np.ndarray) -> np.ndarray:
    """Replications inside the box: above every lower limit and below every upper one."""
    return np.all((x > limits[:, 0]) & (x < limits[:, 1]), axis=1)


def prune(x: np.ndarray, y: np.ndarray, limits: np.ndarray, level: float = 0.05) -> np.ndarray:
    """Drop the restrictions that the box's density does not need.

    For each restricted input, the quasi-p-value of EMA Workbench's PRIM: the binomial chance
    of at least the box's count of cases among its replications if the density were that of
    the box without that restriction. The restriction with the largest p above ``level`` is
    dropped, and again until every one left is below it.
    """
    from scipy.stats import binom

    limits = limits.copy()
    while True:
        mask = _mask(x, limits)
        n, k = int(mask.sum()), int(y[mask].sum())
        worst, worst_p = None, level
        for j in np.nonzero(np.isfinite(limits).any(axis=1))[0]:
            wider = limits.copy()
            wider[j] = (-np.inf, np.inf)
            m = _mask(x, wider)
            p = float(binom.sf(k - 1, n, float(y[m].mean()))) if m.any() else 1.0
            if p > worst_p:
                worst, worst_p = j, p
        if worst is None:
            return limits
        limits[worst] = (-np.inf, np.inf)


def _box(x: np.ndarray, y: np.ndarray, limits: np.ndarray, names: Sequence[str], base_n: int,
         cases: int) -> Box:
    mask = _mask(x, limits)
    restricted, ranges = {}, {}
    for j, name in enumerate(names):
        if np.isfinite(limits[j]).any():
            full = (float(np.min(x[:, j])), float(np.max(x[:, j])))
            restricted[name] = (max(float(limits[j, 0]), full[0]),
                                min(float(limits[j, 1]), full[1]))
            ranges[name] = full
    count = int(mask.sum())
    return Box(restricted, ranges, float(y[mask].sum()) / cases if cases else np.nan,
               float(y[mask].mean()) if count else np.nan, count / base_n, count,
               bounds=limits.copy())


def find_box(x: np.ndarray, y: np.ndarray, names: Sequence[str], *, alpha: float = PEEL,
             min_support: float = MIN_SUPPORT, threshold: float | None = None,
             base: tuple[int, float] | None = None) -> Box:
    """The PRIM box of ``y`` over ``x`` (see the module docstring for which box is chosen)."""
    n_all, rate = base if base is not None else (len(y), float(y.mean()))
    cases = int(y.sum())
    steps = peel(x, y, alpha, min_support, n_all)
    boxes = [_box(x, y, lim, names, n_all, cases) for lim in steps]
    trajectory = pd.DataFrame({"support": [b.support for b in boxes],
                               "coverage": [b.coverage for b in boxes],
                               "density": [b.density for b in boxes]})
    # every box of the trajectory, pruned to the restrictions it needs, is a candidate
    pruned = [_box(x, y, prune(x, y, lim), names, n_all, cases) for lim in steps]
    if threshold is not None:
        reaching = [b for b in pruned if b.density >= threshold]
        chosen = max(reaching, key=lambda b: b.coverage) if reaching else max(
            pruned, key=lambda b: b.density)
    else:
        chosen = max(pruned, key=lambda b: b.coverage * (b.density - rate))
    chosen.trajectory = trajectory
    return chosen


def discover(inputs: pd.DataFrame, y: np.ndarray, *, boxes: int = 2, alpha: float = PEEL,
             min_support: float = MIN_SUPPORT, threshold: float | None = None) -> list[Box]:
    """Up to ``boxes`` PRIM boxes, each found among the replications outside the earlier ones.

    Coverage and support of every box are fractions of *all* replications and cases.

    Raises:
        SweepError: No input varies, or the outcome never or always happens.
    """
    x = inputs.to_numpy(dtype=float)
    keep = np.isfinite(x).all(axis=0) & (np.ptp(np.nan_to_num(x), axis=0) > 0)
    names = [c for c, k in zip(inputs.columns, keep, strict=True) if k]
    x = x[:, keep]
    y = np.asarray(y, dtype=float)
    if not names:
        raise SweepError("scenario discovery needs inputs that vary (uncertain inputs, or a "
                         "sweep's parameters); none do here")
    if y.sum() == 0 or y.sum() == len(y):
        raise SweepError("scenario discovery needs an outcome that happens in some replications "
                         f"and not in others; it happens in {int(y.sum())} of {len(y)}")
    found: list[Box] = []
    left = np.ones(len(y), bool)
    cases, rate = int(y.sum()), float(y.mean())
    for _ in range(boxes):
        if y[left].sum() == 0 or left.sum() < 2 * min_support * len(y):
            break
        box = find_box(x[left], y[left], names, alpha=alpha, min_support=min_support,
                       threshold=threshold, base=(len(y), rate))
        box.coverage = box.coverage * y[left].sum() / cases
        if box.density <= rate and found:
            break
        found.append(box)
        if not box.limits:
            break
        left &= ~_mask(x, box.bounds)
    return found


def replications(folder: Path | str) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The inputs and the runs table of a run or sweep folder, and what it is.

    A result folder of ``ceasefire run``: its ``param.*`` columns. A sweep folder: the sweep's
    parameters (taken from ``points.parquet`` by point) and the ``param.*`` columns of every point
    file.

    Raises:
        SweepError: The folder is neither, or holds no inputs.
    """
    from sim.results.store import read_runs
    from sim.sweep.store import POINTS_DIR, POINTS_FILE, is_sweep_dir, read_sweep_dir

    folder = Path(folder)
    if is_sweep_dir(folder):
        sd = read_sweep_dir(folder)
        frames = []
        for _, row in sd.points.iterrows():
            path = folder / POINTS_DIR / f"point-{int(row['point']):05d}.parquet"
            runs = pd.read_parquet(path).drop(columns=sd.parameters, errors="ignore")
            for key in sd.parameters:
                runs[key] = row[key]
            frames.append(runs)
        runs = pd.concat(frames, ignore_index=True)
        cols = [p for p in sd.parameters if pd.api.types.is_numeric_dtype(runs[p])]
        cols += [c for c in runs.columns if c.startswith("param.")]
        return runs[cols], runs, "sweep"
    if not (folder / POINTS_FILE).is_file() and not (folder / "runs.parquet").is_file():
        raise SweepError(f"{folder}: neither a result folder of `ceasefire run` nor a sweep "
                         "folder of `ceasefire sweep`")
    runs = read_runs(folder)
    cols = [c for c in runs.columns if c.startswith("param.")]
    if not cols:
        raise SweepError(f"{folder}: the runs have no sampled inputs (param.* columns): give "
                         "the scenario uncertain inputs, or discover over a sweep")
    return runs[cols], runs, "run"


def outcome_flags(runs: pd.DataFrame, outcome: str) -> np.ndarray:
    """1 where a replication ended in ``outcome`` (or has the flag ``dictated_peace``)."""
    from sim.sweep.spec import OUTPUTS

    if outcome == "dictated_peace":
        return runs["dictated_peace"].astype(bool).to_numpy()
    if outcome not in OUTPUTS or outcome == "agreement_holds":
        choices = [o for o in OUTPUTS if o != "agreement_holds"]
        raise SweepError(f"--outcome {outcome!r}: expected one of {', '.join(choices)}")
    return (runs["outcome"].astype(str) == outcome).to_numpy()
