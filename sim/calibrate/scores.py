"""Scores of a probabilistic forecast of a series' yes/no facts, and the posterior's summaries.

A forecast gives each observed fact a probability of "yes". From a predictive sample of M
replications the probability is the share that show the fact, smoothed as (k + 1/2) / (M + 1)
(the Jeffreys / Krichevsky–Trofimov estimate), so a fact no replication showed costs a finite
log score. Scores (Gneiting & Raftery 2007, *JASA* 102(477)):

* log score: the sum over facts of log p(what happened) (higher is better; 0 is perfect);
* Brier score: the mean of (p - outcome)^2 (lower is better; a forecast of 1/2 scores 0.25);
* joint log score: log of the smoothed share of replications that show every fact as it
  happened — the forecast of the series as a whole, dependence between facts included.

The base-rate forecast gives each fact the smoothed rate of that kind of fact (exchange,
ceasefire, ...) among the fitted series' observations, the same for every session.
"""

from __future__ import annotations

import math

import numpy as np

from sim.calibrate.abc import weighted_quantile
from sim.calibrate.facts import FACT_KINDS, Observed


def smoothed(k: np.ndarray | float, m: int) -> np.ndarray:
    """(k + 1/2) / (m + 1)."""
    return (np.asarray(k, float) + 0.5) / (m + 1)


def scores(p: np.ndarray, outcome: np.ndarray) -> dict[str, float]:
    """Log and Brier scores of probabilities ``p`` for 0/1 ``outcome``."""
    like = np.where(outcome > 0.5, p, 1 - p)
    return {"log_score": float(np.log(like).sum()),
            "brier": float(np.mean(np.square(p - outcome)))}


def predictive(stats: np.ndarray, obs: Observed) -> dict[str, object]:
    """Per-fact probabilities and the scores of a predictive sample ``stats`` (M, facts)."""
    m = len(stats)
    p = smoothed(stats.sum(axis=0), m)
    out: dict[str, object] = {"p": p, **scores(p, obs.value)}
    exact = (stats == obs.value[None, :]).all(axis=1).sum()
    out["joint_log_score"] = float(math.log(float(smoothed(exact, m))))
    return out


def base_rates(fitted: list[Observed]) -> dict[str, float]:
    """The smoothed rate of each kind of fact among the fitted series' observations."""
    rates = {}
    for k, name in enumerate(FACT_KINDS):
        vals = np.concatenate([o.value[o.kind == k] for o in fitted]) if fitted else np.zeros(0)
        rates[name] = float(smoothed(vals.sum(), vals.size))
    return rates


def base_rate_forecast(obs: Observed, rates: dict[str, float]) -> dict[str, object]:
    """Scores of the base-rate forecast on ``obs`` (facts taken as independent)."""
    p = np.array([rates[FACT_KINDS[k]] for k in obs.kind])
    out: dict[str, object] = {"p": p, **scores(p, obs.value)}
    like = np.where(obs.value > 0.5, p, 1 - p)
    out["joint_log_score"] = float(np.log(like).sum())
    return out


def interval(x: np.ndarray, w: np.ndarray, level: float) -> tuple[float, float]:
    """Central ``level`` interval of weighted draws."""
    lo, hi = weighted_quantile(x, w, np.array([(1 - level) / 2, (1 + level) / 2]))
    return float(lo), float(hi)
