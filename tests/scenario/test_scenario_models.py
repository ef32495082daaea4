"""The pydantic models on their own: defaults, numbers, strategies, runtime-settable paths."""

from __future__ import annotations

import types

import numpy as np
import pytest
import yaml
from pydantic import ValidationError

from sim.batch.params import compile_params
from sim.rules.durability_kinds import KINDS, MONTHLY_HAZARD
from sim.scenario import RUNTIME_SETTABLE, Scenario, is_distribution, load_scenario, resolved_yaml
from sim.scenario import strategy as strategy_module
from sim.scenario.models import Actor
from sim.scenario.numbers import Normal, Uniform


def _actor(**extra):
    return {"name": "X", "role": "party", "position": {"a": 1}, "salience": {"a": 1}, **extra}


def test_model_validate_from_a_dict(minimal):
    scn = Scenario.model_validate(yaml.safe_load(minimal))
    assert scn.schema_version == 2
    red = scn.actors["red"]
    assert red.position == {"ceasefire": 90.0, "land": 80.0}
    assert isinstance(red.position["land"], float)
    assert is_distribution(scn.battlefield.edge)
    assert scn.battlefield.edge == Normal(dist="normal", mean=0.1, sd=0.2)


def test_schema_1_documents_are_not_models(minimal):
    # the model is schema 2; schema 1 files are migrated by the loader, before validation
    with pytest.raises(ValidationError, match="schema"):
        Scenario.model_validate(yaml.safe_load(minimal.replace("schema: 2", "schema: 1")))


def test_defaults(minimal):
    scn = Scenario.model_validate(yaml.safe_load(minimal))
    red = scn.actors["red"]
    assert (red.capability, red.reservation, red.risk, red.engagement) == (0.5, 0.3, 1.0, 1.0)
    assert red.strategy.name == "steady" and red.strategy.params == {}
    assert (red.delegation.authority, red.delegation.margin) == (1.0, 0.05)
    assert red.mediator is None and red.ideal is None and red.leverage == {}
    assert red.information == 0.0
    assert (scn.seed, scn.runs, scn.title) == (0, 1000, "")
    assert scn.sessions == 20 and scn.calendar is None
    assert scn.events == {} and scn.pressure == {}
    assert scn.negotiation.protocol == "mediated"
    assert scn.negotiation.deadline is None
    assert scn.negotiation.walkout.threshold == 0.15
    assert scn.negotiation.expected_utility.probability == "scholz_global"
    assert scn.outcomes.durability.days == 90
    assert scn.issues["land"].ceasefire_threshold == 35
    assert scn.issues["land"].track == "main"
    assert scn.issues["land"].status_quo is None
    bf = scn.battlefield
    assert (bf.volatility, bf.stake, bf.discount, bf.rearm_fear) == (0.1, 0.0, 0.8, 0.0)
    assert bf.beliefs == {} and bf.war_cost == {}


def test_durability_hazards_by_kind_default_to_the_model_s(minimal):
    dur = Scenario.model_validate(yaml.safe_load(minimal)).outcomes.durability
    assert dur.monthly_hazard is None
    assert [getattr(dur.hazards, k) for k in KINDS] == [None] * 4  # the model's own
    params = compile_params(Scenario.model_validate(yaml.safe_load(minimal)),
                            {"battlefield.edge": np.zeros(2)}, 2)
    np.testing.assert_array_equal(params.outcomes.hazards, [MONTHLY_HAZARD] * 2)


def test_monthly_hazard_of_earlier_files_is_the_bare_ceasefire_hazard(minimal):
    data = yaml.safe_load(minimal + "outcomes:\n  durability: {monthly_hazard: 0.3}\n")
    dur = Scenario.model_validate(data).outcomes.durability
    assert dur.hazards.bare_ceasefire == 0.3 and dur.monthly_hazard is None
    assert dur.hazards.settlement is None  # the other kinds keep the model's defaults
    # the resolved scenario has one key for the one number, and loads back the same
    again = Scenario.model_validate(yaml.safe_load(resolved_yaml(Scenario.model_validate(data))))
    assert again.outcomes.durability == dur


def test_the_humanitarian_block(minimal):
    assert Scenario.model_validate(yaml.safe_load(minimal)).humanitarian is None
    text = minimal.replace("    label: Land\n", "    label: Land\n    track: separate\n")
    data = yaml.safe_load(text + "humanitarian: {issue: land, rate: {dist: beta, a: 6, b: 4}}\n")
    track = Scenario.model_validate(data).humanitarian
    assert track.issue == "land" and track.trust_effect == 1.5  # the rules module's default
    assert is_distribution(track.rate)
    with pytest.raises(ValidationError, match="rate"):  # the rate has no default
        Scenario.model_validate({**data, "humanitarian": {"issue": "land"}})


def test_a_mediator_gets_the_nash_method_by_default():
    assert Actor.model_validate(_actor(role="mediator")).mediator.method == "nash"
    assert Actor.model_validate(
        _actor(role="mediator", mediator={"method": "midpoint"})).mediator.method == "midpoint"


def test_numbers_are_strict():
    for bad in (True, "0.5", None, [0.5]):
        with pytest.raises(ValidationError):
            Actor.model_validate(_actor(capability=bad))
    assert Actor.model_validate(_actor(capability=1)).capability == 1.0


def test_unknown_keys_are_refused_everywhere():
    with pytest.raises(ValidationError):
        Actor.model_validate(_actor(delegation={"authority": 1, "mandate": "x"}))
    with pytest.raises(ValidationError):
        Actor.model_validate(_actor(capability={"dist": "normal", "mean": 0, "sd": 1, "x": 1}))


