"""Result folders: write one atomically, read one back.

A result folder holds::

    scenario.yaml     the fully resolved scenario
    meta.json         what the plots need to know about the scenario (see sim.results.meta)
    runs.parquet      one row per replication
    rounds.parquet    per-round trajectories (long form)
    summary.json      shares with Wilson 95% intervals (see sim.results.summary)
    manifest.json     provenance (given by the caller) + the files' names, sizes and SHA-256
    plots/            figures, drawn from the files above by sim.plots (optional)

Everything is first written into a hidden sibling ``.<name>.partial-<writer>-<random>`` and
renamed into place only when complete, so an interrupted or failed write never leaves a folder
that looks finished; the name records the writing process (:mod:`sim.scenario.tempnames`), and
the next writer in the same place removes what a killed writer left. ``manifest.json`` is
written last and starts with the marker ``{"tool": "ceasefire-sim", "kind": "run"}``
(:mod:`sim.results.folders`), which is what ``--force`` looks for.

:func:`write_run_dir` writes a folder from tables in memory; :class:`RunDirWriter` makes the
hidden folder first and streams ``runs.parquet`` into it while the runs go on
(:class:`RunsWriter`), then writes the rest. Both give the same bytes for the same tables.

Parquet files are written deterministically: the same tables give byte-identical files (no
pandas index, no timestamps; the pandas schema metadata is kept so that dtypes such as the
nullable ``agreement_holds`` round-trip). ``runs.parquet`` has row groups of a fixed
:data:`RUNS_ROW_GROUP` rows, so its bytes do not depend on how the runs were chunked.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.results.errors import OutputExistsError, ResultsError
from sim.results.folders import marker, replace_problem
from sim.results.meta import normalise_meta, to_jsonable
from sim.results.summary import summarise, summarise_parquet
from sim.scenario.tempnames import remove_stale, temp_name

SCENARIO_FILE = "scenario.yaml"
MANIFEST_FILE = "manifest.json"
RUNS_FILE = "runs.parquet"
ROUNDS_FILE = "rounds.parquet"
SESSIONS_FILE = "sessions.parquet"
SUMMARY_FILE = "summary.json"
META_FILE = "meta.json"
PLOTS_DIR = "plots"

#: Files every complete result folder has.
REQUIRED_FILES: tuple[str, ...] = (
    SCENARIO_FILE,
    META_FILE,
    RUNS_FILE,
    ROUNDS_FILE,
    SUMMARY_FILE,
    MANIFEST_FILE,
)

ColumnDtype = Literal["int64", "float64", "bool", "boolean", "str"]
"""Canonical dtypes of the contract columns."""

RUNS_COLUMNS: dict[str, ColumnDtype] = {
    "run": "int64",
    "seed": "int64",
    "outcome": "str",
    "rounds": "int64",
    "dictated_peace": "bool",
    "imposed_on": "str",
    "agreement_holds": "boolean",
    "exchanges": "int64",
    "walkout_by": "str",
}
ROUNDS_COLUMNS: dict[str, ColumnDtype] = {
    "run": "int64",
    "round": "int64",
    "actor": "str",
    "issue": "str",
    "position": "float64",
    "front": "float64",
    "settled": "bool",
    "exchange": "bool",
}
_PREFIXED_FLOAT = ("terms.", "utility.", "fired.", "param.")
_NAME = re.compile(r"^[a-z0-9_-]+$")


@dataclass(frozen=True, eq=False)
class RunDir:
    """A result folder read back into memory.

    Attributes:
        runs: One row per replication, sorted by ``run``.
        rounds: Per-round trajectories (long form).
        sessions: One row per traced run and session (empty for a folder written before
            ``sessions.parquet`` existed).
        summary: The content of ``summary.json``.
        meta: The content of ``meta.json``.
        manifest: The content of ``manifest.json``.
        path: The folder.
    """

    runs: pd.DataFrame
    rounds: pd.DataFrame
    summary: dict[str, Any]
    meta: dict[str, Any]
    manifest: dict[str, Any]
    path: Path
    sessions: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def name(self) -> str:
        """The scenario name."""
        return str(self.meta.get("name", self.summary.get("scenario", "")))

    @property
    def title(self) -> str:
        """The scenario title, or its name when it has none."""
        return str(self.meta.get("title") or self.name)


def plots_dir(path: Path | str) -> Path:
    """The folder where the figures of result folder ``path`` go (``<path>/plots``).

    Args:
        path: A result folder.

    Returns:
        The plots folder (not created).
    """
    return Path(path) / PLOTS_DIR


def default_run_dir(root: Path | str, scenario_name: str, seed: int, tag: str = "") -> Path:
    """The default folder name ``root/<name>/<UTC time>-s<seed>``, with ``-2``, ``-3``... if taken.

    Args:
        root: Output root (``results/`` by default in the CLI).
        scenario_name: Scenario name (a slug).
        seed: Master seed.
        tag: Appended as ``-<tag>`` (a run that changed its scenario with ``--set`` says so).

    Returns:
        A path that does not exist yet.
    """
    base = Path(root) / scenario_name / f"{_utc_stamp()}-s{int(seed)}{_tagged(tag)}"
    candidate, k = base, 1
    while candidate.exists():
        k += 1
        candidate = base.with_name(f"{base.name}-{k}")
    return candidate


def _tagged(tag: str) -> str:
    if tag and not _NAME.match(tag):
        raise ResultsError(f"folder tag {tag!r} is not a slug [a-z0-9_-]+")
    return f"-{tag}" if tag else ""


def _utc_stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


# --- tables ---------------------------------------------------------------------------------


def _canonical(df: pd.DataFrame, columns: Mapping[str, ColumnDtype], what: str) -> pd.DataFrame:
    """Check the contract columns and give them their canonical dtypes (stable file schema)."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ResultsError(f"{what} table lacks the column(s) {', '.join(missing)}")
    df = df.copy(deep=False)  # the columns below are replaced, never written into
    for col, dtype in columns.items():
        if dtype in ("int64", "bool", "str") and df[col].isna().any():
            raise ResultsError(f"{what}.{col} has missing values")
        if dtype in ("int64", "float64", "bool") and df[col].dtype == np.dtype(dtype):
            continue  # already canonical (the engines' tables): no copy
        try:
            df[col] = df[col].astype(dtype)
        except (TypeError, ValueError) as exc:
            raise ResultsError(f"{what}.{col} cannot be read as {dtype}: {exc}") from exc
    if what == "runs":
        recast = [col for col in df.columns
                  if col.startswith(_PREFIXED_FLOAT) and df[col].dtype != np.float64]
        for col in recast:
            df[col] = df[col].astype("float64")
    return df


