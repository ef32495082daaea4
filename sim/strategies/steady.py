"""Concessions driven by costs, not by a clock: ``steady`` and ``hardliner``.

Without a deadline the parties know, a side concedes because fighting on costs it and because
what the other side offers is worth taking, not because a clock runs (the war-termination view:
Fearon 1995, *International Organization* 49(3); Slantchev 2003, *American Political Science
Review* 97(4), 621-632). Both strategies move the aspiration toward the best of the party's
reservation, its utility of the other side's terms and its utility of the text on the table (an
offer it could take), a share ``rate`` of the way each round but at least ``min_step`` (a
constant-rate concession, Cross 1969, *The Economics of Bargaining*, ch. 3, in utility space;
the smallest step makes the approach finite, as Zeuthen's steps are). ``hardliner`` holds until
its per-round cost of fighting on reaches ``threshold`` (a
side that "is ready to fight for years" moves only once costs bite), then concedes like
``steady``.
"""

from __future__ import annotations

import numpy as np

from sim.strategies.base import ConcessionContext, Strategy
from sim.strategies.registry import register


def steady_step(ctx: ConcessionContext, rate: float, min_step: float) -> np.ndarray:
    """Aspiration after a step toward max(reservation, other's offer, text on the table).

    The step is ``rate`` of the gap, at least ``min_step`` and at most the gap.
    """
    goal = np.maximum(np.maximum(ctx.reservation, ctx.other_offer), ctx.text_offer)
    gap = np.maximum(ctx.previous - goal, 0.0)
    step = np.minimum(gap, np.maximum(rate * gap, min_step))
    return ctx.previous - step


@register
class Steady(Strategy):
    """Concede a share ``rate`` of the way to what the other side or fighting gives, each round."""

    name = "steady"
    traits = {"stochastic": False, "uses_history": True}
    defaults = {"rate": 0.1, "min_step": 0.005}
    bounds = {"rate": (0.0, 1.0), "min_step": (0.0, 1.0)}

    def target(self, ctx: ConcessionContext) -> np.ndarray:
        """Previous aspiration less ``rate`` of its gap to what it could otherwise have."""
        return steady_step(ctx, self.params["rate"], self.params["min_step"])


@register
class Hardliner(Strategy):
    """Hold firm until the cost of fighting on reaches ``threshold``, then concede steadily.

    With the default ``threshold`` of 1 (no per-round cost reaches it) it never concedes.
    """

    name = "hardliner"
    traits = {"stochastic": False, "uses_history": True}
    defaults = {"threshold": 1.0, "rate": 0.1, "min_step": 0.005}
    bounds = {"threshold": (0.0, 1.0), "rate": (0.0, 1.0), "min_step": (0.0, 1.0)}

    def target(self, ctx: ConcessionContext) -> np.ndarray:
        """The previous aspiration while costs are below ``threshold``; a steady step after."""
        moving = np.asarray(ctx.cost) >= self.params["threshold"]
        step = steady_step(ctx, self.params["rate"], self.params["min_step"])
        return np.where(moving, step, ctx.previous)
