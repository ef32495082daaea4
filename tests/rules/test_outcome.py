"""Tests for sim.rules.outcome (docs/ODD.md §7.12-7.13)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.rules.outcome import (
    CEASEFIRE,
    COLLAPSE,
    COMPREHENSIVE,
    OUTCOMES_V1,
    PARTIAL,
    STALEMATE,
    ceasefire_agreed,
    classify,
    dictated_peace,
    is_ceasefire,
)

# issues: 0 general ceasefire (agreed when settled at <= 50), 1 territory, 2 prisoner exchange
# (separate track)
AGENDA = np.array([True, True, True])
SEPARATE = np.array([False, False, True])
CF, THRESHOLD = 0, 50.0


def one(settled, terms=(0.0, 0.0, 0.0), walked_out=False, agenda=AGENDA):
    code = classify(
        np.array([settled], bool),
        np.array([terms], float),
        np.asarray(agenda),
        SEPARATE,
        CF,
        THRESHOLD,
        np.array([walked_out]),
    )
    assert code.shape == (1,)
    return OUTCOMES_V1[int(code[0])]


def test_outcome_codes_match_names():
    assert OUTCOMES_V1[COMPREHENSIVE] == "comprehensive"
    assert OUTCOMES_V1[CEASEFIRE] == "ceasefire"
    assert OUTCOMES_V1[PARTIAL] == "partial"
    assert OUTCOMES_V1[STALEMATE] == "stalemate"
    assert OUTCOMES_V1[COLLAPSE] == "collapse"


@pytest.mark.parametrize(
    ("settled", "terms", "walked_out", "expected"),
    [
        # one case per outcome
        ((1, 1, 1), (0, 40, 100), False, "comprehensive"),
        ((1, 0, 0), (10, 0, 0), False, "ceasefire"),
        ((0, 0, 1), (0, 0, 100), False, "partial"),
        ((0, 0, 0), (0, 0, 0), False, "stalemate"),
        ((0, 0, 0), (0, 0, 0), True, "collapse"),
        # precedence rules
        ((1, 0, 0), (10, 0, 0), True, "ceasefire"),  # walkout after a ceasefire keeps it
        ((1, 0, 1), (10, 0, 100), True, "ceasefire"),
        ((1, 0, 1), (10, 0, 100), False, "ceasefire"),  # ceasefire beats partial
        ((0, 0, 1), (0, 0, 100), True, "collapse"),  # walkout beats a partial deal
        ((1, 1, 1), (0, 40, 100), True, "comprehensive"),  # everything settled
        ((1, 1, 1), (90, 40, 100), False, "comprehensive"),  # all settled ends the war anyway
        # the ceasefire issue settled on terms that are no general ceasefire: a partial deal
        ((1, 0, 0), (80, 0, 0), False, "partial"),
        ((1, 0, 1), (80, 0, 100), False, "partial"),
        ((1, 0, 0), (80, 0, 0), True, "collapse"),
        ((1, 0, 0), (50, 0, 0), False, "ceasefire"),  # at the threshold counts
        ((1, 0, 0), (50.5, 0, 0), False, "partial"),  # just above does not
        # main-track pieces agreed without a ceasefire are partial too (module docstring)
        ((0, 1, 0), (0, 30, 0), False, "partial"),
        ((0, 1, 0), (0, 30, 0), True, "collapse"),
        ((0, 1, 1), (0, 30, 100), False, "partial"),
    ],
)
def test_classify_cases(settled, terms, walked_out, expected):
    assert one(settled, terms, walked_out) == expected


def test_issues_off_the_agenda_do_not_block_a_comprehensive_settlement():
    agenda = np.array([True, False, True])
    assert one((1, 0, 1), (10, 0, 100), agenda=agenda) == "comprehensive"


def test_vectorised_over_replications():
    settled = np.array([[1, 1, 1], [1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]], bool)
    terms = np.array([[0, 0, 0], [10, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]], float)
    walked = np.array([False, False, False, False, True])
    code = classify(settled, terms, AGENDA, SEPARATE, CF, THRESHOLD, walked)
    np.testing.assert_array_equal(code, [COMPREHENSIVE, CEASEFIRE, PARTIAL, STALEMATE, COLLAPSE])


def test_ceasefire_agreed():
    settled = np.array([[True, False], [True, False], [False, False], [True, True]])
    terms = np.array([[50.0, 0], [50.1, 0], [0.0, 0], [0.0, 99]])
    np.testing.assert_array_equal(
        ceasefire_agreed(settled, terms, 0, 50.0), [True, False, False, True]
    )


class TestCeasefireSide:
    def test_is_ceasefire_at_either_end_inclusive(self):
        values = np.array([0.0, 49.9, 50.0, 50.1, 100.0])
        np.testing.assert_array_equal(is_ceasefire(values, 50.0), [1, 1, 1, 0, 0])
        np.testing.assert_array_equal(is_ceasefire(values, 50.0, "low"), [1, 1, 1, 0, 0])
        np.testing.assert_array_equal(is_ceasefire(values, 50.0, "high"), [0, 0, 1, 1, 1])

    def test_high_side_classification(self):
        settled = np.array([[1, 0, 0], [1, 0, 0], [1, 1, 1]], bool)
        terms = np.array([[90.0, 0, 0], [10.0, 0, 0], [10.0, 0, 0]])
        code = classify(settled, terms, AGENDA, SEPARATE, CF, THRESHOLD, np.zeros(3, bool), "high")
        np.testing.assert_array_equal(code, [CEASEFIRE, PARTIAL, COMPREHENSIVE])
        agreed = ceasefire_agreed(settled, terms, CF, THRESHOLD, "high")
        np.testing.assert_array_equal(agreed, [True, False, False])

    def test_mirroring_the_ceasefire_axis_keeps_the_outcome(self):
        rng = np.random.default_rng(4)
        settled = rng.random((400, 3)) < 0.5
        terms = rng.integers(0, 11, (400, 3)) * 10.0
        walked = rng.random(400) < 0.3
        low = classify(settled, terms, AGENDA, SEPARATE, CF, 30.0, walked)
        high = classify(settled, 100 - terms, AGENDA, SEPARATE, CF, 70.0, walked, "high")
        np.testing.assert_array_equal(low, high)
        assert set(np.unique(low)) == set(range(5))  # every outcome exercised


class TestDictatedPeace:
    def test_strictly_more_than_the_margin(self):
        u_first = np.array([0.9, 0.7, 0.6, 0.9])
        u_second = np.array([0.5, 0.5, 0.5, 0.5])
        has_peace = np.array([True, True, True, False])
        # gaps .4, .2, .1 against a margin of .2 (exactly .2 is not "more than")
        got = dictated_peace(u_first, u_second, 0.2, has_peace)
        np.testing.assert_array_equal(got, [True, False, False, False])

    def test_one_directional(self):
        # terms closer to the second side's ideal are not a dictated peace of the first
        assert not dictated_peace(np.array(0.1), np.array(0.9), 0.1, np.array(True))
