"""The inherited contract every registered strategy must honour.

Modelled on Axelrod's ``TestPlayer``: ``StrategyContract`` holds the tests, and one small
subclass per registered name states what is particular to that strategy (its repr, traits, a
valid non-default parameter set). ``test_every_registered_strategy_has_a_contract`` makes sure a
new strategy cannot join the registry without joining this suite.
"""

from __future__ import annotations

import dataclasses
import pickle
import random
from typing import ClassVar

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim.strategies as strategies
from sim.strategies import Strategy

SETTINGS = settings(max_examples=40, deadline=None, database=None, derandomize=True)
HISTORY_FIELDS = (
    "other_offer",
    "other_gain",
    "other_own_offer",
    "other_of_mine",
    "other_reservation",
)


def same_rng_state(a, b) -> bool:
    return a[0] == b[0] and np.array_equal(a[1], b[1]) and a[2:] == b[2:]


class StrategyContract:
    """Tests inherited by every strategy; subclasses set the class attributes below."""

    name: ClassVar[str]
    expected_repr: ClassVar[str]
    expected_traits: ClassVar[dict[str, bool]]
    valid_params: ClassVar[dict[str, float]] = {}
    valid_repr: ClassVar[str] = ""
    out_of_bounds: ClassVar[dict[str, float]] = {}

    def build(self, **params) -> Strategy:
        return strategies.build(self.name, **params)

    # --- identity -------------------------------------------------------------------------
    def test_built_by_name(self):
        s = self.build()
        assert isinstance(s, strategies.get(self.name))
        assert s.name == self.name
        assert type(s).name == self.name

    def test_repr(self):
        assert repr(self.build()) == self.expected_repr
        if self.valid_params:
            assert repr(self.build(**self.valid_params)) == self.valid_repr

    def test_params(self):
        cls = strategies.get(self.name)
        assert self.build().params == cls.defaults
        assert set(cls.bounds) <= set(cls.defaults)
        for key, default in cls.defaults.items():
            lo, hi = cls.bounds.get(key, (-np.inf, np.inf))
            assert lo <= default <= hi, f"default {key}={default} outside its bounds"
        built = self.build(**self.valid_params)
        for key, value in self.valid_params.items():
            assert built.params[key] == value
            assert isinstance(built.params[key], float)

    def test_equality_and_hash(self):
        assert self.build() == self.build()
        assert hash(self.build()) == hash(self.build())
        if self.valid_params:
            assert self.build(**self.valid_params) != self.build()

    # --- traits are honest ----------------------------------------------------------------
    def test_traits_declared(self):
        traits = strategies.get(self.name).traits
        assert set(traits) >= {"stochastic", "uses_history"}
        assert all(isinstance(v, bool) for v in traits.values())
        assert traits == self.expected_traits

    def test_deterministic_strategies_repeat_themselves(self, varied_contexts):
        if self.build().traits["stochastic"]:
            pytest.skip("stochastic strategy")
        a, b = self.build(), self.build()
        for ctx in varied_contexts:
            first = a.aspiration(ctx)
            np.testing.assert_array_equal(first, b.aspiration(ctx))
            np.testing.assert_array_equal(first, a.aspiration(ctx))
            np.testing.assert_array_equal(a.target(ctx), b.target(ctx))

    def test_never_touches_global_random_state(self, varied_contexts, monkeypatch):
        np_state = np.random.get_state()
        py_state = random.getstate()
        if not self.build().traits["stochastic"]:
            # a deterministic strategy has no business building a generator either
            def refuse(*args, **kwargs):
                raise AssertionError("deterministic strategy built a random generator")

            monkeypatch.setattr(np.random, "default_rng", refuse)
        s = self.build(**self.valid_params)
        for ctx in varied_contexts:
            s.aspiration(ctx)
        assert same_rng_state(np_state, np.random.get_state())
        assert py_state == random.getstate()

    def test_history_free_strategies_ignore_the_other_side(self, varied_contexts):
        if self.build().traits["uses_history"]:
            pytest.skip("reads the other side's moves")
        s = self.build()
        rng = np.random.default_rng(5)
        for ctx in varied_contexts:
            changed = dataclasses.replace(
                ctx, **{f: rng.uniform(0, 1, ctx.start.shape) for f in HISTORY_FIELDS}
            )
            np.testing.assert_array_equal(s.aspiration(ctx), s.aspiration(changed))

    # --- serialisation and state ----------------------------------------------------------
    def test_pickle_round_trip(self, varied_contexts):
        s = self.build(**self.valid_params)
        clone = pickle.loads(pickle.dumps(s))
        assert clone == s
        assert type(clone) is type(s)
        assert repr(clone) == repr(s)
        for ctx in varied_contexts:
            np.testing.assert_array_equal(clone.aspiration(ctx), s.aspiration(ctx))

    def test_reset_keeps_behaviour(self, opponent):
        s = self.build()
        schedule = [0.0, 0.02, 0.05, 0.0, 0.01, 0.1, 0.0, 0.03]
        first = opponent(schedule).play(s)
        s.reset()
        again = opponent(schedule).play(s)
        fresh = opponent(schedule).play(self.build())
        np.testing.assert_array_equal(first, again)
        np.testing.assert_array_equal(first, fresh)

    def test_vectorised_equals_elementwise(self, varied_contexts):
        s = self.build()
        for ctx in varied_contexts:
            together = s.aspiration(ctx)
            assert together.shape == ctx.start.shape
            for r in range(ctx.start.size):
                single = dataclasses.replace(
                    ctx,
                    **{
                        f.name: getattr(ctx, f.name)[r : r + 1]
                        for f in dataclasses.fields(ctx)
                        if isinstance(getattr(ctx, f.name), np.ndarray)
                    },
                )
                np.testing.assert_array_equal(s.aspiration(single), together[r : r + 1])

    # --- limits of the aspiration ---------------------------------------------------------
    def test_aspiration_within_reservation_and_previous(self, make_context):
        strategy = self.build(**self.valid_params)

        @SETTINGS
        @given(
            round_=st.integers(1, 40),
            tau=st.floats(0.0, 1.0),
            start=st.floats(0.0, 1.0),
            frac=st.floats(0.0, 1.0),
            reservation=st.floats(0.0, 1.0),
            authority=st.floats(0.0, 1.0),
            other=st.floats(0.0, 1.0),
            gain=st.floats(-0.5, 0.5),
            other_res=st.floats(0.0, 1.0),
        )
        def check(round_, tau, start, frac, reservation, authority, other, gain, other_res):
            previous = frac * start
            ctx = make_context(
                round=round_,
                max_rounds=40,
                tau=tau,
                start=start,
                previous=previous,
                reservation=reservation,
                authority=authority,
                own_offer=previous,
                other_offer=other,
                other_gain=gain,
                other_own_offer=1 - other,
                other_of_mine=1 - previous,
                other_reservation=other_res,
            )
            a = strategy.aspiration(ctx)[0]
            assert a >= reservation  # never below the reservation
            if reservation <= previous:
                assert a <= previous  # concessions are not withdrawn
            else:
                assert a == reservation  # risen only as far as the reservation

        check()

    # --- parameters are checked, and the error names them -----------------------------------
    def test_unknown_parameter_is_refused_by_name(self):
        with pytest.raises(ValueError, match="'no_such_knob'"):
            self.build(no_such_knob=1.0)
        with pytest.raises(ValueError, match="'no_such_knob'"):
            strategies.get(self.name)(no_such_knob=1.0)

    def test_out_of_bounds_parameter_is_refused_by_name(self):
        for key, value in self.out_of_bounds.items():
            with pytest.raises(ValueError, match=key):
                self.build(**{key: value})
            with pytest.raises(ValueError, match=key):
                strategies.get(self.name)(**{key: value})

    def test_non_numeric_parameter_is_refused_by_name(self):
        for key in strategies.get(self.name).defaults:
            for bad in ("0.5", None, True, float("nan")):
                with pytest.raises(ValueError, match=key):
                    self.build(**{key: bad})


