"""Pure step functions of Bueno de Mesquita's expected utility model (BDM / EUM).

Each function implements one numbered step of one round of the "classic" model of
Bueno de Mesquita (1994) as formalised by Scholz, Calbert & Smith (2011), following
the Scholz-code variant that the public Python replication reproduces exactly. Step
numbers refer to the note ``docs/reference/bdm.md`` §2.2; ``sim.rules.bdm`` strings
them into rounds.

Every function is vectorised: arrays carry arbitrary leading batch axes ``...`` and
then the actor axes, for example ``position`` is ``(..., n)`` and a dyad matrix is
``(..., n, n)`` indexed ``[i, j]``. Nothing here loops over actors or pairs.

References:
    Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). Unravelling Bueno de
    Mesquita's group decision model. *Journal of Theoretical Politics* 23(4), 510-531.

    Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method.
    In B. Bueno de Mesquita & F. N. Stokman (eds.), *European Community Decision
    Making*. Yale University Press.
"""

from __future__ import annotations

import numpy as np

#: Relative tie tolerance. Step 8: two candidate offers whose selection keys
#: (distance, kappa or move size) differ by less than this fraction of the issue range
#: (plus a few ulps of the positions) count as an exact tie, which goes to the first
#: actor in input order as in the reference; without it, an affine rescaling of the
#: axis could break a mathematical tie differently. Forecast: a cumulative weight
#: within this fraction of one half counts as exactly half.
TIE_RTOL = 1e-12

#: Step 7: two actors whose relative distance delta is at most this hold one position
#: (no dyad between them), although rounding left them an ulp or two apart.
SAME_POSITION_RTOL = 1e-12

#: If max D - min D is at most this (D is dimensionless), all actors are equally
#: threatened and every risk exponent is 1 (Step 5 guard for the 0/0 case).
DANGER_SPREAD_ATOL = 1e-12

#: Largest (..., k, a, b) vote temporary, in elements (2**22 float64 = 32 MiB).
VOTE_BLOCK_ELEMENTS = 2**22

NONE, CONFRONTATION, COMPROMISE, CAPITULATION = 0, 1, 2, 3


def issue_range(position: np.ndarray) -> np.ndarray:
    """Scale R = max x - min x of the initial positions (§2.1), shape ``(...)``."""
    position = np.asarray(position, dtype=float)
    return position.max(axis=-1) - position.min(axis=-1)


