"""The Istanbul 2025 baseline: its structure, the domain table it encodes, sourced numbers."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from sim.scenario import is_distribution, load_scenario, uncertain_inputs
from sim.scenario.numbers import Beta, Normal, Triangular, Uniform

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "istanbul_2025.yaml"

ISSUES = ["territory", "alignment", "security_guarantees", "military_limits", "sanctions",
          "ceasefire", "governance", "accountability", "humanitarian"]

# reference table "Positions (P) and salience (S)" of the domain research, in ISSUES order
TABLE = {
    "russia": ([98, 100, 95, 95, 95, 92, 90, 100, 40],
               [0.90, 0.95, 0.90, 0.80, 0.60, 0.70, 0.50, 0.40, 0.30], 0.80),
    "ukraine": ([35, 25, 5, 0, 20, 0, 15, 10, 0],
                [0.95, 0.60, 1.00, 0.90, 0.55, 0.85, 0.60, 0.50, 0.75], 0.50),
    "usa": ([55, 70, 55, 20, 50, 25, 40, 65, 10],
            [0.50, 0.50, 0.60, 0.30, 0.50, 0.75, 0.20, 0.30, 0.40], 1.00),
    "turkey": ([35, 55, 40, 40, 75, 15, 30, 50, 5],
               [0.30, 0.40, 0.50, 0.20, 0.50, 0.70, 0.10, 0.20, 0.70], 0.30),
    "germany": ([30, 45, 30, 5, 10, 5, 5, 25, 5],
                [0.70, 0.50, 0.70, 0.60, 0.70, 0.70, 0.30, 0.50, 0.40], 0.45),
    "france": ([30, 35, 10, 10, 10, 15, 5, 30, 5],
               [0.70, 0.50, 0.80, 0.60, 0.70, 0.60, 0.30, 0.50, 0.40], 0.40),
    "uk": ([25, 30, 5, 5, 5, 5, 5, 20, 5],
           [0.70, 0.50, 0.85, 0.60, 0.70, 0.70, 0.30, 0.50, 0.40], 0.40),
    "eu": ([25, 30, 25, 5, 0, 5, 5, 10, 5],
           [0.75, 0.50, 0.60, 0.60, 0.90, 0.70, 0.40, 0.70, 0.40], 0.55),
    "poland": ([20, 20, 20, 0, 0, 10, 15, 10, 5],
               [0.85, 0.70, 0.80, 0.70, 0.80, 0.60, 0.40, 0.60, 0.40], 0.25),
}


# the parties' saliences are triangular priors around the table's value, +-0.1 within [0, 1]
UNCERTAIN_SALIENCE = {"russia", "ukraine"}


@pytest.fixture(scope="module")
def scn():
    return load_scenario(BASELINE)


def _mean(value):
    return value.expectation() if is_distribution(value) else value


def test_issues(scn):
    assert scn.issue_ids == ISSUES
    assert scn.ceasefire_issue == "ceasefire"
    assert scn.issues["humanitarian"].track == "separate"
    assert all(issue.anchors and issue.label for issue in scn.issues.values())


def test_actors_and_roles(scn):
    assert set(scn.actor_ids) == set(TABLE)
    assert scn.parties == ["russia", "ukraine"]
    assert scn.actors["turkey"].role == "mediator"
    assert scn.actors["turkey"].mediator.method == "nash"
    others = {"usa", "eu", "germany", "france", "uk", "poland"}
    assert {a for a, actor in scn.actors.items() if actor.role == "third_party"} == others


@pytest.mark.parametrize("actor", list(TABLE))
def test_positions_saliences_and_capabilities_follow_the_domain_table(scn, actor):
    positions, saliences, capability = TABLE[actor]
    assert scn.actors[actor].position == dict(zip(ISSUES, positions, strict=True))
    if actor in UNCERTAIN_SALIENCE:
        assert scn.actors[actor].salience == {
            issue: Triangular(dist="triangular", low=round(max(0.0, s - 0.1), 2), mode=s,
                              high=round(min(1.0, s + 0.1), 2))
            for issue, s in zip(ISSUES, saliences, strict=True)}
    else:
        assert scn.actors[actor].salience == dict(zip(ISSUES, saliences, strict=True))
    assert scn.actors[actor].capability == capability


def test_delegations_and_engagement(scn):
    russia, ukraine = scn.actors["russia"], scn.actors["ukraine"]
    assert russia.delegation.authority == Beta(dist="beta", a=4, b=6)  # mean 0.4
    assert ukraine.delegation.authority == Beta(dist="beta", a=8, b=2)  # mean 0.8
    assert _mean(russia.delegation.authority) < _mean(ukraine.delegation.authority)
    assert russia.delegation.margin == ukraine.delegation.margin == 0.05
    assert scn.actors["usa"].engagement == Beta(dist="beta", a=5, b=5)
    assert _mean(scn.actors["usa"].engagement) < 1
    assert all(set(a.leverage) <= {"russia", "ukraine"} for a in scn.actors.values())
    # leverage is a utility bonus for deals the actor backs: small beside the reservations
    assert all(max(_mean(v) for v in a.leverage.values()) <= 0.05
               for a in scn.actors.values() if a.leverage)
    assert scn.actors["turkey"].information == Uniform(dist="uniform", low=0.0, high=1.0)


def test_reservations_and_strategies(scn):
    russia, ukraine = scn.actors["russia"], scn.actors["ukraine"]
    assert russia.reservation == Beta(dist="beta", a=7, b=13)  # mean 0.35
    assert ukraine.reservation == Beta(dist="beta", a=6, b=14)  # mean 0.30
    assert russia.strategy.name == "hardliner"
    assert russia.strategy.params == {"threshold": 0.012,
                                      "rate": Uniform(dist="uniform", low=0.05, high=0.15)}
    assert ukraine.strategy.name == "tit_for_tat"
    assert "actors.russia.strategy.rate" in [u.path for u in uncertain_inputs(scn)]
    backers = {a: actor.reservation for a, actor in scn.actors.items()
               if actor.role == "third_party"}
    assert backers == {"usa": 0.3, "eu": 0.45, "germany": 0.45, "france": 0.45, "uk": 0.45,
                       "poland": 0.45}


def test_battlefield_pressure_and_events(scn):
    bf = scn.battlefield
    assert bf.sides == ["russia", "ukraine"]
    assert bf.edge == Normal(dist="normal", mean=0.1, sd=0.1, clip=True)
    paths = [u.path for u in uncertain_inputs(scn)]
    assert {"battlefield.edge", "battlefield.beliefs.russia.mean",
            "battlefield.beliefs.ukraine.mean", "battlefield.war_cost.russia",
            "battlefield.war_cost.ukraine"} <= set(paths)
    # mutual optimism: Russia believes in a larger edge than the true one, Ukraine in a smaller
    assert _mean(bf.beliefs["ukraine"].mean) < _mean(bf.edge) < _mean(bf.beliefs["russia"].mean)
    assert _mean(bf.beliefs["russia"].strength) == _mean(bf.beliefs["ukraine"].strength) == 3
    means = tuple(_mean(x) for x in (bf.volatility, bf.stake, bf.discount, bf.rearm_fear))
    assert means == pytest.approx((0.2, 0.1, 0.8, 0.5))
    assert _mean(bf.war_cost["russia"]) < _mean(bf.war_cost["ukraine"])
    eu, us = scn.pressure["eu_sanctions"], scn.pressure["us_push_on_kyiv"]
    assert (eu.by, eu.on, eu.when.no_agreement_by) == ("eu", "russia", 1)
    assert _mean(eu.war_cost) == pytest.approx(0.004)
    assert (us.by, us.on, us.when.date) == ("usa", "ukraine", dt.date(2025, 8, 1))
    assert _mean(us.war_cost) == pytest.approx(0.003)
    for name in ("putin_attends", "trump_attends"):  # 5% each: the Kremlin said he would not go
        assert _mean(scn.events[name].probability) == pytest.approx(0.05)
    assert scn.calendar.session_of(us.when.date) == 5  # the session of 8 August 2025
    assert scn.events["putin_attends"].set == {"actors.russia.delegation.authority": 1.0}
    assert scn.events["trump_attends"].set == {"actors.usa.engagement": 1.0}
    assert scn.events["putin_attends"].session == scn.events["trump_attends"].session == 2


def test_run_settings(scn):
    assert (scn.seed, scn.runs, scn.sessions) == (20250516, 2000, 12)
    assert (scn.calendar.start, scn.calendar.every_days) == (dt.date(2025, 5, 16), 21)
    assert scn.negotiation.protocol == "mediated"
    assert scn.outcomes.durability.monitors_issue == "ceasefire"
    assert scn.outcomes.durability.guarantees_issue == "security_guarantees"


def test_the_humanitarian_track_is_exchanged_session_after_session(scn):
    track = scn.humanitarian
    assert track is not None and track.issue == "humanitarian"
    assert scn.issues["humanitarian"].track == "separate"
    assert (track.rate.dist, track.rate.a, track.rate.b) == ("beta", 6, 4)  # mean 0.6
    assert _mean(track.trust_effect) == pytest.approx(1.5)
    assert "humanitarian.rate" in [u.path for u in uncertain_inputs(scn)]
    for variant in BASELINE.parent.glob("istanbul_2025_*.yaml"):  # the variants inherit it
        assert load_scenario(variant).humanitarian == track


_NUMERIC_VALUE = re.compile(r"^\s*[\w.]+:\s*(-?[\d.]+|\{[^}]*\d[^}]*\})\s*(#.*)?$")
_ANCHOR = re.compile(r"^\s*\d+(\.\d+)?:")


def test_every_number_carries_a_source_comment():
    missing = []
    for number, line in enumerate(BASELINE.read_text(encoding="utf-8").splitlines(), start=1):
        if line.lstrip().startswith("#"):
            continue
        if (_NUMERIC_VALUE.match(line) or _ANCHOR.match(line)) and "#" not in line:
            missing.append(f"line {number}: {line.strip()}")
    assert missing == []


def test_the_2022_round_has_its_own_calendar_and_a_front_favouring_ukraine():
    scn = load_scenario(BASELINE.parent / "istanbul_2022.yaml")
    assert scn.issue_ids == ISSUES and scn.parties == ["russia", "ukraine"]
    assert (scn.sessions, scn.calendar.start, scn.calendar.every_days) == (
        12, dt.date(2022, 2, 28), 7)
    bf = scn.battlefield
    assert bf.edge == Normal(dist="normal", mean=-0.1, sd=0.1)  # after the Kyiv withdrawal
    assert _mean(bf.beliefs["ukraine"].mean) < _mean(bf.edge) < _mean(bf.beliefs["russia"].mean)
    assert (_mean(bf.stake), _mean(bf.rearm_fear)) == pytest.approx((0.2, 0.4))
    meeting = scn.events["leaders_meeting"]
    assert (meeting.session, meeting.date) == (None, dt.date(2022, 3, 29))
    assert scn.calendar.session_of(meeting.date) == 6  # the first session on or after it
    assert scn.calendar.date_of(6) == dt.date(2022, 4, 4)
