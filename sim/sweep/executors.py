"""Where a sweep's chunks of replications run: in process, a process pool or a Dask cluster.

Every executor is a :class:`concurrent.futures.Executor` (a Dask client's via
``client.get_executor()``), so the runner has one code path. Results do not depend on the
executor: a replication's random stream depends only on the master seed and its index.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import warnings
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sim.engine.workers import process_pool
from sim.sweep.errors import SweepError

EXECUTORS: tuple[str, ...] = ("local", "dask")
DASK_TIMEOUT = 15.0  # seconds, for waiting for workers
HANDSHAKE_TIMEOUT = 5.0  # seconds for a scheduler to answer; a real one answers in well under 1
DEATH_TIMEOUT = 10.0  # seconds a local worker waits for its lost scheduler before it exits


@dataclass
class Pool:
    """An open executor and what the manifest records about it.

    Attributes:
        executor: The executor, or None to run in this process.
        workers: How many tasks run at once (for sizing the chunks).
        info: Executor facts for ``manifest.json``.
    """

    executor: Executor | None
    workers: int
    info: dict[str, Any] = field(default_factory=dict)


@contextmanager
def open_executor(kind: str = "local", jobs: int = 1,
                  scheduler: str | None = None) -> Iterator[Pool]:
    """Open the executor for a sweep and close it (and any cluster it started) afterwards.

    Args:
        kind: ``local`` (a process pool of ``jobs`` workers; ``jobs=1`` runs in this process)
            or ``dask`` (a Dask cluster: the scheduler at ``scheduler``, else a new local
            cluster of ``jobs`` single-threaded worker processes on 127.0.0.1).
        jobs: Worker processes for ``local`` and for a new local Dask cluster.
        scheduler: Address of a running Dask scheduler (``tcp://host:8786``); ``dask`` only.

    Raises:
        SweepError: Unknown executor, a scheduler given without ``dask``, Dask not installed,
            or the scheduler cannot be reached.
    """
    if kind not in EXECUTORS:
        raise SweepError(f"unknown executor {kind!r}; choose 'local' or 'dask'")
    if jobs < 1:
        raise SweepError(f"--jobs must be at least 1, got {jobs}")
    if scheduler and kind != "dask":
        raise SweepError("--scheduler needs --executor dask")
    if kind == "local":
        yield from _local(jobs)
    else:
        yield from _dask(jobs, scheduler)


def _local(jobs: int) -> Iterator[Pool]:
    if jobs == 1:
        yield Pool(None, 1, {"kind": "local", "jobs": 1})
        return
    # workers that ignore Ctrl-C and exit if this process is killed (sim.engine.workers)
    pool = process_pool(jobs)
    try:
        yield Pool(pool, jobs, {"kind": "local", "jobs": jobs})
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _connect(client_class: Any, scheduler: str) -> Any:
    """A client of ``scheduler``, or TimeoutError after :data:`HANDSHAKE_TIMEOUT` seconds.

    Something that accepts the TCP connection but does not speak Dask's protocol (a silent
    listener, a web server) holds the handshake for minutes whatever the client's own timeout,
    so the connection is made in a daemon thread and abandoned when it takes too long (the
    thread cannot hold the process open).
    """
    import queue
    import threading

    import dask

    seconds = f"{HANDSHAKE_TIMEOUT:g}s"
    box: queue.Queue = queue.Queue(maxsize=1)

    def connect() -> None:
        try:
            with dask.config.set({"distributed.comm.timeouts.connect": seconds}):
                box.put((True, client_class(scheduler, timeout=HANDSHAKE_TIMEOUT)))
        except BaseException as exc:  # handed to the caller's thread
            box.put((False, exc))

    threading.Thread(target=connect, name="dask-connect", daemon=True).start()
    try:
        ok, got = box.get(timeout=HANDSHAKE_TIMEOUT + 1)
    except queue.Empty:
        raise TimeoutError(f"no Dask handshake within {HANDSHAKE_TIMEOUT:g} s (is it a Dask "
                           "scheduler?)") from None
    if not ok:
        raise got
    return got


def _temporary_security() -> Any:
    """TLS with certificates made for this cluster alone (``Security.temporary()``).

    A local cluster listens on 127.0.0.1, where any local user could otherwise connect to the
    scheduler and have the workers run any code. With mutual TLS on temporary certificates
    that exist only in this process and its workers, a client without them is refused at the
    handshake.

    Raises:
        SweepError: The ``cryptography`` package (needed to make the certificates) is missing.
    """
    from distributed.security import Security

    try:
        return Security.temporary()
    except ImportError:
        raise SweepError("the local Dask cluster uses TLS with temporary certificates, which "
                         "needs the cryptography package: pip install 'ceasefire-sim[dask]'"
                         ) from None


def _dask(jobs: int, scheduler: str | None) -> Iterator[Pool]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise SweepError("--executor dask needs Dask: pip install 'ceasefire-sim[dask]' "
                         "(or dask[distributed])") from None
    cluster = None
    try:
        if scheduler:
            try:
                client = _connect(Client, scheduler)
            except Exception as exc:  # whatever the client raises, the address is not usable
                raise SweepError(f"cannot reach the Dask scheduler at {scheduler}: {exc}; "
                                 "start one with `dask scheduler` and workers with "
                                 f"`dask worker {scheduler}`") from None
        else:
            security = _temporary_security()
            with _workers_ignore_sigint(), warnings.catch_warnings():
                # Without a dashboard the scheduler still serves a few HTTP routes, on 8787 when
                # free and on a random port (with a warning) when not: harmless, so quiet.
                warnings.filterwarnings("ignore", message="Port .* is already in use")
                cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                       dashboard_address=None, host="127.0.0.1",
                                       protocol="tls://", security=security,
                                       death_timeout=DEATH_TIMEOUT,
                                       silence_logs=logging.ERROR)
            client = Client(cluster, security=security)
        try:
            if not client.nthreads():
                try:
                    client.wait_for_workers(1, timeout=DASK_TIMEOUT)
                except (OSError, TimeoutError) as exc:
                    raise SweepError(f"the Dask scheduler at {scheduler} has no workers ({exc}); "
                                     f"start some with `dask worker {scheduler}`") from None
            workers = max(1, sum(client.nthreads().values()))
            assert client.scheduler is not None  # set once the client has connected
            info = {"kind": "dask", "scheduler": scheduler or "local cluster",
                    "workers": workers, "address": client.scheduler.address}
            yield Pool(client.get_executor(), workers, info)
        finally:
            client.close()
    finally:
        if cluster is not None:
            cluster.close()


@contextmanager
def _workers_ignore_sigint() -> Iterator[None]:
    """Start worker processes with Ctrl-C ignored, so that only this process handles it.

    A terminal sends Ctrl-C to every process of the foreground group, local Dask workers
    included; they would die printing tracebacks. An ignored signal stays ignored in a child
    process (and Python then installs no handler of its own), so the workers leave the
    interrupt to the sweep, which stops and closes the cluster cleanly.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def default_jobs() -> int:
    """The number of CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
