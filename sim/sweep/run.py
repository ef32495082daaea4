"""Run a sweep: every design point is a Monte Carlo run of the base scenario with overrides.

Common random numbers: every point uses the sweep's seed as its master seed, so replication k
of every point draws the same random numbers (the same battlefield shocks, acceptance noise,
walkout draws and uncertain inputs). Differences between points then come from the parameters,
not from sampling noise, which makes neighbouring points comparable with far fewer
replications. Two caveats: each point's share is still a Monte Carlo estimate (hence its Wilson
interval), and the streams stay aligned only while every point has the same uncertain inputs and
``sessions`` (sweeping ``sessions`` changes how many numbers each replication
draws).

Work is sent as chunks of replications (``sim.engine.runner.run_chunk``), point after point,
:data:`IN_FLIGHT` per worker ahead of the results so every worker stays busy while the chunks
waiting in memory stay few, and a point is written to
``points/point-NNNNN.parquet`` as soon as its last chunk is back. ``points.parquet`` is always
built from those files, so a resumed sweep ends with exactly the table of an uninterrupted one.
"""

from __future__ import annotations

import itertools
import math
import shlex
import shutil
import sys
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import sim
from sim.engine.runner import default_chunk, iter_chunks, run_chunk
from sim.engine.workers import start_forkserver
from sim.results.folders import marker, replace_problem
from sim.results.store import default_run_dir
from sim.scenario import Scenario, ScenarioError, resolved_yaml
from sim.scenario.budget import MAX_POINTS, Size, estimate, too_large
from sim.scenario.tempnames import Writer, me, remove_stale, temp_name, writer_of
from sim.sweep import store
from sim.sweep.designs import design_points, point_count
from sim.sweep.errors import SweepError, SweepInterrupted
from sim.sweep.executors import Pool, open_executor
from sim.sweep.sensitivity import analyse
from sim.sweep.shares import SHARE_COLUMNS, share_row
from sim.sweep.spec import Sweep, base_data, load_sweep, with_overrides, yaml_value

Progress = Callable[[int, int], None]
"""Called as ``progress(replications_just_finished, replications_to_run)``."""
#: The most replications a sweep's task holds (the run's default chunk; fewer for a scenario
#: whose replications take much memory, :func:`sim.engine.runner.default_chunk`).
MAX_CHUNK = 1000
ENGINE = "vector"


def _check_budget(sweep: Sweep, allow_large: bool, jobs: int = 1) -> None:
    """Refuse, before any point is built, a sweep above the work budget (names the key).

    The points are counted from the parameters' levels (grid) or ``samples``, without building
    the design. Above :data:`~sim.scenario.budget.MAX_POINTS` the sweep is refused even with
    ``allow_large``: its points alone could not be held.
    """
    levels = {k: len(p.values) if p.values is not None else int(p.steps or 0)
              for k, p in sweep.parameters.items()}
    grid = sweep.design == "grid"
    points = (math.prod(levels.values()) if grid
              else point_count(sweep.design, len(sweep.parameters), sweep.samples))
    where = sweep.origins
    if grid:
        key = max(levels, key=lambda k: levels[k])
        sub = "values" if sweep.parameters[key].values is not None else "steps"
        at = where.get(f"parameters.{key}.{sub}") or where.get(f"parameters.{key}", str(sweep.file))
        shape = " x ".join(f"{n:,}" for n in levels.values())
        what = (f"{at}: parameters.{key}.{sub}: a grid of {shape} = {points:,} points "
                f"x runs_per_point {sweep.runs_per_point:,}")
    else:
        at = where.get("samples", f"{sweep.file}: (the default)")
        what = (f"{at}: samples {sweep.samples:,} ({sweep.design}, {len(levels)} parameters) = "
                f"{points:,} points x runs_per_point {sweep.runs_per_point:,}")
    if sweep.runs_per_point > points and "runs_per_point" in where:
        what = (f"{where['runs_per_point']}: runs_per_point {sweep.runs_per_point:,} x "
                f"{points:,} points")
    if points > MAX_POINTS:
        raise SweepError(f"{what}: more than the {MAX_POINTS:,} points a sweep can hold (each "
                         "is a scenario in memory), even with --allow-large; run fewer points")
    sessions: float = sweep.scenario.sessions
    if "sessions" in sweep.parameters:  # sweeping the sessions: the longest point counts
        p = sweep.parameters["sessions"]
        sessions = max([sessions, *(v for v in (p.values or (p.low, p.high))
                                    if isinstance(v, int | float) and not isinstance(v, bool))])
    size = Size.of(sweep.scenario)
    est = estimate(points * sweep.runs_per_point, int(sessions), size=size, points=points,
                   jobs=jobs, point_runs=sweep.runs_per_point)
    sources = {"point": (f"{where['runs_per_point']}: runs_per_point {sweep.runs_per_point:,}"
                         if "runs_per_point" in where else what)}
    if jobs > 1:
        sources["chunk"] = f"--jobs {jobs}"
    problem = too_large(what, est, sources, allow_large)
    if problem is not None:
        raise SweepError(problem)