def prepare_runs(runs: pd.DataFrame) -> pd.DataFrame:
    """The runs table as it is stored: contract dtypes, sorted by ``run``, plain index.

    Args:
        runs: The engine's runs table.

    Returns:
        A new, canonical DataFrame.

    Raises:
        ResultsError: If a contract column is missing, malformed or ``run`` repeats.
    """
    df = _canonical(runs, RUNS_COLUMNS, "runs")
    if df["run"].duplicated().any():
        raise ResultsError("runs.run must be unique (one row per replication)")
    return df.sort_values("run", kind="stable").reset_index(drop=True)


def prepare_rounds(rounds: pd.DataFrame) -> pd.DataFrame:
    """The rounds table as it is stored: contract dtypes, stably sorted by run and round.

    The order within a round (actors, issues) is kept as the engine gave it.

    Args:
        rounds: The engine's rounds table.

    Returns:
        A new, canonical DataFrame.

    Raises:
        ResultsError: If a contract column is missing or malformed.
    """
    df = _canonical(rounds, ROUNDS_COLUMNS, "rounds")
    return _sorted(df, "run", "round")


def _sorted(df: pd.DataFrame, first: str, second: str) -> pd.DataFrame:
    """``df`` stably sorted by two integer columns, with a plain index.

    The engine's tables come in that order already; a stable sort of sorted keys changes
    nothing, so it is skipped rather than paid for with a copy of the table.
    """
    a, b = df[first].to_numpy(), df[second].to_numpy()
    if a.dtype.kind in "iu" and b.dtype.kind in "iu":
        step = np.diff(a)
        if bool(np.all((step > 0) | ((step == 0) & (np.diff(b) >= 0)))):
            return df.reset_index(drop=True)
    return df.sort_values([first, second], kind="stable").reset_index(drop=True)


