"""Per-replication kernels of the hot rules, written to be compiled by numba.

Each function here restates one rule of :mod:`sim.rules` as plain loops over one replication
at a time, operation for operation in the order NumPy performs it, so that the compiled code
gives the same bits as the rule (tests/engine/test_compiled.py checks this on every shipped
scenario and the tiny test scenarios). The rules stay the readable statement of the model:
read the rule, not the kernel. What matters for bit-identity:

* a sum over the issue axis of a C-contiguous array is NumPy's pairwise sum (:func:`np_sum`);
* a cumulative sum is sequential, a stable argsort is an insertion sort (stable as well);
* transcendental functions (``log``) are left to NumPy and passed in: NumPy's SIMD ``log``
  and the C library's used by numba may differ in the last bit, and the two-party chain
  compares logarithms for equality (tied ratios move together).

The functions are plain Python until :mod:`sim.engine.compiled` compiles them; they can be
run uncompiled (slowly) to debug them.
"""

from __future__ import annotations

import numpy as np


def np_sum(a: np.ndarray, n: int) -> float:
    """``a[:n].sum()`` in NumPy's order for a contiguous float64 reduction (n <= 128).

    NumPy's ``pairwise_sum`` (``numpy/_core/src/umath/loops_utils.h.src``): below eight
    elements a sequential sum from -0.0; from eight, eight interleaved accumulators combined
    as ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), then the remainder one by one
    (checked against NumPy for 1-39 elements in tests/engine/test_compiled.py).
    """
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


def two_party_nash(
    logkey: np.ndarray,
    e0_all: np.ndarray,
    e1_all: np.ndarray,
    w0_all: np.ndarray,
    w1_all: np.ndarray,
    reservation: np.ndarray,
    free_all: np.ndarray,
    fixed_all: np.ndarray,
    text_out: np.ndarray,
    range_out: np.ndarray,
) -> None:
    """The exact two-party Nash text of :func:`sim.rules.frontier._two_party_nash`.

    Rule: Nash (1950) over the Pareto frontier of two linear parties, a chain of
    fractional-knapsack points (Raiffa 1982, ch. 10), with the egalitarian fallback of Kalai
    (1977); the statement, with its derivation, is :func:`sim.rules.frontier.frontier_nash`
    ("Two parties, rho = 1") and the NumPy code ``_chain``, ``_two_party_nash`` and
    ``_chain_text`` there. This kernel runs the same steps for one replication at a time.

    Args:
        logkey: ``log(w1) - log(w0)`` per issue, (R, I), computed by NumPy (see the module
            docstring).
        e0_all: party 0's ideals, (R, I); ``e1_all`` party 1's.
        w0_all: party 0's normalised saliences, (R, I); ``w1_all`` party 1's.
        reservation: the two reservations, (R, 2).
        free_all: issues the text may set, (R, I) bool; ``fixed_all`` the others' terms.
        text_out: (R, I), filled with the text; ``range_out`` (R,) bool with has_range.
    """
    n_rep, n = e0_all.shape
    order = np.empty(n, np.int64)
    negkey = np.empty(n)
    key = np.empty(n)
    c0 = np.empty(n)
    c1 = np.empty(n)
    width = np.empty(n)
    live = np.empty(n, np.bool_)
    tmp = np.empty(n)
    text0 = np.empty(n)
    key_s = np.empty(n)
    cum0 = np.empty(n + 1)
    cum1 = np.empty(n + 1)
    group = np.empty(n, np.int64)
    first = np.empty(n, np.int64)
    last = np.empty(n, np.int64)
    t_nash = np.empty(n)
    t_eq = np.empty(n)
    product = np.empty(n)
    low = np.empty(n)
    high = np.empty(n)
    theta = np.empty(n)
    inf = np.inf
    for r in range(n_rep):
        e0 = e0_all[r]
        e1 = e1_all[r]
        w0 = w0_all[r]
        w1 = w1_all[r]
        free = free_all[r]
        fixed = fixed_all[r]
        # --- _chain
        for i in range(n):
            width[i] = abs(e1[i] - e0[i]) / 100.0 if free[i] else 0.0
            c0[i] = w0[i] * width[i]
            c1[i] = w1[i] * width[i]
            text0[i] = e0[i] if free[i] else fixed[i]
            live[i] = (c0[i] > 0) or (c1[i] > 0)
            key[i] = logkey[r, i] if live[i] else 0.0
            negkey[i] = -key[i]
        for i in range(n):
            tmp[i] = w0[i] * (abs(text0[i] - e0[i]) / 100.0)
        u0 = 1.0 - np_sum(tmp, n)
        for i in range(n):
            tmp[i] = w1[i] * (abs(text0[i] - e1[i]) / 100.0)
        u1 = 1.0 - np_sum(tmp, n)
        stable_order(negkey, n, order)
        for p in range(n):
            key_s[p] = key[order[p]]
        g = 0
        f = 0
        for p in range(n):
            if p == 0 or key_s[p] != key_s[p - 1]:
                g += 1
                f = p
            group[p] = g
            first[p] = f
        lst = n - 1
        for p in range(n - 1, -1, -1):
            if p == n - 1 or key_s[p + 1] != key_s[p]:
                lst = p
            last[p] = lst
        cum0[0] = 0.0
        cum1[0] = 0.0
        for p in range(n):
            cum0[p + 1] = cum0[p] + c0[order[p]]
            cum1[p + 1] = cum1[p] + c1[order[p]]
        # --- _two_party_nash, every segment p at once
        res0 = reservation[r, 0]
        res1 = reservation[r, 1]
        for p in range(n):
            before0 = cum0[first[p]]
            before1 = cum1[first[p]]
            sc0 = cum0[last[p] + 1] - before0
            sc1 = cum1[last[p] + 1] - before1
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
            t_nash[p] = tn
            if t_lo <= t_hi:
                product[p] = (g0 - tn * sc0) * (g1 + tn * sc1)
            else:
                product[p] = -inf
            s0 = g0 - te * sc0
            s1 = g1 + te * sc1
            if sc0 == 0 and s0 <= s1:
                te = 1.0
            elif sc1 == 0 and s1 <= s0:
                te = 0.0
            t_eq[p] = te
            s0 = g0 - te * sc0
            s1 = g1 + te * sc1
            low[p] = min(s0, s1)
            high[p] = max(s0, s1)
        best_low = low[0]
        for p in range(1, n):
            if low[p] > best_low:
                best_low = low[p]
        pick_eq = 0
        best_high = -inf
        found = False
        for p in range(n):
            h = high[p] if low[p] >= best_low - 1e-12 else -inf
            if not found or h > best_high:
                best_high = h
                pick_eq = p
                found = True
        pick_nash = 0
        for p in range(1, n):
            if product[p] > product[pick_nash]:
                pick_nash = p
        has_range = best_low > 0
        pick = pick_nash if has_range else pick_eq
        t = t_nash[pick] if has_range else t_eq[pick]
        # --- _chain_text
        grp = group[pick]
        for p in range(n):
            theta[order[p]] = 1.0 if group[p] < grp else (t if group[p] == grp else 0.0)
        for i in range(n):
            if not (c0[i] > 0 or c1[i] > 0) and free[i] and width[i] > 0:
                text_out[r, i] = 0.5 * (e0[i] + e1[i])
            elif free[i]:
                text_out[r, i] = e1[i] if theta[i] >= 1.0 else e0[i] + theta[i] * (e1[i] - e0[i])
            else:
                text_out[r, i] = text0[i]
        range_out[r] = has_range


