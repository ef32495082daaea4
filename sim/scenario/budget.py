"""A work budget: refuse, before anything starts, a request too large to finish or to hold.

What a request costs is estimated from the scenario's sizes and the options, with rates
measured in this repository (``benchmarks/README.md``); the estimates say roughly how long and
how much memory, not exactly. Two limits, documented in the README ("Limits"):

- **work** (:data:`WORK_LIMIT`): replication-sessions, each weighted by the scenario's size
  (actors × issues) relative to the baseline's when it is larger, plus a fixed cost per sweep
  point. 50 million is about four million runs of the 12-session baseline, half an hour or
  more on one core.
- **memory** (:data:`MEMORY_LIMIT`, 4 GiB): what the process holds at its peak. The runs
  themselves are streamed to ``runs.parquet`` and cost nothing that grows with ``--runs``; what
  grows is the round-by-round trace (``--trace-runs``: every traced run × session × actor ×
  issue), the plots (they read the runs table whole), a sweep's points (each holds its
  validated scenario) and the chunk of replications a worker simulates (bounded by
  :func:`chunk_for`).

Above either limit the command exits 2 naming the flag or key that asked for the work, the
estimate, what to change and how to insist (``--allow-large``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.scenario.models import Scenario

#: Weighted replication-sessions above which a request must be confirmed with
#: ``--allow-large``: 50 million, about 4 million runs of the 12-session baseline.
WORK_LIMIT = 50_000_000

#: Replication-sessions per second per core on the baseline (12 sessions, 9 actors x 9
#: issues), vector engine, measured (``benchmarks/bench_engines.py``: ~2,000 runs/s).
SESSIONS_PER_SECOND = 24_000

#: Actors x issues of the baseline scenario, the size the rate above was measured at.
REFERENCE_CELLS = 81

#: Peak memory a request may need without ``--allow-large``.
MEMORY_LIMIT = 4 * 1024**3

#: The interpreter with NumPy, pandas, pyarrow and a scenario loaded (measured: ~130 MiB), and
#: each extra worker process of ``--jobs`` (forked from a server with the engine imported).
BASE_MEMORY = 200 * 1024**2
WORKER_MEMORY = 150 * 1024**2

#: Bytes per row of the round-by-round trace (run x session x actor-or-text x issue) at the
#: peak: the engine's trace arrays, the rounds table and its Parquet encoding (measured: the
#: 1,170,000 rows of the baseline's default trace cost ~100 MiB; the plots read it again).
TRACE_BYTES_PER_ROW = 150

#: Bytes per value of the runs table when the plots read it whole (measured: 100,000 baseline
#: runs of 81 columns cost ~250 MiB more with the plots than without).
PLOT_BYTES_PER_VALUE = 36

#: A sweep point: its validated scenario (~78 KB for the baseline's 545 values) and its task.
POINT_BYTES_PER_VALUE = 160
POINT_BYTES = 4096

#: Fixed cost of a sweep point (building it, its random streams, writing its file: ~0.1 s),
#: in replication-sessions.
POINT_WORK = 2_400

#: Memory one chunk of replications may take in a worker; the chunk is made smaller when a
#: replication is large (a replication's results do not depend on its chunk).
CHUNK_MEMORY = 256 * 1024**2

#: Most sweep points built, whatever the budget says (``--allow-large`` too): a million
#: baseline points would hold about 80 GB of scenarios.
MAX_POINTS = 1_000_000


@dataclass(frozen=True)
class Size:
    """The sizes of a scenario that decide what a replication costs.

    Attributes:
        sessions: Sessions simulated per replication.
        actors: Actors.
        issues: Issues.
        columns: Columns of the runs table (for the plots' memory).
        values: Values of the resolved scenario (for a sweep point's memory).
    """

    sessions: int
    actors: int = 9
    issues: int = 9
    columns: int = 81
    values: int = 545

    @classmethod
    def of(cls, scn: Scenario) -> Size:
        """The sizes of a validated scenario."""
        from sim.scenario.uncertain import uncertain_inputs

        n_in = len(uncertain_inputs(scn))
        columns = 9 + len(scn.issues) + len(scn.actors) + len(scn.events) + len(scn.pressure) + n_in
        values = _leaves(scn.model_dump(mode="python", exclude_none=True))
        return cls(scn.sessions, len(scn.actors), len(scn.issues), columns, values)

    @property
    def weight(self) -> float:
        """What a replication-session costs relative to the baseline's (at least 1)."""
        return max(1.0, self.actors * self.issues / REFERENCE_CELLS)

    @property
    def trace_rows(self) -> int:
        """Rows of ``rounds.parquet`` per traced replication (the opening session included)."""
        return (self.sessions + 1) * (self.actors + 1) * self.issues

    def replication_bytes(self) -> int:
        """Memory one replication takes in the engine: its draws, state and trace arrays."""
        a, i, t = self.actors, self.issues, self.sessions
        return 8 * (2 * t * (a * i + 5 * a + 3) + 64 * a * i + (t + 1) * (a * i + 2 * i + 8 * a))


def _leaves(x: Any) -> int:
    if isinstance(x, dict):
        return sum(_leaves(v) for v in x.values()) or 1
    if isinstance(x, list | tuple):
        return sum(_leaves(v) for v in x) or 1
    return 1


def chunk_for(size: Size, default: int) -> int:
    """Replications per chunk: ``default``, fewer when one replication is large."""
    return max(1, min(int(default), CHUNK_MEMORY // max(size.replication_bytes(), 1)))


@dataclass(frozen=True)
class Estimate:
    """The size of a request: work, time, peak memory and what the memory is made of.

    Attributes:
        work: Weighted replication-sessions (see :data:`WORK_LIMIT`).
        seconds: Rough time on one core.
        memory: Rough peak memory in bytes.
        parts: ``(part, what, bytes, how to lower it)`` for the parts of ``memory`` that grow
            with the request, largest first; ``part`` is ``trace``, ``plots``, ``held``,
            ``points``, ``point`` or ``chunk``.
        replications: Replications in all.
        how: How the work adds up (``2,000 runs x 12 sessions``).
    """

    work: int
    seconds: float
    memory: int
    parts: tuple[tuple[str, str, int, str], ...] = field(default=())
    replications: int = 0
    how: str = ""

    def text(self) -> str:
        """The estimate in words."""
        how = f" ({self.how})" if self.how else ""
        return (f"{self.work:,} replication-sessions of work{how}, {_duration(self.seconds)} on "
                f"one core, and about {_bytes(self.memory)} of memory")


def _duration(seconds: float) -> str:
    if seconds >= 2 * 365 * 86400:
        return f"about {seconds / (365 * 86400):,.0f} years"
    if seconds >= 2 * 86400:
        return f"about {seconds / 86400:,.0f} days"
    if seconds >= 3600:
        return f"about {seconds / 3600:,.1f} hours"
    return f"about {max(seconds / 60, 1):,.0f} min"


def _bytes(n: float) -> str:
    if n >= 1024**3:
        return f"{n / 1024**3:,.1f} GiB"
    return f"{n / 1024**2:,.0f} MiB"


def estimate(replications: int, sessions: int, *, size: Size | None = None,
             trace_runs: int = 0, plots: bool = False, jobs: int = 1, points: int = 0,
             point_runs: int = 0, held: bool = False, chunk: int = 1000) -> Estimate:
    """The estimate for ``replications`` replications of ``sessions`` sessions.

    Args:
        replications: Replications in all (a sweep: points x runs per point).
        sessions: Sessions per replication.
        size: The scenario's sizes (default: the baseline's, with ``sessions``).
        trace_runs: Replications traced round by round.
        plots: Whether the plots read the runs table whole.
        jobs: Worker processes.
        points: Sweep points (each holds a scenario and costs :data:`POINT_WORK`).
        point_runs: Replications of a sweep point, held until the point's file is written.
        held: Whether the whole runs table is held in memory (``compare``).
        chunk: Replications per chunk (before :func:`chunk_for` shrinks it).
    """
    size = Size(int(sessions)) if size is None else size
    reps = int(replications)
    work = math.ceil(reps * int(sessions) * size.weight) + int(points) * POINT_WORK
    how = f"{reps:,} runs x {int(sessions):,} sessions"
    if size.weight > 1:
        how += f" x {size.weight:,.1f} for {size.actors:,} actors x {size.issues:,} issues"
    if points:
        how += f", plus {int(points):,} points x {POINT_WORK:,} for building each point"
    parts: list[tuple[str, str, int, str]] = []
    if trace_runs:
        rows = int(trace_runs) * size.trace_rows
        parts.append(("trace", f"the round-by-round trace of {int(trace_runs):,} runs "
                      f"({rows:,} rows of rounds.parquet)", rows * TRACE_BYTES_PER_ROW,
                      "trace fewer runs with --trace-runs N (0 for none)"))
    if plots:
        parts.append(("plots", f"the plots, which read the table of {reps:,} runs whole",
                      reps * size.columns * PLOT_BYTES_PER_VALUE, "leave them out with --no-plots"))
    if held:
        parts.append(("held", f"the table of {reps:,} runs, held whole in memory",
                      reps * size.columns * PLOT_BYTES_PER_VALUE, "lower --runs"))
    if points:
        parts.append(("points", f"{int(points):,} sweep points, each with its scenario",
                      int(points) * (size.values * POINT_BYTES_PER_VALUE + POINT_BYTES),
                      "run fewer points"))
    if point_runs:
        parts.append(("point", f"the {int(point_runs):,} runs of a point, held (two points at "
                      "a time) until the point's file is written",
                      2 * int(point_runs) * size.columns * PLOT_BYTES_PER_VALUE,
                      "lower runs_per_point"))
    per_chunk = chunk_for(size, chunk) * size.replication_bytes()
    procs = int(jobs) if jobs > 1 else 0
    parts.append(("chunk", f"the worker processes and the replications they simulate "
                  f"({max(int(jobs), 1):,} at a time)",
                  max(procs, 1) * per_chunk + procs * WORKER_MEMORY, "use fewer --jobs"))
    memory = BASE_MEMORY + sum(p[2] for p in parts)
    parts.sort(key=lambda p: -p[2])
    return Estimate(work, work / SESSIONS_PER_SECOND, memory, tuple(parts), reps, how)


def physical_memory() -> int | None:
    """This machine's memory in bytes, where the system says."""
    import os

    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):  # pragma: no cover - not POSIX
        return None


def too_large(what: str, est: Estimate, sources: Mapping[str, str] | None = None,
              allow_large: bool = False) -> str | None:
    """The refusal message when ``est`` is above the budget, else None.

    With ``allow_large`` the limits are lifted, but not the machine: a request whose memory
    estimate exceeds the machine's memory is still refused (it could only be killed).

    Args:
        what: the flag or key that asked for the work, as the user wrote it (e.g. ``--runs
            1000000000``).
        est: from :func:`estimate`.
        sources: the flag or key behind each part of the memory (``trace``, ``plots``,
            ``points``, ``chunk``) when it is not ``what`` (e.g. ``{"trace": "--trace-runs
            100000"}``).
        allow_large: The user insists (``--allow-large``).
    """
    if allow_large:
        ram = physical_memory()
        if ram is None or est.memory <= ram:
            return None
        part, name, amount, fix = est.parts[0]
        return (f"{(sources or {}).get(part, what)}: about {_bytes(est.memory)} of memory at the "
                f"peak, more than this machine has ({_bytes(ram)}), even with --allow-large; "
                f"most of it ({_bytes(amount)}) is {name}: {fix}")
    limit = "; the limits are in the README, 'Limits'; pass --allow-large to run it anyway"
    if est.work > WORK_LIMIT:
        return (f"{what}: {est.text()}, above the limit of {WORK_LIMIT:,} replication-sessions "
                f"({_duration(WORK_LIMIT / SESSIONS_PER_SECOND)} on one core){limit}")
    if est.memory > MEMORY_LIMIT:
        part, name, amount, fix = est.parts[0]
        source = (sources or {}).get(part, what)
        return (f"{source}: about {_bytes(est.memory)} of memory at the peak, above the limit "
                f"of {_bytes(MEMORY_LIMIT)}; most of it ({_bytes(amount)}) is {name}: "
                f"{fix}{limit}")
    return None