def test_strategy_params_are_floats_or_priors():
    actor = Actor.model_validate(_actor(strategy={"name": "boulware", "beta": 0.5, "kappa": 0}))
    assert actor.strategy.params == {"beta": 0.5, "kappa": 0.0}
    with pytest.raises(ValidationError):
        Actor.model_validate(_actor(strategy={"name": "boulware", "beta": "soft"}))
    prior = {"dist": "uniform", "low": 0.05, "high": 0.15}
    actor = Actor.model_validate(_actor(strategy={"name": "steady", "rate": prior}))
    assert actor.strategy.params == {"rate": Uniform(**prior)}
    assert actor.strategy.bounds("rate") == (0.0, 1.0)  # the registered class's range
    # like any uncertain input, a prior may lie outside the range (its draws are clipped) ...
    wide = {"dist": "uniform", "low": 1.0, "high": 2.0}
    assert Actor.model_validate(_actor(strategy={"name": "steady", "rate": wide})).strategy \
        .params == {"rate": Uniform(**wide)}
    # ... but it must be a parameter of the strategy, and a fixed number must lie in the range
    with pytest.raises(ValidationError, match="has no parameter 'rat'"):
        Actor.model_validate(_actor(strategy={"name": "steady", "rat": prior}))
    with pytest.raises(ValidationError, match="must lie in"):
        Actor.model_validate(_actor(strategy={"name": "steady", "rate": 1.5}))


def _fake_registry(names, check=lambda params: None):
    classes = {n: types.SimpleNamespace(check_params=check) for n in names}

    def get(name):
        return classes[name]

    return types.SimpleNamespace(names=lambda: list(names), get=get)


def test_strategy_names_come_from_the_registry(monkeypatch):
    fake = _fake_registry(["patient", "eager"])
    monkeypatch.setattr(strategy_module, "strategy_registry", lambda: fake)
    assert Actor.model_validate(_actor(strategy={"name": "patient"})).strategy.name == "patient"
    with pytest.raises(ValidationError, match="did you mean 'eager'"):
        Actor.model_validate(_actor(strategy={"name": "eagr"}))


def test_strategy_parameters_are_checked_by_the_strategy_class(monkeypatch):
    def check(params):
        if params.get("beta", 1) > 1:
            raise ValueError("beta must be <= 1")

    monkeypatch.setattr(strategy_module, "strategy_registry",
                        lambda: _fake_registry(["patient"], check))
    with pytest.raises(ValidationError, match="beta must be <= 1"):
        Actor.model_validate(_actor(strategy={"name": "patient", "beta": 2}))


def test_without_a_registry_any_strategy_name_is_accepted(monkeypatch):
    monkeypatch.setattr(strategy_module, "strategy_registry", lambda: None)
    assert Actor.model_validate(_actor(strategy={"name": "anything"})).strategy.name == "anything"


def test_builtin_strategy_names_are_known(write, minimal):
    path = write(minimal)
    for name in ("boulware", "linear", "conceder", "tit_for_tat", "hardliner", "zeuthen",
                 "steady"):
        scn = load_scenario(path, [f"actors.red.strategy={{name: {name}}}",
                                   "negotiation.deadline=10"])
        assert scn.actors["red"].strategy.name == name


def test_runtime_settable_paths():
    assert RUNTIME_SETTABLE == (
        "actors.<id>.delegation.authority", "actors.<id>.engagement", "actors.<id>.capability",
        "actors.<id>.reservation", "actors.<id>.leverage.<party>", "actors.<id>.information",
        "battlefield.stake", "battlefield.rearm_fear", "battlefield.war_cost.<party>",
        "battlefield.beliefs.<party>.mean")


def test_every_runtime_settable_path_is_accepted_by_an_event(write, minimal):
    paths = [p.replace("<id>", "red").replace("<party>", "blue") for p in RUNTIME_SETTABLE]
    sets = ", ".join(f"{p}: 0.5" for p in paths)
    scn = load_scenario(write(minimal), [f"events.all={{session: 1, set: {{{sets}}}}}"])
    assert list(scn.events["all"].set) == paths


def test_event_values_must_lie_in_0_1(write, minimal, load_error):
    message = load_error(write(minimal), (
        "events.e={session: 1, set: {battlefield.rearm_fear: 2}}",)).message
    assert "events.e.set.battlefield.rearm_fear: expected a value from 0 to 1, got 2.0" in message
    message = load_error(write(minimal), (
        "events.e={session: 1, set: {battlefield.stake: -0.5}}",)).message
    assert "events.e.set.battlefield.stake: expected a value from 0 to 1, got -0.5" in message


def test_an_event_may_set_a_belief_anywhere_in_minus_1_1(write, minimal, load_error):
    sets = "{battlefield.beliefs.red.mean: -0.5, battlefield.beliefs.blue.mean: 1}"
    scn = load_scenario(write(minimal), [f"events.e={{session: 1, set: {sets}}}"])
    assert scn.events["e"].set == {"battlefield.beliefs.red.mean": -0.5,
                                   "battlefield.beliefs.blue.mean": 1.0}
    message = load_error(write(minimal), (
        "events.e={session: 1, set: {battlefield.beliefs.red.mean: -1.5}}",)).message
    assert "expected a value from -1 to 1, got -1.5" in message


def test_event_on_battlefield_needs_a_battlefield(write, minimal, load_error):
    message = load_error(write(minimal), (
        "battlefield=null", "events.e={session: 1, set: {battlefield.rearm_fear: 0.5}}")).message
    assert "the scenario has no battlefield" in message


def test_scenario_helpers(minimal):
    scn = Scenario.model_validate(yaml.safe_load(minimal))
    assert scn.issue_ids == ["ceasefire", "land"]
    assert scn.actor_ids == ["red", "blue"]
    assert scn.parties == ["red", "blue"]
    assert scn.ceasefire_issue == "ceasefire"
