"""Zeuthen's concession rule (Zeuthen 1930; Harsanyi 1956).

With standing offers x_own and x_other, a side's willingness to risk conflict is
Z = (u(x_own) - u(x_other)) / (u(x_own) - d). The side with the smaller Z (less to lose from
conflict, relatively) concedes; both concede when the Zs are equal. With d the reservation, the
side whose offer has the smaller Nash product concedes, so the process climbs to the Nash
bargaining point (``docs/reference/bargaining.md``, "Zeuthen"). Here a concession is a step of
``step`` in utility; agreement lands within about one step of the Nash point.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sim.strategies.base import ConcessionContext, Strategy
from sim.strategies.registry import register

#: Risk limits within this of each other count as equal (Zeuthen: then both concede).
TIE = 1e-9


def risk_willingness(
    own_offer: ArrayLike, other_offer: ArrayLike, reservation: ArrayLike
) -> np.ndarray:
    """Zeuthen's Z: the largest probability of conflict a side would accept to hold out.

    Z = (u(own) - u(other)) / (u(own) - d), taken as 0 when u(own) <= d (nothing to lose)
    and clipped to [0, 1].
    """
    own = np.asarray(own_offer, float)
    gap = own - np.asarray(reservation, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(gap > 0, (own - np.asarray(other_offer, float)) / gap, 0.0)
    return np.clip(z, 0.0, 1.0)


@register
class Zeuthen(Strategy):
    """Concede ``step`` when one's own Zeuthen risk is not the larger."""

    name = "zeuthen"
    traits = {"stochastic": False, "uses_history": True}
    defaults = {"step": 0.01}
    bounds = {"step": (1e-6, 1.0)}

    def target(self, ctx: ConcessionContext) -> np.ndarray:
        """Previous aspiration, less one step if this side's Z is the smaller (or equal)."""
        z_self = risk_willingness(ctx.own_offer, ctx.other_offer, ctx.reservation)
        z_other = risk_willingness(ctx.other_own_offer, ctx.other_of_mine, ctx.other_reservation)
        concede = z_self <= z_other + TIE  # equal risk limits (to rounding): both concede
        return np.where(concede, ctx.previous - self.params["step"], ctx.previous)
