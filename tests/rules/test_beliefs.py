"""Tests for sim.rules.beliefs (principle of convergence: beliefs learned from the front)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.rules.beliefs import (
    SIDE_SIGNS,
    belief,
    cost_horizon,
    evidence_step,
    front_movement,
    reservation,
)

FAST = settings(max_examples=50, deadline=None, database=None, derandomize=True)

N0 = 3.0
PRIORS = np.array([0.5, -0.2])  # first side optimistic, second side mildly pessimistic

movements = st.lists(st.floats(-5.0, 5.0, allow_nan=False, allow_subnormal=False),
                     min_size=0, max_size=40)


def beliefs_after(deltas, prior_mean=PRIORS, prior_strength=N0, volatility=1.0, information=0.0):
    """Run the evidence through evidence_step session by session, then read the beliefs."""
    total, count = np.zeros(()), np.zeros(())
    for d in deltas:
        total, count = evidence_step(total, count, d, information)
    return belief(prior_mean, prior_strength, total, count, volatility)


class TestFrontMovement:
    def test_by_hand(self):
        got = front_movement(0.1, 0.5, np.array([-1.0, 0.0, 2.0]))
        np.testing.assert_allclose(got, [-0.4, 0.1, 1.1], atol=1e-15)

    def test_per_replication_parameters(self):
        got = front_movement(np.array([0.0, 1.0]), np.array([2.0, 0.0]), np.array([1.0, 5.0]))
        np.testing.assert_array_equal(got, [2.0, 1.0])


class TestEvidenceStep:
    def test_plain_running_sum_and_count(self):
        total, count = evidence_step(0.0, 0.0, 0.3)
        total, count = evidence_step(total, count, -0.1)
        assert total == pytest.approx(0.2, abs=1e-15) and count == 2.0

    def test_information_counts_each_session_more_than_once(self):
        total, count = evidence_step(1.0, 2.0, 0.5, information=1.0)
        assert total == 2.0 and count == 4.0
        total, count = evidence_step(0.0, 0.0, 0.5, information=0.5)
        assert total == 0.75 and count == 1.5


class TestBelief:
    def test_mean_and_sd_by_hand(self):
        # deltas .2, -.1, .5 (sum .6), n0 = 3, t = 3:
        # first (3 * .5 + .6) / 6 = .35, second (3 * -.2 + .6) / 6 = 0; sd = .6 / sqrt(6)
        mean, sd = beliefs_after([0.2, -0.1, 0.5], volatility=0.6)
        np.testing.assert_allclose(mean, [0.35, 0.0], atol=1e-15)
        np.testing.assert_allclose(sd, [0.6 / np.sqrt(6.0)] * 2, atol=1e-15)

    def test_no_evidence_is_the_prior(self):
        mean, sd = belief(PRIORS, N0, 0.0, 0.0, 0.6)
        np.testing.assert_array_equal(mean, PRIORS)
        np.testing.assert_allclose(sd, [0.6 / np.sqrt(3.0)] * 2, atol=1e-15)

    @pytest.mark.parametrize(("t", "gap"), [(0, 0.7), (3, 0.35), (9, 0.175), (33, 0.0583)])
    def test_gap_vectors_whatever_the_front_did(self, t, gap):
        rng = np.random.default_rng(t)
        for deltas in (np.zeros(t), rng.normal(0.3, 2.0, t), rng.normal(-1.0, 0.1, t)):
            mean, _ = beliefs_after(deltas)
            assert mean[0] - mean[1] == pytest.approx(gap, abs=5e-5)
        # exactly n0 (mu0_A - mu0_B) / (n0 + t)
        mean, _ = beliefs_after(np.ones(t))
        assert mean[0] - mean[1] == pytest.approx(3 * 0.7 / (3 + t), abs=1e-12)

    @FAST
    @given(movements, movements)
    def test_equal_strengths_gap_never_depends_on_the_front(self, a, b):
        n = min(len(a), len(b))
        mean_a, _ = beliefs_after(a[:n])
        mean_b, _ = beliefs_after(b[:n])
        assert mean_a[0] - mean_a[1] == pytest.approx(mean_b[0] - mean_b[1], abs=1e-12)

    @FAST
    @given(movements)
    def test_gap_shrinks_monotonically(self, deltas):
        gaps = [abs(np.subtract(*beliefs_after(deltas[:t])[0])) for t in range(len(deltas) + 1)]
        assert all(later < earlier for earlier, later in zip(gaps, gaps[1:], strict=False))

    def test_unequal_strengths_do_depend_on_the_front(self):
        # a confident second side (n0 = 9) moves less: the front does change the gap then
        up, _ = beliefs_after([1.0, 1.0], prior_strength=np.array([1.0, 9.0]))
        down, _ = beliefs_after([-1.0, -1.0], prior_strength=np.array([1.0, 9.0]))
        assert up[0] - up[1] != pytest.approx(down[0] - down[1])

    def test_sd_shrinks_like_one_over_root_n(self):
        _, sd0 = beliefs_after([], volatility=2.0)
        _, sd = beliefs_after(np.zeros(9), volatility=2.0)  # n0 + t = 12 = 4 x 3
        np.testing.assert_allclose(sd, sd0 / 2.0, atol=1e-15)

    def test_vectorised_over_replications_and_sides(self):
        # R = 2 replications, S = 2 sides: the shared sum (R,) goes to both sides of its row
        # (prior strengths per replication: 3 and 1)
        prior = np.array([[0.5, -0.2], [0.0, 0.0]])
        mean, sd = belief(prior, np.array([[3.0], [1.0]]), np.array([1.0, -1.0]),
                          np.array([1.0, 3.0]), np.array([1.0, 2.0]))
        np.testing.assert_allclose(mean, [[(1.5 + 1) / 4, (-0.6 + 1) / 4],
                                          [-1 / 4, -1 / 4]], atol=1e-15)
        np.testing.assert_allclose(sd, [[1 / 2, 1 / 2], [1.0, 1.0]], atol=1e-15)
        # per-side strengths on the last axis
        mean, sd = belief(prior, np.array([3.0, 1.0]), np.array([1.0, -1.0]), 1.0, 1.0)
        np.testing.assert_allclose(mean, [[2.5 / 4, 0.4], [-0.25, -0.5]], atol=1e-15)
        np.testing.assert_allclose(sd, [[0.5, np.sqrt(0.5)]] * 2, atol=1e-15)

    def test_converges_to_the_true_edge(self):
        # law of large numbers over many replications: both sides end near the edge, wherever
        # they started, and closer the longer the war goes on
        rng = np.random.default_rng(7)
        r, edge, sigma = 400, 0.05, 1.0
        deltas = front_movement(edge, sigma, rng.standard_normal((r, 4000)))
        sums = np.cumsum(deltas, axis=1)
        errors = {}
        for t in (100, 4000):
            mean, sd = belief(PRIORS, N0, sums[:, t - 1], float(t), sigma)
            errors[t] = np.sqrt(np.mean((mean - edge) ** 2))
            assert abs(mean.mean(axis=0) - edge).max() < 4 * sd[0, 0] / np.sqrt(r) + 0.7 * N0 / t
        assert errors[4000] < errors[100] / 4
        assert errors[4000] < 0.02

    def test_stated_sd_is_calibrated_when_the_edge_comes_from_the_prior(self):
        # Bayes: if the true edge is drawn from the prior, the realised error of the posterior
        # mean has exactly the posterior sd
        rng = np.random.default_rng(3)
        r, t, sigma, mu0 = 20000, 6, 0.8, 0.2
        edge = rng.normal(mu0, sigma / np.sqrt(N0), r)
        deltas = front_movement(edge[:, None], sigma, rng.standard_normal((r, t)))
        mean, sd = belief(np.full((r, 1), mu0), N0, deltas.sum(axis=1), float(t), sigma)
        rms = np.sqrt(np.mean((mean[:, 0] - edge) ** 2))
        assert rms == pytest.approx(sd[0, 0], rel=0.03)


class TestMediatorInformation:
    def test_information_one_doubles_the_sessions(self):
        # each session counts twice: the gap after 3 sessions is the gap after 6 without
        mean, sd = beliefs_after(np.zeros(3), information=1.0)
        plain, plain_sd = beliefs_after(np.zeros(6))
        assert mean[0] - mean[1] == pytest.approx(3 * 0.7 / 9, abs=1e-12)
        np.testing.assert_allclose(mean, plain, atol=1e-12)
        np.testing.assert_allclose(sd, plain_sd, atol=1e-15)

    def test_same_evidence_duplicated(self):
        deltas = [0.4, -0.3, 1.2]
        fast, _ = beliefs_after(deltas, information=1.0)
        doubled, _ = beliefs_after([d for d in deltas for _ in range(2)])
        np.testing.assert_allclose(fast, doubled, atol=1e-12)

    @FAST
    @given(movements.filter(len), st.floats(0.0, 5.0))
    def test_information_only_speeds_convergence_up(self, deltas, info):
        slow, _ = beliefs_after(deltas)
        fast, _ = beliefs_after(deltas, information=info)
        assert abs(fast[0] - fast[1]) <= abs(slow[0] - slow[1]) + 1e-12


class TestCostHorizon:
    def test_by_hand(self):
        assert cost_horizon(0.9, 3) == pytest.approx(1 + 0.9 + 0.81, abs=1e-14)
        assert cost_horizon(1.0, 5) == 5.0
        assert cost_horizon(0.8, np.inf) == pytest.approx(5.0, abs=1e-14)
        assert cost_horizon(0.0, 4) == 1.0
        assert cost_horizon(0.9, 0) == 0.0

    def test_vectorised_and_increasing_in_both(self):
        h = cost_horizon(np.array([[0.5], [0.9], [1.0]]), np.array([1.0, 2.0, 10.0]))
        assert h.shape == (3, 3)
        np.testing.assert_array_equal(h[:, 0], 1.0)  # one session: no discount yet
        assert np.all(np.diff(h[:, 1:], axis=0) > 0) and np.all(np.diff(h, axis=1) > 0)


class TestReservation:
    def test_signs(self):
        assert SIDE_SIGNS == (1.0, -1.0)

    def test_by_hand(self):
        # first: .4 + .5 * .2 - 5 * .01 = .45; second: .5 - .5 * .2 - 5 * .02 = .3
        r = reservation(np.array([0.4, 0.5]), 0.5, np.array([0.2, 0.2]),
                        np.array([0.01, 0.02]), 5.0)
        np.testing.assert_allclose(r, [0.45, 0.3], atol=1e-15)

    def test_clipped_to_the_unit_interval(self):
        r = reservation(np.array([0.9, 0.1]), 1.0, np.array([0.5, 0.5]), np.zeros(2), 1.0)
        np.testing.assert_array_equal(r, [1.0, 0.0])

    def test_mirror(self):
        # swapping the sides and negating the beliefs gives the swapped reservations
        rng = np.random.default_rng(5)
        base, mu, cost = rng.uniform(0, 1, (50, 2)), rng.normal(0, 0.3, (50, 2)), \
            rng.uniform(0, 0.02, (50, 2))
        r = reservation(base, 0.4, mu, cost, 3.0)
        mirrored = reservation(base[:, ::-1], 0.4, -mu[:, ::-1], cost[:, ::-1], 3.0)
        np.testing.assert_allclose(mirrored, r[:, ::-1], atol=1e-15)

    def test_convergence_ends_mutual_optimism(self):
        # mu0 = (.5, -.2): each side believes the edge is its own (Blainey's mutual optimism).
        # Learning that the edge is zero lowers both reservations, toward the base
        base = np.array([0.5, 0.5])
        before, _ = beliefs_after([])
        after, _ = beliefs_after(np.zeros(30))
        r0 = reservation(base, 0.5, before, np.zeros(2), 1.0)
        r1 = reservation(base, 0.5, after, np.zeros(2), 1.0)
        np.testing.assert_allclose(r0, [0.75, 0.6], atol=1e-15)
        assert np.all(r1 < r0) and np.all(r1 > base)
        np.testing.assert_allclose(r1 - base, (r0 - base) * 3 / 33, atol=1e-15)