def relative_distances(position: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Return delta_ab = |x_a - x_b| / R for all actor pairs (§2.1).

    Guard: if R = 0 (every actor starts at one position) the distances are all zero,
    so delta is set to 0 instead of 0/0; nothing can then ever move.
    """
    position = np.asarray(position, dtype=float)
    scale = np.asarray(scale, dtype=float)
    safe = np.where(scale > 0, scale, 1.0)[..., None, None]
    return np.abs(position[..., :, None] - position[..., None, :]) / safe


def _powered(delta: np.ndarray, r: np.ndarray | None) -> np.ndarray:
    """Row k of delta raised to voter k's own exponent r_k (Step 2)."""
    if r is None:
        return delta
    return delta ** np.asarray(r, dtype=float)[..., :, None]


def votes(delta: np.ndarray, weight: np.ndarray, r: np.ndarray | None = None) -> np.ndarray:
    """Votes v_k(a, b) = w_k (delta_kb^r_k - delta_ka^r_k), shape ``(..., k, a, b)``.

    Step 2 of §2.2. ``r=None`` means the risk-neutral pass (all r = 1, Step 1).
    This materialises the full n^3 array; the simulator itself only needs
    :func:`vote_gains`. It exists for tests and for reading the maths.
    """
    d = _powered(delta, r)
    return np.asarray(weight, dtype=float)[..., :, None, None] * (
        d[..., :, None, :] - d[..., :, :, None]
    )


def vote_gains(delta: np.ndarray, weight: np.ndarray, r: np.ndarray | None = None) -> np.ndarray:
    """Summed positive votes N(a, b) = sum_k max(0, v_k(a, b)), shape ``(..., a, b)``.

    Step 2 of §2.2. Since w_k >= 0, w_k may be folded into the powered distances
    before differencing. N(a, b) = 0 whenever x_a = x_b, because the two powered
    distances then agree (exactly in the risk-neutral pass; a vectorised ``pow``
    might in principle differ by an ulp between lanes, which is harmless here).

    The (..., k, a, b) temporary is built for blocks of voters so that it never
    exceeds ``VOTE_BLOCK_ELEMENTS`` elements (only matters for n of a few hundred).
    """
    d = _powered(delta, r) * np.asarray(weight, dtype=float)[..., :, None]
    n = d.shape[-1]
    step = max(1, VOTE_BLOCK_ELEMENTS // max(1, d.size * n))
    if step >= n:
        diff = d[..., :, None, :] - d[..., :, :, None]  # [k, a, b] = w_k (d_kb - d_ka)
        np.maximum(diff, 0.0, out=diff)
        return diff.sum(axis=-3)
    gains = np.zeros(d.shape)
    for k0 in range(0, n, step):  # blocks of voters, not single actors
        block = d[..., k0 : k0 + step, :]
        diff = block[..., :, None, :] - block[..., :, :, None]
        np.maximum(diff, 0.0, out=diff)
        gains += diff.sum(axis=-3)
    return gains


def global_normaliser(gains: np.ndarray) -> np.ndarray:
    """Scholz-code normaliser Z = sum_k sum_a sum_b |v_k(a, b)| = 2 sum_ab N(a, b).

    Step 2 / variant V1 "scholz_global". Z counts actors, not distinct positions,
    and includes the zero a = b terms. ``gains`` is the output of :func:`vote_gains`.
    """
    return 2.0 * gains.sum(axis=(-2, -1))


def win_probabilities(
    delta: np.ndarray,
    weight: np.ndarray,
    r: np.ndarray | None = None,
    method: str = "scholz_global",
) -> np.ndarray:
    """Probability P(a, b) that position a beats position b, shape ``(..., a, b)``.

    Step 2 of §2.2, variant V1:

    * ``"scholz_global"`` (reference): P(a, b) = N(a, b) / Z with one global Z per
      round, so P(a, b) + P(b, a) << 1. Guard: Z = 0 (no weight, or all actors at one
      position) gives P = 0.
    * ``"pairwise"`` (paper's text): P(a, b) = N(a, b) / (N(a, b) + N(b, a)), so
      P(a, b) + P(b, a) = 1. Guard: if nobody prefers either side (zero weight, or all
      weighted voters at the midpoint) P = 1/2 for x_a != x_b.

    In both, P(a, b) = 0 when x_a = x_b (irrelevant to the EUs, where U_s = U_f).
    """
    gains = vote_gains(delta, weight, r)
    if method == "scholz_global":
        z = global_normaliser(gains)[..., None, None]
        return gains / np.where(z > 0, z, np.inf)
    if method == "pairwise":
        total = gains + np.swapaxes(gains, -1, -2)
        voted = total > 0
        p = np.where(voted, gains / np.where(voted, total, 1.0), 0.5)
        return np.where(delta > 0, p, 0.0)
    raise ValueError(f"probability: unknown method {method!r}")


def challenge_utilities(
    delta: np.ndarray,
    salience: np.ndarray,
    prob: np.ndarray,
    r: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Expected utilities of challenges as seen by actor i, Steps 3-4 of §2.2.

    With Q = 1 and viewer i's own exponent r_i for both directions (V4):

    * U_s = 2 - 4 (0.5 - 0.5 delta_ij)^r_i, U_f = 2 - 4 (0.5 + 0.5 delta_ij)^r_i,
      U_sq = 2 - 4 (0.5)^r_i;
    * e_ij = E^i(U_ij) = s_j [P(i,j) U_s + (1 - P(i,j)) U_f] + (1 - s_j) U_s - U_sq;
    * e_ji = E^i(U_ji) = s_i [P(j,i) U_s + (1 - P(j,i)) U_f] + (1 - s_i) U_s - U_sq.

    Args:
        delta: relative distances ``(..., n, n)``.
        salience: ``(..., n)`` in [0, 1] (used as the probability that a target resists).
        prob: win probabilities ``(..., n, n)`` from :func:`win_probabilities`.
        r: viewer exponents ``(..., n)``; ``None`` is the risk-neutral pass (r = 1).

    Returns:
        ``(e_self, e_other)``, each ``(..., n, n)`` indexed ``[i, j]``: e_ij and e_ji.
    """
    salience = np.asarray(salience, dtype=float)
    # e = (U_s - U_sq) - s (1 - P) (U_s - U_f): the same EU with fewer operations.
    if r is None:
        gain, stake = 2.0 * delta, 4.0 * delta
    else:
        rr = np.asarray(r, dtype=float)[..., :, None]
        near = (0.5 - 0.5 * delta) ** rr
        gain = 4.0 * (0.5**rr - near)  # U_s - U_sq
        stake = 4.0 * ((0.5 + 0.5 * delta) ** rr - near)  # U_s - U_f
    lose = 1.0 - prob
    e_self = gain - salience[..., None, :] * lose * stake
    e_other = gain - salience[..., :, None] * np.swapaxes(lose, -1, -2) * stake
    return e_self, e_other


def danger(delta: np.ndarray, salience: np.ndarray, prob_neutral: np.ndarray) -> np.ndarray:
    """Danger D_i = sum_{k != i} EU(k -> i) in the risk-neutral pass, Step 5 / V3.

    With r = 1, U_s - U_sq = 2 delta and U_s - U_f = 4 delta, so
    EU(k -> i) = 2 delta_ki - 4 s_i (1 - P(k, i)) delta_ki, whoever's view it is
    (it is ``challenge_utilities(delta, salience, prob_neutral)[1][i, k]``). The
    k = i term is exactly zero (delta_ii = 0), so summing over all k is the same as
    over k != i.

    Args:
        delta: relative distances ``(..., n, n)``.
        salience: ``(..., n)``.
        prob_neutral: win probabilities of the risk-neutral pass, ``(..., n, n)``.

    Returns:
        D, ``(..., n)``.
    """
    threat = ((1.0 - prob_neutral) * delta).sum(axis=-2)  # sum_k (1 - P(k, i)) delta_ki
    return 2.0 * delta.sum(axis=-1) - 4.0 * np.asarray(salience, dtype=float) * threat


def risk_exponents(danger_: np.ndarray) -> np.ndarray:
    """Risk exponents r_i in [0.5, 2] from the dangers D_i, Step 5 of §2.2.

    R_i = (2 D_i - max D - min D) / (max D - min D) and
    r_i = (1 - R_i/3) / (1 + R_i/3) = (3 - R_i) / (3 + R_i):
    the most threatened actor gets r = 0.5 (risk-acceptant in Scholz's reading), the
    least threatened r = 2.

    Guards: if max D - min D <= ``DANGER_SPREAD_ATOL`` (e.g. all actors at one
    position, one actor, symmetric pairs) every R_i = 0, i.e. r_i = 1, instead of
    0/0.
    """
    hi = danger_.max(axis=-1, keepdims=True)
    lo = danger_.min(axis=-1, keepdims=True)
    spread = hi - lo
    # (D - lo) - (hi - D) equals 2D - hi - lo and, by monotone rounding, never exceeds
    # the spread in magnitude, so R stays in [-1, 1] and r in [0.5, 2] without clipping.
    spread = np.where(spread > DANGER_SPREAD_ATOL, spread, np.inf)  # flat: R = 0
    rel = ((danger_ - lo) - (hi - danger_)) / spread
    return (3.0 - rel) / (3.0 + rel)


def weighted_mean(position: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Forecast: capability x salience weighted mean of positions (§2.3), ``(...)``.

    Guard: if every weight is zero, the unweighted mean is returned.
    """
    position = np.asarray(position, dtype=float)
    total = np.asarray(weight, dtype=float).sum(axis=-1)
    num = (weight * position).sum(axis=-1)
    weighted = total > 0
    return np.where(weighted, num / np.where(weighted, total, 1.0), position.mean(axis=-1))


def weighted_median(position: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Forecast: the "median voter" position among held positions (§2.3), ``(...)``.

    m = argmin over held positions p of sum_k w_k |x_k - p|, the winner of pairwise
    votes with linear utility. Computed in O(n log n) as the lowest held position
    whose cumulative weight reaches half the total: that is exactly the lowest
    minimiser, because the right-hand slope of the convex cost at p is
    2 W(x <= p) - W.

    Ties (a cumulative weight landing on exactly half, within a relative 1e-12 so
    that summation order cannot decide) go to the **lowest** position; the
    reference breaks them by Python set order, which cannot be reproduced. Guard:
    if every weight is zero, each actor counts once.
    """
    shape = position.shape
    n = shape[-1]
    xs = np.asarray(position, dtype=float).reshape(-1, n)
    ws = np.broadcast_to(weight, shape).reshape(-1, n)
    rows = np.arange(xs.shape[0])[:, None]
    order = np.argsort(xs, axis=-1, kind="stable")
    xs, ws = xs[rows, order], ws[rows, order]
    cum = np.cumsum(ws, axis=-1)
    unweighted = cum[:, -1:] <= 0
    if unweighted.any():
        cum = np.where(unweighted, np.arange(1.0, n + 1.0), cum)
    half = 0.5 * cum[:, -1:]
    idx = np.argmax(cum >= half * (1.0 - TIE_RTOL), axis=-1)
    return xs[rows[:, 0], idx].reshape(shape[:-1])