class TestBoulware(StrategyContract):
    name = "boulware"
    expected_repr = "Boulware(beta=0.2, kappa=0)"
    expected_traits = {"stochastic": False, "uses_history": False}
    valid_params = {"beta": 0.5, "kappa": 0.1}
    valid_repr = "Boulware(beta=0.5, kappa=0.1)"
    out_of_bounds = {"beta": 1.5, "kappa": -0.1}

    def test_beta_zero_is_refused(self):
        with pytest.raises(ValueError, match="beta"):
            self.build(beta=0.0)


class TestLinear(StrategyContract):
    name = "linear"
    expected_repr = "Linear(beta=1, kappa=0)"
    expected_traits = {"stochastic": False, "uses_history": False}
    valid_params = {"kappa": 0.25}
    valid_repr = "Linear(beta=1, kappa=0.25)"
    out_of_bounds = {"beta": 2.0, "kappa": 1.5}


class TestConceder(StrategyContract):
    name = "conceder"
    expected_repr = "Conceder(beta=2, kappa=0)"
    expected_traits = {"stochastic": False, "uses_history": False}
    valid_params = {"beta": 5.0}
    valid_repr = "Conceder(beta=5, kappa=0)"
    out_of_bounds = {"beta": 0.5, "kappa": 2.0}


