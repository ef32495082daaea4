"""The engine as ABC's vectorised simulator: one replication per particle, per series.

A :class:`Series` is a record made ready to simulate: its scenario with every calibrated key
set to a distribution (so the key becomes a per-replication input), cut to the last session the
record needs (without a deadline the agents know, sessions 1..k do not depend on how many come
after, and neither do their random numbers), and the observed facts. Particle ``j`` of a batch
starting at simulation ``start`` is replication ``start + j`` of the series' own master seed:
its draws are the scenario's as ``ceasefire run`` makes them, except that the calibrated keys
take the particle's values. The draws, the engine and the facts are the ones a run uses
(:func:`sim.engine.runner.replication_inputs`, :func:`sim.engine.vector.run_batch`,
:func:`sim.calibrate.facts.window_facts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.calibrate.facts import Observed, observed, statistics, window_facts
from sim.calibrate.priors import JointPrior
from sim.calibrate.spec import prior_yaml
from sim.records import LoadedRecord
from sim.scenario import Scenario
from sim.sweep.spec import base_data, with_overrides

#: Particles per task handed to an executor.
TASK = 500


@dataclass(frozen=True)
class Series:
    """A record ready to simulate (see the module docstring)."""

    name: str
    scenario: Scenario
    observed: Observed
    seed: int

    @property
    def sessions(self) -> int:
        """Sessions simulated per replication."""
        return int(self.scenario.sessions)


def series_seed(seed: int, index: int, purpose: int = 0) -> int:
    """Master seed of series ``index`` (``purpose`` 0 fitting, 1 posterior, 2 prior predictive)."""
    ss = np.random.SeedSequence(int(seed), spawn_key=(1 << 20, int(purpose), int(index)))
    return int(ss.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def prepare(rec: LoadedRecord, prior: JointPrior, facts: Sequence[str], seed: int) -> Series:
    """The :class:`Series` of record ``rec`` for the calibrated keys of ``prior``."""
    lasts = [m.last if m.last is not None else m.index + 1 for m in rec.matches]
    overrides = [f"{m.path}={prior_yaml(m.dist)}" for m in prior.marginals]
    if rec.scenario.negotiation.deadline is None:
        overrides.append(f"sessions={max(lasts)}")
    scn = with_overrides(base_data(rec.scenario), Path(rec.scenario_path), overrides)
    return Series(rec.record.name, scn, observed(rec.record.sessions, lasts, facts), seed)


def simulate_facts(series: Series, paths: Sequence[str], theta: np.ndarray,
                   start: int) -> np.ndarray:
    """(n, S, 4) facts of each recorded session's window, one replication per row of theta."""
    from sim.batch.params import compile_params
    from sim.engine.runner import replication_inputs
    from sim.engine.vector import run_batch

    n = len(theta)
    seeds, dr, _ = replication_inputs(series.scenario, series.seed, start, start + n)
    for j, path in enumerate(paths):
        dr.samples[path] = np.asarray(theta[:, j], float)
    p = compile_params(series.scenario, dr.samples, n)
    _, tr = run_batch(p, dr, trace=True)
    assert tr is not None
    return window_facts(p, tr, series.observed.windows)


def simulate_stats(series: Series, paths: Sequence[str], theta: np.ndarray,
                   start: int) -> np.ndarray:
    """(n, facts) simulated counterparts of the series' observed facts (0/1)."""
    return statistics(simulate_facts(series, paths, theta, start), series.observed)


def distance(stats: np.ndarray, obs: np.ndarray, kind: str) -> np.ndarray:
    """(n,) distance of each row of ``stats`` from ``obs``: hamming or euclidean (RMS)."""
    diff = np.abs(stats - obs[None, :])
    if kind == "hamming":
        return diff.mean(axis=1)
    if kind == "euclidean":
        return np.sqrt(np.square(diff).mean(axis=1))
    raise ValueError(f"unknown distance {kind!r}")


@dataclass
class EngineSimulator:
    """``simulate(theta, start) -> distances`` over every fitted series (an ABC simulator).

    The distance is taken over the facts of all fitted series together, each fact counting
    the same. With an executor, each series' batch goes out in tasks of :data:`TASK`
    particles; the results are put back in order, so they do not depend on the executor.
    """

    series: Sequence[Series]
    paths: Sequence[str]
    distance: str = "hamming"
    executor: Executor | None = None
    simulations: int = 0

    @property
    def observed(self) -> np.ndarray:
        """Every observed fact of the fitted series, in order."""
        return np.concatenate([s.observed.value for s in self.series])

    def stats(self, theta: np.ndarray, start: int) -> np.ndarray:
        """(n, facts) the simulated facts of every fitted series, side by side."""
        return np.concatenate([run_series(s, self.paths, theta, start, self.executor)
                               for s in self.series], axis=1)

    def __call__(self, theta: np.ndarray, start: int) -> np.ndarray:
        """Distances of one simulation per row of ``theta``."""
        self.simulations += len(theta)
        return distance(self.stats(theta, start), self.observed, self.distance)


def run_series(series: Series, paths: Sequence[str], theta: np.ndarray, start: int,
               executor: Executor | None) -> np.ndarray:
    """:func:`simulate_stats` of one series, in tasks on ``executor`` when given."""
    if executor is None or len(theta) <= TASK:
        return simulate_stats(series, paths, theta, start)
    futures = [executor.submit(simulate_stats, series, list(paths), theta[a : a + TASK],
                               start + a) for a in range(0, len(theta), TASK)]
    return np.concatenate([f.result() for f in futures], axis=0)
