"""The phases of one negotiation round (DESIGN §3, steps 1-7), per actor where the model is.

Each function works on a whole batch of replications (the leading axis of every array) and, where
the model has an actor decide, on one actor at a time. The vector engine calls them for all its
replications and loops over actors; the Mesa agents call the same functions on a one-row state
for themselves. Both engines therefore do the same arithmetic, which is what lets a test compare
them run by run. The mathematics lives in :mod:`sim.rules`; this module only wires it to state.
"""

from __future__ import annotations

import numpy as np

from sim.engine.draws import Draws
from sim.engine.params import Params
from sim.engine.state import State
from sim.rules import acceptance, battlefield, concession, mediator, third_parties
from sim.rules.outcome import ceasefire_agreed, is_ceasefire
from sim.rules.utility import issue_loss, utility
from sim.strategies import ConcessionContext


def _where(mask: np.ndarray, new: np.ndarray, old: np.ndarray) -> np.ndarray:
    m = mask.reshape(mask.shape + (1,) * (np.ndim(new) - mask.ndim))
    return np.where(m, new, old)


# --- step 1: battlefield -------------------------------------------------------------------
def battlefield_step(p: Params, st: State, t: int, dr: Draws) -> None:
    """Move momentum and reservations; charge war costs (active replications only)."""
    act = st.active
    if p.sides is not None:
        m = battlefield.momentum_step(st.momentum, p.drift, p.volatility, dr.shocks[:, t - 1])
        st.momentum = np.where(act, m, st.momentum)
    sign = battlefield.side_sign(p.n_actors, p.sides)
    cost = np.where(p.is_party, st.war_cost, 0.0)
    res = battlefield.reservation_step(st.reservation, st.momentum, sign, st.momentum_effect, cost)
    st.reservation = _where(act, np.where(p.is_party, res, st.reservation), st.reservation)


# --- step 2: events and pressure -----------------------------------------------------------
def events_step(p: Params, st: State, t: int, dr: Draws) -> list[str]:
    """Fire due events and conditional pressure; return the names that fired anywhere."""
    fired_names = []
    for e_idx, ev in enumerate(p.events):
        if ev.round != t:
            continue
        fire = st.active & (dr.u_event[:, e_idx] < ev.probability)
        if fire.any():
            fired_names.append(ev.name)
        st.fired[:, e_idx] = np.where(fire, t, st.fired[:, e_idx])
        for name, index, value in ev.sets:
            arr = getattr(st, name)
            sel = (slice(None),) + index
            arr[sel] = np.where(fire, value, arr[sel])
    agreed = ceasefire_agreed(st.settled, st.terms, p.ceasefire_issue, p.ceasefire_threshold,
                              p.ceasefire_side)
    for k, pr in enumerate(p.pressures):
        if pr.fires_at() != t:
            continue
        fire = st.active.copy()
        if pr.kind == "no_agreement_by_round":
            fire &= ~agreed
        if fire.any():
            fired_names.append(pr.name)
        col = len(p.events) + k
        st.fired[:, col] = np.where(fire, t, st.fired[:, col])
        st.war_cost[:, pr.on] += np.where(fire, pr.war_cost, 0.0)
        st.leverage[:, pr.by, pr.on] += np.where(fire, pr.leverage, 0.0)
    return fired_names


# --- step 3: third parties -----------------------------------------------------------------
def start_pull(st: State) -> None:
    """Clear the pull accumulators before the third parties act."""
    st.pull_weight = np.zeros_like(st.stated)
    st.pull_target = np.zeros_like(st.stated)


def pull_by(p: Params, st: State, q: int) -> None:
    """Actor ``q`` adds its pull on every party's open positions (see :func:`publish`)."""
    lev = st.leverage[:, q, :]  # (R, A) on each target
    if not np.any(lev):
        return
    k = third_parties.pull_weights(
        lev, st.engagement[:, q], p.salience[:, q, :], p.salience, st.capability
    )  # (R, A[p], I)
    movable = (p.is_party[None, :, None] & st.free(p)[:, None, :]) & st.active[:, None, None]
    k = np.where(movable, k, 0.0)
    st.pull_weight = st.pull_weight + k
    st.pull_target = st.pull_target + k * p.ideal[:, q : q + 1, :]


