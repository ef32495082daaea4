"""Whatever the input, loading gives a Scenario or a ScenarioError, never another exception."""

from __future__ import annotations

import copy
import tempfile
import warnings
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.scenario import Scenario, ScenarioError, load_scenario
from sim.scenario.loader import SchemaMigrationWarning
from sim.scenario.yamlio import parse_value

# read with the loader's YAML rules (yaml.safe_load would turn the key `on:` into True)
BASE = parse_value((Path(__file__).resolve().parents[1] / "scenarios"
                    / "tiny_uncertain.yaml").read_text(encoding="utf-8"))


def _paths(data, prefix=()):
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, (*prefix, index))


PATHS = list(_paths(BASE))


def _schema_1(data):
    """``data`` (tiny_uncertain) written back in schema 1, the migration's input."""
    old = copy.deepcopy(data)
    old["schema"] = 1
    old.setdefault("negotiation", {})["max_rounds"] = old.pop("sessions")
    old["battlefield"]["momentum"] = old["battlefield"].pop("edge")
    old["events"]["summit"]["round"] = old["events"]["summit"].pop("session")
    when = old["pressure"]["squeeze"]["when"]
    when["no_agreement_by_round"] = when.pop("no_agreement_by")
    old["negotiation"]["delegation_margin"] = 0.1
    return old


BASE_1 = _schema_1(BASE)
PATHS_1 = list(_paths(BASE_1))
_keys = st.one_of(st.sampled_from(["dist", "mean", "name", "session", "date", "x", "set", "on",
                                   "0", "round", "max_rounds", "momentum", "delegation_margin"]),
                  st.text(max_size=4), st.integers(-2, 2), st.booleans())
_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10, 10**6),
                     st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8),
                     st.sampled_from(["normal", "uniform", "choice", "boulware", "red", "party"]),
                     st.dates())
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(_keys, inner, max_size=3), max_leaves=8)


def _load_text(text: str) -> Scenario | ScenarioError:
    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        warnings.simplefilter("ignore", SchemaMigrationWarning)
        path = Path(folder) / "fuzz.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            return load_scenario(path)
        except ScenarioError as exc:
            assert exc.message and str(path) in exc.message
            return exc


def _put(base, where, value):
    data = copy.deepcopy(base)
    if not where:
        return value
    parent = data
    for key in where[:-1]:
        parent = parent[key]
    parent[where[-1]] = value
    return data


def test_the_bases_of_the_fuzz_are_valid_and_the_schema_1_one_reads_as_the_schema_2_one():
    assert isinstance(_load_text(yaml.safe_dump(BASE)), Scenario)
    margins = copy.deepcopy(BASE)
    for party in ("red", "blue"):
        margins["actors"][party].setdefault("delegation", {})["margin"] = 0.1
    assert _load_text(yaml.safe_dump(BASE_1)) == _load_text(yaml.safe_dump(margins))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(where=st.sampled_from(PATHS), value=_values)
def test_any_value_anywhere_gives_a_scenario_or_a_scenario_error(where, value):
    _load_text(yaml.safe_dump(_put(BASE, where, value)))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(where=st.sampled_from(PATHS_1), value=_values)
def test_any_value_anywhere_in_a_schema_1_file_gives_a_scenario_or_a_scenario_error(where, value):
    _load_text(yaml.safe_dump(_put(BASE_1, where, value)))


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=60))
def test_any_text_gives_a_scenario_or_a_scenario_error(text):
    _load_text(text)


_override_keys = st.lists(st.sampled_from(
    ["actors", "red", "blue", "salience", "prisoners", "strategy", "rate", "battlefield",
     "edge", "beliefs", "mean", "sides", "0", "5", "events", "summit", "set", "session", "date",
     "calendar", "start", "sessions", "issues", "anchors", "50", "x", ""]), min_size=1, max_size=5)


@settings(max_examples=200, deadline=None)
@given(keys=_override_keys, value=st.text(max_size=12))
def test_any_override_gives_a_scenario_or_a_scenario_error(keys, value):
    path = Path(__file__).resolve().parents[1] / "scenarios" / "tiny_uncertain.yaml"
    try:
        load_scenario(path, [".".join(keys) + "=" + value])
    except ScenarioError as exc:
        assert "(from --set " in exc.message or str(path) in exc.message
