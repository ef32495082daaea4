"""The uncertain inputs of a scenario: every Number given as a distribution.

Each replication draws one value per uncertain input from its own random stream and records
it in its row of the run table as ``param.<key path>``.

Clipping: a distribution must keep its draws inside its field's valid range (a bounded one its
whole support, a normal its central 99.9%; the loader refuses others) unless it says
``clip: true``. Every draw is clipped into ``[lo, hi]``: with ``clip: true`` values outside the
range pile up at the bounds rather than being redrawn, and without it only the rare normal draw
beyond mean ± 3.29 sd can be clipped. A beta distribution draws in [0, 1] and is used as drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel

from sim.scenario.models import Scenario
from sim.scenario.numbers import DistributionT, Posterior, is_distribution
from sim.scenario.paths import classify, field_type
from sim.scenario.strategy import Strategy


@dataclass(frozen=True)
class UncertainInput:
    """One uncertain number of a scenario.

    Attributes:
        path: Dotted key path, e.g. ``battlefield.momentum`` or
            ``actors.russia.salience.territory`` (ids never contain dots, so
            ``path.split(".")`` gives the keys).
        dist: The distribution as written in the scenario.
        lo: Lower end of the field's valid range.
        hi: Upper end of the field's valid range.
    """

    path: str
    dist: DistributionT
    lo: float
    hi: float

    def sample(self, rng: np.random.Generator, rows: dict[str, int] | None = None) -> float:
        """Draw one value from ``rng`` and clip it into ``[lo, hi]``.

        Normal, uniform, triangular, beta and choice use ``rng.normal``, ``rng.uniform``,
        ``rng.triangular``, ``rng.beta`` and ``rng.choice`` respectively. Only ``rng`` is used,
        so a replication's values depend on its own stream alone. A posterior
        (:mod:`sim.scenario.posterior`) reads the row this replication picked from its file,
        kept in ``rows`` (one dict per replication), so its keys are drawn jointly.
        """
        if isinstance(self.dist, Posterior):
            from sim.scenario import posterior

            value = posterior.draw(self.dist, self.path, rng, {} if rows is None else rows)
        else:
            value = self.dist.draw(rng)
        return float(min(max(value, self.lo), self.hi))

    def mean(self) -> float:
        """The distribution's mean (a posterior's weighted mean), clipped into the range."""
        if isinstance(self.dist, Posterior):
            from sim.scenario import posterior

            value = posterior.mean(self.dist, self.path)
        else:
            value = self.dist.expectation()
        return float(min(max(value, self.lo), self.hi))


def uncertain_inputs(scn: Scenario) -> list[UncertainInput]:
    """Every uncertain number of ``scn``, in the order of the resolved scenario's fields."""
    found: list[UncertainInput] = []
    _walk(scn, type(scn), (), found)
    return found


def _walk(value: Any, ann: Any, path: tuple[str, ...], found: list[UncertainInput]) -> None:
    node = classify(ann)
    if is_distribution(value) and node.range is not None:
        found.append(UncertainInput(".".join(path), value, node.range.lo, node.range.hi))
    elif isinstance(value, BaseModel):
        for name, field in type(value).model_fields.items():
            _walk(getattr(value, name), field_type(field), (*path, field.alias or name), found)
        if isinstance(value, Strategy):  # parameters are extra keys, bounded by the class
            for key, item in value.params.items():
                if is_distribution(item) and not isinstance(item, int | float):
                    lo, hi = value.bounds(key)
                    found.append(UncertainInput(".".join((*path, key)), item, lo, hi))
    elif isinstance(value, dict) and node.kind == "dict":
        for key, item in value.items():
            _walk(item, node.item, (*path, str(key)), found)
    elif isinstance(value, list) and node.kind == "list":
        for k, item in enumerate(value):
            _walk(item, node.item, (*path, str(k)), found)


def at_means(scn: Scenario) -> Scenario:
    """``scn`` with every uncertain input replaced by its distribution's mean.

    The mean is clipped into the key's valid range (it is the mean of the prior as written,
    not the mean of its clipped draws). Running the result separates simulation noise from the
    uncertainty of the inputs: what varies between its replications is the model's own
    randomness alone.
    """
    data = scn.model_dump(by_alias=True, exclude_none=True)
    for inp in uncertain_inputs(scn):
        keys = inp.path.split(".")
        node = data
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = inp.mean()
    return type(scn).model_validate(data)