def prepare_sessions(sessions: pd.DataFrame | None) -> pd.DataFrame:
    """The sessions table as it is stored: stably sorted by run and session.

    Text columns (``date``, ``newly_settled``, ``walkout``) are stored with the string dtype,
    as the contract columns of the runs and rounds tables are: how pandas types them after
    concatenating the chunks' tables depends on whether an untraced (empty) chunk was among
    them, and so on the chunk size, which must not change the file.
    """
    if sessions is None or sessions.empty and "run" not in sessions:
        return pd.DataFrame({"run": pd.Series(dtype=np.int64),
                             "session": pd.Series(dtype=np.int64)})
    df = _sorted(sessions, "run", "session")
    for col in df.columns:
        if (df[col].dtype == object or isinstance(df[col].dtype, pd.StringDtype)) \
                and not df[col].isna().any():
            df[col] = df[col].astype("str")
    return df


#: How the Parquet files are written (compression, dictionaries, statistics, the schema).
PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "use_dictionary": True,
    "write_statistics": True,
    "store_schema": True,
}

#: How ``runs.parquet`` is written: without dictionary encoding. Its row groups are small
#: (:data:`RUNS_ROW_GROUP`), so every row group's dictionary of a continuous column (terms,
#: utilities, sampled inputs, seeds) would hold nearly every value and cost more than it saves:
#: 300,000 baseline runs took 104.1 MiB with dictionaries, 85.4 MiB without (93.8 MiB as one
#: row group with them, as the whole table was written before runs were streamed).
RUNS_PARQUET_OPTIONS: dict[str, Any] = {**PARQUET_OPTIONS, "use_dictionary": False}

#: Rows per row group of ``runs.parquet``. Fixed, so that the file's bytes depend on the runs
#: alone, not on how they were chunked, on ``--jobs`` or on whether they were streamed. The
#: writer holds about two row groups (about 17 MiB of the baseline's runs).
RUNS_ROW_GROUP = 1 << 14


def write_parquet(df: pd.DataFrame, path: Path, row_group_size: int | None = None,
                  options: Mapping[str, Any] | None = None) -> None:
    """Write ``df`` to ``path`` deterministically (same table -> same bytes).

    Args:
        df: The table; its index is dropped.
        path: Destination file.
        row_group_size: Rows per row group (default: pyarrow's).
        options: Writer options (default :data:`PARQUET_OPTIONS`).
    """
    table = pa.Table.from_pandas(df, preserve_index=False)
    pq.write_table(table, path, row_group_size=row_group_size,
                   **(PARQUET_OPTIONS if options is None else options))


