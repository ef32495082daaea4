"""`--set KEY=VALUE` overrides: nested keys, YAML values, schema-checked paths, clear errors."""

from __future__ import annotations

import datetime as dt

import pytest

from sim.scenario import load_scenario
from sim.scenario.numbers import Normal, Uniform


def test_nested_keys_are_set_after_extends(write, minimal):
    write(minimal, "base.yaml")
    child = write("extends: base.yaml\nactors:\n  red:\n    capability: 0.9\n", "child.yaml")
    scn = load_scenario(child, ["actors.red.capability=0.2", "actors.blue.salience.land=0.25",
                                "negotiation.walkout.hazard=0.5"])
    assert scn.actors["red"].capability == 0.2
    assert scn.actors["blue"].salience == {"ceasefire": 0.8, "land": 0.25}
    assert scn.negotiation.walkout.hazard == 0.5


def test_later_overrides_win(write, minimal):
    scn = load_scenario(write(minimal), ["runs=10", "runs=20"])
    assert scn.runs == 20


def test_distribution_parameter_and_whole_distribution(write, minimal):
    path = write(minimal)
    assert load_scenario(path, ["battlefield.edge.mean=0.3"]).battlefield.edge == Normal(
        dist="normal", mean=0.3, sd=0.2)
    scn = load_scenario(path, ["battlefield.edge={dist: uniform, low: 0, high: 1}"])
    assert scn.battlefield.edge == Uniform(dist="uniform", low=0, high=1)
    assert load_scenario(path, ["battlefield.edge=0.3"]).battlefield.edge == 0.3


def test_new_keys_where_the_schema_allows_them(write, minimal):
    scn = load_scenario(write(minimal), [
        "actors.red.leverage.blue=0.4",                # a new leverage target
        "actors.red.ideal.land=70",                    # a block that was absent
        "actors.blue.strategy.name=tit_for_tat",       # a block with a default
        "actors.blue.strategy.ratio=3",
        "issues.land.anchors.50=middle",               # numeric key
        "events.summit={session: 2, set: {actors.red.capability: 1}}",
        "events.summit.set.battlefield.rearm_fear=0.5",  # dotted key kept whole
        "pressure.squeeze={by: blue, on: red, when: {session: 3}, war_cost: 0.01}",
        "battlefield.beliefs.red={mean: 0.3}",         # a belief block that was absent
        "actors.red.delegation.margin=0.1",            # inside a block with a default
        "calendar.start=2025-05-16",                   # an optional top-level block
        "events.later={date: 2025-07-01, set: {battlefield.beliefs.blue.mean: -0.2}}",
    ])
    assert scn.actors["red"].leverage == {"blue": 0.4}
    assert scn.actors["red"].ideal == {"land": 70.0}
    assert scn.actors["blue"].strategy.name == "tit_for_tat"
    assert scn.actors["blue"].strategy.params == {"ratio": 3.0}
    assert scn.issues["land"].anchors == {50.0: "middle"}
    assert scn.events["summit"].set == {"actors.red.capability": 1.0,
                                        "battlefield.rearm_fear": 0.5}
    assert scn.pressure["squeeze"].when.session == 3
    assert (scn.battlefield.beliefs["red"].mean, scn.battlefield.beliefs["red"].strength) == (
        0.3, 3.0)
    assert scn.actors["red"].delegation.margin == 0.1
    assert (scn.calendar.start, scn.calendar.every_days) == (dt.date(2025, 5, 16), 21)
    assert scn.events["later"].date == dt.date(2025, 7, 1)


def test_numeric_key_matches_an_existing_anchor(write, minimal):
    text = minimal.replace("    label: Land\n", "    label: Land\n    anchors: {50: old}\n")
    scn = load_scenario(write(text), ["issues.land.anchors.50=new"])
    assert scn.issues["land"].anchors == {50.0: "new"}


def test_value_is_parsed_as_yaml(write, minimal):
    scn = load_scenario(write(minimal), ["title='Talks: round two'",
                                         "battlefield.sides=[blue, red]"])
    assert scn.title == "Talks: round two"
    assert scn.battlefield.sides == ["blue", "red"]


