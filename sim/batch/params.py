"""A validated scenario compiled into parameter blocks, one row per replication.

Fixed numbers are broadcast; uncertain numbers (distributions) take the values sampled for each
replication. Both engines read only these objects, so they see exactly the same inputs. Each
block is compiled by its own small function from its part of the scenario:

* :class:`Actors` — who is at or around the table and what each wants (``actors``);
* :class:`Agenda` — the issues and the rules of the talks (``issues``, ``negotiation``);
* :class:`Battlefield` — the fighting (``battlefield``);
* :class:`Schedule` — conditional pressure and chance events (``pressure``, ``events``);
* :class:`Outcomes` — how a finished replication is judged (``outcomes``);
* :class:`Humanitarian` — the repeated exchanges of the humanitarian track (``humanitarian``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import Any, ClassVar

import numpy as np

from sim.batch import settable
from sim.rules.beliefs import DEFAULT_BELIEF_STRENGTH, DEFAULT_DISCOUNT, cost_horizon
from sim.rules.durability_kinds import KINDS, MONTHLY_HAZARD
from sim.rules.humanitarian import TRUST_EFFECT
from sim.strategies import Strategy, build

Value = Callable[[str, Any], np.ndarray]
"""``value(key_path, number_or_distribution) -> (R,)`` array of per-replication values."""


class Block:
    """A parameter block: arrays with a leading replication axis, plus per-item constants."""

    #: array fields indexed by actor or issue, not by replication (never sliced by ``row``)
    PER_ITEM: ClassVar[frozenset[str]] = frozenset()

    def row(self, k: int, runs: int) -> Any:
        """This block for replication ``k`` alone (arrays keep a length-1 leading axis)."""
        out = {}
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if (isinstance(value, np.ndarray) and value.ndim >= 1 and value.shape[0] == runs
                    and f.name not in self.PER_ITEM):
                out[f.name] = value[k : k + 1]
        return replace(self, **out)  # type: ignore[type-var]


@dataclass
class Actors(Block):
    """Actors in scenario order: roles, capabilities, positions, preferences, strategies."""

    PER_ITEM: ClassVar[frozenset[str]] = frozenset({"is_party", "party_idx"})

    ids: list[str]
    names: list[str]
    roles: list[str]
    is_party: np.ndarray  # (A,) bool
    party_idx: np.ndarray  # (P,) indices of the parties
    mediator: int  # index of the first mediator, -1 none
    mediator_method: str
    capability: np.ndarray  # (R, A)
    position: np.ndarray  # (R, A, I) opening stated positions
    ideal: np.ndarray  # (R, A, I)
    salience: np.ndarray  # (R, A, I)
    reservation: np.ndarray  # (R, A)
    risk: np.ndarray  # (R, A)
    authority: np.ndarray  # (R, A)
    margin: np.ndarray  # (R, A) utility above its mandate a delegation needs to sign
    engagement: np.ndarray  # (R, A)
    leverage: np.ndarray  # (R, A, A) agreement bonus of actor q for actor a (times engagement)
    information: np.ndarray  # (R, A) extra sessions of evidence a session with the actor gives
    strategies: list[Strategy | None]  # per actor; None for non-parties

    def row(self, k: int, runs: int) -> Actors:
        """These actors for replication ``k`` alone (strategy parameters sliced too)."""
        one = super().row(k, runs)
        one.strategies = [None if s is None else s.row(k) for s in self.strategies]
        return one


@dataclass
class Agenda(Block):
    """The issues and the rules of the talks."""

    PER_ITEM: ClassVar[frozenset[str]] = frozenset({"separate", "first", "status_quo"})

    issue_ids: list[str]
    ceasefire_issue: int
    ceasefire_threshold: float
    ceasefire_side: str
    separate: np.ndarray  # (I,) bool: separate-track issues
    first: np.ndarray  # (I,) bool: issues taken first
    status_quo: np.ndarray  # (I,) NaN when none
    protocol: str
    sessions: int
    deadline: int | None  # the session the parties know the talks end in, or None
    mode: str  # "package" | "issue_by_issue"
    noise_sd: np.ndarray  # (R,)
    walkout_threshold: np.ndarray  # (R,)
    walkout_hazard: np.ndarray  # (R,)
    walkout_softness: np.ndarray  # (R,)
    protocol_options: dict = field(default_factory=dict)


@dataclass
class Battlefield(Block):
    """The two fighting sides, the front and what each side believes (zeros without one)."""

    sides: tuple[int, int] | None
    edge: np.ndarray  # (R,) true expected movement of the front per session
    volatility: np.ndarray  # (R,)
    prior_mean: np.ndarray  # (R, A) each side's prior mean of the edge (0 for the others)
    prior_strength: np.ndarray  # (R, A) its weight in sessions of evidence
    stake: np.ndarray  # (R,) reservation per unit of believed edge
    horizon: np.ndarray  # (R,) sessions of cost weighed, 1 / (1 - discount)
    war_cost: np.ndarray  # (R, A)
    rearm_fear: np.ndarray  # (R,) share of the ceasefire stake a pause costs the favoured side


@dataclass
class PressureSpec:
    """A conditional measure: fires once, then adds war cost and/or leverage from then on."""

    name: str
    by: int
    on: int
    kind: str  # "session" | "no_agreement_by"
    at: int
    war_cost: np.ndarray
    leverage: np.ndarray

    def fires_at(self) -> int:
        """Session in which the measure is checked."""
        return self.at if self.kind == "session" else self.at + 1


@dataclass
class EventSpec:
    """A scheduled chance event: at ``session``, with ``probability``, set some values."""

    name: str
    session: int
    probability: np.ndarray
    sets: list[tuple[str, tuple[int, ...], float]] = field(default_factory=list)


@dataclass
class Schedule(Block):
    """Conditional pressure and chance events, in scenario order."""

    pressures: list[PressureSpec]
    events: list[EventSpec]

    @property
    def names(self) -> list[str]:
        """Event names then pressure names: the columns of ``fired``."""
        return [e.name for e in self.events] + [q.name for q in self.pressures]

    def row(self, k: int, runs: int) -> Schedule:
        """This schedule for replication ``k`` alone."""
        return Schedule(
            [replace(q, war_cost=q.war_cost[k : k + 1], leverage=q.leverage[k : k + 1])
             for q in self.pressures],
            [replace(e, probability=e.probability[k : k + 1]) for e in self.events],
        )


@dataclass
class Outcomes(Block):
    """Dictated-peace margin and durability inputs."""

    dictated_margin: np.ndarray  # (R,)
    durability_days: float
    hazards: np.ndarray  # (R, 4) monthly hazard of each agreement kind, in KINDS order
    monitors: np.ndarray  # (R,)
    guarantees: np.ndarray  # (R,)
    imposed: np.ndarray  # (R,)
    monitors_issue: int
    monitors_below: float
    guarantees_issue: int
    guarantees_below: float


@dataclass
class Humanitarian(Block):
    """The humanitarian track exchanged every session (``issue`` -1 and no rate without one)."""

    PER_ITEM: ClassVar[frozenset[str]] = frozenset({"repeated"})

    issue: int  # index of the exchanged issue, -1 none
    repeated: np.ndarray  # (I,) bool: exchanged every session, never settled by acceptance
    rate: np.ndarray  # (R,) probability of an exchange at neutral trust
    trust_effect: np.ndarray  # (R,) log-odds added per unit of trust


@dataclass
class Params:
    """Every number the model uses, in blocks, with a leading replication axis R."""

    runs: int
    actors: Actors
    agenda: Agenda
    battlefield: Battlefield
    schedule: Schedule
    outcomes: Outcomes
    humanitarian: Humanitarian

    @property
    def n_actors(self) -> int:
        """Number of actors A."""
        return len(self.actors.ids)

    @property
    def n_issues(self) -> int:
        """Number of issues I."""
        return len(self.agenda.issue_ids)

    def row(self, k: int) -> Params:
        """The parameters of replication ``k`` alone (arrays keep a length-1 leading axis)."""
        return Params(1, self.actors.row(k, self.runs), self.agenda.row(k, self.runs),
                      self.battlefield.row(k, self.runs), self.schedule.row(k, self.runs),
                      self.outcomes.row(k, self.runs), self.humanitarian.row(k, self.runs))


def _is_dist(x: object) -> bool:
    return not isinstance(x, int | float)


def values_from(samples: dict[str, np.ndarray], runs: int) -> Value:
    """The ``value`` function of a batch: sampled values for distributions, else broadcast."""

    def value(path: str, x: Any) -> np.ndarray:
        if _is_dist(x):
            return np.asarray(samples[path], dtype=float)
        return np.full(runs, float(x))

    return value


def compile_params(scenario: Any, samples: dict[str, np.ndarray], runs: int) -> Params:
    """Compile a validated :class:`sim.scenario.Scenario` into :class:`Params`.

    Args:
        scenario: the validated scenario (numbers or distributions).
        samples: for every uncertain input, its key path -> values, shape (runs,).
        runs: number of replications R in this batch.
    """
    value = values_from(samples, runs)
    return Params(
        runs=runs,
        actors=compile_actors(scenario, value, runs),
        agenda=compile_agenda(scenario, value),
        battlefield=compile_battlefield(scenario, value, runs),
        schedule=compile_schedule(scenario, value),
        outcomes=compile_outcomes(scenario, value),
        humanitarian=compile_humanitarian(scenario, value, runs),
    )


def compile_actors(scenario: Any, value: Value, runs: int) -> Actors:
    """The ``actors`` block: one column per actor, in scenario order."""
    issues, actors = list(scenario.issues), list(scenario.actors)
    A, n_i = len(actors), len(issues)
    position, ideal, salience = (np.empty((runs, A, n_i)) for _ in range(3))
    capability, reservation, risk, authority, engagement, margin, information = (
        np.empty((runs, A)) for _ in range(7))
    leverage = np.zeros((runs, A, A))
    strategies: list[Strategy | None] = []
    mediator, method = -1, "midpoint"
    for a, aid in enumerate(actors):
        act = scenario.actors[aid]
        pre = f"actors.{aid}"
        capability[:, a] = value(f"{pre}.capability", act.capability)
        reservation[:, a] = value(f"{pre}.reservation", act.reservation)
        risk[:, a] = value(f"{pre}.risk", act.risk)
        authority[:, a] = value(f"{pre}.delegation.authority", act.delegation.authority)
        engagement[:, a] = value(f"{pre}.engagement", act.engagement)
        margin[:, a] = value(f"{pre}.delegation.margin", act.delegation.margin)
        information[:, a] = value(f"{pre}.information", act.information)
        ideal_map = act.ideal or {}
        for i, iid in enumerate(issues):
            position[:, a, i] = value(f"{pre}.position.{iid}", act.position[iid])
            salience[:, a, i] = value(f"{pre}.salience.{iid}", act.salience[iid])
            if iid in ideal_map:
                ideal[:, a, i] = value(f"{pre}.ideal.{iid}", ideal_map[iid])
            else:
                ideal[:, a, i] = position[:, a, i]
        for target, lev in (act.leverage or {}).items():
            leverage[:, a, actors.index(target)] = value(f"{pre}.leverage.{target}", lev)
        if act.role == "party":
            params = {k: v if not _is_dist(v) else value(f"{pre}.strategy.{k}", v)
                      for k, v in act.strategy.params.items()}
            strategies.append(build(act.strategy.name, **params))
        else:
            strategies.append(None)
        if act.role == "mediator" and mediator < 0:
            mediator = a
            method = act.mediator.method if act.mediator is not None else "nash"
    is_party = np.array([scenario.actors[a].role == "party" for a in actors])
    return Actors(
        ids=actors, names=[scenario.actors[a].name for a in actors],
        roles=[scenario.actors[a].role for a in actors], is_party=is_party,
        party_idx=np.flatnonzero(is_party), mediator=mediator, mediator_method=method,
        capability=capability, position=position, ideal=ideal, salience=salience,
        reservation=reservation, risk=risk, authority=authority, margin=margin,
        engagement=engagement, leverage=leverage, information=information,
        strategies=strategies,
    )


def compile_agenda(scenario: Any, value: Value) -> Agenda:
    """The ``agenda`` block: issues, tracks, the ceasefire issue and the negotiation rules."""
    issues = list(scenario.issues)
    cf = next(i for i, iid in enumerate(issues) if scenario.issues[iid].decides_ceasefire)
    neg = scenario.negotiation
    status_quo = [getattr(scenario.issues[i], "status_quo", None) for i in issues]
    return Agenda(
        issue_ids=issues,
        ceasefire_issue=cf,
        ceasefire_threshold=float(scenario.issues[issues[cf]].ceasefire_threshold),
        ceasefire_side=getattr(scenario.issues[issues[cf]], "ceasefire_side", "low"),
        separate=np.array([scenario.issues[i].track == "separate" for i in issues]),
        first=np.array([i in set(neg.first) for i in issues]),
        status_quo=np.array([np.nan if sq is None else float(sq) for sq in status_quo]),
        protocol=neg.protocol,
        sessions=int(scenario.sessions),
        deadline=None if neg.deadline is None else int(neg.deadline),
        mode=neg.agenda,
        noise_sd=value("negotiation.acceptance_noise", neg.acceptance_noise),
        walkout_threshold=value("negotiation.walkout.threshold", neg.walkout.threshold),
        walkout_hazard=value("negotiation.walkout.hazard", neg.walkout.hazard),
        walkout_softness=value("negotiation.walkout.softness", neg.walkout.softness),
        protocol_options=dict(neg.expected_utility.model_dump()) if neg.expected_utility else {},
    )


def compile_battlefield(scenario: Any, value: Value, runs: int) -> Battlefield:
    """The ``battlefield`` block (zeros and no sides when the scenario has none).

    A side without ``beliefs`` believes the true edge of its replication, strength 3.
    """
    actors = list(scenario.actors)
    A = len(actors)
    war_cost, prior_mean = np.zeros((runs, A)), np.zeros((runs, A))
    prior_strength = np.ones((runs, A))
    bf = scenario.battlefield
    zero = np.zeros(runs)
    if bf is None:
        # no battlefield: costs (from pressure) are still weighed over the default horizon
        horizon = np.full(runs, float(cost_horizon(DEFAULT_DISCOUNT, np.inf)))
        return Battlefield(None, zero, np.ones(runs), prior_mean, prior_strength, zero,
                           horizon, war_cost, zero)
    for aid, cost in (bf.war_cost or {}).items():
        war_cost[:, actors.index(aid)] = value(f"battlefield.war_cost.{aid}", cost)
    edge = value("battlefield.edge", bf.edge)
    for side in bf.sides:
        a = actors.index(side)
        held = bf.beliefs.get(side)
        if held is None:
            prior_mean[:, a], prior_strength[:, a] = edge, DEFAULT_BELIEF_STRENGTH
        else:
            prior_mean[:, a] = value(f"battlefield.beliefs.{side}.mean", held.mean)
            prior_strength[:, a] = value(f"battlefield.beliefs.{side}.strength", held.strength)
    discount = value("battlefield.discount", bf.discount)
    return Battlefield(
        sides=(actors.index(bf.sides[0]), actors.index(bf.sides[1])),
        edge=edge,
        volatility=value("battlefield.volatility", bf.volatility),
        prior_mean=prior_mean, prior_strength=prior_strength,
        stake=value("battlefield.stake", bf.stake),
        horizon=cost_horizon(discount, np.inf),
        war_cost=war_cost,
        rearm_fear=value("battlefield.rearm_fear", bf.rearm_fear),
    )


def compile_schedule(scenario: Any, value: Value) -> Schedule:
    """The ``schedule`` block: conditional pressure and chance events, in scenario order."""
    actors = list(scenario.actors)
    pressures = []
    for name, q in scenario.pressure.items():
        kind = "no_agreement_by" if q.when.no_agreement_by is not None else "session"
        at = (q.when.no_agreement_by if kind == "no_agreement_by"
              else _session(scenario, q.when.session, q.when.date))
        pressures.append(PressureSpec(
            name, actors.index(q.by), actors.index(q.on), kind, int(at),
            value(f"pressure.{name}.war_cost", q.war_cost),
            value(f"pressure.{name}.leverage", q.leverage),
        ))
    events = []
    for name, e in scenario.events.items():
        sets = [(*settable.target(path, actors), float(v)) for path, v in e.set.items()]
        events.append(EventSpec(name, _session(scenario, e.session, e.date),
                                value(f"events.{name}.probability", e.probability), sets))
    return Schedule(pressures, events)


def _session(scenario: Any, session: int | None, date: Any) -> int:
    """The session of an event or measure given by session or by date (the calendar's)."""
    if session is not None:
        return int(session)
    return int(scenario.calendar.session_of(date))


def compile_outcomes(scenario: Any, value: Value) -> Outcomes:
    """The ``outcomes`` block: dictated-peace margin and durability."""
    issues = list(scenario.issues)
    out = scenario.outcomes
    dur = out.durability

    def issue_index(iid: str | None) -> int:
        return issues.index(iid) if iid else -1

    return Outcomes(
        dictated_margin=value("outcomes.dictated_peace_margin", out.dictated_peace_margin),
        durability_days=float(dur.days),
        hazards=np.stack([value(f"outcomes.durability.hazards.{kind}", default if h is None else h)
                          for kind, default in zip(KINDS, MONTHLY_HAZARD, strict=True)
                          for h in [getattr(dur.hazards, kind)]], axis=1),
        monitors=value("outcomes.durability.monitors", dur.monitors),
        guarantees=value("outcomes.durability.guarantees", dur.guarantees),
        imposed=value("outcomes.durability.imposed", dur.imposed),
        monitors_issue=issue_index(dur.monitors_issue),
        monitors_below=float(dur.monitors_below),
        guarantees_issue=issue_index(dur.guarantees_issue),
        guarantees_below=float(dur.guarantees_below),
    )


def compile_humanitarian(scenario: Any, value: Value, runs: int) -> Humanitarian:
    """The ``humanitarian`` block: which issue is exchanged every session, and how likely."""
    issues = list(scenario.issues)
    repeated = np.zeros(len(issues), bool)
    track = getattr(scenario, "humanitarian", None)
    if track is None:
        return Humanitarian(-1, repeated, np.zeros(runs), np.full(runs, TRUST_EFFECT))
    issue = issues.index(track.issue)
    repeated[issue] = True
    return Humanitarian(
        issue=issue, repeated=repeated,
        rate=value("humanitarian.rate", track.rate),
        trust_effect=value("humanitarian.trust_effect", track.trust_effect),
    )
