"""Run a scenario file end to end: load, simulate, write the result folder, draw the plots.

The CLI's ``run`` command is a thin wrapper around :func:`run_scenario`; notebooks can call it
directly.
"""

from __future__ import annotations

import functools
import hashlib
import shlex
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sim
from sim.engine.runner import RunResult, simulate
from sim.protocols import get as get_protocol
from sim.results import write_run_dir
from sim.results.provenance import package_versions
from sim.results.store import RunDirWriter, check_target, read_runs
from sim.scenario import Scenario, load_scenario, resolve_scenario_path, resolved_yaml
from sim.scenario import at_means as means_of


@dataclass
class RunReport:
    """What a finished run hands back to its caller."""

    path: Path
    summary: dict
    elapsed: float
    result: RunResult
    plots: list[Path]


def scenario_meta(scn: Scenario, result: RunResult) -> dict[str, Any]:
    """The meta dict the results layer and plots need (see :mod:`sim.results.meta`)."""
    return {
        "name": scn.name, "title": scn.title, "runs": result.n_runs, "seed": result.seed,
        "engine": result.engine, "protocol": scn.negotiation.protocol,
        "trace_runs": min(result.trace_runs, result.n_runs),
        "max_rounds": scn.sessions,
        "battlefield_sides": list(scn.battlefield.sides) if scn.battlefield else [],
        "durability_days": scn.outcomes.durability.days,
        "issues": {
            iid: {"label": iss.label, "anchors": {f"{k:g}": v for k, v in iss.anchors.items()},
                  "track": iss.track, "decides_ceasefire": iss.decides_ceasefire,
                  "ceasefire_threshold": iss.ceasefire_threshold,
                  "exchanged": scn.humanitarian is not None and scn.humanitarian.issue == iid}
            for iid, iss in scn.issues.items()
        },
        "actors": {aid: {"name": act.name, "role": act.role} for aid, act in scn.actors.items()},
    }


def save_run(
    result: RunResult,
    *,
    out: str | Path | None = None,
    root: str | Path = "results",
    force: bool = False,
    plots: bool = True,
    scenario_path: str | Path | None = None,
    overrides: Sequence[str] = (),
    jobs: int = 1,
    command: str | None = None,
    started: datetime | None = None,
    at_means: bool = False,
    writer: RunDirWriter | None = None,
) -> tuple[Path, list[Path]]:
    """Write a run as a new result folder (and its plots); return the folder and the plots.

    Args:
        result: what :func:`sim.engine.runner.simulate` returned.
        out: the folder to write; default ``root/<scenario name>/<UTC time>-s<seed>/``.
        root: output root for the default folder.
        force: replace ``out`` if it is an earlier result folder.
        plots: draw the figures (inside the temporary folder, before it is published).
        scenario_path: the scenario file, recorded with its checksum in the manifest.
        overrides, jobs, command, started, at_means: recorded in the manifest.
        writer: the folder the runs were streamed into (``simulate(..., runs_sink=
            writer.add_runs)``); it is finished and published (``out``, ``root`` and
            ``force`` are then the writer's). Without one, ``result.runs`` is written.

    Raises:
        ResultsError: the output folder cannot be used.
    """
    # the saved scenario reproduces this run on its own: its seed and runs are the ones used
    scn = result.scenario.model_copy(update={"seed": result.seed, "runs": result.n_runs})
    meta = scenario_meta(scn, result)
    resolved = resolved_yaml(scn)
    engine = result.engine
    if not get_protocol(scn.negotiation.protocol).mesa:
        engine = "vector"  # a protocol the Mesa engine does not run ran on the vector engine
    finished = datetime.now(UTC)
    manifest = {
        "package": "ceasefire-sim", "version": sim.__version__, "seed": result.seed,
        "runs": result.n_runs, "engine": engine, "jobs": jobs, "protocol": meta["protocol"],
        "command": command or shlex.join(sys.argv),
        "scenario_file": None if scenario_path is None else str(Path(scenario_path)),
        "scenario_sha256": None if scenario_path is None else hashlib.sha256(
            Path(scenario_path).read_bytes()).hexdigest(),
        "resolved_scenario_sha256": hashlib.sha256(resolved.encode("utf-8")).hexdigest(),
        "overrides": list(overrides), "at_means": at_means,
        "trace_runs": meta["trace_runs"], "started": (started or finished).isoformat(),
        "finished": finished.isoformat(), "elapsed_seconds": round(result.elapsed, 3),
        "versions": package_versions(),
    }
    drawn: list[Path] = []

    def draw_plots(tmp: Path) -> None:
        # drawn into the temporary folder, so a folder is only published with its plots
        from sim.plots import draw_all

        drawn.extend(draw_all(tmp))

    before = draw_plots if plots else None
    if writer is None:
        folder = write_run_dir(out, root=root, scenario_name=scn.name, seed=result.seed,
                               runs_df=result.runs, rounds_df=result.rounds,
                               sessions_df=result.sessions, meta=meta,
                               scenario_yaml=resolved, manifest=manifest, force=force,
                               before_publish=before)
    else:
        folder = writer.publish(rounds_df=result.rounds, sessions_df=result.sessions,
                                meta=meta, scenario_yaml=resolved, manifest=manifest,
                                before_publish=before)
    return folder, [folder / "plots" / p.name for p in drawn]


