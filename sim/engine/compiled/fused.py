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

jit = njit(cache=True, nogil=True, fastmath=False, error_model="numpy")


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
def nash2(logkey: np.ndarray, e0: np.ndarray, e1: np.ndarray, w0: np.ndarray, w1: np.ndarray,
          res0: float, res1: float, free: np.ndarray, fixed: np.ndarray, text_out: np.ndarray,
          wk: np.ndarray, wi: np.ndarray) -> bool:
    """The exact two-party Nash text of :func:`sim.rules.frontier.frontier_nash` (rho = 1).

    ``frontier._chain``, ``_two_party_nash`` and ``_chain_text`` for one replication; writes
    the text into ``text_out`` and returns ``has_range``. ``wk`` (>= 20, I + 1) float and
    ``wi`` (>= 4, I) int work rows.
    """
    n = e0.shape[0]
    inf = np.inf
    negkey, key, c0, c1, width = wk[0], wk[1], wk[2], wk[3], wk[4]
    tmp, text0, key_s, cum0, cum1 = wk[5], wk[6], wk[7], wk[8], wk[9]
    t_nash, t_eq, product, low, high, theta = wk[10], wk[11], wk[12], wk[13], wk[14], wk[15]
    order, group, first, last = wi[0], wi[1], wi[2], wi[3]
    for i in range(n):
        width[i] = abs(e1[i] - e0[i]) / 100.0 if free[i] else 0.0
        c0[i] = w0[i] * width[i]
        c1[i] = w1[i] * width[i]
        text0[i] = e0[i] if free[i] else fixed[i]
        live = (c0[i] > 0) or (c1[i] > 0)
        key[i] = logkey[i] if live else 0.0
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
    grp = group[pick]
    for p in range(n):
        theta[order[p]] = 1.0 if group[p] < grp else (t if group[p] == grp else 0.0)
    for i in range(n):
        if not (c0[i] > 0 or c1[i] > 0) and free[i] and width[i] > 0:
            text_out[i] = 0.5 * (e0[i] + e1[i])
        elif free[i]:
            text_out[i] = e1[i] if theta[i] >= 1.0 else e0[i] + theta[i] * (e1[i] - e0[i])
        else:
            text_out[i] = text0[i]
    return has_range


@jit
def logroll(own: np.ndarray, other: np.ndarray, wa: np.ndarray, wb: np.ndarray, level: float,
            mov: np.ndarray, base: np.ndarray, out: np.ndarray, wk: np.ndarray,
            wi: np.ndarray) -> None:
    """:func:`sim.rules.frontier.logroll` with rho = 1 for one replication, into ``out``."""
    n = own.shape[0]
    start, tmp, gap, full, negratio = wk[0], wk[1], wk[2], wk[3], wk[4]
    cost, spent, theta = wk[5], wk[6], wk[7]
    order = wi[0]
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
            out[i] = base[i]
        elif th >= 1.0:
            out[i] = other[i]
        else:
            out[i] = own[i] + th * gap[i]


@jit
def nash2_batch(logkey: np.ndarray, e0: np.ndarray, e1: np.ndarray, w0: np.ndarray,
                w1: np.ndarray, reservation: np.ndarray, free: np.ndarray, fixed: np.ndarray,
                text_out: np.ndarray, range_out: np.ndarray) -> None:
    """:func:`nash2` for every row (the drop-in of ``frontier._two_party_nash``)."""
    n_rep, n = e0.shape
    wk = np.empty((16, n + 1))
    wi = np.empty((4, n), np.int64)
    for r in range(n_rep):
        range_out[r] = nash2(logkey[r], e0[r], e1[r], w0[r], w1[r], reservation[r, 0],
                             reservation[r, 1], free[r], fixed[r], text_out[r], wk, wi)


@jit
def logroll_batch(own: np.ndarray, other: np.ndarray, wa: np.ndarray, wb: np.ndarray,
                  level: np.ndarray, mov: np.ndarray, base: np.ndarray,
                  out: np.ndarray) -> None:
    """:func:`logroll` for every row (the drop-in of :func:`sim.rules.frontier.logroll`)."""
    n_rep, n = own.shape
    wk = np.empty((8, n))
    wi = np.empty((1, n), np.int64)
    for r in range(n_rep):
        logroll(own[r], other[r], wa[r], wb[r], level[r], mov[r], base[r], out[r], wk, wi)


