"""The ``ceasefire`` command: parse, call the library, print, exit.

Exit status: 0 done, 2 the input is wrong (a message, no traceback), 1 an internal error.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.cli_types import non_negative as _non_negative
from sim.cli_types import positive as _positive
from sim.engine import ENGINES

EXAMPLES = """\
examples:
  ceasefire run scenarios/istanbul_2025.yaml                 # 2,000 runs, plots in results/
  ceasefire run scenarios/istanbul_2025.yaml --runs 500 --set battlefield.edge.mean=0.3
  ceasefire explain scenarios/istanbul_2025.yaml --run 3     # one replication, round by round
  ceasefire compare scenarios/istanbul_2025.yaml scenarios/istanbul_2025_putin_attends.yaml
  ceasefire sweep scenarios/sweeps/eu_pressure_x_edge.yaml --jobs 2
  ceasefire calibrate scenarios/calibration/baseline.yaml  # ABC on the 2022 and 2025 series
"""


class UserError(Exception):
    """A mistake in the user's input: reported in one message, exit status 2."""


def _add_scenario_options(p: argparse.ArgumentParser) -> None:
    """Options shared by commands that read a scenario file."""
    p.add_argument("--seed", type=_non_negative, help="master seed (default: the scenario's)")
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override any scenario key after `extends`, VALUE parsed as YAML, "
        "e.g. --set battlefield.edge.mean=0.3 (repeatable)",
    )


