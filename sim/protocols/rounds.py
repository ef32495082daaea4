"""The phases of one round of talks, shared by the ``mediated`` and ``alternating`` protocols.

Each phase works on a whole :class:`~sim.batch.batch.Batch` of replications (the leading axis
of every array) and, where the model has an actor decide, on one actor at a time
(``phase(batch, a)``). The vector engine calls them for all its replications; the Mesa agents
call the same functions on a one-row batch for themselves. Both engines therefore do the same
arithmetic, which is what lets a test compare them run by run. The mathematics lives in
:mod:`sim.rules`; this module only wires it to the state. The order of the phases is each
protocol's (see ``docs/ODD.md``, process overview).
"""

from __future__ import annotations

import numpy as np

from sim.batch.batch import Batch
from sim.batch.state import State
from sim.rules import (
    acceptance,
    battlefield,
    beliefs,
    concession,
    delegation,
    frontier,
    mediator,
    third_parties,
)
from sim.rules import walkout as walkouts
from sim.rules.outcome import ceasefire_agreed, is_ceasefire
from sim.rules.utility import issue_loss, utility
from sim.strategies import ConcessionContext


def _where(mask: np.ndarray, new: np.ndarray, old: np.ndarray) -> np.ndarray:
    m = mask.reshape(mask.shape + (1,) * (np.ndim(new) - mask.ndim))
    return np.where(m, new, old)


# --- fighting ------------------------------------------------------------------------------
def battlefield_step(b: Batch) -> None:
    """The front moves, both sides learn from it, reservations follow (active replications).

    Delta_t = edge + volatility x shock; each side's belief about the edge is its normal prior
    updated on every Delta seen so far (a session with an engaged mediator of ``information``
    k counts 1 + k times); reservations are base + stake x sign x belief - horizon x cost
    (:mod:`sim.rules.beliefs`).
    """
    p, st, t = b.params, b.state, b.round
    bf = p.battlefield
    act = st.active
    if bf.sides is not None:
        move = beliefs.front_movement(bf.edge, bf.volatility, b.draws.shocks[:, t - 1])
        mediators = np.array([role == "mediator" for role in p.actors.roles])
        info = (st.information * st.engagement * mediators).sum(axis=1)
        total, count = beliefs.evidence_step(st.evidence_sum, st.evidence_count, move, info)
        st.movement = np.where(act, move, np.nan)
        st.front = np.where(act, st.front + move, st.front)
        st.evidence_sum = np.where(act, total, st.evidence_sum)
        st.evidence_count = np.where(act, count, st.evidence_count)
        sides = list(bf.sides)
        mean, _ = beliefs.belief(st.prior_mean[:, sides], bf.prior_strength[:, sides],
                                 st.evidence_sum, st.evidence_count, bf.volatility)
        st.belief[:, sides] = np.where(act[:, None], mean, st.belief[:, sides])
    st.reservation = _where(act, st.current_reservation(p), st.reservation)


# --- events and pressure -------------------------------------------------------------------
def events_step(b: Batch) -> None:
    """Fire due events and conditional pressure; note the names that fired anywhere.

    Pressure raises the target's cost level from then on (its reservation follows at the next
    session's battlefield step) and, with ``leverage``, what the measure's author adds to an
    agreement it backs.
    """
    p, st, t, dr = b.params, b.state, b.round, b.draws
    sch, ag = p.schedule, p.agenda
    for e_idx, ev in enumerate(sch.events):
        if ev.session != t:
            continue
        fire = st.active & (dr.u_event[:, e_idx] < ev.probability)
        if fire.any():
            b.fired.append(ev.name)
        st.fired[:, e_idx] = np.where(fire, t, st.fired[:, e_idx])
        for name, index, value in ev.sets:
            arr = getattr(st, "base_reservation" if name == "reservation" else name)
            sel = (slice(None),) + index
            arr[sel] = np.where(fire, value, arr[sel])
    agreed = ceasefire_agreed(st.settled, st.terms, ag.ceasefire_issue, ag.ceasefire_threshold,
                              ag.ceasefire_side)
    for k, pr in enumerate(sch.pressures):
        if pr.fires_at() != t:
            continue
        fire = st.active.copy()
        if pr.kind == "no_agreement_by":
            fire &= ~agreed
        if fire.any():
            b.fired.append(pr.name)
        col = len(sch.events) + k
        st.fired[:, col] = np.where(fire, t, st.fired[:, col])
        st.war_cost[:, pr.on] += np.where(fire, pr.war_cost, 0.0)
        st.leverage[:, pr.by, pr.on] += np.where(fire, pr.leverage, 0.0)


