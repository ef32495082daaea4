"""Approximate Bayesian computation on a vectorised simulator: rejection and ABC-SMC.

Both methods are pure functions of a prior, a simulator and a seed. The simulator takes a whole
batch of parameter vectors at once — ``simulate(theta, start) -> distances`` with ``theta`` of
shape ``(n, d)`` and ``start`` the index of the batch's first simulation — which is what lets
our engine evaluate thousands of particles in one call, each replication carrying its own
parameter vector. A simulation's randomness must depend only on its index (``start + j``), so
the same seed gives the same posterior however the simulator splits the batch.

* :func:`rejection` draws ``max_simulations`` parameter vectors from the prior, simulates each
  once and keeps those within the tolerance (Pritchard et al. 1999, *Mol. Biol. Evol.* 16(12);
  Beaumont, Zhang & Balding 2002, *Genetics* 162(4)).
* :func:`smc` is ABC population Monte Carlo (Beaumont, Cornuet, Marin & Robert 2009,
  "Adaptive approximate Bayesian computation", *Biometrika* 96(4); Toni et al. 2009, *J. R.
  Soc. Interface* 6(31)): each generation resamples the previous one by weight, moves the
  particles with a Gaussian kernel of twice their weighted covariance, keeps the moves within
  the generation's tolerance and reweights them by prior / proposal density. The tolerance
  adapts: each generation's is a quantile of the previous generation's accepted distances
  (the adaptive schedule of Del Moral, Doucet & Jasra 2012, "An adaptive sequential Monte
  Carlo method for approximate Bayesian computation", *Stat. Comput.* 22(5), as used by
  pyabc's median epsilon).

Each generation draws its random numbers from ``SeedSequence(seed, spawn_key=(generation,))``,
and a resumed run starts from a saved :class:`Generation`, so a run interrupted after any
generation and resumed ends with the same particles as an uninterrupted one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from scipy.special import logsumexp

Simulator = Callable[[np.ndarray, int], np.ndarray]
"""``simulate(theta (n, d), start) -> (n,)`` distances of one simulation per row."""

METHODS: tuple[str, ...] = ("rejection", "smc")


class Prior(Protocol):
    """A joint prior over ``d`` parameters, vectorised."""

    @property
    def dim(self) -> int:
        """Number of parameters."""
        ...

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """(n, d) draws."""
        ...

    def logpdf(self, theta: np.ndarray) -> np.ndarray:
        """(n,) log density at each row of ``theta`` (-inf outside the support)."""
        ...


@dataclass(frozen=True)
class Settings:
    """What an ABC run may spend and when it stops.

    Attributes:
        method: ``rejection`` or ``smc``.
        particles: Particles per generation (rejection: the number of nearest simulations kept,
            ties at the cut included).
        generations: Most generations (SMC), the prior generation included.
        min_tolerance: SMC stops once a generation's tolerance is at or below it; rejection
            keeps every simulation within it when more than ``particles`` are.
        max_simulations: Most simulations in all (rejection: exactly this many).
        quantile: The quantile of the previous generation's distances that sets the next
            tolerance (SMC).
        min_acceptance: SMC stops after a generation whose acceptance rate fell below it.
        batch: Most simulations handed to the simulator in one call.
    """

    method: str = "smc"
    particles: int = 1000
    generations: int = 8
    min_tolerance: float = 0.0
    max_simulations: int = 100_000
    quantile: float = 0.5
    min_acceptance: float = 0.01
    batch: int = 4096


@dataclass
class Generation:
    """One population of particles and how it was obtained."""

    index: int
    tolerance: float
    theta: np.ndarray  # (N, d)
    weights: np.ndarray  # (N,) normalised
    distances: np.ndarray  # (N,)
    simulations: int  # simulations this generation ran
    total_simulations: int  # simulations of the whole run up to and including this one

    @property
    def acceptance_rate(self) -> float:
        """Accepted particles per simulation."""
        return len(self.weights) / self.simulations if self.simulations else float("nan")

    @property
    def ess(self) -> float:
        """Effective sample size of the weights, (sum w)^2 / sum w^2 (Kish)."""
        return float(self.weights.sum() ** 2 / np.square(self.weights).sum())


@dataclass
class Result:
    """The generations of an ABC run; the last one is the posterior sample."""

    generations: list[Generation] = field(default_factory=list)
    stopped: str = ""

    @property
    def posterior(self) -> Generation:
        """The last complete generation."""
        return self.generations[-1]


def generation_rng(seed: int, index: int) -> np.random.Generator:
    """The random stream of generation ``index`` (independent of every other generation)."""
    return np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(int(index),)))


def rejection(prior: Prior, simulate: Simulator, settings: Settings, seed: int,
              on_generation: Callable[[Generation], None] | None = None) -> Result:
    """Rejection ABC: ``max_simulations`` prior draws, the nearest ``particles`` kept."""
    rng = generation_rng(seed, 0)
    n = settings.max_simulations
    theta = prior.sample(rng, n)
    d = _simulate_batches(simulate, theta, 0, settings.batch)
    keep = min(settings.particles, n)
    cut = float(np.partition(d, keep - 1)[keep - 1])
    eps = max(cut, settings.min_tolerance)
    ok = d <= eps
    w = np.full(int(ok.sum()), 1.0 / ok.sum())
    gen = Generation(0, eps, theta[ok], w, d[ok], n, n)
    if on_generation is not None:
        on_generation(gen)
    return Result([gen], "rejection: max_simulations drawn from the prior")


def smc(prior: Prior, simulate: Simulator, settings: Settings, seed: int,
        resume: list[Generation] | None = None,
        on_generation: Callable[[Generation], None] | None = None) -> Result:
    """ABC-SMC with an adaptive tolerance (see the module docstring for the references).

    Args:
        prior: The prior.
        simulate: The vectorised simulator (see :data:`Simulator`).
        settings: Budget and stopping rules.
        seed: Master seed.
        resume: Generations of an interrupted run of the same problem, in order.
        on_generation: Called with each new generation as soon as it is complete.
    """
    res = Result(list(resume or []))
    if not res.generations:
        rng = generation_rng(seed, 0)
        theta = prior.sample(rng, settings.particles)
        n = settings.particles
        d = _simulate_batches(simulate, theta, 0, settings.batch)
        gen = Generation(0, math.inf, theta, np.full(n, 1.0 / n), d, n, n)
        res.generations.append(gen)
        if on_generation is not None:
            on_generation(gen)
    while True:
        last = res.generations[-1]
        why = _stop_reason(last, settings)
        if why:
            res.stopped = why
            return res
        eps = next_tolerance(last, settings.quantile)
        if eps is None:
            res.stopped = (f"the tolerance cannot go below {last.tolerance:g}: every particle "
                           "is already at the smallest distance seen")
            return res
        new = _next_generation(prior, simulate, settings, seed, last, eps)
        if isinstance(new, str):
            res.stopped = f"{new}; the posterior is generation {last.index}"
            return res
        res.generations.append(new)
        if on_generation is not None:
            on_generation(new)


def _stop_reason(last: Generation, s: Settings) -> str:
    if last.index + 1 >= s.generations:
        return f"{s.generations} generations done"
    if last.tolerance <= s.min_tolerance:
        return f"tolerance {last.tolerance:g} reached min_tolerance {s.min_tolerance:g}"
    if last.index > 0 and last.acceptance_rate < s.min_acceptance:
        return (f"acceptance rate {last.acceptance_rate:.3g} below min_acceptance "
                f"{s.min_acceptance:g}")
    if last.total_simulations >= s.max_simulations:
        return f"max_simulations ({s.max_simulations:,}) used"
    return ""


def next_tolerance(gen: Generation, quantile: float = 0.5) -> float | None:
    """The next generation's tolerance: the weighted ``quantile`` of ``gen``'s distances.

    When that quantile does not go below ``gen.tolerance`` (a distance that takes few values,
    such as a count of mismatched facts), the largest distance seen below the tolerance is
    taken instead; None when there is none (every particle already sits at the smallest).
    """
    q = weighted_quantile(gen.distances, gen.weights, quantile)
    if q < gen.tolerance:
        return float(q)
    below = gen.distances[gen.distances < gen.tolerance]
    return float(below.max()) if below.size else None


def _next_generation(prior: Prior, simulate: Simulator, s: Settings, seed: int,
                     last: Generation, eps: float) -> Generation | str:
    """The next generation at tolerance ``eps``, or why it was given up.

    It is given up when ``max_simulations`` runs out, or when, after at least ``2 * particles``
    simulations, fewer than ``min_acceptance`` of them were accepted: finishing it would cost
    more than ``particles / min_acceptance`` simulations.
    """
    rng = generation_rng(seed, last.index + 1)
    cov = 2.0 * weighted_cov(last.theta, last.weights)
    chol = np.linalg.cholesky(cov)
    kept_theta: list[np.ndarray] = []
    kept_d: list[np.ndarray] = []
    n_kept, used, rate = 0, 0, max(last.acceptance_rate, 0.05) if last.index else 0.5
    start = last.total_simulations
    while n_kept < s.particles:
        room = s.max_simulations - (start + used)
        if room <= 0:
            return (f"max_simulations ({s.max_simulations:,}) reached during generation "
                    f"{last.index + 1} (tolerance {eps:.4g}, {n_kept:,} of {used:,} accepted)")
        if used >= 2 * s.particles and n_kept < s.min_acceptance * used:
            return (f"generation {last.index + 1} (tolerance {eps:.4g}) accepted {n_kept:,} of "
                    f"{used:,} simulations, below min_acceptance {s.min_acceptance:g}")
        want = math.ceil((s.particles - n_kept) / max(rate, 0.01) * 1.1)
        m = int(min(max(want, 64), s.batch, room))
        theta = _propose(prior, rng, last, chol, m)
        d = simulate(theta, start + used)
        used += m
        ok = d <= eps
        rate = max(float(ok.mean()), 1.0 / m)
        kept_theta.append(theta[ok])
        kept_d.append(d[ok])
        n_kept += int(ok.sum())
    theta = np.concatenate(kept_theta)[: s.particles]
    dist = np.concatenate(kept_d)[: s.particles]
    logw = prior.logpdf(theta) - _log_proposal(theta, last, cov)
    w = np.exp(logw - logw.max())
    return Generation(last.index + 1, eps, theta, w / w.sum(), dist, used, start + used)


def _propose(prior: Prior, rng: np.random.Generator, last: Generation, chol: np.ndarray,
             m: int) -> np.ndarray:
    """``m`` moves of particles resampled by weight, each inside the prior's support."""
    out = np.empty((m, last.theta.shape[1]))
    todo = np.arange(m)
    for _ in range(1000):
        anc = rng.choice(len(last.weights), size=todo.size, p=last.weights)
        z = rng.standard_normal((todo.size, last.theta.shape[1]))
        cand = last.theta[anc] + z @ chol.T
        inside = np.isfinite(prior.logpdf(cand))
        out[todo[inside]] = cand[inside]
        todo = todo[~inside]
        if not todo.size:
            return out
    raise RuntimeError("the perturbation kernel keeps leaving the prior's support")


