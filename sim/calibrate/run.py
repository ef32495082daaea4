"""Run a calibration file: ABC on the fitted series, predictive checks, scores, a folder.

The folder (default ``results/calibrations/<file stem>/<UTC time>-s<seed>/``) holds::

    calibration.yaml     the resolved calibration file
    posterior.parquet    the last generation: particle, weight, distance, param.<key> ...
    generations.parquet  per generation: tolerance, simulations, acceptance rate, ESS
    predictive.parquet   per series, recorded session and fact: what happened and the prior
                         and posterior predictive probability
    summary.json         diagnostics, per-parameter intervals and contraction, held-out scores
    prior_posterior.png  marginals and pairs; predictive.png  the predictive checks
    manifest.json        provenance and the files' SHA-256 (written last)

It is written into a hidden ``.<name>.partial-<random>`` beside the target and renamed into
place only when complete, as a run folder is. Each finished generation is saved there
(``generations/gen-NNN.parquet``), so an interrupted calibration continues with ``--resume``
on the partial folder and ends with the posterior an uninterrupted one gives.
"""

from __future__ import annotations

import json
import secrets
import shlex
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

import sim
from sim.calibrate import abc
from sim.calibrate.scores import base_rate_forecast, base_rates, interval, predictive
from sim.calibrate.simulator import EngineSimulator, Series, prepare, run_series, series_seed
from sim.calibrate.spec import Calibration, load_calibration
from sim.results.errors import ResultsError
from sim.results.folders import kind_of, marker
from sim.results.store import (
    _move_into_place,
    _sha256,
    check_target,
    default_run_dir,
    write_parquet,
)
from sim.scenario import ScenarioError
from sim.scenario.budget import WORK_LIMIT, estimate
from sim.sweep import store

KIND = "calibration"
GEN_DIR = "generations"
POSTERIOR_FILE = "posterior.parquet"
FILES = ("calibration.yaml", POSTERIOR_FILE, "generations.parquet", "predictive.parquet",
         "summary.json")
#: A parameter whose 90% interval keeps more than this share of the prior's width is reported
#: as not constrained by the record.
UNCONSTRAINED = 0.8


class CalibrationInterrupted(Exception):
    """Ctrl-C during a calibration: the finished generations are kept for ``--resume``."""

    def __init__(self, folder: Path, done: int) -> None:
        super().__init__(f"interrupted after {done} generations; partial folder {folder}")
        self.folder, self.done = folder, done


@dataclass
class Outcome:
    """What :func:`run_calibration` returns: the folder and its summary."""

    path: Path
    summary: dict[str, Any]


def work_estimate(cal: Calibration, series: list[Series], held: list[Series]) -> Any:
    """The work of a calibration in replication-sessions, as :mod:`sim.scenario.budget` counts."""
    fit_sessions = sum(s.sessions for s in series)
    all_sessions = fit_sessions + sum(s.sessions for s in held)
    # every simulation runs each fitted series once; the predictive runs every series twice
    work = cal.spec.budget.max_simulations * fit_sessions + (
        2 * cal.spec.predictive_runs * all_sessions)
    return estimate(work, 1)


def check_budget(cal: Calibration, series: list[Series], held: list[Series],
                 allow_large: bool) -> None:
    """Refuse (exit 2) a calibration above the work budget unless ``allow_large``."""
    est = work_estimate(cal, series, held)
    if allow_large or est.work <= WORK_LIMIT:
        return
    raise ScenarioError(
        f"{cal.file}: budget.max_simulations {cal.spec.budget.max_simulations:,} x "
        f"{sum(s.sessions for s in series)} sessions of the fitted series = {est.work:,} "
        f"replication-sessions ({est.seconds / 60:,.0f} min on one core), above the limit of "
        f"{WORK_LIMIT:,}; pass --allow-large to run it anyway", str(cal.file))