# --- third parties -------------------------------------------------------------------------
def potential_bonus(b: Batch) -> np.ndarray:
    """(R, A) what each actor would get from the third parties if all backed the text."""
    st = b.state
    others = ~b.params.actors.is_party
    return third_parties.potential_bonus(st.leverage[:, others, :], st.engagement[:, others])


def bonus_for(b: Batch, text: np.ndarray) -> np.ndarray:
    """(R, A) what each actor gets from the third parties that back ``text`` (R, I)."""
    p, st = b.params, b.state
    others = ~p.actors.is_party
    u = utility(st.agreed_or(text)[:, None, :], p.actors.ideal[:, others, :],
                st.weights(p)[:, others, :], p.actors.risk[:, others])
    backing = third_parties.backs(u, st.base_reservation[:, others])
    return third_parties.agreement_bonus(st.leverage[:, others, :], st.engagement[:, others],
                                         backing)


def rearm_penalty(b: Batch) -> np.ndarray:
    """(R, A) what a general ceasefire costs each actor for fear of the other side rearming."""
    p, st = b.params, b.state
    sign = battlefield.side_sign(p.n_actors, p.battlefield.sides)
    weight = st.weights(p)[:, :, p.agenda.ceasefire_issue]
    return beliefs.rearm_cost(st.belief, sign, st.rearm_fear, weight)


# --- what the talks can offer ---------------------------------------------------------------
def expectations(b: Batch) -> None:
    """The Nash text of the main track over the parties' current reservations (a note).

    It is the best the talks can offer: the mediator's ``nash`` text, what a party weighs
    against walking out (:func:`consider_walkout`), and whether a bargaining range exists at
    all (``has_range``: some text gives every party more than fighting on, counting what the
    third parties add to an agreement they back). Main-track issues
    that are open are free; settled ones hold their terms, the rest (separate tracks, issues not
    yet on the table) the parties' mean stated terms. Stored as ``b.notes["nash"]``.
    """
    p, st = b.params, b.state
    parties = p.actors.party_idx
    _, fixed = _stated_and_fixed(b)
    free = st.free(p) & ~p.agenda.separate
    live = st.active  # finished replications need no text (the many-party solver is costly)
    text, has_range = fixed.copy(), np.zeros(p.runs, bool)
    utilities = np.full((p.runs, len(parties)), np.nan)
    # what a party needs from the text itself: its reservation less what the third parties
    # would add to an agreement they back (§7.4)
    needed = st.reservation[:, parties] - potential_bonus(b)[:, parties]
    b.notes["needed"] = needed
    if live.any():
        got = frontier.frontier_nash(
            p.actors.ideal[live][:, parties, :], st.weights(p)[live][:, parties, :],
            needed[live], free=free[live], fixed=fixed[live],
            rho=p.actors.risk[live][:, parties], two_party=b.kernels.two_party_nash)
        text[live], has_range[live], utilities[live] = got.text, got.has_range, got.utilities
    b.notes["nash"] = frontier.NashText(text=text, utilities=utilities, has_range=has_range)


# --- the text ------------------------------------------------------------------------------
def _table(b: Batch, text: np.ndarray, fixed: np.ndarray, by: int) -> None:
    st = b.state
    text = np.where(st.free(b.params), text, fixed)
    st.text = np.where(st.active[:, None], text, st.text)
    b.tabled_by = by