# --- the round ---------------------------------------------------------------------------
@jit
def agreed_or(settled: np.ndarray, terms: np.ndarray, x: np.ndarray, out: np.ndarray) -> None:
    """``State.agreed_or`` for one row of terms."""
    for i in range(settled.shape[0]):
        out[i] = terms[i] if settled[i] else x[i]


@jit
def bonus_for(a: int, package: np.ndarray, settled: np.ndarray, terms: np.ndarray,
              ideal: np.ndarray, w: np.ndarray, others: np.ndarray, base_res: np.ndarray,
              leverage: np.ndarray, engagement: np.ndarray, buf: np.ndarray,
              tmp: np.ndarray) -> float:
    """``rounds.bonus_for(b, package)[a]``: what the third parties backing it add for ``a``."""
    agreed_or(settled, terms, package, buf)
    acc = 0.0
    for k in range(others.shape[0]):
        q = others[k]
        backs = util(buf, ideal[q], w[q], tmp) >= base_res[q]
        paid = engagement[q] * (1.0 if backs else 0.0)
        acc += leverage[q, a] * paid
    return acc


@jit
def main_utilities(a: int, text: np.ndarray, own_terms: np.ndarray, open_: np.ndarray,
                   package_mode: bool, cf: int, cf_thr: float, cf_low: bool,
                   separate: np.ndarray, settled: np.ndarray, terms: np.ndarray,
                   ideal: np.ndarray, w: np.ndarray, others: np.ndarray, base_res: np.ndarray,
                   leverage: np.ndarray, engagement: np.ndarray, rearm: float,
                   out: np.ndarray, wk: np.ndarray) -> None:
    """``rounds._main_utilities``: party ``a``'s utility of the main-track text, per issue."""
    n = settled.shape[0]
    package, buf, tmp, mw = wk[0, :n], wk[1, :n], wk[2, :n], wk[3, :n]
    wa = w[a]
    ia = ideal[a]
    for i in range(n):
        package[i] = text[i] if open_[i] else own_terms[i]
    bonus = bonus_for(a, package, settled, terms, ideal, w, others, base_res, leverage,
                      engagement, buf, tmp)
    holds = open_[cf] and is_cf(text[cf], cf_thr, cf_low)
    penalty = rearm if holds else 0.0
    if package_mode:
        u = util(package, ia, wa, tmp) + bonus - penalty
        for i in range(n):
            out[i] = u
        return
    own = util(own_terms, ia, wa, tmp)
    for i in range(n):
        mw[i] = 0.0 if separate[i] else wa[i]
    total = np_sum(mw, n)
    total = total if total >= 1e-300 else 1e-300
    for i in range(n):
        gain = wa[i] * (abs(own_terms[i] - ia[i]) / 100.0 - abs(text[i] - ia[i]) / 100.0)
        x = own + gain + bonus * (mw[i] / total)
        out[i] = x - penalty if i == cf else x - 0.0