class TestHardliner(StrategyContract):
    name = "hardliner"
    expected_repr = "Hardliner(threshold=1, rate=0.1, min_step=0.005)"
    expected_traits = {"stochastic": False, "uses_history": True}
    valid_params = {"threshold": 0.01, "rate": 0.2}
    valid_repr = "Hardliner(threshold=0.01, rate=0.2, min_step=0.005)"
    out_of_bounds = {"threshold": -0.1, "rate": 1.5}


class TestSteady(StrategyContract):
    name = "steady"
    expected_repr = "Steady(rate=0.1, min_step=0.005)"
    expected_traits = {"stochastic": False, "uses_history": True}
    valid_params = {"rate": 0.3}
    valid_repr = "Steady(rate=0.3, min_step=0.005)"
    out_of_bounds = {"rate": 1.01}


class TestTitForTat(StrategyContract):
    name = "tit_for_tat"
    expected_repr = "TitForTat(ratio=1, opening=0.05)"
    expected_traits = {"stochastic": False, "uses_history": True}
    valid_params = {"ratio": 0.5, "opening": 0.1}
    valid_repr = "TitForTat(ratio=0.5, opening=0.1)"
    out_of_bounds = {"ratio": -1.0, "opening": 1.01}


class TestZeuthen(StrategyContract):
    name = "zeuthen"
    expected_repr = "Zeuthen(step=0.01)"
    expected_traits = {"stochastic": False, "uses_history": True}
    valid_params = {"step": 0.05}
    valid_repr = "Zeuthen(step=0.05)"
    out_of_bounds = {"step": 0.0}


def all_contracts() -> list[type[StrategyContract]]:
    return StrategyContract.__subclasses__()


def test_every_registered_strategy_has_a_contract():
    covered = sorted(c.name for c in all_contracts())
    assert covered == strategies.names()


@pytest.mark.parametrize("name", strategies.names())
def test_every_registered_name_builds_and_decides(name, varied_contexts):
    # a direct pass over the registry, so a strategy added without a contract class still
    # meets the core of the contract here
    s = strategies.build(name)
    assert s.name == name
    assert pickle.loads(pickle.dumps(s)) == s
    for ctx in varied_contexts:
        a = s.aspiration(ctx)
        assert np.all(a >= ctx.reservation)
        assert np.all((a <= ctx.previous) | (a == ctx.reservation))
