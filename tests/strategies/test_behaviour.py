"""Behaviour of each strategy against a scripted opponent, with exact expected sequences.

Time-dependent values come from docs/reference/bargaining.md ("Faratin, Sierra & Jennings (1998)",
test values with r = 0.3, utility-space version with P_max = 1); Zeuthen from its
"Zeuthen (1930) concession rule" section.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.strategies import build
from sim.strategies.time_dependent import concession_fraction
from sim.strategies.zeuthen import risk_willingness

EXACT = 1e-12
# the opponent's concessions (my utility of its terms rises by these) in rounds 1..8
SCHEDULE = [0.0, 0.02, 0.05, 0.0, 0.01, 0.1, 0.0, 0.03]


def faratin(tau, beta, r=0.3):
    """Utility-space Faratin aspiration with P_max = 1 and P_min = r."""
    return r + (1 - r) * (1 - tau ** (1 / beta))


class TestTimeDependentKnownValues:
    @pytest.mark.parametrize(
        ("name", "tau", "expected"),
        [
            ("boulware", 0.5, 0.978125),
            ("boulware", 0.75, 0.833887),
            ("linear", 0.5, 0.65),
            ("conceder", 0.25, 0.65),
            ("conceder", 0.5, 0.505025),
        ],
    )
    def test_bargaining_md_test_values(self, make_context, name, tau, expected):
        s = build(name)
        ctx = make_context(tau=tau, start=1.0, reservation=0.3)
        assert s.target(ctx)[0] == pytest.approx(expected, abs=5e-7)  # the md rounds to 6 dp
        assert s.aspiration(ctx)[0] == pytest.approx(expected, abs=5e-7)

    @pytest.mark.parametrize(
        ("name", "beta"), [("boulware", 0.2), ("linear", 1.0), ("conceder", 2.0)]
    )
    def test_exact_closed_form(self, make_context, name, beta):
        s = build(name)
        for k in range(9):
            ctx = make_context(round=k + 1, tau=k / 8, start=1.0, reservation=0.3)
            assert s.target(ctx)[0] == pytest.approx(faratin(k / 8, beta), abs=EXACT)

    def test_time_is_read_from_tau_not_from_the_round(self, make_context):
        a = make_context(round=2, max_rounds=40, tau=0.5)
        b = make_context(round=30, max_rounds=31, tau=0.5)
        for name in ("boulware", "linear", "conceder"):
            np.testing.assert_array_equal(build(name).target(a), build(name).target(b))

    def test_concession_fraction_endpoints(self):
        for beta in (0.2, 1.0, 2.0):
            assert concession_fraction(0.0, beta) == 0.0
            assert concession_fraction(1.0, beta) == 1.0
            assert concession_fraction(0.0, beta, kappa=0.3) == pytest.approx(0.3)
            assert concession_fraction(1.5, beta) == 1.0  # time clipped at the deadline

    def test_kappa_is_the_initial_concession(self, make_context):
        # alpha(.5) = .2 + .8 * .5 = .6 -> 1 - .6 * .7 = .58
        ctx = make_context(tau=0.5, start=1.0, reservation=0.3)
        assert build("linear", kappa=0.2).target(ctx)[0] == pytest.approx(0.58, abs=EXACT)


class TestTimeDependentSequences:
    # rounds 1..4 with T = 5: tau = t / (T - 1) = .25, .5, .75, 1;
    # aspiration .3 + .7 (1 - tau^(1/beta))
    EXPECTED = {
        "boulware": [0.3 + 0.7 * (1 - 0.25**5), 0.978125, 0.3 + 0.7 * (1 - 0.75**5), 0.3],
        "linear": [0.825, 0.65, 0.475, 0.3],
        "conceder": [0.65, 0.3 + 0.7 * (1 - np.sqrt(0.5)), 0.3 + 0.7 * (1 - np.sqrt(0.75)), 0.3],
    }

    @pytest.mark.parametrize("name", ["boulware", "linear", "conceder"])
    def test_exact_sequence_whatever_the_opponent_does(self, opponent, name):
        expected = self.EXPECTED[name]
        for schedule in ([0.0, 0.0, 0.0, 0.0], [0.3, 0.0, 0.2, 0.1], [0.0, -0.1, 0.5, 0.0]):
            got = opponent(schedule).play(build(name), max_rounds=5)
            np.testing.assert_allclose(got, expected, atol=EXACT)

    def test_boulware_holds_firm_then_concedes_late(self, opponent):
        got = opponent([0.0] * 10).play(build("boulware"))
        steps = -np.diff(np.concatenate([[1.0], got]))
        assert np.all(steps >= 0) and np.all(np.diff(steps) > 0)  # accelerating
        conceder = opponent([0.0] * 10).play(build("conceder"))
        steps = -np.diff(np.concatenate([[1.0], conceder]))
        assert np.all(np.diff(steps) < 0)  # decelerating

    @pytest.mark.parametrize("name", ["boulware", "linear", "conceder"])
    def test_deadline_convention(self, make_context, name):
        # tau = 1 gives exactly the reservation, and time beyond the deadline is clipped
        s = build(name)
        for tau in (1.0, 1.25, 3.0):
            ctx = make_context(tau=tau, start=0.9, previous=0.5, reservation=0.35)
            assert s.aspiration(ctx)[0] == 0.35
        # engine convention tau = min(1, t / (T - 1)): the concession at the end of round T - 1
        # (answered with in round T) is the reservation; one round earlier it is not yet
        last = make_context(round=9, max_rounds=10, start=0.9, previous=0.9, reservation=0.35)
        assert last.tau == 1.0 and s.aspiration(last)[0] == 0.35
        before = make_context(round=8, max_rounds=10, start=0.9, previous=0.9, reservation=0.35)
        assert s.aspiration(before)[0] > 0.35

    def test_deadline_reached_in_a_scripted_run(self, opponent):
        for name in ("boulware", "linear", "conceder"):
            got = opponent([0.0] * 9).play(build(name), max_rounds=10, start=0.9, reservation=0.35)
            assert got[-1] == 0.35 and np.all(got[:-1] > 0.35)

    @pytest.mark.parametrize("name", ["boulware", "linear", "conceder"])
    def test_authority_does_not_scale_the_schedule(self, make_context, name):
        # model version 2: a mandate acts on what a delegation may sign (sim.rules.delegation),
        # not on its principal's aspiration
        for t in (1, 3, 5, 8):
            leader = make_context(tau=t / 8, reservation=0.3)
            envoy = make_context(tau=t / 8, reservation=0.3, authority=0.4)
            assert build(name).target(envoy)[0] == build(name).target(leader)[0]
        deadline = make_context(tau=1.0, reservation=0.3, authority=0.4)
        assert build(name).aspiration(deadline)[0] == pytest.approx(0.3, abs=EXACT)

    def test_moving_reservation_moves_the_schedule(self, opponent):
        # linear over 4 rounds, reservation falls to .1 in round 3: target .1 + .9 * .25
        got = opponent([0.0] * 4).play(build("linear"), reservation=[0.3, 0.3, 0.1, 0.1])
        np.testing.assert_allclose(got, [0.825, 0.65, 0.325, 0.1], atol=EXACT)
        # reservation rises to .6 in round 3: below the aspiration .65, which stays
        got = opponent([0.0] * 4).play(build("linear"), reservation=[0.3, 0.3, 0.6, 0.3])
        np.testing.assert_allclose(got, [0.825, 0.65, 0.65, 0.3], atol=EXACT)
        # to .7: above it, and the aspiration follows it up (not to the schedule's .775)
        got = opponent([0.0] * 4).play(build("linear"), reservation=[0.3, 0.3, 0.7, 0.3])
        np.testing.assert_allclose(got, [0.825, 0.65, 0.7, 0.3], atol=EXACT)


class TestHardliner:
    def test_flat_at_the_opening_aspiration_while_costs_are_low(self, opponent):
        got = opponent(SCHEDULE).play(build("hardliner"), start=0.9)
        np.testing.assert_array_equal(got, [0.9] * len(SCHEDULE))

    def test_rises_only_with_the_reservation_and_never_falls_back(self, opponent):
        res = [0.3, 0.95, 0.95, 0.5]
        got = opponent([0.0] * 4).play(build("hardliner"), start=0.9, reservation=res)
        np.testing.assert_array_equal(got, [0.9, 0.95, 0.95, 0.95])

    def test_concedes_steadily_once_the_cost_passes_the_threshold(self, make_context):
        s = build("hardliner", threshold=0.005, rate=0.5)
        ctx = dict(start=0.9, previous=0.9, reservation=0.3, other_offer=0.5)
        assert s.aspiration(make_context(cost=0.004, **ctx))[0] == 0.9
        # half the way from .9 to max(.3, .5) = .5
        assert s.aspiration(make_context(cost=0.006, **ctx))[0] == pytest.approx(0.7)
        half = make_context(cost=0.006, authority=0.5, **ctx)
        assert s.aspiration(half)[0] == pytest.approx(0.7)  # authority does not scale it


class TestSteady:
    def test_a_share_of_the_way_to_the_better_of_fighting_and_the_offer(self, make_context):
        s = build("steady", rate=0.25)
        base = dict(start=1.0, previous=0.9, reservation=0.3)
        # the other side's offer (.5) beats fighting (.3): a quarter of .9 - .5
        assert s.aspiration(make_context(other_offer=0.5, **base))[0] == pytest.approx(0.8)
        # fighting (.3) beats the offer (.1): a quarter of .9 - .3
        assert s.aspiration(make_context(other_offer=0.1, **base))[0] == pytest.approx(0.75)

    def test_needs_no_clock(self, make_context):
        s = build("steady", rate=0.2)
        a = make_context(round=2, max_rounds=40, tau=0.5, previous=0.8)
        b = make_context(round=30, max_rounds=31, tau=0.97, previous=0.8)
        np.testing.assert_array_equal(s.aspiration(a), s.aspiration(b))


class TestDeadline:
    @pytest.mark.parametrize("name", ["boulware", "linear", "conceder"])
    def test_clock_tactics_need_a_deadline(self, name, make_context):
        ctx = make_context(round=3, max_rounds=None, tau=float("nan"))
        with pytest.raises(ValueError, match="deadline"):
            build(name).aspiration(ctx)
        assert build(name).needs_deadline

    @pytest.mark.parametrize("name", ["steady", "hardliner", "tit_for_tat", "zeuthen"])
    def test_the_others_do_not(self, name):
        assert not build(name).needs_deadline


class TestTitForTat:
    def test_opens_with_goodwill_then_mirrors(self, opponent):
        # round 1: 1 - .05 * (1 - .3) = .965; then previous - gain of the round before
        # gains seen in rounds 2..8: 0, .02, .05, 0, .01, .1, 0
        got = opponent(SCHEDULE).play(build("tit_for_tat"))
        expected = [0.965, 0.965, 0.945, 0.895, 0.895, 0.885, 0.785, 0.785]
        np.testing.assert_allclose(got, expected, atol=EXACT)

    def test_ratio_and_opening(self, opponent):
        s = build("tit_for_tat", ratio=0.5, opening=0.1)
        got = opponent(SCHEDULE).play(s)
        # .93 then halves of the gains
        expected = [0.93, 0.93, 0.92, 0.895, 0.895, 0.89, 0.84, 0.84]
        np.testing.assert_allclose(got, expected, atol=EXACT)

    def test_a_retraction_is_not_reciprocated_upwards(self, opponent):
        got = opponent([0.0, -0.1, 0.04, 0.0]).play(build("tit_for_tat"))
        np.testing.assert_allclose(got, [0.965, 0.965, 0.965, 0.925], atol=EXACT)

    def test_a_delegation_reciprocates_in_full(self, opponent):
        got = opponent([0.0, 0.1, 0.05]).play(build("tit_for_tat"), authority=0.5)
        # opening .05 * .7 = .035; then 0, .1 (authority acts through ratification instead)
        np.testing.assert_allclose(got, [0.965, 0.965, 0.865], atol=EXACT)

    def test_never_below_reservation(self, opponent):
        got = opponent([0.0, 0.5, 0.5, 0.5]).play(build("tit_for_tat", ratio=2.0))
        np.testing.assert_allclose(got, [0.965, 0.965, 0.3, 0.3], atol=EXACT)

    def test_opponent_moves_are_read_from_the_context(self, opponent):
        op = opponent([0.0, 0.02, 0.05])
        op.play(build("tit_for_tat"))
        np.testing.assert_allclose([c.other_gain[0] for c in op.log], [0.0, 0.0, 0.02])
        np.testing.assert_allclose([c.other_offer[0] for c in op.log], [0.2, 0.2, 0.22])


class TestZeuthenRiskWillingness:
    def test_hand_values(self):
        # (u(own) - u(other)) / (u(own) - d)
        assert risk_willingness(0.75, 0.5, 0.25) == 0.5
        assert risk_willingness(0.8, 0.5, 0.2) == pytest.approx(0.5, abs=EXACT)
        assert risk_willingness(0.9, 0.6, 0.0) == pytest.approx(1 / 3, abs=EXACT)
        assert risk_willingness(0.6, 0.6, 0.1) == 0.0  # offers coincide: nothing at risk

    def test_nothing_to_lose_and_clipping(self):
        assert risk_willingness(0.3, 0.1, 0.4) == 0.0  # own offer below d
        assert risk_willingness(0.4, 0.1, 0.4) == 0.0  # own offer at d, no division
        assert risk_willingness(0.8, 0.1, 0.2) == 1.0  # other's offer worse than conflict
        assert risk_willingness(0.5, 0.7, 0.2) == 0.0  # other's offer better than own

    def test_vectorised(self):
        got = risk_willingness(np.array([0.75, 0.3]), np.array([0.5, 0.1]), np.array([0.25, 0.4]))
        np.testing.assert_array_equal(got, [0.5, 0.0])


class TestZeuthenConcession:
    # me: own .75, other's .5, d .25 -> Z = .5; binary-exact numbers throughout
    @pytest.mark.parametrize(
        ("other_own", "other_of_mine", "other_res", "concedes"),
        [
            (0.875, 0.625, 0.375, True),  # Z_other = .25 / .5 = .5: equal, both concede
            (0.875, 0.625, 0.5, True),  # Z_other = .25 / .375 = 2/3 > .5: I concede
            (0.875, 0.625, 0.0, False),  # Z_other = .25 / .875 = 2/7 < .5: I hold
            (0.5, 0.75, 0.25, False),  # Z_other = 0: it prefers my offer to its own; I hold
        ],
    )
    def test_concedes_exactly_when_its_z_is_not_larger(
        self, make_context, other_own, other_of_mine, other_res, concedes
    ):
        ctx = make_context(
            round=3,
            previous=0.75,
            reservation=0.25,
            own_offer=0.75,
            other_offer=0.5,
            other_own_offer=other_own,
            other_of_mine=other_of_mine,
            other_reservation=other_res,
        )
        z_self = risk_willingness(0.75, 0.5, 0.25)[()]
        z_other = risk_willingness(other_own, other_of_mine, other_res)[()]
        assert (z_self <= z_other) == concedes
        got = build("zeuthen", step=0.0625).aspiration(ctx)[0]
        assert got == (0.75 - 0.0625 if concedes else 0.75)

    def test_step_not_scaled_by_authority(self, make_context):
        ctx = make_context(
            previous=0.75,
            reservation=0.25,
            own_offer=0.75,
            other_offer=0.5,
            other_own_offer=0.875,
            other_of_mine=0.625,
            other_reservation=0.5,
            authority=0.5,
        )
        assert build("zeuthen", step=0.0625).aspiration(ctx)[0] == 0.75 - 0.0625

    def test_sequence_against_a_scripted_opponent(self, opponent):
        # Opponent on u_other = 1 - u_mine with reservation .2, opening worth .2 to me (.8 to
        # it). Me: d = .3, step .1, restating to my aspiration each round.
        # r1: own 1, other .2: Z_me = .8/.7 -> 1; Z_op = (.8 - 0)/(.8 - .2) -> 1: equal, concede
        # r2: own .9, other .2 (+0):  Z_me = .7/.6 -> 1; Z_op = (.8 - .1)/.6 -> 1: concede
        # r3: own .8, other .25 (+.05): Z_me = .55/.5 -> 1; Z_op = (.75 - .2)/.55 = 1: concede
        # r4: own .7, other .45 (+.2): Z_me = .25/.4 = .625; Z_op = (.55 - .3)/.35 = .714: concede
        # r5: own .6, other .45: Z_me = .15/.3 = .5; Z_op = (.55 - .4)/.35 = .4286: hold
        # r6: own .6, other .55 (+.1): Z_me = .05/.3 = 1/6; Z_op = (.45 - .4)/.25 = .2: concede
        got = opponent([0.0, 0.05, 0.2, 0.0, 0.1, 0.0]).play(build("zeuthen", step=0.1))
        np.testing.assert_allclose(got, [0.9, 0.8, 0.7, 0.6, 0.6, 0.5], atol=EXACT)

    def test_self_play_on_a_linear_frontier_reaches_the_nash_split(self, make_context):
        # Two Zeuthen players on u1 + u2 = 1 with d = (.3, .2): the Nash point is
        # u1 = .3 + (1 - .3 - .2)/2 = .55 (bargaining.md, "Nash ... linear frontier").
        # The numerators of Z1 and Z2 are both a1 + a2 - 1, so the side with the larger surplus
        # concedes, and the surpluses meet within one step.
        d1, d2, step = 0.3, 0.2, 0.001
        one, two = build("zeuthen", step=step), build("zeuthen", step=step)
        a1 = a2 = 1.0
        for t in range(1, 2000):
            if a1 + a2 <= 1.0 + 1e-12:  # the offers have crossed: agreement
                break
            c1 = make_context(
                round=t,
                max_rounds=2000,
                start=1.0,
                previous=a1,
                reservation=d1,
                own_offer=a1,
                other_offer=1 - a2,
                other_own_offer=a2,
                other_of_mine=1 - a1,
                other_reservation=d2,
            )
            c2 = make_context(
                round=t,
                max_rounds=2000,
                start=1.0,
                previous=a2,
                reservation=d2,
                own_offer=a2,
                other_offer=1 - a1,
                other_own_offer=a1,
                other_of_mine=1 - a2,
                other_reservation=d1,
            )
            a1, a2 = one.aspiration(c1)[0], two.aspiration(c2)[0]
        else:
            pytest.fail("no agreement")
        assert a1 == pytest.approx(0.55, abs=2 * step)
        assert a2 == pytest.approx(0.45, abs=2 * step)


@settings(max_examples=200, deadline=None, database=None, derandomize=True)
@given(
    u1_x1=st.floats(0.01, 1.0),
    u1_x2=st.floats(0.0, 1.0),
    u2_x2=st.floats(0.01, 1.0),
    u2_x1=st.floats(0.0, 1.0),
)
def test_zeuthen_smaller_z_is_smaller_nash_product(u1_x1, u1_x2, u2_x2, u2_x1):
    # Harsanyi (1956), with d = 0: Z1 <= Z2 iff u1(x1) u2(x1) <= u1(x2) u2(x2)
    if not (u1_x2 < u1_x1 and u2_x1 < u2_x2):
        return  # each prefers its own offer
    p1, p2 = u1_x1 * u2_x1, u1_x2 * u2_x2
    if abs(p1 - p2) < 1e-9:
        return  # too close to call in floating point
    z1 = risk_willingness(u1_x1, u1_x2, 0.0)
    z2 = risk_willingness(u2_x2, u2_x1, 0.0)
    assert (z1 <= z2) == (p1 <= p2)
