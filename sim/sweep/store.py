"""Sweep folders: layout, atomic writes, reading back.

A sweep folder (default ``results/sweeps/<sweep file stem>/<UTC time>-s<seed>/``) holds::

    sweep.yaml           the resolved sweep (defaults filled in, absolute scenario path)
    scenario.yaml        the fully resolved base scenario
    manifest.json        provenance; "status" is "running", "interrupted", "failed" or "complete"
    points/point-00042.parquet   the replications of point 42 (run-table columns), one file
                         per finished point
    points.parquet       one row per point: parameters, each output's share and interval
    sensitivity.parquet  Sobol or Morris indices (sobol / morris designs only)
    plots/               figures drawn from the files above

What is atomic: the folder is created under its final name at the start, because ``--resume``
must find the finished points of an interrupted sweep there. Everything inside is written to a
temporary name and renamed into place, so no file is ever half-written: each point file as
soon as the point is done, then ``points.parquet``, ``sensitivity.parquet`` and ``plots/`` once
every point is done, and ``manifest.json`` (status ``complete``) last. A folder is finished
only when its manifest says ``complete``; :func:`read_sweep_dir` refuses any other.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import yaml

from sim.results.folders import kind_of
from sim.results.meta import to_jsonable
from sim.results.store import write_parquet
from sim.scenario.tempnames import remove_stale, temp_name
from sim.sweep.errors import SweepError

SWEEP_FILE = "sweep.yaml"
SCENARIO_FILE = "scenario.yaml"
MANIFEST_FILE = "manifest.json"
POINTS_DIR = "points"
POINTS_FILE = "points.parquet"
SENSITIVITY_FILE = "sensitivity.parquet"
PLOTS_DIR = "plots"
KIND = "sweep"  # the manifest's marker: {"tool": "ceasefire-sim", "kind": "sweep"}
_POINT = re.compile(r"^point-(\d+)\.parquet$")


def point_path(folder: Path, k: int) -> Path:
    """File of point ``k``: ``points/point-00042.parquet``."""
    return folder / POINTS_DIR / f"point-{k:05d}.parquet"


def _tmp_name(path: Path) -> Path:
    return temp_name(path, "tmp")  # names its writer, so a later run can clean it up


def write_atomic(path: Path, write: Any) -> None:
    """Call ``write(tmp)`` on a temporary sibling of ``path`` and rename it to ``path``."""
    tmp = _tmp_name(path)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically."""
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_json(path: Path, obj: Any) -> None:
    """Write ``obj`` as indented JSON to ``path`` atomically."""
    text = json.dumps(to_jsonable(obj), indent=2, ensure_ascii=False, allow_nan=False)
    write_text(path, text + "\n")


def write_table(path: Path, df: pd.DataFrame) -> None:
    """Write ``df`` to ``path`` as deterministic Parquet, atomically."""
    write_atomic(path, lambda tmp: write_parquet(df, tmp))


def write_point(folder: Path, k: int, runs: pd.DataFrame) -> Path:
    """Store the replications of point ``k`` (atomic, so a point file is whole or absent)."""
    path = point_path(folder, k)
    write_table(path, runs.reset_index(drop=True))
    return path


def read_point(folder: Path, k: int, columns: list[str] | None = None) -> pd.DataFrame:
    """The replications of point ``k`` (only ``columns`` when given)."""
    return pq.read_table(point_path(folder, k), columns=columns).to_pandas()


