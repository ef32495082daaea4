"""The protocol registry: unique names, lookups with hints, and a new protocol in one module."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.engine.runner import simulate
from sim.protocols import Phase, Protocol, get, names, register, registry
from sim.protocols.mediated import MEDIATED
from sim.scenario import ScenarioError, load_scenario

TINY = Path(__file__).resolve().parents[1] / "scenarios" / "tiny_two_party.yaml"


@pytest.fixture
def scratch_registry(monkeypatch):
    """A private copy of the registry, so registering in a test leaves no trace."""
    names()  # load the built-ins first
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    return registry._REGISTRY


def test_builtin_names():
    assert {"mediated", "alternating", "expected_utility"} <= set(names())
    assert names() == sorted(names())


def test_unknown_name_has_a_hint():
    with pytest.raises(KeyError, match="did you mean 'mediated'"):
        get("mediatd")


def test_duplicate_name_is_refused(scratch_registry):
    clone = Protocol("mediated", "another", True, MEDIATED.phases)
    with pytest.raises(ValueError, match="already registered"):
        register(clone)
    assert get("mediated") is MEDIATED


def test_empty_protocols_and_bad_selections_are_refused(scratch_registry):
    with pytest.raises(ValueError, match="no phases"):
        register(Protocol("nothing", "no phases", True, ()))
    with pytest.raises(ValueError, match="actors must be"):
        Phase("answer", lambda b, a: None, actors="everyone")


def test_scenario_refuses_an_unknown_protocol_naming_the_line(tmp_path):
    text = TINY.read_text().replace("negotiation: {", "negotiation: {protocol: mediatd, ")
    assert "protocol: mediatd" in text
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    message = str(err.value)
    assert "bad.yaml:" in message and "negotiation.protocol" in message
    assert "unknown protocol 'mediatd'" in message and "did you mean 'mediated'" in message


def test_a_new_protocol_is_one_registration(scratch_registry):
    """A protocol defined here (the mediated round without walkouts) runs from a scenario."""
    phases = tuple(ph for ph in MEDIATED.phases if ph.name != "walkout")
    never = Phase("walkout", lambda b, a: b.walked.__setitem__(a, b.state.active & False),
                  actors="parties")
    register(Protocol("mediated_no_walkout", "mediated, nobody leaves", True,
                      (*phases[:-1], never, phases[-1])))
    overrides = ["actors.blue.reservation=1.0", "negotiation.walkout.threshold=0.0",
                 "negotiation.walkout.hazard=1.0"]
    walks = simulate(load_scenario(TINY, overrides=overrides), runs=20, seed=1).runs
    assert (walks["outcome"] == "collapse").all()
    scn = load_scenario(TINY, overrides=[*overrides, "negotiation.protocol=mediated_no_walkout"])
    for engine in ("vector", "mesa"):
        stays = simulate(scn, runs=20, seed=1, engine=engine).runs
        assert not (stays["outcome"] == "collapse").any()
