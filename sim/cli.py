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
    from sim.experiment import run_scenario
    from sim.scenario import load_scenario

    scn = load_scenario(args.scenario, overrides=args.overrides)
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
        print(f"results: {rep.path}")
        if rep.plots:
            print(f"plots:   {rep.plots[0].parent}")
    return 0


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
    try:
        import yaml

        # libyaml when PyYAML has it: this look at the top-level keys costs a few ms, and the
        # validator below reads the file again with positions
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(Path(path).read_text(encoding="utf-8", errors="replace"), Loader=loader)
    except (OSError, yaml.YAMLError, ValueError):  # ValueError: a date such as 2025-06-31
        data = None  # the scenario validator reports unreadable or malformed files
    if isinstance(data, dict) and "sweep" in data and "schema" not in data:
        try:
            from sim.sweep import validate_sweep
        except ImportError:  # pragma: no cover - sweeps always ship
            return [f"{path}: sweep files cannot be validated here"]
        return validate_sweep(path)
    if isinstance(data, dict) and "record" in data and "schema" not in data:
        from sim.records import validate_record

        return validate_record(path)
    return validate_file(path)


def cmd_list(args: argparse.Namespace) -> int:
    """List shipped scenarios, strategies and protocols."""
    from sim.protocols import get as get_protocol
    from sim.protocols import names as protocol_names
    from sim.scenario import load_scenario, shipped_scenarios
    from sim.scenario.errors import ScenarioError
    from sim.strategies import get, names

    print("Shipped scenarios:")
    paths = shipped_scenarios()
    shown = [os.path.relpath(p) if not os.path.relpath(p).startswith("..") else str(p)
             for p in paths]
    width = max((len(s) for s in shown), default=0)
    for path, label in zip(paths, shown, strict=True):
        try:
            title = load_scenario(path).title
        except ScenarioError:
            title = "(does not validate)"
        print(f"  {label:<{width}}  {title}")
    print("Strategies:")
    for name in names():
        doc = (get(name).__doc__ or "").strip().splitlines()[0]
        print(f"  {name:<12} {doc}")
    print("Protocols:")
    for name in protocol_names():
        print(f"  {name:<17} {get_protocol(name).help}")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    """Print one replication round by round."""
    from sim.explain import explain

    print(explain(args.scenario, run=args.run, overrides=args.overrides, seed=args.seed))
    return 0


def cmd_plot(args: argparse.Namespace) -> int:
    """Redraw a result folder's plots."""
    from sim.plots import draw_all

    for path in draw_all(args.folder):
        print(path)
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    """Print the scenario JSON Schema."""
    from sim.scenario import json_schema

    print(json.dumps(json_schema(), indent=2))
    return 0


def cmd_import_bdm(args: argparse.Namespace) -> int:
    """Write a scenario from a BDM actor CSV."""
    from sim.scenario.bdm_import import import_bdm_csv

    out = import_bdm_csv(args.csv, args.out, name=args.name, force=args.force)
    print(f"wrote {out}")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    """Write the schema 2 text of a schema 1 scenario file (to stdout or ``--out``)."""
    import os
    import tempfile

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
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(out)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    print(f"wrote {target}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``ceasefire`` command."""
    parser = argparse.ArgumentParser(
        prog="ceasefire",
        description="Scenario simulator of ceasefire negotiations: run a YAML scenario "
        "thousands of times, store every run, plot the outcomes.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
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
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("validate", help="check scenario or sweep files without running them")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("list", help="list shipped scenarios, strategies and protocols")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("explain", help="tell one replication round by round")
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

    p = sub.add_parser("plot", help="redraw the plots of a result folder")
    p.add_argument("folder", metavar="DIR", help="a result folder written by `ceasefire run`")
    p.set_defaults(func=cmd_plot)

    p = sub.add_parser("schema", help="print the JSON Schema of scenario files (for editors)")
    p.set_defaults(func=cmd_schema)

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
        "it under negotiation.protocol: expected_utility.",
    )
    p.add_argument("csv", metavar="FILE.csv")
    p.add_argument("--out", help="scenario file to write (default: FILE.yaml)")
    p.add_argument("--name", help="scenario name (default: from the file name)")
    p.add_argument("--force", action="store_true", help="overwrite an existing --out")
    p.set_defaults(func=cmd_import_bdm)

    try:
        from sim.sweep.cli import add_parsers
    except ImportError:  # pragma: no cover
        pass
    else:
        add_parsers(sub)
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
