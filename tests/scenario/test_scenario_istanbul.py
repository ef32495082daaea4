"""The Istanbul 2025 baseline: its structure, the domain table it encodes, sourced numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.scenario import load_scenario, uncertain_inputs

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


@pytest.fixture(scope="module")
def scn():
    return load_scenario(BASELINE)


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
    assert scn.actors[actor].salience == dict(zip(ISSUES, saliences, strict=True))
    assert scn.actors[actor].capability == capability


def test_delegations_and_engagement(scn):
    assert scn.actors["russia"].delegation.authority < scn.actors["ukraine"].delegation.authority
    assert scn.actors["usa"].engagement < 1
    assert all(set(a.leverage) <= {"russia", "ukraine"} for a in scn.actors.values())


def test_battlefield_pressure_and_events(scn):
    assert scn.battlefield.sides == ["russia", "ukraine"]
    assert [u.path for u in uncertain_inputs(scn)][0] == "battlefield.momentum"
    assert (scn.pressure["eu_sanctions"].by, scn.pressure["eu_sanctions"].on) == ("eu", "russia")
    assert (scn.pressure["us_push_on_kyiv"].by,
            scn.pressure["us_push_on_kyiv"].on) == ("usa", "ukraine")
    assert scn.events["putin_attends"].set == {"actors.russia.delegation.authority": 1.0}
    assert scn.events["trump_attends"].set == {"actors.usa.engagement": 1.0}


def test_run_settings(scn):
    assert (scn.seed, scn.runs) == (20250516, 2000)
    assert scn.negotiation.protocol == "mediated"
    assert scn.outcomes.durability.monitors_issue == "ceasefire"
    assert scn.outcomes.durability.guarantees_issue == "security_guarantees"


def test_the_humanitarian_track_is_exchanged_session_after_session(scn):
    track = scn.humanitarian
    assert track is not None and track.issue == "humanitarian"
    assert scn.issues["humanitarian"].track == "separate"
    assert (track.rate.dist, track.rate.a, track.rate.b) == ("beta", 6, 4)  # mean 0.6
    assert track.trust_effect == 1.5
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