def run_sweep(
    path: str | Path,
    out_dir: str | Path | None = None,
    *,
    root: str | Path = Path("results"),
    executor: str = "local",
    scheduler: str | None = None,
    jobs: int = 1,
    resume: str | Path | None = None,
    force: bool = False,
    progress: Progress | None = None,
    plots: bool = True,
    command: str | None = None,
    allow_large: bool = False,
) -> Path:
    """Run (or resume) the sweep in file ``path`` and return its folder.

    Args:
        path: The sweep YAML file.
        out_dir: Folder to write; default ``root/sweeps/<file stem>/<UTC time>-s<seed>/``.
        root: Output root for the default folder.
        executor: ``local`` or ``dask`` (see :func:`sim.sweep.executors.open_executor`).
        scheduler: Dask scheduler address (``tcp://host:8786``); default a local cluster.
        jobs: Worker processes (local pool or local Dask cluster); 1 = in this process.
        resume: A folder of an interrupted run of the same sweep: only its missing points run.
        force: Replace an existing non-empty ``out_dir`` (only an earlier sweep folder).
        progress: Called after each chunk, see :data:`Progress`.
        plots: Draw ``plots/`` at the end.
        command: The command line for the manifest (default: this process's ``sys.argv``).
        allow_large: Run a sweep above the work budget (:mod:`sim.scenario.budget`).

    Returns:
        The finished sweep folder.

    Raises:
        SweepError: The sweep file, a parameter value, the output folder or the resume folder
            is wrong (nothing has run yet).
        SweepInterrupted: Ctrl-C; finished points stay on disk for ``resume``.
    """
    if executor == "local" and jobs > 1:
        start_forkserver()  # its imports overlap the building of the points
    sweep = load_sweep(path)
    _check_budget(sweep, allow_large, jobs)
    design = design_points(sweep)
    scenarios = point_scenarios(sweep, design)
    if resume is not None:
        if out_dir is not None:
            raise SweepError("give either --resume DIR or --out DIR, not both")
        folder = _check_resume(Path(resume), sweep)
    else:
        folder = _check_new(sweep, out_dir, root, force)
    with open_executor(executor, jobs, scheduler) as pool:  # nothing is written before this
        if resume is None:
            _create(folder, sweep)
        else:
            store.write_text(folder / store.SWEEP_FILE, sweep.to_yaml())  # outputs may change
        manifest = _manifest(sweep, folder, len(design), command)
        todo = [k for k in range(len(design))
                if k not in store.finished_points(folder, len(design), sweep.runs_per_point)]
        w = me()
        session: dict[str, Any] = {"started": _now(), "points_to_run": len(todo),
                                   "executor": pool.info,
                                   "writer": {"host": w.host, "pid": w.pid, "start": w.start}}
        manifest["sessions"].append(session)
        manifest["status"] = "running"
        t0 = time.perf_counter()
        try:
            store.write_json(folder / store.MANIFEST_FILE, manifest)
            _run_points(pool, sweep, scenarios, todo, folder, progress, design)
        except KeyboardInterrupt:
            done = _stop(folder, manifest, session, len(design), sweep, "interrupted", t0)
            raise SweepInterrupted(folder, done, len(design)) from None
        except BaseException:
            _stop(folder, manifest, session, len(design), sweep, "failed", t0)
            raise
        session["elapsed_seconds"] = round(time.perf_counter() - t0, 3)
    try:
        finish(folder, sweep, design, manifest, plots=plots)
    except KeyboardInterrupt:
        done = _stop(folder, manifest, session, len(design), sweep, "interrupted", t0)
        raise SweepInterrupted(folder, done, len(design)) from None
    except BaseException:
        _stop(folder, manifest, session, len(design), sweep, "failed", t0)
        raise
    return folder


