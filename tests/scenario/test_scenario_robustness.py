"""Whatever the input, loading gives a Scenario or a ScenarioError, never another exception."""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.scenario import Scenario, ScenarioError, load_scenario

BASE = yaml.safe_load((Path(__file__).resolve().parents[1] / "scenarios"
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
_keys = st.one_of(st.sampled_from(["dist", "mean", "name", "round", "x", "set", "on", "0"]),
                  st.text(max_size=4), st.integers(-2, 2), st.booleans())
_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10, 10**6),
                     st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8),
                     st.sampled_from(["normal", "uniform", "choice", "boulware", "red", "party"]))
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(_keys, inner, max_size=3), max_leaves=8)


def _load_text(text: str) -> Scenario | ScenarioError:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            return load_scenario(path)
        except ScenarioError as exc:
            assert exc.message and str(path) in exc.message
            return exc


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(where=st.sampled_from(PATHS), value=_values)
def test_any_value_anywhere_gives_a_scenario_or_a_scenario_error(where, value):
    data = copy.deepcopy(BASE)
    if not where:
        data = value
    else:
        parent = data
        for key in where[:-1]:
            parent = parent[key]
        parent[where[-1]] = value
    _load_text(yaml.safe_dump(data))


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=60))
def test_any_text_gives_a_scenario_or_a_scenario_error(text):
    _load_text(text)


_override_keys = st.lists(st.sampled_from(
    ["actors", "red", "blue", "salience", "prisoners", "strategy", "beta", "battlefield",
     "momentum", "mean", "sides", "0", "5", "events", "summit", "set", "issues", "anchors",
     "50", "x", ""]), min_size=1, max_size=5)


@settings(max_examples=200, deadline=None)
@given(keys=_override_keys, value=st.text(max_size=12))
def test_any_override_gives_a_scenario_or_a_scenario_error(keys, value):
    path = Path(__file__).resolve().parents[1] / "scenarios" / "tiny_uncertain.yaml"
    try:
        load_scenario(path, [".".join(keys) + "=" + value])
    except ScenarioError as exc:
        assert "(from --set " in exc.message or str(path) in exc.message