def run_calibration(path: str | Path, out_dir: str | Path | None = None, *,
                    root: str | Path = Path("results"), executor: str = "local",
                    scheduler: str | None = None, jobs: int = 1,
                    resume: str | Path | None = None, force: bool = False,
                    allow_large: bool = False, plots: bool = True,
                    command: str | None = None,
                    say: Callable[[str], None] | None = None) -> Outcome:
    """Calibrate as the file ``path`` says and write the folder (see the module docstring).

    Raises:
        ScenarioError: The calibration file or a record is wrong, or the work is above the
            budget (nothing has run).
        ResultsError: The output or resume folder is wrong.
        CalibrationInterrupted: Ctrl-C; the partial folder keeps the finished generations.
    """
    from sim.sweep.executors import open_executor

    t0 = time.perf_counter()
    cal = load_calibration(path)
    facts = cal.spec.statistics.facts
    fit = [prepare(r, cal.prior, facts, series_seed(cal.spec.seed, i))
           for i, r in enumerate(cal.fit)]
    held = [prepare(r, cal.prior, facts, series_seed(cal.spec.seed, len(fit) + i))
            for i, r in enumerate(cal.hold_out)]
    check_budget(cal, fit, held, allow_large)
    if resume is not None:
        if out_dir is not None:
            raise ResultsError("give either --resume DIR or --out DIR, not both")
        tmp, target, done = _open_resume(Path(resume), cal)
    else:
        target = (Path(out_dir) if out_dir is not None else default_run_dir(
            Path(root) / "calibrations", cal.name, cal.spec.seed)).absolute()
        check_target(target, force, KIND)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.parent / f".{target.name}.partial-{secrets.token_hex(4)}"
        (tmp / GEN_DIR).mkdir(parents=True)
        done = []
    manifest: dict[str, Any] = {**marker(KIND), "status": "running", "target": str(target),
                "problem_sha256": cal.problem_hash(), "calibration_file": str(cal.file),
                "seed": cal.spec.seed, "method": cal.spec.method, "version": sim.__version__,
                "command": command or shlex.join(sys.argv), "started": _now(),
                "generations": [_gen_meta(g) for g in done]}
    store.write_json(tmp / "manifest.json", manifest)
    settings = abc.Settings(cal.spec.method, cal.spec.budget.particles,
                            cal.spec.budget.generations, cal.spec.budget.min_tolerance,
                            cal.spec.budget.max_simulations, cal.spec.budget.quantile,
                            cal.spec.budget.min_acceptance)

    def saved(gen: abc.Generation) -> None:
        write_parquet(_particles(gen, cal.paths), tmp / GEN_DIR / f"gen-{gen.index:03d}.parquet")
        manifest["generations"].append(_gen_meta(gen))
        store.write_json(tmp / "manifest.json", manifest)
        if say:
            say(f"generation {gen.index}: tolerance {gen.tolerance:.4g}, "
                f"{gen.simulations:,} simulations, acceptance {gen.acceptance_rate:.3f}, "
                f"ESS {gen.ess:,.0f}")

    with open_executor(executor, jobs, scheduler) as pool:
        simulator = EngineSimulator(fit, cal.paths, cal.spec.distance, pool.executor)
        try:
            res = abc.run(cal.prior, simulator, settings, cal.spec.seed, done, saved)
            pred = _predictive(cal, fit, held, res.posterior, pool.executor)
        except KeyboardInterrupt:
            manifest["status"] = "interrupted"
            store.write_json(tmp / "manifest.json", manifest)
            raise CalibrationInterrupted(tmp, len(manifest["generations"])) from None
    elapsed = time.perf_counter() - t0
    summary = _summary(cal, res, pred, fit, held, elapsed, pool.info)
    summary["simulations_run"] = simulator.simulations  # an unfinished generation's too
    _write_outputs(tmp, cal, res, pred, summary, plots)
    manifest["status"] = "complete"
    manifest["finished"] = _now()
    manifest["elapsed_seconds"] = round(elapsed, 3)
    manifest["files"] = {n: {"bytes": (tmp / n).stat().st_size, "sha256": _sha256(tmp / n)}
                         for n in FILES}
    store.write_json(tmp / "manifest.json", manifest)
    _move_into_place(tmp, target, force, KIND)
    return Outcome(target, summary)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _gen_meta(g: abc.Generation) -> dict[str, Any]:
    return {"generation": g.index, "tolerance": None if not np.isfinite(g.tolerance)
            else float(g.tolerance), "simulations": int(g.simulations),
            "total_simulations": int(g.total_simulations)}


def _particles(gen: abc.Generation, paths: list[str]) -> pd.DataFrame:
    cols: dict[str, Any] = {"particle": np.arange(len(gen.weights), dtype=np.int64),
                            "weight": gen.weights, "distance": gen.distances}
    for j, p in enumerate(paths):
        cols[f"param.{p}"] = gen.theta[:, j]
    return pd.DataFrame(cols)


