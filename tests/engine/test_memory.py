"""Building many Mesa models in one process must not leak (Mesa's Agent._ids leak, #3179)."""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

from sim.batch.draws import draw, replication_seeds
from sim.batch.params import compile_params
from sim.engine.mesa import NegotiationModel
from sim.scenario import load_scenario, uncertain_inputs

TINY = Path(__file__).resolve().parents[1] / "scenarios" / "tiny_two_party.yaml"


def test_memory_stays_flat_over_200_model_builds():
    scn = load_scenario(TINY)
    seeds = replication_seeds(1, 0, 1)
    dr = draw(seeds, uncertain_inputs(scn), scn.sessions, len(scn.actors),
              len(scn.issues), len(scn.events))
    p = compile_params(scn, dr.samples, 1)

    def build(n):
        for _ in range(n):
            model = NegotiationModel(p, dr, rng=1)
            model.step()
        gc.collect()

    build(20)  # warm caches
    tracemalloc.start()
    build(50)
    first, _ = tracemalloc.get_traced_memory()
    build(200)
    second, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert second - first < 200_000, f"grew by {second - first} bytes over 200 builds"
