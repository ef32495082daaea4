"""The ABC core against problems whose posterior is known in closed form."""

import numpy as np
import pytest
from scipy import stats

from sim.calibrate import abc
from sim.calibrate.priors import JointPrior, Marginal
from sim.scenario.numbers import Beta, Normal

# Beta(2, 3) prior, 14 successes in 40 trials -> Beta(16, 29) posterior.
A, B, N, K = 2.0, 3.0, 40, 14


def binomial_simulator(seed: int):
    def simulate(theta: np.ndarray, start: int) -> np.ndarray:
        # one stream per simulation index: the result does not depend on the batching
        out = np.empty(len(theta))
        for j, p in enumerate(theta[:, 0]):
            rng = np.random.default_rng([seed, start + j])
            out[j] = abs(rng.binomial(N, p) - K) / N
        return out
    return simulate


def beta_prior() -> JointPrior:
    return JointPrior((Marginal("p", Beta(dist="beta", a=A, b=B), 0.0, 1.0),))


def weighted_moments(gen: abc.Generation) -> tuple[float, float]:
    x, w = gen.theta[:, 0], gen.weights
    m = float(w @ x)
    return m, float(np.sqrt(w @ (x - m) ** 2))


def test_rejection_beta_binomial_matches_the_conjugate_posterior():
    s = abc.Settings(method="rejection", particles=1, max_simulations=20_000, min_tolerance=0.0)
    res = abc.run(beta_prior(), binomial_simulator(1), s, seed=3)
    post = stats.beta(A + K, B + N - K)
    mean, sd = weighted_moments(res.posterior)
    assert res.posterior.tolerance == 0.0  # exact matches only: the exact posterior
    assert len(res.posterior.weights) > 300
    assert mean == pytest.approx(post.mean(), abs=0.01)
    assert sd == pytest.approx(post.std(), rel=0.12)


def test_smc_beta_binomial_reaches_the_exact_posterior():
    s = abc.Settings(method="smc", particles=600, generations=10, min_tolerance=0.0,
                     max_simulations=60_000)
    res = abc.run(beta_prior(), binomial_simulator(2), s, seed=5)
    post = stats.beta(A + K, B + N - K)
    last = res.posterior
    assert last.tolerance == 0.0
    mean, sd = weighted_moments(last)
    assert mean == pytest.approx(post.mean(), abs=0.012)
    assert sd == pytest.approx(post.std(), rel=0.15)
    tol = [g.tolerance for g in res.generations]
    assert all(a > b for a, b in zip(tol, tol[1:], strict=False))  # strictly decreasing


def normal_simulator(seed: int, n_obs: int, xbar: float):
    def simulate(theta: np.ndarray, start: int) -> np.ndarray:
        rng = np.random.default_rng([seed, start])
        # the mean of n_obs N(mu, 1) observations is N(mu, 1/n_obs)
        sim = theta[:, 0] + rng.standard_normal(len(theta)) / np.sqrt(n_obs)
        return np.abs(sim - xbar)
    return simulate


def test_smc_normal_normal_posterior_mean_and_sd():
    # prior N(0, 1), n = 10 observations of N(mu, 1) with mean 0.8 -> N(8/11, 1/11)
    prior = JointPrior((Marginal("mu", Normal(dist="normal", mean=0.0, sd=1.0), -10, 10),))
    s = abc.Settings(method="smc", particles=1000, generations=12, min_tolerance=0.01,
                     max_simulations=200_000, quantile=0.4)
    res = abc.run(prior, normal_simulator(4, 10, 0.8), s, seed=9)
    mean, sd = weighted_moments(res.posterior)
    assert res.posterior.tolerance <= 0.05
    assert mean == pytest.approx(8 / 11, abs=0.03)
    assert sd == pytest.approx(np.sqrt(1 / 11), rel=0.12)
    assert res.posterior.ess > 300


@pytest.mark.parametrize("method", abc.METHODS)
def test_same_seed_same_particles(method):
    s = abc.Settings(method=method, particles=200, generations=4, max_simulations=4000)
    one = abc.run(beta_prior(), binomial_simulator(1), s, seed=7)
    two = abc.run(beta_prior(), binomial_simulator(1), s, seed=7)
    other = abc.run(beta_prior(), binomial_simulator(1), s, seed=8)
    assert np.array_equal(one.posterior.theta, two.posterior.theta)
    assert np.array_equal(one.posterior.weights, two.posterior.weights)
    assert not np.array_equal(one.posterior.theta, other.posterior.theta)


def test_smc_resumed_after_a_generation_ends_where_an_uninterrupted_run_does():
    s = abc.Settings(method="smc", particles=200, generations=5, max_simulations=20_000)
    full = abc.run(beta_prior(), binomial_simulator(1), s, seed=7)
    head = full.generations[:2]
    resumed = abc.run(beta_prior(), binomial_simulator(1), s, seed=7, resume=head)
    assert len(resumed.generations) == len(full.generations)
    assert np.array_equal(resumed.posterior.theta, full.posterior.theta)


def test_budget_exhausted_keeps_the_last_complete_generation():
    s = abc.Settings(method="smc", particles=200, generations=20, max_simulations=700)
    res = abc.run(beta_prior(), binomial_simulator(1), s, seed=7)
    assert res.generations[-1].total_simulations <= 700
    assert "max_simulations" in res.stopped


def test_weighted_quantile():
    x = np.array([3.0, 1.0, 2.0])
    w = np.array([0.2, 0.5, 0.3])
    assert abc.weighted_quantile(x, w, 0.5) == 1.0
    assert abc.weighted_quantile(x, w, 0.6) == 2.0
    assert abc.weighted_quantile(x, w, 1.0) == 3.0


def test_a_generation_accepting_too_little_is_given_up_early():
    # a simulator whose distance is mostly noise: a tight tolerance accepts almost nothing
    def simulate(theta: np.ndarray, start: int) -> np.ndarray:
        rng = np.random.default_rng([1, start])
        return np.round(rng.random(len(theta)) + 0.01 * theta[:, 0], 1)

    s = abc.Settings(method="smc", particles=200, generations=30, max_simulations=1_000_000,
                     min_acceptance=0.05, quantile=0.1)
    res = abc.run(beta_prior(), simulate, s, seed=2)
    assert "min_acceptance" in res.stopped
    used = sum(g.simulations for g in res.generations)
    assert used < 20_000  # not the whole budget