def publish(st: State) -> None:
    """Public positions this round: own positions displaced by this round's pulls.

    The displacement does not compound: it is recomputed every round from the party's own
    position and the pressure applied *now* (weights scaled to sum at most 1).
    """
    public = third_parties.displaced_positions(st.stated, st.pull_weight, st.pull_target)
    st.public = np.where(st.active[:, None, None], public, st.public)


# --- step 4: the text ----------------------------------------------------------------------
def mediator_text(p: Params, st: State, t: int) -> np.ndarray:
    """The single negotiating text (mediated protocol) or the proposer's terms (alternating)."""
    parties = p.party_idx
    free = st.free(p)
    stated = st.agreed_or(st.public)[:, parties, :]
    fixed = np.where(st.settled, st.terms, stated.mean(axis=1))
    if p.protocol == "alternating":
        proposer = parties[(t - 1) % len(parties)]
        text = st.agreed_or(st.public)[:, proposer, :]
    elif p.mediator_method == "nash":
        text = _nash_by_track(p, st, stated, fixed, free)
    elif p.mediator_method == "weighted_mean":
        text = mediator.weighted_mean_text(stated, st.capability[:, parties],
                                           p.salience[:, parties, :])
    else:
        text = mediator.midpoint_text(stated)
    text = np.where(free, text, fixed)
    st.text = np.where(st.active[:, None], text, st.text)
    return text


def _nash_by_track(p: Params, st: State, stated, fixed, free) -> np.ndarray:
    """Nash texts: one for the main-track issues together, one per separate-track issue.

    Main-track issues are bargained as a whole over the parties' reservations, so the text can
    trade one issue against another. A separate-track issue is negotiated on its own (that is
    what the track means): its text is the Nash point of the parties' utilities on that issue
    alone, over the utility of its status quo (0 when it has none), so it is not traded against
    the main track.
    """
    parties = p.party_idx
    ideal = p.ideal[:, parties, :]
    rho = p.risk[:, parties]
    main = free & ~p.separate
    text = mediator.nash_text(stated, ideal, st.weights(p)[:, parties, :], rho,
                              st.reservation[:, parties], fixed, main)
    for i in np.flatnonzero(p.separate):
        if not free[:, i].any():
            continue
        one = np.zeros(p.n_issues)
        one[i] = 1.0
        weights = np.broadcast_to(one, ideal.shape)
        if np.isnan(p.status_quo[i]):
            d = np.zeros(rho.shape)
        else:
            sq = np.full(ideal.shape[:-1], p.status_quo[i])
            d = 1.0 - issue_loss(sq[..., None], ideal[..., i : i + 1], rho)[..., 0]
        only = np.zeros_like(free)
        only[:, i] = free[:, i]
        alone = mediator.nash_text(stated, ideal, weights, rho, d, fixed, only)
        text[:, i] = alone[:, i]
    return text


# --- step 5: answers -----------------------------------------------------------------------
def ceasefire_in(p: Params, st: State, text: np.ndarray) -> np.ndarray:
    """(R,) the text offers a general ceasefire that is not agreed yet."""
    cf = p.ceasefire_issue
    return st.free(p)[:, cf] & is_ceasefire(text[:, cf], p.ceasefire_threshold, p.ceasefire_side)