def _stated_and_fixed(b: Batch) -> tuple[np.ndarray, np.ndarray]:
    st = b.state
    stated = st.agreed_or(st.stated)[:, b.params.actors.party_idx, :]
    return stated, np.where(st.settled, st.terms, stated.mean(axis=1))


def mediator_text(b: Batch) -> None:
    """The mediator's single negotiating text, by its method (``nash`` by default)."""
    p, st = b.params, b.state
    parties = p.actors.party_idx
    stated, fixed = _stated_and_fixed(b)
    method = p.actors.mediator_method
    if method == "nash":
        text = _nash_by_track(b, stated, fixed, st.free(p))
    elif method == "weighted_mean":
        text = mediator.weighted_mean_text(stated, st.capability[:, parties],
                                           p.actors.salience[:, parties, :])
    else:
        text = mediator.midpoint_text(stated)
    _table(b, text, fixed, p.actors.mediator)


def proposer(b: Batch) -> int:
    """The party whose turn it is to propose (round 1: the first party, and so on)."""
    parties = b.params.actors.party_idx
    return int(parties[(b.round - 1) % len(parties)])


def proposer_text(b: Batch) -> None:
    """The proposing party's own public terms are the text (alternating offers)."""
    _, fixed = _stated_and_fixed(b)
    a = proposer(b)
    _table(b, b.state.agreed_or(b.state.stated)[:, a, :], fixed, a)


def _nash_by_track(b: Batch, stated: np.ndarray, fixed: np.ndarray,
                   free: np.ndarray) -> np.ndarray:
    """Nash texts: one for the main-track issues together, one per separate-track issue.

    Main-track issues are bargained as a whole over the parties' reservations, over the whole
    issue space (the box of the parties' ideals, :func:`expectations`), so the text can trade
    one issue against another. A separate-track issue is negotiated on its own (that is
    what the track means): its text is the Nash point of the parties' utilities on that issue
    alone, over the utility of its status quo (0 when it has none), between the parties' ideals
    (:func:`sim.rules.frontier.frontier_nash` with that issue the only one weighed), so it is not
    traded against the main track.
    """
    p = b.params
    ag = p.agenda
    parties = p.actors.party_idx
    ideal = p.actors.ideal[:, parties, :]
    rho = p.actors.risk[:, parties]
    text = b.notes["nash"].text.copy()
    for i in np.flatnonzero(ag.separate):
        if not free[:, i].any():
            continue
        one = np.zeros(p.n_issues)
        one[i] = 1.0
        weights = np.broadcast_to(one, ideal.shape)
        if np.isnan(ag.status_quo[i]):
            d = np.zeros(rho.shape)
        else:
            sq = np.full(ideal.shape[:-1], ag.status_quo[i])
            d = 1.0 - issue_loss(sq[..., None], ideal[..., i : i + 1], rho)[..., 0]
        only = np.zeros_like(free)
        only[:, i] = free[:, i]
        live = only[:, i] & b.state.active
        if live.any():
            alone = frontier.frontier_nash(ideal[live], weights[live], d[live], free=only[live],
                                           fixed=fixed[live], rho=rho[live],
                                           two_party=b.kernels.two_party_nash)
            text[live, i] = alone.text[:, i]
    return text


# --- answers -------------------------------------------------------------------------------
def ceasefire_in(b: Batch, text: np.ndarray) -> np.ndarray:
    """(R,) the text offers a general ceasefire that is not agreed yet."""
    ag = b.params.agenda
    cf = ag.ceasefire_issue
    return b.state.free(b.params)[:, cf] & is_ceasefire(text[:, cf], ag.ceasefire_threshold,
                                                        ag.ceasefire_side)


def _principal(b: Batch, a: int) -> tuple[np.ndarray, np.ndarray]:
    """Party ``a``'s own stated terms (R, I) and its principal's acceptance level (R,)."""
    p, st = b.params, b.state
    own_terms = st.agreed_or(st.stated)[:, a, :]
    own = utility(own_terms, p.actors.ideal[:, a, :], st.weights(p)[:, a, :], p.actors.risk[:, a])
    return own_terms, acceptance.acceptance_level(st.aspiration[:, a], own, st.reservation[:, a])