def _open_resume(folder: Path, cal: Calibration) -> tuple[Path, Path, list[abc.Generation]]:
    """The partial folder, its target and its finished generations (checked against ``cal``)."""
    try:
        m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        raise ResultsError(f"{folder}: not a calibration folder (no readable manifest.json)"
                           ) from None
    if kind_of(m) != KIND:
        raise ResultsError(f"{folder}: not a calibration folder")
    if m.get("status") == "complete":
        raise ResultsError(f"{folder}: this calibration is complete; nothing to resume")
    if m.get("problem_sha256") != cal.problem_hash():
        raise ResultsError(f"{folder}: was started from another calibration problem (file, "
                           "records or scenarios changed); start a new one")
    gens = []
    for meta in m.get("generations", []):
        f = folder / GEN_DIR / f"gen-{meta['generation']:03d}.parquet"
        if not f.is_file():
            break
        df = pq.read_table(f).to_pandas()
        tol = meta["tolerance"] if meta["tolerance"] is not None else float("inf")
        gens.append(abc.Generation(
            int(meta["generation"]), float(tol),
            # C order, as the run made them: the kernel's sums then add in the same order
            np.ascontiguousarray(df[[f"param.{p}" for p in cal.paths]].to_numpy(float)),
            np.ascontiguousarray(df["weight"].to_numpy(float)),
            df["distance"].to_numpy(float), int(meta["simulations"]),
            int(meta["total_simulations"])))
    if cal.spec.method == "rejection":
        gens = []
    return folder, Path(m["target"]), gens


def _predictive(cal: Calibration, fit: list[Series], held: list[Series],
                post: abc.Generation, executor: Any) -> dict[str, Any]:
    """Prior and posterior predictive facts of every series (one replication per draw)."""
    n = cal.spec.predictive_runs
    rng = abc.generation_rng(cal.spec.seed, 10_000)
    rows = rng.choice(len(post.weights), size=n, p=post.weights)
    theta_post = post.theta[rows]
    theta_prior = cal.prior.sample(rng, n)
    out = {}
    for i, s in enumerate([*fit, *held]):
        post_s = Series(s.name, s.scenario, s.observed, series_seed(cal.spec.seed, i, 1))
        prior_s = Series(s.name, s.scenario, s.observed, series_seed(cal.spec.seed, i, 2))
        out[s.name] = {
            "series": s, "held_out": i >= len(fit),
            "posterior": run_series(post_s, cal.paths, theta_post, 0, executor),
            "prior": run_series(prior_s, cal.paths, theta_prior, 0, executor)}
    return out


def _summary(cal: Calibration, res: abc.Result, pred: dict[str, Any], fit: list[Series],
             held: list[Series], elapsed: float, executor: dict[str, Any]) -> dict[str, Any]:
    post = res.posterior
    params = {}
    for j, m in enumerate(cal.prior.marginals):
        x = post.theta[:, j]
        mean = float(post.weights @ x)
        sd = float(np.sqrt(post.weights @ np.square(x - mean)))
        p90, q90 = m.interval(0.9), interval(x, post.weights, 0.9)
        kept = (q90[1] - q90[0]) / (p90[1] - p90[0]) if p90[1] > p90[0] else float("nan")
        params[m.path] = {
            "prior": {"dist": m.dist.model_dump(), "interval50": m.interval(0.5),
                      "interval90": p90},
            "posterior": {"mean": mean, "sd": sd, "median": interval(x, post.weights, 0.0)[0],
                          "interval50": interval(x, post.weights, 0.5), "interval90": q90},
            "width90_kept": kept, "contraction90": 1 - kept,
            "constrained": bool(kept <= UNCONSTRAINED),
        }
        if kept > UNCONSTRAINED:
            params[m.path]["statement"] = (
                f"the record does not constrain {m.path}: its posterior 90% interval is "
                f"{100 * kept:.0f}% as wide as the prior's")
    rates = base_rates([s.observed for s in fit])
    scored: dict[str, dict[str, Any]] = {}
    for name, d in pred.items():
        s: Series = d["series"]
        entry = {"posterior": predictive(d["posterior"], s.observed),
                 "prior": predictive(d["prior"], s.observed),
                 "base_rate": base_rate_forecast(s.observed, rates)}
        scored[name] = {k: {kk: vv for kk, vv in v.items() if kk != "p"}
                        for k, v in entry.items()}
        scored[name]["facts"] = s.observed.size
        scored[name]["held_out"] = d["held_out"]
        d["scores"] = entry
    return {
        "name": cal.name, "title": cal.spec.title, "method": cal.spec.method,
        "seed": cal.spec.seed, "fit": [s.name for s in fit], "hold_out": [s.name for s in held],
        "facts_fitted": int(sum(s.observed.size for s in fit)),
        "distance": cal.spec.distance, "statistics": list(cal.spec.statistics.facts),
        "budget": cal.spec.budget.model_dump(), "stopped": res.stopped,
        "simulations": int(post.total_simulations),
        "elapsed_seconds": round(elapsed, 2), "executor": executor,
        "generations": [{**_gen_meta(g), "accepted": len(g.weights),
                         "acceptance_rate": g.acceptance_rate, "ess": g.ess}
                        for g in res.generations],
        "parameters": params, "base_rates": rates,
        "scores": {n: v for n, v in scored.items() if v["held_out"]},
        "fit_scores": {n: v for n, v in scored.items() if not v["held_out"]},
    }


