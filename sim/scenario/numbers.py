"""Numbers that may be uncertain: a fixed float or a distribution sampled once per replication.

A scenario field typed ``Number(lo, hi)`` accepts either a plain number inside ``[lo, hi]``
(anything outside is a validation error) or a distribution mapping such as
``{dist: normal, mean: 0.3, sd: 0.2}``. A distribution must keep its draws inside the field's
range, as a plain number must: a bounded one (uniform, triangular, beta, choice) with its whole
support, a normal with its central 99.9% (:meth:`_Dist.reach`). One that reaches outside is an
error naming the key (:mod:`sim.scenario.checks`) unless it says ``clip: true``, which clips
each draw into ``[lo, hi]`` (see :mod:`sim.scenario.uncertain`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union

import numpy as np
from annotated_types import Ge, Le
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator
from pydantic_core import PydanticCustomError

STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)

NUMBER_TAG = "<number>"
DIST_TAG = "<dist>"


#: Two-sided normal quantile of the central 99.9% (``scipy.stats.norm.ppf(0.9995)``): the part
#: of a normal that must lie inside its key's range unless the distribution says ``clip: true``.
NORMAL_REACH_Z = 3.2905267314919255


class _Dist(BaseModel):
    """Common base of the distributions."""

    model_config = STRICT

    clip: bool | None = Field(
        default=None, description="true: draws outside the key's range are clipped into it "
        "(they pile up at its ends); without it a distribution that reaches outside the range "
        "is an error.")

    def reach(self) -> tuple[float, float]:  # pragma: no cover - overridden
        """Where the draws lie: the support, or a normal's central 99.9%."""
        raise NotImplementedError

    def draw(self, rng: np.random.Generator) -> float:  # pragma: no cover - overridden
        """One unclipped draw from ``rng``."""
        raise NotImplementedError

    def expectation(self) -> float:  # pragma: no cover - overridden
        """The distribution's mean (before any clipping into a key's range)."""
        raise NotImplementedError


class Normal(_Dist):
    """Normal distribution ``{dist: normal, mean, sd}``."""

    dist: Literal["normal"] = Field(description="Distribution kind.")
    mean: float = Field(description="Mean.")
    sd: float = Field(ge=0, description="Standard deviation (>= 0).")

    def draw(self, rng: np.random.Generator) -> float:
        """One draw with ``rng.normal``."""
        return float(rng.normal(self.mean, self.sd))

    def expectation(self) -> float:
        """The mean."""
        return self.mean

    def reach(self) -> tuple[float, float]:
        """The central 99.9% of the draws, mean ± 3.29 sd."""
        return (self.mean - NORMAL_REACH_Z * self.sd, self.mean + NORMAL_REACH_Z * self.sd)


class Uniform(_Dist):
    """Uniform distribution ``{dist: uniform, low, high}``."""

    dist: Literal["uniform"] = Field(description="Distribution kind.")
    low: float = Field(description="Lower bound.")
    high: float = Field(description="Upper bound (>= low).")

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.low > self.high:
            raise PydanticCustomError(
                "dist_params", "needs low <= high (got low {low}, high {high})",
                {"low": self.low, "high": self.high})
        return self

    def draw(self, rng: np.random.Generator) -> float:
        """One draw with ``rng.uniform`` (a degenerate low == high gives low)."""
        if self.low == self.high:
            rng.random()  # keep the stream where a real draw would leave it
            return float(self.low)
        return float(rng.uniform(self.low, self.high))

    def expectation(self) -> float:
        """(low + high) / 2."""
        return (self.low + self.high) / 2

    def reach(self) -> tuple[float, float]:
        """[low, high]."""
        return (self.low, self.high)


class Triangular(_Dist):
    """Triangular distribution ``{dist: triangular, low, mode, high}``."""

    dist: Literal["triangular"] = Field(description="Distribution kind.")
    low: float = Field(description="Lower bound.")
    mode: float = Field(description="Most likely value (low <= mode <= high).")
    high: float = Field(description="Upper bound.")

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise PydanticCustomError(
                "dist_params", "needs low <= mode <= high (got {low}, {mode}, {high})",
                {"low": self.low, "mode": self.mode, "high": self.high})
        return self

    def draw(self, rng: np.random.Generator) -> float:
        """One draw with ``rng.triangular`` (a degenerate low == high gives low)."""
        if self.low == self.high:
            rng.random()  # keep the stream where a real draw would leave it
            return float(self.low)
        return float(rng.triangular(self.low, self.mode, self.high))

    def expectation(self) -> float:
        """(low + mode + high) / 3."""
        return (self.low + self.mode + self.high) / 3

    def reach(self) -> tuple[float, float]:
        """[low, high]."""
        return (self.low, self.high)


class Beta(_Dist):
    """Beta distribution ``{dist: beta, a, b}`` on [0, 1], used as drawn (then clipped)."""

    dist: Literal["beta"] = Field(description="Distribution kind.")
    a: float = Field(gt=0, description="First shape parameter (> 0).")
    b: float = Field(gt=0, description="Second shape parameter (> 0).")

    def draw(self, rng: np.random.Generator) -> float:
        """One draw with ``rng.beta``, a value in [0, 1]."""
        return float(rng.beta(self.a, self.b))

    def expectation(self) -> float:
        """The mean a / (a + b)."""
        return self.a / (self.a + self.b)

    def reach(self) -> tuple[float, float]:
        """[0, 1]."""
        return (0.0, 1.0)


