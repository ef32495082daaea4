"""The ``strategy`` block of an actor: a registered concession strategy and its parameters."""

from __future__ import annotations

import importlib
import math
from types import ModuleType

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from sim.scenario.errors import did_you_mean
from sim.scenario.numbers import DistributionT, FloatOrDistribution

REGISTRY_MODULE = "sim.strategies.registry"


def strategy_registry() -> ModuleType | None:
    """The strategy registry module, or None while it is not part of the package.

    The registry offers ``names() -> list[str]`` and ``get(name) -> type`` (``KeyError`` for an
    unknown name); each class offers ``check_params(params: dict) -> None`` (``ValueError``).
    """
    try:
        return importlib.import_module(REGISTRY_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name in (REGISTRY_MODULE, "sim.strategies"):
            return None
        raise


class Strategy(BaseModel):
    """A concession strategy by registry name, with its parameters (e.g. ``rate``).

    A parameter is a number or a distribution (a prior, sampled per replication and clipped
    into the parameter's bounds like any uncertain input).
    """

    model_config = ConfigDict(extra="allow", strict=True, allow_inf_nan=False)
    __pydantic_extra__: dict[str, FloatOrDistribution] = Field(init=False)

    name: str = Field(description="Registered strategy name (see `ceasefire list`).")

    @property
    def params(self) -> dict[str, float | DistributionT]:
        """The strategy's parameters (every key but ``name``)."""
        return dict(self.model_extra or {})

    def bounds(self, key: str) -> tuple[float, float]:
        """The valid range of parameter ``key`` (from the registered class)."""
        registry = strategy_registry()
        if registry is None:
            return (float("-inf"), float("inf"))
        lo, hi = registry.get(self.name).bounds.get(key, (float("-inf"), float("inf")))
        return float(lo), float(hi)

    @model_validator(mode="after")
    def _known(self) -> Strategy:
        registry = strategy_registry()
        if registry is None:
            return self
        try:
            cls = registry.get(self.name)
        except KeyError:
            names = sorted(registry.names())
            raise PydanticCustomError(
                "unknown_strategy", "unknown strategy '{name}' (known: {known}){hint}",
                {"name": self.name, "hint": did_you_mean(self.name, names),
                 "known": ", ".join(names)}) from None
        # A prior is checked by its mean clipped into the class's range: like any uncertain
        # input it may put mass, even its mean, outside the range, and its draws are clipped.
        bounds = getattr(cls, "bounds", {})
        checked: dict[str, float] = {}
        for key, value in self.params.items():
            if not isinstance(value, int | float):
                lo, hi = bounds.get(key, (-math.inf, math.inf))
                value = min(max(value.expectation(), lo), hi)
            checked[key] = value
        try:
            cls.check_params(checked)
        except (ValueError, TypeError) as exc:
            detail = str(exc) if "strategy" in str(exc) else f"strategy '{self.name}': {exc}"
            raise PydanticCustomError(
                "strategy_params", "{detail}", {"name": self.name, "detail": detail}) from None
        return self