def _write_outputs(tmp: Path, cal: Calibration, res: abc.Result, pred: dict[str, Any],
                   summary: dict[str, Any], plots: bool) -> None:
    (tmp / "calibration.yaml").write_text(cal.to_yaml(), encoding="utf-8")
    write_parquet(_particles(res.posterior, cal.paths), tmp / POSTERIOR_FILE)
    write_parquet(pd.DataFrame(summary["generations"]).astype({"tolerance": float}),
                  tmp / "generations.parquet")
    rows = []
    for name, d in pred.items():
        s: Series = d["series"]
        sc = d["scores"]
        for f, (label, date, fact) in enumerate(s.observed.labels):
            rows.append({"series": name, "held_out": d["held_out"],
                         "session": int(s.observed.session[f]), "date": date, "label": label,
                         "fact": fact, "observed": bool(s.observed.value[f]),
                         "prior": float(sc["prior"]["p"][f]),
                         "posterior": float(sc["posterior"]["p"][f]),
                         "base_rate": float(sc["base_rate"]["p"][f])})
    write_parquet(pd.DataFrame(rows), tmp / "predictive.parquet")
    store.write_json(tmp / "summary.json", summary)
    if plots:
        from sim.calibrate.plots import draw_predictive, draw_prior_posterior

        draw_prior_posterior(cal, res.posterior, tmp / "prior_posterior.png")
        draw_predictive(pd.DataFrame(rows), tmp / "predictive.png")


def report_lines(out: Outcome) -> list[str]:
    """What ``ceasefire calibrate`` prints: diagnostics, intervals, held-out scores."""
    s = out.summary
    lines = [f"calibration {s['name']}: {s['method']}, {s['simulations_run']:,} simulations of "
             f"{', '.join(s['fit'])} ({s['facts_fitted']} facts; the posterior's generations "
             f"used {s['simulations']:,}), seed {s['seed']}, {s['elapsed_seconds']:.1f} s",
             f"  stopped: {s['stopped']}"]
    for g in s["generations"]:
        tol = "inf" if g["tolerance"] is None else f"{g['tolerance']:.4g}"
        lines.append(f"  generation {g['generation']}: tolerance {tol}, acceptance "
                     f"{g['acceptance_rate']:.3f}, ESS {g['ess']:,.0f}")
    lines.append("  parameter                          prior 90%           posterior 90%"
                 "       kept")
    for path, p in s["parameters"].items():
        a, b = p["prior"]["interval90"]
        c, d = p["posterior"]["interval90"]
        lines.append(f"  {path:<34} [{a:.3g}, {b:.3g}]".ljust(56)
                     + f"[{c:.3g}, {d:.3g}]".ljust(20) + f"{100 * p['width90_kept']:.0f}%")
    for p in s["parameters"].values():
        if "statement" in p:
            lines.append(f"  note: {p['statement']}")
    for name, sc in s["scores"].items():
        lines.append(f"  held out {name} ({sc['facts']} facts): log score / Brier / joint log")
        for k in ("posterior", "prior", "base_rate"):
            v = sc[k]
            lines.append(f"    {k:<10} {v['log_score']:8.3f}  {v['brier']:.4f}  "
                         f"{v['joint_log_score']:8.3f}")
    lines.append(f"results: {out.path}")
    return lines


__all__ = ["CalibrationInterrupted", "Outcome", "report_lines",
           "run_calibration"]


def calibrate(path: str | Path, out: str | Path | None = None, *, jobs: int = 1,
              executor: str = "local", resume: str | Path | None = None, force: bool = False,
              plots: bool = True, allow_large: bool = False,
              root: str | Path = "results") -> Path:
    """Run (or resume) the calibration file ``path``; return its folder.

    This is ``sim.calibrate(...)`` of the public API; see :func:`run_calibration` for the
    options. The folder's ``posterior.parquet`` holds the weighted particles, ``summary.json``
    the diagnostics, intervals and held-out scores, and the folder itself can be named as
    ``{dist: posterior, file: FOLDER}`` in a scenario file.
    """
    return run_calibration(path, out, root=root, executor=executor, jobs=jobs, resume=resume,
                           force=force, allow_large=allow_large, plots=plots,
                           command="sim.calibrate").path
