"""Learning from the front: the principle of convergence.

Wars start when the sides disagree about their relative strength and end when the fighting has
made them agree (Blainey 1973, *The Causes of War*, London: Macmillan). In the
bargaining theory of war this is the informational account: private or differing beliefs
about the outcome of fighting keep the bargaining range out of reach (Fearon 1995, "Rationalist
explanations for war", IO 49(3), 379-414); battles are signals both sides see, so beliefs
converge as the war goes on and the talks can succeed once they have (Filson & Werner 2002,
"A bargaining model of war and peace", AJPS 46(4), 819-837; Slantchev 2003, "The principle of
convergence in wartime negotiations", APSR 97(4), 621-632; Smith & Stam 2004, "Bargaining and
the nature of war", JCR 48(6), 783-813, whose sides hold different priors and learn from
the same battle outcomes).

The model of it, per replication, with the two fighting sides on the last axis (first, second):

* **The front** moves each session by Delta_t = edge + volatility x eps_t (eps_t standard
  normal, drawn up front); both sides see Delta_t. A positive edge favours the first side.
* **Beliefs.** Side a holds the prior edge ~ N(mu0_a, sigma^2 / n0_a) with sigma = volatility:
  mean mu0_a, strength n0_a counted in sessions of evidence. With the noise sigma known, the
  posterior after t sessions is normal (Gelman et al. 2013, *Bayesian Data Analysis*, 3rd ed.,
  section 2.5, normal mean with known variance):

      mu_a(t) = (n0_a mu0_a + sum_{s<=t} Delta_s) / (n0_a + t),   sd_a(t) = sigma / sqrt(n0_a + t).

  Both sides add the same evidence, so with equal strengths the gap between their beliefs is
  n0 (mu0_A - mu0_B) / (n0 + t) whatever the front did: it shrinks like 1 / t and never
  depends on the realised Delta's, while each belief converges to the true edge (law of large
  numbers).
* **A credible mediator** speeds learning up (Kydd 2003, "Which side are you on? Bias,
  credibility, and mediation", AJPS 47(4), 597-611: a mediator the sides believe conveys
  information they would otherwise learn only by fighting). Modelling choice: each session
  counts as k = 1 + information observations of the same Delta, so the running sum grows by
  k Delta and the count by k (:func:`evidence_step`). ``information`` = 1 makes a session
  with the mediator worth two without. This moves beliefs toward the observed average faster
  and narrows the stated sd by sqrt(k), but it adds no new draw: the realised error of the
  belief still shrinks only with the real number of sessions, so the stated sd is then
  optimistic. The mediator's information reaches both sides alike.
* **Reservation.** A side's utility of fighting on (its reservation, its BATNA) rises with
  what it believes the front will bring and falls with what fighting costs:

      r_a(t) = clip(base_a + stake x sign_a x mu_a(t) - H x cost_a(t), 0, 1),

  sign = +1 for the first side, -1 for the second (:data:`SIDE_SIGNS`); ``stake`` is the
  utility of one unit of expected edge; cost_a(t) the current per-session cost of fighting,
  taken to persist; H the number of sessions of cost weighed, discounted (:func:`cost_horizon`:
  H = 1 + delta + ... + delta^(n-1)). Costs widen the bargaining range (Fearon 1995); the
  weighing of future sessions by a constant discount factor is a modelling choice.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

SIDE_SIGNS = (1.0, -1.0)  # sign_a on the last axis: first side +1, second side -1
DEFAULT_BELIEF_STRENGTH = 3.0  # judgement: a side's prior counts as three sessions of fighting
DEFAULT_DISCOUNT = 0.8  # judgement: the current cost weighed five sessions ahead, 1 / (1 - 0.8)


def front_movement(edge: ArrayLike, volatility: ArrayLike, shock: ArrayLike) -> np.ndarray:
    """Movement of the front this session: Delta = edge + volatility x shock.

    Args:
        edge: (...) true expected movement per session (> 0 favours the first side).
        volatility: (...) standard deviation of a session's movement.
        shock: (...) standard-normal draws, drawn up front (one per replication and session).
    """
    return np.asarray(edge, float) + np.asarray(volatility, float) * np.asarray(shock, float)


def evidence_step(
    evidence_sum: ArrayLike,
    evidence_count: ArrayLike,
    movement: ArrayLike,
    information: ArrayLike = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Add one session's movement to the running evidence both sides hold.

    Each session counts as k = 1 + information observations of the same movement (module
    docstring): sum <- sum + k Delta, count <- count + k. Without a mediator (information 0)
    these are the plain running sum and the number of sessions.

    Args:
        evidence_sum: (...) running (weighted) sum of the movements so far (0 before session 1).
        evidence_count: (...) running (weighted) number of sessions so far (0 before session 1).
        movement: (...) this session's Delta from :func:`front_movement`.
        information: (...) extra effective observations per session, >= 0.

    Returns:
        The new (evidence_sum, evidence_count), each of shape (...).
    """
    k = 1.0 + np.asarray(information, float)
    return (
        np.asarray(evidence_sum, float) + k * np.asarray(movement, float),
        np.asarray(evidence_count, float) + k,
    )


