"""Run a scenario file end to end: load, simulate, write the result folder, draw the plots.

The CLI's ``run`` command is a thin wrapper around :func:`run_scenario`; notebooks can call it
directly.
"""

from __future__ import annotations

import hashlib
import platform
import shlex
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import sim
from sim.engine.runner import RunResult, simulate
from sim.results import summarise, write_run_dir
from sim.results.store import check_target
from sim.scenario import load_scenario, resolved_yaml

KEY_PACKAGES = ("numpy", "pandas", "pyarrow", "mesa", "pydantic", "matplotlib", "pyyaml", "scipy")


@dataclass
class RunReport:
    """What a finished run hands back to its caller."""

    path: Path
    summary: dict
    elapsed: float
    result: RunResult
    plots: list[Path]


def package_versions() -> dict[str, str]:
    """Versions of the packages that shape the numbers."""
    out = {"python": platform.python_version(), "ceasefire-sim": sim.__version__}
    for name in KEY_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def scenario_meta(scn, result: RunResult) -> dict:
    """The meta dict the results layer and plots need (see :mod:`sim.results.meta`)."""
    return {
        "name": scn.name, "title": scn.title, "runs": result.n_runs, "seed": result.seed,
        "engine": result.engine, "protocol": scn.negotiation.protocol,
        "trace_runs": min(result.trace_runs, result.n_runs),
        "max_rounds": scn.negotiation.max_rounds,
        "battlefield_sides": list(scn.battlefield.sides) if scn.battlefield else [],
        "issues": {
            iid: {"label": iss.label, "anchors": {f"{k:g}": v for k, v in iss.anchors.items()},
                  "track": iss.track, "decides_ceasefire": iss.decides_ceasefire,
                  "ceasefire_threshold": iss.ceasefire_threshold}
            for iid, iss in scn.issues.items()
        },
        "actors": {aid: {"name": act.name, "role": act.role} for aid, act in scn.actors.items()},
    }


def run_scenario(
    path: str | Path,
    *,
    overrides: list[str] = (),
    runs: int | None = None,
    seed: int | None = None,
    out: str | Path | None = None,
    root: str | Path = "results",
    engine: str = "vector",
    jobs: int = 1,
    force: bool = False,
    plots: bool = True,
    trace_runs: int | None = None,
    progress=None,
    command: str | None = None,
) -> RunReport:
    """Load ``path``, run it, write a new result folder and (optionally) its plots.

    Raises:
        ScenarioError: the scenario or an override is wrong.
        ResultsError: the output folder cannot be used (e.g. it exists and ``force`` is off).
    """
    started = datetime.now(UTC)
    scn = load_scenario(path, overrides=list(overrides))
    if out is not None:  # refuse an unusable output folder before spending time on the runs
        check_target(Path(out), force)
    else:
        check_target(Path(root) / scn.name / "new", False)
    result = simulate(scn, runs=runs, seed=seed, engine=engine, jobs=jobs,
                      trace_runs=trace_runs, progress=progress)
    # the saved scenario reproduces this run on its own: its seed and runs are the ones used
    scn = scn.model_copy(update={"seed": result.seed, "runs": result.n_runs})
    meta = scenario_meta(scn, result)
    text = Path(path).read_bytes()
    resolved = resolved_yaml(scn)
    if scn.negotiation.protocol == "expected_utility":
        engine = "vector"  # the expected utility model has a single, vectorised implementation
    manifest = {
        "package": "ceasefire-sim", "version": sim.__version__, "seed": result.seed,
        "runs": result.n_runs, "engine": engine, "jobs": jobs, "protocol": meta["protocol"],
        "command": command or shlex.join(sys.argv), "scenario_file": str(Path(path)),
        "scenario_sha256": hashlib.sha256(text).hexdigest(),
        "resolved_scenario_sha256": hashlib.sha256(resolved.encode("utf-8")).hexdigest(),
        "overrides": list(overrides),
        "trace_runs": meta["trace_runs"], "started": started.isoformat(),
        "finished": datetime.now(UTC).isoformat(), "elapsed_seconds": round(result.elapsed, 3),
        "versions": package_versions(),
    }
    drawn: list[Path] = []

    def draw_plots(tmp: Path) -> None:
        # drawn into the temporary folder, so a folder is only published with its plots
        from sim.plots import draw_all

        drawn.extend(draw_all(tmp))

    folder = write_run_dir(out, root=root, scenario_name=scn.name, seed=result.seed,
                           runs_df=result.runs, rounds_df=result.rounds, meta=meta,
                           scenario_yaml=resolved, manifest=manifest, force=force,
                           before_publish=draw_plots if plots else None)
    drawn = [folder / "plots" / p.name for p in drawn]
    return RunReport(folder, summarise(result.runs, meta), result.elapsed, result, drawn)
