"""The ``sweep`` and ``compare`` commands: parse, call :mod:`sim.sweep`, print, exit status.

Exit status: 0 done; 2 the input is wrong (bad sweep file, scenario, folder: one message on
stderr, no traceback); 130 interrupted (finished sweep points are kept for ``--resume``).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from sim.cli_types import non_negative as _non_negative
from sim.cli_types import positive as _positive

SWEEP_HELP = """\
Run the base scenario of SWEEP (a sweep YAML file) at every point of its design (grid, lhs,
sobol or morris) with runs_per_point replications each, and write a sweep folder:
points.parquet (one row per point: the parameter values and each output's share with its
Wilson 95% interval), points/ (every point's replications, written as soon as the point is
done), sensitivity.parquet (Sobol or Morris indices), sweep.yaml, manifest.json and plots/.

Every point uses the sweep's seed (common random numbers): replication k of every point gets the
same random draws, so differences between points come from the parameters, not from noise."""

SWEEP_EPILOG = """\
examples:
  ceasefire sweep scenarios/sweeps/eu_pressure_x_edge.yaml --jobs 2
  ceasefire sweep scenarios/sweeps/baseline_sobol.yaml --executor dask --jobs 4
  ceasefire sweep scenarios/sweeps/baseline_sobol.yaml --executor dask \
      --scheduler tcp://10.0.0.5:8786
  ceasefire sweep scenarios/sweeps/baseline_sobol.yaml \
      --resume results/sweeps/baseline_sobol/20250516T120000Z-s7