@pytest.mark.parametrize(("override", "expected"), [
    ("actors.red.capabilty=0.5", "actors.red.capabilty: unknown key 'capabilty' in actors.red; "
     "did you mean 'capability'?"),
    ("negotiaton.deadline=5", "did you mean 'negotiation'?"),
    ("sesions=5", "did you mean 'sessions'?"),
    ("negotiation.max_rounds=5", "unknown key 'max_rounds' in negotiation"),  # schema 1 only
    ("battlefield.momentum=0.3", "unknown key 'momentum' in battlefield"),
    ("actors.rd.capability=0.5", "actors.rd.capability: no 'rd' in actors; did you mean 'red'?"),
    ("battlefield.edge.mena=1", "a normal distribution has no 'mena'; did you mean 'mean'?"),
    ("battlefield.volatility.mean=1",
     "battlefield.volatility is a fixed number, not a distribution"),
    ("battlefield.sides.2=red", "battlefield.sides is a list of 2 items; '2' is not an index"),
    ("runs.value=3", "runs is a single value; it has no key 'value'"),
    ("extends=other.yaml", "extends: cannot be set with --set"),
    ("novalue", "expected KEY=VALUE"),
    ("=3", "expected KEY=VALUE"),
    ("actors..red=1", "not a key path"),
    ("actors.red.capability=[1", "cannot read the value '[1' as YAML"),
])
def test_bad_override_path_or_syntax(write, minimal, load_error, override, expected):
    path = write(minimal)
    message = load_error(path, (override,)).message
    assert message.startswith(f"{path} (from --set {override}): ")
    assert expected in message


@pytest.mark.parametrize(("override", "key", "expected"), [
    ("actors.red.capability=2", "actors.red.capability", "expected a number from 0 to 1"),
    ("actors.red.capability=high", "actors.red.capability", "got 'high'"),
    ("actors.red.capability=", "actors.red.capability", "got null"),
    ("sessions=0", "sessions", "expected a number >= 1"),
    ("battlefield.beliefs.red={mena: 0.3}", "battlefield.beliefs.red.mena",
     "did you mean 'mean'?"),
    ("calendar.every_days=0", "calendar.every_days", "expected a number >= 1"),
    ("calendar.every_days=7", "calendar.start", "missing required key 'start'"),
    ("events.e={session: 2, date: 2025-06-01}", "events.e", "exactly one of 'session' or 'date'"),
    ("battlefield.edge={dist: beta, a: 0, b: 1}", "battlefield.edge.a",
     "expected a number > 0"),
    ("actors.red.strategy.beta=5", "actors.red.strategy", "beta"),
    ("actors.red.leverage.gren=0.1", "actors.red.leverage.gren", "unknown actor 'gren'"),
])
def test_bad_override_value_names_the_override_and_key(write, minimal, load_error,
                                                      override, key, expected):
    path = write(minimal)
    message = load_error(path, (override,)).message
    assert f"{path} (from --set {override}): {key}: " in message
    assert expected in message


def test_override_on_a_created_block_reports_missing_keys_at_the_override(write, minimal,
                                                                         load_error):
    path = write(minimal)
    override = "actors.red.strategy.rate=0.5"
    text = minimal.replace("    role: party\n", "    role: party\n    strategy: {rate: 1}\n", 1)
    message = load_error(write(text, "s.yaml"), (override,)).message
    assert "actors.red.strategy.name: missing required key 'name'" in message
    assert load_scenario(path, [override]).actors["red"].strategy.params == {"rate": 0.5}


def test_all_bad_overrides_are_reported_together(write, minimal, load_error):
    path = write(minimal)
    err = load_error(path, ("a=1", "b=2", "runs=5"))
    assert len(err.problems) == 2
    assert err.message.startswith("2 problems in ")


def test_file_errors_and_override_errors_are_both_located(write, minimal, load_error, line_of):
    text = minimal.replace("role: party", "role: partie", 1)
    path = write(text)
    err = load_error(path, ("actors.blue.capability=3",))
    assert err.problems[0].startswith(f"{path}:{line_of(text, 'partie')}:")
    assert err.problems[1].startswith(f"{path} (from --set actors.blue.capability=3): ")
