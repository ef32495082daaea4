"""Resolved YAML round-trips; the JSON Schema describes the format; file-level helpers."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml

from sim.scenario import (
    json_schema,
    load_scenario,
    resolved_yaml,
    shipped_scenarios,
    uncertain_inputs,
    validate_file,
)


def _round_trip(scn, tmp_path):
    path = tmp_path / "resolved.yaml"
    path.write_text(resolved_yaml(scn), encoding="utf-8")
    return load_scenario(path)


def test_resolved_yaml_round_trips(tiny_uncertain, tmp_path):
    scn = load_scenario(tiny_uncertain)
    again = _round_trip(scn, tmp_path)
    assert again == scn
    assert resolved_yaml(again) == resolved_yaml(scn)


def test_resolved_yaml_applies_extends_and_overrides(write, minimal, tmp_path):
    write(minimal, "base.yaml")
    child = write("extends: base.yaml\nname: child\n", "child.yaml")
    scn = load_scenario(child, ["actors.red.capability={dist: beta, a: 2, b: 3}",
                                "issues.land.anchors.50=middle"])
    text = resolved_yaml(scn)
    data = yaml.safe_load(text)
    assert "extends" not in data
    assert data["name"] == "child"
    assert data["actors"]["red"]["capability"] == {"dist": "beta", "a": 2.0, "b": 3.0}
    assert data["issues"]["land"]["anchors"] == {50: "middle"}
    assert _round_trip(scn, tmp_path) == scn


def test_dates_round_trip(write, minimal, tmp_path):
    text = minimal + ("calendar: {start: 2025-05-16, every_days: 14}\n"
                      "events:\n  summit: {date: 2025-06-01, set: {actors.red.engagement: 1}}\n"
                      "pressure:\n  squeeze: {by: red, on: blue, when: {date: 2025-07-01}}\n")
    scn = load_scenario(write(text))
    data = yaml.safe_load(resolved_yaml(scn))
    assert data["calendar"] == {"start": dt.date(2025, 5, 16), "every_days": 14}
    assert data["events"]["summit"]["date"] == dt.date(2025, 6, 1)
    assert "session" not in data["events"]["summit"]
    assert _round_trip(scn, tmp_path) == scn


def test_resolved_yaml_keeps_key_order_and_writes_defaults(tiny_uncertain):
    data = yaml.safe_load(resolved_yaml(load_scenario(tiny_uncertain)))
    assert list(data)[:2] == ["schema", "name"]
    assert list(data["issues"]) == ["ceasefire", "prisoners"]
    assert list(data["actors"]) == ["red", "blue", "grey", "gold"]
    assert data["negotiation"]["walkout"] == {"threshold": 0.15, "hazard": 0.2,
                                                 "softness": 0.05}
    assert data["actors"]["grey"]["mediator"] == {"method": "nash"}
    assert data["schema"] == 2 and data["sessions"] == 10
    assert data["actors"]["red"]["delegation"] == {"authority": 0.5, "margin": 0.05}
    assert data["events"]["summit"]["session"] == 2


@pytest.mark.parametrize("path", shipped_scenarios(), ids=lambda p: p.stem)
def test_shipped_scenarios_round_trip(path, tmp_path):
    scn = load_scenario(path)
    again = _round_trip(scn, tmp_path)
    assert again == scn
    assert [u.path for u in uncertain_inputs(again)] == [u.path for u in uncertain_inputs(scn)]


def test_json_schema_is_json_and_names_the_top_level_keys():
    schema = json.loads(json.dumps(json_schema()))
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert set(schema["$defs"]["Scenario"]["required"]) == {"schema", "name", "issues", "actors"}
    assert "required" not in schema  # a file with extends inherits them
    top = {"schema", "name", "title", "extends", "seed", "runs", "sessions", "calendar",
           "issues", "actors", "battlefield", "pressure", "events", "negotiation", "outcomes",
           "humanitarian"}
    assert set(schema["properties"]) == top
    assert schema["properties"]["schema"]["const"] == 2
    assert "max_rounds" not in schema["$defs"]["Negotiation"]["properties"]


def test_json_schema_has_a_description_for_every_field():
    schema = json_schema()
    models = {"Scenario": schema, **schema["$defs"]}
    for name, model in models.items():
        for key, prop in model.get("properties", {}).items():
            assert prop.get("description"), f"{name}.{key} has no description"


def test_json_schema_numbers_carry_their_range():
    actor = json_schema()["$defs"]["Actor"]["properties"]
    fixed = actor["capability"]["oneOf"][0]
    assert (fixed["minimum"], fixed["maximum"]) == (0, 1)


def test_validate_file_lists_problems(write, minimal, tiny_uncertain):
    assert validate_file(tiny_uncertain) == []
    bad = write(minimal.replace("runs", "x").replace("name: minimal", "name: minimal\nruns: 0\n"
                                                                   "seed: -1"))
    problems = validate_file(bad)
    assert len(problems) == 2
    assert all(p.startswith(f"{bad}:") for p in problems)
    assert validate_file(bad.parent / "missing.yaml") == [f"{bad.parent / 'missing.yaml'}: "
                                                          "file not found"]


def test_shipped_scenarios_lists_the_repository_folder():
    paths = shipped_scenarios()
    assert paths == sorted(paths)
    assert all(p.suffix == ".yaml" and p.parent.name == "scenarios" for p in paths)
    assert "istanbul_2025.yaml" in [p.name for p in paths]