class RunsWriter:
    """``runs.parquet`` written while the replications run, one row group at a time.

    Each part (a chunk of replications, in run order) gets the contract dtypes of
    :func:`prepare_runs`; parts are buffered as Arrow tables until :data:`RUNS_ROW_GROUP` rows
    are there, and each row group is written from one contiguous table. The file is
    byte-identical to :func:`write_parquet` of the whole prepared table with that row-group
    size and :data:`RUNS_PARQUET_OPTIONS`, whatever the parts' sizes: memory holds at most
    about two row groups, not the run.

    Args:
        path: The file to write.
        row_group_size: Rows per row group (default :data:`RUNS_ROW_GROUP`).
    """

    def __init__(self, path: Path, row_group_size: int | None = None) -> None:
        self.path = Path(path)
        self.row_group_size = int(row_group_size or RUNS_ROW_GROUP)
        self.rows = 0
        self._last = -1
        self._schema: pa.Schema | None = None
        self._writer: pq.ParquetWriter | None = None
        self._parts: list[pa.Table] = []
        self._buffered = 0

    def write(self, runs: pd.DataFrame) -> None:
        """Append the next replications (their ``run`` ids above every earlier one, ascending).

        Raises:
            ResultsError: A contract column is missing or malformed, the runs are out of order
                or repeat, or the part's columns differ from the first part's.
        """
        df = _canonical(runs, RUNS_COLUMNS, "runs")
        ids = df["run"].to_numpy()
        if ids.size and (ids[0] <= self._last or bool(np.any(np.diff(ids) <= 0))):
            raise ResultsError("runs.run must be unique (one row per replication) and the "
                               "parts of a streamed runs table must come in run order")
        table = pa.Table.from_pandas(df, preserve_index=False)
        if self._schema is None:
            self._schema = table.schema
            self._writer = pq.ParquetWriter(self.path, self._schema, **RUNS_PARQUET_OPTIONS)
        elif not table.schema.equals(self._schema, check_metadata=True):
            raise ResultsError("a part of the runs table has other columns or dtypes than the "
                               "first part")
        if ids.size:
            self._last = int(ids[-1])
        self.rows += table.num_rows
        self._parts.append(table)
        self._buffered += table.num_rows
        while self._buffered >= self.row_group_size:
            self._flush(self.row_group_size)

    def _flush(self, rows: int) -> None:
        assert self._writer is not None
        buffered = pa.concat_tables(self._parts)
        group = buffered.slice(0, rows).combine_chunks()
        self._writer.write_table(group, row_group_size=self.row_group_size)
        rest = buffered.slice(rows)
        self._parts = [rest] if rest.num_rows else []
        self._buffered -= rows

    def close(self) -> None:
        """Write the last (shorter) row group and the file's footer.

        Raises:
            ResultsError: Nothing was written (not even an empty part, which gives the schema).
        """
        if self._writer is None:
            raise ResultsError("no runs were written")
        if self._buffered:
            self._flush(self._buffered)
        elif self.rows == 0:  # an empty table, written as the whole-table writer writes it
            self._writer.write_table(self._parts[0], row_group_size=self.row_group_size)
        self._writer.close()
        self._writer = None
        self._parts = []

    def abort(self) -> None:
        """Close the file without finishing it (the caller removes it)."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self._parts = []


def _write_json(obj: Any, path: Path) -> None:
    text = json.dumps(to_jsonable(obj), indent=2, ensure_ascii=False, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# --- writing --------------------------------------------------------------------------------


def check_target(out_dir: Path | str, force: bool, kind: str = "run") -> None:
    """Refuse an output folder that cannot or must not be written, before any work is done.

    A non-empty folder is refused unless ``force``; even with ``force`` only an earlier result
    folder of the same ``kind`` (``run``, ``calibration``; its manifest's marker says so,
    :mod:`sim.results.folders`) holding nothing else is replaced, never an arbitrary folder nor
    a folder of another kind. The parent must be a folder that can be created and written.

    Raises:
        OutputExistsError: the folder exists and may not be replaced.
        ResultsError: the path is a file, or its parent cannot be created or written.
    """
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ResultsError(f"output path {out_dir} exists and is not a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()):
        if not force:
            raise OutputExistsError(
                f"output folder {out_dir} exists and is not empty; "
                "choose another folder or use --force to replace it"
            )
        problem = replace_problem(out_dir, kind)
        if problem is not None:
            raise OutputExistsError(problem)
    parent = out_dir.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ResultsError(f"cannot create the folder {parent} for {out_dir}: "
                           f"{exc.strerror or exc}") from None
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ResultsError(f"cannot write in {parent} (permission denied)")


_check_target = check_target


def _fill_folder(
    tmp: Path,
    *,
    runs: pd.DataFrame | None,
    rounds: pd.DataFrame,
    sessions: pd.DataFrame,
    meta: dict[str, Any],
    scenario_yaml: str,
    manifest: Mapping[str, Any],
) -> dict[str, Any]:
    """Write every file of the folder into ``tmp`` (``runs=None``: runs.parquet is there).

    Returns:
        The summary written to ``summary.json``.
    """
    (tmp / SCENARIO_FILE).write_text(scenario_yaml, encoding="utf-8")
    _write_json(meta, tmp / META_FILE)
    if runs is not None:
        write_parquet(runs, tmp / RUNS_FILE, row_group_size=RUNS_ROW_GROUP,
                      options=RUNS_PARQUET_OPTIONS)
    write_parquet(rounds, tmp / ROUNDS_FILE)
    write_parquet(sessions, tmp / SESSIONS_FILE)
    summary = summarise(runs, meta) if runs is not None else summarise_parquet(
        tmp / RUNS_FILE, meta)
    _write_json(summary, tmp / SUMMARY_FILE)
    files = {
        name: {"bytes": (tmp / name).stat().st_size, "sha256": _sha256(tmp / name)}
        for name in (*REQUIRED_FILES, SESSIONS_FILE)
        if name != MANIFEST_FILE
    }
    full: dict[str, Any] = {**marker("run"),
                            **{k: v for k, v in manifest.items() if k not in ("tool", "kind")}}
    full["files"] = files
    full["summary"] = SUMMARY_FILE
    _write_json(full, tmp / MANIFEST_FILE)
    return summary


def _check_name(scenario_name: str) -> None:
    if not isinstance(scenario_name, str) or not _NAME.match(scenario_name):
        raise ResultsError(f"scenario name {scenario_name!r} is not a slug [a-z0-9_-]+")


def _clean_meta(meta: Mapping[str, Any], scenario_name: str, seed: int) -> dict[str, Any]:
    _check_name(scenario_name)
    meta_in = dict(meta)
    for key, value in (("name", scenario_name), ("seed", int(seed))):
        if key in meta_in and meta_in[key] != value:
            raise ResultsError(f"meta {key}={meta_in[key]!r} disagrees with {key}={value!r}")
        meta_in[key] = value
    return normalise_meta(meta_in)


def _partial_folder(out_dir: Path | str | None, root: Path | str, scenario_name: str,
                    seed: int, force: bool, tag: str = "") -> tuple[Path | None, Path]:
    """Check the target and make the hidden folder the files are written into first.

    Returns:
        The target (``None`` for the default folder, named when it is published) and the new
        temporary folder beside it.
    """
    if out_dir is None:
        target = None
        parent = (Path(root) / scenario_name).absolute()
        name = f"{_utc_stamp()}-s{int(seed)}{_tagged(tag)}"
    else:
        target = Path(out_dir)
        _check_target(target, force)
        target = target.absolute()
        parent, name = target.parent, target.name
    parent.mkdir(parents=True, exist_ok=True)
    remove_stale(parent)  # what writers killed before they finished left here
    tmp = temp_name(parent / name, "partial")
    tmp.mkdir()
    return target, tmp


def _publish(tmp: Path, target: Path | None, root: Path | str, scenario_name: str, seed: int,
             force: bool, tag: str = "") -> Path:
    """Rename the complete ``tmp`` into place and return where it went."""
    if target is None:
        return _rename_to_free_name(tmp, default_run_dir(root, scenario_name, seed,
                                                         tag).absolute())
    _move_into_place(tmp, target, force)
    return target


def _move_into_place(tmp: Path, target: Path, force: bool, kind: str = "run") -> None:
    """Rename the finished ``tmp`` to ``target``, replacing an old folder of ``kind`` only now."""
    if not target.exists():
        os.rename(tmp, target)
        return
    if not any(target.iterdir()):
        target.rmdir()
        os.rename(tmp, target)
        return
    if not force:  # appeared while we were writing
        raise OutputExistsError(f"output folder {target} appeared while writing; not replaced")
    problem = replace_problem(target, kind)  # it may have changed while the runs went on
    if problem is not None:
        raise OutputExistsError(problem)
    old = temp_name(target, "old")
    os.rename(target, old)
    try:
        os.rename(tmp, target)
    except BaseException:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def write_run_dir(
    out_dir: Path | str | None,
    *,
    root: Path | str,
    scenario_name: str,
    seed: int,
    runs_df: pd.DataFrame,
    rounds_df: pd.DataFrame,
    meta: Mapping[str, Any],
    scenario_yaml: str,
    manifest: Mapping[str, Any],
    sessions_df: pd.DataFrame | None = None,
    force: bool = False,
    before_publish: Callable[[Path], Any] | None = None,
) -> Path:
    """Write a complete result folder, atomically.

    Args:
        out_dir: The folder to write; ``None`` for the default
            ``root/<scenario_name>/<UTC time YYYYmmddTHHMMSSZ>-s<seed>/`` (with ``-2``, ``-3``...
            appended if that exists).
        root: Output root used when ``out_dir`` is ``None``.
        scenario_name: Scenario name (slug ``[a-z0-9_-]+``).
        seed: Master seed.
        runs_df: One row per replication (run-table contract).
        rounds_df: Per-round trajectories (run-table contract).
        meta: Scenario facts for the plots (see :mod:`sim.results.meta`); ``name`` and ``seed``
            are filled in from the arguments when absent.
        scenario_yaml: The fully resolved scenario as YAML text.
        manifest: Provenance fields; ``files`` (name -> bytes, sha256) and ``summary`` are added.
        force: Replace an existing non-empty ``out_dir`` (only once the new folder is complete).
        before_publish: Called with the complete temporary folder before it is renamed into
            place (e.g. to draw the plots into it); if it fails, nothing is published.

    Returns:
        The path of the finished folder.

    Raises:
        OutputExistsError: If ``out_dir`` exists, is not empty and ``force`` is false.
        ResultsError: If the tables or the meta dict break the contract.
    """
    clean_meta = _clean_meta(meta, scenario_name, seed)
    runs = prepare_runs(runs_df)
    rounds = prepare_rounds(rounds_df)
    sessions = prepare_sessions(sessions_df)
    target, tmp = _partial_folder(out_dir, root, scenario_name, seed, force)
    try:
        _fill_folder(tmp, runs=runs, rounds=rounds, sessions=sessions, meta=clean_meta,
                     scenario_yaml=scenario_yaml, manifest=manifest)
        if before_publish is not None:
            before_publish(tmp)
        return _publish(tmp, target, root, scenario_name, seed, force)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


class RunDirWriter:
    """A result folder written in two steps: ``runs.parquet`` while the runs go on, the rest after.

    The folder is made (hidden, as ``.<name>.partial-<writer>-<random>``) when the writer is
    created, so
    an unusable target is refused before any run. :meth:`add_runs` streams each chunk of
    replications into ``runs.parquet`` (:class:`RunsWriter`); :meth:`publish` writes the other
    files, ``summary.json`` from the streamed file read back in batches
    (:func:`~sim.results.summary.summarise_parquet`), and renames the folder into place. The
    folder is byte for byte what :func:`write_run_dir` writes for the same tables. Used as a
    context manager, a failure before :meth:`publish` removes the hidden folder.

    Args:
        out_dir, root, scenario_name, seed, force: as for :func:`write_run_dir`.
        tag: Appended to the default folder's name as ``-<tag>`` (see :func:`default_run_dir`).

    Raises:
        OutputExistsError: If ``out_dir`` exists, is not empty and ``force`` is false.
        ResultsError: If the scenario name is not a slug or the folder cannot be made.
    """

    def __init__(self, out_dir: Path | str | None, *, root: Path | str, scenario_name: str,
                 seed: int, force: bool = False, tag: str = "") -> None:
        _check_name(scenario_name)
        self.root, self.scenario_name, self.seed, self.force = root, scenario_name, seed, force
        self.tag = tag
        self._target, self.tmp = _partial_folder(out_dir, root, scenario_name, seed, force, tag)
        self.runs = RunsWriter(self.tmp / RUNS_FILE)
        self.path: Path | None = None
        self.summary: dict[str, Any] | None = None

    def add_runs(self, runs: pd.DataFrame) -> None:
        """Append the next chunk of replications to ``runs.parquet`` (in run order)."""
        self.runs.write(runs)

    def publish(
        self,
        *,
        rounds_df: pd.DataFrame,
        meta: Mapping[str, Any],
        scenario_yaml: str,
        manifest: Mapping[str, Any],
        sessions_df: pd.DataFrame | None = None,
        before_publish: Callable[[Path], Any] | None = None,
    ) -> Path:
        """Finish the folder and rename it into place (arguments as for :func:`write_run_dir`).

        Returns:
            The path of the finished folder.
        """
        try:
            clean_meta = _clean_meta(meta, self.scenario_name, self.seed)
            rounds = prepare_rounds(rounds_df)
            sessions = prepare_sessions(sessions_df)
            self.runs.close()
            self.summary = _fill_folder(self.tmp, runs=None, rounds=rounds, sessions=sessions,
                                        meta=clean_meta, scenario_yaml=scenario_yaml,
                                        manifest=manifest)
            if before_publish is not None:
                before_publish(self.tmp)
            self.path = _publish(self.tmp, self._target, self.root, self.scenario_name,
                                 self.seed, self.force, self.tag)
        except BaseException:
            self.abort()
            raise
        return self.path

    def abort(self) -> None:
        """Give up: close ``runs.parquet`` and remove the hidden folder."""
        self.runs.abort()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> RunDirWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        if kind is not None and self.path is None:
            self.abort()


def _rename_to_free_name(tmp: Path, target: Path) -> Path:
    """Rename ``tmp`` to ``target`` or, if that got taken meanwhile, the next free suffix."""
    base, k = target, 1
    while True:
        if not target.exists():
            try:
                os.rename(tmp, target)
                return target
            except OSError:
                if not target.exists():
                    raise
        k += 1
        target = base.with_name(f"{base.name}-{k}")


# --- reading --------------------------------------------------------------------------------


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultsError(f"cannot read {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ResultsError(f"{path} does not hold a JSON object")
    return data


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path, engine="pyarrow")
    except (OSError, pa.ArrowException) as exc:
        raise ResultsError(f"cannot read {path}: {exc}") from exc


def read_runs(path: Path | str) -> pd.DataFrame:
    """The runs table of result folder ``path`` (its ``runs.parquet``).

    Raises:
        ResultsError: If the file is missing or unreadable.
    """
    return _read_parquet(Path(path) / RUNS_FILE)


def read_run_dir(path: Path | str) -> RunDir:
    """Read a result folder written by :func:`write_run_dir`.

    Args:
        path: The folder.

    Returns:
        The folder's tables and JSON documents.

    Raises:
        ResultsError: If ``path`` is not a folder, not a result folder (no ``manifest.json``) or
            a file is missing or unreadable.
    """
    path = Path(path)
    if not path.is_dir():
        raise ResultsError(f"{path} is not a folder")
    if not (path / MANIFEST_FILE).is_file():
        raise ResultsError(
            f"{path} is not a result folder (no {MANIFEST_FILE}); "
            "give a folder written by `ceasefire run`"
        )
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    if missing:
        raise ResultsError(f"result folder {path} is incomplete: missing {', '.join(missing)}")
    return RunDir(
        runs=_read_parquet(path / RUNS_FILE),
        rounds=_read_parquet(path / ROUNDS_FILE),
        sessions=(_read_parquet(path / SESSIONS_FILE) if (path / SESSIONS_FILE).is_file()
                  else pd.DataFrame()),
        summary=_read_json(path / SUMMARY_FILE),
        meta=_read_json(path / META_FILE),
        manifest=_read_json(path / MANIFEST_FILE),
        path=path,
    )
