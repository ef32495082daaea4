"""The Monte Carlo runner: seeds, chunks of replications, executors, run tables.

Replication k of a run always uses the stream of ``replication_seed(seed, k)``, whatever the
engine, the chunk size or the executor, so ``runs.parquet`` is identical for ``--jobs 1`` and
``--jobs N``. Work is sent to executors as chunks of replications (one task per chunk, not per
replication: per-task overheads are several times the cost of one replication).
"""

from __future__ import annotations

import collections
import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim.batch.draws import Draws, RowDrawer, draw, replication_seeds
from sim.batch.finish import Finish, finish
from sim.batch.kernels import NUMPY
from sim.batch.params import Params, compile_params
from sim.batch.trace import Trace
from sim.engine import ENGINES
from sim.engine.tables import rounds_table, runs_table, sessions_table
from sim.engine.vector import run_batch
from sim.engine.workers import engine_preload, process_pool
from sim.protocols import get as get_protocol

if TYPE_CHECKING:
    from sim.scenario import Scenario, UncertainInput

DEFAULT_CHUNK = 1000
DEFAULT_TRACE_RUNS = 1000


@dataclass
class RunResult:
    """Everything a run produced, before it is written to a result folder.

    ``runs`` is the runs table: held in memory when :func:`simulate` collected it, or read on
    first use through ``runs_loader`` when the chunks were streamed to a sink (e.g. into the
    ``runs.parquet`` of a result folder) and the caller said where to read them back.
    """

    scenario: Scenario
    runs_df: pd.DataFrame | None
    rounds: pd.DataFrame
    seed: int
    n_runs: int
    engine: str
    trace_runs: int
    elapsed: float
    meta: dict = field(default_factory=dict)
    sessions: pd.DataFrame = field(default_factory=pd.DataFrame)
    runs_loader: Callable[[], pd.DataFrame] | None = None

    @property
    def runs(self) -> pd.DataFrame:
        """One row per replication (loaded through ``runs_loader`` when streamed)."""
        if self.runs_df is None:
            if self.runs_loader is None:
                raise ValueError("the runs of this result were streamed to a sink and no "
                                 "runs_loader says where to read them back")
            self.runs_df = self.runs_loader()
        return self.runs_df


def _uncertain(scenario: Scenario) -> list[UncertainInput]:
    from sim.scenario import uncertain_inputs

    return uncertain_inputs(scenario)


def replication_inputs(scenario: Scenario, seed: int, start: int, stop: int,
                       row: RowDrawer | None = None) -> tuple[np.ndarray, Draws, Params]:
    """Seeds, random draws and compiled parameters of replications ``start`` .. ``stop - 1``.

    The one place where a scenario becomes what an engine consumes; both the runner and
    ``ceasefire explain`` go through it, so replication k is the same in both. ``row``: the
    compiled engine's drawer of one replication's numbers (the same numbers, faster).
    """
    seeds = replication_seeds(seed, start, stop)
    dr = draw(seeds, _uncertain(scenario), scenario.sessions, len(scenario.actors),
              len(scenario.issues), len(scenario.events), row)
    return seeds, dr, compile_params(scenario, dr.samples, stop - start)