class _Progress:
    """A tqdm bar on a terminal, nothing otherwise."""

    def __init__(self, total: int, quiet: bool, desc: str) -> None:
        self.bar = None
        if not quiet and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=desc, unit="run", file=sys.stderr, leave=False)

    def __call__(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _load_compiled(quiet: bool, scenario: Any, seed: int) -> bool:
    """Compile or load the compiled engine, saying so on a cold start; False without numba.

    Also says when the scenario is one the fused round does not cover (it then runs on the
    vector engine's phases with the compiled rules; the results are the same).
    """
    import time

    from sim.engine.compiled import CompiledUnavailable, prepare

    def say(line: str) -> None:
        if not quiet:
            print(line, file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    try:
        prepare(scenario, seed, announce=say)
    except CompiledUnavailable as e:
        print(f"error: {e}", file=sys.stderr)
        return False
    took = time.perf_counter() - t0
    if took > 1.0:
        say(f"engine compiled in {took:.1f} s")
    return True


def cmd_run(args: argparse.Namespace) -> int:
    """Run a scenario and write its result folder."""
    if args.jobs > 1 and (args.runs is None or args.runs > 1000):  # more than one chunk
        from sim.engine.workers import engine_preload, start_forkserver

        # its imports overlap this process's reading of the scenario and loading of the engine
        start_forkserver(engine_preload("vector" if args.engine == "numpy" else args.engine))
    from sim.experiment import run_scenario
    from sim.scenario import load_scenario

    scn = load_scenario(args.scenario, overrides=args.overrides)
    from sim.experiment import run_budget

    problem = run_budget(scn, args.scenario, runs=args.runs, overrides=args.overrides,
                         trace_runs=args.trace_runs, plots=not args.no_plots, jobs=args.jobs,
                         allow_large=args.allow_large)
    if problem is not None:
        raise UserError(problem)
    if args.engine == "numpy":
        args.engine = "vector"  # the pure-NumPy engine's other name
    if args.engine == "compiled" and not _load_compiled(
            args.quiet, scn, args.seed if args.seed is not None else scn.seed):
        return 2
    total = args.runs or scn.runs
    bar = _Progress(total, args.quiet, scn.name)
    try:
        rep = run_scenario(
            args.scenario,
            overrides=args.overrides,
            runs=args.runs,
            seed=args.seed,
            out=args.out,
            engine=args.engine,
            jobs=args.jobs,
            force=args.force,
            plots=not args.no_plots,
            trace_runs=args.trace_runs,
            progress=bar,
            command=shlex.join(["ceasefire", *args.argv]),
            at_means=args.at_means,
            loaded=scn,
        )
    finally:
        bar.close()
    if not args.quiet:
        s = rep.summary
        print(
            f"{scn.title or scn.name}: {s['runs']:,} runs, seed {s['seed']}, "
            f"engine {args.engine}, {rep.elapsed:.1f} s"
        )
        if args.overrides or args.at_means:
            changed = ", ".join(f"--set {o}" for o in args.overrides)
            if args.at_means:
                changed += (", " if changed else "") + "every prior at its mean (--at-means)"
            print(f"  changed from {args.scenario}: {changed}")
        width = max(len(name) for name in s["outcomes"])
        for name, o in s["outcomes"].items():
            lo, hi = o["ci95"]
            print(f"  {name:<{width}} {100 * o['share']:5.1f}%   "
                  f"(95% CI {100 * lo:.1f}–{100 * hi:.1f})")
        dp = s["flags"]["dictated_peace"]
        on = ", ".join(f"{side} {e['count']}" for side, e in s["imposed_on"].items()
                       if e["count"])
        print(f"  dictated peace {100 * dp['share']:5.1f}% of runs"
              + (f" (imposed on {on})" if on else ""))
        ex = s["exchanges"]
        if ex["any"]["count"]:
            print(f"  humanitarian exchanges {ex['mean']:.1f} per run (median {ex['p50']:g}, "
                  f"p10 {ex['p10']:g}, p90 {ex['p90']:g}); at least one in "
                  f"{100 * ex['any']['share']:.1f}% of runs")
        holds = s["flags"]["agreement_holds"]
        if holds.get("of"):
            print(f"  agreement holds {100 * holds['share']:.1f}% of {holds['of']} agreements "
                  "(ceasefires and settlements)")
        if scn.negotiation.protocol == "expected_utility":
            _print_forecast(rep.path)
        print(f"results: {rep.path}")
        if rep.plots:
            print(f"plots:   {rep.plots[0].parent}")
    return 0


def _print_forecast(folder: Path) -> None:
    """The expected-utility forecast of each issue: median and 10-90% over the traced runs."""
    from sim.plots.forecast import applies, final_forecasts
    from sim.results import read_run_dir

    rd = read_run_dir(folder)
    if not applies(rd):
        return
    final = final_forecasts(rd)
    print(f"  forecast after the last round ({len(final):,} traced runs):")
    for issue in final.columns:
        values = final[issue].dropna()
        q10, q50, q90 = values.quantile([0.1, 0.5, 0.9])
        print(f"    {issue}: median {q50:.1f} (10–90% {q10:.1f}–{q90:.1f}) on the 0–100 axis")


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate files; exit 2 if any is invalid."""
    from sim.scenario import validate_file

    bad = 0
    for path in args.files:
        problems = _validate_any(path, validate_file)
        if problems:
            bad += 1
            print(f"{path}: invalid", file=sys.stderr)
            for line in problems:
                print(line, file=sys.stderr)
        else:
            print(f"{path}: ok")
    return 2 if bad else 0


def _validate_any(path: str, validate_file: Callable[[str], list[str]]) -> list[str]:
    """Validate a scenario file, or a sweep (``sweep:``) or record (``record:``) file."""
    from sim.scenario.yamlio import top_level_keys

    # the top-level keys only (bounded, aliases not expanded); the validator below reads the
    # file again with positions and reports unreadable, oversized or malformed files
    data = dict.fromkeys(top_level_keys(Path(path)) or ())
    if "sweep" in data and "schema" not in data:
        try:
            from sim.sweep import validate_sweep
        except ImportError:  # pragma: no cover - sweeps always ship
            return [f"{path}: sweep files cannot be validated here"]
        return validate_sweep(path)
    if "record" in data and "schema" not in data:
        from sim.records import validate_record

        return validate_record(path)
    if isinstance(data, dict) and "calibration" in data and "schema" not in data:
        from sim.calibrate.spec import validate_calibration

        return validate_calibration(path)
    return validate_file(path)


def cmd_list(args: argparse.Namespace) -> int:
    """List shipped scenarios, strategies and protocols."""
    from sim.protocols import get as get_protocol
    from sim.protocols import names as protocol_names
    from sim.scenario import load_scenario, shipped_scenarios, shipped_sweeps
    from sim.scenario.errors import ScenarioError
    from sim.scenario.shipped import shipped_dir
    from sim.strategies import get, names

    folder = shipped_dir()
    where = "none in this installation" if folder is None else _shown(folder)
    print(f"Shipped scenarios ({where}; run one by its name, e.g. "
          "`ceasefire run istanbul_2025`):")
    paths = shipped_scenarios()
    width = max((len(p.stem) for p in [*paths, *shipped_sweeps()]), default=0) + 2
    for path in paths:
        try:
            title = load_scenario(path).title
        except ScenarioError:
            title = "(does not validate)"
        print(f"  {path.stem:<{width}}  {title}")
    sweeps = shipped_sweeps()
    if sweeps:
        print("Shipped sweeps (`ceasefire sweep baseline_sobol`):")
        for path in sweeps:
            print(f"  {path.stem:<{width}}  {_sweep_line(path)}")
    print("Strategies:")
    for name in names():
        doc = (get(name).__doc__ or "").strip().splitlines()[0]
        print(f"  {name:<12} {doc}")
    print("Protocols:")
    for name in protocol_names():
        print(f"  {name:<17} {get_protocol(name).help}")
    return 0


def _sweep_line(path: Path) -> str:
    """What a shipped sweep file does, in a few words."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        params = list(data.get("parameters") or {})
        return (f"{data.get('design', 'grid')} design over {len(params)} parameter"
                f"{'' if len(params) == 1 else 's'} of {Path(str(data['scenario'])).stem}")
    except (OSError, yaml.YAMLError, AttributeError, KeyError, TypeError):
        return "(cannot be read)"


def _shown(path: Path) -> str:
    """``path`` relative to the working folder when it lies below it, else absolute."""
    rel = os.path.relpath(path)
    return rel if not rel.startswith("..") else str(path)


def cmd_explain(args: argparse.Namespace) -> int:
    """Print one replication round by round."""
    from sim.explain import explain

    print(explain(args.scenario, run=args.run, overrides=args.overrides, seed=args.seed))
    return 0


def cmd_plot(args: argparse.Namespace) -> int:
    """Redraw a result folder's plots."""
    from sim.sweep.store import is_sweep_dir

    if (Path(args.folder) / "compare.csv").is_file() and not \
            (Path(args.folder) / "manifest.json").is_file():
        from sim.sweep.compare import redraw_compare

        print(redraw_compare(args.folder))
        return 0
    if is_sweep_dir(Path(args.folder)):
        from sim.sweep.plots import redraw_sweep

        for path in redraw_sweep(args.folder):
            print(path)
        return 0
    from sim.results.folders import folder_kind

    if folder_kind(Path(args.folder)) == "calibration":
        from sim.calibrate.plots import redraw_calibration

        for path in redraw_calibration(args.folder):
            print(path)
        return 0
    from sim.plots import draw_all

    for path in draw_all(args.folder):
        print(path)
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of scenario files (sweep files: ``--sweep``; ``--calibration``)."""
    if args.calibration:
        from sim.calibrate.spec import calibration_json_schema

        print(json.dumps(calibration_json_schema(), indent=2))
        return 0
    if args.sweep:
        from sim.sweep.spec import sweep_json_schema

        print(json.dumps(sweep_json_schema(), indent=2))
        return 0
    from sim.scenario import json_schema

    print(json.dumps(json_schema(), indent=2))
    return 0


def cmd_import_bdm(args: argparse.Namespace) -> int:
    """Write a scenario from a BDM actor CSV."""
    from sim.scenario.bdm_import import import_bdm_csv

    out = import_bdm_csv(args.csv, args.out, name=args.name, force=args.force,
                         roles=args.roles, runs=args.runs, spread=args.spread)
    print(f"wrote {out}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write the self-contained HTML report of a run, sweep or comparison folder."""
    from sim.report import write_report

    def narrate(scenario: Path, run: int, seed: int) -> str:
        from sim.explain import explain

        return explain(scenario, run=run, seed=seed)

    path = write_report(args.folder, args.out, narrate=None if args.no_narratives else narrate,
                        discovery=not args.no_discovery)
    print(f"wrote {path}")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    """Write the schema 2 text of a schema 1 scenario file (to stdout or ``--out``)."""
    from sim.scenario import ScenarioError, load_scenario
    from sim.scenario.migrate import migrate_text
    from sim.scenario.yamlio import read_yaml

    path = Path(args.file)
    data, marks = read_yaml(path, args.file)
    if not isinstance(data, dict) or data.get("schema") != 1:
        found = data.get("schema") if isinstance(data, dict) else None
        raise ScenarioError(f"{args.file}: not a schema 1 scenario (schema: {found!r}); "
                            "nothing to migrate", args.file)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        load_scenario(path)  # the migrated scenario must be valid (errors name file and line)
    text = path.read_text(encoding="utf-8")
    out, notes = migrate_text(text, data, marks)
    for note in notes:
        print(f"migrated: {note}", file=sys.stderr)
    if args.out is None:
        sys.stdout.write(out)
        return 0
    target = Path(args.out)
    if target.exists() and not args.force:
        raise ScenarioError(f"{target} exists; give --force to replace it", str(target))
    from sim.scenario.tempnames import write_text_atomic

    write_text_atomic(target, out)
    print(f"wrote {target}", file=sys.stderr)
    return 0


def _version() -> str:
    """The version of ceasefire-sim (``sim.__version__``)."""
    import sim

    return sim.__version__


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``ceasefire`` command."""
    parser = argparse.ArgumentParser(
        prog="ceasefire",
        description="Scenario simulator of ceasefire negotiations: run a YAML scenario "
        "thousands of times, store every run, plot the outcomes.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"ceasefire-sim {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "run",
        help="run a scenario many times and write a result folder",
        description="Run SCENARIO (a YAML file) --runs times and write a new "
        "result folder with runs.parquet, rounds.parquet, "
        "summary.json and plots/.",
    )
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--runs", type=_positive, help="replications (default: the scenario's)")
    _add_scenario_options(p)
    p.add_argument("--out", help="result folder (default results/<name>/<UTC time>-s<seed>/)")
    p.add_argument("--force", action="store_true", help="reuse a non-empty --out folder")
    p.add_argument(
        "--engine",
        choices=(*ENGINES, "numpy"),
        default="vector",
        help="vector (pure NumPy, the default; 'numpy' is the same engine), mesa (agent-based "
        "reference; same results) or compiled (the round fused into numba kernels; same "
        "results; needs the [compiled] extra)",
    )
    p.add_argument("--jobs", type=_positive, default=1, help="worker processes (default 1)")
    p.add_argument(
        "--trace-runs",
        type=_non_negative,
        dest="trace_runs",
        help="replications traced round by round in rounds.parquet (default: all up to 1,000)",
    )
    p.add_argument("--no-plots", action="store_true", help="skip drawing plots/")
    p.add_argument("--at-means", action="store_true",
                   help="run every uncertain input at its prior's mean (what varies is then "
                        "simulation noise alone)")
    p.add_argument("--quiet", action="store_true", help="print nothing on success")
    p.add_argument("--allow-large", action="store_true",
                   help="run above the work budget (runs x sessions, and the memory of the "
                        "trace and plots; see README, 'Limits')")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser(
        "validate", help="check scenario, sweep, record or calibration files without running them",
        description="Check each FILE as `run` (or `sweep`, `calibrate`) would read it, without "
        "running it: a scenario file with its `extends` bases, a sweep file (`sweep: 1`) with its "
        "base scenario and every point, a record file, or a calibration file with its records. "
        "Prints `FILE: ok`, or every problem with its file, line, column and key path and what "
        "was expected; exit status 2 if any file is invalid.")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser(
        "list", help="list shipped scenarios, strategies and protocols",
        description="List the scenarios shipped with ceasefire-sim (with their titles; `run`, "
        "`explain` and `compare` also take a shipped scenario by its name, e.g. "
        "`ceasefire run istanbul_2025`), the concession strategies a scenario may name "
        "(`actors.<id>.strategy.name`) and the negotiation protocols "
        "(`negotiation.protocol`).")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser(
        "explain", help="tell one replication round by round",
        description="Tell replication K of SCENARIO session by session: the sampled inputs, "
        "what each side believed about the war, the text on the table, who accepted it and "
        "why, what was initialled, ratified or settled, the exchanges, the events that fired "
        "and the outcome. Replication K is the row `run == K` of the runs.parquet that "
        "`ceasefire run` writes with the same seed. Under the expected-utility protocol it "
        "tells the forecast round by round.")
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument(
        "--run",
        type=_non_negative,
        default=0,
        metavar="K",
        help="replication index (default 0); the same K as in runs.parquet",
    )
    _add_scenario_options(p)
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser(
        "plot", help="redraw the plots of a result or sweep folder",
        description="Redraw the figures of DIR from its saved files (nothing is run again): "
        "for a result folder of `ceasefire run` its plots/ folder, for a sweep folder of "
        "`ceasefire sweep` the sweep figures. The folder's tables are not changed.")
    p.add_argument("folder", metavar="DIR",
                   help="a result folder of `ceasefire run` or a sweep folder of "
                        "`ceasefire sweep`")
    p.set_defaults(func=cmd_plot)

    p = sub.add_parser(
        "schema", help="print the JSON Schema of scenario files (for editors)",
        description="Print a JSON Schema (draft 2020-12) of scenario files on standard output, "
        "with a description of every key, for editors that complete and check YAML as it is "
        "typed (see README, 'Editor support'). A file with `extends` is checked as a partial "
        "scenario (the keys it inherits may be missing); a file without it must be complete. "
        "The schema checks the form of each key; `ceasefire validate` also checks what relates "
        "keys to each other.")
    kind = p.add_mutually_exclusive_group()
    kind.add_argument("--sweep", action="store_true",
                      help="the schema of sweep files (scenarios/sweeps/*.yaml) instead")
    kind.add_argument("--calibration", action="store_true",
                      help="the schema of calibration files (scenarios/calibration/*.yaml) "
                           "instead")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser(
        "report", help="write a self-contained HTML report of a run, sweep, comparison or "
        "calibration",
        description="Write one HTML file about DIR (a result folder of `ceasefire run`, a sweep "
        "folder, a comparison folder or a calibration folder) that opens without a network and "
        "prints: the question, "
        "the assumptions and what differs from the scenario's `extends` base and file, the "
        "outcome shares with 95% intervals, the drivers of each outcome and the "
        "scenario-discovery boxes, the figures (inline), a narrated typical replication of each "
        "outcome and the provenance (version, seed, command).")
    p.add_argument("folder", metavar="DIR")
    p.add_argument("--out", metavar="FILE", help="the file to write (default DIR/report.html)")
    p.add_argument("--no-narratives", action="store_true",
                   help="leave out the narrated replications (they run the Mesa model)")
    p.add_argument("--no-discovery", action="store_true",
                   help="leave out the scenario-discovery boxes")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser(
        "migrate", help="write the schema 2 text of a schema 1 scenario file",
        description="Read a schema 1 scenario file and write it in schema 2 (to stdout, or to "
        "--out), keeping its comments and layout where the renamed and moved keys allow; the "
        "keys mapped are listed on stderr. The file is checked first, as `validate` would.")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--out", help="file to write (default: standard output)")
    p.add_argument("--force", action="store_true", help="replace --out if it exists")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser(
        "import-bdm",
        help="turn a BDM actor CSV into a scenario YAML",
        description="Read a CSV with columns actor, capability, position, "
        "salience (one issue) and write a scenario YAML that runs "
        "it under negotiation.protocol: expected_utility, as a forecast: 500 runs with the "
        "inputs perturbed (--spread), so that `ceasefire run` gives the distribution of the "
        "forecast and its outcome shares; `ceasefire explain` tells one replication.",
    )
    p.add_argument("csv", metavar="FILE.csv")
    p.add_argument("--out", help="scenario file to write (default: FILE.yaml)")
    p.add_argument("--name", help="scenario name (default: from the file name)")
    p.add_argument("--roles", metavar="NAME=ROLE,...",
                   help="roles of actors (party, mediator, third_party); the others are "
                        "parties, whose convergence decides whether an issue is settled")
    p.add_argument("--runs", type=_positive, metavar="N",
                   help="replications written into the scenario (default 500, or 1 with "
                        "--spread 0)")
    p.add_argument("--spread", type=float, default=5.0, metavar="S",
                   help="uniform priors of ±S points around each position, ±S/100 around each "
                        "salience and ±S%% around each capability (default 5; 0 keeps the "
                        "data as fixed numbers)")
    p.add_argument("--force", action="store_true", help="overwrite an existing --out")
    p.set_defaults(func=cmd_import_bdm)

    try:
        from sim.sweep.cli import add_parsers
    except ImportError:  # pragma: no cover
        pass
    else:
        add_parsers(sub)
    from sim.calibrate.cli import add_parser as add_calibrate

    add_calibrate(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``ceasefire`` and ``python -m sim``; returns the exit status."""
    from sim.results.errors import ResultsError
    from sim.scenario.errors import ScenarioError

    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: 0 for --help, 2 for usage errors
        return int(exc.code or 0)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    args.argv = argv
    try:
        return int(args.func(args))
    except (ScenarioError, ResultsError, UserError) as exc:
        print(f"error: {getattr(exc, 'message', None) or exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"error: {exc.filename or exc}: no such file or folder", file=sys.stderr)
        return 2
    except (PermissionError, NotADirectoryError, IsADirectoryError, FileExistsError) as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # internal error: short message, details on request
        print(f"internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        if os.environ.get("CEASEFIRE_DEBUG"):
            traceback.print_exc()
        else:
            print("(set CEASEFIRE_DEBUG=1 to see the traceback)", file=sys.stderr)
        return 1
