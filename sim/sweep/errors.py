"""Errors of the sweep layer."""

from __future__ import annotations

from pathlib import Path

from sim.scenario.errors import ScenarioError


class SweepError(ScenarioError):
    """A sweep file, its parameters or a sweep folder is wrong; the message says where and why.

    It is a :class:`~sim.scenario.ScenarioError`, so code that reports bad scenarios (exit
    status 2, one paragraph, no traceback) reports bad sweeps the same way.
    """


class SweepInterrupted(KeyboardInterrupt):  # noqa: N818 - it is a KeyboardInterrupt
    """The sweep was stopped (Ctrl-C); finished points are on disk and can be resumed.

    Attributes:
        folder: The sweep folder holding the finished points.
        done: Points finished so far.
        total: Points in the design.
    """

    def __init__(self, folder: Path, done: int, total: int) -> None:
        self.folder = folder
        self.done = done
        self.total = total
        super().__init__(f"sweep interrupted: {done} of {total} points finished in {folder}")
