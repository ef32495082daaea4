"""The compiled engine (``--engine compiled``) gives the vector engine's run tables, bit for bit.

Tests marked ``compiled`` compile the numba kernels (or load them from the cache) and are
skipped when numba is not installed; the others run the kernels as plain Python and need no
compile.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.engine import compiled
from sim.engine.compiled import kernels as k
from sim.engine.runner import run_chunk, simulate
from sim.rules import frontier
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted(
    (ROOT / "tests" / "scenarios").glob("*.yaml"))

needs_numba = pytest.mark.skipif(not compiled.available(),
                                 reason="numba is not installed (the [compiled] extra)")


def test_np_sum_is_numpys_order() -> None:
    rng = np.random.default_rng(3)
    for n in range(0, 40):
        a = rng.random((50, n)) * rng.choice([1e-6, 1.0, 1e6], size=(50, n))
        want = a.sum(axis=-1)
        got = np.array([k.np_sum(a[r], n) for r in range(50)])
        assert np.array_equal(got, want), n


def _problems(rng: np.random.Generator, n_rep: int, n_iss: int) -> tuple[np.ndarray, ...]:
    ideal = rng.choice([0.0, 20.0, 50.0, 80.0, 100.0], size=(n_rep, 2, n_iss))
    raw = rng.choice([0.0, 0.1, 0.2, 0.4, 1.0], size=(n_rep, 2, n_iss))  # ties in the ratios
    raw[:, :, 0] += 0.05
    weights = raw / raw.sum(axis=-1, keepdims=True)
    reservation = rng.uniform(-0.2, 0.8, size=(n_rep, 2))
    free = rng.random((n_rep, n_iss)) < 0.8
    fixed = rng.uniform(0, 100, size=(n_rep, n_iss))
    return ideal, weights, reservation, free, fixed


def _python_two_party(ideal: np.ndarray, weights: np.ndarray, reservation: np.ndarray,
                      free: np.ndarray, fixed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(divide="ignore", invalid="ignore"):
        logkey = np.log(weights[:, 1]) - np.log(weights[:, 0])
    text = np.empty(fixed.shape)
    has = np.empty(len(fixed), bool)
    k.two_party_nash(logkey, ideal[:, 0], ideal[:, 1], weights[:, 0], weights[:, 1],
                     reservation, free, fixed, text, has)
    return text, has


@pytest.mark.parametrize("n_iss", [1, 3, 9, 17])
def test_two_party_kernel_uncompiled_is_the_rule(n_iss: int) -> None:
    args = _problems(np.random.default_rng(n_iss), 300, n_iss)
    want_t, want_h = frontier._two_party_nash(*args)
    got_t, got_h = _python_two_party(*args)
    assert np.array_equal(got_h, want_h)
    assert np.array_equal(got_t, want_t)


@pytest.mark.parametrize("n_iss", [1, 3, 9, 17])
def test_logroll_kernel_uncompiled_is_the_rule(n_iss: int) -> None:
    rng = np.random.default_rng(10 + n_iss)
    ideal, weights, _, movable, base = _problems(rng, 300, n_iss)
    level = rng.uniform(0.0, 1.1, size=300)
    want = frontier.logroll(ideal[:, 0], ideal[:, 1], weights[:, 0], weights[:, 1], level,
                            movable, base)
    got = np.empty_like(want)
    k.logroll_linear(ideal[:, 0], ideal[:, 1], weights[:, 0], weights[:, 1], level, movable,
                     base, got)
    assert np.array_equal(got, want)


def test_without_numba_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compiled, "_LOADED", None)
    monkeypatch.setattr(compiled, "available", lambda: False)
    with pytest.raises(compiled.CompiledUnavailable, match=r"pip install .*\[compiled\]"):
        compiled.load()


def test_unwritable_cache_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(blocker / "numba"))
    info = compiled.cache_info()
    assert info.folder is None and "cannot write" in info.note


@pytest.mark.compiled
@needs_numba
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_run_tables_identical_to_vector(path: Path) -> None:
    scn = load_scenario(path)
    runs = 150
    vec = run_chunk(scn, scn.seed, 0, runs, "vector", runs)
    com = run_chunk(scn, scn.seed, 0, runs, "compiled", runs)
    for a, b in zip(vec, com, strict=True):
        assert a.equals(b)


@pytest.mark.compiled
@needs_numba
def test_simulate_compiled_chunks_and_scaled_batch() -> None:
    scn = load_scenario(ROOT / "scenarios" / "istanbul_2025.yaml")
    vec = simulate(scn, runs=700, engine="vector", chunk_size=700)
    com = simulate(scn, runs=700, engine="compiled", chunk_size=250)
    assert com.runs.equals(vec.runs) and com.rounds.equals(vec.rounds)


@pytest.mark.compiled
@needs_numba
@pytest.mark.parametrize("n_iss", [1, 9, 17])
def test_compiled_kernels_are_the_rules(n_iss: int) -> None:
    kern = compiled.load()
    assert kern.two_party_nash is not None
    args = _problems(np.random.default_rng(100 + n_iss), 2000, n_iss)
    want_t, want_h = frontier._two_party_nash(*args)
    got_t, got_h = kern.two_party_nash(*args)
    assert np.array_equal(got_h, want_h) and np.array_equal(got_t, want_t)
    ideal, weights, _, movable, base = args
    level = np.random.default_rng(n_iss).uniform(0.0, 1.1, size=2000)
    ws = (ideal[:, 0], ideal[:, 1], weights[:, 0], weights[:, 1], level, movable, base)
    assert np.array_equal(kern.logroll(*ws), frontier.logroll(*ws))
    rho = np.full(2000, 2.0)  # not compiled: the rule itself runs
    assert np.array_equal(kern.logroll(*ws, rho), frontier.logroll(*ws, rho))