def _main_utilities(b: Batch, a: int, text: np.ndarray, own_terms: np.ndarray,
                    open_: np.ndarray) -> np.ndarray:
    """Party ``a``'s utility of the main-track ``text`` on the ``open_`` issues (R, I).

    ``package``: one value per replication, broadcast over the issues (the text on every open
    issue, the party's own terms elsewhere). ``issue_by_issue``: per issue, that issue at the
    text and the party's own terms elsewhere. Both include what the third parties that back the
    text add (an issue agreed alone earns the share of it that is the issue's weight among the
    main-track issues) and subtract the rearm penalty where the text holds a general ceasefire.
    """
    p, st = b.params, b.state
    ag = p.agenda
    w, ideal, rho = st.weights(p)[:, a, :], p.actors.ideal[:, a, :], p.actors.risk[:, a]
    package = np.where(open_, text, own_terms)
    bonus = bonus_for(b, package)[:, a]
    cf = ag.ceasefire_issue
    holds_cf = open_[:, cf] & is_ceasefire(text[:, cf], ag.ceasefire_threshold, ag.ceasefire_side)
    penalty = np.where(holds_cf, rearm_penalty(b)[:, a], 0.0)
    if ag.mode == "package":
        u = utility(package, ideal, w, rho) + bonus - penalty
        return np.broadcast_to(u[:, None], text.shape)
    own = utility(own_terms, ideal, w, rho)
    gain = w * (issue_loss(own_terms, ideal, rho) - issue_loss(text, ideal, rho))
    cf_pen = np.zeros_like(gain)
    cf_pen[:, cf] = penalty
    # an issue agreed alone earns its share of the bonus: its weight among the main-track issues
    main_weight = np.where(ag.separate, 0.0, w)
    share = main_weight / np.maximum(main_weight.sum(axis=1, keepdims=True), 1e-300)
    return own[:, None] + gain + bonus[:, None] * share - cf_pen


def answer(b: Batch, a: int) -> None:
    """What party ``a``'s negotiator does with each open issue of the text this session.

    Into ``b.answers[a]`` (R, I) the issues it says yes to, and ``b.notes["initialled"][a]``
    those of them it only initials ad referendum (:mod:`sim.rules.delegation`): a leader in the
    room signs any text worth its principal's acceptance level at once; a delegation signs a
    text worth its mandate plus its margin, and may initial one worth only the principal's
    level, with probability ``authority`` this session, for the principal to ratify at the
    next (:func:`ratify`). Main-track issues are judged one by one (``issue_by_issue``: the
    text on that issue with the rest of the party's own terms) or together (``package``),
    including what the third parties that back the text add and the rearm penalty of a general
    ceasefire. Separate-track issues: accepted alone when the text beats the status quo on that
    issue for the party (or, without a status quo, its own stated position).

    Two limits hold whatever the noise: a party never accepts a main-track text worth less to it
    than fighting on (its reservation), and no main-track text is accepted while no bargaining
    range exists (``has_range`` of :func:`expectations`). Noise decides only among texts inside
    the range (Fearon 1995: agreement needs a range; nothing else creates one).
    """
    p, st, t, dr = b.params, b.state, b.round, b.draws
    ag, act = p.agenda, p.actors
    text = st.text
    free = st.free(p)
    ideal, rho = act.ideal[:, a, :], act.risk[:, a]
    own_terms, level = _principal(b, a)
    main = free & ~ag.separate
    u = _main_utilities(b, a, text, own_terms, main)
    noise = (dr.z_package[:, t - 1, a][:, None] if ag.mode == "package"
             else dr.z_issue[:, t - 1, a, :])
    noisy = u + ag.noise_sd[:, None] * noise
    in_range = b.notes["nash"].has_range[:, None]
    allowed = main & in_range & (u >= st.reservation[:, a][:, None] - acceptance.TIE)
    decision = delegation.decision(
        noisy + acceptance.TIE, st.mandate[:, a][:, None], level[:, None],
        act.margin[:, a][:, None], st.authority[:, a][:, None], dr.u_initial[:, t - 1, a][:, None])
    accept_main = allowed & (decision != delegation.REJECT)
    initialled = allowed & (decision == delegation.INITIAL)
    # separate tracks
    single = 1.0 - issue_loss(text, ideal, rho)
    ref = np.where(np.isnan(ag.status_quo), own_terms, ag.status_quo)
    base = 1.0 - issue_loss(ref, ideal, rho)
    accept_sep = (free & ag.separate) & acceptance.accepts(
        single, base, dr.z_issue[:, t - 1, a, :], ag.noise_sd[:, None])
    b.answers[a] = accept_main | accept_sep
    b.notes.setdefault("initialled", {})[a] = initialled


