"""Evidence that chunks of replications really ran in worker processes.

:func:`record_chunks` is a process-pool initializer: in each worker it wraps the runner's
``run_chunk`` so that every chunk the worker runs leaves a file ``<pid>-<start>-<stop>`` in a
log folder. A task sent to a process pool names ``run_chunk`` by reference and the worker looks
it up after the initializer has run, so it calls the wrapper. Nothing is recorded for chunks run
in the test's own process, which is what lets a test tell the two apart.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


def record_chunks(log_dir: str) -> None:
    """Pool initializer: log every chunk this worker runs into ``log_dir``."""
    import sim.engine.runner as runner

    original = runner.run_chunk

    def run_chunk(scenario, seed, start, stop, *args, **kwargs):
        (Path(log_dir) / f"{os.getpid()}-{start}-{stop}").touch()
        return original(scenario, seed, start, stop, *args, **kwargs)

    runner.run_chunk = run_chunk


def recording_pool(log_dir: Path, **kwargs) -> ProcessPoolExecutor:
    """A process pool whose workers log the chunks they run into ``log_dir``."""
    return ProcessPoolExecutor(initializer=record_chunks, initargs=(str(log_dir),), **kwargs)


def recording_pool_class(log_dir: Path) -> type[ProcessPoolExecutor]:
    """A ProcessPoolExecutor subclass whose workers log their chunks into ``log_dir``.

    For code that builds its own pool (``simulate(jobs=N)``, ``ceasefire run --jobs N``): patch
    it in for ``sim.engine.runner.ProcessPoolExecutor``.
    """

    class RecordingPool(ProcessPoolExecutor):
        def __init__(self, *args, initializer=None, initargs=(), **kwargs):
            super().__init__(*args, initializer=chained,
                             initargs=(initializer, tuple(initargs), str(log_dir)), **kwargs)

    return RecordingPool


def chained(initializer, initargs, log_dir: str) -> None:
    """Pool initializer: the pool's own initializer (if any), then :func:`record_chunks`."""
    if initializer is not None:
        initializer(*initargs)
    record_chunks(log_dir)


def chunks_run(log_dir: Path) -> list[tuple[int, int, int]]:
    """The (pid, start, stop) of every chunk logged in ``log_dir``, sorted by start."""
    out = [tuple(int(x) for x in p.name.split("-")) for p in Path(log_dir).iterdir()]
    return sorted(out, key=lambda r: (r[1], r[2]))