def _log_proposal(theta: np.ndarray, last: Generation, cov: np.ndarray) -> np.ndarray:
    """Log sum_j w_j N(theta; theta_j, cov) for each row of ``theta``."""
    inv = np.linalg.inv(cov)
    _, logdet = np.linalg.slogdet(cov)
    d = theta.shape[1]
    norm = -0.5 * (d * math.log(2 * math.pi) + logdet)
    logw = np.log(last.weights)
    out = np.empty(len(theta))
    step = max(1, 2_000_000 // max(len(last.theta), 1))
    for a in range(0, len(theta), step):
        diff = theta[a : a + step, None, :] - last.theta[None, :, :]
        q = np.einsum("nkd,de,nke->nk", diff, inv, diff)
        out[a : a + step] = logsumexp(logw[None, :] + norm - 0.5 * q, axis=1)
    return out


def _simulate_batches(simulate: Simulator, theta: np.ndarray, start: int,
                      batch: int) -> np.ndarray:
    parts = [simulate(theta[a : a + batch], start + a) for a in range(0, len(theta), batch)]
    return np.concatenate(parts) if parts else np.zeros(0)


def weighted_cov(theta: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The weighted covariance of the rows of ``theta``, kept positive definite.

    A parameter whose particles have collapsed onto one value gets a small variance (1e-12 of
    the scale of the others, or 1e-12) so that the kernel stays a proper density.
    """
    mean = w @ theta
    diff = theta - mean
    cov = (diff * w[:, None]).T @ diff / max(1.0 - float(np.square(w).sum()), 1e-12)
    cov = np.atleast_2d(cov)
    scale = float(np.trace(cov)) / len(cov) or 1.0
    return cov + np.eye(len(cov)) * 1e-9 * scale


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: float | np.ndarray) -> np.ndarray:
    """Quantile(s) ``q`` of ``x`` under weights ``w`` (inverse of the weighted CDF)."""
    order = np.argsort(x, kind="stable")
    xs, cw = x[order], np.cumsum(w[order])
    cw = cw / cw[-1]
    idx = np.searchsorted(cw, np.asarray(q) - 1e-12, side="left")
    return xs[np.minimum(idx, len(xs) - 1)]


def run(prior: Prior, simulate: Simulator, settings: Settings, seed: int,
        resume: list[Generation] | None = None,
        on_generation: Callable[[Generation], None] | None = None) -> Result:
    """Run the method ``settings.method`` names (a resumed rejection starts again)."""
    if settings.method == "rejection":
        return rejection(prior, simulate, settings, seed, on_generation)
    if settings.method == "smc":
        return smc(prior, simulate, settings, seed, resume, on_generation)
    raise ValueError(f"unknown method {settings.method!r}; choose from {', '.join(METHODS)}")
