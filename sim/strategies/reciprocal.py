"""Reciprocity: concede in proportion to the other side's last concession.

Faratin, Sierra & Jennings (1998) §4.2.3, behaviour-dependent ("imitative") tactics: absolute
tit-for-tat, here in utility space. "It is critical that Russia reciprocate Ukraine's
constructive steps" (Sybiha, 14 May 2025; ``docs/reference/istanbul-2025-article.txt``) is
this rule.
"""

from __future__ import annotations

import numpy as np

from sim.strategies.base import ConcessionContext, Strategy
from sim.strategies.registry import register


@register
class TitForTat(Strategy):
    """Match the other side's last concession (as valued by oneself) times ``ratio``.

    In round 1 there is nothing to reciprocate: the party opens with a goodwill step of
    ``opening`` times the distance between its opening aspiration and its reservation.
    """

    name = "tit_for_tat"
    traits = {"stochastic": False, "uses_history": True}
    defaults = {"ratio": 1.0, "opening": 0.05}
    bounds = {"ratio": (0.0, 10.0), "opening": (0.0, 1.0)}

    def target(self, ctx: ConcessionContext) -> np.ndarray:
        """Previous aspiration less the reciprocated concession."""
        if ctx.round == 1:
            step = self.params["opening"] * (ctx.start - ctx.reservation)
        else:
            step = self.params["ratio"] * np.maximum(ctx.other_gain, 0.0)
        return ctx.previous - step