Ctrl-C stops cleanly: finished points stay in the folder; --resume DIR runs only the missing
ones and ends with exactly the table an uninterrupted run gives."""

COMPARE_HELP = """\
Compare outcome shares side by side. Each item is a scenario file (run now, with --runs/--seed
when given) or a result folder of `ceasefire run`. For every outcome and flag: the share with its
Wilson 95% interval and the difference from the first item with Newcombe's 95% interval.
Writes compare.csv and compare.png."""

DISCOVER_HELP = """\
Scenario discovery with PRIM (Friedman & Fisher 1999, as in EMA Workbench): peel the space of
the sampled inputs (a run's param.* columns, or a sweep's parameters) down to the box where
OUTCOME is most concentrated, and print each box's limits with its coverage (share of the
outcome's replications inside it), density (the outcome's share inside it) and support (share of
all replications inside it). Example:
  ceasefire discover results/istanbul-2025/20250516T120000Z-s20250516 --outcome ceasefire"""

COMPARE_EPILOG = """\
examples:
  ceasefire compare scenarios/istanbul_2025.yaml scenarios/istanbul_2025_putin_attends.yaml
  ceasefire compare results/istanbul-2025/20250516T120000Z-s1 scenarios/istanbul_2025.yaml \
      --runs 4000"""


def add_parsers(subparsers: Any) -> None:
    """Add the ``sweep`` and ``compare`` subcommands to an argparse ``subparsers`` object."""
    fmt = argparse.RawDescriptionHelpFormatter
    p = subparsers.add_parser("sweep", help="run a parameter sweep (grid, LHS, Sobol, Morris)",
                              description=SWEEP_HELP, epilog=SWEEP_EPILOG, formatter_class=fmt)
    p.add_argument("sweep", metavar="SWEEP", help="sweep YAML file (e.g. scenarios/sweeps/*.yaml)")
    p.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="local: a process pool of --jobs workers (default); dask: a Dask "
                        "cluster (a local one of --jobs workers, or --scheduler)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="address of a running Dask scheduler, e.g. tcp://host:8786 "
                        "(with --executor dask; workers need ceasefire-sim installed)")
    p.add_argument("--jobs", type=_positive, default=1, metavar="N",
                   help="worker processes (default 1 = in this process)")
    p.add_argument("--resume", metavar="DIR",
                   help="continue an interrupted sweep in DIR: run only its missing points")
    p.add_argument("--out", metavar="DIR",
                   help="sweep folder (default results/sweeps/<sweep name>/<UTC time>-s<seed>/)")
    p.add_argument("--force", action="store_true",
                   help="replace a non-empty --out that holds an earlier sweep")
    p.add_argument("--no-plots", action="store_true", help="skip drawing plots/")
    p.add_argument("--quiet", action="store_true", help="print nothing on success")
    p.add_argument("--allow-large", action="store_true",
                   help="run a sweep above the work budget (points x runs x sessions; see "
                        "README, 'Limits')")
    p.set_defaults(func=cmd_sweep)

    p = subparsers.add_parser("compare", help="compare outcome shares of scenarios or results",
                              description=COMPARE_HELP, epilog=COMPARE_EPILOG, formatter_class=fmt)
    p.add_argument("items", nargs="+", metavar="ITEM",
                   help="scenario files or result folders (two or more; the first is the "
                        "reference)")
    p.add_argument("--runs", type=_positive, metavar="N",
                   help="replications for scenario files (default: each scenario's runs)")
    p.add_argument("--seed", type=_non_negative, metavar="S",
                   help="master seed for scenario files (default: each scenario's seed)")
    p.add_argument("--out", metavar="DIR",
                   help="folder for compare.csv and compare.png (default results/compare/<UTC "
                        "time>/)")
    p.add_argument("--jobs", type=_positive, default=1, metavar="N",
                   help="worker processes for running scenario files (default 1)")
    p.add_argument("--allow-large", action="store_true",
                   help="run scenario files above the work budget (runs x sessions, and the "
                        "runs held in memory; see README, 'Limits')")
    p.set_defaults(func=cmd_compare)

    p = subparsers.add_parser(
        "discover", help="scenario discovery: PRIM boxes where an outcome is likely",
        description=DISCOVER_HELP, formatter_class=fmt)
    p.add_argument("folder", metavar="DIR", help="a result folder of `ceasefire run` (its "
                   "sampled inputs) or a sweep folder (its parameters and sampled inputs)")
    p.add_argument("--outcome", required=True, metavar="NAME",
                   help="the outcome to find, e.g. ceasefire, partial, collapse, dictated_peace")
    p.add_argument("--boxes", type=_positive, default=2, metavar="N",
                   help="boxes to find, each among the replications outside the earlier ones "
                        "(default 2)")
    p.add_argument("--threshold", type=float, metavar="D",
                   help="report the box of highest coverage whose density reaches D (0-1) "
                        "instead of the one capturing the most cases beyond the base rate")
    p.add_argument("--peel", type=float, default=0.05, metavar="A",
                   help="fraction of a box's replications peeled at each step (default 0.05)")
    p.add_argument("--min-support", type=float, default=0.05, dest="min_support", metavar="S",
                   help="smallest box, as a share of all replications (default 0.05)")
    p.set_defaults(func=cmd_discover)


class _Bar:
    """A tqdm bar on stderr when it is a terminal and not --quiet; otherwise nothing."""

    def __init__(self, quiet: bool, desc: str) -> None:
        self.enabled = not quiet and sys.stderr.isatty()
        self.desc = desc
        self.bar: Any = None

    def __call__(self, n: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=self.desc, unit="run", file=sys.stderr,
                            leave=False, smoothing=0.05)
        self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _fail(exc: BaseException) -> int:
    text = getattr(exc, "message", None) or str(exc)
    print(f"error: {text}", file=sys.stderr)
    return 2


def cmd_sweep(args: argparse.Namespace) -> int:
    """Handle ``ceasefire sweep``."""
    from sim.results.errors import ResultsError
    from sim.scenario import ScenarioError, resolve_scenario_path
    from sim.sweep.errors import SweepInterrupted
    from sim.sweep.run import run_sweep

    args.sweep = resolve_scenario_path(args.sweep, kind="sweeps")  # a shipped sweep's name

    bar = _Bar(args.quiet, "sweep")
    argv = getattr(args, "argv", None)
    command = "ceasefire " + " ".join(argv) if argv else None
    t0 = time.perf_counter()
    try:
        folder = run_sweep(args.sweep, args.out, executor=args.executor,
                           scheduler=args.scheduler, jobs=args.jobs, resume=args.resume,
                           force=args.force, progress=bar, plots=not args.no_plots,
                           command=command, allow_large=args.allow_large)
    except (ScenarioError, ResultsError) as exc:
        return _fail(exc)
    except SweepInterrupted as exc:
        bar.close()
        print(f"interrupted: {exc.done} of {exc.total} points are finished in {exc.folder}; "
              f"continue with: ceasefire sweep {args.sweep} --resume {exc.folder}",
              file=sys.stderr)
        return 130
    finally:
        bar.close()
    if not args.quiet:
        _report(folder, time.perf_counter() - t0)
    return 0


def _report(folder: Any, elapsed: float) -> None:
    from sim.sweep.store import read_sweep_dir

    sd = read_sweep_dir(folder)
    m = sd.manifest
    print(f"sweep {sd.name}: {m['points']:,} points × {m['runs_per_point']:,} runs "
          f"({m['design']} design, seed {m['seed']}), {elapsed:.1f} s")
    if sd.sensitivity is not None:
        from sim.sweep.sensitivity import sensitivity_lines

        for line in sensitivity_lines(sd.sensitivity):
            print(line)
    print(f"results: {folder}")
    if m.get("plots"):
        print(f"plots:   {folder / 'plots'}")


def cmd_discover(args: argparse.Namespace) -> int:
    """Handle ``ceasefire discover``."""
    from pathlib import Path

    from sim.results.errors import ResultsError
    from sim.scenario import ScenarioError

    try:
        for line in discovery_lines(Path(args.folder), args.outcome, boxes=args.boxes,
                                    threshold=args.threshold, alpha=args.peel,
                                    min_support=args.min_support):
            print(line)
    except (ScenarioError, ResultsError) as exc:
        return _fail(exc)
    return 0


def discovery_lines(folder: Any, outcome: str, **options: Any) -> list[str]:
    """The boxes of ``ceasefire discover`` as text lines."""
    from sim.sweep.discovery import discover, outcome_flags, replications
    from sim.sweep.errors import SweepError

    for key, lo, hi in (("peel", 0.001, 0.5), ("min_support", 0.001, 0.9)):
        name = "alpha" if key == "peel" else key
        value = options.get(name)
        if value is not None and not lo <= value <= hi:
            raise SweepError(f"--{key.replace('_', '-')} {value:g}: expected a number from "
                             f"{lo:g} to {hi:g}")
    threshold = options.get("threshold")
    if threshold is not None and not 0 < threshold <= 1:
        raise SweepError(f"--threshold {threshold:g}: expected a share from 0 to 1")
    inputs, runs, kind = replications(folder)
    y = outcome_flags(runs, outcome)
    found = discover(inputs, y, **options)
    rate = float(y.mean())
    lines = [f"Scenario discovery of {outcome} in {folder} ({kind}: {len(y):,} replications, "
             f"{len(inputs.columns)} inputs; PRIM, Friedman & Fisher 1999): base rate "
             f"{100 * rate:.1f}% ({int(y.sum()):,} replications)"]
    for k, box in enumerate(found, start=1):
        lift = box.density / rate if rate else float("nan")
        lines.append(f"Box {k}: density {100 * box.density:.1f}% ({lift:.1f} x the base rate), "
                     f"coverage {100 * box.coverage:.1f}% of the {outcome} replications, "
                     f"support {100 * box.support:.1f}% of all ({box.count:,})")
        if not box.limits:
            lines.append("  no box: no restriction of any input is significant at 5% (EMA "
                         "Workbench's quasi-p-value) with these replications; more runs may "
                         "resolve one, or the outcome is spread over the whole space")
        width = max((len(n) for n in box.limits), default=0)
        for name, (lo, hi) in box.limits.items():
            full_lo, full_hi = box.ranges[name]
            if lo > full_lo and hi < full_hi:
                what = f"{lo:.4g} to {hi:.4g}"
            elif lo > full_lo:
                what = f">= {lo:.4g}"
            else:
                what = f"<= {hi:.4g}"
            lines.append(f"  {name:<{width}}  {what:<20} (drawn from {full_lo:.4g} to "
                         f"{full_hi:.4g})")
    return lines


def cmd_compare(args: argparse.Namespace) -> int:
    """Handle ``ceasefire compare``."""
    from sim.results.errors import ResultsError
    from sim.scenario import ScenarioError
    from sim.sweep.compare import compare, format_table

    try:
        table, plot = compare(args.items, runs=args.runs, seed=args.seed, out=args.out,
                              jobs=args.jobs, allow_large=args.allow_large)
    except (ScenarioError, ResultsError) as exc:
        return _fail(exc)
    print(format_table(table))
    print(f"table: {plot.parent / 'compare.csv'}")
    print(f"plot:  {plot}")
    if (plot.parent / "timeline.png").is_file():
        print(f"plot:  {plot.parent / 'timeline.png'}")
    return 0
