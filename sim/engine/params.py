"""A validated scenario compiled into arrays, one row per replication.

Fixed numbers are broadcast; uncertain numbers (distributions) take the values sampled for each
replication. Both engines read only this object, so they see exactly the same inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.strategies import Strategy, build

#: Runtime-settable scenario keys (the targets of ``events.<name>.set``), as (array, index kind).
SETTABLE = {
    ("delegation", "authority"): "authority",
    ("engagement",): "engagement",
    ("capability",): "capability",
    ("reservation",): "reservation",
}


@dataclass
class PressureSpec:
    """A conditional measure: fires once, then adds war cost and/or leverage from then on."""

    name: str
    by: int
    on: int
    kind: str  # "round" | "no_agreement_by_round"
    at: int
    war_cost: np.ndarray
    leverage: np.ndarray

    def fires_at(self) -> int:
        """Round in which the measure is checked."""
        return self.at if self.kind == "round" else self.at + 1


@dataclass
class EventSpec:
    """A scheduled chance event: at ``round``, with ``probability``, set some values."""

    name: str
    round: int
    probability: np.ndarray
    sets: list[tuple[str, tuple[int, ...], float]] = field(default_factory=list)


@dataclass
class Params:
    """Every number the model uses, as arrays with a leading replication axis R."""

    runs: int
    actor_ids: list[str]
    actor_names: list[str]
    roles: list[str]
    issue_ids: list[str]
    is_party: np.ndarray
    party_idx: np.ndarray
    mediator: int
    mediator_method: str
    capability: np.ndarray
    position: np.ndarray
    ideal: np.ndarray
    salience: np.ndarray
    reservation: np.ndarray
    risk: np.ndarray
    authority: np.ndarray
    engagement: np.ndarray
    leverage: np.ndarray
    strategies: list[Strategy | None]
    ceasefire_issue: int
    ceasefire_threshold: float
    ceasefire_side: str
    separate: np.ndarray
    first: np.ndarray
    status_quo: np.ndarray
    sides: tuple[int, int] | None
    momentum: np.ndarray
    drift: np.ndarray
    volatility: np.ndarray
    war_cost: np.ndarray
    momentum_effect: np.ndarray
    rearm_fear: np.ndarray
    pressures: list[PressureSpec]
    events: list[EventSpec]
    protocol: str
    max_rounds: int
    agenda: str
    noise_sd: np.ndarray
    delegation_margin: np.ndarray
    walkout_threshold: np.ndarray
    walkout_hazard: np.ndarray
    dictated_margin: np.ndarray
    durability_days: float
    monthly_hazard: np.ndarray
    monitors: np.ndarray
    guarantees: np.ndarray
    imposed: np.ndarray
    monitors_issue: int
    monitors_below: float
    guarantees_issue: int
    guarantees_below: float
    eu_options: dict = field(default_factory=dict)

    @property
    def n_actors(self) -> int:
        """Number of actors A."""
        return len(self.actor_ids)

    @property
    def n_issues(self) -> int:
        """Number of issues I."""
        return len(self.issue_ids)

    def row(self, k: int) -> Params:
        """The parameters of replication ``k`` alone (arrays keep a length-1 leading axis)."""
        out = {}
        for name, value in self.__dict__.items():
            if (
                isinstance(value, np.ndarray)
                and value.ndim >= 1
                and value.shape[0] == self.runs
                and name not in _PER_ITEM
            ):
                out[name] = value[k : k + 1]
            else:
                out[name] = value
        out["runs"] = 1
        out["pressures"] = [
            PressureSpec(
                p.name, p.by, p.on, p.kind, p.at, p.war_cost[k : k + 1], p.leverage[k : k + 1]
            )
            for p in self.pressures
        ]
        out["events"] = [
            EventSpec(e.name, e.round, e.probability[k : k + 1], e.sets) for e in self.events
        ]
        return Params(**out)


# Arrays indexed by actor or issue, not by replication (never sliced by Params.row).
_PER_ITEM = {"is_party", "party_idx", "separate", "first", "status_quo"}


def _is_dist(x) -> bool:
    return not isinstance(x, int | float)


def compile_params(scenario, samples: dict[str, np.ndarray], runs: int) -> Params:
    """Compile a validated :class:`sim.scenario.Scenario` into :class:`Params`.

    Args:
        scenario: the validated scenario (numbers or distributions).
        samples: for every uncertain input, its key path -> values, shape (runs,).
        runs: number of replications R in this batch.
    """

    def val(path: str, x) -> np.ndarray:
        if _is_dist(x):
            return np.asarray(samples[path], dtype=float)
        return np.full(runs, float(x))

    issues = list(scenario.issues)
    actors = list(scenario.actors)
    A, n_i = len(actors), len(issues)
    shape_ai = (runs, A, n_i)
    position = np.empty(shape_ai)
    ideal = np.empty(shape_ai)
    salience = np.empty(shape_ai)
    capability = np.empty((runs, A))
    reservation = np.empty((runs, A))
    risk = np.empty((runs, A))
    authority = np.empty((runs, A))
    engagement = np.empty((runs, A))
    leverage = np.zeros((runs, A, A))
    strategies: list[Strategy | None] = []
    mediator, method = -1, "midpoint"
    for a, aid in enumerate(actors):
        act = scenario.actors[aid]
        pre = f"actors.{aid}"
        capability[:, a] = val(f"{pre}.capability", act.capability)
        reservation[:, a] = val(f"{pre}.reservation", act.reservation)
        risk[:, a] = val(f"{pre}.risk", act.risk)
        authority[:, a] = val(f"{pre}.delegation.authority", act.delegation.authority)
        engagement[:, a] = val(f"{pre}.engagement", act.engagement)
        ideal_map = act.ideal or {}
        for i, iid in enumerate(issues):
            position[:, a, i] = val(f"{pre}.position.{iid}", act.position[iid])
            salience[:, a, i] = val(f"{pre}.salience.{iid}", act.salience[iid])
            if iid in ideal_map:
                ideal[:, a, i] = val(f"{pre}.ideal.{iid}", ideal_map[iid])
            else:
                ideal[:, a, i] = position[:, a, i]
        for target, lev in (act.leverage or {}).items():
            leverage[:, a, actors.index(target)] = val(f"{pre}.leverage.{target}", lev)
        if act.role == "party":
            strat = act.strategy
            params = dict(strat.model_extra or {})
            strategies.append(build(strat.name, **params))
        else:
            strategies.append(None)
        if act.role == "mediator" and mediator < 0:
            mediator = a
            method = act.mediator.method if act.mediator is not None else "nash"

    is_party = np.array([scenario.actors[a].role == "party" for a in actors])
    cf = next(i for i, iid in enumerate(issues) if scenario.issues[iid].decides_ceasefire)
    neg = scenario.negotiation
    bf = scenario.battlefield
    war_cost = np.zeros((runs, A))
    if bf is not None:
        sides = (actors.index(bf.sides[0]), actors.index(bf.sides[1]))
        momentum = val("battlefield.momentum", bf.momentum)
        drift = val("battlefield.drift", bf.drift)
        volatility = val("battlefield.volatility", bf.volatility)
        momentum_effect = val("battlefield.momentum_effect", bf.momentum_effect)
        rearm_fear = val("battlefield.rearm_fear", bf.rearm_fear)
        for aid, cost in (bf.war_cost or {}).items():
            war_cost[:, actors.index(aid)] = val(f"battlefield.war_cost.{aid}", cost)
    else:
        sides = None
        momentum = drift = volatility = momentum_effect = rearm_fear = np.zeros(runs)

    pressures = []
    for name, p in scenario.pressure.items():
        kind = "round" if getattr(p.when, "round", None) is not None else "no_agreement_by_round"
        at = p.when.round if kind == "round" else p.when.no_agreement_by_round
        pressures.append(
            PressureSpec(
                name,
                actors.index(p.by),
                actors.index(p.on),
                kind,
                int(at),
                val(f"pressure.{name}.war_cost", p.war_cost),
                val(f"pressure.{name}.leverage", p.leverage),
            )
        )
    events = []
    for name, e in scenario.events.items():
        sets = [_settable(path, value, actors) for path, value in e.set.items()]
        events.append(
            EventSpec(name, int(e.round), val(f"events.{name}.probability", e.probability), sets)
        )

    out = scenario.outcomes
    dur = out.durability

    def issue_index(iid):
        return issues.index(iid) if iid else -1

    sq = np.array(
        [
            np.nan
            if getattr(scenario.issues[i], "status_quo", None) is None
            else float(scenario.issues[i].status_quo)
            for i in issues
        ]
    )
    return Params(
        runs=runs,
        actor_ids=actors,
        actor_names=[scenario.actors[a].name for a in actors],
        roles=[scenario.actors[a].role for a in actors],
        issue_ids=issues,
        is_party=is_party,
        party_idx=np.flatnonzero(is_party),
        mediator=mediator,
        mediator_method=method,
        capability=capability,
        position=position,
        ideal=ideal,
        salience=salience,
        reservation=reservation,
        risk=risk,
        authority=authority,
        engagement=engagement,
        leverage=leverage,
        strategies=strategies,
        ceasefire_issue=cf,
        ceasefire_threshold=float(scenario.issues[issues[cf]].ceasefire_threshold),
        ceasefire_side=getattr(scenario.issues[issues[cf]], "ceasefire_side", "low"),
        separate=np.array([scenario.issues[i].track == "separate" for i in issues]),
        first=np.array([i in set(neg.first) for i in issues]),
        status_quo=sq,
        sides=sides,
        momentum=momentum,
        drift=drift,
        volatility=volatility,
        war_cost=war_cost,
        momentum_effect=momentum_effect,
        rearm_fear=rearm_fear,
        pressures=pressures,
        events=events,
        protocol=neg.protocol,
        max_rounds=int(neg.max_rounds),
        agenda=neg.agenda,
        noise_sd=val("negotiation.acceptance_noise", neg.acceptance_noise),
        delegation_margin=val("negotiation.delegation_margin", neg.delegation_margin),
        walkout_threshold=val("negotiation.walkout.threshold", neg.walkout.threshold),
        walkout_hazard=val("negotiation.walkout.hazard", neg.walkout.hazard),
        dictated_margin=val("outcomes.dictated_peace_margin", out.dictated_peace_margin),
        durability_days=float(dur.days),
        monthly_hazard=val("outcomes.durability.monthly_hazard", dur.monthly_hazard),
        monitors=val("outcomes.durability.monitors", dur.monitors),
        guarantees=val("outcomes.durability.guarantees", dur.guarantees),
        imposed=val("outcomes.durability.imposed", dur.imposed),
        monitors_issue=issue_index(dur.monitors_issue),
        monitors_below=float(dur.monitors_below),
        guarantees_issue=issue_index(dur.guarantees_issue),
        guarantees_below=float(dur.guarantees_below),
        eu_options=dict(neg.expected_utility.model_dump()) if neg.expected_utility else {},
    )


def _settable(path: str, value: float, actors: list[str]) -> tuple[str, tuple[int, ...], float]:
    """Translate an event's ``set`` key path into (array name, index, value)."""
    parts = path.split(".")
    if parts[0] == "actors":
        a = actors.index(parts[1])
        rest = tuple(parts[2:])
        if rest[0] == "leverage":
            return "leverage", (a, actors.index(rest[1])), float(value)
        return SETTABLE[rest], (a,), float(value)
    if parts[0] == "battlefield":
        if parts[1] == "war_cost":
            return "war_cost", (actors.index(parts[2]),), float(value)
        return parts[1], (), float(value)
    raise ValueError(f"key {path!r} cannot be set by an event")
