"""Third parties act on what the parties get, not on what they say (model version 2).

Manipulative mediation and patronage (Beardsley 2011, *The Mediation Dilemma*, Ithaca:
Cornell UP, ch. 2-3; Touval & Zartman 1985, *International Mediation in Theory and Practice*):
a patron ties rewards to a deal it backs — guarantees, reconstruction aid, sanctions relief —
and so adds to a party's value of agreeing, without changing what the party wants. The model:

    bonus_a(x) = sum_q engagement_q x leverage_qa x backs_q(x),   backs_q(x) = u_q(x) >= r_q,

a third party q backs a text worth at least its own reservation to it (a patron does not
reward a deal it thinks worse than the war going on: "no dictated peace"). The bonus adds to
the party's utility of the text when it decides whether to accept a main-track text, and it
widens the bargaining range: the Nash text is computed with the reservations lowered by the
bonus every backer would pay (:func:`potential_bonus`), and a text that a backer does not back
earns nothing from it at acceptance. Pressure on what fighting costs (sanctions, an aid pause)
acts on reservations instead, through ``pressure`` (:mod:`sim.rules.beliefs`).

Modelling choices (``docs/ODD.md`` §7.4): the bonus is a constant per backer and party (not a
function of the text beyond backing it), so the parties' utilities stay linear in the terms and
the Nash text stays exact for two parties.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def potential_bonus(leverage: ArrayLike, engagement: ArrayLike) -> np.ndarray:
    """(..., A) the bonus each actor would get if every third party backed the text.

    Args:
        leverage: (..., Q, A) leverage of actor q on actor a (0 where none).
        engagement: (..., Q) engagement of each actor q.
    """
    return (np.asarray(leverage, float) * np.asarray(engagement, float)[..., None]).sum(axis=-2)


def backs(text_utility: ArrayLike, reservation: ArrayLike) -> np.ndarray:
    """(..., Q) True where third party q backs a text: its utility of it >= its reservation."""
    return np.asarray(text_utility, float) >= np.asarray(reservation, float)


def agreement_bonus(leverage: ArrayLike, engagement: ArrayLike, backing: ArrayLike) -> np.ndarray:
    """(..., A) bonus_a = sum_q engagement_q x leverage_qa x backs_q.

    Args:
        leverage: (..., Q, A); engagement: (..., Q); backing: (..., Q) bool from :func:`backs`.
    """
    paid = np.asarray(engagement, float) * np.asarray(backing, bool)
    return (np.asarray(leverage, float) * paid[..., None]).sum(axis=-2)