def point_scenarios(sweep: Sweep, design: pd.DataFrame) -> list[Scenario]:
    """The validated scenario of every point (the base scenario with the point's overrides).

    Equivalent to ``load_scenario(base, overrides=[...])`` per point, but the base file is read
    once: each point applies its overrides to a copy of the resolved base and validates that
    (reading YAML is most of the cost of loading a scenario).

    Raises:
        SweepError: Some point's values are refused by the scenario (listing the first few).
    """
    base = base_data(sweep.scenario)
    out: list[Scenario] = []
    problems: list[str] = []
    for k, row in enumerate(design.itertuples(index=False)):
        overrides = [f"{key}={yaml_value(v)}" for key, v in zip(design.columns, row, strict=True)]
        try:
            out.append(with_overrides(base, sweep.scenario_file, overrides))
        except ScenarioError as exc:
            problems.append(f"point {k} ({', '.join(overrides)}): " + "; ".join(exc.problems))
            if len(problems) >= 5:
                break
    if problems:
        raise SweepError([f"{sweep.file}: {p}" for p in problems], str(sweep.file))
    return out


def chunk_size(runs_per_point: int, points: int, workers: int, largest: int = MAX_CHUNK) -> int:
    """Replications per task: a whole point where it fits in ``largest``, else equal parts.

    A chunk's fixed costs (walking the scenario for its uncertain inputs, every round's NumPy
    calls, which cost the same for 50 rows as for 1,000) are paid per chunk, so a point is cut
    as little as possible: into the fewest chunks of at most ``largest`` replications, of equal
    size (300 runs are one chunk of 300, not 250 + 50). Points are cut further only when the
    sweep would otherwise give the workers fewer than two tasks each. The results do not
    depend on the chunks (each replication has its own stream).
    """
    n = max(runs_per_point, 1)
    parts = -(-n // max(largest, 1))
    if workers > 1:
        parts = max(parts, min(n, -(-2 * workers // max(points, 1))))
    return -(-n // parts)


#: Chunks handed to the executor ahead of the results, per worker: enough to keep every worker
#: busy, few enough that the chunks of a sweep of millions of replications are never all
#: waiting in memory at once.
IN_FLIGHT = 8


def _labelled(runs: pd.DataFrame, k: int, design: pd.DataFrame) -> pd.DataFrame:
    """Point ``k``'s replications with ``point`` and the point's parameter values in front.

    So that ``points/*.parquet`` read together (pandas, polars, duckdb) still say which point and
    which parameter values each row belongs to; the columns are those of ``points.parquet``.
    """
    row = design.iloc[k]
    front = {"point": np.full(len(runs), k, dtype=np.int64)}
    for col in design.columns:
        value = row[col]
        if design[col].dtype == object:  # structured levels: their YAML text, as points.parquet
            value = yaml_value(value)
        front[col] = np.full(len(runs), value)
    return pd.concat([pd.DataFrame(front), runs.reset_index(drop=True)], axis=1)


def _run_points(pool: Pool, sweep: Sweep, scenarios: list[Scenario], todo: list[int],
                folder: Path, progress: Progress | None, design: pd.DataFrame) -> None:
    n = sweep.runs_per_point
    largest = min((default_chunk(scenarios[k], MAX_CHUNK) for k in todo), default=MAX_CHUNK)
    size = chunk_size(n, len(todo), pool.workers, largest)
    n_parts = -(-n // size)
    total = n * len(todo)
    if pool.executor is None:
        for k in todo:
            frames = []
            for a, b in iter_chunks(n, size):
                frames.append(run_chunk(scenarios[k], sweep.seed, a, b, ENGINE, 0)[0])
                if b == n:
                    store.write_point(folder, k, _labelled(pd.concat(frames, ignore_index=True),
                                                           k, design))
                if progress:
                    progress(b - a, total)
        return
    executor = pool.executor
    work = ((k, a, b) for k in todo for a, b in iter_chunks(n, size))  # in point order
    pending: dict[Future, tuple[int, int]] = {}
    got: dict[int, dict[int, pd.DataFrame]] = {}
    window = IN_FLIGHT * max(pool.workers, 1)

    def submit() -> None:
        for k, a, b in itertools.islice(work, max(window - len(pending), 0)):
            fut = executor.submit(run_chunk, scenarios[k], sweep.seed, a, b, ENGINE, 0)
            pending[fut] = (k, a)

    try:
        submit()
        while pending:
            finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for fut in finished:
                k, a = pending.pop(fut)
                got.setdefault(k, {})[a] = runs = fut.result()[0]
                if len(got[k]) == n_parts:
                    done = got.pop(k)
                    store.write_point(folder, k, _labelled(
                        pd.concat([done[s] for s in sorted(done)], ignore_index=True), k, design))
                if progress:
                    progress(len(runs), total)
            submit()
    finally:
        for fut in pending:
            fut.cancel()


def points_table(folder: Path, sweep: Sweep, design: pd.DataFrame) -> pd.DataFrame:
    """``points.parquet``: one row per point, read from the point files, sorted by point."""
    rows = []
    for k in range(len(design)):
        runs = store.read_point(folder, k, columns=list(SHARE_COLUMNS))
        rows.append({"point": k, **share_row(runs, sweep.outputs)})
    shares = pd.DataFrame(rows)
    params = design.reset_index(drop=True).copy()
    for col in params.columns:
        if params[col].dtype == object:  # mixed or structured levels: keep their YAML text
            params[col] = params[col].map(yaml_value).astype("str")
    table = pd.concat([shares[["point"]], params, shares.drop(columns="point")], axis=1)
    table["point"] = table["point"].astype("int64")
    table["runs"] = table["runs"].astype("int64")
    return table


def finish(folder: Path, sweep: Sweep, design: pd.DataFrame, manifest: dict[str, Any], *,
           plots: bool = True) -> None:
    """Write ``points.parquet``, ``sensitivity.parquet``, ``plots/`` and the final manifest."""
    table = points_table(folder, sweep, design)
    store.write_table(folder / store.POINTS_FILE, table)
    bounds = sweep.bounds() if sweep.sampled else {}
    sens = analyse(sweep.design, table, bounds, sweep.outputs, sweep.seed)
    if sens is not None:
        store.write_table(folder / store.SENSITIVITY_FILE, sens)
    manifest["points_done"] = len(design)
    manifest["finished"] = _now()
    manifest["sessions"][-1]["finished"] = manifest["finished"]
    manifest["files"] = [f for f in (store.SWEEP_FILE, store.SCENARIO_FILE, store.POINTS_FILE,
                                     store.SENSITIVITY_FILE) if (folder / f).is_file()]
    if plots:
        from sim.sweep.plots import plot_sweep

        tmp = temp_name(folder / store.PLOTS_DIR, "tmp")  # names its writer (tempnames)
        try:
            plot_sweep(folder, out=tmp, complete=False)
            store.replace_dir(tmp, folder / store.PLOTS_DIR)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        manifest["plots"] = sorted(p.name for p in (folder / store.PLOTS_DIR).glob("*.png"))
    manifest["status"] = "complete"
    store.write_json(folder / store.MANIFEST_FILE, manifest)


# --- folders and manifest -----------------------------------------------------------------


def _check_new(sweep: Sweep, out_dir: str | Path | None, root: str | Path,
               force: bool) -> Path:
    """The new sweep folder, checked but not created yet (stale temporaries nearby cleaned)."""
    if out_dir is None:
        folder = default_run_dir(Path(root) / "sweeps", sweep.name, sweep.seed).absolute()
        _clean_siblings(folder.parent)
        return folder
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise SweepError(f"output path {folder} exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        if not force:
            raise SweepError(
                f"output folder {folder} exists and is not empty; choose another --out, "
                f"continue that sweep with --resume {folder}, or replace it with --force")
        problem = replace_problem(folder, "sweep")
        if problem is not None:
            raise SweepError(problem)
        _refuse_live_writer(folder, store.read_manifest(folder), "replace")
    _clean_siblings(folder.absolute().parent)
    return folder.absolute()


def _clean_siblings(parent: Path) -> None:
    """Remove what killed sweeps left in ``parent`` and in the sweep folders it holds."""
    remove_stale(parent)
    try:
        siblings = [p for p in parent.iterdir() if p.is_dir() and not p.name.startswith(".")]
    except OSError:
        return
    for sibling in siblings:
        if store.is_sweep_dir(sibling):
            store.clean_stale(sibling)


def _refuse_live_writer(folder: Path, manifest: dict[str, Any], doing: str) -> None:
    """Refuse to touch a sweep folder that a live process is running now."""
    if manifest.get("status") != "running" or not manifest.get("sessions"):
        return
    w = manifest["sessions"][-1].get("writer")
    if not isinstance(w, dict):
        return  # written before writers were recorded
    try:
        writer = Writer(str(w["host"]), int(w["pid"]), int(w["start"]))
    except (KeyError, TypeError, ValueError):
        return
    if writer != me() and writer.alive():
        raise SweepError(f"{folder}: the sweep is being run now by process {writer.pid}; cannot "
                         f"{doing} it while it runs")


def _create(folder: Path, sweep: Sweep) -> None:
    """Create the sweep folder (an earlier sweep there, accepted by --force, is removed)."""
    if folder.is_dir() and any(folder.iterdir()):
        problem = replace_problem(folder, "sweep")  # checked again: it may have changed
        if problem is not None:
            raise SweepError(problem)
        shutil.rmtree(folder)
    (folder / store.POINTS_DIR).mkdir(parents=True, exist_ok=True)
    store.write_text(folder / store.SWEEP_FILE, sweep.to_yaml())
    store.write_text(folder / store.SCENARIO_FILE, resolved_yaml(sweep.scenario))


def _check_resume(folder: Path, sweep: Sweep) -> Path:
    """The folder of an interrupted run of the same sweep (stale temporaries cleaned)."""
    old = store.read_manifest(folder)
    if old.get("points_hash") != sweep.points_hash():
        raise SweepError(f"{folder} holds a different sweep: {_differences(old, sweep)}"
                         "; resume only with the sweep file (and base scenario) that started it")
    _refuse_live_writer(folder, old, "resume")
    folder = folder.absolute()
    (folder / store.POINTS_DIR).mkdir(exist_ok=True)
    store.clean_stale(folder)
    for stale in (folder / store.POINTS_DIR).glob(".point-*.tmp-*"):  # left by a killed run
        if writer_of(stale.name) is None:  # of a version that did not name its writer
            stale.unlink(missing_ok=True)
    return folder


def _differences(old: dict[str, Any], sweep: Sweep) -> str:
    new = sweep.resolved()
    before = old.get("spec", {})
    keys = [k for k in ("design", "samples", "seed", "runs_per_point", "parameters")
            if before.get(k) != new.get(k)]
    if old.get("scenario_sha256") != _scenario_hash(sweep):
        keys.append("the resolved base scenario")
    return "it differs in " + (", ".join(keys) if keys else "its recorded hash")


def _scenario_hash(sweep: Sweep) -> str:
    import hashlib

    return hashlib.sha256(resolved_yaml(sweep.scenario).encode("utf-8")).hexdigest()


def _manifest(sweep: Sweep, folder: Path, n_points: int, command: str | None) -> dict[str, Any]:
    path = folder / store.MANIFEST_FILE
    old = store.read_manifest(folder) if path.is_file() else {}
    from sim.results.provenance import package_versions

    versions = package_versions()
    for name in ("SALib", "dask", "distributed"):
        try:
            from importlib import metadata

            versions[name] = metadata.version(name)
        except Exception:  # noqa: BLE001 - optional packages
            versions[name] = "not installed"
    return {
        **marker(store.KIND),
        "package": "ceasefire-sim",
        "version": sim.__version__,
        "name": sweep.name,
        "status": old.get("status", "running"),
        "sweep_file": str(sweep.file),
        "scenario_file": str(sweep.scenario_file),
        "scenario_name": sweep.scenario.name,
        "scenario_title": sweep.scenario.title,
        "scenario_sha256": _scenario_hash(sweep),
        "points_hash": sweep.points_hash(),
        "spec": sweep.resolved(),
        "seed": sweep.seed,
        "design": sweep.design,
        "samples": sweep.samples,
        "runs_per_point": sweep.runs_per_point,
        "points": n_points,
        "points_done": old.get("points_done", 0),
        "engine": ENGINE,
        "common_random_numbers": True,
        "command": command or " ".join(shlex.quote(a) for a in sys.argv),
        "started": old.get("started", _now()),
        "finished": None,
        "sessions": list(old.get("sessions", [])),
        "versions": versions,
    }


def _stop(folder: Path, manifest: dict[str, Any], session: dict[str, Any], n_points: int,
          sweep: Sweep, status: str, t0: float) -> int:
    done = len(store.finished_points(folder, n_points, sweep.runs_per_point))
    manifest["status"] = status
    manifest["points_done"] = done
    session.update(finished=_now(), status=status,
                   elapsed_seconds=round(time.perf_counter() - t0, 3))
    store.write_json(folder / store.MANIFEST_FILE, manifest)
    return done


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def sweep(path: str | Path, out: str | Path | None = None, *, jobs: int = 1,
          executor: str = "local", resume: str | Path | None = None, force: bool = False,
          plots: bool = True, root: str | Path = "results") -> Path:
    """Run (or resume) the sweep file ``path``; return its folder (``points.parquet`` etc.).

    This is ``sim.sweep(...)`` of the public API. See :func:`run_sweep` for the options; read
    the folder back with :func:`sim.sweep.read_sweep_dir`.
    """
    return run_sweep(path, out, root=root, executor=executor, jobs=jobs, resume=resume,
                     force=force, plots=plots, command="sim.sweep")
