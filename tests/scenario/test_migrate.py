"""Schema 1 files are still read: migrated to schema 2 on load, with a warning naming the keys.

The migration runs per file of an ``extends`` chain and before validation, so errors in a schema 1
file still point at the line where the (old) key was written; schema 1 ``--set`` keys are renamed.
Also: events and measures by date resolve to the first session of the calendar on or after it.
"""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pytest

from sim.batch.params import compile_params
from sim.scenario import ScenarioError, load_scenario, resolved_yaml
from sim.scenario.loader import SchemaMigrationWarning
from sim.scenario.migrate import migrate, rename_override
from sim.scenario.models import Calendar
from sim.scenario.numbers import Normal

# Every schema 1 key the migration maps, in one file.
SCHEMA_1 = """\
schema: 1
name: old
seed: 3
issues:
  ceasefire: {label: Ceasefire, decides_ceasefire: true}
  land: {label: Land}
actors:
  red:
    name: Red
    role: party
    position: {ceasefire: 90, land: 80}
    salience: {ceasefire: 0.5, land: 0.9}
    delegation: {authority: 0.5}
  blue:
    name: Blue
    role: party
    position: {ceasefire: 10, land: 20}
    salience: {ceasefire: 0.8, land: 0.7}
  grey:
    name: Grey
    role: third_party
    position: {ceasefire: 30, land: 40}
    salience: {ceasefire: 0.6, land: 0.3}
    leverage: {blue: 0.1}
battlefield:
  sides: [red, blue]
  momentum: {dist: normal, mean: 0.3, sd: 0.2}
  drift: 0.01
  volatility: 0.05
  momentum_effect: 0.02
  war_cost: {red: 0.005, blue: 0.01}
  rearm_fear: 0.5
pressure:
  squeeze: {by: grey, on: red, when: {no_agreement_by_round: 3}, war_cost: 0.004}
  later: {by: grey, on: blue, when: {round: 5}, war_cost: 0.002}
events:
  summit:
    round: 2
    probability: 0.1
    set: {actors.red.delegation.authority: 1.0, battlefield.momentum_effect: 0.05}
negotiation:
  max_rounds: 12
  delegation_margin: 0.1
  deadline: 12
"""

# The same scenario written by hand in schema 2.
SCHEMA_2 = """\
schema: 2
name: old
seed: 3
sessions: 12
issues:
  ceasefire: {label: Ceasefire, decides_ceasefire: true}
  land: {label: Land}
actors:
  red:
    name: Red
    role: party
    position: {ceasefire: 90, land: 80}
    salience: {ceasefire: 0.5, land: 0.9}
    delegation: {authority: 0.5, margin: 0.1}
  blue:
    name: Blue
    role: party
    position: {ceasefire: 10, land: 20}
    salience: {ceasefire: 0.8, land: 0.7}
    delegation: {margin: 0.1}
  grey:
    name: Grey
    role: third_party
    position: {ceasefire: 30, land: 40}
    salience: {ceasefire: 0.6, land: 0.3}
    leverage: {blue: 0.1}
battlefield:
  sides: [red, blue]
  edge: {dist: normal, mean: 0.3, sd: 0.2}
  volatility: 0.05
  stake: 0.02
  war_cost: {red: 0.005, blue: 0.01}
  rearm_fear: 0.5
pressure:
  squeeze: {by: grey, on: red, when: {no_agreement_by: 3}, war_cost: 0.004}
  later: {by: grey, on: blue, when: {session: 5}, war_cost: 0.002}
events:
  summit:
    session: 2
    probability: 0.1
    set: {actors.red.delegation.authority: 1.0, battlefield.stake: 0.05}
negotiation:
  deadline: 12
"""

NOTES = [
    "negotiation.max_rounds -> sessions",
    "battlefield.momentum -> battlefield.edge",
    "battlefield.momentum_effect -> battlefield.stake",
    "battlefield.drift dropped (was 0.01",
    "events.summit.round -> events.summit.session",
    "events.summit.set.battlefield.momentum_effect -> events.summit.set.battlefield.stake",
    "pressure.squeeze.when.no_agreement_by_round -> pressure.squeeze.when.no_agreement_by",
    "pressure.later.when.round -> pressure.later.when.session",
    "negotiation.delegation_margin -> actors.<party>.delegation.margin",
    "actors.<id>.leverage now adds to a party's value of agreements",
]


