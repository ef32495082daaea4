"""`extends`: deep merge (maps merge, lists replace), relative paths, cycles, missing bases."""

from __future__ import annotations

from sim.scenario import load_scenario
from sim.scenario.numbers import Normal, Uniform


def test_child_overrides_and_adds_keys_maps_merge(write, minimal):
    write(minimal, "base.yaml")
    child = write("""\
        extends: base.yaml
        name: child
        actors:
          red:
            capability: 0.9
            salience: {land: 0.1}
          blue:
            strategy: {name: steady}
        """, "child.yaml")
    scn = load_scenario(child)
    assert scn.name == "child"
    assert scn.extends is None
    red = scn.actors["red"]
    assert red.capability == 0.9
    assert red.name == "Red"  # kept from the base
    assert red.salience == {"ceasefire": 0.5, "land": 0.1}  # maps merge key by key
    assert scn.actors["blue"].strategy.name == "steady"


def test_lists_replace(write, minimal):
    write(minimal, "base.yaml")
    child = write("""\
        extends: base.yaml
        battlefield:
          sides: [blue, red]
        """, "child.yaml")
    assert load_scenario(child).battlefield.sides == ["blue", "red"]


def test_order_of_issues_and_actors_is_the_base_order_then_new_keys(write, minimal):
    write(minimal, "base.yaml")
    child = write("""\
        extends: base.yaml
        issues:
          water: {label: Water}
          land: {label: Land and borders}
        actors:
          red: {position: {water: 50}, salience: {water: 0.2}}
          blue: {position: {water: 10}, salience: {water: 0.9}}
        """, "child.yaml")
    scn = load_scenario(child)
    assert scn.issue_ids == ["ceasefire", "land", "water"]
    assert scn.issues["land"].label == "Land and borders"
    assert scn.actor_ids == ["red", "blue"]


def test_a_distribution_replaces_the_base_value_whole(write, minimal):
    write(minimal, "base.yaml")
    child = write("""\
        extends: base.yaml
        battlefield:
          edge: {dist: uniform, low: -0.2, high: 0.4}
        """, "child.yaml")
    assert load_scenario(child).battlefield.edge == Uniform(dist="uniform", low=-0.2, high=0.4)


def test_a_map_without_dist_tunes_one_parameter_of_the_base_distribution(write, minimal):
    write(minimal, "base.yaml")
    child = write("extends: base.yaml\nbattlefield:\n  edge: {mean: 0.3}\n", "child.yaml")
    assert load_scenario(child).battlefield.edge == Normal(dist="normal", mean=0.3, sd=0.2)


def test_beliefs_and_the_calendar_merge_key_by_key(write, minimal):
    base = minimal.replace("  edge: {dist: normal, mean: 0.1, sd: 0.2}\n",
                           "  edge: {dist: normal, mean: 0.1, sd: 0.2}\n  beliefs:\n"
                           "    red: {mean: 0.4, strength: 5}\n    blue: {mean: -0.2}\n")
    write(base + "calendar: {start: 2025-05-16, every_days: 21}\n", "base.yaml")
    child = write("extends: base.yaml\nsessions: 8\ncalendar: {every_days: 7}\nbattlefield:\n"
                  "  beliefs:\n    red: {mean: 0.2}\n", "child.yaml")
    scn = load_scenario(child)
    beliefs = scn.battlefield.beliefs
    assert (beliefs["red"].mean, beliefs["red"].strength) == (0.2, 5.0)  # strength kept
    assert (beliefs["blue"].mean, beliefs["blue"].strength) == (-0.2, 3.0)
    assert (scn.calendar.start.isoformat(), scn.calendar.every_days) == ("2025-05-16", 7)
    assert scn.sessions == 8


def test_null_removes_an_optional_block(write, minimal):
    write(minimal, "base.yaml")
    child = write("extends: base.yaml\nbattlefield: null\n", "child.yaml")
    assert load_scenario(child).battlefield is None


def test_chain_of_bases_with_paths_relative_to_each_file(write, minimal):
    write(minimal, "bases/root.yaml")
    write("extends: root.yaml\ntitle: middle\n", "bases/middle.yaml")
    top = write("extends: bases/middle.yaml\nname: top\n", "top.yaml")
    scn = load_scenario(top)
    assert (scn.name, scn.title) == ("top", "middle")


def test_errors_point_into_the_file_that_wrote_the_value(write, minimal, load_error, line_of):
    text = minimal.replace("role: party", "role: partie", 1)
    base = write(text, "base.yaml")
    child = write("extends: base.yaml\nactors:\n  blue:\n    capability: 7\n", "child.yaml")
    err = load_error(child)
    line = line_of(text, "partie")
    assert any(p.startswith(f"{base}:{line}:") and "actors.red.role" in p for p in err.problems)
    assert any(p.startswith(f"{child}:4:") and "actors.blue.capability" in p
               for p in err.problems)


def test_overridden_value_errors_point_at_the_child(write, minimal, load_error):
    write(minimal, "base.yaml")
    child = write("extends: base.yaml\nbattlefield:\n  edge: 3\n", "child.yaml")
    assert load_error(child).message.startswith(f"{child}:3:3: battlefield.edge: ")


def test_missing_base_file(write, load_error, tmp_path):
    child = write("schema: 2\nname: x\nextends: nothere.yaml\n", "child.yaml")
    message = load_error(child).message
    assert message == (f"{child}:3:1: extends: base scenario {tmp_path / 'nothere.yaml'} "
                       "not found")


def test_base_that_is_a_directory(write, load_error, tmp_path):
    (tmp_path / "adir").mkdir()
    child = write("extends: adir\n", "child.yaml")
    assert "extends: base scenario" in load_error(child).message
    assert "is not a file" in load_error(child).message


def test_extends_must_be_a_path(write, load_error):
    child = write("extends: [a, b]\n", "child.yaml")
    assert load_error(child).message == (
        f"{child}:1:1: extends: expected the path of a base scenario file, got a list")


def test_cycle_names_the_chain(write, load_error, tmp_path):
    a = write("extends: b.yaml\nname: a\n", "a.yaml")
    b = write("name: b\nextends: a.yaml\n", "b.yaml")
    message = load_error(a).message
    assert message.startswith(f"{b}:2:1: extends: cycle of base scenarios: ")
    assert message.endswith(f"{a} -> {b} -> {a}")


def test_self_extension_is_a_cycle(write, load_error):
    a = write("extends: a.yaml\n", "a.yaml")
    assert "cycle of base scenarios" in load_error(a).message


def test_malformed_base_names_the_base(write, load_error):
    base = write("schema: 2\nname: [x\n", "base.yaml")
    child = write("extends: base.yaml\n", "child.yaml")
    assert load_error(child).message.startswith(f"{base}:3:1: malformed YAML")
