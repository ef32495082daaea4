"""Tests for sim.rules.humanitarian (exchanges and trust on the humanitarian track)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.rules.humanitarian import (
    GAIN_EXCHANGE,
    GAIN_RECIPROCITY,
    LOSS_ESCALATION,
    LOSS_WALKOUT,
    RATE_EPS,
    TRUST_EFFECT,
    exchange_happens,
    exchange_probability,
    trust_step,
)

FAST = settings(max_examples=50, deadline=None, database=None, derandomize=True)

rates = st.floats(1e-6, 1 - 1e-6, allow_nan=False)
trusts = st.floats(-1.0, 1.0, allow_nan=False, allow_subnormal=False)
effects = st.floats(0.0, 10.0, allow_nan=False, allow_subnormal=False)


class TestExchangeProbability:
    def test_defaults(self):
        assert TRUST_EFFECT == 1.5
        assert (GAIN_EXCHANGE, GAIN_RECIPROCITY, LOSS_WALKOUT, LOSS_ESCALATION) == (
            0.05, 0.1, 0.3, 0.15)

    def test_by_hand(self):
        # rate .5: logit 0, so p = logistic(effect x trust)
        assert exchange_probability(0.5, 1.0, 2.0) == pytest.approx(1 / (1 + np.exp(-2.0)))
        # rate .2: logit = ln(.25); trust .5, effect ln 4 / .5 -> log-odds 0 -> p = .5
        assert exchange_probability(0.2, 0.5, 2 * np.log(4.0)) == pytest.approx(0.5, abs=1e-15)
        # default effect: odds .25 x e^1.5 at full trust
        odds = 0.25 * np.exp(1.5)
        assert exchange_probability(0.2, 1.0) == pytest.approx(odds / (1 + odds), abs=1e-15)

    @FAST
    @given(rates, effects)
    def test_rate_at_neutral_trust(self, rate, effect):
        assert exchange_probability(rate, 0.0, effect) == pytest.approx(rate, rel=1e-9)

    @FAST
    @given(rates, trusts, trusts, effects)
    def test_monotone_in_trust(self, rate, t1, t2, effect):
        lo, hi = min(t1, t2), max(t1, t2)
        assert exchange_probability(rate, lo, effect) <= exchange_probability(rate, hi, effect)

    @FAST
    @given(st.floats(0.0, 1.0, allow_nan=False), trusts, effects)
    def test_a_probability_even_at_rates_zero_and_one(self, rate, trust, effect):
        with np.errstate(divide="raise", invalid="raise", over="raise"):
            p = exchange_probability(rate, trust, effect)
        assert 0.0 <= p <= 1.0

    def test_clipped_rates(self):
        assert exchange_probability(0.0, 0.0) == pytest.approx(RATE_EPS, rel=1e-6)
        assert exchange_probability(1.0, 0.0) == pytest.approx(1 - RATE_EPS, abs=1e-15)

    def test_trust_moves_the_probability_both_ways(self):
        p = exchange_probability(0.3, np.array([-1.0, 0.0, 1.0]))
        assert p[0] < 0.3 < p[2]
        assert p[1] == pytest.approx(0.3, abs=1e-15)

    def test_vectorised(self):
        p = exchange_probability(np.array([[0.1], [0.6]]), np.array([-0.5, 0.0, 0.5]), 1.0)
        assert p.shape == (2, 3)
        np.testing.assert_allclose(p[:, 1], [0.1, 0.6], atol=1e-15)


class TestExchangeHappens:
    def test_strictly_below(self):
        np.testing.assert_array_equal(
            exchange_happens(np.array([0.0, 0.29, 0.3, 0.9]), 0.3), [True, True, False, False])

    def test_frequency(self):
        u = np.random.default_rng(4).random(100_000)
        p = float(exchange_probability(0.3, 0.4))
        assert exchange_happens(u, p).mean() == pytest.approx(p, abs=0.005)


class TestTrustStep:
    def test_by_hand_with_defaults(self):
        t = trust_step(np.zeros(5), exchanged=[1, 0, 0, 0, 1], reciprocated=[0, 1, 0, 0, 1],
                       walked=[0, 0, 1, 0, 0], escalated=[0, 0, 0, 1, 1])
        np.testing.assert_allclose(t, [0.05, 0.1, -0.3, -0.15, 0.05 + 0.1 - 0.15], atol=1e-15)

    def test_nothing_happens_nothing_moves(self):
        t = np.array([-0.7, 0.0, 0.4])
        np.testing.assert_array_equal(trust_step(t, False, False, False, False), t)

    def test_custom_step_sizes(self):
        t = trust_step(0.2, True, True, True, True, gain_exchange=0.1, gain_reciprocity=0.2,
                       loss_walkout=0.05, loss_escalation=0.05)
        assert t == pytest.approx(0.4, abs=1e-15)

    def test_clipped(self):
        assert trust_step(0.98, True, True, False, False) == 1.0
        assert trust_step(-0.9, False, False, True, True) == -1.0

    def test_losses_outweigh_gains(self):
        # one walkout undoes more than an exchange and a reciprocated concession together
        assert trust_step(0.0, True, True, True, False) < 0.0

    @FAST
    @given(trusts, st.booleans(), st.booleans(), st.booleans(), st.booleans(),
           st.lists(st.floats(0.0, 2.0, allow_nan=False), min_size=4, max_size=4))
    def test_stays_in_bounds_and_moves_the_right_way(self, trust, ex, rec, walk, esc, sizes):
        t = trust_step(trust, ex, rec, walk, esc, *sizes)
        assert -1.0 <= t <= 1.0
        if not (walk or esc):
            assert t >= trust
        if not (ex or rec):
            assert t <= trust

    def test_long_run_stays_in_bounds(self):
        rng = np.random.default_rng(9)
        trust = np.zeros(500)
        for _ in range(200):
            p = exchange_probability(0.4, trust)
            ex = exchange_happens(rng.random(500), p)
            trust = trust_step(trust, ex, rng.random(500) < 0.3, rng.random(500) < 0.05,
                               rng.random(500) < 0.1)
            assert np.all((trust >= -1.0) & (trust <= 1.0))
