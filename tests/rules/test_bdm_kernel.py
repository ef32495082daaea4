"""The scalar-loop BDM round (sim.rules.bdm_kernel) gives the rules' numbers, bit for bit.

The plain-Python tests run the kernel's source without numba (small sets, so they stay fast);
the ``compiled`` ones compile it (or load it from numba's cache). The powers come from NumPy
in both, and the sums are taken in NumPy's order, so every output is compared exactly.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.rules import bdm_kernel
from sim.rules.bdm import BDMOptions, BDMTrajectory, bdm_inputs, bdm_step, run_bdm
from sim.rules.bdm_offers import classify_dyads

DATA = Path(__file__).resolve().parents[1] / "data" / "bdm"
ALL_OPTIONS = [
    BDMOptions(probability=p, offer_selection=o, capitulation=c)
    for p in ("scholz_global", "pairwise")
    for o in ("min_kappa", "min_move")
    for c in (False, True)
]
needs_numba = pytest.mark.skipif(not bdm_kernel.available(),
                                 reason="numba is not installed (the [compiled] extra)")


def _ec() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    actors = pd.read_csv(DATA / "bdm_example_input.csv")
    return tuple(actors[k].to_numpy(float) for k in ("Capability", "Position", "Salience"))


def assert_same(a: BDMTrajectory, b: BDMTrajectory) -> None:
    for name in ("positions", "risk", "move_type", "counterpart", "eu_self", "eu_other", "mean",
                 "median"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


def _python_run(c, x, s, rounds) -> tuple[np.ndarray, ...]:
    """The kernel's source, reference options, as plain Python (outputs as run_bdm's)."""
    x0, inp = bdm_inputs(c, x, s)
    batch, n = x0.shape
    out = (np.empty((batch, rounds + 1, n)), np.empty((batch, rounds, n)),
           np.empty((batch, rounds, n), np.int8), np.empty((batch, rounds, n), np.int64),
           np.empty((batch, rounds, n)), np.empty((batch, rounds, n)))
    blocks = bdm_kernel.voter_blocks(batch, n, batch, 2**22)
    step = bdm_kernel.Round(bdm_kernel.plain(), inp.weight, inp.salience, inp.scale,
                            inp.tie_tol, blocks, False, False, False)
    out[0][:, 0] = x = x0
    for t in range(rounds):
        new = np.empty((batch, n))
        step(x, out[1][:, t], new, out[2][:, t], out[3][:, t], out[4][:, t], out[5][:, t])
        out[0][:, t + 1] = x = new
    return out


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 100, 128, 129, 136, 1000, 4099])
def test_np_sum_is_numpys_order(n: int) -> None:
    rng = np.random.default_rng(n)
    a = rng.normal(size=n) * 10.0 ** rng.integers(-8, 9, n)  # order changes the sum
    total = getattr(bdm_kernel.np_sum, "py_func", bdm_kernel.np_sum)(a, 0, n)
    assert total == a.sum() or (n == 0 and total == 0.0)


def test_plain_python_kernel_is_the_rules_on_ec() -> None:
    c, x, s = _ec()
    ref = run_bdm(c, x, s, 3)
    got = _python_run(c, x, s, 3)
    for name, value in zip(("positions", "risk", "move_type", "counterpart", "eu_self",
                            "eu_other"), got, strict=True):
        np.testing.assert_array_equal(value, getattr(ref, name), err_msg=name)


def test_positions_an_ulp_apart_make_no_dyad() -> None:
    """Rounding noise between two held positions must not decide who moves."""
    delta = np.array([[0.0, 1e-14], [1e-14, 0.0]])
    e = np.array([[0.0, -1e-15], [-1e-15, 0.0]])
    conf, comp, capit = classify_dyads(e, -2 * e + 1e-16, delta, capitulation=True)
    assert not (conf.any() or comp.any() or capit.any())


def test_unknown_engine() -> None:
    with pytest.raises(ValueError, match="engine"):
        run_bdm([1.0], [0.0], [1.0], 1, engine="fortran")  # type: ignore[arg-type]


@pytest.mark.compiled
@needs_numba
@pytest.mark.parametrize("options", ALL_OPTIONS, ids=str)
def test_compiled_matches_the_rules_on_ec(options: BDMOptions) -> None:
    c, x, s = _ec()
    ref = run_bdm(c, x, s, 20, options)
    fast = run_bdm(c, x, s, 20, options, engine="compiled")
    assert_same(ref, fast)


@pytest.mark.compiled
@needs_numba
def test_compiled_is_the_plain_python_kernel_bit_for_bit() -> None:
    c, x, s = _ec()
    fast = run_bdm(c, x, s, 4, engine="compiled")
    pos, risk, move, cp, e_s, e_o = _python_run(c, x, s, 4)
    for got, want in ((fast.positions, pos), (fast.risk, risk), (fast.move_type, move),
                      (fast.counterpart, cp), (fast.eu_self, e_s), (fast.eu_other, e_o)):
        np.testing.assert_array_equal(got, want)


@pytest.mark.compiled
@needs_numba
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(1, 14),
    batch=st.integers(1, 3),
    seed=st.integers(0, 2**32 - 1),
    grid=st.sampled_from([0.0, 5.0, 25.0]),
    options=st.sampled_from(ALL_OPTIONS),
)
def test_compiled_matches_the_rules_on_random_actors(n, batch, seed, grid, options) -> None:
    """Random sets, some with positions on a coarse grid (shared positions, exact ties)."""
    rng = np.random.default_rng(seed)
    c = rng.uniform(0.0, 1.0, (batch, n))
    x = rng.uniform(0.0, 100.0, (batch, n))
    if grid:
        x = np.round(x / grid) * grid
    s = rng.uniform(0.0, 1.0, (batch, n))
    ref = run_bdm(c, x, s, 12, options)
    fast = run_bdm(c, x, s, 12, options, engine="compiled")
    assert_same(ref, fast)


@pytest.mark.compiled
@needs_numba
def test_compiled_matches_the_rules_on_100_actors() -> None:
    rng = np.random.default_rng(7)
    c, x, s = rng.uniform(0.1, 1, 100), rng.uniform(0, 100, 100), rng.uniform(0.2, 1, 100)
    assert_same(run_bdm(c, x, s, 3), run_bdm(c, x, s, 3, engine="compiled"))


@pytest.mark.compiled
@needs_numba
def test_compiled_step_is_the_step() -> None:
    rng = np.random.default_rng(3)
    x0, inputs = bdm_inputs(rng.uniform(0, 1, (4, 6)), rng.uniform(0, 100, (4, 6)),
                            rng.uniform(0, 1, (4, 6)))
    x, y = x0, x0
    for _ in range(5):
        x, y = bdm_step(x, inputs), bdm_step(y, inputs, engine="compiled")
        np.testing.assert_array_equal(y, x)


@pytest.mark.compiled
@needs_numba
def test_the_protocol_under_engine_compiled_gives_the_vector_tables() -> None:
    from sim.engine.runner import simulate
    from sim.scenario import load_scenario

    scn = load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "tiny_uncertain.yaml",
                        overrides=["negotiation.protocol=expected_utility"])
    vec = simulate(scn, runs=16, seed=3, engine="vector", trace_runs=16)
    com = simulate(scn, runs=16, seed=3, engine="compiled", trace_runs=16)
    pd.testing.assert_frame_equal(com.runs, vec.runs, check_exact=True)
    pd.testing.assert_frame_equal(com.rounds, vec.rounds, check_exact=True)
