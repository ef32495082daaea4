"""The fused round: every phase of the ``mediated`` protocol for one replication, compiled.

:func:`play` runs the sessions of a range of replications, one after the other (the driver
runs disjoint ranges on several threads), on the state arrays of
:class:`sim.batch.state.State` (written in place) and the pre-drawn arrays of
:class:`sim.batch.draws.Draws` (read), so a replication's result does not depend on the
chunk, the number of threads or processes, or the engine. The phases are
those of :mod:`sim.protocols.mediated` in its order (battlefield, events, expectations,
ratify, text, answer, settle, exchange, concession contexts, concede, walkout, trust,
close_round), each written out as loops over the actors and issues of one replication.

The rules in :mod:`sim.rules` and the phases in :mod:`sim.protocols.rounds` are the readable
statement of the model; read them, not this module. Every function here restates one of them
operation for operation in the order NumPy performs it, so that the compiled engine gives the
vector engine's bits (``tests/engine/test_fused.py`` checks the run tables on every shipped
scenario and on random ones). What matters for bit-identity:

* a sum over the last (issue or actor) axis of a contiguous array is NumPy's pairwise sum
  (:func:`np_sum`); a sum over another axis (over actors of an (A, I) array, over third
  parties) is sequential;
* logarithms are not taken here: the keys ``log(w1) - log(w0)`` of the two-party chain and the
  logit of the exchange rate are computed by NumPy before the kernel (NumPy's SIMD ``log``
  and the C library's differ in the last bit for about 0.4% of arguments, and the chain
  compares keys for equality);
* the time-dependent strategies' ``tau ** (1 / beta)`` is computed by NumPy before the kernel
  (one value per replication, party and session);
* ``tanh`` (the logistic of the walkout hazard and of the exchange probability) is the C
  library's here and NumPy's SIMD one in the vector engine: they differ in the last bit for
  about 14% of arguments (at most 2.2e-16). The hazard and the probability are only compared
  with a pre-drawn uniform, so a decision differs only if the uniform falls within that of
  the threshold; ``tests/engine/test_fused.py`` checks both functions within 1e-12.

numba compiles this module when :mod:`sim.engine.compiled` loads it (``cache=True``, no
fastmath); importing it needs numba.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

TIE = 1e-9  # sim.rules.acceptance.TIE
ZEUTHEN_TIE = 1e-9  # sim.strategies.zeuthen.TIE
MIN_SOFTNESS = 1e-9  # sim.rules.walkout.MIN_SOFTNESS
GAIN_EXCHANGE = 0.05  # sim.rules.humanitarian
GAIN_RECIPROCITY = 0.1
LOSS_WALKOUT = 0.3
LOSS_ESCALATION = 0.15

# strategy codes (sim.strategies): the aspiration rule a party concedes by
STEADY, HARDLINER, TIT_FOR_TAT, ZEUTHEN, TIME_DEPENDENT = range(5)
# mediator methods (sim.rules.mediator)
NASH, WEIGHTED_MEAN, MIDPOINT = range(3)
# state arrays an event may set (sim.batch.settable)
SET_FIELDS = ("authority", "engagement", "capability", "base_reservation", "leverage",
              "information", "stake", "rearm_fear", "war_cost", "prior_mean")

_OPTIONS: dict[str, Any] = {"cache": True, "nogil": True, "fastmath": False,
                            "error_model": "numpy"}
jit = njit(**_OPTIONS, _nrt=False)
"""The kernels: no fastmath, NumPy's division semantics, and no reference counting (``_nrt``
off: they allocate nothing, so no array needs its count kept; counting every view and every
array argument cost about half the time of a round)."""
jit_nrt = njit(**_OPTIONS)


@jit
def np_sum(a: np.ndarray, n: int) -> float:
    """``a[:n].sum()`` in NumPy's pairwise order (see ``kernels.np_sum``)."""
    if n < 8:
        res = -0.0
        for i in range(n):
            res += a[i]
        return res
    r0 = a[0]
    r1 = a[1]
    r2 = a[2]
    r3 = a[3]
    r4 = a[4]
    r5 = a[5]
    r6 = a[6]
    r7 = a[7]
    i = 8
    while i < n - (n % 8):
        r0 += a[i]
        r1 += a[i + 1]
        r2 += a[i + 2]
        r3 += a[i + 3]
        r4 += a[i + 4]
        r5 += a[i + 5]
        r6 += a[i + 6]
        r7 += a[i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[i]
        i += 1
    return -0.0 + res


@jit
def stable_order(key: np.ndarray, n: int, out: np.ndarray) -> None:
    """``out[:n] = np.argsort(key[:n], kind="stable")`` by insertion sort (stable)."""
    for i in range(n):
        out[i] = i
    for i in range(1, n):
        j = i
        cur = out[i]
        while j > 0 and key[out[j - 1]] > key[cur]:
            out[j] = out[j - 1]
            j -= 1
        out[j] = cur


@jit
def util(terms: np.ndarray, ideal: np.ndarray, w: np.ndarray, tmp: np.ndarray) -> float:
    """:func:`sim.rules.utility.utility` with rho = 1 for one actor."""
    n = ideal.shape[0]
    for i in range(n):
        tmp[i] = w[i] * (abs(terms[i] - ideal[i]) / 100.0)
    return 1.0 - np_sum(tmp, n)


@jit
def np_sum_row(a: np.ndarray, k: int, n: int) -> float:
    """``a[k, :n].sum()`` in NumPy's pairwise order (:func:`np_sum` on a row, no view)."""
    if n < 8:
        res = -0.0
        for i in range(n):
            res += a[k, i]
        return res
    r0 = a[k, 0]
    r1 = a[k, 1]
    r2 = a[k, 2]
    r3 = a[k, 3]
    r4 = a[k, 4]
    r5 = a[k, 5]
    r6 = a[k, 6]
    r7 = a[k, 7]
    i = 8
    while i < n - (n % 8):
        r0 += a[k, i]
        r1 += a[k, i + 1]
        r2 += a[k, i + 2]
        r3 += a[k, i + 3]
        r4 += a[k, i + 4]
        r5 += a[k, i + 5]
        r6 += a[k, i + 6]
        r7 += a[k, i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += a[k, i]
        i += 1
    return -0.0 + res


@jit
def stable_order_row(key: np.ndarray, kr: int, n: int, out: np.ndarray, orow: int) -> None:
    """``out[orow, :n] = np.argsort(key[kr, :n], kind="stable")`` (insertion sort)."""
    for i in range(n):
        out[orow, i] = i
    for i in range(1, n):
        j = i
        cur = out[orow, i]
        while j > 0 and key[kr, out[orow, j - 1]] > key[kr, cur]:
            out[orow, j] = out[orow, j - 1]
            j -= 1
        out[orow, j] = cur


@jit
def util_row(terms: np.ndarray, ti: int, ideal: np.ndarray, a: int, w: np.ndarray,
             tmp: np.ndarray) -> float:
    """:func:`util` of ``terms[ti]`` for actor ``a`` of ``ideal`` and ``w`` (no views)."""
    n = ideal.shape[1]
    for i in range(n):
        tmp[i] = w[a, i] * (abs(terms[ti, i] - ideal[a, i]) / 100.0)
    return 1.0 - np_sum(tmp, n)


@jit
def util_of(terms: np.ndarray, ideal: np.ndarray, a: int, w: np.ndarray,
            tmp: np.ndarray) -> float:
    """:func:`util` of the row ``terms`` for actor ``a`` of ``ideal`` and ``w`` (no views)."""
    n = ideal.shape[1]
    for i in range(n):
        tmp[i] = w[a, i] * (abs(terms[i] - ideal[a, i]) / 100.0)
    return 1.0 - np_sum(tmp, n)


@jit
def clip01(x: float) -> float:
    """``np.clip(x, 0, 1)``."""
    if x < 0.0:
        return 0.0
    if x > 1.0:
        return 1.0
    return x


@jit
def nmax(x: float, y: float) -> float:
    """``np.maximum`` (NaN propagates)."""
    if x != x:
        return x
    if y != y:
        return y
    return x if x >= y else y


@jit
def nmin(x: float, y: float) -> float:
    """``np.minimum`` (NaN propagates)."""
    if x != x:
        return x
    if y != y:
        return y
    return x if x <= y else y


@jit
def logistic(x: float) -> float:
    """``0.5 * (1 + tanh(0.5 x))`` (:mod:`sim.rules.walkout`, :mod:`sim.rules.humanitarian`)."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


@jit
def is_cf(value: float, threshold: float, low: bool) -> bool:
    """:func:`sim.rules.outcome.is_ceasefire`."""
    return value <= threshold if low else value >= threshold


# --- the two rules of sim.rules.frontier the round calls -----------------------------------
@jit
def nash2(logkey: np.ndarray, ideal: np.ndarray, p0: int, p1: int, w: np.ndarray,
          res0: float, res1: float, free: np.ndarray, fixed: np.ndarray, text_out: np.ndarray,
          wk: np.ndarray, wi: np.ndarray) -> bool:
    """The exact two-party Nash text of :func:`sim.rules.frontier.frontier_nash` (rho = 1).

    ``frontier._chain``, ``_two_party_nash`` and ``_chain_text`` for one replication; writes
    the text into ``text_out`` and returns ``has_range``. The parties are rows ``p0`` and
    ``p1`` of ``ideal`` and ``w``; ``wk`` (>= 16, I + 1) float and ``wi`` (>= 4, I) int work
    rows (indexed, never sliced: a view costs reference counting).
    """
    n = ideal.shape[1]
    inf = np.inf
    for i in range(n):
        wk[4, i] = abs(ideal[p1, i] - ideal[p0, i]) / 100.0 if free[i] else 0.0
        wk[2, i] = w[p0, i] * wk[4, i]
        wk[3, i] = w[p1, i] * wk[4, i]
        wk[6, i] = ideal[p0, i] if free[i] else fixed[i]
        live = (wk[2, i] > 0) or (wk[3, i] > 0)
        wk[1, i] = logkey[i] if live else 0.0
        wk[0, i] = -wk[1, i]
    for i in range(n):
        wk[5, i] = w[p0, i] * (abs(wk[6, i] - ideal[p0, i]) / 100.0)
    u0 = 1.0 - np_sum_row(wk, 5, n)
    for i in range(n):
        wk[5, i] = w[p1, i] * (abs(wk[6, i] - ideal[p1, i]) / 100.0)
    u1 = 1.0 - np_sum_row(wk, 5, n)
    stable_order_row(wk, 0, n, wi, 0)
    for p in range(n):
        wk[7, p] = wk[1, wi[0, p]]
    g = 0
    f = 0
    for p in range(n):
        if p == 0 or wk[7, p] != wk[7, p - 1]:
            g += 1
            f = p
        wi[1, p] = g
        wi[2, p] = f
    lst = n - 1
    for p in range(n - 1, -1, -1):
        if p == n - 1 or wk[7, p + 1] != wk[7, p]:
            lst = p
        wi[3, p] = lst
    wk[8, 0] = 0.0
    wk[9, 0] = 0.0
    for p in range(n):
        wk[8, p + 1] = wk[8, p] + wk[2, wi[0, p]]
        wk[9, p + 1] = wk[9, p] + wk[3, wi[0, p]]
    for p in range(n):
        before0 = wk[8, wi[2, p]]
        before1 = wk[9, wi[2, p]]
        sc0 = wk[8, wi[3, p] + 1] - before0
        sc1 = wk[9, wi[3, p] + 1] - before1
        g0 = (u0 - before0) - res0
        g1 = (u1 + before1) - res1
        if sc1 > 0:
            x = -g1 / sc1
            t_lo = x if x > 0.0 else 0.0
        else:
            t_lo = 0.0 if g1 >= 0 else inf
        if sc0 > 0:
            x = g0 / sc0
            t_hi = x if x < 1.0 else 1.0
        else:
            t_hi = 1.0 if g0 >= 0 else -inf
        if sc0 > 0 and sc1 > 0:
            t_star = (sc1 * g0 - sc0 * g1) / (2.0 * sc0 * sc1)
        elif sc0 == 0 and sc1 > 0:
            t_star = inf
        else:
            t_star = -inf
        if sc0 + sc1 > 0:
            te = (g0 - g1) / (sc0 + sc1)
        else:
            te = 0.0
        te = min(max(te, 0.0), 1.0)
        lo = min(t_lo, 1.0)
        hi = max(t_hi, 0.0)
        tn = min(max(t_star, lo), hi)
        wk[10, p] = tn
        if t_lo <= t_hi:
            wk[12, p] = (g0 - tn * sc0) * (g1 + tn * sc1)
        else:
            wk[12, p] = -inf
        s0 = g0 - te * sc0
        s1 = g1 + te * sc1
        if sc0 == 0 and s0 <= s1:
            te = 1.0
        elif sc1 == 0 and s1 <= s0:
            te = 0.0
        wk[11, p] = te
        s0 = g0 - te * sc0
        s1 = g1 + te * sc1
        wk[13, p] = min(s0, s1)
        wk[14, p] = max(s0, s1)
    best_low = wk[13, 0]
    for p in range(1, n):
        if wk[13, p] > best_low:
            best_low = wk[13, p]
    pick_eq = 0
    best_high = -inf
    found = False
    for p in range(n):
        h = wk[14, p] if wk[13, p] >= best_low - 1e-12 else -inf
        if not found or h > best_high:
            best_high = h
            pick_eq = p
            found = True
    pick_nash = 0
    for p in range(1, n):
        if wk[12, p] > wk[12, pick_nash]:
            pick_nash = p
    has_range = best_low > 0
    pick = pick_nash if has_range else pick_eq
    t = wk[10, pick] if has_range else wk[11, pick]
    grp = wi[1, pick]
    for p in range(n):
        wk[15, wi[0, p]] = 1.0 if wi[1, p] < grp else (t if wi[1, p] == grp else 0.0)
    for i in range(n):
        if not (wk[2, i] > 0 or wk[3, i] > 0) and free[i] and wk[4, i] > 0:
            text_out[i] = 0.5 * (ideal[p0, i] + ideal[p1, i])
        elif free[i]:
            th = wk[15, i]
            text_out[i] = ideal[p1, i] if th >= 1.0 else ideal[p0, i] + th * (
                ideal[p1, i] - ideal[p0, i])
        else:
            text_out[i] = wk[6, i]
    return has_range


@jit
def logroll(ideal: np.ndarray, a: int, oth: np.ndarray, j: int, w: np.ndarray,
            ow: np.ndarray, level: float, mov: np.ndarray, base: np.ndarray, out: np.ndarray,
            wk: np.ndarray, wi: np.ndarray) -> None:
    """:func:`sim.rules.frontier.logroll` with rho = 1 for one replication, into ``out``.

    The party's ideal and weights are rows ``a`` of ``ideal`` and ``w``, the other side's
    rows ``j`` of ``oth`` and ``ow``, its terms row ``a`` of ``base``.
    """
    n = ideal.shape[1]
    for i in range(n):
        wk[0, i] = ideal[a, i] if mov[i] else base[a, i]
        wk[1, i] = w[a, i] * (abs(wk[0, i] - ideal[a, i]) / 100.0)
    top = 1.0 - np_sum_row(wk, 1, n)
    for i in range(n):
        wk[2, i] = oth[j, i] - ideal[a, i] if mov[i] else 0.0
        wk[3, i] = w[a, i] * (abs(wk[2, i] - 0.0) / 100.0)
        if w[a, i] <= 0.0:
            wk[4, i] = -np.inf
        else:
            wk[4, i] = -(ow[j, i] / w[a, i])
    stable_order_row(wk, 4, n, wi, 0)
    acc = 0.0
    budget = top - level
    n_full = 0
    for p in range(n):
        wk[5, p] = wk[3, wi[0, p]]
        acc = wk[5, p] if p == 0 else acc + wk[5, p]
        wk[6, p] = acc
        if wk[6, p] <= budget:
            n_full += 1
    part = min(n_full, n - 1)
    before = wk[6, part] - wk[5, part]
    part_cost = wk[5, part]
    if part_cost > 0:
        share = (budget - before) / part_cost
        frac = min(max(share, 0.0), 1.0)
    else:
        frac = 0.0
    for p in range(n):
        wk[7, wi[0, p]] = 1.0 if p < n_full else (frac if p == n_full else 0.0)
    conceded_all = level >= top
    for i in range(n):
        th = 0.0 if conceded_all else wk[7, i]
        if not mov[i]:
            out[i] = base[a, i]
        elif th >= 1.0:
            out[i] = oth[j, i]
        else:
            out[i] = ideal[a, i] + th * wk[2, i]


@jit_nrt
def nash2_batch(logkey: np.ndarray, e0: np.ndarray, e1: np.ndarray, w0: np.ndarray,
                w1: np.ndarray, reservation: np.ndarray, free: np.ndarray, fixed: np.ndarray,
                text_out: np.ndarray, range_out: np.ndarray) -> None:
    """:func:`nash2` for every row (the drop-in of ``frontier._two_party_nash``)."""
    n_rep, n = e0.shape
    wk = np.empty((16, n + 1))
    wi = np.empty((4, n), np.int64)
    for r in range(n_rep):
        ideal = np.empty((2, n))
        ws = np.empty((2, n))
        for i in range(n):
            ideal[0, i] = e0[r, i]
            ideal[1, i] = e1[r, i]
            ws[0, i] = w0[r, i]
            ws[1, i] = w1[r, i]
        range_out[r] = nash2(logkey[r], ideal, 0, 1, ws, reservation[r, 0],
                             reservation[r, 1], free[r], fixed[r], text_out[r], wk, wi)


@jit_nrt
def logroll_batch(own: np.ndarray, other: np.ndarray, wa: np.ndarray, wb: np.ndarray,
                  level: np.ndarray, mov: np.ndarray, base: np.ndarray,
                  out: np.ndarray) -> None:
    """:func:`logroll` for every row (the drop-in of :func:`sim.rules.frontier.logroll`)."""
    n_rep, n = own.shape
    wk = np.empty((8, n))
    wi = np.empty((1, n), np.int64)
    for r in range(n_rep):
        logroll(own[r:r + 1], 0, other[r:r + 1], 0, wa[r:r + 1], wb[r:r + 1], level[r],
                mov[r], base[r:r + 1], out[r], wk, wi)


# --- the round ---------------------------------------------------------------------------
@jit
def agreed_or(settled: np.ndarray, terms: np.ndarray, x: np.ndarray, out: np.ndarray) -> None:
    """``State.agreed_or`` for one row of terms."""
    for i in range(settled.shape[0]):
        out[i] = terms[i] if settled[i] else x[i]


@jit
def agreed_or_row(settled: np.ndarray, terms: np.ndarray, x: np.ndarray, xa: int,
                  out: np.ndarray, oa: int) -> None:
    """``State.agreed_or`` of row ``xa`` of ``x`` into row ``oa`` of ``out`` (no views)."""
    for i in range(settled.shape[0]):
        out[oa, i] = terms[i] if settled[i] else x[xa, i]


@jit
def open_issues(settled: np.ndarray, terms: np.ndarray, stated: np.ndarray,
                party_idx: np.ndarray, in_phase2: bool, first: np.ndarray,
                separate: np.ndarray, sp_st: np.ndarray, sp_fixed: np.ndarray,
                free: np.ndarray, free_main: np.ndarray) -> None:
    """What the expectations and the text start from, for one replication.

    ``sp_st``: each party's stated positions with the settled issues at their terms;
    ``sp_fixed``: each issue's terms if settled, else the parties' mean position (the text's
    value on an issue not open); ``free``: the issues on the table and not settled;
    ``free_main``: those of them on the main track.
    """
    P = party_idx.shape[0]
    for j in range(P):
        agreed_or_row(settled, terms, stated, party_idx[j], sp_st, j)
    for i in range(settled.shape[0]):
        if settled[i]:
            sp_fixed[i] = terms[i]
        else:
            acc = 0.0
            for j in range(P):
                acc += sp_st[j, i]
            sp_fixed[i] = acc / P
        on_table = in_phase2 or first[i] or separate[i]
        free[i] = on_table and not settled[i]
        free_main[i] = free[i] and not separate[i]


@jit
def bonus_for(a: int, settled: np.ndarray, terms: np.ndarray,
              ideal: np.ndarray, w: np.ndarray, others: np.ndarray, base_res: np.ndarray,
              leverage: np.ndarray, engagement: np.ndarray, wk: np.ndarray,
              tmp: np.ndarray) -> float:
    """``rounds.bonus_for(b, package)[a]``: what the third parties backing it add for ``a``.

    ``package`` is row 0 of ``wk``; row 1 is used for its agreed form.
    """
    n = settled.shape[0]
    for i in range(n):
        wk[1, i] = terms[i] if settled[i] else wk[0, i]
    acc = 0.0
    for k in range(others.shape[0]):
        q = others[k]
        backs = util_row(wk, 1, ideal, q, w, tmp) >= base_res[q]
        paid = engagement[q] * (1.0 if backs else 0.0)
        acc += leverage[q, a] * paid
    return acc


@jit
def main_utilities(a: int, text: np.ndarray, own_terms: np.ndarray, open_: np.ndarray,
                   package_mode: bool, cf: int, cf_thr: float, cf_low: bool,
                   separate: np.ndarray, settled: np.ndarray, terms: np.ndarray,
                   ideal: np.ndarray, w: np.ndarray, others: np.ndarray, base_res: np.ndarray,
                   leverage: np.ndarray, engagement: np.ndarray, rearm: float,
                   out: np.ndarray, wk: np.ndarray, tmp: np.ndarray) -> None:
    """``rounds._main_utilities``: party ``a``'s utility of the main-track text, per issue.

    Rows 0-2 of ``wk`` are work space (the package, its agreed form, the main weights).
    """
    n = settled.shape[0]
    for i in range(n):
        wk[0, i] = text[i] if open_[i] else own_terms[i]
    bonus = bonus_for(a, settled, terms, ideal, w, others, base_res, leverage,
                      engagement, wk, tmp)
    holds = open_[cf] and is_cf(text[cf], cf_thr, cf_low)
    penalty = rearm if holds else 0.0
    if package_mode:
        u = util_row(wk, 0, ideal, a, w, tmp) + bonus - penalty
        for i in range(n):
            out[i] = u
        return
    own = util_of(own_terms, ideal, a, w, tmp)
    for i in range(n):
        wk[2, i] = 0.0 if separate[i] else w[a, i]
    total = np_sum_row(wk, 2, n)
    total = total if total >= 1e-300 else 1e-300
    for i in range(n):
        ia = ideal[a, i]
        gain = w[a, i] * (abs(own_terms[i] - ia) / 100.0 - abs(text[i] - ia) / 100.0)
        x = own + gain + bonus * (wk[2, i] / total)
        out[i] = x - penalty if i == cf else x - 0.0


@jit
def settle_issues(agreed: np.ndarray, src: np.ndarray, t: int, settled: np.ndarray,
                  terms: np.ndarray, settled_round: np.ndarray, stated: np.ndarray) -> None:
    """``rounds._settle_issues`` for one replication."""
    n = settled.shape[0]
    for i in range(n):
        if agreed[i]:
            terms[i] = src[i]
            settled_round[i] = t
            settled[i] = True
    for a in range(stated.shape[0]):
        for i in range(n):
            if settled[i]:
                stated[a, i] = terms[i]


@jit
def one_replication(  # type: ignore[no-untyped-def]
    r, wk, wi, fs, bs, f3, b3, T, E, package_mode, method, cf, cf_thr, cf_low, s0, s1,
    hum_issue, any_first,
    is_party, party_idx, others, med_f, sign, separate, first, status_quo, repeated,
    ev_session, ev_prob, set_event, set_field, set_i0, set_i1, set_value,
    pr_at, pr_cond, pr_by, pr_on, pr_wc, pr_lev,
    ideal, salience, W, LK, margin, noise_sd, wk_thr, wk_haz, wk_soft, edge, vol,
    prior_strength, horizon, hum_logit, hum_te, strat, sp, alpha,
    shocks, z_issue, z_package, u_walkout, u_event, u_exchange, u_initial, z_ratify,
    stated, aspiration, start, base_res, reservation, front, movement, evidence_sum,
    evidence_count, prior_mean, belief, settled, terms, settled_round, text, active,
    end_round, walkout_by, fired, war_cost, leverage, authority, engagement, capability,
    information, stake, rearm_fear, mandate, pending, pending_terms, pending_by,
    initialled_by, accepted, ratified, other_offer_prev, phase2, trust, exchanges,
    exchanged, exchange_terms,
    do_trace, is_side, tr_pos, tr_text, tr_front, tr_belief, tr_res, tr_asp, tr_acc, tr_init,
    tr_rat, tr_set, tr_exch, tr_walk, tr_last,
):
    """Play every remaining session of replication ``r`` (the phases of ``mediated``)."""
    A = ideal.shape[1]
    n = ideal.shape[2]
    P = party_idx.shape[0]
    K = pr_at.shape[0]
    S = set_event.shape[0]
    tmp, tmpA, sp_fixed, nash_text, own_terms = fs[0], fs[1], fs[2], fs[3], fs[4]
    u, txt, total, tgt, buf, restated = fs[5], fs[6], fs[7], fs[8], fs[9], fs[10]
    zero_key, needed, nash_u, other, own, text_offer = (fs[11], fs[12], fs[13], fs[14],
                                                        fs[15], fs[16])
    c_prev, c_other_own, c_other_mine, c_other_res = fs[17], fs[18], fs[19], fs[20]
    c_gain, before, wcap, fresh = fs[21], fs[22], fs[23], fs[24]
    free, free_main, mine, refused, agreed = bs[0], bs[1], bs[2], bs[3], bs[4]
    waiting, walked, only = bs[5], bs[6], bs[7]
    sp_st, ag_st, oth_ideal, oth_w, onehot2, fk = f3[0], f3[1], f3[2], f3[3], f3[4], f3[5]
    answers, initd = b3[0], b3[1]
    stated_r = stated[r]
    ideal_r = ideal[r]
    pending_r = pending[r]
    base_res_r = base_res[r]
    leverage_r = leverage[r]
    engagement_r = engagement[r]
    pending_terms_r = pending_terms[r]
    settled_round_r = settled_round[r]
    settled_r = settled[r]
    terms_r = terms[r]
    for t in range(1, T + 1):
        if not active[r]:
            break
        w = W[r, 1 if phase2[r] else 0]
        # --- battlefield
        if s0 >= 0:
            move = edge[r] + vol[r] * shocks[r, t - 1]
            for a in range(A):
                tmpA[a] = (information[r, a] * engagement[r, a]) * med_f[a]
            info = np_sum(tmpA, A)
            k = 1.0 + info
            total_e = evidence_sum[r] + k * move
            count = evidence_count[r] + k
            movement[r] = move
            front[r] = front[r] + move
            evidence_sum[r] = total_e
            evidence_count[r] = count
            for s in (s0, s1):
                mu0 = prior_mean[r, s]
                nn = prior_strength[r, s] + count
                belief[r, s] = mu0 + (total_e - count * mu0) / nn
        for a in range(A):
            if is_party[a]:
                x = (base_res[r, a] + (stake[r] * sign[a]) * belief[r, a]
                     - horizon[r] * war_cost[r, a])
                reservation[r, a] = clip01(x)
            else:
                reservation[r, a] = base_res[r, a]
        # --- events and pressure
        for e in range(E):
            if ev_session[e] != t:
                continue
            if u_event[r, e] < ev_prob[r, e]:
                fired[r, e] = t
                for j in range(S):
                    if set_event[j] != e:
                        continue
                    f = set_field[j]
                    i0 = set_i0[j]
                    v = set_value[j]
                    if f == 0:
                        authority[r, i0] = v
                    elif f == 1:
                        engagement[r, i0] = v
                    elif f == 2:
                        capability[r, i0] = v
                    elif f == 3:
                        base_res[r, i0] = v
                    elif f == 4:
                        leverage[r, i0, set_i1[j]] = v
                    elif f == 5:
                        information[r, i0] = v
                    elif f == 6:
                        stake[r] = v
                    elif f == 7:
                        rearm_fear[r] = v
                    elif f == 8:
                        war_cost[r, i0] = v
                    else:
                        prior_mean[r, i0] = v
        cf_agreed = settled_r[cf] and is_cf(terms_r[cf], cf_thr, cf_low)
        for k in range(K):
            if pr_at[k] != t:
                continue
            fire = not (pr_cond[k] and cf_agreed)
            if fire:
                fired[r, E + k] = t
            war_cost[r, pr_on[k]] += pr_wc[r, k] if fire else 0.0
            leverage[r, pr_by[k], pr_on[k]] += pr_lev[r, k] if fire else 0.0
        # --- expectations
        open_issues(settled_r, terms_r, stated_r, party_idx, phase2[r], first, separate, sp_st,
                    sp_fixed, free, free_main)
        for j in range(P):
            a = party_idx[j]
            pb = 0.0
            for kq in range(others.shape[0]):
                q = others[kq]
                pb += leverage[r, q, a] * engagement[r, q]
            needed[j] = reservation[r, a] - pb
        p0 = party_idx[0]
        p1 = party_idx[1]
        lk = LK[r, 1 if phase2[r] else 0]
        has_range = nash2(lk, ideal_r, p0, p1, w, needed[0], needed[1], free_main, sp_fixed,
                          nash_text, wk, wi)
        for j in range(P):
            a = party_idx[j]
            nash_u[j] = util_of(nash_text, ideal_r, a, w, tmp)
        # --- ratify
        for a in range(A):
            ratified[r, a] = 0
        any_init = False
        for a in range(A):
            if initialled_by[r, a]:
                any_init = True
        if any_init:
            for i in range(n):
                refused[i] = False
            for j in range(P):
                a = party_idx[j]
                if not initialled_by[r, a]:
                    continue
                any_mine = False
                any_no = False
                for i in range(n):
                    own_terms[i] = terms_r[i] if settled_r[i] else stated_r[a, i]
                own_u = util_of(own_terms, ideal_r, a, w, tmp)
                level = nmax(nmin(aspiration[r, a], own_u), reservation[r, a])
                for i in range(n):
                    mine[i] = pending_by[r, a, i] and pending_r[i]
                    txt[i] = pending_terms_r[i] if pending_r[i] else own_terms[i]
                rearm = (rearm_fear[r] * w[a, cf]) * clip01(belief[r, a] * sign[a])
                main_utilities(a, txt, own_terms, pending_r, package_mode, cf, cf_thr,
                               cf_low, separate, settled_r, terms_r, ideal_r, w, others,
                               base_res_r, leverage_r, engagement_r, rearm, u, wk, tmp)
                zr = noise_sd[r] * z_ratify[r, t - 1, a]
                for i in range(n):
                    yes = ((u[i] + zr) + TIE >= level and has_range
                           and u[i] >= reservation[r, a] - TIE)
                    if mine[i]:
                        any_mine = True
                        if not yes:
                            any_no = True
                            refused[i] = True
                ratified[r, a] = (-1 if any_no else 1) if any_mine else 0
                mandate[r, a] = level
            for i in range(n):
                agreed[i] = pending_r[i] and not refused[i]
            settle_issues(agreed, pending_terms_r, t, settled_r, terms_r, settled_round_r,
                          stated_r)
            for i in range(n):
                pending_r[i] = False
                for a in range(A):
                    pending_by[r, a, i] = False
        # --- the text
        open_issues(settled_r, terms_r, stated_r, party_idx, phase2[r], first, separate, sp_st,
                    sp_fixed, free, free_main)
        if method == NASH:
            for i in range(n):
                txt[i] = nash_text[i]
            for i in range(n):
                if not (separate[i] and free[i]):
                    continue
                for ii in range(n):
                    onehot2[p0, ii] = 0.0
                    onehot2[p1, ii] = 0.0
                    only[ii] = False
                onehot2[p0, i] = 1.0
                onehot2[p1, i] = 1.0
                only[i] = True
                if status_quo[i] != status_quo[i]:
                    d0 = 0.0
                    d1 = 0.0
                else:
                    d0 = 1.0 - abs(status_quo[i] - ideal_r[p0, i]) / 100.0
                    d1 = 1.0 - abs(status_quo[i] - ideal_r[p1, i]) / 100.0
                nash2(zero_key, ideal_r, p0, p1, onehot2, d0, d1, only, sp_fixed, buf, wk, wi)
                txt[i] = buf[i]
        elif method == WEIGHTED_MEAN:
            for i in range(n):
                wt = 0.0
                ws = 0.0
                for j in range(P):
                    a = party_idx[j]
                    wv = capability[r, a] * salience[r, a, i]
                    wt += wv
                    ws += wv * sp_st[j, i]
                plain = 0.0
                for j in range(P):
                    plain += sp_st[j, i]
                plain = plain / P
                txt[i] = ws / wt if wt > 0 else plain
        else:
            for i in range(n):
                acc = 0.0
                for j in range(P):
                    acc += sp_st[j, i]
                txt[i] = acc / P
        for i in range(n):
            text[r, i] = txt[i] if free[i] else sp_fixed[i]
        text_r = text[r]
        # --- answers
        for j in range(P):
            a = party_idx[j]
            for i in range(n):
                own_terms[i] = terms_r[i] if settled_r[i] else stated_r[a, i]
            own_u = util_of(own_terms, ideal_r, a, w, tmp)
            level = nmax(nmin(aspiration[r, a], own_u), reservation[r, a])
            rearm = (rearm_fear[r] * w[a, cf]) * clip01(belief[r, a] * sign[a])
            main_utilities(a, text_r, own_terms, free_main, package_mode, cf, cf_thr, cf_low,
                           separate, settled_r, terms_r, ideal_r, w, others, base_res_r,
                           leverage_r, engagement_r, rearm, u, wk, tmp)
            leader = authority[r, a] >= 1.0
            sign_level = level if leader else nmax(mandate[r, a] + margin[r, a], level)
            may_initial = u_initial[r, t - 1, a] < authority[r, a] and not leader
            res_a = reservation[r, a] - TIE
            sd = noise_sd[r]
            for i in range(n):
                ia = ideal_r[a, i]
                if free_main[i]:
                    z = z_package[r, t - 1, a] if package_mode else z_issue[r, t - 1, a, i]
                    x = (u[i] + sd * z) + TIE
                    allowed = has_range and u[i] >= res_a
                    signs = x >= sign_level
                    inits = (not signs) and x >= level and may_initial
                    answers[j, i] = allowed and (signs or inits)
                    initd[j, i] = allowed and inits
                elif free[i] and separate[i]:
                    single = 1.0 - abs(text_r[i] - ia) / 100.0
                    ref = own_terms[i] if status_quo[i] != status_quo[i] else status_quo[i]
                    base = 1.0 - abs(ref - ia) / 100.0
                    answers[j, i] = single + sd * z_issue[r, t - 1, a, i] >= base - TIE
                    initd[j, i] = False
                else:
                    answers[j, i] = False
                    initd[j, i] = False
        # --- settle
        for i in range(n):
            ok = free[i] and not repeated[i]
            for j in range(P):
                ok = ok and answers[j, i]
            agreed[i] = ok
            wt_ = False
            for j in range(P):
                if initd[j, i] and ok:
                    wt_ = True
            waiting[i] = wt_
        for a in range(A):
            accepted[r, a] = 0
            initialled_by[r, a] = False
        for j in range(P):
            a = party_idx[j]
            cnt = 0
            anyi = False
            for i in range(n):
                if answers[j, i] and free[i]:
                    cnt += 1
                if initd[j, i]:
                    anyi = True
            accepted[r, a] = cnt
            initialled_by[r, a] = anyi
        for i in range(n):
            pending_r[i] = waiting[i]
            pending_terms_r[i] = text_r[i] if waiting[i] else np.nan
            for a in range(A):
                pending_by[r, a, i] = False
            for j in range(P):
                pending_by[r, party_idx[j], i] = initd[j, i] and agreed[i]
            agreed[i] = agreed[i] and not waiting[i]
        settle_issues(agreed, text_r, t, settled_r, terms_r, settled_round_r, stated_r)
        for i in range(n):  # what is open from here on
            free[i] = free[i] and not settled_r[i]
        # --- exchange
        exchanged[r] = False
        if hum_issue >= 0:
            for a in range(A):
                before[a] = aspiration[r, a]
            prob = logistic(hum_logit[r] + hum_te[r] * trust[r])
            happens = u_exchange[r, t - 1] < prob
            exchanged[r] = happens
            if happens:
                exchanges[r] += 1
                exchange_terms[r] = text_r[hum_issue]
        # --- concession contexts
        for a in range(A):
            agreed_or_row(settled_r, terms_r, stated_r, a, ag_st, a)
            wcap[a] = capability[r, a] if is_party[a] else 0.0
        for j in range(P):
            a = party_idx[j]
            own[a] = util_row(ag_st, a, ideal_r, a, w, tmp)
        wsum = np_sum(wcap, A)
        for i in range(n):
            acc = 0.0
            for a in range(A):
                acc += wcap[a] * ag_st[a, i]
            total[i] = acc
        for j in range(P):
            a = party_idx[j]
            oth = wsum - wcap[a]
            for i in range(n):
                if oth > 0:
                    tgt[i] = (total[i] - wcap[a] * ag_st[a, i]) / oth
                else:
                    tgt[i] = ag_st[a, i]
            agreed_or(settled_r, terms_r, tgt, buf)
            other[j] = util_of(buf, ideal_r, a, w, tmp)
            for i in range(n):
                buf[i] = ag_st[a, i] if separate[i] else (
                    terms_r[i] if settled_r[i] else text_r[i])
            text_offer[j] = util_of(buf, ideal_r, a, w, tmp)
            # the other side's ideals and weights (concession targets of ideal and weights)
            for i in range(n):
                acc_i = 0.0
                acc_w = 0.0
                for b in range(A):
                    acc_i += wcap[b] * ideal_r[b, i]
                    acc_w += wcap[b] * w[b, i]
                if oth > 0:
                    oth_ideal[j, i] = (acc_i - wcap[a] * ideal_r[a, i]) / oth
                    oth_w[j, i] = (acc_w - wcap[a] * w[a, i]) / oth
                else:
                    oth_ideal[j, i] = ideal_r[a, i]
                    oth_w[j, i] = w[a, i]
        for j in range(P):
            a = party_idx[j]
            ws_o = 0.0
            so = 0.0
            sm = 0.0
            sr = 0.0
            for jj in range(P):
                if jj == j:
                    continue
                q = party_idx[jj]
                wo = wcap[q]
                ws_o += wo
                so += wo * own[q]
                sm += wo * util_row(ag_st, a, ideal_r, q, w, tmp)
                sr += wo * reservation[r, q]
            ws_o = ws_o if ws_o > 0 else 1.0
            c_other_own[j] = so / ws_o
            c_other_mine[j] = sm / ws_o
            c_other_res[j] = sr / ws_o
            c_gain[j] = other[j] - other_offer_prev[r, a]
            c_prev[j] = aspiration[r, a]
        for j in range(P):
            other_offer_prev[r, party_idx[j]] = other[j]
        # --- concede
        any_free = False
        for i in range(n):
            if free[i]:
                any_free = True
        for j in range(P):
            a = party_idx[j]
            prev = c_prev[j]
            res = reservation[r, a]
            code = strat[j]
            if code == STEADY or code == HARDLINER:
                if code == STEADY:
                    rate, min_step = sp[r, j, 0], sp[r, j, 1]
                else:
                    rate, min_step = sp[r, j, 1], sp[r, j, 2]
                goal = nmax(nmax(res, other[j]), text_offer[j])
                gap = nmax(prev - goal, 0.0)
                step = nmin(gap, nmax(rate * gap, min_step))
                target = prev - step
                if code == HARDLINER and not (war_cost[r, a] >= sp[r, j, 0]):
                    target = prev
            elif code == TIT_FOR_TAT:
                if t == 1:
                    step = sp[r, j, 1] * (start[r, a] - res)
                else:
                    step = sp[r, j, 0] * nmax(c_gain[j], 0.0)
                target = prev - step
            elif code == ZEUTHEN:
                gs = own[a] - res
                zs = clip01((own[a] - other[j]) / gs) if gs > 0 else 0.0
                go = c_other_own[j] - c_other_res[j]
                zo = clip01((c_other_own[j] - c_other_mine[j]) / go) if go > 0 else 0.0
                target = prev - sp[r, j, 0] if zs <= zo + ZEUTHEN_TIE else prev
            else:
                target = res + (start[r, a] - res) * (1.0 - alpha[r, j, t])
            new = nmax(res, nmin(prev, target))
            if any_free:
                aspiration[r, a] = new
                logroll(ideal_r, a, oth_ideal, j, w, oth_w, new, free, stated_r, restated,
                        wk, wi)
                for i in range(n):
                    if free[i]:
                        stated_r[a, i] = restated[i]
        # --- walkouts
        main_open = False
        for i in range(n):
            if free[i] and not separate[i]:
                main_open = True
        for j in range(P):
            a = party_idx[j]
            gap = needed[j] - nash_u[j]
            soft = wk_soft[r] if wk_soft[r] >= MIN_SOFTNESS else MIN_SOFTNESS
            hazard = wk_haz[r] * logistic((gap - wk_thr[r]) / soft)
            walked[j] = main_open and u_walkout[r, t - 1, a] < hazard
        # --- trust
        any_walk = False
        for j in range(P):
            if walked[j]:
                any_walk = True
        if hum_issue >= 0:
            recip = True
            for j in range(P):
                a = party_idx[j]
                if not (aspiration[r, a] < before[a]):
                    recip = False
            esc = False
            for k in range(K):
                if fired[r, E + k] == t:
                    esc = True
            step = (GAIN_EXCHANGE * (1.0 if exchanged[r] else 0.0)
                    + GAIN_RECIPROCITY * (1.0 if recip else 0.0)
                    - LOSS_WALKOUT * (1.0 if any_walk else 0.0)
                    - LOSS_ESCALATION * (1.0 if esc else 0.0))
            x = trust[r] + step
            trust[r] = -1.0 if x < -1.0 else (1.0 if x > 1.0 else x)
        # --- close the round
        for j in range(P):
            if walked[j]:
                walkout_by[r] = party_idx[j]
                break
        if any_first and not phase2[r]:
            opened = True
            for i in range(n):
                if first[i] and not settled_r[i]:
                    opened = False
            if opened:
                phase2[r] = True
                w2 = W[r, 1]
                for a in range(A):
                    agreed_or_row(settled_r, terms_r, stated_r, a, fk, 0)
                    fresh[a] = util_row(fk, 0, ideal_r, a, w2, tmp)
                    start[r, a] = fresh[a]
                    aspiration[r, a] = fresh[a]
        everything = True
        for i in range(n):
            if not (settled_r[i] or repeated[i]):
                everything = False
        if everything or walkout_by[r] >= 0 or t >= T:
            end_round[r] = t
            active[r] = False
        if do_trace:  # sim.batch.trace.Trace.record for session t
            for a in range(A):
                for i in range(n):
                    tr_pos[r, t, a, i] = stated_r[a, i]
                tr_belief[r, t, a] = belief[r, a] if is_side[a] else np.nan
                tr_res[r, t, a] = reservation[r, a]
                tr_asp[r, t, a] = aspiration[r, a]
                tr_acc[r, t, a] = accepted[r, a]
                tr_init[r, t, a] = initialled_by[r, a]
                tr_rat[r, t, a] = ratified[r, a]
            for i in range(n):
                tr_text[r, t, i] = text_r[i]
                tr_set[r, t, i] = settled_r[i]
            tr_front[r, t] = front[r] if s0 >= 0 else np.nan
            tr_exch[r, t] = exchanged[r]
            tr_walk[r, t] = walkout_by[r] if end_round[r] == t else -1
            tr_last[r] = t


@jit
def play(r0, r1, wk, wi, fs, bs, f3, b3, *args):  # type: ignore[no-untyped-def]
    """:func:`one_replication` for replications ``r0`` .. ``r1 - 1`` (without the GIL).

    ``wk`` .. ``b3`` are the work arrays of one thread (:func:`workspace`). The driver runs
    disjoint ranges of a chunk on several threads at once
    (:func:`sim.engine.compiled.engine.run_fused`): every replication writes only its own rows.
    """
    for r in range(r0, r1):
        one_replication(r, wk, wi, fs, bs, f3, b3, *args)


def workspace(n_actors: int, n_issues: int) -> tuple[np.ndarray, ...]:
    """The work arrays :func:`play` needs for one thread (the kernels allocate nothing)."""
    width = max(n_actors, n_issues) + 1
    return (np.zeros((20, n_issues + 1)), np.zeros((4, n_issues), np.int64),
            np.zeros((25, width)), np.zeros((8, width), np.bool_),
            np.zeros((6, max(n_actors, 3), n_issues)),
            np.zeros((2, n_actors, n_issues), np.bool_))


# --- the draws (sim.batch.draws) -----------------------------------------------------------
@jit_nrt
def draw_row(  # type: ignore[no-untyped-def]
        rng, k, kinds, p1, p2, p3, lo, hi, sampled, u_event, u_durability, blocks):
    """Replication ``k``'s numbers of ``sim.batch.draws.draw``, from its generator ``rng``.

    numba's ``Generator`` methods are NumPy's algorithms on the same bit generator, so the
    numbers are NumPy's (``tests/engine/test_draws.py`` checks them against
    ``draw_one_by_one``): inputs as in ``sim.batch.draws._sample_row`` (kinds 1 normal, 2
    uniform, 3 triangular, 4 beta), then the event uniforms, the durability uniform and the
    per-session block of standard normals.
    """
    if True:
        for j in range(kinds.shape[0]):
            kind = kinds[j]
            a = p1[j]
            b = p2[j]
            c = p3[j]
            if kind == 1:
                v = a + b * rng.standard_normal()
            elif kind == 2:
                v = a + (b - a) * rng.random()
            elif kind == 3:
                u = rng.random()
                if a == c:
                    v = a
                else:
                    base = c - a
                    left = b - a
                    if u <= left / base:
                        v = a + np.sqrt(u * (left * base))
                    else:
                        v = c - np.sqrt((1.0 - u) * ((c - b) * base))
            else:
                v = rng.beta(a, b)
            sampled[k, j] = min(max(v, lo[j]), hi[j])
        for e in range(u_event.shape[1]):
            u_event[k, e] = rng.random()
        u_durability[k] = rng.random()
        for t in range(blocks.shape[1]):
            for i in range(blocks.shape[2]):
                blocks[k, t, i] = rng.standard_normal()
