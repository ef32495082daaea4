"""Tests for sim.rules.durability_kinds (survival by agreement kind)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.rules.durability import hold_probability
from sim.rules.durability_kinds import (
    BARE_CEASEFIRE,
    CEASEFIRE_WITH_MONITORS,
    GUARANTEED_PACKAGE,
    KINDS,
    MONTHLY_HAZARD,
    NO_AGREEMENT,
    SETTLEMENT,
    SETTLEMENT_WITH_GUARANTEES,
    agreement_kind,
    kind_multiplier,
    survival,
)

FAST = settings(max_examples=50, deadline=None, database=None, derandomize=True)
ALL = np.arange(4)


class TestTable:
    def test_codes_match_names(self):
        assert KINDS == ("bare_ceasefire", "ceasefire_with_monitors", "settlement",
                         "settlement_with_guarantees")
        assert (BARE_CEASEFIRE, CEASEFIRE_WITH_MONITORS, SETTLEMENT,
                SETTLEMENT_WITH_GUARANTEES, NO_AGREEMENT) == (0, 1, 2, 3, -1)

    def test_default_hazards_as_documented(self):
        np.testing.assert_allclose(MONTHLY_HAZARD, [0.415, 0.206, 0.0554, 0.00766], rtol=3e-3)
        assert GUARANTEED_PACKAGE == pytest.approx(0.135, abs=1e-15)

    def test_anchor_vectors(self):
        # S(90) = .5 <=> h ~ .206; S(365) = .5 <=> h ~ .0554
        assert 1 - 0.5 ** (1 / 3) == pytest.approx(0.206, abs=5e-4)
        assert 1 - 0.5 ** (30 / 365) == pytest.approx(0.0554, abs=5e-5)
        assert survival(90, CEASEFIRE_WITH_MONITORS) == pytest.approx(0.5, abs=1e-12)
        assert survival(365, SETTLEMENT) == pytest.approx(0.5, abs=1e-12)
        assert survival(90, BARE_CEASEFIRE) == pytest.approx(0.2, abs=1e-12)
        # the guaranteed settlement: half-life 365 / .135 days, about 7.4 years
        assert survival(365 / 0.135, SETTLEMENT_WITH_GUARANTEES) == pytest.approx(0.5, abs=1e-12)

    def test_bare_ceasefire_against_the_civil_war_figures(self):
        # fitted at 90 days (4/5 ended); survival at 30 days overstated (2/3 ended there)
        assert survival(30, BARE_CEASEFIRE) == pytest.approx(0.585, abs=1e-3)
        assert survival(30, BARE_CEASEFIRE) > 1 / 3

    def test_monitors_check(self):
        # the bare ceasefire with the monitors multiplier is close to the monitored kind
        s = hold_probability(90, MONTHLY_HAZARD[BARE_CEASEFIRE], 0.45)
        assert s == pytest.approx(0.485, abs=1e-3)


class TestSurvival:
    def test_one_month_is_one_minus_the_hazard(self):
        np.testing.assert_allclose(survival(30, ALL), 1 - np.array(MONTHLY_HAZARD), atol=1e-15)

    def test_zero_days_always_holds(self):
        np.testing.assert_array_equal(survival(0, ALL), 1.0)

    def test_same_as_version_one_for_the_same_hazard(self):
        days = np.array([1.0, 45.0, 400.0])
        for k in ALL:
            np.testing.assert_allclose(survival(days, k, 1.8),
                                       hold_probability(days, MONTHLY_HAZARD[k], 1.8),
                                       atol=1e-15)

    @FAST
    @given(st.floats(1.0, 3650.0), st.floats(0.0, 3650.0))
    def test_monotone_in_days(self, d1, d2):
        lo, hi = min(d1, d2), max(d1, d2)
        assert np.all(survival(hi, ALL) <= survival(lo, ALL))

    @FAST
    @given(st.floats(0.5, 3650.0), st.floats(0.1, 5.0))
    def test_kinds_ordered_bare_ceasefire_least_durable(self, days, multiplier):
        s = survival(days, ALL, multiplier)
        assert s[0] < s[1] < s[2] < s[3]

    def test_custom_hazards(self):
        np.testing.assert_allclose(survival(60, ALL, hazards=(0.5, 0.4, 0.3, 0.2)),
                                   [0.25, 0.36, 0.49, 0.64], atol=1e-14)

    def test_no_agreement_is_nan(self):
        s = survival(90, np.array([NO_AGREEMENT, SETTLEMENT]))
        assert np.isnan(s[0]) and s[1] == pytest.approx(0.5 ** (90 / 365), abs=1e-14)

    def test_bad_code(self):
        with pytest.raises(ValueError, match="agreement kinds"):
            survival(90, 4)
        with pytest.raises(ValueError, match="agreement kinds"):
            kind_multiplier(-2, 0.45, 0.6, 1.8, True, True, True)

    def test_vectorised(self):
        s = survival(np.array([[30.0], [90.0]]), np.array([0, 1, 2, 3]))
        assert s.shape == (2, 4)
        assert s[1, 1] == pytest.approx(0.5, abs=1e-12)


class TestAgreementKind:
    @pytest.mark.parametrize(
        ("ceasefire", "settlement", "monitors", "guarantees", "expected"),
        [
            (False, False, False, False, NO_AGREEMENT),
            (False, False, True, True, NO_AGREEMENT),  # conditions without an agreement
            (True, False, False, False, BARE_CEASEFIRE),
            (True, False, False, True, BARE_CEASEFIRE),  # guarantees come as a multiplier
            (True, False, True, False, CEASEFIRE_WITH_MONITORS),
            (True, False, True, True, CEASEFIRE_WITH_MONITORS),
            (False, True, False, False, SETTLEMENT),
            (False, True, True, False, SETTLEMENT),
            (False, True, False, True, SETTLEMENT),
            (False, True, True, True, SETTLEMENT_WITH_GUARANTEES),
            (True, True, False, False, SETTLEMENT),  # a settlement outranks a ceasefire
            (True, True, True, True, SETTLEMENT_WITH_GUARANTEES),
        ],
    )
    def test_cases(self, ceasefire, settlement, monitors, guarantees, expected):
        assert agreement_kind(ceasefire, settlement, monitors, guarantees) == expected

    def test_vectorised(self):
        got = agreement_kind(np.array([1, 1, 0, 0], bool), np.array([0, 0, 1, 1], bool),
                             np.array([0, 1, 0, 1], bool), np.array([0, 0, 1, 1], bool))
        np.testing.assert_array_equal(got, [0, 1, 2, 3])
        assert got.dtype.kind == "i"


class TestKindMultiplier:
    def test_no_double_counting(self):
        kinds = np.array([0, 1, 2, 3, NO_AGREEMENT])
        every = np.ones(5, bool)
        got = kind_multiplier(kinds, 0.45, 0.6, 1.8, every, every, ~every)
        # (agreement_kind never gives a bare ceasefire with monitors; given one, both ratios
        # apply); the monitored kind takes only the guarantees, the guaranteed settlement none
        np.testing.assert_allclose(got, [0.45 * 0.6, 0.6, 0.45 * 0.6, 1.0, 0.45 * 0.6],
                                   atol=1e-15)

    def test_imposed_applies_to_every_kind(self):
        got = kind_multiplier(ALL, 0.45, 0.6, 1.8, False, False, True)
        np.testing.assert_allclose(got, 1.8, atol=1e-15)

    def test_through_agreement_kind_monitors_count_once(self):
        # a ceasefire with monitors: the monitored kind and no further monitors ratio
        kind = agreement_kind(True, False, True, False)
        m = kind_multiplier(kind, 0.45, 0.6, 1.8, True, False, False)
        assert m == 1.0
        assert survival(90, kind, m) == pytest.approx(0.5, abs=1e-12)
        # a settlement with guarantees only: the settlement kind with the guarantees ratio
        kind = agreement_kind(False, True, False, True)
        m = kind_multiplier(kind, 0.45, 0.6, 1.8, False, True, False)
        assert (int(kind), float(m)) == (SETTLEMENT, 0.6)
