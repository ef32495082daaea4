"""The exported JSON Schema, checked by a real JSON Schema validator on every shipped file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jsonschema
import pytest

from sim.scenario import json_schema

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
SWEEPS = sorted((ROOT / "scenarios" / "sweeps").glob("*.yaml"))
TESTS = sorted((ROOT / "tests" / "scenarios").glob("*.yaml"))


def as_editor_sees(value):
    """YAML as text would be seen by an editor: dates as ISO text, every key a string."""
    if isinstance(value, dict):
        return {str(k): as_editor_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_sees(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def read(path):
    """The file as the loader reads it (YAML 1.2 booleans: ``on:`` is a key, as editors see it)."""
    from sim.scenario.yamlio import read_yaml

    return read_yaml(path, str(path))[0]


def errors(schema, path_or_data):
    data = read(path_or_data) if isinstance(path_or_data, Path) else path_or_data
    validator = jsonschema.Draft202012Validator(schema)
    return [e.message for e in validator.iter_errors(as_editor_sees(data))]


@pytest.fixture(scope="module")
def schema():
    s = json_schema()
    jsonschema.Draft202012Validator.check_schema(s)
    return s


@pytest.mark.parametrize("path", SCENARIOS + TESTS, ids=lambda p: p.stem)
def test_every_shipped_scenario_validates(schema, path):
    assert errors(schema, path) == []


def test_the_shipped_variants_are_partial_and_still_validate(schema):  # they lack base keys
    variants = [p for p in SCENARIOS if "extends" in p.read_text(encoding="utf-8")]
    assert len(variants) >= 5
    for path in variants:
        data = read(path)
        assert "actors" not in data or any("role" not in a for a in data["actors"].values()) \
            or "issues" not in data
        assert errors(schema, data) == []
        del data["extends"]  # the same text without its base is not a scenario
        assert errors(schema, data)


def test_the_schema_refuses_what_the_loader_refuses(schema):
    base = read(ROOT / "scenarios" / "istanbul_2025.yaml")
    assert errors(schema, base) == []
    assert errors(schema, {**base, "battlefield": {"edge": 0.1}})  # no sides in a full file
    assert errors(schema, {"extends": "x.yaml", "battlefield": {"edge": 0.1}}) == []
    assert errors(schema, {**base, "sesions": 3})  # unknown key
    assert errors(schema, {**base, "sessions": "many"})
    assert errors(schema, {"extends": "x.yaml", "battlefield": {"edge": 5}})  # out of range
    assert errors(schema, {"extends": "x.yaml", "battlefield": {"edge": {"mean": 0.3}}}) == []


def test_the_sweep_schema_validates_the_shipped_sweeps():
    from sim.sweep.spec import sweep_json_schema

    schema = sweep_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    for path in SWEEPS:
        assert errors(schema, path) == []
    assert errors(schema, {"sweep": 1, "scenario": "a.yaml", "parameters": {}, "desing": "x"})


def test_the_calibration_schema_validates_the_shipped_calibrations():
    from sim.calibrate.spec import calibration_json_schema

    schema = calibration_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    shipped = sorted((ROOT / "scenarios" / "calibration").glob("*.yaml"))
    assert shipped
    for path in shipped:
        assert errors(schema, path) == []
    good = read(shipped[0])
    assert errors(schema, {**good, "methd": "smc"})  # an unknown key
    assert errors(schema, {**good, "method": "mcmc"})
    assert errors(schema, {k: v for k, v in good.items() if k != "fit"})


def test_schema_command_prints_each_kind(capsys):
    import json

    from sim.cli import main

    titles = []
    for flag in ([], ["--sweep"], ["--calibration"]):
        assert main(["schema", *flag]) == 0
        titles.append(json.loads(capsys.readouterr().out)["title"])
    assert len(set(titles)) == 3 and "calibration" in titles[2]
