"""Calibrated posteriors as scenario inputs: ``{dist: posterior, file: ...}``.

A posterior table is the ``posterior.parquet`` of a folder written by ``ceasefire calibrate``:
one row per particle, its ``weight`` and one ``param.<key path>`` column per calibrated key.
A replication picks one row by weight — one uniform of its own stream, the first time a key
naming that file is drawn — and every key naming the same file takes that row's value, so the
posterior's joint draws (its correlations) are kept. Tables are read once per process and
file version (path, size, modification time).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from sim.scenario.numbers import Posterior

POSTERIOR_FILE = "posterior.parquet"


@dataclass(frozen=True)
class PosteriorTable:
    """A posterior sample: columns by name and cumulative weights."""

    path: str
    columns: dict[str, np.ndarray]
    cumulative: np.ndarray  # (N,) cumulative normalised weights, last exactly 1

    def row(self, u: float) -> int:
        """The row a uniform ``u`` picks (inverse of the weights' CDF)."""
        k = int(np.searchsorted(self.cumulative, u, side="right"))
        return min(k, len(self.cumulative) - 1)

    def mean(self, column: str) -> float:
        """The weighted mean of ``column``."""
        w = np.diff(self.cumulative, prepend=0.0)
        return float(w @ self.columns[column])


def posterior_file(file: str | os.PathLike[str]) -> Path:
    """The ``posterior.parquet`` that ``file`` names (a calibration folder or the file)."""
    path = Path(file)
    return path / POSTERIOR_FILE if path.is_dir() else path


def column(dist: Posterior, path: str) -> str:
    """The column a key at ``path`` reads."""
    return f"param.{dist.param or path}"


def load_table(file: str | os.PathLike[str]) -> PosteriorTable:
    """The posterior table of ``file`` (cached per file version).

    Raises:
        ValueError: The file cannot be read as a posterior table (the message says why).
    """
    path = posterior_file(file)
    try:
        st = path.stat()
    except OSError:
        raise ValueError(f"{path}: not found (expected a calibration folder or its "
                         f"{POSTERIOR_FILE})") from None
    return _load(str(path.resolve()), st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=16)
def _load(path: str, size: int, mtime: int) -> PosteriorTable:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the user's input
        raise ValueError(f"{path}: cannot be read as Parquet ({exc})") from None
    cols = {name: table.column(name).to_numpy().astype(float) for name in table.column_names
            if name == "weight" or name.startswith("param.")}
    if "weight" not in cols or len(cols["weight"]) == 0:
        raise ValueError(f"{path}: not a posterior table (no rows or no 'weight' column)")
    w = cols.pop("weight")
    if not np.all(np.isfinite(w)) or (w < 0).any() or w.sum() <= 0:
        raise ValueError(f"{path}: the weights must be finite, >= 0 and not all 0")
    cum = np.cumsum(w / w.sum())
    cum[-1] = 1.0
    return PosteriorTable(path, cols, cum)


def check(dist: Posterior, path: str) -> str | None:
    """Why ``dist`` cannot stand at key ``path`` (no such file or column), or None."""
    try:
        table = load_table(dist.file)
    except ValueError as exc:
        return str(exc)
    name = column(dist, path)
    if name not in table.columns:
        have = ", ".join(c.removeprefix("param.") for c in table.columns) or "none"
        return (f"the posterior {table.path} has no column {name} (calibrated keys: {have}); "
                "give param: KEY to read another key's column")
    return None


def draw(dist: Posterior, path: str, rng: np.random.Generator, rows: dict[str, int]) -> float:
    """The value at key ``path`` for one replication; ``rows`` holds its picked rows by file."""
    table = load_table(dist.file)
    if table.path not in rows:
        rows[table.path] = table.row(float(rng.random()))
    return float(table.columns[column(dist, path)][rows[table.path]])


def mean(dist: Posterior, path: str) -> float:
    """The posterior's weighted mean at key ``path``."""
    return load_table(dist.file).mean(column(dist, path))
