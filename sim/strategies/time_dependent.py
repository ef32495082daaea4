"""Time-dependent concession tactics (Faratin, Sierra & Jennings 1998), for a known deadline.

Faratin et al. (1998), "Negotiation decision functions for autonomous agents", Robotics and
Autonomous Systems 24(3-4):159-182, §4.2.1: the polynomial family
alpha(t) = kappa + (1 - kappa) (t / t_max)^(1/beta); beta < 1 is Boulware (holds firm, concedes
late), beta = 1 linear, beta > 1 Conceder. In utility space (Genius' ``TimeDependentAgent``):
aspiration(t) = P_min + (P_max - P_min)(1 - alpha(t)) with P_min the reservation. The tactics
read t / t_max, so they need a deadline both sides know (``negotiation.deadline``: an ultimatum);
a scenario without one is refused.

Authority does not scale concessions: a delegation's mandate acts on what it may sign
(:mod:`sim.rules.delegation`), not on its principal's aspiration.
"""

from __future__ import annotations

import numpy as np

from sim.strategies.base import ConcessionContext, Strategy
from sim.strategies.registry import register


def concession_fraction(tau: np.ndarray | float, beta: float, kappa: float = 0.0) -> np.ndarray:
    """Faratin's polynomial alpha: the share of the distance to the reservation conceded.

    Args:
        tau: relative time t / t_max (clipped to [0, 1]).
        beta: concession exponent (> 0).
        kappa: initial concession share alpha(0).
    """
    tau = np.clip(np.asarray(tau, dtype=float), 0.0, 1.0)
    return kappa + (1.0 - kappa) * tau ** (1.0 / beta)


class TimeDependent(Strategy):
    """Concede by a fixed schedule in time to a known deadline, whatever the other side does."""

    needs_deadline = True
    defaults = {"beta": 1.0, "kappa": 0.0}
    bounds = {"beta": (1e-3, 100.0), "kappa": (0.0, 1.0)}

    def target(self, ctx: ConcessionContext) -> np.ndarray:
        """Faratin's schedule between the opening aspiration and the current reservation."""
        if ctx.deadline is None:
            raise ValueError(f"strategy {self.name!r} concedes on a clock and needs a deadline")
        alpha = concession_fraction(ctx.tau, self.params["beta"], self.params["kappa"])
        return ctx.reservation + (ctx.start - ctx.reservation) * (1.0 - alpha)


@register
class Boulware(TimeDependent):
    """Boulware: hold firm and concede late (Faratin et al. 1998, beta < 1; default 0.2)."""

    name = "boulware"
    defaults = {"beta": 0.2, "kappa": 0.0}
    bounds = {"beta": (1e-3, 1.0), "kappa": (0.0, 1.0)}


@register
class Linear(TimeDependent):
    """Linear: concede the same amount every round (Faratin et al. 1998, beta = 1)."""

    name = "linear"
    defaults = {"beta": 1.0, "kappa": 0.0}
    bounds = {"beta": (1.0, 1.0), "kappa": (0.0, 1.0)}


@register
class Conceder(TimeDependent):
    """Conceder: concede early (Faratin et al. 1998, beta > 1; default 2)."""

    name = "conceder"
    defaults = {"beta": 2.0, "kappa": 0.0}
    bounds = {"beta": (1.0, 100.0), "kappa": (0.0, 1.0)}
