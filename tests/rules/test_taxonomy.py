"""Tests for sim.rules.taxonomy (outcome taxonomy of version 2)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.rules import outcome as v1
from sim.rules.durability_kinds import (
    BARE_CEASEFIRE,
    CEASEFIRE_WITH_MONITORS,
    NO_AGREEMENT,
    SETTLEMENT,
    SETTLEMENT_WITH_GUARANTEES,
)
from sim.rules.taxonomy import (
    CEASEFIRE,
    COLLAPSE,
    COMPREHENSIVE,
    FIRST,
    HUMANITARIAN_ONLY,
    NO_SIDE,
    OUTCOMES_V2,
    PARTIAL,
    PEACE,
    SECOND,
    STALEMATE,
    EndState,
    agreement_kind,
    classify,
    end_state,
    imposed_on,
    main_track,
)

FAST = settings(max_examples=50, deadline=None, database=None, derandomize=True)

# issues: 0 general ceasefire (a ceasefire when settled at <= 50), 1 territory, 2 alliance,
# 3 prisoner exchanges (separate track)
SEPARATE = np.array([False, False, False, True])
CF, THRESHOLD = 0, 50.0


def one(settled, terms=(0.0, 0.0, 0.0, 0.0), walked=False, exchanges=0, **kw):
    code = classify(np.array([settled], bool), np.array([terms], float), SEPARATE, CF,
                    THRESHOLD, np.array([walked]), np.array([exchanges]), **kw)
    assert code.shape == (1,)
    return OUTCOMES_V2[int(code[0])]


def random_end_states(rng, r):
    settled = rng.random((r, 4)) < 0.4
    terms = rng.integers(0, 11, (r, 4)) * 10.0
    walked = rng.random(r) < 0.3
    return settled, terms, walked


def test_outcome_codes_match_names():
    assert OUTCOMES_V2 == ("comprehensive", "ceasefire", "partial", "humanitarian_only",
                           "stalemate", "collapse")
    assert [COMPREHENSIVE, CEASEFIRE, PARTIAL, HUMANITARIAN_ONLY, STALEMATE, COLLAPSE] == [
        0, 1, 2, 3, 4, 5]
    assert PEACE == (COMPREHENSIVE, CEASEFIRE)
    assert (FIRST, SECOND, NO_SIDE) == (0, 1, -1)


@pytest.mark.parametrize(
    ("settled", "terms", "walked", "exchanges", "expected"),
    [
        # one case per outcome
        ((1, 1, 1, 0), (10, 40, 60, 0), False, 0, "comprehensive"),
        ((1, 0, 0, 0), (10, 0, 0, 0), False, 0, "ceasefire"),
        ((0, 1, 0, 0), (0, 40, 0, 0), False, 0, "partial"),
        ((0, 0, 0, 0), (0, 0, 0, 0), False, 2, "humanitarian_only"),
        ((0, 0, 0, 0), (0, 0, 0, 0), False, 0, "stalemate"),
        ((0, 0, 0, 0), (0, 0, 0, 0), True, 0, "collapse"),
        # a comprehensive settlement is a peace whatever the ceasefire value
        ((1, 1, 1, 0), (90, 40, 60, 0), False, 0, "comprehensive"),
        ((1, 1, 1, 1), (90, 40, 60, 100), False, 5, "comprehensive"),
        ((1, 1, 1, 0), (90, 40, 60, 0), True, 0, "comprehensive"),  # stands after a walkout
        # a walkout after a ceasefire ends the talks, not the ceasefire
        ((1, 0, 0, 0), (10, 0, 0, 0), True, 0, "ceasefire"),
        ((1, 1, 0, 1), (50, 30, 0, 100), True, 3, "ceasefire"),  # at the threshold counts
        # the ceasefire issue settled at no ceasefire is a main-track piece
        ((1, 0, 0, 0), (50.5, 0, 0, 0), False, 0, "partial"),
        ((1, 0, 0, 0), (80, 0, 0, 0), True, 0, "collapse"),
        # a walkout without a peace is a collapse whatever else was agreed
        ((0, 1, 1, 0), (0, 40, 60, 0), True, 0, "collapse"),
        ((0, 0, 0, 1), (0, 0, 0, 100), True, 4, "collapse"),
        # the humanitarian track never lifts a main-track outcome
        ((0, 1, 0, 1), (0, 40, 0, 100), False, 4, "partial"),
        ((1, 0, 0, 1), (10, 0, 0, 100), False, 4, "ceasefire"),
        # a separate-track issue settled is humanitarian too (version 1 called it partial)
        ((0, 0, 0, 1), (0, 0, 0, 100), False, 0, "humanitarian_only"),
    ],
)
def test_classify_cases(settled, terms, walked, exchanges, expected):
    assert one(settled, terms, walked, exchanges) == expected


def test_high_side():
    assert one((1, 0, 0, 0), (90, 0, 0, 0), ceasefire_side="high") == "ceasefire"
    assert one((1, 0, 0, 0), (10, 0, 0, 0), ceasefire_side="high") == "partial"
    with pytest.raises(ValueError, match="ceasefire side"):
        one((1, 0, 0, 0), ceasefire_side="middle")


def test_agenda():
    # territory off the agenda: it does not block a comprehensive settlement
    agenda = np.array([True, False, True, True])
    np.testing.assert_array_equal(main_track(SEPARATE, agenda), [True, False, True, False])
    assert one((1, 0, 1, 0), (10, 0, 60, 0), agenda=agenda) == "comprehensive"
    # a separate-track issue off the agenda counts for nothing
    assert one((0, 0, 0, 1), (0, 0, 0, 100), agenda=np.array([1, 1, 1, 0], bool)) == "stalemate"


def test_the_ceasefire_issue_must_be_on_the_main_track():
    with pytest.raises(ValueError, match="main-track"):
        classify(np.zeros((1, 4), bool), np.zeros((1, 4)), SEPARATE, 3, THRESHOLD,
                 np.zeros(1, bool), np.zeros(1, int))
    with pytest.raises(ValueError, match="main-track"):
        one((0, 0, 0, 0), agenda=np.array([False, True, True, True]))


def test_vectorised_over_replications():
    settled = np.array([[1, 1, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0],
                        [0, 0, 0, 0]], bool)
    terms = np.zeros((6, 4))
    walked = np.array([0, 0, 0, 0, 0, 1], bool)
    exchanges = np.array([0, 0, 0, 1, 0, 0])
    code = classify(settled, terms, SEPARATE, CF, THRESHOLD, walked, exchanges)
    np.testing.assert_array_equal(code, range(6))


class TestHumanitarianTrackOnlySeparatesStalemateFromHumanitarianOnly:
    def test_many_random_end_states(self):
        rng = np.random.default_rng(8)
        r = 3000
        settled, terms, walked = random_end_states(rng, r)
        bare = settled.copy()
        bare[:, 3] = False
        base = classify(bare, terms, SEPARATE, CF, THRESHOLD, walked, np.zeros(r, int))
        assert HUMANITARIAN_ONLY not in base
        exchanges = rng.integers(0, 4, r)
        got = classify(settled, terms, SEPARATE, CF, THRESHOLD, walked, exchanges)
        changed = got != base
        assert changed.any()
        assert np.all(base[changed] == STALEMATE) and np.all(got[changed] == HUMANITARIAN_ONLY)
        activity = (exchanges > 0) | settled[:, 3]
        np.testing.assert_array_equal(changed, activity & (base == STALEMATE))

    @FAST
    @given(st.lists(st.booleans(), min_size=3, max_size=3), st.booleans(),
           st.integers(0, 10), st.booleans(), st.integers(0, 10))
    def test_property(self, main_settled, walked, exchanges, separate_settled, cf_value):
        terms = (cf_value * 10.0, 40.0, 60.0, 100.0)
        without = one((*main_settled, False), terms, walked, 0)
        with_track = one((*main_settled, separate_settled), terms, walked, exchanges)
        if without != with_track:
            assert (without, with_track) == ("stalemate", "humanitarian_only")


def test_same_as_version_one_without_a_humanitarian_track():
    # with no separate-track issue and no exchanges the two taxonomies agree name for name
    rng = np.random.default_rng(6)
    r = 2000
    settled, terms, walked = random_end_states(rng, r)
    no_separate = np.zeros(4, bool)
    old = v1.classify(settled, terms, np.ones(4, bool), no_separate, CF, THRESHOLD, walked)
    new = classify(settled, terms, no_separate, CF, THRESHOLD, walked, np.zeros(r, int))
    np.testing.assert_array_equal(np.array(v1.OUTCOMES_V1)[old], np.array(OUTCOMES_V2)[new])
    assert set(np.unique(new)) == {COMPREHENSIVE, CEASEFIRE, PARTIAL, STALEMATE, COLLAPSE}


def test_mirroring_the_ceasefire_axis_keeps_the_outcome():
    rng = np.random.default_rng(4)
    settled, terms, walked = random_end_states(rng, 1000)
    exchanges = rng.integers(0, 2, 1000)
    low = classify(settled, terms, SEPARATE, CF, 30.0, walked, exchanges)
    high = classify(settled, 100 - terms, SEPARATE, CF, 70.0, walked, exchanges, "high")
    np.testing.assert_array_equal(low, high)
    assert set(np.unique(low)) == set(range(6))


class TestImposedOn:
    def test_by_hand(self):
        u_first = np.array([0.9, 0.7, 0.6, 0.2, 0.5, 0.9])
        u_second = np.array([0.5, 0.5, 0.5, 0.6, 0.5, 0.1])
        outcome = np.array([COMPREHENSIVE, CEASEFIRE, CEASEFIRE, COMPREHENSIVE, CEASEFIRE,
                            PARTIAL])
        # gaps .4, .2 (not more than .2), .1, -.4, 0; no peace in the last
        got = imposed_on(u_first, u_second, 0.2, outcome)
        np.testing.assert_array_equal(got, [SECOND, NO_SIDE, NO_SIDE, FIRST, NO_SIDE, NO_SIDE])

    @FAST
    @given(st.floats(0, 1), st.floats(0, 1), st.floats(0, 0.5),
           st.sampled_from(range(6)))
    def test_mirror_symmetry(self, a, b, margin, outcome):
        side = int(imposed_on(a, b, margin, outcome))
        swapped = int(imposed_on(b, a, margin, outcome))
        assert swapped == {FIRST: SECOND, SECOND: FIRST, NO_SIDE: NO_SIDE}[side]
        if outcome not in PEACE:
            assert side == NO_SIDE

    def test_only_where_a_peace_was_agreed(self):
        outcome = np.arange(6)
        got = imposed_on(np.ones(6), np.zeros(6), 0.25, outcome)
        np.testing.assert_array_equal(got, [SECOND, SECOND, -1, -1, -1, -1])

    def test_nan_utilities_flag_nothing(self):
        assert imposed_on(np.nan, 0.0, 0.1, CEASEFIRE) == NO_SIDE

    def test_negative_margin_refused(self):
        with pytest.raises(ValueError, match="margin"):
            imposed_on(0.5, 0.5, -0.1, CEASEFIRE)


class TestAgreementKind:
    def test_from_the_outcome(self):
        outcome = np.array([COMPREHENSIVE, COMPREHENSIVE, CEASEFIRE, CEASEFIRE, PARTIAL,
                            HUMANITARIAN_ONLY, STALEMATE, COLLAPSE])
        monitors = np.array([1, 1, 1, 0, 1, 1, 1, 1], bool)
        guarantees = np.array([1, 0, 0, 0, 1, 1, 1, 1], bool)
        got = agreement_kind(outcome, monitors, guarantees)
        np.testing.assert_array_equal(got, [SETTLEMENT_WITH_GUARANTEES, SETTLEMENT,
                                            CEASEFIRE_WITH_MONITORS, BARE_CEASEFIRE]
                                      + [NO_AGREEMENT] * 4)


def test_end_state_combines_the_pieces():
    settled = np.array([[1, 1, 1, 0], [1, 0, 0, 1], [0, 1, 0, 0], [0, 0, 0, 0]], bool)
    terms = np.array([[20, 40, 60, 0], [10, 0, 0, 100], [0, 40, 0, 0], [0, 0, 0, 0]], float)
    walked = np.array([False, True, False, False])
    exchanges = np.array([0, 2, 1, 3])
    u_first = np.array([0.3, 0.8, 0.9, np.nan])
    u_second = np.array([0.7, 0.7, 0.1, np.nan])
    got = end_state(settled, terms, SEPARATE, CF, THRESHOLD, walked, exchanges, u_first,
                    u_second, 0.25, np.array([1, 1, 0, 0], bool), np.array([1, 0, 0, 0], bool))
    assert isinstance(got, EndState)
    np.testing.assert_array_equal(got.outcome, [COMPREHENSIVE, CEASEFIRE, PARTIAL,
                                                HUMANITARIAN_ONLY])
    np.testing.assert_array_equal(got.imposed_on, [FIRST, NO_SIDE, NO_SIDE, NO_SIDE])
    np.testing.assert_array_equal(got.dictated_peace, [True, False, False, False])
    np.testing.assert_array_equal(got.agreement_kind, [SETTLEMENT_WITH_GUARANTEES,
                                                       CEASEFIRE_WITH_MONITORS, NO_AGREEMENT,
                                                       NO_AGREEMENT])
