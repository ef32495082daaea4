"""Bueno de Mesquita's expected utility model as scalar loops over one run, for numba.

The statement of the model is the vectorised step functions of :mod:`sim.rules.bdm_steps`
and :mod:`sim.rules.bdm_offers` (Steps 1-9 of ``docs/reference/bdm.md`` §2.2, after Scholz,
Calbert & Smith 2011). Run through NumPy they cost about a hundred array calls per round,
each on a handful of numbers: for the 10-actor EC example the time is all call overhead. This
module writes the same round out as loops over one run's actors, in two passes per round for
a whole batch: :func:`risk_pass` (distances, Steps 1-2 with r = 1, Step 5) and
:func:`offer_pass` (Step 6, Steps 3-4, Steps 7-9). Between them :class:`Round` computes the
powers with NumPy, in the same expressions as the step functions, because NumPy may use SIMD
``pow`` code whose last bit differs from the C library's that numba calls; and a small
spread of dangers amplifies such a bit into visible differences over a few rounds. The
arithmetic is the step functions', in the same order where the order matters: the voters'
sum of Step 2 is sequential over voters as NumPy's reduction over that axis is (in the same
voter blocks, :func:`voter_blocks`), and the contiguous sums (a row of distances, the
normaliser Z) follow NumPy's pairwise summation (:func:`np_sum`). So the result is
:func:`sim.rules.bdm.run_bdm` with ``engine="numpy"`` bit for bit (tested on the EC example
and random actor sets up to 100 actors, every option).

The functions are plain Python (they run, slowly, without numba); :func:`load` compiles them
with ``numba.njit`` (no fastmath), cached on disk.

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
    powered: np.ndarray,
    neutral: bool,
    pairwise: bool,
    step: int,
    d: np.ndarray,
    gains: np.ndarray,
    block: np.ndarray,
    prob: np.ndarray,
) -> None:
    """Step 2 into ``prob`` (n, n): ``bdm_steps.win_probabilities`` for one run.

    ``neutral`` is the risk-neutral pass (r = 1, ``powered`` unused), else ``powered`` holds
    delta_kb^r_k as NumPy computed it. N(a, b) = sum_k max(0, w_k (d_kb - d_ka)) is summed
    over voters k in order, in blocks of ``step`` voters as ``bdm_steps.vote_gains`` does;
    ``d``, ``gains`` and ``block`` are scratch (n, n).
    """
    n = delta.shape[0]
    for k in range(n):
        for b in range(n):
            d[k, b] = (delta[k, b] if neutral else powered[k, b]) * w[k]
    gains[:, :] = 0.0
    for k0 in range(0, n, step):
        block[:, :] = 0.0
        for k in range(k0, min(n, k0 + step)):
            for a in range(n):
                dka = d[k, a]
                for b in range(n):
                    v = d[k, b] - dka
                    block[a, b] += v if v > 0.0 else 0.0
        for a in range(n):
            for b in range(n):
                gains[a, b] += block[a, b]
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


def risk_pass(
    x: np.ndarray,
    weight: np.ndarray,
    salience: np.ndarray,
    scale: np.ndarray,
    pairwise: bool,
    step: np.ndarray,
    delta: np.ndarray,
    r: np.ndarray,
) -> None:
    """Distances (§2.1), Steps 1-2 with r = 1 and Step 5, for each of B runs.

    Args:
        x, weight, salience: ``(B, n)`` positions x(t-1), w = c s and s.
        scale: ``(B,)`` initial range R.
        pairwise: variant V1.
        step: ``(B,)`` voter block of each run's vote sums.
        delta: ``(B, n, n)`` output, relative distances.
        r: ``(B, n)`` output, risk exponents.
    """
    batch, n = x.shape
    d = np.empty((n, n))
    gains = np.empty((n, n))
    block = np.empty((n, n))
    prob = np.empty((n, n))
    dng = np.empty(n)
    col = np.empty(n)
    for item in range(batch):
        safe = scale[item] if scale[item] > 0.0 else 1.0
        dl = delta[item]
        for i in range(n):
            for j in range(n):
                dl[i, j] = abs(x[item, i] - x[item, j]) / safe
        win_probabilities(dl, weight[item], dl, True, pairwise, step[item], d, gains, block, prob)
        for i in range(n):
            threat = 0.0
            for k in range(n):
                term = (1.0 - prob[k, i]) * dl[k, i]
                threat = term if k == 0 else threat + term
            for j in range(n):
                col[j] = dl[i, j]
            dng[i] = 2.0 * np_sum(col, 0, n) - 4.0 * salience[item, i] * threat
        hi = dng[0]
        lo = dng[0]
        for i in range(n):
            hi = max(hi, dng[i])
            lo = min(lo, dng[i])
        spread = hi - lo
        spread = spread if spread > DANGER_SPREAD_ATOL else np.inf
        for i in range(n):
            rel = ((dng[i] - lo) - (hi - dng[i])) / spread
            r[item, i] = (3.0 - rel) / (3.0 + rel)


def offer_pass(
    x: np.ndarray,
    weight: np.ndarray,
    salience: np.ndarray,
    tie_tol: np.ndarray,
    delta: np.ndarray,
    powered: np.ndarray,
    near: np.ndarray,
    far: np.ndarray,
    half: np.ndarray,
    pairwise: bool,
    min_move: bool,
    capitulation: bool,
    step: np.ndarray,
    new: np.ndarray,
    move_type: np.ndarray,
    counterpart: np.ndarray,
    eu_self: np.ndarray,
    eu_other: np.ndarray,
) -> None:
    """Step 6 (the risk-adjusted pass), Steps 3-4 and Steps 7-9, for each of B runs.

    ``powered``, ``near``, ``far`` are ``(B, n, n)``: delta^r, (0.5 - 0.5 delta)^r and
    (0.5 + 0.5 delta)^r with row i raised to r_i, and ``half`` is ``(B, n, 1)``: 0.5^r, all
    computed by NumPy (whose ``pow`` may differ from the C library's in the last bit). Writes
    ``new`` ``(B, n)`` and the ``(B, n)`` offer arrays of :class:`sim.rules.bdm_offers.Offers`.
    """
    batch, n = x.shape
    d = np.empty((n, n))
    gains = np.empty((n, n))
    block = np.empty((n, n))
    prob = np.empty((n, n))
    e_self = np.empty((n, n))
    e_other = np.empty((n, n))
    for item in range(batch):
        tol = tie_tol[item]
        s = salience[item]
        dl = delta[item]
        xs = x[item]
        win_probabilities(dl, weight[item], powered[item], False, pairwise, step[item], d,
                          gains, block, prob)
        for i in range(n):
            for j in range(n):
                gain = 4.0 * (half[item, i, 0] - near[item, i, j])
                stake = 4.0 * (far[item, i, j] - near[item, i, j])
                e_self[i, j] = gain - s[j] * (1.0 - prob[i, j]) * stake
                e_other[i, j] = gain - s[i] * (1.0 - prob[j, i]) * stake
        for i in range(n):
            has_conf = False
            has_comp = False
            for j in range(n):
                if dl[i, j] > SAME_POSITION_RTOL:
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
                    if dl[i, j] > SAME_POSITION_RTOL:
                        es, eo = e_self[i, j], e_other[i, j]
                        dist = abs(xs[j] - xs[i])
                        if has_conf:
                            if es > 0.0 and eo > es:
                                key = dist
                        elif es < 0.0 and eo + es > 0.0:
                            if min_move:
                                key = dist * abs(es) / eo
                            else:
                                den = eo - es
                                key = (eo * xs[j] - es * xs[i]) / (den if den > 0.0 else 1.0)
                        elif capitulation and not has_comp:
                            if es < 0.0 and eo > 0.0 and eo + es < 0.0:
                                key = dist
                    if sweep == 0:
                        best = min(best, key)
                    elif key <= best + tol:
                        chosen = j
                        break
            if best == np.inf:
                move_type[item, i] = NONE
                counterpart[item, i] = -1
                eu_self[item, i] = np.nan
                eu_other[item, i] = np.nan
                new[item, i] = xs[i]
                continue
            es, eo = e_self[i, chosen], e_other[i, chosen]
            xi, xj = xs[i], xs[chosen]
            target = xj
            if has_conf:
                move_type[item, i] = CONFRONTATION
            elif has_comp:
                move_type[item, i] = COMPROMISE
                y = xi + (xj - xi) * (abs(es) / eo)
                target = min(max(y, min(xi, xj)), max(xi, xj))
            else:
                move_type[item, i] = CAPITULATION
            counterpart[item, i] = chosen
            eu_self[item, i] = es
            eu_other[item, i] = eo
            new[item, i] = target


def voter_blocks(batch: int, n: int, chunk: int, block_elements: int) -> np.ndarray:
    """``(batch,)`` voter block of each item's vote sums, as ``bdm_steps.vote_gains`` makes them.

    The batch is stepped in chunks of ``chunk`` items (the last one may be smaller), and
    the block depends on the size of the chunk.
    """
    size = np.minimum(chunk, batch - (np.arange(batch) // chunk) * chunk)
    return np.maximum(1, block_elements // np.maximum(1, size * n**3)).astype(np.int64)


class Round:
    """One round for a ``(B, n)`` batch with the two passes and NumPy's powers between them."""

    def __init__(self, kernels: tuple[Any, Any], weight: np.ndarray, salience: np.ndarray,
                 scale: np.ndarray, tie_tol: np.ndarray, step: np.ndarray, pairwise: bool,
                 min_move: bool, capitulation: bool) -> None:
        self.risk_pass, self.offer_pass = kernels
        self.weight, self.salience, self.scale, self.tie_tol = weight, salience, scale, tie_tol
        self.step = step
        self.flags = (pairwise, min_move, capitulation)
        batch, n = weight.shape
        self.delta = np.empty((batch, n, n))

    def __call__(self, x: np.ndarray, r: np.ndarray, new: np.ndarray, move_type: np.ndarray,
                 counterpart: np.ndarray, eu_self: np.ndarray, eu_other: np.ndarray) -> None:
        """x(t-1) ``(B, n)`` -> the round's r and offers, written into the ``(B, n)`` outputs."""
        delta = self.delta
        pairwise, min_move, capitulation = self.flags
        self.risk_pass(x, self.weight, self.salience, self.scale, pairwise, self.step, delta, r)
        rr = r[:, :, None]
        # the same NumPy expressions as bdm_steps._powered and challenge_utilities
        powered = delta**rr
        near = (0.5 - 0.5 * delta) ** rr
        far = (0.5 + 0.5 * delta) ** rr
        half = 0.5**rr
        self.offer_pass(x, self.weight, self.salience, self.tie_tol, delta, powered, near, far,
                        half, pairwise, min_move, capitulation, self.step, new, move_type,
                        counterpart, eu_self, eu_other)


_COMPILED: tuple[Any, Any] | None = None


def available() -> bool:
    """Whether numba is installed (the ``compiled`` extra); does not import it."""
    return importlib.util.find_spec("numba") is not None


def plain() -> tuple[Any, Any]:
    """The two passes as plain Python (slow; for tests and debugging)."""
    return (getattr(risk_pass, "py_func", risk_pass), getattr(offer_pass, "py_func", offer_pass))


def load() -> tuple[Any, Any]:
    """:func:`risk_pass` and :func:`offer_pass` compiled by numba, once per process.

    Cached on disk where numba can write (next to the package, else numba's user cache).

    Raises:
        ImportError: numba is not installed.
    """
    global _COMPILED
    if _COMPILED is None:
        import numba

        jit = numba.njit(cache=True, fastmath=False, nogil=True)
        helpers = {"block_sum": jit(block_sum)}
        helpers["np_sum"] = jit(_with_globals(np_sum, helpers))
        helpers["win_probabilities"] = jit(_with_globals(win_probabilities, helpers))
        _COMPILED = (jit(_with_globals(risk_pass, helpers)),
                     jit(_with_globals(offer_pass, helpers)))
    return _COMPILED


def _with_globals(fn: Any, helpers: dict[str, Any]) -> Any:
    """``fn`` with the compiled ``helpers`` in its globals (numba calls them from there)."""
    fn.__globals__.update(helpers)
    return fn
