"""Checks that relate one part of a scenario to another.

Each check returns ``(key path, message)`` pairs so that the loader can point at the line of
the offending key. They run after every part has passed its own validation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

from sim.batch.settable import RUNTIME_SETTABLE, match
from sim.scenario.errors import did_you_mean, one_of
from sim.scenario.strategy import strategy_registry

if TYPE_CHECKING:
    from sim.scenario.models import Scenario

Problem = tuple[tuple[str, ...], str]

def consistency_problems(scn: Scenario) -> list[Problem]:
    """All cross-reference problems of ``scn`` (empty when it is consistent)."""
    return [
        *_issue_problems(scn),
        *_actor_problems(scn),
        *_battlefield_problems(scn),
        *_pressure_problems(scn),
        *_event_problems(scn),
        *_reference_problems(scn),
        *_humanitarian_problems(scn),
        *_dated_problems(scn),
        *_reach_problems(scn),
    ]


def _unknown(kind: str, name: str, known: list[str]) -> str:
    return f"unknown {kind} '{name}'{did_you_mean(name, known)}"


def _party(scn: Scenario, name: str) -> str | None:
    """Message if ``name`` is not a party of ``scn``, else None."""
    if name not in scn.actors:
        return _unknown("actor", name, scn.actor_ids) + f" (parties: {', '.join(scn.parties)})"
    if scn.actors[name].role != "party":
        return f"'{name}' is a {scn.actors[name].role}, not a party (parties: " \
            f"{', '.join(scn.parties)})"
    return None


def _issue_problems(scn: Scenario) -> Iterator[Problem]:
    deciding = [i for i, issue in scn.issues.items() if issue.decides_ceasefire]
    if not deciding:
        yield ("issues",), "exactly one issue needs 'decides_ceasefire: true'; none has it"
    for extra in deciding[1:]:
        yield (("issues", extra, "decides_ceasefire"),
               f"only one issue may decide the ceasefire; '{deciding[0]}' already does")


def _actor_problems(scn: Scenario) -> Iterator[Problem]:
    issues = scn.issue_ids
    if len(scn.parties) < 2:
        yield ("actors",), f"at least two actors need role 'party' (found {len(scn.parties)})"
    for a, actor in scn.actors.items():
        for field in ("position", "salience", "ideal"):
            values = getattr(actor, field)
            if values is None:
                continue
            for key in values:
                if key not in scn.issues:
                    yield ("actors", a, field, key), _unknown("issue", key, issues)
            missing = [i for i in issues if i not in values]
            if missing and field != "ideal":
                yield (("actors", a, field),
                       f"missing issue {one_of(missing)}: every issue needs a value")
        for target in actor.leverage:
            if (msg := _party(scn, target)) is not None:
                yield ("actors", a, "leverage", target), f"leverage target: {msg}"
    yield from _deadline_problems(scn)


def _deadline_problems(scn: Scenario) -> Iterator[Problem]:
    """A strategy that concedes on a clock needs a deadline the parties know."""
    if scn.negotiation.deadline is not None:
        return
    registry = strategy_registry()
    if registry is None:
        return
    for a, actor in scn.actors.items():
        if actor.role != "party":
            continue
        try:
            cls = registry.get(actor.strategy.name)
        except KeyError:
            continue  # reported by the strategy block itself
        if getattr(cls, "needs_deadline", False):
            yield (("actors", a, "strategy", "name"),
                   f"strategy '{actor.strategy.name}' concedes on a clock and needs a deadline "
                   "the parties know: set negotiation.deadline (a session number), or choose a "
                   "strategy that concedes on costs and the other side's moves (steady, "
                   "hardliner, tit_for_tat, zeuthen)")


def _battlefield_problems(scn: Scenario) -> Iterator[Problem]:
    bf = scn.battlefield
    if bf is None:
        return
    for k, side in enumerate(bf.sides):
        if (msg := _party(scn, side)) is not None:
            yield ("battlefield", "sides", str(k)), msg
    if bf.sides[0] == bf.sides[1]:
        yield ("battlefield", "sides"), "the two sides must be different parties"
    for party in bf.war_cost:
        if (msg := _party(scn, party)) is not None:
            yield ("battlefield", "war_cost", party), msg
    for side in bf.beliefs:
        if side not in bf.sides:
            yield (("battlefield", "beliefs", side),
                   f"beliefs are held by the two sides ({', '.join(bf.sides)}), not '{side}'"
                   + did_you_mean(side, list(bf.sides)))


def _reach_problems(scn: Scenario) -> Iterator[Problem]:
    """A distribution must keep its draws inside its key's range, unless it says clip: true."""
    from sim.scenario.uncertain import uncertain_inputs  # it imports the models, as we are

    for inp in uncertain_inputs(scn):
        if inp.dist.clip:
            continue
        if inp.dist.dist == "posterior":  # its draws are the rows of the calibration's table
            from sim.scenario import posterior

            if posterior.check(inp.dist, inp.path) is not None:
                continue  # no such file or column: reported with the posterior's own message
            table = posterior.load_table(inp.dist.file)
            drawn = np.diff(table.cumulative, prepend=0.0) > 0  # rows of weight 0 never are
            values = table.columns[posterior.column(inp.dist, inp.path)][drawn]
            low, high = float(values.min()), float(values.max())
        else:
            low, high = inp.dist.reach()
        if inp.lo <= low and high <= inp.hi:
            continue
        kind = inp.dist.dist
        span = (f"99.9% of its draws lie from {low:.3g} to {high:.3g}" if kind == "normal"
                else f"its draws go from {low:g} to {high:g}")
        yield (tuple(inp.path.split(".")),
               f"the {kind} distribution reaches outside the key's range {inp.lo:g} to "
               f"{inp.hi:g} ({span}); narrow it, or add 'clip: true' to the distribution to "
               "clip every draw into the range")


