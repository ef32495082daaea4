"""Every kind of bad scenario gives a ScenarioError naming file, line, key path and expectation."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario import ScenarioError, load_scenario

RED_POSITION = "    position: {ceasefire: 90, land: 80}\n"
BLUE_SALIENCE = "    salience: {ceasefire: 0.8, land: 0.7}\n"
EDGE = "  edge: {dist: normal, mean: 0.1, sd: 0.2}\n"


def _insert_before(anchor: str, new: str):
    return lambda text: text.replace(anchor, new + anchor, 1)


def _replace(old: str, new: str):
    def apply(text: str) -> str:
        assert old in text
        return text.replace(old, new, 1)
    return apply


# (id, change to MINIMAL, text on the offending line, key path, what the message must say)
CASES = [
    ("unknown key", _insert_before(RED_POSITION, "    capabilty: 0.5\n"), "capabilty",
     "actors.red.capabilty", "did you mean 'capability'?"),
    ("unknown top-level key", _replace("issues:\n", "isues: {}\nissues:\n"), "isues",
     "isues", "did you mean 'issues'?"),
    ("wrong type", lambda t: t + "sessions: twenty\n", "sessions",
     "sessions", "expected a valid integer, got 'twenty'"),
    ("wrong literal", lambda t: t.replace("role: party", "role: partie", 1), "partie",
     "actors.red.role", "did you mean 'party'?"),
    ("number out of range", _insert_before(RED_POSITION, "    capability: 1.5\n"),
     "capability", "actors.red.capability", "expected a number from 0 to 1"),
    ("number of wrong type", _insert_before(RED_POSITION, "    reservation: high\n"),
     "reservation", "actors.red.reservation", "got 'high'"),
    ("int bound", lambda t: t.replace("name: minimal", "name: minimal\nruns: 0"), "runs",
     "runs", "expected a number >= 1, got 0"),
    ("invalid name", _replace("name: minimal", "name: Minimal Scenario"), "name:",
     "name", "not a valid name"),
    ("invalid issue id", _replace("  land:\n    label: Land", "  Land:\n    label: Land"),
     "Land:", "issues.Land", "not a valid id"),
    ("unknown strategy", _insert_before(RED_POSITION, "    strategy: {name: boulwar}\n"),
     "strategy", "actors.red.strategy", "did you mean 'boulware'?"),
    ("bad strategy parameter", _insert_before(RED_POSITION, "    strategy: {name: boulware, "
     "beta: 5}\n"), "strategy", "actors.red.strategy", "beta"),
    ("missing issue in salience", _replace(BLUE_SALIENCE, "    salience: {ceasefire: 0.8}\n"),
     "salience: {ceasefire: 0.8}", "actors.blue.salience", "missing issue 'land'"),
    ("unknown issue in position", _replace(RED_POSITION, "    position: {ceasefire: 90, land: 80"
     ", lnd: 3}\n"), "lnd", "actors.red.position.lnd", "did you mean 'land'?"),
    ("missing required key", _replace("    name: Red\n", ""), "  red:", "actors.red.name",
     "missing required key 'name'"),
    ("normal with negative sd", _replace(EDGE, "  edge: {dist: normal, mean: 0.1, "
     "sd: -1}\n"), "edge", "battlefield.edge.sd", "expected a number >= 0, got -1"),
    ("uniform with low > high", _replace(EDGE, "  edge: {dist: uniform, low: 1, "
     "high: 0}\n"), "edge", "battlefield.edge", "low <= high"),
    ("triangular mode outside", _replace(EDGE, "  edge: {dist: triangular, low: 0, "
     "mode: 2, high: 1}\n"), "edge", "battlefield.edge", "low <= mode <= high"),
    ("beta with a = 0", _replace(EDGE, "  edge: {dist: beta, a: 0, b: 1}\n"),
     "edge", "battlefield.edge.a", "expected a number > 0"),
    ("choice p not summing to 1", _replace(EDGE, "  edge: {dist: choice, values: "
     "[0, 1], p: [0.5, 0.6]}\n"), "edge", "battlefield.edge", "p must sum to 1"),
    ("choice p of other length", _replace(EDGE, "  edge: {dist: choice, values: "
     "[0, 1], p: [1]}\n"), "edge", "battlefield.edge", "must match"),
    ("unknown distribution", _replace(EDGE, "  edge: {dist: norml, mean: 0, sd: 1}\n"),
     "edge", "battlefield.edge", "did you mean 'normal'?"),
    ("distribution without dist", _replace(EDGE, "  edge: {mean: 0, sd: 1}\n"),
     "edge", "battlefield.edge", "needs a 'dist' key"),
    ("distribution parameter typo", _replace(EDGE, "  edge: {dist: normal, mean: 0, "
     "sdd: 1}\n"), "edge", "battlefield.edge.sdd", "did you mean 'sd'?"),
    ("leverage on a non-party", _insert_before("battlefield:", "  grey:\n    name: Grey\n"
     "    role: third_party\n    position: {ceasefire: 1, land: 1}\n"
     "    salience: {ceasefire: 1, land: 1}\n    leverage: {gren: 0.2}\n"), "gren",
     "actors.grey.leverage.gren", "unknown actor"),
    ("battlefield side not a party", _replace("sides: [red, blue]", "sides: [red, bleu]"),
     "sides", "battlefield.sides.1", "did you mean 'blue'?"),
    ("pressure on unknown party", lambda t: t + "pressure:\n  squeeze:\n    by: red\n"
     "    on: blu\n    when: {session: 2}\n", "on: blu", "pressure.squeeze.on", "unknown actor"),
    ("pressure with two conditions", lambda t: t + "pressure:\n  squeeze:\n    by: red\n"
     "    on: blue\n    when: {session: 2, no_agreement_by: 3}\n", "when",
     "pressure.squeeze.when", "exactly one"),
    ("event setting an unsettable key", lambda t: t + "events:\n  coup:\n    session: 2\n"
     "    set: {actors.red.name: 1}\n", "set", "events.coup.set.actors.red.name",
     "cannot be changed by an event"),
    ("event naming an unknown actor", lambda t: t + "events:\n  coup:\n    session: 2\n"
     "    set: {actors.rd.capability: 1}\n", "set", "events.coup.set.actors.rd.capability",
     "did you mean 'red'?"),
    ("event with both a session and a date", lambda t: t + "calendar: {start: 2025-05-16}\n"
     "events:\n  coup:\n    session: 2\n    date: 2025-06-01\n", "coup:", "events.coup",
     "exactly one of 'session' or 'date'"),
    ("event with neither a session nor a date", lambda t: t + "events:\n  coup:\n"
     "    probability: 0.5\n", "coup:", "events.coup", "exactly one of 'session' or 'date'"),
    ("event by date without a calendar", lambda t: t + "events:\n  coup:\n"
     "    date: 2025-06-01\n", "date:", "events.coup.date", "needs a calendar"),
    ("pressure by date without a calendar", lambda t: t + "pressure:\n  squeeze:\n"
     "    by: red\n    on: blue\n    when: {date: 2025-06-01}\n", "when",
     "pressure.squeeze.when.date", "needs a calendar"),
    ("calendar start misspelt", lambda t: t + "calendar: {strat: 2025-05-16}\n", "calendar",
     "calendar.strat", "did you mean 'start'?"),
    ("calendar every_days of 0", lambda t: t + "calendar: {start: 2025-05-16, every_days: 0}\n",
     "calendar", "calendar.every_days", "expected a number >= 1, got 0"),
    ("event setting a belief out of range", lambda t: t + "events:\n  coup:\n    session: 2\n"
     "    set: {battlefield.beliefs.red.mean: -2}\n", "set",
     "events.coup.set.battlefield.beliefs.red.mean", "expected a value from -1 to 1"),
    ("event setting the belief of a non-side", lambda t: t.replace("  blue:", "  grey:\n"
     "    name: Grey\n    role: third_party\n    position: {ceasefire: 1, land: 1}\n"
     "    salience: {ceasefire: 1, land: 1}\n  blue:") + "events:\n  coup:\n    session: 2\n"
     "    set: {battlefield.beliefs.grey.mean: 0.5}\n", "set",
     "events.coup.set.battlefield.beliefs.grey.mean", "not a party"),
    ("belief held by a non-side", lambda t: t.replace(EDGE, EDGE + "  beliefs:\n"
     "    rd: {mean: 0.2}\n"), "rd:", "battlefield.beliefs.rd", "did you mean 'red'?"),
    ("belief mean out of range", lambda t: t.replace(EDGE, EDGE + "  beliefs:\n"
     "    red: {mean: 1.5}\n"), "red: {mean", "battlefield.beliefs.red.mean",
     "expected a number from -1 to 1"),
    ("belief without a mean", lambda t: t.replace(EDGE, EDGE + "  beliefs:\n"
     "    red: {strength: 2}\n"), "red: {strength", "battlefield.beliefs.red.mean",
     "missing required key 'mean'"),
    ("volatility above 1", lambda t: t.replace(EDGE, EDGE + "  volatility: 1.5\n"),
     "volatility", "battlefield.volatility", "expected a number from 0 to 1"),
    ("a schema 1 battlefield key", lambda t: t.replace(EDGE, EDGE + "  drift: 0.1\n"), "drift",
     "battlefield.drift", "unknown key 'drift'"),
    ("a schema 1 negotiation key", lambda t: t + "negotiation:\n  max_rounds: 10\n",
     "max_rounds", "negotiation.max_rounds", "unknown key 'max_rounds'"),
    ("delegation margin out of range", _insert_before(RED_POSITION, "    delegation: "
     "{authority: 0.5, margin: 2}\n"), "delegation", "actors.red.delegation.margin",
     "expected a number from 0 to 1"),
    ("strategy prior of an unknown distribution", _insert_before(RED_POSITION, "    strategy: "
     "{name: steady, rate: {dist: unifrom, low: 0, high: 0.2}}\n"), "strategy",
     "actors.red.strategy.rate", "did you mean 'uniform'?"),
    ("strategy prior with low > high", _insert_before(RED_POSITION, "    strategy: "
     "{name: steady, rate: {dist: uniform, low: 0.2, high: 0.1}}\n"), "strategy",
     "actors.red.strategy.rate", "low <= high"),
    ("strategy parameter of wrong type", _insert_before(RED_POSITION, "    strategy: "
     "{name: steady, rate: fast}\n"), "strategy", "actors.red.strategy.rate", "got 'fast'"),
    ("first naming an unknown issue", lambda t: t + "negotiation:\n  first: [lnd]\n",
     "first", "negotiation.first.0", "did you mean 'land'?"),
    ("durability issue unknown", lambda t: t + "outcomes:\n  durability:\n"
     "    monitors_issue: cease\n", "monitors_issue", "outcomes.durability.monitors_issue",
     "unknown issue 'cease'"),
    ("monthly hazard and the bare ceasefire hazard both", lambda t: t + "outcomes:\n"
     "  durability:\n    monthly_hazard: 0.3\n    hazards: {bare_ceasefire: 0.2}\n",
     "monthly_hazard", "outcomes.durability.monthly_hazard", "give one of the two"),
    ("hazard of an unknown kind", lambda t: t + "outcomes:\n  durability:\n"
     "    hazards: {settlment: 0.2}\n", "hazards", "outcomes.durability.hazards.settlment",
     "did you mean 'settlement'?"),
    ("humanitarian issue unknown", lambda t: t + "humanitarian: {issue: lnd, rate: 0.5}\n",
     "humanitarian:", "humanitarian.issue", "did you mean 'land'?"),
    ("humanitarian issue on the main track", lambda t: t + "humanitarian:\n  issue: land\n"
     "  rate: 0.5\n", "issue: land", "humanitarian.issue", "is on the main track"),
    ("humanitarian key misspelt", lambda t: t + "humanitarian:\n  issue: land\n"
     "  rat: 0.5\n", "rat:", "humanitarian.rat", "did you mean 'rate'?"),
    ("humanitarian rate out of range", lambda t: t + "humanitarian:\n  issue: land\n"
     "  rate: 1.5\n", "rate:", "humanitarian.rate", "1"),
    ("two ceasefire issues", _replace("    label: Land\n", "    label: Land\n"
     "    decides_ceasefire: True\n"), "decides_ceasefire: True",
     "issues.land.decides_ceasefire", "only one issue"),
    ("no ceasefire issue", _replace("    decides_ceasefire: true\n", ""), "issues:", "issues",
     "decides_ceasefire"),
    ("one party only", _replace("  blue:\n    name: Blue\n    role: party",
     "  blue:\n    name: Blue\n    role: third_party"), "actors:", "actors",
     "at least two actors"),
    ("mediator settings on a party", _insert_before(RED_POSITION, "    mediator: {method: nash}\n"),
     "  red:", "actors.red", "only an actor with role 'mediator'"),
    ("non-finite number", _insert_before(RED_POSITION, "    capability: .nan\n"),
     "capability", "actors.red.capability", "finite"),
]


@pytest.mark.parametrize(("change", "needle", "key", "expected"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_value_names_file_line_key_and_expectation(write, minimal, line_of, load_error,
                                                      change, needle, key, expected):
    text = change(minimal)
    path = write(text)
    message = load_error(path).message
    assert f"{path}:{line_of(text, needle)}:" in message
    assert f": {key}: " in message
    assert expected in message


def test_several_problems_are_reported_together_and_numbered(write, minimal, load_error):
    text = minimal.replace("name: minimal", "name: minimal\nruns: 0\nseeed: 3")
    text = text.replace(RED_POSITION, "    capability: 2\n" + RED_POSITION)
    err = load_error(write(text))
    assert len(err.problems) == 3
    assert err.message.startswith("3 problems in ")
    for number, key in enumerate(["runs", "seeed", "actors.red.capability"], start=1):
        assert f"  {number}. " in err.message
        assert any(f": {key}: " in p for p in err.problems)
    lines = [int(p.split(":")[1]) for p in err.problems]
    assert lines == sorted(lines)


def test_malformed_yaml_names_file_line_and_column(write, load_error):
    path = write("schema: 2\nname: x\n title: bad\n")
    message = load_error(path).message
    assert message.startswith(f"{path}:3:")
    assert "malformed YAML" in message


def test_unclosed_bracket_is_malformed_yaml(write, load_error):
    path = write("schema: 2\nissues: {a: [1, 2}\n")
    assert f"{path}:2:" in load_error(path).message


def test_tab_indentation_is_malformed_yaml(write, load_error):
    path = write("schema: 2\n\tname: x\n")
    assert f"{path}:2:1: malformed YAML" in load_error(path).message


def test_duplicate_key_names_both_lines(write, minimal, load_error):
    path = write(minimal.replace("name: minimal", "name: minimal\nname: again"))
    message = load_error(path).message
    assert f"{path}:3:1: duplicate key 'name' (first on line 2)" in message


@pytest.mark.parametrize(("text", "expected"), [
    ("", "the file is empty"),
    ("# only a comment\n", "the file is empty"),
    ("- a\n- b\n", "the top level must be a mapping"),
    ("just text\n", "the top level must be a mapping"),
    ("schema: 2\n---\nname: x\n", "expected a single document"),
    ("a: &x [*x]\n", "recursive YAML alias"),
    ("!!python/object:os.system {}\n", "could not determine a constructor"),
    ("a: " + "[" * 3000 + "]" * 3000 + "\n", "nested too deeply"),
    ("name: a\x1fb\n", "character #x001f is not allowed"),
])
def test_unusable_documents(write, text, expected, load_error):
    path = write(text)
    message = load_error(path).message
    assert message.startswith(str(path))
    assert expected in message


@pytest.mark.parametrize("version", ["3", "0", "'2'", "true"])
def test_wrong_schema_version(write, minimal, load_error, version):
    path = write(minimal.replace("schema: 2", f"schema: {version}"))
    message = load_error(path).message
    shown = {"'2'": "'2'", "true": "true"}.get(version, version)
    assert message.startswith(f"{path}:1:1: schema: unsupported schema version {shown}; ")
    assert message.endswith("this version of ceasefire-sim reads 'schema: 2' (and migrates "
                            "'schema: 1')")


def test_missing_schema_version_points_at_the_top(write, minimal, load_error):
    path = write(minimal.replace("schema: 2\n", ""))
    assert f"{path}:1:1: schema: missing required key 'schema'" in load_error(path).message


def test_missing_file(tmp_path, load_error):
    path = tmp_path / "nowhere.yaml"
    assert load_error(path).message == f"{path}: file not found"


def test_directory(tmp_path, load_error):
    assert load_error(tmp_path).message == f"{tmp_path}: is a directory, not a scenario file"


def test_not_utf8(tmp_path, load_error):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("schema: 2\nname: caf\xe9\n".encode("latin-1"))
    assert load_error(path).message.startswith(f"{path}: not a UTF-8 text file")


def test_unreadable_file(tmp_path, monkeypatch, minimal, load_error):
    path = tmp_path / "locked.yaml"
    path.write_text(minimal)

    def refuse(self: Path, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    assert load_error(path).message == f"{path}: cannot read the file: Permission denied"


def test_scenario_error_keeps_problems_and_message():
    err = ScenarioError(["a.yaml:1:1: x: one", "a.yaml:2:1: y: two"], "a.yaml")
    assert err.problems == ["a.yaml:1:1: x: one", "a.yaml:2:1: y: two"]
    assert str(err) == err.message == ("2 problems in a.yaml:\n  1. a.yaml:1:1: x: one\n"
                                       "  2. a.yaml:2:1: y: two")


def test_valid_minimal_scenario_loads(write, minimal):
    scn = load_scenario(write(minimal))
    assert scn.issue_ids == ["ceasefire", "land"]
    assert scn.parties == ["red", "blue"]
    assert scn.ceasefire_issue == "ceasefire"


def test_an_exchanged_issue_cannot_be_taken_first(write, minimal, line_of, load_error):
    text = minimal.replace("  land:\n    label: Land\n",
                           "  land:\n    label: Land\n    track: separate\n")
    text += "negotiation: {first: [land]}\nhumanitarian:\n  issue: land\n  rate: 0.5\n"
    path = write(text)
    message = load_error(path).message
    assert f"{path}:{line_of(text, 'issue: land')}:" in message
    assert "humanitarian.issue: 'land' is in negotiation.first" in message


def test_a_date_that_does_not_exist_names_its_line(write, minimal, line_of, load_error):
    text = minimal + "calendar: {start: 2025-05-16}\nevents:\n  coup:\n    date: 2025-13-01\n"
    path = write(text)
    message = load_error(path).message
    assert message.startswith(f"{path}:{line_of(text, '2025-13-01')}:11: '2025-13-01' is not a "
                              "valid date")
    override = "events.coup={date: 2025-02-30}"
    message = load_error(write(minimal + "calendar: {start: 2025-05-16}\n"), (override,)).message
    assert f"(from --set {override}): events.coup: " in message
    assert "is not a valid date" in message


def test_a_name_too_long_for_a_folder_names_the_key(write, minimal):
    path = write(minimal.replace("name: minimal", "name: " + "a" * 300))
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    text = str(exc.value)
    assert "name" in text and "300 characters" in text and ":2:" in text


def test_extends_of_a_file_that_is_not_a_scenario_does_not_quote_it(write, tmp_path):
    other = tmp_path / "notes.txt"
    other.write_text("secret first line of some file\n")
    path = write(f"schema: 2\nname: x\nextends: {other}\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    assert "secret" not in str(exc.value) and "plain text" in str(exc.value)


@pytest.mark.parametrize("value, reach", [
    ("{dist: uniform, low: -0.5, high: 2}", "its draws go from -0.5 to 2"),
    ("{dist: triangular, low: 0, mode: 0.5, high: 1.2}", "its draws go from 0 to 1.2"),
    ("{dist: choice, values: [0.2, 1.5]}", "its draws go from 0.2 to 1.5"),
    ("{dist: normal, mean: 0.9, sd: 0.05}", "99.9% of its draws lie from 0.735 to 1.06"),
])
def test_a_distribution_reaching_outside_its_range_is_refused_unless_it_clips(
        write, minimal, value, reach):
    path = write(minimal)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path, [f"actors.red.capability={value}"])
    msg = str(err.value)
    assert f"(from --set actors.red.capability={value}): actors.red.capability:" in msg
    assert "range 0 to 1" in msg and reach in msg and "clip: true" in msg
    clipped = value[:-1] + ", clip: true}"
    assert load_scenario(path, [f"actors.red.capability={clipped}"]).actors["red"].capability.clip


def test_a_distribution_changed_by_set_inside_the_file_is_reported_as_the_override(
        write, minimal):
    path = write(minimal)  # edge: {dist: normal, mean: 0.1, sd: 0.2} in the file
    with pytest.raises(ScenarioError) as err:
        load_scenario(path, ["battlefield.edge.mean=5"])
    assert "(from --set battlefield.edge.mean=5): battlefield.edge: the normal distribution " \
           "reaches outside the key's range -1 to 1" in str(err.value)
    text = minimal.replace("edge: {dist: normal, mean: 0.1, sd: 0.2}",
                           "edge: {dist: uniform, low: -2, high: 0}")
    with pytest.raises(ScenarioError, match=r"uniform\.yaml:\d+:\d+: battlefield\.edge: the "
                                            r"uniform distribution reaches outside"):
        load_scenario(write(text, "uniform.yaml"))
    assert load_scenario(path, ["battlefield.edge.mean=0.3"]).battlefield.edge.mean == 0.3
