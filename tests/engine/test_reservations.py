"""Property: a settlement leaves no party below its reservation (docs/ODD.md §7.7).

What the acceptance rule promises: without acceptance noise a party accepts a main-track text
only when it is worth at least its reservation of the session it answers in, counting what the
third parties that back the text add (here none: the random scenarios are run without leverage,
so the runs table's ``utility.<id>`` is the whole of what a party gets). A principal ratifies
an initialled text by the same rule. Reservations move with beliefs and costs, so the promise
is about the reservation at the time of acceptance; a comprehensive settlement ends the talks in
the session its last issues are accepted, so for it that is the reservation of the final state.
Partial settlements are left out: ``utility.<id>`` renormalises saliences over the settled
issues only, so it is not a number the party ever compared with its reservation.

It holds for both protocols and both agendas: a party restates its terms to be worth exactly
its aspiration (logrolling), so under ``issue_by_issue`` every issue it accepts is worth at
least its own terms there and the package of them at least its aspiration.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
import yaml
from helpers.scenarios import scenarios
from hypothesis import HealthCheck, example, given, settings

from sim.batch.finish import finish
from sim.engine.runner import replication_inputs, simulate
from sim.engine.vector import run_batch
from sim.rules.outcome import COMPREHENSIVE
from sim.scenario import load_scenario

RUNS, SEED = 4, 3
PROPERTY = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def without_noise(protocol: str, agenda: str):
    """Map a random scenario to one with the given protocol and agenda and no acceptance noise.

    Every issue goes on the main track: the reservation bounds what a party accepts on the main
    track; a separate-track issue is judged against its status quo on its own (docs/ODD.md
    §7.7), so it can lower a party's utility of everything settled below its reservation.
    """

    def change(data: dict) -> dict:
        data = copy.deepcopy(data)
        data["negotiation"].update(protocol=protocol, agenda=agenda, acceptance_noise=0.0)
        for issue in data["issues"].values():
            issue["track"] = "main"
        for actor in data["actors"].values():
            actor.pop("leverage", None)
        return data

    return change


def shortfalls(tmp_path_factory, data: dict) -> list[tuple]:
    """(run, party, utility, floor) where a comprehensive settlement leaves a party below floor.

    floor = the party's reservation in the final state.
    Runs the vector engine on the replications ``simulate`` would run; ``finish`` is what fills
    the runs table's outcome and ``utility.<actor>`` columns.
    """
    path = tmp_path_factory.mktemp("reservation") / "s.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    _, dr, p = replication_inputs(load_scenario(path), SEED, 0, RUNS)
    st = run_batch(p, dr, trace=False)[0].state
    fin = finish(p, st, dr)
    floor = st.reservation.copy()
    found = []
    for k in np.flatnonzero(fin.outcome == COMPREHENSIVE):
        for a in p.actors.party_idx:
            if fin.utility[k, a] < floor[k, a] - 1e-9:
                found.append((int(k), p.actors.ids[a], float(fin.utility[k, a]),
                              float(floor[k, a])))
    return found


def _party(position, ideal, reservation=0.0, capability=0.5, strategy="linear", salience=1.0):
    return {"name": "P", "role": "party", "capability": capability, "position": position,
            "ideal": ideal, "salience": dict.fromkeys(position, salience),
            "reservation": reservation, "strategy": {"name": strategy},
            "delegation": {"authority": 1.0}}


def _scenario(issues, actors, protocol, sessions, agenda="issue_by_issue", mediator="nash"):
    issues = {"ceasefire": {"label": "Ceasefire", "decides_ceasefire": True},
              **{i: {"label": i} for i in issues[1:]}}
    some = next(iter(actors.values()))["position"]
    actors = {**actors, "m": {"name": "M", "role": "mediator", "position": some,
                              "salience": dict.fromkeys(some, 1.0),
                              "mediator": {"method": mediator}}}
    return {"schema": 2, "name": "minimal", "issues": issues, "actors": actors,
            "sessions": sessions,
            "negotiation": {"protocol": protocol, "agenda": agenda,
                            "deadline": sessions, "acceptance_noise": 0.0,
                            "walkout": {"threshold": 1.0, "hazard": 0.0}}}


def pressed(protocol: str) -> dict:
    """One issue, one session: party p0 (ideal 100, reservation 0.5, capability 0) states 0, so
    its stated terms are worth 0 to it; p1's ideal is 0.

    Mediated, the text is 0 and p0 refuses it (stalemate). Alternating, p0 proposes first: it
    tables its stated terms, p1 accepts them, but p0 does not accept its own text below its
    reservation: stalemate again.
    """
    return _scenario(
        ["ceasefire"],
        {"p0": _party({"ceasefire": 0.0}, {"ceasefire": 100.0}, reservation=0.5, capability=0.0),
         "p1": _party({"ceasefire": 0.0}, {"ceasefire": 0.0})},
        protocol=protocol, sessions=1, agenda="package")


# Mediated midpoint texts, two issues, issue by issue, two sessions, opposite ideals (100 and 0)
# with equal weights and reservations 0.55: no text gives both 0.55 (u_0 + u_1 <= 1). The sides
# state 77.5/77.5 and 22.5/22.5, so the text 50/50 is worth 0.6375 to each side issue by issue
# (that issue at 50, its own stated terms on the other).
JOINT_ISSUES = _scenario(
    ["ceasefire", "land"],
    {"p0": _party({"ceasefire": 77.5, "land": 77.5}, {"ceasefire": 100.0, "land": 100.0},
                  reservation=0.55),
     "p1": _party({"ceasefire": 22.5, "land": 22.5}, {"ceasefire": 0.0, "land": 0.0},
                  reservation=0.55)},
    protocol="mediated", sessions=2, mediator="midpoint")


@PROPERTY
@given(scenarios().map(without_noise("mediated", "package")))
@example(pressed("mediated"))  # random scenarios seldom press a party below its reservation
def test_a_mediated_package_deal_leaves_every_party_its_reservation(tmp_path_factory, data):
    assert shortfalls(tmp_path_factory, data) == []


@PROPERTY
@given(scenarios().map(without_noise("alternating", "package")))
@example(pressed("alternating"))
def test_an_alternating_deal_leaves_every_party_its_reservation(tmp_path_factory, data):
    assert shortfalls(tmp_path_factory, data) == []


@PROPERTY
@given(scenarios().map(without_noise("mediated", "issue_by_issue")))
@example(JOINT_ISSUES)
def test_an_issue_by_issue_deal_leaves_every_party_its_reservation(tmp_path_factory, data):
    assert shortfalls(tmp_path_factory, data) == []


@pytest.mark.parametrize("protocol, outcome", [("mediated", "stalemate"),
                                               ("alternating", "stalemate")])
def test_the_pressed_party_example(tmp_path_factory, protocol, outcome):
    """The numbers of ``pressed``: the party refuses terms worth 0 < 0.5 to it, also as the
    proposer of its own terms under alternating offers."""
    path = tmp_path_factory.mktemp("pressed") / "s.yaml"
    path.write_text(yaml.safe_dump(pressed(protocol), sort_keys=False))
    runs = simulate(load_scenario(path), runs=RUNS, seed=SEED).runs
    assert (runs["outcome"] == outcome).all()
    if outcome == "comprehensive":
        assert runs["terms.ceasefire"].tolist() == [0.0] * RUNS
        assert runs["utility.p0"].tolist() == [0.0] * RUNS


def test_the_joint_issues_example(tmp_path_factory):
    """Issue by issue the text is worth 0.6375 > 0.55 to each side, but no text gives both
    sides 0.55 (opposite ideals, equal weights: u_0 + u_1 <= 1): without a bargaining range
    nothing on the main track settles."""
    path = tmp_path_factory.mktemp("joint") / "s.yaml"
    path.write_text(yaml.safe_dump(JOINT_ISSUES, sort_keys=False))
    runs = simulate(load_scenario(path), runs=RUNS, seed=SEED).runs
    assert (runs["outcome"] == "stalemate").all()
    assert runs[["terms.ceasefire", "terms.land"]].isna().all().all()