def _dated_problems(scn: Scenario) -> Iterator[Problem]:
    """A date needs a calendar to say which session it falls in."""
    if scn.calendar is not None:
        return
    for name, event in scn.events.items():
        if event.date is not None:
            yield (("events", name, "date"),
                   "an event by date needs a calendar: add calendar: {start: YYYY-MM-DD, "
                   "every_days: N}, or give the session")
    for name, measure in scn.pressure.items():
        if measure.when.date is not None:
            yield (("pressure", name, "when", "date"),
                   "a measure by date needs a calendar: add calendar: {start: YYYY-MM-DD, "
                   "every_days: N}, or give the session")


def _pressure_problems(scn: Scenario) -> Iterator[Problem]:
    for name, pressure in scn.pressure.items():
        if pressure.by not in scn.actors:
            yield ("pressure", name, "by"), _unknown("actor", pressure.by, scn.actor_ids)
        if (msg := _party(scn, pressure.on)) is not None:
            yield ("pressure", name, "on"), msg


def _event_problems(scn: Scenario) -> Iterator[Problem]:
    for name in scn.events:
        if name in scn.pressure:
            yield (("events", name),
                   f"the name {name!r} is used by an event and by a pressure measure; each "
                   "needs its own name (both are recorded as fired.<name>)")
    yield from _event_set_problems(scn)


def _event_set_problems(scn: Scenario) -> Iterator[Problem]:
    for name, event in scn.events.items():
        for path, value in event.set.items():
            loc = ("events", name, "set", path)
            msg = _settable_problem(scn, path)
            low = -1 if path.startswith("battlefield.beliefs.") else 0
            if msg is None and not low <= value <= 1:
                msg = f"expected a value from {low} to 1, got {value!r}"
            if msg is not None:
                yield loc, msg


def _settable_problem(scn: Scenario, path: str) -> str | None:
    found = match(path)
    if found is None:
        return (f"'{path}' cannot be changed by an event; settable paths are: "
                + ", ".join(RUNTIME_SETTABLE))
    groups = found[1]
    if "id" in groups and groups["id"] not in scn.actors:
        return _unknown("actor", groups["id"], scn.actor_ids)
    if "party" in groups and (msg := _party(scn, groups["party"])) is not None:
        return msg
    if path.startswith("battlefield.") and scn.battlefield is None:
        return "the scenario has no battlefield"
    if (path.startswith("battlefield.beliefs.") and scn.battlefield is not None
            and groups.get("party") not in scn.battlefield.sides):
        return (f"beliefs are held by the two sides ({', '.join(scn.battlefield.sides)}), "
                f"not '{groups.get('party')}'")
    return None


def _reference_problems(scn: Scenario) -> Iterator[Problem]:
    issues = scn.issue_ids
    for k, issue in enumerate(scn.negotiation.first):
        if issue not in scn.issues:
            yield ("negotiation", "first", str(k)), _unknown("issue", issue, issues)
    durability = scn.outcomes.durability
    for field in ("monitors_issue", "guarantees_issue"):
        issue = getattr(durability, field)
        if issue is not None and issue not in scn.issues:
            yield ("outcomes", "durability", field), _unknown("issue", issue, issues)
    if durability.monthly_hazard is not None and durability.hazards.bare_ceasefire is not None:
        yield (("outcomes", "durability", "monthly_hazard"),
               "monthly_hazard is the hazard of a bare ceasefire, which hazards.bare_ceasefire "
               "also sets: give one of the two (hazards.<kind> sets each kind of agreement)")


def _humanitarian_problems(scn: Scenario) -> Iterator[Problem]:
    track = scn.humanitarian
    if track is None:
        return
    loc = ("humanitarian", "issue")
    separate = [i for i, issue in scn.issues.items() if issue.track == "separate"]
    if track.issue not in scn.issues:
        yield loc, _unknown("issue", track.issue, scn.issue_ids) + (
            f" (separate-track issues: {', '.join(separate) or 'none'})")
    elif scn.issues[track.issue].track != "separate":
        yield loc, (f"'{track.issue}' is on the main track; the humanitarian track exchanges a "
                    "separate-track issue (track: separate; here: "
                    f"{', '.join(separate) or 'none'})")
    elif track.issue in scn.negotiation.first:
        yield loc, (f"'{track.issue}' is in negotiation.first, but an exchanged issue is never "
                    "settled, so the rest of the agenda would never open")