def settle(b: Batch) -> None:
    """Settle the issues every party said yes to; hold those some only initialled.

    An issue every party signed takes effect now. One that every party said yes to but some
    only initialled ad referendum waits for those principals' ratification at the next session
    (:func:`ratify`). An issue exchanged every session (``humanitarian`` block) is never
    settled: the exchange phase decides it (:mod:`sim.protocols.exchanges`).
    """
    p, st, t = b.params, b.state, b.round
    text = st.text
    agreed = (b.stacked(b.answers).all(axis=1) & st.free(p) & ~p.humanitarian.repeated
              & st.active[:, None])
    said = b.notes.get("initialled", {})
    referred = b.stacked({int(a): said.get(int(a), np.zeros_like(agreed))
                          for a in p.actors.party_idx}) & st.active[:, None, None]
    initialled = referred & agreed[:, None, :]
    waiting = initialled.any(axis=1)
    now = agreed & ~waiting
    said_yes = b.stacked(b.answers) & st.free(p)[:, None, :]
    st.accepted = np.zeros((p.runs, p.n_actors), int)
    st.accepted[:, p.actors.party_idx] = said_yes.sum(axis=2)
    st.pending = waiting
    st.pending_terms = np.where(waiting, text, np.nan)
    by = np.zeros((p.runs, p.n_actors, p.n_issues), bool)
    by[:, p.actors.party_idx, :] = initialled
    st.pending_by = by
    # every delegation that initialled refers home, agreed by all or not (its principal
    # instructs it afresh at the next session)
    st.initialled_by = np.zeros((p.runs, p.n_actors), bool)
    st.initialled_by[:, p.actors.party_idx] = referred.any(axis=2)
    _settle_issues(st, now, text, t)


def _settle_issues(st: State, agreed: np.ndarray, terms: np.ndarray, t: int) -> None:
    st.terms = np.where(agreed, terms, st.terms)
    st.settled_round = np.where(agreed, t, st.settled_round)
    st.settled = st.settled | agreed
    st.stated = np.where(st.settled[:, None, :], st.terms[:, None, :], st.stated)


