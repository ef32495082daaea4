"""Uncertain inputs: found in document order with their ranges; one clipped draw per sample."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.scenario import UncertainInput, load_scenario, uncertain_inputs
from sim.scenario.numbers import Beta, Choice, Normal, Triangular, Uniform

TINY_UNCERTAIN = Path(__file__).resolve().parents[1] / "scenarios" / "tiny_uncertain.yaml"


def test_paths_ranges_and_order(tiny_uncertain):
    scn = load_scenario(tiny_uncertain, [
        "negotiation.acceptance_noise={dist: beta, a: 2, b: 5}",
        "actors.blue.risk={dist: uniform, low: 0, high: 9, clip: true}",
        "actors.red.strategy.rate={dist: uniform, low: 0, high: 0.3}",  # a strategy's prior
        "battlefield.beliefs.blue={mean: {dist: normal, mean: -0.2, sd: 0.1}}",
        "battlefield.beliefs.red={mean: 0.3, strength: {dist: uniform, low: 1, high: 5}}",
    ])
    found = [(u.path, u.lo, u.hi) for u in uncertain_inputs(scn)]
    assert found == [
        ("actors.red.salience.prisoners", 0.0, 1.0),
        ("actors.red.strategy.rate", 0.0, 1.0),  # the range of the steady strategy's rate
        ("actors.blue.risk", 0.25, 4.0),
        ("battlefield.edge", -1.0, 1.0),
        ("battlefield.beliefs.blue.mean", -1.0, 1.0),
        ("battlefield.beliefs.red.strength", 0.1, 1000.0),
        ("negotiation.acceptance_noise", 0.0, 1.0),
    ]
    assert isinstance(uncertain_inputs(scn)[0].dist, Uniform)


def test_order_follows_the_resolved_document_not_the_field_order_inside_maps(write, minimal):
    scn = load_scenario(write(minimal), [
        "actors.blue.salience.land={dist: uniform, low: 0, high: 1}",
        "actors.blue.salience.ceasefire={dist: uniform, low: 0, high: 1}",
        "actors.red.capability={dist: normal, mean: 0.5, sd: 0.1}",
    ])
    assert [u.path for u in uncertain_inputs(scn)] == [
        "actors.red.capability", "actors.blue.salience.ceasefire", "actors.blue.salience.land",
        "battlefield.edge"]


def test_fixed_scenario_has_no_uncertain_inputs(write, minimal):
    scn = load_scenario(write(minimal), ["battlefield.edge=0.1"])
    assert uncertain_inputs(scn) == []


def test_sample_takes_one_draw_from_the_generator():
    u = UncertainInput("battlefield.edge", Normal(dist="normal", mean=0.3, sd=0.2), -1, 1)
    a, b = np.random.default_rng(5), np.random.default_rng(5)
    assert u.sample(a) == pytest.approx(float(b.normal(0.3, 0.2)))
    assert a.random() == b.random()  # both streams are at the same place afterwards


def test_values_outside_the_range_are_clipped_to_the_bounds():
    rng = np.random.default_rng(1)
    high = UncertainInput("x", Normal(dist="normal", mean=5, sd=0.1), 0, 1)
    low = UncertainInput("x", Uniform(dist="uniform", low=-3, high=-2), 0, 1)
    assert {high.sample(rng) for _ in range(20)} == {1.0}
    assert {low.sample(rng) for _ in range(20)} == {0.0}


def test_choice_uses_its_weights():
    u = UncertainInput("x", Choice(dist="choice", values=[0.1, 0.9], p=[1.0, 0.0]), 0, 1)
    rng = np.random.default_rng(3)
    assert {u.sample(rng) for _ in range(50)} == {0.1}


def test_degenerate_triangular_gives_its_single_value():
    u = UncertainInput("x", Triangular(dist="triangular", low=0.4, mode=0.4, high=0.4), 0, 1)
    assert u.sample(np.random.default_rng(0)) == 0.4


_finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
_positive = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False)


@st.composite
def _distributions(draw):
    kind = draw(st.sampled_from(["normal", "uniform", "triangular", "beta", "choice"]))
    if kind == "normal":
        return Normal(dist="normal", mean=draw(_finite), sd=draw(st.floats(0, 1e6)))
    if kind == "beta":
        return Beta(dist="beta", a=draw(_positive), b=draw(_positive))
    if kind == "choice":
        values = draw(st.lists(_finite, min_size=1, max_size=6))
        weights = draw(st.lists(st.floats(0.01, 1), min_size=len(values), max_size=len(values)))
        return Choice(dist="choice", values=values, p=[w / sum(weights) for w in weights])
    a, b, c = sorted(draw(st.lists(_finite, min_size=3, max_size=3)))
    if kind == "uniform":
        return Uniform(dist="uniform", low=a, high=c)
    return Triangular(dist="triangular", low=a, mode=b, high=c)


@st.composite
def _ranges(draw):
    lo, hi = sorted(draw(st.lists(st.floats(-100, 100), min_size=2, max_size=2)))
    return lo, hi


@settings(max_examples=300, deadline=None)
@given(dist=_distributions(), bounds=_ranges(), seed=st.integers(0, 2**32 - 1))
def test_sampled_values_always_lie_in_the_field_range(dist, bounds, seed):
    lo, hi = bounds
    u = UncertainInput("x", dist, lo, hi)
    rng = np.random.default_rng(seed)
    for _ in range(5):
        value = u.sample(rng)
        assert isinstance(value, float)
        assert lo <= value <= hi


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_every_input_of_a_real_scenario_samples_inside_its_range(seed):
    rng = np.random.default_rng(seed)
    for u in uncertain_inputs(load_scenario(TINY_UNCERTAIN)):
        assert u.lo <= u.sample(rng) <= u.hi