def party_answer(p: Params, st: State, a: int, text: np.ndarray, t: int, dr: Draws) -> np.ndarray:
    """(R, I) which open issues of the text party ``a`` accepts this round.

    Main-track issues: accepted one by one (``issue_by_issue``: the text on that issue with the
    rest of the party's own terms) or all together (``package``), against the party's acceptance
    level. Separate-track issues: accepted alone when the text beats the status quo on that issue
    for the party (or, without a status quo, its own stated position), plus the delegation margin.
    The side that momentum favours subtracts its fear of a rearming pause from any text that
    contains a general ceasefire.
    """
    if p.protocol == "alternating" and p.party_idx[(t - 1) % len(p.party_idx)] == a:
        return st.free(p)
    free = st.free(p)
    w = st.weights(p)[:, a, :]
    ideal = p.ideal[:, a, :]
    rho = p.risk[:, a]
    own_terms = st.agreed_or(st.public)[:, a, :]
    own = utility(own_terms, ideal, w, rho)
    level = acceptance.acceptance_level(st.aspiration[:, a], own, st.reservation[:, a],
                                        st.authority[:, a], p.delegation_margin)
    sign = battlefield.side_sign(p.n_actors, p.sides)
    penalty = battlefield.rearm_penalty(st.momentum, sign, st.rearm_fear)[:, a]
    penalty = np.where(ceasefire_in(p, st, text), penalty, 0.0)
    noise = dr.z_issue[:, t - 1, a, :]
    main = free & ~p.separate
    if p.agenda == "package":
        package = np.where(main, text, own_terms)
        u = utility(package, ideal, w, rho) - penalty
        ok = acceptance.accepts(u, level, dr.z_package[:, t - 1, a], p.noise_sd)
        accept_main = main & ok[:, None]
    else:
        gain = w * (issue_loss(own_terms, ideal, rho) - issue_loss(text, ideal, rho))
        cf_pen = np.zeros_like(gain)
        cf_pen[:, p.ceasefire_issue] = penalty
        u = own[:, None] + gain - cf_pen
        accept_main = main & acceptance.accepts(u, level[:, None], noise, p.noise_sd[:, None])
    # separate tracks
    single = 1.0 - issue_loss(text, ideal, rho)
    ref = np.where(np.isnan(p.status_quo), own_terms, p.status_quo)
    base = 1.0 - issue_loss(ref, ideal, rho)
    margin = acceptance.delegation_margin(st.authority[:, a], p.delegation_margin)
    accept_sep = (free & p.separate) & acceptance.accepts(
        single, base + margin[:, None], noise, p.noise_sd[:, None]
    )
    return accept_main | accept_sep


def settle(p: Params, st: State, text: np.ndarray, accepted: np.ndarray, t: int) -> None:
    """Settle the issues every party accepted (``accepted`` is (R, P, I))."""
    agreed = accepted.all(axis=1) & st.free(p) & st.active[:, None]
    st.terms = np.where(agreed, text, st.terms)
    st.settled_round = np.where(agreed, t, st.settled_round)
    st.settled = st.settled | agreed
    st.stated = np.where(st.settled[:, None, :], st.terms[:, None, :], st.stated)
    st.public = np.where(st.settled[:, None, :], st.terms[:, None, :], st.public)


# --- step 6: concessions -------------------------------------------------------------------
def relative_time(t: int, max_rounds: int) -> float:
    """Relative time of the concession made at the end of round t: min(1, t / (T - 1)).

    The aspiration set after round t's answers is used in round t + 1, so with this convention
    the aspiration a time-dependent party answers with in the last round T is its reservation
    (as of the end of round T - 1; round T's battlefield step may still move it a little)
    (``docs/reference/bargaining.md`` warns that t / T never gets there).
    """
    return 1.0 if max_rounds <= 1 else min(1.0, t / (max_rounds - 1))


