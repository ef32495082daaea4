"""Tests for sim.rules.delegation (two-level games: mandate, initialling, ratification)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.rules.delegation import (
    DECISIONS,
    INITIAL,
    REJECT,
    SIGN,
    accepts_within_mandate,
    decision,
    initials,
    instruct,
    is_leader,
    ratifies,
)

FAST = settings(max_examples=50, deadline=None, database=None, derandomize=True)

unit = st.floats(0.0, 1.0, allow_nan=False, allow_subnormal=False)
below_one = st.floats(0.0, 1.0, exclude_max=True, allow_nan=False, allow_subnormal=False)


def code(u, mandate=0.7, now=0.6, margin=0.05, authority=0.5, uniform=0.9):
    return DECISIONS[int(decision(u, mandate, now, margin, authority, uniform))]


def negotiate(texts, aspirations, authority, uniforms, margin=0.0, mandate0=None,
              instructs=None):
    """The caller's loop for one party: returns [(session, utility, aspiration)] of agreements.

    texts[t], aspirations[t]: the text's utility and the principal's aspiration at session t.
    A text initialled at t is ratified or lapses at t + 1 (nothing else is decided while it
    waits); the first agreement ends the talks.
    """
    mandate = aspirations[0] if mandate0 is None else mandate0
    pending = False
    for t, (u, now) in enumerate(zip(texts, aspirations, strict=True)):
        if instructs is not None:
            mandate = float(instruct(mandate, now, instructs[t]))
        if pending:
            pending = False
            if ratifies(u, now):
                return [(t, u, now)]
            continue
        c = int(decision(u, mandate, now, margin, authority, uniforms[t]))
        if c == SIGN:
            return [(t, u, now)]
        pending = c == INITIAL
    return []


class TestCodes:
    def test_names(self):
        assert DECISIONS == ("reject", "sign", "initial")
        assert (REJECT, SIGN, INITIAL) == (0, 1, 2)


class TestInstruct:
    def test_mandate_is_the_aspiration_at_the_last_instruction(self):
        got = instruct(np.array([0.8, 0.8]), np.array([0.6, 0.6]), np.array([True, False]))
        np.testing.assert_array_equal(got, [0.6, 0.8])

    def test_leader(self):
        np.testing.assert_array_equal(is_leader(np.array([0.0, 0.99, 1.0])), [0, 0, 1])


class TestDecisionByHand:
    # mandate .7, margin .05 -> a delegation signs at >= .75; principal's aspiration now .6
    @pytest.mark.parametrize(
        ("u", "authority", "uniform", "expected"),
        [
            (0.80, 0.5, 0.9, "sign"),  # within the mandate
            (0.75, 0.5, 0.9, "sign"),  # exactly mandate + margin
            (0.70, 0.5, 0.9, "reject"),  # near the edge, no initialling this session
            (0.70, 0.5, 0.4, "initial"),  # near the edge, initialled (u < authority)
            (0.60, 0.5, 0.4, "initial"),  # exactly the principal's aspiration
            (0.59, 0.5, 0.0, "reject"),  # below the principal's aspiration: never
            (0.70, 0.0, 0.0, "reject"),  # authority 0 never initials
            (0.60, 1.0, 0.9, "sign"),  # a leader signs at its aspiration, no margin
            (0.59, 1.0, 0.0, "reject"),  # not below it
        ],
    )
    def test_cases(self, u, authority, uniform, expected):
        assert code(u, authority=authority, uniform=uniform) == expected

    def test_stale_mandate_below_the_principal_does_not_bind_it(self):
        # the principal hardened since it instructed (mandate .5, now .7): a text at .6 clears
        # mandate + margin but is not signed
        assert code(0.6, mandate=0.5, now=0.7, margin=0.05) == "reject"
        assert code(0.72, mandate=0.5, now=0.7, margin=0.05) == "sign"

    def test_pieces_agree_with_the_combined_code(self):
        rng = np.random.default_rng(0)
        n = 2000
        u, m, a = rng.random(n), rng.random(n), rng.random(n)
        auth = np.where(rng.random(n) < 0.2, 1.0, rng.random(n))
        uni, margin = rng.random(n), rng.uniform(0, 0.1, n)
        c = decision(u, m, a, margin, auth, uni)
        sign = accepts_within_mandate(u, m, a, margin, auth)
        init = initials(u, a, auth, uni)
        np.testing.assert_array_equal(c == SIGN, sign)
        np.testing.assert_array_equal(c == INITIAL, init & ~sign)
        np.testing.assert_array_equal(c == REJECT, ~sign & ~init)
        assert set(np.unique(c)) == {REJECT, SIGN, INITIAL}

    def test_ratifies(self):
        np.testing.assert_array_equal(ratifies(np.array([0.5, 0.6, 0.7]), 0.6), [0, 1, 1])


class TestNothingBelowThePrincipalsAspiration:
    @FAST
    @given(unit, unit, unit, st.floats(0.0, 0.3), unit, below_one)
    def test_sign_and_initial_only_at_or_above_the_aspiration(self, u, mandate, now, margin,
                                                              authority, uniform):
        c = int(decision(u, mandate, now, margin, authority, uniform))
        if c != REJECT:
            assert u >= now

    @FAST
    @given(st.integers(0, 2**32 - 1), st.sampled_from([0.0, 0.3, 0.7, 0.99, 1.0]))
    def test_every_agreement_clears_the_aspiration_when_it_takes_effect(self, seed, authority):
        # aspirations wander up and down, the principal re-instructs at random, texts move:
        # whatever the authority, no agreement takes effect below the principal's aspiration
        rng = np.random.default_rng(seed)
        t = 40
        aspirations = np.clip(0.6 + np.cumsum(rng.normal(0, 0.05, t)), 0, 1)
        texts = np.clip(0.5 + np.cumsum(rng.normal(0, 0.05, t)), 0, 1)
        for got in (
            negotiate(texts, aspirations, authority, rng.random(t), margin=0.05),
            negotiate(texts, aspirations, authority, rng.random(t), margin=0.0,
                      instructs=rng.random(t) < 0.2, mandate0=rng.random()),
        ):
            for _, u, now in got:
                assert u >= now


class TestAuthoritySetsTheSpeed:
    # the principal concedes 1/32 a session from .75; the text is worth .5 throughout; the
    # mandate is .75 and the margin 1/16, so the text is near the edge from session 8 on
    ASPIRATIONS = 0.75 - np.arange(20) / 32
    TEXTS = np.full(20, 0.5)
    UNIFORMS = np.array([0.9] * 9 + [0.8, 0.5, 0.2] + [0.0] * 8)

    def agreed_at(self, authority):
        got = negotiate(self.TEXTS, self.ASPIRATIONS, authority, self.UNIFORMS,
                        margin=1 / 16, mandate0=0.75)
        return got[0][0] if got else None

    def test_leader_signs_at_once(self):
        assert self.agreed_at(1.0) == 8

    def test_delegations_wait_for_a_referral(self):
        # initialled at the first session from 8 on where u < authority, ratified one later
        assert self.agreed_at(0.95) == 9  # u = .9 at session 8
        assert self.agreed_at(0.6) == 11  # u = .5 at session 10
        assert self.agreed_at(0.3) == 12  # u = .2 at session 11
        assert self.agreed_at(0.0) is None  # never without a new instruction

    def test_a_new_instruction_lets_even_a_zero_authority_delegation_sign(self):
        instructs = np.zeros(20, bool)
        instructs[14] = True  # mandate becomes .75 - 14/32 = .3125; .5 >= .3125 + 1/16
        got = negotiate(self.TEXTS, self.ASPIRATIONS, 0.0, self.UNIFORMS, margin=1 / 16,
                        mandate0=0.75, instructs=instructs)
        assert got[0][0] == 14

    def test_expected_delay_falls_with_authority(self):
        rng = np.random.default_rng(1)
        means = []
        for a in (0.2, 0.5, 0.8, 1.0):
            delays = [self.agreed_at_with(a, rng.random(60)) for _ in range(400)]
            means.append(np.mean(delays))
        assert means == sorted(means, reverse=True)
        assert means[-1] == 8
        # geometric start with probability a, one session's wait: 8 + 1/a on average
        assert means[0] == pytest.approx(8 + 1 / 0.2, abs=0.6)

    def agreed_at_with(self, authority, uniforms):
        aspirations = 0.75 - np.arange(60) / 32
        got = negotiate(np.full(60, 0.5), aspirations, authority, uniforms, margin=1 / 16,
                        mandate0=0.75)
        return got[0][0]

    def test_text_dropping_below_the_aspiration_before_ratification_lapses(self):
        # initialled at session 0 (u .6 >= .6), but the principal hardens to .65 at session 1
        got = negotiate([0.6, 0.6, 0.6], [0.6, 0.65, 0.7], 0.5, [0.1, 0.1, 0.1], margin=0.1,
                        mandate0=0.8)
        assert got == []