@jit
def settle_issues(agreed: np.ndarray, src: np.ndarray, t: int, settled: np.ndarray,
                  terms: np.ndarray, settled_round: np.ndarray, stated: np.ndarray) -> None:
    """``rounds._settle_issues`` for one replication."""
    n = agreed.shape[0]
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
    r, T, E, package_mode, method, cf, cf_thr, cf_low, s0, s1, hum_issue, any_first,
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
):
    """Play every remaining session of replication ``r`` (the phases of ``mediated``)."""
    A = ideal.shape[1]
    n = ideal.shape[2]
    P = party_idx.shape[0]
    K = pr_at.shape[0]
    S = set_event.shape[0]
    wk = np.empty((20, n + 1))
    wi = np.empty((4, n), np.int64)
    tmp = np.empty(max(n, A))
    tmpA = np.empty(A)
    sp_fixed = np.empty(n)
    sp_st = np.empty((P, n))
    free = np.zeros(n, np.bool_)
    free_main = np.zeros(n, np.bool_)
    nash_text = np.empty(n)
    needed = np.empty(P)
    nash_u = np.empty(P)
    own_terms = np.empty(n)
    u = np.empty(n)
    txt = np.empty(n)
    mine = np.zeros(n, np.bool_)
    refused = np.zeros(n, np.bool_)
    agreed = np.zeros(n, np.bool_)
    answers = np.zeros((P, n), np.bool_)
    initd = np.zeros((P, n), np.bool_)
    waiting = np.zeros(n, np.bool_)
    ag_st = np.empty((A, n))
    total = np.empty(n)
    tgt = np.empty(n)
    buf = np.empty(n)
    other = np.empty(P)
    own = np.empty(A)
    text_offer = np.empty(P)
    c_prev = np.empty(P)
    c_other_own = np.empty(P)
    c_other_mine = np.empty(P)
    c_other_res = np.empty(P)
    c_gain = np.empty(P)
    oth_ideal = np.empty((P, n))
    oth_w = np.empty((P, n))
    restated = np.empty(n)
    before = np.empty(A)
    walked = np.zeros(P, np.bool_)
    onehot = np.zeros(n)
    zero_key = np.zeros(n)
    only = np.zeros(n, np.bool_)
    wcap = np.empty(A)
    fresh = np.empty(A)
    stated_r = stated[r]
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
        for j in range(P):
            agreed_or(settled_r, terms_r, stated_r[party_idx[j]], sp_st[j])
        for i in range(n):
            if settled_r[i]:
                sp_fixed[i] = terms_r[i]
            else:
                acc = 0.0
                for j in range(P):
                    acc += sp_st[j, i]
                sp_fixed[i] = acc / P
            on_table = phase2[r] or first[i] or separate[i]
            free[i] = on_table and not settled_r[i]
            free_main[i] = free[i] and not separate[i]
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
        has_range = nash2(lk, ideal[r, p0], ideal[r, p1], w[p0], w[p1], needed[0], needed[1],
                          free_main, sp_fixed, nash_text, wk, wi)
        for j in range(P):
            a = party_idx[j]
            nash_u[j] = util(nash_text, ideal[r, a], w[a], tmp)
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
                agreed_or(settled_r, terms_r, stated_r[a], own_terms)
                own_u = util(own_terms, ideal[r, a], w[a], tmp)
                level = nmax(nmin(aspiration[r, a], own_u), reservation[r, a])
                for i in range(n):
                    mine[i] = pending_by[r, a, i] and pending[r, i]
                    txt[i] = pending_terms[r, i] if pending[r, i] else own_terms[i]
                rearm = (rearm_fear[r] * w[a, cf]) * clip01(belief[r, a] * sign[a])
                main_utilities(a, txt, own_terms, pending[r], package_mode, cf, cf_thr,
                               cf_low, separate, settled_r, terms_r, ideal[r], w, others,
                               base_res[r], leverage[r], engagement[r], rearm, u, wk)
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
                agreed[i] = pending[r, i] and not refused[i]
            settle_issues(agreed, pending_terms[r], t, settled_r, terms_r, settled_round[r],
                          stated_r)
            for i in range(n):
                pending[r, i] = False
                for a in range(A):
                    pending_by[r, a, i] = False
        # --- the text
        for j in range(P):
            agreed_or(settled_r, terms_r, stated_r[party_idx[j]], sp_st[j])
        for i in range(n):
            if settled_r[i]:
                sp_fixed[i] = terms_r[i]
            else:
                acc = 0.0
                for j in range(P):
                    acc += sp_st[j, i]
                sp_fixed[i] = acc / P
            on_table = phase2[r] or first[i] or separate[i]
            free[i] = on_table and not settled_r[i]
            free_main[i] = free[i] and not separate[i]
        if method == NASH:
            for i in range(n):
                txt[i] = nash_text[i]
            for i in range(n):
                if not (separate[i] and free[i]):
                    continue
                for ii in range(n):
                    onehot[ii] = 0.0
                    only[ii] = False
                onehot[i] = 1.0
                only[i] = True
                if status_quo[i] != status_quo[i]:
                    d0 = 0.0
                    d1 = 0.0
                else:
                    d0 = 1.0 - abs(status_quo[i] - ideal[r, p0, i]) / 100.0
                    d1 = 1.0 - abs(status_quo[i] - ideal[r, p1, i]) / 100.0
                nash2(zero_key, ideal[r, p0], ideal[r, p1], onehot, onehot, d0, d1, only,
                      sp_fixed, buf, wk, wi)
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
            agreed_or(settled_r, terms_r, stated_r[a], own_terms)
            own_u = util(own_terms, ideal[r, a], w[a], tmp)
            level = nmax(nmin(aspiration[r, a], own_u), reservation[r, a])
            rearm = (rearm_fear[r] * w[a, cf]) * clip01(belief[r, a] * sign[a])
            main_utilities(a, text_r, own_terms, free_main, package_mode, cf, cf_thr, cf_low,
                           separate, settled_r, terms_r, ideal[r], w, others, base_res[r],
                           leverage[r], engagement[r], rearm, u, wk)
            leader = authority[r, a] >= 1.0
            sign_level = level if leader else nmax(mandate[r, a] + margin[r, a], level)
            may_initial = u_initial[r, t - 1, a] < authority[r, a] and not leader
            res_a = reservation[r, a] - TIE
            sd = noise_sd[r]
            for i in range(n):
                ia = ideal[r, a, i]
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
            pending[r, i] = waiting[i]
            pending_terms[r, i] = text_r[i] if waiting[i] else np.nan
            for a in range(A):
                pending_by[r, a, i] = False
            for j in range(P):
                pending_by[r, party_idx[j], i] = initd[j, i] and agreed[i]
            agreed[i] = agreed[i] and not waiting[i]
        settle_issues(agreed, text_r, t, settled_r, terms_r, settled_round[r], stated_r)
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
            agreed_or(settled_r, terms_r, stated_r[a], ag_st[a])
            wcap[a] = capability[r, a] if is_party[a] else 0.0
        for j in range(P):
            a = party_idx[j]
            own[a] = util(ag_st[a], ideal[r, a], w[a], tmp)
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
            other[j] = util(buf, ideal[r, a], w[a], tmp)
            for i in range(n):
                buf[i] = ag_st[a, i] if separate[i] else (
                    terms_r[i] if settled_r[i] else text_r[i])
            text_offer[j] = util(buf, ideal[r, a], w[a], tmp)
            # the other side's ideals and weights (concession targets of ideal and weights)
            for i in range(n):
                acc_i = 0.0
                acc_w = 0.0
                for b in range(A):
                    acc_i += wcap[b] * ideal[r, b, i]
                    acc_w += wcap[b] * w[b, i]
                if oth > 0:
                    oth_ideal[j, i] = (acc_i - wcap[a] * ideal[r, a, i]) / oth
                    oth_w[j, i] = (acc_w - wcap[a] * w[a, i]) / oth
                else:
                    oth_ideal[j, i] = ideal[r, a, i]
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
                sm += wo * util(ag_st[a], ideal[r, q], w[q], tmp)
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
                logroll(ideal[r, a], oth_ideal[j], w[a], oth_w[j], new, free, stated_r[a],
                        restated, wk, wi)
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
                    agreed_or(settled_r, terms_r, stated_r[a], buf)
                    fresh[a] = util(buf, ideal[r, a], w2[a], tmp)
                    start[r, a] = fresh[a]
                    aspiration[r, a] = fresh[a]
        everything = True
        for i in range(n):
            if not (settled_r[i] or repeated[i]):
                everything = False
        if everything or walkout_by[r] >= 0 or t >= T:
            end_round[r] = t
            active[r] = False


@jit
def play(r0, r1, *args):  # type: ignore[no-untyped-def]
    """:func:`one_replication` for replications ``r0`` .. ``r1 - 1`` (without the GIL).

    The driver runs disjoint ranges of a chunk on several threads at once
    (:func:`sim.engine.compiled.engine.run_fused`): every replication writes only its own rows.
    """
    for r in range(r0, r1):
        one_replication(r, *args)