def ratify(b: Batch) -> None:
    """Principals decide on the texts their delegations initialled at the last session.

    A principal ratifies by its own acceptance rule now (its utility of the initialled terms,
    with what the backing third parties add, less any rearm penalty, plus ratification noise,
    at least its acceptance level now), within the same two limits as any acceptance (a
    bargaining range exists; the terms are worth at least its reservation). An issue takes
    effect when every principal that initialled it ratifies; otherwise it lapses and is open
    again. Every principal whose delegation referred a text home (initialled it, whether or not
    the others said yes) instructs it afresh: its mandate becomes its acceptance level now
    (:func:`sim.rules.delegation.instruct`).
    """
    p, st, t, dr = b.params, b.state, b.round, b.draws
    st.ratified = np.zeros((p.runs, p.n_actors), int)
    if not st.initialled_by.any():
        return
    pending = st.pending & st.active[:, None]
    in_range = b.notes["nash"].has_range[:, None]
    refused = np.zeros_like(pending)
    for a in p.actors.party_idx:
        referred = st.initialled_by[:, a] & st.active
        if not referred.any():
            continue
        mine = st.pending_by[:, a, :] & pending
        own_terms, level = _principal(b, a)
        u = _main_utilities(b, a, np.where(pending, st.pending_terms, own_terms), own_terms,
                            pending)
        noisy = u + (p.agenda.noise_sd * dr.z_ratify[:, t - 1, a])[:, None]
        yes = (delegation.ratifies(noisy + acceptance.TIE, level[:, None]) & in_range
               & (u >= st.reservation[:, a][:, None] - acceptance.TIE))
        refused |= mine & ~yes
        asked = mine.any(axis=1)
        st.ratified[:, a] = np.where(asked, np.where((mine & ~yes).any(axis=1), -1, 1), 0)
        st.mandate[:, a] = delegation.instruct(st.mandate[:, a], level, referred)
    _settle_issues(st, pending & ~refused, st.pending_terms, t)
    st.pending = np.zeros_like(st.pending)
    st.pending_by = np.zeros_like(st.pending_by)


# --- concessions ---------------------------------------------------------------------------
def relative_time(t: int, deadline: int | None) -> float:
    """Relative time of the concession made at the end of round t: min(1, t / (T - 1)).

    T is the deadline the parties know (``negotiation.deadline``); without one there is no
    relative time (NaN) and no strategy may read it. The aspiration set after round t's answers
    is used in round t + 1, so with this convention the aspiration a time-dependent party
    answers with in the deadline round T is its reservation (as of the end of round T - 1;
    round T's battlefield step may still move it a little) (``docs/reference/bargaining.md``
    warns that t / T never gets there).
    """
    if deadline is None:
        return float("nan")
    return 1.0 if deadline <= 1 else min(1.0, t / (deadline - 1))


def concession_contexts(b: Batch) -> None:
    """Snapshot, before anyone moves, of what each party decides its concession from.

    Stores each party's :class:`ConcessionContext` in ``b.notes["contexts"]`` and the
    other side's capability-weighted ideals and weights in ``b.notes["other_side"]``.
    """
    p, st, t = b.params, b.state, b.round
    act, deadline = p.actors, p.agenda.deadline
    own = st.own_offer(p)
    other = st.other_offer(p)
    w = np.where(act.is_party, st.capability, 0.0)
    # utilities of each party for every other party's terms: u[b, a] = u_b(terms of a)
    terms = st.agreed_or(st.stated)
    weights = st.weights(p)
    # the main-track text, each party's own terms on the separate tracks: what is exchanged on
    # the humanitarian track never moves what a party aspires to on the main track
    on_main = np.where(p.agenda.separate, terms, st.agreed_or(st.text)[:, None, :])
    text_offer = utility(on_main, act.ideal, weights, act.risk)
    contexts = {}
    for a in act.party_idx:
        others = [q for q in act.party_idx if q != a]
        wo = w[:, others]
        wsum = np.where(wo.sum(axis=1) > 0, wo.sum(axis=1), 1.0)
        u_of_mine = np.stack(
            [utility(terms[:, a, :], act.ideal[:, q, :], weights[:, q, :], act.risk[:, q])
             for q in others], axis=1)
        contexts[int(a)] = ConcessionContext(
            round=t, deadline=deadline, tau=relative_time(t, deadline),
            start=st.start[:, a], previous=st.aspiration[:, a],
            reservation=st.reservation[:, a], authority=st.authority[:, a], own_offer=own[:, a],
            other_offer=other[:, a], other_gain=other[:, a] - st.other_offer_prev[:, a],
            other_own_offer=(wo * own[:, others]).sum(axis=1) / wsum,
            other_of_mine=(wo * u_of_mine).sum(axis=1) / wsum,
            other_reservation=(wo * st.reservation[:, others]).sum(axis=1) / wsum,
            cost=st.war_cost[:, a],
            text_offer=text_offer[:, a],
        )
    st.other_offer_prev = np.where(st.active[:, None], other, st.other_offer_prev)
    b.notes["contexts"] = contexts
    b.notes["other_side"] = (
        concession.concession_target(act.ideal, st.capability, act.is_party),
        concession.concession_target(weights, st.capability, act.is_party),
    )


