"""A work budget: refuse, before anything starts, a request too large to finish or to hold.

A run is ``replications x sessions`` replication-sessions of work; a sweep is that times its
points. Above :data:`WORK_LIMIT` (or when the run tables it would hold in memory exceed
:data:`MEMORY_LIMIT`), the CLI exits 2 naming the flag or key that asked for it, the estimate
and how to insist (``--allow-large``). The estimates use rates measured in this repository
(``benchmarks/README.md``): they say roughly how long, not exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Replication-sessions above which a request must be confirmed with ``--allow-large``:
#: 50 million, about 4 million runs of the 12-session baseline (about half an hour on two
#: cores at the measured rate below).
WORK_LIMIT = 50_000_000

#: Replications per second per core on the baseline (12 sessions), vector engine, measured
#: (``benchmarks/bench_engines.py``: ~2,000/s): 24,000 replication-sessions per second.
SESSIONS_PER_SECOND = 24_000

#: Bytes a replication's row of the run table takes in memory until it is written (measured
#: on the baseline: about 1 KB), and the largest run table held without ``--allow-large``.
BYTES_PER_RUN = 1_000
MEMORY_LIMIT = 4 * 1024**3


@dataclass(frozen=True)
class Estimate:
    """The size of a request: work in replication-sessions, time and memory estimates."""

    work: int
    seconds: float
    memory: int

    def text(self) -> str:
        """The estimate in words."""
        hours = self.seconds / 3600
        when = f"about {hours:,.1f} hours" if hours >= 1 else f"about {self.seconds / 60:,.0f} min"
        return (f"{self.work:,} replication-sessions ({when} on one core) and about "
                f"{self.memory / 1024**3:,.1f} GiB of run tables")


def estimate(replications: int, sessions: int) -> Estimate:
    """The estimate for ``replications`` replications of ``sessions`` sessions."""
    work = int(replications) * int(sessions)
    return Estimate(work, work / SESSIONS_PER_SECOND, int(replications) * BYTES_PER_RUN)


def too_large(what: str, est: Estimate) -> str | None:
    """The refusal message when ``est`` is above the budget, else None.

    Args:
        what: the flag or key that asked for the work, as the user wrote it (e.g. ``--runs
            1000000000``).
        est: from :func:`estimate`.
    """
    if est.work <= WORK_LIMIT and est.memory <= MEMORY_LIMIT:
        return None
    return (f"{what}: {est.text()}, above the limit of {WORK_LIMIT:,} replication-sessions "
            f"or {MEMORY_LIMIT / 1024**3:.0f} GiB; pass --allow-large to run it anyway")