def finished_points(folder: Path, n_points: int, runs_per_point: int) -> set[int]:
    """Points whose file is present, readable and holds ``runs_per_point`` replications."""
    done: set[int] = set()
    pdir = folder / POINTS_DIR
    if not pdir.is_dir():
        return done
    for entry in pdir.iterdir():
        m = _POINT.match(entry.name)
        if not m or int(m.group(1)) >= n_points:
            continue
        try:
            rows = pq.ParquetFile(entry).metadata.num_rows
        except Exception:  # noqa: BLE001 - any unreadable file is simply run again
            continue
        if rows == runs_per_point:
            done.add(int(m.group(1)))
    return done


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of sweep folder ``folder``.

    Raises:
        SweepError: ``folder`` is not a sweep folder.
    """
    path = folder / MANIFEST_FILE
    if not folder.is_dir():
        raise SweepError(f"{folder}: not a folder")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SweepError(f"{folder}: not a sweep folder (no {MANIFEST_FILE}); give a folder "
                         "written by `ceasefire sweep`") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SweepError(f"{path}: cannot read the manifest: {exc}") from None
    if not isinstance(data, dict) or kind_of(data) != KIND:
        raise SweepError(f"{folder}: not a sweep folder ({MANIFEST_FILE} was not written by "
                         "`ceasefire sweep`)")
    return data


def is_sweep_dir(folder: Path) -> bool:
    """Whether ``folder`` holds a sweep manifest (complete or not)."""
    try:
        read_manifest(folder)
    except SweepError:
        return False
    return True


def replace_dir(tmp: Path, target: Path) -> None:
    """Put the finished folder ``tmp`` at ``target``, removing an older ``target`` only then."""
    old = None
    if target.exists():
        old = temp_name(target, "old")
        os.rename(target, old)
    os.rename(tmp, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def clean_stale(folder: Path) -> None:
    """Remove what killed writers left in sweep folder ``folder`` (:mod:`sim.scenario.tempnames`).

    Its temporary files and plots folder, and its points' temporary files, when their writer
    is gone; a live writer's are left alone.
    """
    remove_stale(folder)
    remove_stale(folder / POINTS_DIR)


@dataclass(frozen=True, eq=False)
class SweepDir:
    """A finished sweep folder read back into memory.

    Attributes:
        path: The folder.
        points: ``points.parquet``: one row per point.
        sensitivity: ``sensitivity.parquet``, or None for grid and LHS sweeps.
        spec: ``sweep.yaml`` as a dict (the resolved sweep).
        manifest: ``manifest.json``.
    """

    path: Path
    points: pd.DataFrame
    sensitivity: pd.DataFrame | None
    spec: dict[str, Any]
    manifest: dict[str, Any]

    @property
    def name(self) -> str:
        """The sweep's name (the sweep file's stem)."""
        return str(self.manifest.get("name", self.path.name))

    @property
    def parameters(self) -> list[str]:
        """Parameter key paths, in the sweep's order."""
        return list(self.spec.get("parameters", {}))

    @property
    def outputs(self) -> list[str]:
        """Outputs, in the sweep's order."""
        return list(self.spec.get("outputs", []))


def read_sweep_dir(path: Path | str, complete: bool = True) -> SweepDir:
    """Read a finished sweep folder.

    Args:
        path: The folder.
        complete: Refuse a folder whose manifest does not say ``complete`` (the runner turns
            this off to draw the plots of a sweep it is finishing).

    Raises:
        SweepError: ``path`` is not a sweep folder, or the sweep has not finished.
    """
    folder = Path(path)
    manifest = read_manifest(folder)
    if complete and manifest.get("status") != "complete":
        done, total = manifest.get("points_done", "?"), manifest.get("points", "?")
        raise SweepError(f"{folder}: the sweep has not finished (status "
                         f"{manifest.get('status')!r}, {done} of {total} points); continue it "
                         f"with `ceasefire sweep SWEEP --resume {folder}`")
    try:
        spec = yaml.safe_load((folder / SWEEP_FILE).read_text(encoding="utf-8"))
        points = pd.read_parquet(folder / POINTS_FILE, engine="pyarrow")
        sens_path = folder / SENSITIVITY_FILE
        sens = pd.read_parquet(sens_path, engine="pyarrow") if sens_path.is_file() else None
    except (OSError, yaml.YAMLError, ValueError) as exc:
        raise SweepError(f"{folder}: cannot read the sweep's files: {exc}") from None
    return SweepDir(folder, points, sens, spec if isinstance(spec, dict) else {}, manifest)