def _load_migrated(path, overrides=()):
    """Load a file that needs migrating; return the scenario and the one warning's text."""
    with pytest.warns(SchemaMigrationWarning) as caught:
        scn = load_scenario(path, overrides)
    assert len(caught) == 1
    return scn, str(caught[0].message)


def _load_quietly(path, overrides=()):
    """Load a file that needs no migrating: any warning fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return load_scenario(path, overrides)


# (1) a schema 1 file loads as its schema 2 equivalent, with a warning naming the mapped keys


def test_a_schema_1_file_loads_as_its_schema_2_equivalent(write):
    old, message = _load_migrated(write(SCHEMA_1, "old.yaml"))
    new = _load_quietly(write(SCHEMA_2, "new.yaml"))
    assert old == new
    assert resolved_yaml(old) == resolved_yaml(new)
    assert old.schema_version == 2
    assert old.sessions == 12 and old.battlefield.edge == Normal(dist="normal", mean=0.3, sd=0.2)
    assert old.actors["red"].delegation.margin == old.actors["blue"].delegation.margin == 0.1
    assert old.actors["grey"].delegation.margin == 0.05  # only parties have delegations
    assert old.events["summit"].session == 2 and old.events["summit"].date is None
    assert old.pressure["squeeze"].when.no_agreement_by == 3
    assert old.pressure["later"].when.session == 5


def test_the_warning_names_the_file_and_every_mapped_key(write):
    path = write(SCHEMA_1, "old.yaml")
    _, message = _load_migrated(path)
    assert message.startswith(f"{path}: read as schema 1 and migrated to schema 2 (")
    for note in NOTES:
        assert note in message, note


def test_a_schema_1_file_with_nothing_to_map_still_warns(write, minimal):
    text = minimal.replace("schema: 2", "schema: 1").replace("  edge:", "  momentum:")
    scn, message = _load_migrated(write(text))
    assert scn == load_scenario(write(minimal, "same.yaml"))
    assert "battlefield.momentum -> battlefield.edge" in message
    plain = minimal.replace("schema: 2", "schema: 1").replace("battlefield:\n", "x:\n", 1)
    plain = plain[: plain.index("x:\n")]
    _, message = _load_migrated(write(plain, "plain.yaml"))
    assert "schema number only" in message


def test_the_migration_leaves_what_it_does_not_know_to_the_validator():
    data = {"schema": 1, "negotiation": {"max_rounds": 4}, "battlefield": "not a mapping",
            "events": {"e": "not a mapping"}}
    m = migrate(data)
    assert m.data == {"schema": 2, "sessions": 4,  # a negotiation block left empty is dropped
                      "battlefield": "not a mapping", "events": {"e": "not a mapping"}}
    assert m.notes == ["negotiation.max_rounds -> sessions"]
    odd = {"schema": 1, "actors": True, "events": [1], "pressure": "x",
           "negotiation": {"delegation_margin": 0.1}}
    assert migrate(odd).data == {"schema": 2, "actors": True, "events": [1], "pressure": "x"}


@pytest.mark.parametrize("odd", ["actors: true", "events: [1, 2]", "pressure: [x]",
                                 "battlefield: 3", "negotiation: [max_rounds]"])
def test_a_schema_1_file_of_an_odd_shape_gives_a_scenario_error(write, load_error, odd):
    path = write(f"schema: 1\nname: odd\nnegotiation: {{delegation_margin: 0.1}}\n{odd}\n"
                 .replace("negotiation: {delegation_margin: 0.1}\nnegotiation", "negotiation"))
    with pytest.warns(SchemaMigrationWarning):
        assert load_error(path).problems


def test_a_schema_1_scenario_runs_like_its_schema_2_equivalent(write):
    old, _ = _load_migrated(write(SCHEMA_1, "old.yaml"))
    new = _load_quietly(write(SCHEMA_2, "new.yaml"))
    samples = {"battlefield.edge": np.array([0.1, -0.2])}
    a, b = compile_params(old, samples, 2), compile_params(new, samples, 2)
    assert a.agenda.sessions == b.agenda.sessions == 12
    assert [(e.name, e.session, e.sets) for e in a.schedule.events] == [
        (e.name, e.session, e.sets) for e in b.schedule.events]
    assert [(q.name, q.kind, q.at) for q in a.schedule.pressures] == [
        ("squeeze", "no_agreement_by", 3), ("later", "session", 5)]


# (2) an error in a schema 1 file still names the line where the old key was written


@pytest.mark.parametrize(("old", "new", "needle", "key", "expected"), [
    ("  max_rounds: 12\n", "  max_rounds: 0\n", "max_rounds", "sessions",
     "expected a number >= 1, got 0"),
    ("  momentum: {dist: normal, mean: 0.3, sd: 0.2}\n", "  momentum: 3\n", "momentum: 3",
     "battlefield.edge", "expected a number from -1 to 1"),
    ("  momentum_effect: 0.02\n", "  momentum_effect: 2\n", "momentum_effect",
     "battlefield.stake", "expected a number from 0 to 1"),
    ("    round: 2\n", "    round: 0\n", "round: 0", "events.summit.session",
     "expected a number >= 1, got 0"),
    ("when: {no_agreement_by_round: 3}", "when: {no_agreement_by_round: 0}",
     "no_agreement_by_round: 0", "pressure.squeeze.when.no_agreement_by",
     "expected a number >= 1, got 0"),
    ("  delegation_margin: 0.1\n", "  delegation_margin: 2\n", "delegation_margin",
     "actors.red.delegation.margin", "expected a number from 0 to 1"),
    ("    role: party\n", "    role: partie\n", "partie", "actors.red.role",
     "did you mean 'party'?"),  # a key the migration does not touch
    ("  rearm_fear: 0.5\n", "  rearm_fear: 0.5\n  rearm_feer: 1\n", "rearm_feer",
     "battlefield.rearm_feer", "did you mean 'rearm_fear'?"),
])
def test_an_error_in_a_schema_1_file_names_the_line_it_was_written_on(
        write, line_of, old, new, needle, key, expected):
    assert old in SCHEMA_1
    text = SCHEMA_1.replace(old, new, 1)
    path = write(text, "old.yaml")
    with pytest.warns(SchemaMigrationWarning), pytest.raises(ScenarioError) as info:
        load_scenario(path)
    problems = [p for p in info.value.problems if f": {key}: " in p]
    assert problems, info.value.message
    assert problems[0].startswith(f"{path}:{line_of(text, needle)}:")
    assert expected in problems[0]


def test_unknown_versions_are_refused_naming_what_is_read(write, minimal, load_error):
    path = write(minimal.replace("schema: 2", "schema: 3"))
    assert load_error(path).message == (
        f"{path}:1:1: schema: unsupported schema version 3; this version of ceasefire-sim reads "
        "'schema: 2' (and migrates 'schema: 1')")


# (3) a schema 2 variant may extend a schema 1 base, and a schema 1 variant a schema 2 base


def test_a_schema_2_variant_extends_a_schema_1_base(write):
    write(SCHEMA_1, "old.yaml")
    child = write("""\
        schema: 2
        extends: old.yaml
        name: child
        sessions: 6
        battlefield:
          edge: 0.1
          beliefs: {red: {mean: 0.4}}
        events:
          summit: {probability: 0.5}
        """, "child.yaml")
    scn, message = _load_migrated(child)
    base = child.parent / "old.yaml"
    assert message.startswith(f"{base}: read as schema 1 and migrated to schema 2 (")
    assert "negotiation.max_rounds -> sessions" in message  # the base's keys
    assert f"{child}:" not in message  # the variant itself is schema 2
    assert scn.name == "child" and scn.sessions == 6
    assert scn.battlefield.edge == 0.1 and scn.battlefield.beliefs["red"].mean == 0.4
    assert scn.battlefield.stake == 0.02  # the base's momentum_effect
    assert (scn.events["summit"].session, scn.events["summit"].probability) == (2, 0.5)
    assert scn.actors["blue"].delegation.margin == 0.1  # the base's delegation_margin


def test_a_schema_1_variant_extends_a_schema_2_base(write):
    write(SCHEMA_2, "new.yaml")
    child = write("""\
        schema: 1
        extends: new.yaml
        name: child
        battlefield:
          momentum: 0.1
        events:
          summit: {round: 4}
        pressure:
          squeeze: {war_cost: 0.006}
        negotiation:
          max_rounds: 6
        """, "child.yaml")
    scn, message = _load_migrated(child)
    assert "events.summit.round -> events.summit.session" in message
    assert scn.name == "child" and scn.sessions == 6 and scn.battlefield.edge == 0.1
    assert scn.events["summit"].session == 4
    assert scn.events["summit"].set == {"actors.red.delegation.authority": 1.0,
                                        "battlefield.stake": 0.05}  # kept from the base
    squeeze = scn.pressure["squeeze"]
    assert (squeeze.when.no_agreement_by, squeeze.war_cost) == (3, 0.006)
    assert scn.actors["red"].delegation.margin == 0.1  # the base's own, schema 2


def test_a_variant_without_a_schema_key_is_read_by_its_base_s_schema(write):
    write(SCHEMA_1, "old.yaml")
    child = write("extends: old.yaml\nname: child\nnegotiation: {max_rounds: 7}\n", "child.yaml")
    scn, message = _load_migrated(child)
    assert scn.sessions == 7
    # both files were schema 1: the warning names each with what was changed in it
    assert f"; {child}: read as schema 1 and migrated to schema 2 (negotiation.max_rounds -> " \
        "sessions); " in message
    assert message.startswith(f"{child.parent / 'old.yaml'}: read as schema 1")
    write(SCHEMA_2, "new.yaml")
    child = write("extends: new.yaml\nname: child2\nsessions: 7\n", "child2.yaml")
    assert _load_quietly(child).sessions == 7


def test_a_schema_1_variant_s_delegation_margin_reaches_the_base_s_parties(write):
    write(SCHEMA_1, "old.yaml")
    child = write("schema: 1\nextends: old.yaml\nname: child\n"
                  "negotiation: {delegation_margin: 0.2}\n", "child.yaml")
    scn, _ = _load_migrated(child)
    assert scn.actors["red"].delegation.margin == 0.2
    assert scn.actors["blue"].delegation.margin == 0.2
    assert scn.actors["red"].delegation.authority == 0.5  # the rest of the block is kept
    assert scn.actors["grey"].delegation.margin == 0.05  # not a party
    bad = write("schema: 1\nextends: old.yaml\nname: child\n"
                "negotiation: {delegation_margin: 2}\n", "bad.yaml")
    with pytest.warns(SchemaMigrationWarning), pytest.raises(ScenarioError) as info:
        load_scenario(bad)
    assert [p.split(": ")[0] for p in info.value.problems] == [f"{bad}:4:15"] * 2
    assert "actors.blue.delegation.margin: expected a number from 0 to 1" in info.value.message


def test_errors_point_into_the_file_of_either_schema(write, line_of):
    write(SCHEMA_1.replace("  max_rounds: 12\n", "  max_rounds: 0\n"), "old.yaml")
    child = write("schema: 2\nextends: old.yaml\nname: child\nbattlefield: {edge: 5}\n",
                  "child.yaml")
    with pytest.warns(SchemaMigrationWarning), pytest.raises(ScenarioError) as info:
        load_scenario(child)
    base = child.parent / "old.yaml"
    line = line_of(SCHEMA_1, "max_rounds")
    assert any(p.startswith(f"{base}:{line}:") and ": sessions: " in p
               for p in info.value.problems)
    assert any(p.startswith(f"{child}:4:") and ": battlefield.edge: " in p
               for p in info.value.problems)


# (4) schema 1 --set keys are renamed when the file is schema 1


@pytest.mark.parametrize(("override", "check"), [
    ("negotiation.max_rounds=5", lambda s: s.sessions == 5),
    ("battlefield.momentum.mean=-0.1",
     lambda s: s.battlefield.edge == Normal(dist="normal", mean=-0.1, sd=0.2)),
    ("battlefield.momentum=0.2", lambda s: s.battlefield.edge == 0.2),
    ("battlefield.momentum_effect=0.04", lambda s: s.battlefield.stake == 0.04),
    ("events.summit.round=3", lambda s: s.events["summit"].session == 3),
    ("pressure.squeeze.when.no_agreement_by_round=4",
     lambda s: s.pressure["squeeze"].when.no_agreement_by == 4),
    ("sessions=5", lambda s: s.sessions == 5),  # a schema 2 key works as well
])
def test_a_schema_1_override_on_a_schema_1_file(write, override, check):
    scn, _ = _load_migrated(write(SCHEMA_1, "old.yaml"), [override])
    assert check(scn)


def test_override_errors_name_the_override_as_written(write):
    with pytest.warns(SchemaMigrationWarning), pytest.raises(ScenarioError) as info:
        load_scenario(write(SCHEMA_1, "old.yaml"), ["negotiation.max_rounds=0"])
    assert "(from --set negotiation.max_rounds=0): sessions: expected a number >= 1" in \
        info.value.message


def test_schema_1_keys_are_not_renamed_for_a_schema_2_file(write, load_error):
    message = load_error(write(SCHEMA_2, "new.yaml"), ("negotiation.max_rounds=5",)).message
    assert "unknown key 'max_rounds' in negotiation" in message


@pytest.mark.parametrize(("old", "new"), [
    ("negotiation.max_rounds", "sessions"),
    ("battlefield.momentum", "battlefield.edge"),
    ("battlefield.momentum.sd", "battlefield.edge.sd"),
    ("battlefield.momentum_effect", "battlefield.stake"),
    ("events.summit.round", "events.summit.session"),
    ("pressure.p.when.round", "pressure.p.when.session"),
    ("pressure.p.when.no_agreement_by_round", "pressure.p.when.no_agreement_by"),
    ("actors.red.capability", "actors.red.capability"),
    ("battlefield.momentumx", "battlefield.momentumx"),
])
def test_rename_override(old, new):
    assert rename_override(old) == new


# (5) events and measures by date take the calendar's session


CALENDAR = Calendar(start=dt.date(2025, 5, 16), every_days=21)


@pytest.mark.parametrize(("day", "session"), [
    (dt.date(2025, 1, 1), 1),    # before the start: the first session
    (dt.date(2025, 5, 16), 1),   # the start itself
    (dt.date(2025, 5, 17), 2),   # a day later: the next session
    (dt.date(2025, 6, 6), 2),    # the day of session 2
    (dt.date(2025, 6, 7), 3),
    (dt.date(2025, 8, 1), 5),    # session 5 is held on 8 August
])
def test_a_date_falls_in_the_first_session_on_or_after_it(day, session):
    assert CALENDAR.session_of(day) == session
    assert CALENDAR.date_of(session) >= day
    assert session == 1 or CALENDAR.date_of(session - 1) < day


def test_session_of_and_date_of_are_inverse():
    for every in (1, 7, 21, 30):
        cal = Calendar(start=dt.date(2024, 2, 28), every_days=every)
        for session in range(1, 40):
            assert cal.session_of(cal.date_of(session)) == session


def test_dated_events_and_measures_compile_to_the_calendar_s_session(write, minimal):
    text = minimal + """\