def run_chunk(scenario: Scenario, seed: int, start: int, stop: int, engine: str,
              trace_runs: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Run replications ``start`` .. ``stop - 1``; return their runs and rounds tables.

    A protocol the Mesa engine does not run (see :attr:`Protocol.mesa`) runs on the vector
    engine whatever ``engine`` says. A top-level function so that process pools and Dask
    workers can call it.
    """
    row = None
    if engine == "compiled":
        from sim.engine import compiled

        row = compiled.row_drawer()
    seeds, dr, p = replication_inputs(scenario, seed, start, stop, row)
    run_ids = np.arange(start, stop)
    keep = run_ids < trace_runs
    tr: Trace | None
    if engine == "mesa" and get_protocol(p.agenda.protocol).mesa:
        fin, tr = _run_mesa(p, dr, seeds)
    else:
        kernels = NUMPY
        state = None
        if engine == "compiled":
            from sim.engine import compiled

            kernels = compiled.load()  # once per process; from the cache after the first compile
            if compiled.fused_reason(p) is None:  # the fused round
                tr = Trace.empty(p) if keep.any() else None
                state = compiled.run_fused(p, dr, trace=tr)
        if state is None:
            b, tr = run_batch(p, dr, trace=bool(keep.any()), kernels=kernels)
            state = b.state
        fin = finish(p, state, dr)
    runs = runs_table(p, fin, dr, run_ids, seeds)
    if tr is None:
        keep = np.zeros(len(run_ids), bool)
    dates = None
    if scenario.calendar is not None:
        # session 0 (the opening) is dated one interval before session 1
        dates = [scenario.calendar.date_of(s).isoformat() for s in range(p.agenda.sessions + 1)]
    return (runs, rounds_table(p, tr, run_ids, keep),
            sessions_table(p, tr, run_ids, keep, dates))


def _run_mesa(p: Params, dr: Draws, seeds: np.ndarray) -> tuple[Finish, Trace]:
    """Run each replication through the Mesa model and gather the same arrays."""
    # Mesa (and networkx under it) is loaded by the runs that use it, not by every run
    from sim.engine.mesa import NegotiationModel

    tr = Trace.empty(p)
    parts = []
    for k in range(p.runs):
        model = NegotiationModel(p.row(k), dr.row(k), rng=int(seeds[k])).run()
        parts.append(finish(p.row(k), model.state, dr.row(k)))
        tr.put(k, model.trace)
    fin = Finish(*[np.concatenate([getattr(f, name) for f in parts])
                   for name in Finish.__dataclass_fields__])
    return fin, tr


def default_chunk(scenario: Scenario, largest: int | None = None) -> int:
    """Replications per chunk: ``largest``, or fewer when one replication takes much memory.

    A replication's results do not depend on its chunk, so this changes no file; it bounds
    what a worker holds (:data:`sim.scenario.budget.CHUNK_MEMORY`) for scenarios with many
    sessions, actors and issues.
    """
    from sim.scenario.budget import Size, chunk_for

    size = Size(scenario.sessions, len(scenario.actors), len(scenario.issues))
    return chunk_for(size, largest or DEFAULT_CHUNK)


def chunks(runs: int, size: int) -> list[tuple[int, int]]:
    """Split ``range(runs)`` into consecutive (start, stop) chunks of at most ``size``."""
    return list(iter_chunks(runs, size))


def iter_chunks(runs: int, size: int) -> Iterator[tuple[int, int]]:
    """The chunks of :func:`chunks`, one at a time."""
    return ((s, min(s + size, runs)) for s in range(0, runs, size))


def simulate(
    scenario: Scenario,
    *,
    runs: int | None = None,
    seed: int | None = None,
    engine: str = "vector",
    jobs: int = 1,
    trace_runs: int | None = None,
    chunk_size: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
    runs_sink: Callable[[pd.DataFrame], None] | None = None,
) -> RunResult:
    """Run a validated scenario ``runs`` times and return the run tables.

    Args:
        scenario: a validated :class:`sim.scenario.Scenario`.
        runs: replications (default: the scenario's ``runs``).
        seed: master seed (default: the scenario's ``seed``).
        engine: ``vector`` (default), ``mesa`` or ``compiled`` (needs numba; see
            :mod:`sim.engine.compiled`).
        jobs: worker processes when no ``executor`` is given (1 = in process); with an
            executor, how many chunks it runs at once.
        trace_runs: how many replications (the first ones) get per-round trajectories;
            default all when ``runs`` <= 1000, else the first 1000.
        chunk_size: replications per task (default :data:`DEFAULT_CHUNK`, fewer for a large
            scenario: :func:`default_chunk`).
        executor: any ``concurrent.futures.Executor`` (e.g. a Dask client's); overrides ``jobs``.
        progress: called with the number of replications finished after each chunk.
        runs_sink: called with each chunk's runs table, in run order, as soon as the chunks
            before it are done; the runs are then not kept (``RunResult.runs_df`` is ``None``),
            so memory holds a few chunks, not the run. By default they are collected.

    Chunks are handed to workers a few at a time (:data:`IN_FLIGHT` per job), so finished
    chunks waiting for an earlier one stay few.
    """
    if engine not in ENGINES and engine != "numpy":
        raise ValueError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")
    if engine == "numpy":
        engine = "vector"  # the pure-NumPy engine's other name
    if engine == "compiled":
        from sim.engine.compiled import prepare

        # compile (or load) here, once, before any worker needs it
        prepare(scenario, int(seed if seed is not None else scenario.seed))
    n = int(runs if runs is not None else scenario.runs)
    s = int(seed if seed is not None else scenario.seed)
    tr_runs = trace_runs if trace_runs is not None else min(n, DEFAULT_TRACE_RUNS)
    t0 = time.perf_counter()
    size = int(chunk_size or default_chunk(scenario))
    parts = iter_chunks(n, size)  # lazily: a run of 10^12 replications holds no list of chunks
    collected: list[pd.DataFrame] = []
    traced: list[tuple[pd.DataFrame, pd.DataFrame]] = []

    def take(part: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> None:
        if runs_sink is None:
            collected.append(part[0])
        else:
            runs_sink(part[0])
        # the traced chunks come first; the untraced ones after them have empty tables of the
        # same dtypes, which add nothing: one is kept (for a run that traced nothing)
        if not traced or not part[1].empty:
            if traced and traced[-1][0].empty:
                traced.pop()
            traced.append((part[1], part[2]))

    own_pool = None
    if executor is None and jobs > 1 and n > size:
        # workers that ignore Ctrl-C and exit if this process is killed (sim.engine.workers)
        own_pool = executor = process_pool(jobs, ProcessPoolExecutor, engine_preload(engine))
    try:
        if executor is None:
            for start, stop in parts:
                take(run_chunk(scenario, s, start, stop, engine, tr_runs))
                if progress:
                    progress(stop - start)
        else:
            _run_in_order(executor, scenario, s, parts, engine, tr_runs, IN_FLIGHT * jobs,
                          take, progress)
    finally:
        if own_pool is not None:
            own_pool.shutdown(cancel_futures=True)
    runs_df = pd.concat(collected, ignore_index=True) if runs_sink is None else None
    # one traced chunk (the default trace of 1,000 runs is one chunk) is not copied
    rounds_df = _joined([r for r, _ in traced])
    sessions_df = _joined([x for _, x in traced])
    return RunResult(scenario, runs_df, rounds_df, s, n, engine, tr_runs,
                     time.perf_counter() - t0, sessions=sessions_df)


def _joined(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The chunks' tables one after the other, with a plain index (the one part as it is)."""
    if len(parts) == 1:
        return parts[0].reset_index(drop=True)
    return pd.concat(parts, ignore_index=True)


#: Chunks handed to an executor ahead of the results, per job.
IN_FLIGHT = 4


def _run_in_order(executor: Executor, scenario: Scenario, seed: int,
                  parts: Iterable[tuple[int, int]], engine: str, trace_runs: int, window: int,
                  take: Callable[[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]], None],
                  progress: Callable[[int], None] | None) -> None:
    """Run ``parts`` on ``executor``, at most ``window`` at a time; ``take`` them in order.

    A chunk that finishes before an earlier one waits in ``done`` and counts against the
    window, so no more than ``window`` chunks' tables are ever held.
    """
    todo = iter(parts)
    pending: dict[Future, tuple[int, int]] = {}
    done: dict[int, tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]] = {}
    order: collections.deque[int] = collections.deque()  # starts submitted, not yet taken

    def submit() -> None:
        for a, b in itertools.islice(todo, max(max(window, 1) - len(pending) - len(done), 0)):
            pending[executor.submit(run_chunk, scenario, seed, a, b, engine, trace_runs)] = (a, b)
            order.append(a)

    submit()
    while pending:
        finished, _ = wait(pending, return_when=FIRST_COMPLETED)
        for fut in finished:
            a, b = pending.pop(fut)
            done[a] = fut.result()
            if progress:
                progress(b - a)
        while order and order[0] in done:
            take(done.pop(order.popleft()))
        submit()  # the earliest chunk not taken is always pending, so this never stalls
