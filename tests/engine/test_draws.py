"""The chunk's draws: the vectorised ``draw`` gives the numbers of the one-by-one statement."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.batch.draws import draw, draw_one_by_one, replication_seeds
from sim.scenario import load_scenario, uncertain_inputs

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted(
    (ROOT / "tests" / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_draw_is_the_one_by_one_statement(path: Path) -> None:
    scn = load_scenario(path)
    seeds = replication_seeds(scn.seed, 0, 40)
    args = (seeds, uncertain_inputs(scn), scn.sessions, len(scn.actors), len(scn.issues),
            len(scn.events))
    fast, ref = draw(*args), draw_one_by_one(*args)
    assert fast.samples.keys() == ref.samples.keys()
    for key in ref.samples:
        assert np.array_equal(fast.samples[key], ref.samples[key]), key
    for name in ("shocks", "z_issue", "z_package", "u_walkout", "u_event", "u_durability",
                 "u_exchange", "u_initial", "z_ratify"):
        got, want = getattr(fast, name), getattr(ref, name)
        assert got.shape == want.shape and np.array_equal(got, want), name
        assert got.flags.c_contiguous, name


def test_a_degenerate_uniform_and_a_choice_keep_the_stream(tmp_path: Path) -> None:
    base = ROOT / "tests" / "scenarios" / "tiny_uncertain.yaml"
    first = next(iter(load_scenario(base).actors))
    scn = load_scenario(base, overrides=[
        f"actors.{first}.capability={{dist: uniform, low: 0.4, high: 0.4}}",
        f"actors.{first}.reservation={{dist: choice, values: [0.1, 0.2], p: [0.5, 0.5]}}",
        "battlefield.volatility={dist: triangular, low: 0.2, mode: 0.2, high: 0.2}"])
    seeds = replication_seeds(7, 0, 30)
    args = (seeds, uncertain_inputs(scn), scn.sessions, len(scn.actors), len(scn.issues),
            len(scn.events))
    fast, ref = draw(*args), draw_one_by_one(*args)
    for key in ref.samples:
        assert np.array_equal(fast.samples[key], ref.samples[key]), key
    assert np.array_equal(fast.z_issue, ref.z_issue)


@pytest.mark.compiled
@pytest.mark.skipif(not __import__("sim.engine.compiled", fromlist=["x"]).available(),
                    reason="numba is not installed (the [compiled] extra)")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_compiled_row_drawer_is_the_statement(path: Path) -> None:
    from sim.engine.compiled import row_drawer

    scn = load_scenario(path)
    seeds = replication_seeds(scn.seed, 0, 40)
    args = (seeds, uncertain_inputs(scn), scn.sessions, len(scn.actors), len(scn.issues),
            len(scn.events))
    fast, ref = draw(*args, row=row_drawer()), draw_one_by_one(*args)
    for key in ref.samples:
        assert np.array_equal(fast.samples[key], ref.samples[key]), key
    for name in ("shocks", "z_issue", "z_package", "u_walkout", "u_event", "u_durability",
                 "u_exchange", "u_initial", "z_ratify"):
        assert np.array_equal(getattr(fast, name), getattr(ref, name)), name


@pytest.mark.parametrize("master", [0, 1, 7, 20251, 2**31, 2**32 - 1, 2**32, 2**40 + 3,
                                    2**63 - 1, 2**64 + 5, 2**127, 2**128 - 1, 2**128, 2**200])
def test_bulk_replication_seeds_are_the_seed_sequence_children(master: int) -> None:
    from sim.batch.draws import replication_seed

    for start, stop in ((0, 600), (123_456, 123_500), (2**32 - 20, 2**32 + 5)):
        want = [replication_seed(master, k) for k in range(start, stop)]
        got = replication_seeds(master, start, stop)
        assert got.dtype == np.int64
        assert got.tolist() == want


def test_pcg64_states_in_bulk_are_those_of_each_pcg64() -> None:
    from sim.batch.draws import pcg64_states

    seeds = np.concatenate([replication_seeds(7, 0, 500),
                            replication_seeds(2**40, 10**6, 10**6 + 50),
                            np.array([0, 1, 2**32 - 1, 2**32, 2**62, 2**63 - 1], np.int64)])
    got = pcg64_states(seeds)
    assert got == [np.random.PCG64(int(s)).state for s in seeds]
    bits = np.random.PCG64(0)
    bits.state = got[3]
    assert np.random.Generator(bits).random(5).tolist() == np.random.default_rng(
        int(seeds[3])).random(5).tolist()