def concede(b: Batch, a: int) -> None:
    """Party ``a`` sets its new aspiration by its strategy and restates its terms.

    The restated terms are the package worth exactly the new aspiration to the party that gives
    the other side (the capability-weighted other parties) the most: it concedes first where the
    other side cares most relative to itself (logrolling, :func:`sim.rules.frontier.logroll`).
    """
    p, st = b.params, b.state
    strategy = p.actors.strategies[a]
    assert strategy is not None, "only parties concede"
    new = strategy.aspiration(b.notes["contexts"][a])
    act = st.active & st.free(p).any(axis=1)
    st.aspiration[:, a] = np.where(act, new, st.aspiration[:, a])
    movable = st.free(p) & act[:, None]
    other_ideal, other_weights = b.notes["other_side"]
    restated = b.kernels.logroll(
        p.actors.ideal[:, a, :], other_ideal[:, a, :], st.weights(p)[:, a, :],
        other_weights[:, a, :], st.aspiration[:, a], movable, st.stated[:, a, :],
        p.actors.risk[:, a],
    )
    st.stated[:, a, :] = np.where(movable, restated, st.stated[:, a, :])


# --- walkouts ------------------------------------------------------------------------------
def consider_walkout(b: Batch, a: int) -> None:
    """Whether party ``a`` leaves (``b.walked[a]``), by a hazard smooth in its frustration.

    The best it can expect from the talks is its utility of this round's Nash text
    (:func:`expectations`) with what the third parties add to an agreement they back; its
    frustration is g = reservation - that, and it leaves
    with probability hazard x logistic((g - threshold) / softness) (Zartman's "ripeness" read
    the other way: a side that expects more from fighting than from talking stops talking;
    Zartman 2000, in Stern & Druckman (eds.), *International Conflict Resolution after the Cold
    War*, 225-250; :func:`sim.rules.walkout.walkout_hazard`). No cliffs: the collapse share
    moves smoothly with every input.
    """
    p, st, t = b.params, b.state, b.round
    ag = p.agenda
    main_open = (st.free(p) & ~ag.separate).any(axis=1)
    k = int(np.flatnonzero(p.actors.party_idx == a)[0])
    gap = walkouts.frustration(b.notes["needed"][:, k], b.notes["nash"].utilities[:, k])
    hazard = walkouts.walkout_hazard(gap, ag.walkout_hazard, ag.walkout_threshold,
                                    ag.walkout_softness)
    b.walked[a] = st.active & main_open & walkouts.leaves(b.draws.u_walkout[:, t - 1, a], hazard)


# --- end of round --------------------------------------------------------------------------
def close_round(b: Batch) -> None:
    """Record walkouts, open the rest of the agenda, end finished replications."""
    p, st, t = b.params, b.state, b.round
    walked = b.stacked(b.walked)
    party_idx = p.actors.party_idx
    first_walker = np.where(walked.any(axis=1), party_idx[np.argmax(walked, axis=1)], -1)
    st.walkout_by = np.where(st.active & (first_walker >= 0), first_walker, st.walkout_by)
    if p.agenda.first.any():
        opened = ~st.phase2 & st.settled[:, p.agenda.first].all(axis=1) & st.active
        if opened.any():
            st.phase2 = st.phase2 | opened
            fresh = st.own_offer(p)
            st.start = np.where(opened[:, None], fresh, st.start)
            st.aspiration = np.where(opened[:, None], fresh, st.aspiration)
    # an exchanged issue stays open for good: the talks end when everything else is settled
    everything = (st.settled | p.humanitarian.repeated).all(axis=1)
    done = everything | (st.walkout_by >= 0) | (t >= p.agenda.sessions)
    ending = st.active & done
    st.end_round = np.where(ending, t, st.end_round)
    st.active = st.active & ~done
