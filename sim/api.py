"""The public Python API: load a scenario, run it, look at the result, save and plot it.

Everything the command line does goes through these functions, so a notebook gets the same
numbers as ``ceasefire run`` for the same seed::

    import sim

    scn = sim.load("scenarios/istanbul_2025.yaml", overrides=["battlefield.edge.mean=0.3"])
    res = sim.run(scn, runs=500, seed=1)
    res.summary["outcomes"]["partial"]["share"]
    res.runs.groupby("outcome").size()
    res.plot("results/my-run")   # saves the result folder there, then draws its figures
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sim.engine.runner import RunResult, simulate
from sim.experiment import check_output, save_run, scenario_meta
from sim.results import summarise
from sim.scenario import Scenario, load_scenario
from sim.scenario import at_means as means_of


def load(path: str | Path, overrides: Sequence[str] | None = None) -> Scenario:
    """Load and validate a scenario file, with optional ``KEY=VALUE`` overrides.

    Raises:
        ScenarioError: the file or an override is wrong (the message names file, line and key).
    """
    return load_scenario(path, overrides=list(overrides or ()))


class Result:
    """The outcome of :func:`run`: tables, summary, and how to save and plot them.

    Attributes:
        path: the result folder once saved (``None`` before).
    """

    def __init__(self, run: RunResult, source: Path | None = None,
                 at_means: bool = False) -> None:
        self._run = run
        self._source = source
        self._at_means = at_means
        self.path: Path | None = None

    def __repr__(self) -> str:
        return (f"Result({self.scenario.name!r}, runs={self.n_runs}, seed={self.seed}, "
                f"engine={self.engine!r}, path={self.path})")

    @property
    def scenario(self) -> Scenario:
        """The scenario that ran."""
        return self._run.scenario

    @property
    def runs(self) -> pd.DataFrame:
        """One row per replication (``runs.parquet``)."""
        return self._run.runs

    @property
    def rounds(self) -> pd.DataFrame:
        """One row per traced run x round x actor x issue (``rounds.parquet``)."""
        return self._run.rounds

    @property
    def sessions(self) -> pd.DataFrame:
        """One row per traced run x session (``sessions.parquet``)."""
        return self._run.sessions

    @property
    def seed(self) -> int:
        """The master seed."""
        return self._run.seed

    @property
    def n_runs(self) -> int:
        """The number of replications."""
        return self._run.n_runs

    @property
    def engine(self) -> str:
        """The engine asked for."""
        return self._run.engine

    @property
    def elapsed(self) -> float:
        """Seconds of simulation."""
        return self._run.elapsed

    @property
    def summary(self) -> dict[str, Any]:
        """Outcome shares with 95% intervals and term summaries, as in ``summary.json``."""
        return summarise(self.runs, scenario_meta(self.scenario, self._run))

    def save(self, folder: str | Path | None = None, *, root: str | Path = "results",
             force: bool = False, plots: bool = False) -> Path:
        """Write the result folder (default ``root/<scenario>/<UTC time>-s<seed>/``).

        Args:
            folder: the folder to write; it must not exist (or be empty), unless ``force`` and
                it is an earlier result folder.
            root: output root for the default folder.
            force: replace an earlier result folder.
            plots: also draw the figures into its ``plots/``.

        Raises:
            ResultsError: the folder cannot be used.
        """
        return self._save(folder, root=root, force=force, plots=plots)[0]

    def _save(self, folder: str | Path | None, *, root: str | Path = "results",
              force: bool = False, plots: bool = False) -> tuple[Path, list[Path]]:
        check_output(folder, root, self.scenario.name, force)
        self.path, drawn = save_run(self._run, out=folder, root=root, force=force, plots=plots,
                                    scenario_path=self._source, command="sim.Result.save",
                                    at_means=self._at_means)
        return self.path, drawn

    def plot(self, folder: str | Path | None = None, **save_options: Any) -> list[Path]:
        """Draw the figures from the saved files; save the result first if needed.

        With no ``folder``, the figures go into the folder this result was saved to (or, if it
        was not saved, a new default folder). A new folder is written with its figures and only
        then published, like ``ceasefire run``. ``save_options`` are those of :meth:`save`.
        Returns the PNG files written.
        """
        from sim.plots import draw_all

        if self.path is not None and (folder is None or Path(folder) == self.path):
            return draw_all(self.path)
        return self._save(folder, plots=True, **save_options)[1]


def run(
    scenario: Scenario | str | Path,
    runs: int | None = None,
    seed: int | None = None,
    engine: str = "vector",
    jobs: int = 1,
    *,
    overrides: Sequence[str] | None = None,
    trace_runs: int | None = None,
    progress: Callable[[int], None] | None = None,
    at_means: bool = False,
) -> Result:
    """Run a scenario ``runs`` times (default: the scenario's ``runs`` and ``seed``).

    Args:
        scenario: a loaded :class:`Scenario`, or the path of a scenario file.
        runs: replications.
        seed: master seed; replication k always uses the same stream whatever ``jobs``.
        engine: ``vector`` (default; ``numpy`` is the same engine), ``mesa`` (one Mesa model
            per replication) or ``compiled`` (the round fused into numba kernels; the
            ``[compiled]`` extra; the same results).
        jobs: worker processes (1 = in this process).
        overrides: ``KEY=VALUE`` overrides when ``scenario`` is a path.
        trace_runs: replications with per-round trajectories (default: up to 1,000).
        progress: called with the number of replications finished after each chunk.
        at_means: run every uncertain input at its prior's mean (``ceasefire run
            --at-means``), so that what varies between replications is simulation noise alone.
    """
    source = None
    if not isinstance(scenario, Scenario):
        source = Path(scenario)
        scenario = load(source, overrides)
    elif overrides:
        raise ValueError("overrides apply to a scenario file; pass them to sim.load instead")
    if at_means:
        scenario = means_of(scenario)
    res = simulate(scenario, runs=runs, seed=seed, engine=engine, jobs=jobs,
                   trace_runs=trace_runs, progress=progress)
    return Result(res, source, at_means)
