"""``--at-means``: every prior at its mean, so that only simulation noise varies."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.cli import main
from sim.scenario import at_means, load_scenario, resolved_yaml, uncertain_inputs
from sim.scenario.numbers import Beta, Choice, Normal, Triangular, Uniform

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "scenarios"


@pytest.mark.parametrize("dist, mean", [
    (Normal(dist="normal", mean=0.3, sd=0.2), 0.3),
    (Uniform(dist="uniform", low=0.2, high=0.4), 0.3),
    (Triangular(dist="triangular", low=0.0, mode=0.3, high=0.6), 0.3),
    (Beta(dist="beta", a=3, b=7), 0.3),
    (Choice(dist="choice", values=[0.1, 0.5]), 0.3),
    (Choice(dist="choice", values=[0.1, 0.5], p=[0.75, 0.25]), 0.2),
])
def test_means_of_the_distributions(dist, mean):
    assert dist.expectation() == pytest.approx(mean)


def test_every_prior_is_replaced_by_its_clipped_mean():
    scn = load_scenario(TINY / "tiny_uncertain.yaml")
    inputs = {i.path: i for i in uncertain_inputs(scn)}
    assert inputs, "the fixture has uncertain inputs"
    fixed = at_means(scn)
    assert uncertain_inputs(fixed) == []
    assert fixed.battlefield.edge == pytest.approx(inputs["battlefield.edge"].dist.expectation())
    assert fixed.actors["red"].salience["prisoners"] == pytest.approx(0.3)


def test_strategy_and_belief_priors_are_replaced_by_their_means_too():
    scn = load_scenario(TINY / "tiny_uncertain.yaml", overrides=[
        "actors.red.strategy.rate={dist: uniform, low: 0.1, high: 0.3}",
        "battlefield.beliefs.red={mean: {dist: normal, mean: -0.4, sd: 0.2, clip: true}}",
        "actors.red.strategy.min_step={dist: uniform, low: 0.5, high: 2.5, clip: true}",  # 1.5 > 1
    ])
    fixed = at_means(scn)
    assert uncertain_inputs(fixed) == []
    assert fixed.actors["red"].strategy.params == pytest.approx({"rate": 0.2, "min_step": 1.0})
    assert fixed.battlefield.beliefs["red"].mean == pytest.approx(-0.4)
    assert fixed.battlefield.beliefs["red"].strength == 3.0


def test_a_mean_outside_the_range_is_clipped():
    scn = load_scenario(TINY / "tiny_uncertain.yaml",
                        overrides=["battlefield.edge={dist: normal, mean: 3, sd: 1, clip: true}"])
    assert at_means(scn).battlefield.edge == 1.0  # the edge lies in [-1, 1]


def test_a_scenario_without_priors_is_unchanged():
    scn = load_scenario(TINY / "zeuthen_single_issue.yaml")
    assert uncertain_inputs(scn) == []
    assert resolved_yaml(at_means(scn)) == resolved_yaml(scn)


def test_cli_and_api_agree_and_the_manifest_says_so(tmp_path):
    path = TINY / "tiny_uncertain.yaml"
    out = tmp_path / "m"
    assert main(["run", str(path), "--runs", "20", "--at-means", "--out", str(out),
                 "--no-plots", "--quiet"]) == 0
    assert '"at_means": true' in (out / "manifest.json").read_text()
    res = sim.run(path, runs=20, at_means=True)
    assert not [c for c in res.runs.columns if c.startswith("param.")]
    saved = res.save(tmp_path / "api")
    assert (saved / "runs.parquet").read_bytes() == (out / "runs.parquet").read_bytes()
    # the saved scenario reproduces the run on its own
    again = sim.run(out / "scenario.yaml", runs=20)
    assert again.runs.drop(columns=[]).equals(res.runs)