calendar: {start: 2025-05-16, every_days: 21}
events:
  summit: {date: 2025-06-01, set: {actors.red.delegation.authority: 1}}
  early: {date: 2025-05-01, set: {actors.red.engagement: 0.5}}
  fixed: {session: 4, set: {actors.blue.engagement: 0.5}}
pressure:
  squeeze: {by: red, on: blue, when: {date: 2025-08-01}, war_cost: 0.01}
"""
    scn = _load_quietly(write(text))
    assert scn.events["summit"].date == dt.date(2025, 6, 1) and scn.events["summit"].session is None
    schedule = compile_params(scn, {"battlefield.edge": np.zeros(1)}, 1).schedule
    assert {e.name: e.session for e in schedule.events} == {
        "summit": scn.calendar.session_of(dt.date(2025, 6, 1)), "early": 1, "fixed": 4}
    assert {e.name: e.session for e in schedule.events}["summit"] == 2
    assert [(q.name, q.kind, q.at) for q in schedule.pressures] == [("squeeze", "session", 5)]


def test_a_date_without_a_calendar_is_an_error_naming_the_key(write, minimal, line_of,
                                                               load_error):
    text = minimal + ("events:\n  summit:\n    date: 2025-06-01\n"
                      "pressure:\n  squeeze:\n    by: red\n    on: blue\n"
                      "    when: {date: 2025-08-01}\n")
    path = write(text)
    err = load_error(path)
    assert len(err.problems) == 2
    event, measure = err.problems
    assert event.startswith(f"{path}:{line_of(text, 'date: 2025-06-01')}:5: events.summit.date: ")
    assert "an event by date needs a calendar" in event
    assert measure.startswith(f"{path}:{line_of(text, 'date: 2025-08-01')}:")
    assert ": pressure.squeeze.when.date: a measure by date needs a calendar" in measure
    # removing the calendar of a base that dated its events is the same error
    write(text.replace("events:", "calendar: {start: 2025-05-16}\nevents:"), "base.yaml")
    child = write("extends: base.yaml\ncalendar: null\n", "child.yaml")
    assert "events.summit.date: an event by date needs a calendar" in load_error(child).message
