"""Coverage on synthetic records made by the engine from known inputs."""

from pathlib import Path

import numpy as np

from sim.calibrate.coverage import reference_coverage
from sim.calibrate.facts import Observed, windows
from sim.calibrate.priors import JointPrior, Marginal
from sim.calibrate.simulator import Series, prepare, simulate_stats
from sim.records import load_record
from sim.scenario.numbers import Uniform

SESSIONS = 8
RECORDS = Path(__file__).resolve().parents[2] / "records"


def synthetic_series(prior: JointPrior) -> Series:
    """The 2025 series, observed at each of its first 8 sessions: every fact, every session."""
    s = prepare(load_record(RECORDS / "istanbul_2025.yaml"), prior, ["exchange"], seed=1)
    scn = s.scenario.model_copy(update={"sessions": SESSIONS})
    n = SESSIONS * 4
    obs = Observed(windows(range(1, SESSIONS + 1)), tuple(("", "", "") for _ in range(n)),
                   np.repeat(np.arange(SESSIONS), 4), np.tile(np.arange(4), SESSIONS),
                   np.zeros(n))
    return Series("synthetic", scn, obs, seed=123)


def test_posterior_intervals_cover_the_truth_at_about_their_nominal_rates():
    prior = JointPrior((
        Marginal("humanitarian.rate", Uniform(dist="uniform", low=0.05, high=0.95), 0, 1),
        Marginal("humanitarian.trust_effect", Uniform(dist="uniform", low=0.0, high=3.0), 0, 10),
    ))
    series = synthetic_series(prior)
    theta = prior.sample(np.random.default_rng(11), 1500)
    stats = simulate_stats(series, prior.paths, theta, 0)  # one batch through the engine
    assert stats.shape == (1500, SESSIONS * 4)
    cov = reference_coverage(theta, stats, truths=300, keep=100)
    rate50, rate90 = cov.overall()
    print(f"coverage 50%: {rate50:.3f}, 90%: {rate90:.3f} (per parameter {cov.rates.tolist()})")
    assert abs(rate50 - 0.5) < 0.08
    assert abs(rate90 - 0.9) < 0.05
    # the exchanges pin the rate down: its posterior is far narrower than its prior
    rows = np.argsort(np.abs(stats - stats[0]).mean(axis=1))[1:101]
    assert np.ptp(np.quantile(theta[rows, 0], [0.05, 0.95])) < 0.75 * 0.81
