"""The compiled engine's driver: which scenarios the fused round covers, and running it.

:func:`unsupported` says why a chunk's parameters cannot run on the fused kernel (None when
they can); :func:`run_fused` builds the opening :class:`~sim.batch.state.State` with NumPy,
computes what the kernel leaves to NumPy (normalised weights for both agenda phases, the keys
of the two-party chain, the exchange logit, the time-dependent strategies' schedules), and
runs :func:`sim.engine.compiled.fused.play` on the state arrays in place. The caller then
finishes the chunk with :func:`sim.batch.finish.finish` as the vector engine does.

Importing this module needs numba (it imports :mod:`sim.engine.compiled.fused`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.batch.draws import Draws
from sim.batch.params import Params
from sim.batch.state import State
from sim.batch.trace import Trace
from sim.engine.compiled import fused
from sim.rules.humanitarian import exchange_logit
from sim.rules.utility import normalised_salience
from sim.strategies.base import Strategy
from sim.strategies.reciprocal import TitForTat
from sim.strategies.steady import Hardliner, Steady
from sim.strategies.time_dependent import TimeDependent, concession_fraction
from sim.strategies.zeuthen import Zeuthen

#: strategy class -> (code in the kernel, its parameters in the kernel's order)
STRATEGIES: dict[type, tuple[int, tuple[str, ...]]] = {
    Steady: (fused.STEADY, ("rate", "min_step")),
    Hardliner: (fused.HARDLINER, ("threshold", "rate", "min_step")),
    TitForTat: (fused.TIT_FOR_TAT, ("ratio", "opening")),
    Zeuthen: (fused.ZEUTHEN, ("step",)),
}
METHODS = {"nash": fused.NASH, "weighted_mean": fused.WEIGHTED_MEAN,
           "midpoint": fused.MIDPOINT}


class _OneRow:
    """Sizes of a one-replication, one-session, one-actor, one-issue trace (a stand-in)."""

    runs, n_actors, n_issues = 1, 1, 1

    class agenda:  # noqa: N801 - stands in for Params.agenda
        sessions = 0


_ONE_ROW: Any = _OneRow()


def _strategy_code(s: Strategy) -> tuple[int, tuple[str, ...]] | None:
    cls = type(s)
    if cls.aspiration is not Strategy.aspiration:
        return None
    if cls in STRATEGIES:
        return STRATEGIES[cls]
    if isinstance(s, TimeDependent) and cls.target is TimeDependent.target:
        return fused.TIME_DEPENDENT, ()
    return None


def unsupported(p: Params) -> str | None:
    """Why the fused kernel cannot run these parameters, or None when it can."""
    act = p.actors
    if p.agenda.protocol != "mediated":
        return f"protocol {p.agenda.protocol!r} (only 'mediated' is compiled)"
    if len(act.party_idx) != 2:
        return (f"{len(act.party_idx)} parties (only the two-party Nash text is compiled; "
                "three or more use the certified fast path or the interior-point solver)")
    if not np.all(act.risk == 1.0):
        return "a risk exponent other than 1 (only linear utilities are compiled)"
    if act.mediator_method not in METHODS:
        return f"mediator method {act.mediator_method!r}"
    for a in act.party_idx:
        s = act.strategies[a]
        if s is None or _strategy_code(s) is None:
            return f"strategy {type(s).__name__} of {act.ids[a]!r} is not compiled"
    for ev in p.schedule.events:
        for name, _, _ in ev.sets:
            field = "base_reservation" if name == "reservation" else name
            if field not in fused.SET_FIELDS:
                return f"event {ev.name!r} sets {name!r}, which the kernel does not set"
    return None


def _f(x: Any, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """A C-contiguous, writable float64 array (one compiled specialisation for every input)."""
    arr = np.asarray(x, dtype=np.float64)
    if shape is not None:
        arr = np.broadcast_to(arr, shape)
    return np.require(arr, np.float64, ["C", "W", "A"])


def _i(x: Any) -> np.ndarray:
    return np.require(np.asarray(x, dtype=np.int64), np.int64, ["C", "W", "A"])


def _b(x: Any) -> np.ndarray:
    return np.require(np.asarray(x, dtype=np.bool_), np.bool_, ["C", "W", "A"])


def kernel_inputs(p: Params, dr: Draws,
                  trace: Trace | None = None) -> tuple[State, tuple[Any, ...]]:
    """The opening state and the kernel's arguments (after the replication range).

    With ``trace`` (an empty :class:`~sim.batch.trace.Trace` of the chunk) the opening is
    recorded in it here and every session by the kernel.
    """
    R, A, n_i = p.runs, p.n_actors, p.n_issues
    act, ag, bf, sch, hum = p.actors, p.agenda, p.battlefield, p.schedule, p.humanitarian
    T = ag.sessions
    st = State.initial(p)
    parties = act.party_idx
    P = len(parties)
    # weights of both agenda phases, and the chain's keys log(w1) - log(w0) (left to NumPy)
    W = np.empty((R, 2, A, n_i))
    LK = np.empty((R, 2, n_i))
    early = ag.first | ag.separate
    for ph, on in enumerate((np.broadcast_to(early, (R, n_i)), np.ones((R, n_i), bool))):
        W[:, ph] = normalised_salience(act.salience, on[:, None, :])
        wp = W[:, ph][:, parties, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            LK[:, ph] = np.log(wp[:, 1]) - np.log(wp[:, 0])
    strat = np.empty(P, np.int64)
    sp = np.zeros((R, P, 3))
    alpha = np.zeros((R, P, T + 1))
    from sim.protocols.rounds import relative_time

    for j, a in enumerate(parties):
        s = act.strategies[a]
        assert s is not None
        code = _strategy_code(s)
        assert code is not None
        strat[j] = code[0]
        for k, key in enumerate(code[1]):
            sp[:, j, k] = np.broadcast_to(np.asarray(s.params[key], float), (R,))
        if code[0] == fused.TIME_DEPENDENT:
            for t in range(1, T + 1):  # the schedule's power, computed as the strategy does
                alpha[:, j, t] = concession_fraction(relative_time(t, ag.deadline),
                                                     s.params["beta"], s.params["kappa"])
    sides = bf.sides if bf.sides is not None else (-1, -1)
    sign = np.zeros(A)
    if bf.sides is not None:
        sign[bf.sides[0]], sign[bf.sides[1]] = 1.0, -1.0
    others = np.flatnonzero(~act.is_party)
    med_f = np.array([1.0 if role == "mediator" else 0.0 for role in act.roles])
    E, K = len(sch.events), len(sch.pressures)
    set_rows = [(e, fused.SET_FIELDS.index("base_reservation" if name == "reservation"
                                           else name), index, value)
                for e, ev in enumerate(sch.events) for name, index, value in ev.sets]
    set_event = _i([row[0] for row in set_rows])
    set_field = _i([row[1] for row in set_rows])
    set_i0 = _i([row[2][0] if len(row[2]) else 0 for row in set_rows])
    set_i1 = _i([row[2][1] if len(row[2]) > 1 else 0 for row in set_rows])
    set_value = _f([row[3] for row in set_rows])
    ev_prob = np.empty((R, E))
    for e, ev in enumerate(sch.events):
        ev_prob[:, e] = np.broadcast_to(np.asarray(ev.probability, float), (R,))
    pr_wc = np.empty((R, K))
    pr_lev = np.empty((R, K))
    for k, pr in enumerate(sch.pressures):
        pr_wc[:, k] = np.broadcast_to(np.asarray(pr.war_cost, float), (R,))
        pr_lev[:, k] = np.broadcast_to(np.asarray(pr.leverage, float), (R,))
    state_arrays = (
        st.stated, st.aspiration, st.start, st.base_reservation, st.reservation, st.front,
        st.movement, st.evidence_sum, st.evidence_count, st.prior_mean, st.belief, st.settled,
        st.terms, st.settled_round, st.text, st.active, st.end_round, st.walkout_by, st.fired,
        st.war_cost, st.leverage, st.authority, st.engagement, st.capability, st.information,
        st.stake, st.rearm_fear, st.mandate, st.pending, st.pending_terms, st.pending_by,
        st.initialled_by, st.accepted, st.ratified, st.other_offer_prev, st.phase2, st.trust,
        st.exchanges, st.exchanged, st.exchange_terms,
    )
    is_side = np.zeros(A, bool)
    if bf.sides is not None:
        is_side[list(bf.sides)] = True
    if trace is not None:
        trace.record(st, 0, np.ones(R, bool), p)
        tr = trace
    else:  # one-element stand-ins of the same types: one compiled specialisation
        tr = Trace.empty(_ONE_ROW)
    trace_arrays = (tr.positions, tr.text, tr.front, tr.belief, tr.reservation, tr.aspiration,
                    tr.accepted, tr.initialled, tr.ratified, tr.settled, tr.exchange,
                    tr.walkout, tr.last)
    for arr in (*state_arrays, *trace_arrays):  # written in place by the kernel
        assert arr.flags.c_contiguous and arr.flags.writeable, arr.shape
    args = (
        T, E, ag.mode == "package", METHODS[act.mediator_method], ag.ceasefire_issue,
        float(ag.ceasefire_threshold), ag.ceasefire_side == "low", int(sides[0]),
        int(sides[1]), int(hum.issue), bool(ag.first.any()),
        _b(act.is_party), _i(parties), _i(others), med_f, sign, _b(ag.separate), _b(ag.first),
        _f(ag.status_quo), _b(hum.repeated),
        _i([ev.session for ev in sch.events]), ev_prob, set_event, set_field, set_i0, set_i1,
        set_value,
        _i([pr.fires_at() for pr in sch.pressures]),
        _b([pr.kind == "no_agreement_by" for pr in sch.pressures]),
        _i([pr.by for pr in sch.pressures]), _i([pr.on for pr in sch.pressures]), pr_wc, pr_lev,
        _f(act.ideal), _f(act.salience), W, LK, _f(act.margin, (R, A)), _f(ag.noise_sd, (R,)),
        _f(ag.walkout_threshold, (R,)), _f(ag.walkout_hazard, (R,)),
        _f(ag.walkout_softness, (R,)), _f(bf.edge, (R,)), _f(bf.volatility, (R,)),
        _f(bf.prior_strength, (R, A)), _f(bf.horizon, (R,)),
        _f(exchange_logit(hum.rate) if hum.issue >= 0 else np.zeros(R), (R,)),
        _f(hum.trust_effect, (R,)), strat, sp, alpha,
        _f(dr.shocks), _f(dr.z_issue), _f(dr.z_package), _f(dr.u_walkout), _f(dr.u_event),
        _f(dr.u_exchange), _f(dr.u_initial), _f(dr.z_ratify),
        *state_arrays, trace is not None, is_side, *trace_arrays,
    )
    return st, args


def default_threads() -> int:
    """Threads a chunk runs on: the CPUs this process may use, 1 in a worker process.

    Worker processes (``--jobs`` > 1, a sweep's pool, Dask) already use the cores.
    """
    import multiprocessing
    import os

    if multiprocessing.parent_process() is not None:
        return 1
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else (os.cpu_count() or 1))


_POOL: Any = None


def run_fused(p: Params, dr: Draws, threads: int | None = None,
              trace: Trace | None = None) -> State:
    """Every replication of ``p`` to its end on the fused kernel; the final state.

    ``trace``: an empty :class:`~sim.batch.trace.Trace` of the chunk to record the sessions in.

    The chunk is cut into ``threads`` consecutive ranges run at once (the kernel releases the
    GIL); each replication writes only its own rows, so the result does not depend on it.
    """
    global _POOL
    st, args = kernel_inputs(p, dr, trace)
    n = threads if threads is not None else default_threads()
    n = max(1, min(n, p.runs // 64))  # a small chunk is not worth a thread
    if n == 1:
        fused.play(0, p.runs, *fused.workspace(p.n_actors, p.n_issues), *args)
        return st
    from concurrent.futures import ThreadPoolExecutor

    if _POOL is None or _POOL._max_workers < n:
        _POOL = ThreadPoolExecutor(max_workers=n, thread_name_prefix="ceasefire-fused")
    cuts = np.linspace(0, p.runs, n + 1).astype(int)
    done = [_POOL.submit(fused.play, int(a), int(b),
                         *fused.workspace(p.n_actors, p.n_issues), *args)
            for a, b in zip(cuts[:-1], cuts[1:], strict=True)]
    for f in done:
        f.result()
    return st
