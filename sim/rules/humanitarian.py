"""The humanitarian track: repeated exchanges of prisoners and bodies, and the trust they build.

Exchanges are the confidence-building measure of talks that move on nothing else. In the 2025
Istanbul rounds the two sides agreed no ceasefire but exchanged 1,000 prisoners each, then
the severely wounded and the young, then at least 1,200 each, and bodies (over 6,000 returned
to Ukraine), and the exchanges went on for months while the main track stood still
(``docs/reference/domain.md`` sections 1.1-1.3 and 6.1). Turkey hosted the 2022 and 2025
talks; the United Arab Emirates mediated many of the exchanges of 2024-2025 (press reports,
not among the sources of ``docs/reference/domain.md``). Osgood's GRIT (1962, *An Alternative
to War or Surrender*, Urbana: University of Illinois Press) is the classic account of why:
small, announced, verifiable steps that the other side can reciprocate at little risk build
the trust that larger steps need, and reciprocation is what keeps the sequence going.

Both rules below are modelling choices, not forms a source fixes:

* **Exchange.** At each session an exchange happens with probability

      p = logistic(logit(rate) + trust_effect x trust),

  rate in (0, 1) the probability at neutral trust (clipped to [RATE_EPS, 1 - RATE_EPS] so the
  logit is finite), trust in [-1, 1]; p = rate at trust 0 and rises with trust. A uniform drawn
  up front decides it: an exchange happens when u < p.
* **Trust** (one number per replication, or per pair of sides, in [-1, 1]) moves after each
  session:

      trust <- clip(trust + gain_exchange x exchanged + gain_reciprocity x reciprocated
                    - loss_walkout x walked - loss_escalation x escalated, -1, 1),

  ``exchanged`` whether an exchange happened, ``reciprocated`` whether a concession on the
  main track was answered by one of the other side (both defined by the caller),
  ``walked`` a walkout, ``escalated`` an escalation event. Losses are larger than gains:
  trust is destroyed faster than it is built (the asymmetry principle of Slovic 1993,
  "Perceived risk, trust, and democracy", Risk Analysis 13(6), 675-682).

Defaults (all judgement): ``trust_effect`` :data:`TRUST_EFFECT` = 1.5 (full trust multiplies
the odds of an exchange by e^1.5, about 4.5); gains :data:`GAIN_EXCHANGE` = 0.05 per exchange
(a cheap signal: twenty in a row take trust from 0 to 1) and :data:`GAIN_RECIPROCITY` = 0.1
per reciprocated concession (costlier, so more telling); losses :data:`LOSS_WALKOUT` = 0.3 and
:data:`LOSS_ESCALATION` = 0.15 per event. Whether the track goes on after a walkout is the
caller's choice; this module only lowers the trust.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

RATE_EPS = 1e-9  # rate is clipped to [RATE_EPS, 1 - RATE_EPS] before the logit
TRUST_EFFECT = 1.5  # judgement: log-odds of an exchange added at full trust
GAIN_EXCHANGE = 0.05  # judgement: trust gained from an exchange
GAIN_RECIPROCITY = 0.1  # judgement: trust gained from a reciprocated concession
LOSS_WALKOUT = 0.3  # judgement: trust lost at a walkout
LOSS_ESCALATION = 0.15  # judgement: trust lost at an escalation event


def _logistic(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)) through tanh: no overflow, exactly 1/2 at 0."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def exchange_probability(
    rate: ArrayLike, trust: ArrayLike, trust_effect: ArrayLike = TRUST_EFFECT
) -> np.ndarray:
    """P(exchange at this session) = logistic(logit(rate) + trust_effect x trust).

    Args:
        rate: (...) probability at neutral trust, in (0, 1) (clipped by :data:`RATE_EPS`).
        trust: (...) current trust in [-1, 1].
        trust_effect: log-odds added per unit of trust, >= 0.

    Returns:
        (...) probabilities in [0, 1]; equal to ``rate`` where trust is 0.
    """
    logit = exchange_logit(rate)
    return _logistic(logit + np.asarray(trust_effect, float) * np.asarray(trust, float))


def exchange_logit(rate: ArrayLike) -> np.ndarray:
    """logit(rate), the log-odds of an exchange at neutral trust (rate clipped by RATE_EPS)."""
    r = np.clip(np.asarray(rate, float), RATE_EPS, 1.0 - RATE_EPS)
    return np.log(r) - np.log1p(-r)


def exchange_happens(uniform: ArrayLike, probability: ArrayLike) -> np.ndarray:
    """True where an exchange takes place: the pre-drawn uniform falls below its probability."""
    return np.asarray(uniform, float) < np.asarray(probability, float)


def trust_step(
    trust: ArrayLike,
    exchanged: ArrayLike,
    reciprocated: ArrayLike,
    walked: ArrayLike,
    escalated: ArrayLike,
    gain_exchange: ArrayLike = GAIN_EXCHANGE,
    gain_reciprocity: ArrayLike = GAIN_RECIPROCITY,
    loss_walkout: ArrayLike = LOSS_WALKOUT,
    loss_escalation: ArrayLike = LOSS_ESCALATION,
) -> np.ndarray:
    """Trust after a session (module docstring), clipped to [-1, 1].

    Args:
        trust: (...) trust before the session, in [-1, 1].
        exchanged, reciprocated, walked, escalated: (...) bool, what happened this session.
        gain_exchange, gain_reciprocity, loss_walkout, loss_escalation: the step sizes, >= 0.

    Returns:
        (...) the new trust.
    """
    step = (
        np.asarray(gain_exchange, float) * np.asarray(exchanged, float)
        + np.asarray(gain_reciprocity, float) * np.asarray(reciprocated, float)
        - np.asarray(loss_walkout, float) * np.asarray(walked, float)
        - np.asarray(loss_escalation, float) * np.asarray(escalated, float)
    )
    return np.clip(np.asarray(trust, float) + step, -1.0, 1.0)
