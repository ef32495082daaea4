"""The strategy interface and the context a strategy decides from.

Strategies work in *utility space*: each round a party that is not yet satisfied sets its
aspiration level (the utility it still insists on) and then restates its position so that its
stated terms are worth exactly that to it (see :func:`sim.rules.frontier.logroll`).
Every quantity in :class:`ConcessionContext` is an array over replications, so one strategy
object serves the whole vector engine and the Mesa agents (arrays of length 1) alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np


@dataclass(frozen=True)
class ConcessionContext:
    """What a party knows when it decides how far to concede in round ``round``.

    Attributes:
        round: the current round t, 1-based.
        deadline: the round the parties know the talks end in (``negotiation.deadline``), or
            None: without a known deadline nothing in the context depends on how many rounds
            are simulated.
        tau: relative time of this concession to the deadline in [0, 1]; the engines pass
            min(1, t / (deadline - 1)) so that the aspiration a party answers with in the
            deadline round is exactly its reservation (``docs/reference/bargaining.md`` warns
            that conventions such as (k+1)/(n+1) never get there); NaN without a deadline.
        start: aspiration at the start of the current agenda phase (round 0, or the round the
            ``first`` issues were settled and the rest joined).
        previous: aspiration after the previous round.
        reservation: current reservation utility (the floor; it moves with the battlefield).
        authority: delegation authority in [0, 1]; 1 = the leader is in the room (for a
            strategy's information; the built-in strategies do not scale by it: authority acts
            through ratification, :mod:`sim.rules.delegation`).
        own_offer: own utility of own stated terms.
        other_offer: own utility of the other side's stated terms.
        other_gain: own utility gained from the other side's last restatement
            (u(other's terms now) - u(other's terms a round ago)); 0 in round 1.
        other_own_offer: the other side's utility of its own terms.
        other_of_mine: the other side's utility of my terms.
        other_reservation: the other side's current reservation.
        cost: the party's current per-round cost of fighting on (war cost plus pressure in
            force).
        text_offer: own utility of the text on the table this round (the mediator's text, or
            the proposer's terms under alternating offers), settled issues as settled.
    """

    round: int
    deadline: int | None
    tau: float
    start: np.ndarray
    previous: np.ndarray
    reservation: np.ndarray
    authority: np.ndarray
    own_offer: np.ndarray
    other_offer: np.ndarray
    other_gain: np.ndarray
    other_own_offer: np.ndarray
    other_of_mine: np.ndarray
    other_reservation: np.ndarray
    cost: np.ndarray
    text_offer: np.ndarray


class Strategy:
    """Base class of concession strategies.

    Subclasses set ``name`` (unique), ``traits`` (declared properties, checked by the
    contract tests: ``stochastic`` strategies may draw from an rng, the others never do;
    ``uses_history`` ones read the other side's moves) and ``defaults`` (parameter names and
    default values), and implement :meth:`target`. A strategy that concedes on a clock sets
    ``needs_deadline``: a scenario may use it only with a known ``negotiation.deadline``.
    """

    name: ClassVar[str] = ""
    needs_deadline: ClassVar[bool] = False
    traits: ClassVar[dict[str, bool]] = {"stochastic": False, "uses_history": False}
    defaults: ClassVar[dict[str, float]] = {}
    bounds: ClassVar[dict[str, tuple[float, float]]] = {}

    def __init__(self, **params: Any) -> None:
        self.check_params(params)
        self.params: dict[str, Any] = {**self.defaults, **{
            k: (np.asarray(v, float) if isinstance(v, np.ndarray) else float(v))
            for k, v in params.items()}}

    def row(self, k: int) -> Strategy:
        """This strategy for replication ``k`` alone (per-replication parameters sliced)."""
        sliced = {key: (v[k : k + 1] if isinstance(v, np.ndarray) and v.ndim else v)
                  for key, v in self.params.items()}
        return type(self)(**sliced)

    @classmethod
    def check_params(cls, params: dict) -> None:
        """Raise ValueError naming the parameter when ``params`` does not fit this strategy."""
        for key, value in params.items():
            if key not in cls.defaults:
                known = ", ".join(cls.defaults) or "none"
                raise ValueError(
                    f"strategy {cls.name!r} has no parameter {key!r} (its parameters: {known})"
                )
            if isinstance(value, np.ndarray):  # sampled per replication, clipped to the bounds
                value = float(np.min(value)) if value.size else 0.0
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"strategy {cls.name!r}: {key} must be a number, got {value!r}")
            lo, hi = cls.bounds.get(key, (-np.inf, np.inf))
            if not lo <= float(value) <= hi:
                raise ValueError(
                    f"strategy {cls.name!r}: {key} must lie in [{lo}, {hi}], got {value}"
                )

    def target(self, ctx: ConcessionContext) -> np.ndarray:
        """Return the aspiration this strategy wants in round ``ctx.round`` (before limits)."""
        raise NotImplementedError

    def aspiration(self, ctx: ConcessionContext) -> np.ndarray:
        """Aspiration after this round's concession.

        Concessions are never withdrawn (the aspiration does not rise) unless the reservation
        itself rises above it: a party never asks for less than fighting on would give it.
        """
        wanted = np.minimum(ctx.previous, self.target(ctx))
        return np.maximum(ctx.reservation, wanted)

    def reset(self) -> None:
        """Restore the initial state (strategies here keep no state between calls)."""

    def __repr__(self) -> str:
        def shown(v: Any) -> str:
            if isinstance(v, np.ndarray):  # sampled per replication
                return f"{float(v.ravel()[0]):g}" if v.size == 1 else f"<{v.size} draws>"
            return f"{v:g}"

        args = ", ".join(f"{k}={shown(v)}" for k, v in self.params.items())
        return f"{type(self).__name__}({args})"

    def _key(self) -> tuple:
        return tuple(sorted((k, np.asarray(v, float).tobytes()) for k, v in self.params.items()))

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Strategy) and type(self) is type(other)
                and self._key() == other._key())

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._key()))
