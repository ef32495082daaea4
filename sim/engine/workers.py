"""Worker processes that never outlive the process that started them.

``ceasefire run --jobs N`` and ``ceasefire sweep --jobs N`` run chunks of replications in a
process pool whose workers are forked from a fork server. If the parent is killed (``kill -9``,
the out-of-memory killer), nothing tells the workers: they wait on a queue whose other end they
hold themselves, and with them the fork server and multiprocessing's resource tracker stay
alive for good. So every worker watches the parent from a daemon thread and exits as soon as
it is gone; the fork server and the resource tracker then see their last client leave and exit
on their own.

How the worker learns of its parent's death: on Linux a pidfd of the parent
(``os.pidfd_open``), readable the moment the parent ends (whether or not it has been reaped),
and ``PR_SET_PDEATHSIG`` for the fork server's death; elsewhere the parent's pid is polled
(:data:`POLL_SECONDS`).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

#: How often a worker without pidfds looks for its parent.
POLL_SECONDS = 0.5

#: Exit status of a worker whose parent is gone.
ORPHANED = 70

#: Modules the fork server imports once, so that each worker starts fast (SciPy's special
#: functions are what the draws of a worker's first chunk would otherwise import, about 0.15 s
#: in every worker).
PRELOAD = ["sim.engine.runner", "sim.scenario", "scipy.special"]


def forkserver(preload: Sequence[str] = ()) -> multiprocessing.context.BaseContext:
    """Workers forked from a clean server process that has the engine imported.

    Forking this process directly is unsafe once it runs threads (pyarrow's pools, a Dask
    client); a fork server is single-threaded, and preloading the engine there keeps each
    worker's start-up short. Where there is no fork server, workers are spawned.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():  # pragma: no cover
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([*PRELOAD, *preload])
    return ctx


def start_forkserver(preload: Sequence[str] = ()) -> None:
    """Start the fork server now, without waiting for it.

    The server imports :data:`PRELOAD` (about half a second) before it forks a first worker;
    started early, it does so while this process reads and checks its scenario or sweep,
    instead of making the first worker's start wait for it. ``preload``: see
    :func:`forkserver`.
    """
    ctx = forkserver(preload)
    if ctx.get_start_method() == "forkserver":
        import multiprocessing.forkserver as server

        server.ensure_running()


def engine_preload(engine: str) -> list[str]:
    """The modules the fork server of a run on ``engine`` preloads beyond :data:`PRELOAD`."""
    return ["sim.engine.compiled.warm"] if engine == "compiled" else []


def process_pool(jobs: int, pool_class: Callable[..., ProcessPoolExecutor] | None = None,
                 preload: Sequence[str] = ()) -> ProcessPoolExecutor:
    """A pool of ``jobs`` workers that ignore Ctrl-C and exit when this process dies.

    Args:
        jobs: Worker processes.
        pool_class: The executor class (default ``ProcessPoolExecutor``; tests pass one that
            records what ran where).
        preload: More modules for the fork server to import (see :func:`forkserver`).
    """
    make = pool_class or ProcessPoolExecutor
    return make(max_workers=jobs, mp_context=forkserver(preload), initializer=init_worker,
                initargs=(os.getpid(),))


def init_worker(parent: int) -> None:
    """Pool initializer: leave Ctrl-C to the parent, and exit when ``parent`` ends.

    A terminal sends Ctrl-C to every process of its foreground group; the parent stops the run
    or sweep cleanly and shuts the pool down, so the workers ignore it.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch_parent(parent)


def watch_parent(parent: int, on_exit: Callable[[], Any] | None = None) -> threading.Thread:
    """Start a daemon thread that ends this process when process ``parent`` ends.

    Args:
        parent: The pid to watch (the process that made the pool, not the fork server).
        on_exit: Called instead of ``os._exit(ORPHANED)`` (for tests).

    Returns:
        The watching thread.
    """
    leave = on_exit or (lambda: os._exit(ORPHANED))
    _die_with_forkserver()
    fd = _pidfd(parent)
    if fd is None and not _alive(parent):
        leave()
    if fd is not None:
        def wait() -> None:
            select.select([fd], [], [])
            leave()
    else:
        def wait() -> None:
            while _alive(parent):
                time.sleep(POLL_SECONDS)
            leave()
    thread = threading.Thread(target=wait, name=f"watch-parent-{parent}", daemon=True)
    thread.start()
    return thread


def _pidfd(pid: int) -> int | None:
    """A pidfd of ``pid``, or None where there are none (or the process is already gone)."""
    opener = getattr(os, "pidfd_open", None)
    if opener is None:
        return None
    try:
        return int(opener(pid))
    except OSError:
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, owned by someone else
        return True
    return True


def _die_with_forkserver() -> None:
    """On Linux: SIGKILL this process when the process that forked it (the server) ends."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - no libc prctl
        pass
