"""Bueno de Mesquita's expected utility model as one scalar loop per run, for numba.

The statement of the model is the vectorised step functions of :mod:`sim.rules.bdm_steps`
and :mod:`sim.rules.bdm_offers` (Steps 1-9 of ``docs/reference/bdm.md`` §2.2, after Scholz,
Calbert & Smith 2011). Run through NumPy they cost about a hundred array calls per round,
each on a handful of numbers: for the 10-actor EC example the time is all call overhead. This
module writes the same round out as loops over one run's actors, in the same arithmetic, in
the same order where the order matters: the voters' sum of Step 2 is sequential over voters
as NumPy's reduction over that axis is, and the contiguous sums (a row of distances, the
normaliser Z) follow NumPy's pairwise summation (:func:`np_sum`). Powers come from the C
library's ``pow`` in both. The result equals :func:`sim.rules.bdm.run_bdm` with
``engine="numpy"`` (tested to 1e-12 on the EC example and random actor sets; in practice bit
for bit below a few hundred actors, where the vector path's voter blocks do not start).

The functions are plain Python (they run, slowly, without numba); :func:`load` compiles them
with ``numba.njit`` (no fastmath), cached in the folder numba is told to use.

References:
    Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). Unravelling Bueno de
    Mesquita's group decision model. *Journal of Theoretical Politics* 23(4), 510-531.

    Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method.
    In B. Bueno de Mesquita & F. N. Stokman (eds.), *European Community Decision
    Making*. Yale University Press.
"""

from __future__ import annotations

import importlib.util
from typing import Any

import numpy as np

from sim.rules.bdm_steps import (
    CAPITULATION,
    COMPROMISE,
    CONFRONTATION,
    DANGER_SPREAD_ATOL,
    NONE,
    SAME_POSITION_RTOL,
)

#: NumPy's pairwise-summation block (``PW_BLOCKSIZE`` in ``loops_utils.h.src``).
PW_BLOCKSIZE = 128


def np_sum(a: np.ndarray, lo: int, n: int) -> float:
    """``a[lo:lo + n].sum()`` of a contiguous 1-D float64 array, in NumPy's order.

    NumPy's ``pairwise_sum`` (``numpy/_core/src/umath/loops_utils.h.src``): up to 128
    elements one block (:func:`block_sum`); above, the two halves (the first a multiple of
    eight long) summed recursively and added. The recursion is unrolled into a stack here
    (numba's cache cannot load recursive functions).
    """
    if n <= PW_BLOCKSIZE:
        return block_sum(a, lo, n)
    depth = 64  # halving a 64-bit length needs fewer levels
    s_lo = np.empty(depth, np.int64)
    s_n = np.empty(depth, np.int64)
    stage = np.empty(depth, np.int64)
    vals = np.empty(depth)
    sp, vp = 0, 0
    s_lo[0], s_n[0], stage[0] = lo, n, 0
    while sp >= 0:
        m = s_n[sp]
        if m <= PW_BLOCKSIZE:
            vals[vp] = block_sum(a, s_lo[sp], m)
            vp += 1
            sp -= 1
            continue
        half = m // 2
        half -= half % 8
        if stage[sp] == 0:  # first the lower half
            stage[sp] = 1
            s_lo[sp + 1], s_n[sp + 1], stage[sp + 1] = s_lo[sp], half, 0
            sp += 1
        elif stage[sp] == 1:  # then the upper half
            stage[sp] = 2
            s_lo[sp + 1], s_n[sp + 1], stage[sp + 1] = s_lo[sp] + half, m - half, 0
            sp += 1
        else:  # both done: lower + upper
            vp -= 1
            vals[vp - 1] = vals[vp - 1] + vals[vp]
            sp -= 1
    return float(vals[0])