def belief(
    prior_mean: ArrayLike,
    prior_strength: ArrayLike,
    evidence_sum: ArrayLike,
    evidence_count: ArrayLike,
    volatility: ArrayLike,
) -> tuple[np.ndarray, np.ndarray]:
    """Each side's posterior mean and sd of the edge (normal-normal, noise known).

    mu = (n0 mu0 + sum) / (n0 + count), sd = volatility / sqrt(n0 + count).

    Args:
        prior_mean: (..., S) prior means mu0, one per side (S = 2: first, second).
        prior_strength: (..., S) or broadcastable: prior strengths n0 in sessions of
            evidence, > 0 (n0 = 0, a flat prior, is defined only once count > 0).
        evidence_sum: (...) running sum of the movements, shared by the sides
            (:func:`evidence_step`); the side axis is added here.
        evidence_count: (...) running count of sessions, shared by the sides.
        volatility: (...) sigma, the standard deviation of a session's movement.

    Returns:
        (mean, sd), each of shape (..., S).
    """
    mu0 = np.asarray(prior_mean, float)
    count = np.asarray(evidence_count, float)[..., None]
    n = np.asarray(prior_strength, float) + count
    # mu0 + (sum - count mu0) / n: the same mean, exactly the prior before any evidence
    mean = mu0 + (np.asarray(evidence_sum, float)[..., None] - count * mu0) / n
    sd = np.asarray(volatility, float)[..., None] / np.sqrt(n)
    mean, sd = np.broadcast_arrays(mean, sd)
    return mean.copy(), sd.copy()


def cost_horizon(discount: ArrayLike, sessions: ArrayLike) -> np.ndarray:
    """H = sum_{k=0}^{n-1} discount^k: sessions of cost weighed, each discounted once more.

    (1 - delta^n) / (1 - delta) for delta < 1, n for delta = 1; ``sessions`` = inf gives
    1 / (1 - delta). delta in [0, 1], n >= 0.
    """
    d = np.asarray(discount, float)
    n = np.asarray(sessions, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        geometric = (1.0 - d**n) / (1.0 - d)
    return np.where(d >= 1.0, n, geometric)


def reservation(
    base: ArrayLike,
    stake: ArrayLike,
    belief_mean: ArrayLike,
    cost: ArrayLike,
    horizon: ArrayLike,
    signs: ArrayLike = SIDE_SIGNS,
) -> np.ndarray:
    """r_a = clip(base_a + stake x sign_a x mu_a - horizon x cost_a, 0, 1).

    Args:
        base: (..., S) reservation with no expected edge and no cost.
        stake: (..., S) or broadcastable: utility of one unit of expected edge.
        belief_mean: (..., S) mu_a from :func:`belief`.
        cost: (..., S) current per-session cost of fighting to each side.
        horizon: (..., S) or broadcastable: H from :func:`cost_horizon`.
        signs: sign_a on the last axis; by default (first side, second side) =
            :data:`SIDE_SIGNS`. Pass 1 with ``stake`` already signed per actor (0 for an
            actor that fights no battles).

    Returns:
        (..., S) reservations in [0, 1].
    """
    sign = np.asarray(signs, float)
    r = (
        np.asarray(base, float)
        + np.asarray(stake, float) * sign * np.asarray(belief_mean, float)
        - np.asarray(horizon, float) * np.asarray(cost, float)
    )
    return np.clip(r, 0.0, 1.0)


def rearm_cost(
    belief_mean: ArrayLike, sign: ArrayLike, rearm_fear: ArrayLike, ceasefire_weight: ArrayLike
) -> np.ndarray:
    """Utility a side subtracts from a text with a general ceasefire: fear of a rearming pause.

    cost_a = rearm_fear x w_a,cf x clip(sign_a x mu_a, 0, 1): only a side that believes the
    front favours it fears that a pause lets the other side rearm (a commitment problem under
    shifting power: Powell 2006, "War as a commitment problem", IO 60(1), 169-203; Putin,
    13 Mar 2025, on whether Ukraine would use 30 days to "mobilise, rearm, train"). Bounded by
    construction: never more than the side's whole stake w_a,cf in the ceasefire issue
    (rearm_fear in [0, 1]), so it can shade a ceasefire but never outweigh the issue itself.

    Args:
        belief_mean: (..., A) each actor's belief about the edge (0 for non-sides).
        sign: (A,) +1 first side, -1 second side, 0 others.
        rearm_fear: (...) share of the ceasefire stake at a believed edge of 1.
        ceasefire_weight: (..., A) each actor's normalised salience of the ceasefire issue.
    """
    ahead = np.clip(np.asarray(belief_mean, float) * np.asarray(sign, float), 0.0, 1.0)
    return np.asarray(rearm_fear, float)[..., None] * np.asarray(ceasefire_weight, float) * ahead