def concession_contexts(p: Params, st: State, t: int) -> dict[int, ConcessionContext]:
    """Snapshot, before anyone moves, of what each party decides its concession from."""
    own = st.own_offer(p)
    other = st.other_offer(p)
    w = np.where(p.is_party, st.capability, 0.0)
    # utilities of each party for every other party's terms: u[b, a] = u_b(terms of a)
    terms = st.agreed_or(st.public)
    weights = st.weights(p)
    contexts = {}
    for a in p.party_idx:
        others = [b for b in p.party_idx if b != a]
        wo = w[:, others]
        wsum = np.where(wo.sum(axis=1) > 0, wo.sum(axis=1), 1.0)
        u_of_mine = np.stack(
            [utility(terms[:, a, :], p.ideal[:, b, :], weights[:, b, :], p.risk[:, b])
             for b in others], axis=1)
        contexts[a] = ConcessionContext(
            round=t, max_rounds=p.max_rounds, tau=relative_time(t, p.max_rounds),
            start=st.start[:, a], previous=st.aspiration[:, a],
            reservation=st.reservation[:, a], authority=st.authority[:, a], own_offer=own[:, a],
            other_offer=other[:, a], other_gain=other[:, a] - st.other_offer_prev[:, a],
            other_own_offer=(wo * own[:, others]).sum(axis=1) / wsum,
            other_of_mine=(wo * u_of_mine).sum(axis=1) / wsum,
            other_reservation=(wo * st.reservation[:, others]).sum(axis=1) / wsum,
        )
    st.other_offer_prev = np.where(st.active[:, None], other, st.other_offer_prev)
    return contexts


def party_concede(p: Params, st: State, a: int, ctx: ConcessionContext,
                  targets: np.ndarray) -> None:
    """Party ``a`` sets its new aspiration by its strategy and restates its terms."""
    new = p.strategies[a].aspiration(ctx)
    act = st.active & st.free(p).any(axis=1)
    st.aspiration[:, a] = np.where(act, new, st.aspiration[:, a])
    movable = st.free(p) & act[:, None]
    restated = concession.restate_position(
        st.stated[:, a, :], targets[:, a, :], movable, p.ideal[:, a, :],
        st.weights(p)[:, a, :], p.risk[:, a], st.aspiration[:, a],
    )
    st.stated[:, a, :] = np.where(movable, restated, st.stated[:, a, :])


# --- step 7: walkouts ----------------------------------------------------------------------
def party_walks_out(p: Params, st: State, a: int, text: np.ndarray, t: int,
                    dr: Draws) -> np.ndarray:
    """(R,) party ``a`` leaves: its reservation exceeds the best it can still expect.

    The best it can still expect is what the other side actually offers: the utility of the other
    parties' capability-weighted public terms (settled issues as settled). The mediator's text is
    not a commitment of the other side, so it does not count. Beyond ``walkout.threshold`` the
    party leaves with probability ``walkout.hazard`` per round (Zartman's "ripeness" read the
    other way: a side that expects more from fighting than from talking stops talking;
    Zartman 2000, in Stern & Druckman (eds.), *International Conflict Resolution after the Cold
    War*).
    """
    w = st.weights(p)[:, a, :]
    main_open = (st.free(p) & ~p.separate).any(axis=1)
    best = utility(st.agreed_or(st.targets(p)[:, a, :]), p.ideal[:, a, :], w, p.risk[:, a])
    frustrated = st.reservation[:, a] - best > p.walkout_threshold
    return st.active & main_open & frustrated & (dr.u_walkout[:, t - 1, a] < p.walkout_hazard)


# --- end of round --------------------------------------------------------------------------
def close_round(p: Params, st: State, t: int, walked: np.ndarray) -> None:
    """Record walkouts, open the rest of the agenda, end finished replications."""
    first_walker = np.where(walked.any(axis=1), p.party_idx[np.argmax(walked, axis=1)], -1)
    st.walkout_by = np.where(st.active & (first_walker >= 0), first_walker, st.walkout_by)
    if p.first.any():
        opened = ~st.phase2 & st.settled[:, p.first].all(axis=1) & st.active
        if opened.any():
            st.phase2 = st.phase2 | opened
            fresh = st.own_offer(p)
            st.start = np.where(opened[:, None], fresh, st.start)
            st.aspiration = np.where(opened[:, None], fresh, st.aspiration)
    done = st.settled.all(axis=1) | (st.walkout_by >= 0) | (t >= p.max_rounds)
    ending = st.active & done
    st.end_round = np.where(ending, t, st.end_round)
    st.active = st.active & ~done
