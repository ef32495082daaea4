"""Tests of the BDM expected utility model (sim.rules.bdm), as bdm.md §6 demands.

The reference data in tests/data/bdm/ come from running the public replication
dmasad/bdm-scholz-expected-utility-model @ d7c7bbab on its own example data (the
reference note bdm.md, §4 and §8); they are kept byte for byte as produced.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim.rules.bdm as bdm
from sim.rules.bdm import BDMOptions, run_bdm
from sim.rules.bdm_offers import classify_dyads, compromise_positions, kappa, select_offers
from sim.rules.bdm_steps import (
    challenge_utilities,
    danger,
    global_normaliser,
    issue_range,
    relative_distances,
    risk_exponents,
    vote_gains,
    votes,
    weighted_mean,
    weighted_median,
    win_probabilities,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "bdm"
MOVE_CODES = {"none": 0, "confrontation": 1, "compromise": 2, "capitulation": 3}
ALL_OPTIONS = [
    BDMOptions(probability=p, offer_selection=o, capitulation=c)
    for p in ("scholz_global", "pairwise")
    for o in ("min_kappa", "min_move")
    for c in (False, True)
]
NL, BEL, LUX, GER, FRA, ITA, UK, IRE, DEN, GRE = range(10)


# ---------------------------------------------------------------- data helpers


def _load(stem: str):
    actors = pd.read_csv(DATA / f"{stem}_input.csv")
    ref = pd.read_csv(DATA / f"{stem}_reference_rounds.csv")
    names = list(actors["Actor"])
    return actors, ref, names


def _inputs(actors: pd.DataFrame):
    return (
        actors["Capability"].to_numpy(float),
        actors["Position"].to_numpy(float),
        actors["Salience"].to_numpy(float),
    )


def _wide(ref: pd.DataFrame, names: list[str], column: str, first_round: int = 0):
    rows = ref[ref["round"] >= first_round]
    return rows.pivot(index="round", columns="actor", values=column)[names].to_numpy()


def _per_round(ref: pd.DataFrame, column: str):
    return ref.groupby("round")[column].first().to_numpy()


@pytest.fixture(scope="module")
def ec():
    return _load("bdm_example")


@pytest.fixture(scope="module")
def ec_run(ec):
    actors, _, _ = ec
    return run_bdm(*_inputs(actors), rounds=20)


@pytest.fixture(scope="module")
def round1(ec):
    """Round-1 intermediate quantities of the EC example (bdm.md §4)."""
    actors, _, _ = ec
    c, x, s = _inputs(actors)
    w = c * s
    delta = relative_distances(x, issue_range(x))
    p1 = win_probabilities(delta, w)
    d = danger(delta, s, p1)
    r = risk_exponents(d)
    p = win_probabilities(delta, w, r)
    e_self, e_other = challenge_utilities(delta, s, p, r)
    return dict(
        c=c, x=x, s=s, w=w, delta=delta, p1=p1, danger=d, r=r, e_self=e_self, e_other=e_other
    )


# ---------------------------------------------------------------- §6.1 regression


def test_ec_regression_numbers(ec, ec_run):
    """Rounds 0-20: positions, r, mean, median and accepted EUs within 1e-9."""
    _, ref, names = ec
    traj = ec_run
    worst = {
        "position": np.abs(traj.positions[0] - _wide(ref, names, "position")).max(),
        "risk": np.abs(traj.risk[0] - _wide(ref, names, "risk_exponent", 1)).max(),
        "mean": np.abs(traj.mean[0] - _per_round(ref, "forecast_weighted_mean")).max(),
        "median": np.abs(traj.median[0] - _per_round(ref, "forecast_median")).max(),
    }
    for ours, column in (
        (traj.eu_self, "eu_self_challenge"),
        (traj.eu_other, "eu_other_challenge"),
    ):
        theirs = _wide(ref, names, column, 1)
        np.testing.assert_array_equal(np.isnan(ours[0]), np.isnan(theirs))
        worst[column] = np.nanmax(np.abs(ours[0] - theirs))
    assert max(worst.values()) < 1e-9, worst
    assert traj.mean[0, 10] == pytest.approx(7.242130958473938, abs=1e-9)
    assert traj.median[0, 10] == pytest.approx(7.0, abs=1e-9)


def test_ec_regression_moves(ec, ec_run):
    """Move types exactly; counterparts exactly, or an exact tie at the same position."""
    _, ref, names = ec
    traj = ec_run
    kinds = np.vectorize(MOVE_CODES.get)(_wide(ref, names, "move_type", 1))
    np.testing.assert_array_equal(traj.move_type[0], kinds)
    theirs = _wide(ref, names, "move_counterpart", 1)
    for t in range(20):
        for i in range(10):
            ours = traj.counterpart[0, t, i]
            if kinds[t, i] == 0:
                assert ours == -1 and pd.isna(theirs[t, i])
                continue
            j_ref = names.index(theirs[t, i])
            held = traj.positions[0, t]  # positions at the start of round t + 1
            assert ours == j_ref or held[ours] == held[j_ref], (t + 1, names[i])
    # Only Belgium, Luxembourg and Ireland ever move (bdm.md §4).
    assert set(np.flatnonzero(traj.move_type[0].any(axis=0))) == {BEL, LUX, IRE}


def test_sultan_nobody_moves():
    actors, ref, names = _load("bdm_sultan")
    traj = run_bdm(*_inputs(actors), rounds=10)
    assert not traj.move_type.any()
    assert (traj.counterpart == -1).all()
    np.testing.assert_allclose(traj.mean[0], 13.619912134884823, rtol=0, atol=1e-9)
    np.testing.assert_allclose(traj.median[0], 13.9, rtol=0, atol=1e-9)
    np.testing.assert_allclose(traj.positions[0], _wide(ref, names, "position"), atol=1e-9)
    np.testing.assert_allclose(traj.risk[0], _wide(ref, names, "risk_exponent", 1), atol=1e-9)
    np.testing.assert_allclose(traj.mean[0], _per_round(ref, "forecast_weighted_mean"), atol=1e-9)
    np.testing.assert_allclose(traj.median[0], _per_round(ref, "forecast_median"), atol=1e-9)


# ---------------------------------------------------------------- §6.2 unit numbers


def test_round1_normaliser_and_probabilities(round1):
    delta, w = round1["delta"], round1["w"]
    z_brute = np.abs(votes(delta, w)).sum()
    assert z_brute == pytest.approx(28.23299999999985, rel=1e-13)
    assert global_normaliser(vote_gains(delta, w)) == pytest.approx(28.23299999999985, rel=1e-13)
    p = round1["p1"]  # NL sits at 4, Belgium at 7, France at 10
    expected = {
        (NL, FRA): 0.008784047037155148,
        (FRA, NL): 0.01190096695356504,
        (BEL, NL): 0.00759749229624911,
        (NL, BEL): 0.004392023518577574,
        (BEL, FRA): 0.006039032338044165,
        (FRA, BEL): 0.00595048347678252,
    }
    for (a, b), value in expected.items():
        assert p[a, b] == pytest.approx(value, rel=1e-12)
    assert p[FRA, ITA] == 0.0  # same position: no contest
    np.testing.assert_allclose(
        p, votes(delta, w).clip(min=0).sum(axis=0) / z_brute, rtol=1e-12, atol=0
    )


def test_round1_danger_and_risk(round1):
    expected_d = [
        -5.249282754224,
        1.428335635604,
        5.437679311444,
        -5.249282754224,
        -2.093932632026,
        -2.093932632026,
        -8.64089894804,
        5.607083908901,
        -8.81160344278,
        -2.750412637693,
    ]
    np.testing.assert_allclose(round1["danger"], expected_d, rtol=0, atol=1e-11)
    # D_i is the sum of everybody's risk-neutral EU of challenging i.
    _, e_other1 = challenge_utilities(round1["delta"], round1["s"], round1["p1"])
    np.testing.assert_allclose(e_other1.sum(axis=1), round1["danger"], rtol=0, atol=1e-13)
    np.testing.assert_array_equal(np.diag(e_other1), 0.0)
    expected_r = [
        1.4056527842180304,
        0.7541959272436861,
        0.5088637910269406,
        1.4056527842180304,
        1.0465238960570615,
        1.0465238960570615,
        1.9648982295073372,
        0.5000000000000001,
        1.9999999999999998,
        1.112124970858258,
    ]
    np.testing.assert_allclose(round1["r"], expected_r, rtol=0, atol=1e-12)
    assert round1["r"][IRE] == pytest.approx(0.5) and round1["r"][DEN] == pytest.approx(2.0)


def test_round1_expected_utilities(round1):
    es, eo, x = round1["e_self"], round1["e_other"], round1["x"]
    # Belgium: compromise with France, (dead) capitulation to the Netherlands.
    assert es[BEL, FRA] == pytest.approx(-0.11483050347300794, abs=1e-13)
    assert eo[BEL, FRA] == pytest.approx(0.2432965945234421, abs=1e-13)
    assert es[BEL, NL] == pytest.approx(-0.4725144658359114, abs=1e-13)
    assert eo[BEL, NL] == pytest.approx(0.24225559132893326, abs=1e-13)
    y = compromise_positions(x, es, eo)
    assert y[BEL, FRA] == pytest.approx(8.415932315426764, abs=1e-12)
    # Luxembourg: confrontations from Bel, Fra, Ita; compromises from UK and Greece.
    assert (es[LUX, BEL], eo[LUX, BEL]) == pytest.approx((0.245509, 0.542246), abs=1e-6)
    assert es[LUX, BEL] == pytest.approx(0.24550922248250817, abs=1e-13)
    assert eo[LUX, BEL] == pytest.approx(0.542246100211495, abs=1e-13)
    for j in (FRA, ITA):
        assert (es[LUX, j], eo[LUX, j]) == pytest.approx((0.43211, 2.02059), abs=1e-5)
    # Ireland: its only confrontation is from Luxembourg.
    assert es[IRE, LUX] == pytest.approx(0.5382377664333493, abs=1e-13)
    assert eo[IRE, LUX] == pytest.approx(0.6824778252511178, abs=1e-13)

    conf, comp, capit = classify_dyads(es, eo, round1["delta"])
    assert set(np.flatnonzero(conf[LUX])) == {BEL, FRA, ITA}
    assert set(np.flatnonzero(comp[LUX])) == {UK, GRE}
    assert set(np.flatnonzero(conf[IRE])) == {LUX}
    assert not capit.any()
    assert classify_dyads(es, eo, round1["delta"], capitulation=True)[2][BEL, NL]


def test_round1_offer_selection(round1):
    x, es, eo = round1["x"], round1["e_self"], round1["e_other"]
    tol = np.asarray(1e-12)
    offers = select_offers(x, es, eo, round1["delta"], tol)
    # Belgium gets identical offers from France and Italy and takes France's (first).
    assert offers.counterpart[BEL] == FRA and offers.move_type[BEL] == 2
    assert kappa(x, es, eo)[BEL, FRA] == kappa(x, es, eo)[BEL, ITA]
    assert offers.counterpart[LUX] == BEL and offers.position[LUX] == 7.0
    assert offers.counterpart[IRE] == LUX and offers.position[IRE] == 4.0


# ---------------------------------------------------------------- §6.5 invariances


def _assert_same(a, b, atol=1e-9, pos_map=lambda p: p):
    np.testing.assert_allclose(pos_map(b.positions), a.positions, rtol=0, atol=atol)
    np.testing.assert_allclose(pos_map(b.mean), a.mean, rtol=0, atol=atol)
    np.testing.assert_allclose(pos_map(b.median), a.median, rtol=0, atol=atol)
    np.testing.assert_allclose(b.risk, a.risk, rtol=0, atol=atol)
    np.testing.assert_array_equal(b.move_type, a.move_type)
    np.testing.assert_array_equal(b.counterpart, a.counterpart)


@pytest.mark.parametrize("factor", [1e-3, 7.3, 250.0])
def test_capability_scale_invariance(ec, ec_run, factor):
    c, x, s = _inputs(ec[0])
    _assert_same(ec_run, run_bdm(c * factor, x, s, rounds=20))


@pytest.mark.parametrize(("a", "b"), [(1 / 6, -4 / 6), (2.5, -3.0), (100.0, 1000.0)])
def test_affine_position_invariance(ec, ec_run, a, b):
    c, x, s = _inputs(ec[0])
    mapped = run_bdm(c, a * x + b, s, rounds=20)
    _assert_same(ec_run, mapped, pos_map=lambda p: (p - b) / a)


def _mirror_check(c, x, s, rounds, options):
    straight = run_bdm(c, x, s, rounds, options)
    mirrored = run_bdm(c, -x, s, rounds, options)
    np.testing.assert_allclose(-mirrored.positions, straight.positions, rtol=0, atol=1e-12)
    np.testing.assert_allclose(-mirrored.mean, straight.mean, rtol=0, atol=1e-12)
    np.testing.assert_allclose(mirrored.risk, straight.risk, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(mirrored.move_type, straight.move_type)
    np.testing.assert_array_equal(mirrored.counterpart, straight.counterpart)
    # The median breaks exact ties towards the lowest position, so it mirrors only
    # where the weighted median is unique.
    unique = _median_is_unique(straight.positions, c * s)
    np.testing.assert_allclose(-mirrored.median[unique], straight.median[unique], atol=1e-12)


def _median_is_unique(positions, weight):
    w = np.broadcast_to(
        np.asarray(weight, float).reshape(-1, 1, positions.shape[-1]), positions.shape
    )
    cost = (w[..., None, :] * np.abs(positions[..., None, :] - positions[..., :, None])).sum(-1)
    best = cost.min(axis=-1, keepdims=True)
    distinct = np.where(cost <= best + 1e-9 * (1 + best), positions, np.nan)
    return np.nanmax(distinct, axis=-1) == np.nanmin(distinct, axis=-1)


def test_min_move_is_mirror_symmetric_on_ec(ec):
    _mirror_check(*_inputs(ec[0]), 20, BDMOptions(offer_selection="min_move"))


def test_min_move_is_mirror_symmetric_on_symmetric_set():
    # Hand-made: two blocs at +-1 around a centre, with a weak centre and flank.
    x = np.array([-1.0, -0.6, 0.0, 0.3, 1.0, 0.8])
    c = np.array([0.9, 0.4, 0.2, 0.5, 0.8, 0.3])
    s = np.array([0.7, 0.5, 0.9, 0.6, 0.8, 0.4])
    for probability in ("scholz_global", "pairwise"):
        _mirror_check(c, x, s, 15, BDMOptions(probability, "min_move"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_min_move_mirror_property(data):
    n = data.draw(st.integers(2, 7))
    x = np.array(data.draw(st.lists(st.integers(-20, 20), min_size=n, max_size=n)), float)
    c = np.array(data.draw(st.lists(st.integers(1, 9), min_size=n, max_size=n))) / 10
    s = np.array(data.draw(st.lists(st.integers(0, 10), min_size=n, max_size=n))) / 10
    capitulation = data.draw(st.booleans())
    _mirror_check(c, x, s, 8, BDMOptions(offer_selection="min_move", capitulation=capitulation))


def test_reference_min_kappa_is_not_mirror_symmetric(ec):
    """Documented bias (bdm.md §6.5): min-kappa favours the low end of the axis.

    Rounds 1-3 coincide; in round 4 Belgium compromises with the Netherlands (4.80)
    in the original and with France (9.9996) in the mirrored run. Only rounds 1-4
    are compared, since later the mirrored run meets decision margins of ~1e-16.
    """
    c, x, s = _inputs(ec[0])
    straight = run_bdm(c, x, s, 4)
    mirrored = run_bdm(c, -x, s, 4)
    gap = np.abs(straight.positions[0] + mirrored.positions[0]).max(axis=-1)
    np.testing.assert_array_equal(gap[:4], 0.0)
    assert gap[4] > 5.0
    assert straight.counterpart[0, 3, BEL] == NL and mirrored.counterpart[0, 3, BEL] == FRA


# ---------------------------------------------------------------- §6.6-6.7 variants


def test_pairwise_probability_reaches_consensus(ec):
    """Smoke test (bdm.md §2.5): with V1 pairwise P, all at 7.0 by round 3."""
    traj = run_bdm(*_inputs(ec[0]), rounds=10, options=BDMOptions(probability="pairwise"))
    np.testing.assert_array_equal(traj.positions[0, 3:], 7.0)
    np.testing.assert_array_equal(traj.risk[0, 3:], 1.0)  # D all equal: guard, r = 1
    assert not traj.move_type[0, 3:].any()
    assert np.isfinite(traj.risk).all() and np.isfinite(traj.median).all()


def test_pairwise_probabilities_sum_to_one(round1):
    p = win_probabilities(round1["delta"], round1["w"], round1["r"], method="pairwise")
    off = round1["delta"] > 0
    np.testing.assert_allclose((p + p.T)[off], 1.0, rtol=0, atol=1e-15)
    assert (p[~off] == 0).all()


def test_fixed_capitulation_changes_nothing_on_reference_data(ec, ec_run):
    traj = run_bdm(*_inputs(ec[0]), rounds=20, options=BDMOptions(capitulation=True))
    _assert_same(ec_run, traj, atol=0)


def test_fixed_capitulation_on_sultan_data():
    """V7 on the Sultan data: Russia capitulates to Nazer in round 1.

    bdm.md §2.2 says fixing the typo changes nothing on either data set; by its own
    Step 7 rule it does change the Sultan run. Russia (r = 0.5) sees
    e_ij = -0.6127 < 0 < e_ji = 0.0168 < |e_ij| against Nazer (and a capitulation
    to EUR/JPN, which is further away), a margin far above rounding. Only Russia
    moves, and only through capitulations.
    """
    actors, _, names = _load("bdm_sultan")
    russia, nazer = names.index("RUSSIA"), names.index("NAZER")
    traj = run_bdm(*_inputs(actors), 10, BDMOptions(capitulation=True))
    assert traj.move_type[0, 0, russia] == 3 and traj.counterpart[0, 0, russia] == nazer
    assert traj.eu_self[0, 0, russia] == pytest.approx(-0.6127, abs=1e-4)
    assert traj.eu_other[0, 0, russia] == pytest.approx(0.0168, abs=1e-4)
    assert set(np.unique(traj.move_type)) == {0, 3}
    assert set(np.flatnonzero(traj.move_type[0].any(axis=0))) == {russia}


def test_capitulation_fires_when_enabled():
    # Found by search: actor 2 (at 10) gives in to actor 1 (at 8) in round 1 under V7.
    c, x, s = [0.2, 0.8, 0.9, 0.3], [5.0, 8.0, 10.0, 0.0], [0.4, 0.9, 0.5, 0.3]
    on = run_bdm(c, x, s, 3, BDMOptions(capitulation=True))
    off = run_bdm(c, x, s, 3)
    assert on.move_type[0, 0, 2] == 3 and on.counterpart[0, 0, 2] == 1
    assert on.positions[0, 1, 2] == 8.0
    assert on.eu_other[0, 0, 2] > 0 > on.eu_self[0, 0, 2]
    assert on.eu_other[0, 0, 2] < -on.eu_self[0, 0, 2]
    assert off.move_type[0, 0, 2] == 0 and not (off.move_type == 3).any()
    np.testing.assert_array_equal(on.positions[0, -1], 8.0)


@pytest.mark.parametrize("options", ALL_OPTIONS, ids=repr)
@pytest.mark.parametrize(
    ("c", "x", "s"),
    [
        pytest.param([0.3, 0.5, 0.2], [4.0, 4.0, 4.0], [0.5, 0.9, 1.0], id="one-position"),
        pytest.param([1.0], [3.0], [0.7], id="one-actor"),
        pytest.param([0.4, 0.6], [0.0, 1.0], [0.8, 0.5], id="two-actors"),
        pytest.param([0.5, 0.5], [0.0, 1.0], [0.6, 0.6], id="two-symmetric"),
        pytest.param([0.3, 0.5, 0.2, 0.9], [1.0, 2.0, 5.0, 9.0], [0.0] * 4, id="no-salience"),
        pytest.param([0.0, 0.0, 0.0], [1.0, 2.0, 5.0], [0.5, 0.4, 0.9], id="no-capability"),
        pytest.param(
            [0.3, 0.3, 0.2, 0.2, 0.5],
            [1.0, 1.0, 5.0, 5.0, 9.0],
            [0.5, 0.5, 0.7, 0.7, 0.2],
            id="duplicates",
        ),
    ],
)
def test_degenerate_inputs_are_finite(options, c, x, s):
    traj = run_bdm(c, x, s, 6, options)
    for field in ("positions", "risk", "mean", "median"):
        assert np.isfinite(getattr(traj, field)).all(), field
    assert ((traj.risk >= 0.5) & (traj.risk <= 2.0)).all()
    assert ((traj.positions >= min(x)) & (traj.positions <= max(x))).all()
    if max(x) == min(x) or len(x) == 1:
        assert not traj.move_type.any()
        np.testing.assert_array_equal(traj.risk, 1.0)
        np.testing.assert_array_equal(traj.median, x[0])


def test_zero_salience_nobody_moves_and_forecasts_fall_back():
    x = np.array([1.0, 2.0, 5.0, 9.0])
    traj = run_bdm([0.3, 0.5, 0.2, 0.9], x, [0.0] * 4, 5)
    assert not traj.move_type.any()
    np.testing.assert_allclose(traj.mean, x.mean())
    np.testing.assert_array_equal(traj.median, 2.0)  # unweighted tie 2..5 -> lowest


def test_duplicate_positions_count_actors_in_z():
    """Z sums over ordered pairs of actors, so a duplicated position counts twice."""
    x = np.array([0.0, 0.0, 3.0, 6.0])
    w = np.array([0.2, 0.3, 0.4, 0.1])
    delta = relative_distances(x, issue_range(x))
    z = global_normaliser(vote_gains(delta, w))
    assert z == pytest.approx(np.abs(votes(delta, w)).sum(), rel=1e-14)
    distinct = [0, 2, 3]
    z_positions = np.abs(votes(delta, w)[:, distinct][:, :, distinct]).sum()
    assert z > z_positions


def test_risk_guard_and_bounds():
    np.testing.assert_array_equal(risk_exponents(np.zeros((2, 4))), 1.0)
    np.testing.assert_array_equal(risk_exponents(np.full(3, 2.5)), 1.0)
    r = risk_exponents(np.array([-3.0, 0.1, 7.0]))
    assert r[0] == pytest.approx(2.0) and r[2] == pytest.approx(0.5)
    assert (0.5 <= r).all() and (r <= 2.0).all()


# ---------------------------------------------------------------- batching and API


def test_batch_equals_one_by_one(ec, monkeypatch):
    rng = np.random.default_rng(20240601)
    c, x, s = _inputs(ec[0])
    caps = np.vstack([c, rng.uniform(0.1, 1, (4, 10))])
    pos = np.vstack([x, -x, rng.integers(0, 101, (3, 10))]).astype(float)
    sal = np.vstack([s, s, rng.uniform(0, 1, (3, 10))])
    for options in (BDMOptions(), BDMOptions("pairwise", "min_move", True)):
        together = run_bdm(caps, pos, sal, 12, options)
        monkeypatch.setattr(bdm, "MAX_CHUNK_ELEMENTS", 2 * 10**3)  # force 2-item chunks
        chunked = run_bdm(caps, pos, sal, 12, options)
        monkeypatch.undo()
        for b in range(5):
            alone = run_bdm(caps[b], pos[b], sal[b], 12, options)
            for other in (together, chunked):
                for field in ("positions", "risk", "mean", "median", "eu_self", "eu_other"):
                    np.testing.assert_allclose(
                        getattr(other, field)[b], getattr(alone, field)[0], rtol=0, atol=1e-12
                    )
                np.testing.assert_array_equal(other.move_type[b], alone.move_type[0])
                np.testing.assert_array_equal(other.counterpart[b], alone.counterpart[0])


def test_shapes_and_broadcasting(ec):
    c, x, s = _inputs(ec[0])
    traj = run_bdm(c, np.vstack([x, x + 1]), s, 3)
    assert traj.positions.shape == (2, 4, 10)
    assert traj.risk.shape == traj.move_type.shape == traj.counterpart.shape == (2, 3, 10)
    assert traj.eu_self.shape == traj.eu_other.shape == (2, 3, 10)
    assert traj.mean.shape == traj.median.shape == (2, 4)
    assert traj.move_type.dtype == np.int8
    np.testing.assert_allclose(traj.positions[1], traj.positions[0] + 1, atol=1e-12)
    zero = run_bdm(c, x, s, 0)
    assert zero.positions.shape == (1, 1, 10) and zero.risk.shape == (1, 0, 10)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(probability="global"), "probability"),
        (dict(offer_selection="closest"), "offer_selection"),
        (dict(capitulation=1), "capitulation"),
    ],
)
def test_bad_options(kwargs, match):
    with pytest.raises(ValueError, match=match):
        BDMOptions(**kwargs)


@pytest.mark.parametrize(
    ("c", "x", "s", "rounds", "match"),
    [
        ([1.0, 1.0], [0.0, 1.0], [0.5, 1.5], 1, "salience"),
        ([1.0, -1.0], [0.0, 1.0], [0.5, 0.5], 1, "capability"),
        ([1.0, 1.0], [0.0, np.nan], [0.5, 0.5], 1, "position"),
        ([1.0, 1.0, 1.0], [0.0, 1.0], [0.5, 0.5], 1, "shapes"),
        ([1.0, 1.0], [0.0, 1.0], [0.5, 0.5], -1, "rounds"),
        (np.ones((1, 1, 2)), [0.0, 1.0], [0.5, 0.5], 1, "capability"),
    ],
)
def test_bad_inputs(c, x, s, rounds, match):
    with pytest.raises(ValueError, match=match):
        run_bdm(c, x, s, rounds)


# ---------------------------------------------------------------- forecasts


def _brute_median(x, w):
    cost = (w[None, :] * np.abs(x[None, :] - x[:, None])).sum(axis=1)
    return x[cost == cost.min()].min()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(-5, 5), st.integers(0, 4)), min_size=1, max_size=9))
def test_weighted_median_is_lowest_minimiser(pairs):
    x = np.array([p for p, _ in pairs], float)
    w = np.array([q for _, q in pairs], float)
    expected = _brute_median(x, w if w.sum() > 0 else np.ones_like(w))
    assert weighted_median(x, w) == expected


def test_forecasts_on_ec_round0(ec):
    c, x, s = _inputs(ec[0])
    assert weighted_mean(x, c * s) == pytest.approx(7.389955686853767, abs=1e-14)
    assert weighted_median(x, c * s) == 7.0


# ---------------------------------------------------------------- properties


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_trajectory_properties(data):
    n = data.draw(st.integers(1, 8), label="n")
    position = st.one_of(
        st.integers(-3, 3).map(float), st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
    )
    x = np.array(data.draw(st.lists(position, min_size=n, max_size=n), label="x"))
    c = np.array(data.draw(st.lists(st.floats(0, 10), min_size=n, max_size=n), label="c"))
    s = np.array(data.draw(st.lists(st.floats(0, 1), min_size=n, max_size=n), label="s"))
    options = data.draw(st.sampled_from(ALL_OPTIONS), label="options")
    rounds = data.draw(st.integers(0, 6), label="rounds")
    traj = run_bdm(c, x, s, rounds, options)
    for field in ("positions", "risk", "mean", "median"):
        assert not np.isnan(getattr(traj, field)).any(), field
    assert ((traj.positions >= x.min()) & (traj.positions <= x.max())).all()
    assert ((traj.risk >= 0.5) & (traj.risk <= 2.0)).all()
    moved = traj.move_type > 0
    assert ((traj.move_type >= 0) & (traj.move_type <= 3)).all()
    np.testing.assert_array_equal(traj.counterpart >= 0, moved)
    np.testing.assert_array_equal(np.isnan(traj.eu_self), ~moved)
    np.testing.assert_array_equal(np.isnan(traj.eu_other), ~moved)
    if not options.capitulation:
        assert not (traj.move_type == 3).any()
    # Nobody stays put after accepting an offer only if it had somewhere to go.
    stayed = traj.positions[:, 1:] == traj.positions[:, :-1]
    assert not (moved & (traj.move_type != 2) & stayed).any()


def test_vote_gains_blocking_matches_full(monkeypatch):
    import sim.rules.bdm_steps as steps

    rng = np.random.default_rng(7)
    x = rng.uniform(0, 10, (3, 12))
    w = rng.uniform(0, 1, (3, 12))
    r = rng.uniform(0.5, 2, (3, 12))
    delta = relative_distances(x, issue_range(x))
    full = vote_gains(delta, w, r)
    monkeypatch.setattr(steps, "VOTE_BLOCK_ELEMENTS", 2 * 3 * 12**3)  # blocks of 2 voters
    np.testing.assert_allclose(vote_gains(delta, w, r), full, rtol=1e-14, atol=0)
    np.testing.assert_allclose(full, votes(delta, w, r).clip(min=0).sum(axis=-3), rtol=1e-13)
