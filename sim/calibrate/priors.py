"""Priors of a calibration: scenario distributions, truncated to their key's valid range.

A prior is written as a scenario distribution (``{dist: uniform, low, high}``, ``normal``,
``beta`` or ``triangular``; ``choice`` is discrete and cannot be moved by a kernel). The draws a
scenario would clip into the key's range are here truncated instead (renormalised), so the
prior is a proper density on the range, as ABC-SMC's weights need. Draws use the inverse CDF
of the truncated distribution: one uniform per parameter, so a particle's values depend only on
its own uniforms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.scenario.numbers import Beta, DistributionT, Normal, Triangular, Uniform

PRIOR_KINDS: tuple[str, ...] = ("uniform", "normal", "beta", "triangular")


def frozen(dist: DistributionT) -> Any:
    """The scipy.stats frozen distribution of a scenario distribution."""
    from scipy import stats

    if isinstance(dist, Uniform):
        return stats.uniform(dist.low, dist.high - dist.low)
    if isinstance(dist, Normal):
        return stats.norm(dist.mean, dist.sd)
    if isinstance(dist, Beta):
        return stats.beta(dist.a, dist.b)
    if isinstance(dist, Triangular):
        width = dist.high - dist.low
        return stats.triang((dist.mode - dist.low) / width, loc=dist.low, scale=width)
    raise ValueError(f"a prior cannot be {dist.dist!r}; use one of {', '.join(PRIOR_KINDS)}")


@dataclass(frozen=True)
class Marginal:
    """One parameter's prior: a distribution truncated to ``[lo, hi]``."""

    path: str
    dist: DistributionT
    lo: float
    hi: float

    def _parts(self) -> tuple[Any, float, float]:
        f = frozen(self.dist)
        return f, float(f.cdf(self.lo)), float(f.cdf(self.hi))

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """The truncated distribution's quantiles at ``u`` in [0, 1]."""
        f, a, b = self._parts()
        return np.clip(f.ppf(a + u * (b - a)), self.lo, self.hi)

    def logpdf(self, x: np.ndarray) -> np.ndarray:
        """Log density of the truncated distribution (-inf outside ``[lo, hi]``)."""
        f, a, b = self._parts()
        with np.errstate(divide="ignore"):
            out = f.logpdf(x) - np.log(b - a)
        return np.where((x >= self.lo) & (x <= self.hi), out, -np.inf)

    def interval(self, level: float) -> tuple[float, float]:
        """The central ``level`` interval of the truncated prior."""
        lo, hi = self.ppf(np.array([(1 - level) / 2, (1 + level) / 2]))
        return float(lo), float(hi)

    def support(self) -> tuple[float, float]:
        """Smallest and largest value the prior gives."""
        lo, hi = self.ppf(np.array([0.0, 1.0]))
        return float(lo), float(hi)


@dataclass(frozen=True)
class JointPrior:
    """Independent marginals, in calibration-file order (an :class:`abc.Prior`)."""

    marginals: tuple[Marginal, ...]

    @property
    def dim(self) -> int:
        """Number of parameters."""
        return len(self.marginals)

    @property
    def paths(self) -> list[str]:
        """Parameter key paths."""
        return [m.path for m in self.marginals]

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """(n, d) draws."""
        u = rng.random((n, self.dim))
        return np.column_stack([m.ppf(u[:, j]) for j, m in enumerate(self.marginals)])

    def logpdf(self, theta: np.ndarray) -> np.ndarray:
        """(n,) joint log density."""
        theta = np.atleast_2d(theta)
        return np.sum([m.logpdf(theta[:, j]) for j, m in enumerate(self.marginals)], axis=0)
