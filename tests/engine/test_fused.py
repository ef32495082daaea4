"""The fused round (``--engine compiled``) gives the vector engine's run tables, bit for bit.

Every test here compiles the fused kernel (or loads it from the cache: one cold compile per
cache folder) and is skipped without numba. The kernel restates the phases of
``sim/protocols/rounds.py`` and the rules they call; a rule changed without its kernel, or the
other way round, fails ``test_shipped_scenarios_identical`` or ``test_random_scenarios_identical``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from helpers.scenarios import scenarios
from hypothesis import HealthCheck, given, settings

from sim.engine import compiled
from sim.engine.runner import replication_inputs, run_chunk, simulate
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))
TINY = sorted((ROOT / "tests" / "scenarios").glob("*.yaml"))

pytestmark = [pytest.mark.compiled,
              pytest.mark.skipif(not compiled.available(),
                                 reason="numba is not installed (the [compiled] extra)")]


def _same(scn, runs: int, seed: int | None = None, traced: int = 0) -> None:
    s = scn.seed if seed is None else seed
    vec = run_chunk(scn, s, 0, runs, "vector", traced)
    com = run_chunk(scn, s, 0, runs, "compiled", traced)
    for a, b in zip(vec, com, strict=True):
        assert a.equals(b)


@pytest.mark.parametrize("path", SHIPPED + TINY, ids=lambda p: p.stem)
def test_shipped_scenarios_identical(path: Path) -> None:
    scn = load_scenario(path)
    _, _, p = replication_inputs(scn, scn.seed, 0, 1)
    reason = compiled.fused_reason(p)
    if path in SHIPPED:
        assert reason is None, reason  # every shipped scenario runs on the fused kernel
    _same(scn, 200, traced=80)  # runs, rounds and sessions tables, 80 runs traced


def _two_party_mediated(data: dict) -> dict:
    """The random scenario cut to what the fused kernel covers: two parties, rho = 1."""
    actors = {}
    for key, act in data["actors"].items():
        if key == "p2":
            continue
        act = dict(act, risk=1.0)
        if "leverage" in act:
            act["leverage"] = {k: v for k, v in act["leverage"].items() if k != "p2"}
        actors[key] = act
    data = dict(data, actors=actors)
    data["negotiation"] = dict(data["negotiation"], protocol="mediated")
    return data


@settings(max_examples=12, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(scenarios())
def test_random_scenarios_identical(tmp_path_factory, data) -> None:
    path = tmp_path_factory.mktemp("fused") / "s.yaml"
    path.write_text(yaml.safe_dump(_two_party_mediated(data), sort_keys=False))
    scn = load_scenario(path)
    _, _, p = replication_inputs(scn, 5, 0, 1)
    assert compiled.fused_reason(p) is None
    _same(scn, 40, seed=5, traced=40)


def test_not_compiled_says_why_and_falls_back() -> None:
    path = ROOT / "tests" / "scenarios" / "tiny_two_party.yaml"
    first = next(iter(load_scenario(path).actors))
    scn = load_scenario(path, overrides=[f"actors.{first}.risk=2.0"])
    said: list[str] = []
    assert "risk exponent" in (compiled.prepare(scn, scn.seed, said.append) or "")
    assert any("vector engine's phases" in line for line in said)
    _same(scn, 50)


def test_threads_and_chunks_do_not_change_the_runs() -> None:
    from sim.engine.compiled.engine import run_fused

    scn = load_scenario(ROOT / "scenarios" / "istanbul_2025.yaml")
    _, dr, p = replication_inputs(scn, scn.seed, 0, 600)
    one, two = run_fused(p, dr, threads=1), run_fused(p, dr, threads=3)
    for name in ("stated", "terms", "settled", "end_round", "walkout_by", "trust", "exchanges"):
        assert np.array_equal(getattr(one, name), getattr(two, name), equal_nan=True), name
    vec = simulate(scn, runs=700, engine="vector", chunk_size=700, trace_runs=0)
    com = simulate(scn, runs=700, engine="compiled", chunk_size=250, trace_runs=0)
    assert com.runs.equals(vec.runs)


def test_logistic_within_1e_12_of_numpys() -> None:
    """tanh is the C library's in the kernel and NumPy's SIMD one in the rules (module doc)."""
    from sim.engine.compiled import fused
    from sim.rules import humanitarian, walkout

    x = np.random.default_rng(0).normal(0.0, 20.0, 20_000)
    got = np.array([fused.logistic(v) for v in x[:2000]])
    assert np.allclose(got, walkout._logistic(x[:2000]), rtol=0, atol=1e-12)
    assert np.allclose(got, humanitarian._logistic(x[:2000]), rtol=0, atol=1e-12)