def run_budget(scn: Scenario, path: str | Path, *, runs: int | None = None,
               overrides: Sequence[str] = (), trace_runs: int | None = None,
               plots: bool = True, jobs: int = 1, allow_large: bool = False) -> str | None:
    """Why a run of ``scn`` is above the work budget (:mod:`sim.scenario.budget`), or None.

    The message names the flag or key that asked for the work (``--runs N``, ``--set runs=N``
    or the file's ``runs:`` with its line), the estimate, what to change and ``--allow-large``.

    Args:
        scn: The loaded scenario (with ``overrides`` applied).
        path: Its file, for the messages.
        runs, trace_runs, plots, jobs: As given to :func:`run_scenario` (None: the defaults).
        overrides: The ``--set`` overrides, for the messages.
        allow_large: Lift the limits (not the machine's memory).
    """
    from sim.engine.runner import DEFAULT_TRACE_RUNS
    from sim.scenario.budget import Size, estimate, too_large
    from sim.scenario.loader import key_origin

    n = int(runs if runs is not None else scn.runs)
    traced = min(n, DEFAULT_TRACE_RUNS if trace_runs is None else int(trace_runs))
    size = Size.of(scn)
    est = estimate(n, scn.sessions, size=size, trace_runs=traced, plots=plots, jobs=jobs)
    shown = str(path)
    if runs is not None:
        what = f"--runs {runs}"
    else:
        what = key_origin(path, "runs", overrides)
        what += "" if what.startswith("--set") else f" {n:,}"
    shape = (f"{scn.sessions} sessions x {size.actors + 1} actors (with the text) x "
             f"{size.issues} issues")
    sources = {
        "trace": (f"--trace-runs {trace_runs}" if trace_runs is not None else
                  f"{shown}: the default trace of the first {traced:,} runs ({shape})"),
        "plots": f"{what} with plots",
        "chunk": (f"--jobs {jobs}" if jobs > 1 else
                  f"{shown}: a replication of {scn.sessions} sessions x {size.actors} actors x "
                  f"{size.issues} issues"),
    }
    return too_large(what, est, sources, allow_large)


def folder_tag(overrides: Sequence[str], at_means: bool = False) -> str:
    """What the default folder's name adds for a changed scenario: ``set-<hash>``, ``means``.

    ``set-3f9a1c`` is the first six hex digits of the SHA-256 of the ``--set`` overrides (one a
    line, in order), so runs with the same overrides share it and the baseline has none.
    """
    parts = []
    if overrides:
        digest = hashlib.sha256("\n".join(overrides).encode("utf-8")).hexdigest()
        parts.append(f"set-{digest[:6]}")
    if at_means:
        parts.append("means")
    return "-".join(parts)


def check_output(out: str | Path | None, root: str | Path, scenario_name: str,
                 force: bool) -> None:
    """Refuse an unusable output folder before any time is spent on the runs."""
    if out is not None:
        check_target(Path(out), force)
    else:
        check_target(Path(root) / scenario_name / "new", False)


def run_scenario(
    path: str | Path,
    *,
    overrides: Sequence[str] = (),
    runs: int | None = None,
    seed: int | None = None,
    out: str | Path | None = None,
    root: str | Path = "results",
    engine: str = "vector",
    jobs: int = 1,
    force: bool = False,
    plots: bool = True,
    trace_runs: int | None = None,
    progress: Callable[[int], None] | None = None,
    command: str | None = None,
    at_means: bool = False,
    loaded: Scenario | None = None,
) -> RunReport:
    """Load ``path``, run it, write a new result folder and (optionally) its plots.

    Args:
        path: the scenario file, or the name of a shipped scenario (``istanbul_2025``).
        loaded: the scenario already loaded from ``path`` with ``overrides`` (as the command
            line does, to size its progress bar), so that the file is read and validated once
            per run; by default it is loaded here.

    Raises:
        ScenarioError: the scenario or an override is wrong.
        ResultsError: the output folder cannot be used (e.g. it exists and ``force`` is off).
    """
    started = datetime.now(UTC)
    path = resolve_scenario_path(path)  # a shipped scenario's name -> its file
    scn = loaded if loaded is not None else load_scenario(path, overrides=list(overrides))
    if at_means:
        scn = means_of(scn)
    check_output(out, root, scn.name, force)
    seed_used = int(seed if seed is not None else scn.seed)
    # runs.parquet is written as the chunks finish: memory holds a few chunks, not the run
    with RunDirWriter(out, root=root, scenario_name=scn.name, seed=seed_used,
                      force=force, tag=folder_tag(overrides, at_means)) as writer:
        result = simulate(scn, runs=runs, seed=seed_used, engine=engine, jobs=jobs,
                          trace_runs=trace_runs, progress=progress, runs_sink=writer.add_runs)
        folder, drawn = save_run(result, plots=plots, scenario_path=path, overrides=overrides,
                                 jobs=jobs, command=command, started=started,
                                 at_means=at_means, writer=writer)
    result.runs_loader = functools.partial(read_runs, folder)
    assert writer.summary is not None
    return RunReport(folder, writer.summary, result.elapsed, result, drawn)