class Choice(_Dist):
    """Discrete choice ``{dist: choice, values: [...], p: [...]}`` (p optional, sums to 1)."""

    dist: Literal["choice"] = Field(description="Distribution kind.")
    values: list[float] = Field(min_length=1, description="The possible values.")
    p: list[Annotated[float, Ge(0)]] | None = Field(
        default=None, description="Probability of each value (sums to 1); equal when omitted.")

    @model_validator(mode="after")
    def _weights(self) -> Choice:
        if self.p is None:
            return self
        if len(self.p) != len(self.values):
            raise PydanticCustomError(
                "dist_params", "p has {np} entries but values has {nv}; they must match",
                {"np": len(self.p), "nv": len(self.values)})
        if not math.isclose(sum(self.p), 1.0, abs_tol=1e-6):
            raise PydanticCustomError(
                "dist_params", "p must sum to 1 (it sums to {total})",
                {"total": round(sum(self.p), 9)})
        return self

    def draw(self, rng: np.random.Generator) -> float:
        """One draw with ``rng.choice`` using the weights ``p``."""
        p = None if self.p is None else np.asarray(self.p) / sum(self.p)
        return float(rng.choice(np.asarray(self.values, dtype=float), p=p))

    def expectation(self) -> float:
        """The p-weighted mean of the values (equal weights when p is omitted)."""
        weights = np.ones(len(self.values)) if self.p is None else np.asarray(self.p, float)
        return float(np.dot(weights, self.values) / weights.sum())

    def reach(self) -> tuple[float, float]:
        """The smallest and the largest value (with a probability above 0)."""
        kept = [v for k, v in enumerate(self.values) if self.p is None or self.p[k] > 0]
        return (min(kept), max(kept))


class Posterior(_Dist):
    """A calibrated posterior ``{dist: posterior, file: DIR or posterior.parquet}``.

    ``file`` is a folder written by ``ceasefire calibrate`` (or its ``posterior.parquet``),
    relative to the scenario file that names it. Each replication picks one posterior row,
    by weight, with one uniform of its own stream, and every key of the scenario that names the
    same file takes its value from that row: the joint draws of the posterior are kept. The
    column is ``param.<key path>`` unless ``param`` names another key path.
    """

    dist: Literal["posterior"] = Field(description="Distribution kind.")
    file: str = Field(min_length=1, description=(
        "A calibration folder or its posterior.parquet, relative to the scenario file."))
    param: str | None = Field(default=None, description=(
        "The calibrated key path whose column to use (default: this key's own path)."))

    def draw(self, rng: np.random.Generator) -> float:  # pragma: no cover - needs the path
        """Not used: a posterior key is drawn with its path (``draw_row``)."""
        raise TypeError("a posterior is drawn through sim.scenario.posterior")

    def expectation(self) -> float:  # pragma: no cover - needs the path
        """Not used: the mean needs the key path (``sim.scenario.posterior.mean``)."""
        raise TypeError("a posterior's mean is taken through sim.scenario.posterior")


DIST_CLASSES: dict[str, type[_Dist]] = {
    "normal": Normal, "uniform": Uniform, "triangular": Triangular, "beta": Beta, "choice": Choice,
    "posterior": Posterior,
}


def _dist_tag(value: Any) -> str | None:
    kind = value.get("dist") if isinstance(value, dict) else getattr(value, "dist", None)
    return None if kind is None else f"<{kind}>"


Distribution = Annotated[
    Union[  # noqa: UP007 - tagged members need the Union spelling
        Annotated[Normal, Tag("<normal>")],
        Annotated[Uniform, Tag("<uniform>")],
        Annotated[Triangular, Tag("<triangular>")],
        Annotated[Beta, Tag("<beta>")],
        Annotated[Choice, Tag("<choice>")],
        Annotated[Posterior, Tag("<posterior>")],
    ],
    Discriminator(_dist_tag),
]
"""Any of the distributions, chosen by its ``dist`` key."""

DistributionT = Normal | Uniform | Triangular | Beta | Choice | Posterior
LOC_TAGS = frozenset({NUMBER_TAG, DIST_TAG} | {f"<{name}>" for name in DIST_CLASSES})
"""Markers pydantic puts into error locations for these unions; not part of any key path."""


@dataclass(frozen=True)
class NumberRange:
    """Valid range ``[lo, hi]`` of a Number field (metadata on its annotation)."""

    lo: float
    hi: float


def _number_tag(value: Any) -> str:
    return DIST_TAG if isinstance(value, dict | _Dist) else NUMBER_TAG


FloatOrDistribution = Annotated[
    Union[  # noqa: UP007
        Annotated[float, Tag(NUMBER_TAG)],
        Annotated[Distribution, Tag(DIST_TAG)],
    ],
    Discriminator(_number_tag),
]
"""A float or a distribution, tagged like a Number (strategy parameters; their range is the
strategy class's), so that an error names the key and not pydantic's union members."""


def Number(lo: float, hi: float) -> Any:  # noqa: N802 - reads as a type in annotations
    """Type of a field holding a float in ``[lo, hi]`` or a distribution."""
    return Annotated[
        Union[  # noqa: UP007
            Annotated[float, Ge(lo), Le(hi), Tag(NUMBER_TAG)],
            Annotated[Distribution, Tag(DIST_TAG)],
        ],
        Discriminator(_number_tag),
        NumberRange(float(lo), float(hi)),
    ]


def is_distribution(value: object) -> bool:
    """True for a distribution object (an uncertain number)."""
    return isinstance(value, _Dist)