def logroll_linear(
    own_all: np.ndarray,
    other_all: np.ndarray,
    wa_all: np.ndarray,
    wb_all: np.ndarray,
    level_all: np.ndarray,
    movable_all: np.ndarray,
    base_all: np.ndarray,
    out: np.ndarray,
) -> None:
    """The logrolling restatement of :func:`sim.rules.frontier.logroll` for rho = 1.

    Rule: the party's package worth exactly its aspiration ``level`` that gives the other
    side the most, by the fractional knapsack over ``w_other / w_own`` (Raiffa 1982, ch.
    10-11; Faratin, Sierra & Jennings 2002); the statement is the rule's docstring. Only the
    linear case (every rho = 1) is compiled, where the partial concession is the share of
    the budget itself (the rule's ``share ** (1 / rho)`` with exponent 1).

    Args:
        own_all: the party's ideals, (R, I); ``other_all`` the other side's.
        wa_all: the party's normalised saliences, (R, I); ``wb_all`` the other side's.
        level_all: aspiration levels, (R,).
        movable_all: issues the party may restate, (R, I) bool; ``base_all`` the others.
        out: (R, I), filled with the restated terms.
    """
    n_rep, n = own_all.shape
    start = np.empty(n)
    tmp = np.empty(n)
    gap = np.empty(n)
    full = np.empty(n)
    negratio = np.empty(n)
    order = np.empty(n, np.int64)
    cost = np.empty(n)
    spent = np.empty(n)
    theta = np.empty(n)
    for r in range(n_rep):
        own = own_all[r]
        other = other_all[r]
        wa = wa_all[r]
        wb = wb_all[r]
        mov = movable_all[r]
        base = base_all[r]
        level = level_all[r]
        for i in range(n):
            start[i] = own[i] if mov[i] else base[i]
            tmp[i] = wa[i] * (abs(start[i] - own[i]) / 100.0)
        top = 1.0 - np_sum(tmp, n)
        for i in range(n):
            gap[i] = other[i] - own[i] if mov[i] else 0.0
            full[i] = wa[i] * (abs(gap[i] - 0.0) / 100.0)
            if wa[i] <= 0.0:
                negratio[i] = -np.inf
            else:
                negratio[i] = -(wb[i] / wa[i])
        stable_order(negratio, n, order)
        acc = 0.0
        budget = top - level
        n_full = 0
        for p in range(n):
            cost[p] = full[order[p]]
            acc = cost[p] if p == 0 else acc + cost[p]
            spent[p] = acc
            if spent[p] <= budget:
                n_full += 1
        part = min(n_full, n - 1)
        before = spent[part] - cost[part]
        part_cost = cost[part]
        if part_cost > 0:
            share = (budget - before) / part_cost
            frac = min(max(share, 0.0), 1.0)
        else:
            frac = 0.0
        for p in range(n):
            theta[order[p]] = 1.0 if p < n_full else (frac if p == n_full else 0.0)
        conceded_all = level >= top
        for i in range(n):
            th = 0.0 if conceded_all else theta[i]
            if not mov[i]:
                out[r, i] = base[i]
            elif th >= 1.0:
                out[r, i] = other[i]
            else:
                out[r, i] = own[i] + th * gap[i]