def block_sum(a: np.ndarray, lo: int, n: int) -> float:
    """NumPy's pairwise sum of at most 128 elements ``a[lo:lo + n]``.

    Below eight elements a sequential sum from -0.0; from eight, eight interleaved
    accumulators combined as ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), then the
    remainder one by one.
    """
    if n < 8:
        res = -0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0 = a[lo]
    r1 = a[lo + 1]
    r2 = a[lo + 2]
    r3 = a[lo + 3]
    r4 = a[lo + 4]
    r5 = a[lo + 5]
    r6 = a[lo + 6]
    r7 = a[lo + 7]
    i = 8
    while i < n - (n % 8):
        r0 += a[lo + i]
        r1 += a[lo + i + 1]
        r2 += a[lo + i + 2]
        r3 += a[lo + i + 3]
        r4 += a[lo + i + 4]
        r5 += a[lo + i + 5]
        r6 += a[lo + i + 6]
        r7 += a[lo + i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


def win_probabilities(
    delta: np.ndarray,
    w: np.ndarray,
    r: np.ndarray,
    neutral: bool,
    pairwise: bool,
    d: np.ndarray,
    gains: np.ndarray,
    prob: np.ndarray,
) -> None:
    """Step 2 into ``prob`` (n, n): ``bdm_steps.win_probabilities`` for one run.

    ``neutral`` is the risk-neutral pass (r = 1); ``d`` and ``gains`` are scratch (n, n).
    N(a, b) = sum_k max(0, w_k (d_kb - d_ka)) is summed over voters k in order.
    """
    n = delta.shape[0]
    for k in range(n):
        for b in range(n):
            if neutral:
                d[k, b] = delta[k, b] * w[k]
            else:
                d[k, b] = delta[k, b] ** r[k] * w[k]
    gains[:, :] = 0.0
    for k in range(n):
        for a in range(n):
            dka = d[k, a]
            for b in range(n):
                v = d[k, b] - dka
                gains[a, b] += v if v > 0.0 else 0.0
    if not pairwise:
        z = 2.0 * np_sum(gains.ravel(), 0, n * n)
        zz = z if z > 0.0 else np.inf
        for a in range(n):
            for b in range(n):
                prob[a, b] = gains[a, b] / zz
        return
    for a in range(n):
        for b in range(n):
            total = gains[a, b] + gains[b, a]
            p = gains[a, b] / total if total > 0.0 else 0.5
            prob[a, b] = p if delta[a, b] > 0.0 else 0.0


def bdm_run(
    x0: np.ndarray,
    weight: np.ndarray,
    salience: np.ndarray,
    scale: np.ndarray,
    tie_tol: np.ndarray,
    rounds: int,
    pairwise: bool,
    min_move: bool,
    capitulation: bool,
    positions: np.ndarray,
    risk: np.ndarray,
    move_type: np.ndarray,
    counterpart: np.ndarray,
    eu_self: np.ndarray,
    eu_other: np.ndarray,
) -> None:
    """``rounds`` rounds of :func:`sim.rules.bdm.bdm_round` for each of B runs, into the outputs.

    Args:
        x0, weight, salience: ``(B, n)`` initial positions, w = c s, and s.
        scale, tie_tol: ``(B,)`` initial range R and the Step 8 tie tolerance.
        rounds: number of rounds.
        pairwise, min_move, capitulation: variants V1, V6, V7 (``BDMOptions``).
        positions: ``(B, rounds + 1, n)`` output, round 0 the input.
        risk, move_type, counterpart, eu_self, eu_other: ``(B, rounds, n)`` outputs, as in
            :class:`sim.rules.bdm.BDMTrajectory`.
    """
    batch, n = x0.shape
    delta = np.empty((n, n))
    d = np.empty((n, n))
    gains = np.empty((n, n))
    prob = np.empty((n, n))
    e_self = np.empty((n, n))
    e_other = np.empty((n, n))
    x = np.empty(n)
    r = np.ones(n)
    dng = np.empty(n)
    col = np.empty(n)
    for item in range(batch):
        safe = scale[item] if scale[item] > 0.0 else 1.0
        tol = tie_tol[item]
        w = weight[item]
        s = salience[item]
        for i in range(n):
            x[i] = x0[item, i]
            positions[item, 0, i] = x[i]
        for t in range(rounds):
            # relative distances (§2.1)
            for i in range(n):
                for j in range(n):
                    delta[i, j] = abs(x[i] - x[j]) / safe
            # Steps 1-2 with r = 1, then Step 5: danger and risk exponents
            win_probabilities(delta, w, r, True, pairwise, d, gains, prob)
            for i in range(n):
                threat = 0.0
                for k in range(n):
                    term = (1.0 - prob[k, i]) * delta[k, i]
                    threat = term if k == 0 else threat + term
                for j in range(n):
                    col[j] = delta[i, j]
                dng[i] = 2.0 * np_sum(col, 0, n) - 4.0 * s[i] * threat
            hi = dng[0]
            lo = dng[0]
            for i in range(n):
                hi = max(hi, dng[i])
                lo = min(lo, dng[i])
            spread = hi - lo
            spread = spread if spread > DANGER_SPREAD_ATOL else np.inf
            for i in range(n):
                rel = ((dng[i] - lo) - (hi - dng[i])) / spread
                r[i] = (3.0 - rel) / (3.0 + rel)
            # Step 6: the risk-adjusted pass; Steps 3-4: expected utilities
            win_probabilities(delta, w, r, False, pairwise, d, gains, prob)
            for i in range(n):
                half = 0.5 ** r[i]
                for j in range(n):
                    near = (0.5 - 0.5 * delta[i, j]) ** r[i]
                    gain = 4.0 * (half - near)
                    stake = 4.0 * ((0.5 + 0.5 * delta[i, j]) ** r[i] - near)
                    e_self[i, j] = gain - s[j] * (1.0 - prob[i, j]) * stake
                    e_other[i, j] = gain - s[i] * (1.0 - prob[j, i]) * stake
            # Steps 7-8, actor by actor; Step 9 writes the new positions afterwards
            for i in range(n):
                risk[item, t, i] = r[i]
                has_conf = False
                has_comp = False
                for j in range(n):
                    if delta[i, j] > SAME_POSITION_RTOL:
                        es, eo = e_self[i, j], e_other[i, j]
                        if es > 0.0 and eo > es:
                            has_conf = True
                        if es < 0.0 and eo + es > 0.0:
                            has_comp = True
                best = np.inf
                chosen = 0
                for sweep in range(2):  # find the minimum key, then its first near-tie
                    for j in range(n):
                        key = np.inf
                        if delta[i, j] > SAME_POSITION_RTOL:
                            es, eo = e_self[i, j], e_other[i, j]
                            dist = abs(x[j] - x[i])
                            if has_conf:
                                if es > 0.0 and eo > es:
                                    key = dist
                            elif es < 0.0 and eo + es > 0.0:
                                if min_move:
                                    key = dist * abs(es) / eo
                                else:
                                    den = eo - es
                                    key = (eo * x[j] - es * x[i]) / (den if den > 0.0 else 1.0)
                            elif capitulation and not has_comp:
                                if es < 0.0 and eo > 0.0 and eo + es < 0.0:
                                    key = dist
                        if sweep == 0:
                            best = min(best, key)
                        elif key <= best + tol:
                            chosen = j
                            break
                if best == np.inf:
                    move_type[item, t, i] = NONE
                    counterpart[item, t, i] = -1
                    eu_self[item, t, i] = np.nan
                    eu_other[item, t, i] = np.nan
                    positions[item, t + 1, i] = x[i]
                    continue
                es, eo = e_self[i, chosen], e_other[i, chosen]
                xi, xj = x[i], x[chosen]
                target = xj
                if has_conf:
                    move_type[item, t, i] = CONFRONTATION
                elif has_comp:
                    move_type[item, t, i] = COMPROMISE
                    y = xi + (xj - xi) * (abs(es) / eo)
                    target = min(max(y, min(xi, xj)), max(xi, xj))
                else:
                    move_type[item, t, i] = CAPITULATION
                counterpart[item, t, i] = chosen
                eu_self[item, t, i] = es
                eu_other[item, t, i] = eo
                positions[item, t + 1, i] = target
            for i in range(n):  # Step 9: everybody moves at once
                x[i] = positions[item, t + 1, i]


_COMPILED: Any = None


def available() -> bool:
    """Whether numba is installed (the ``compiled`` extra); does not import it."""
    return importlib.util.find_spec("numba") is not None


def load() -> Any:
    """:func:`bdm_run` compiled by numba (cached on disk where numba can write), once per process.

    Raises:
        ImportError: numba is not installed.
    """
    global _COMPILED
    if _COMPILED is None:
        import numba

        jit = numba.njit(cache=True, fastmath=False, nogil=True)
        helpers = {"block_sum": jit(block_sum)}
        helpers["np_sum"] = jit(_with_globals(np_sum, helpers))
        helpers["win_probabilities"] = jit(
            _with_globals(win_probabilities, helpers))
        _COMPILED = jit(_with_globals(bdm_run, helpers))
    return _COMPILED


def _with_globals(fn: Any, helpers: dict[str, Any]) -> Any:
    """``fn`` with the compiled ``helpers`` in its globals (numba calls them from there)."""
    fn.__globals__.update(helpers)
    return fn
