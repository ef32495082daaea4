"""The ``calibrate`` command: parse, call :func:`sim.calibrate.run.run_calibration`, print.

Exit status: 0 done; 2 the input is wrong (calibration file, record, folder, budget: one
message on stderr, no traceback); 130 interrupted (finished generations are kept for
``--resume``).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from typing import Any

from sim.cli_types import positive as _positive

HELP = """\
Fit the priors of CALIBRATION (a calibration YAML file, see scenarios/calibration/) to the recorded
series it fits, by approximate Bayesian computation on the vector engine (rejection or ABC-SMC,
every particle one replication in a batch), then score the posterior predictive on the series
it holds out against the prior predictive and a base-rate forecast. Writes a folder with
posterior.parquet, generations.parquet, predictive.parquet, summary.json, prior_posterior.png
and predictive.png. The same seed gives the same posterior, byte for byte."""

EPILOG = """\
examples:
  ceasefire calibrate scenarios/calibration/baseline.yaml
  ceasefire calibrate scenarios/calibration/baseline.yaml --jobs 2 --out results/cal
  ceasefire calibrate scenarios/calibration/baseline.yaml \
      --resume results/calibrations/.x.partial-1a2b

A scenario then uses the posterior as its inputs with {dist: posterior, file: DIR} at each
calibrated key (joint draws kept)."""


def add_parser(subparsers: Any) -> None:
    """Add the ``calibrate`` subcommand to an argparse ``subparsers`` object."""
    p = subparsers.add_parser("calibrate", help="fit shared inputs to recorded series by ABC",
                              description=HELP, epilog=EPILOG,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("calibration", metavar="CALIBRATION", help="calibration YAML file")
    p.add_argument("--out", metavar="DIR", help="folder to write (default "
                   "results/calibrations/<name>/<UTC time>-s<seed>/)")
    p.add_argument("--force", action="store_true",
                   help="replace a non-empty --out that holds an earlier result")
    p.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="local: a process pool of --jobs workers (default); dask: a Dask cluster")
    p.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler's address")
    p.add_argument("--jobs", type=_positive, default=1, metavar="N",
                   help="worker processes (default 1 = in this process)")
    p.add_argument("--resume", metavar="DIR",
                   help="continue the interrupted calibration in the partial folder DIR")
    p.add_argument("--allow-large", action="store_true",
                   help="run a calibration above the work budget")
    p.add_argument("--no-plots", action="store_true", help="skip the PNG figures")
    p.add_argument("--quiet", action="store_true", help="print nothing on success")
    p.set_defaults(func=cmd_calibrate)


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Handle ``ceasefire calibrate``."""
    from sim.calibrate.run import CalibrationInterrupted, report_lines, run_calibration

    argv = getattr(args, "argv", None)

    def say(line: str) -> None:
        if not args.quiet:
            print(line, file=sys.stderr, flush=True)

    try:
        out = run_calibration(
            args.calibration, args.out, executor=args.executor, scheduler=args.scheduler,
            jobs=args.jobs, resume=args.resume, force=args.force, allow_large=args.allow_large,
            plots=not args.no_plots, say=say,
            command=shlex.join(["ceasefire", *argv]) if argv else None)
    except CalibrationInterrupted as exc:
        print(f"interrupted: {exc.done} generations are finished in {exc.folder}; continue "
              f"with: ceasefire calibrate {args.calibration} --resume {exc.folder}",
              file=sys.stderr)
        return 130
    if not args.quiet:
        print("\n".join(report_lines(out)))
    return 0
