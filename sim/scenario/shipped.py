"""The scenarios shipped with ceasefire-sim, and finding one by its name.

The shipped files live in the repository's ``scenarios/`` folder. The package reaches them as
``sim/shipped/`` (in a checkout a symbolic link to ``../scenarios``; in an installed wheel a
copy, as package data), so they are found the same way after ``pip install -e .`` and after a
regular ``pip install .``. A scenario argument that is not an existing file but names a shipped
scenario (``istanbul_2025`` or ``istanbul_2025.yaml``; ``sweeps/baseline_sobol`` for a sweep) is
read from there: ``ceasefire run istanbul_2025`` works from any folder.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Where the shipped files are (``sim/shipped``), resolved through the link in a checkout.
SHIPPED_DIR = (Path(__file__).resolve().parents[1] / "shipped").resolve()


def shipped_dir() -> Path | None:
    """The folder of the shipped scenarios, or None if this installation has none."""
    return SHIPPED_DIR if SHIPPED_DIR.is_dir() else None


def shipped_scenarios() -> list[Path]:
    """The shipped scenario files (``scenarios/*.yaml``), sorted; [] when there are none."""
    folder = shipped_dir()
    return sorted(folder.glob("*.yaml")) if folder is not None else []


def shipped_sweeps() -> list[Path]:
    """The shipped sweep files (``scenarios/sweeps/*.yaml``), sorted."""
    folder = shipped_dir()
    return sorted((folder / "sweeps").glob("*.yaml")) if folder is not None else []


def find_shipped(name: str, kind: str = "") -> Path | None:
    """The shipped file called ``name`` (with or without ``.yaml``), or None.

    Args:
        name: A bare name such as ``istanbul_2025``, or ``sweeps/baseline_sobol``.
        kind: A subfolder to look in as well (``"sweeps"``).
    """
    folder = shipped_dir()
    text = os.fspath(name)
    if folder is None or not text or text.startswith(("/", ".")) or "\\" in text:
        return None
    stem = text.removesuffix(".yaml")
    candidates = [folder / f"{stem}.yaml"]
    if kind and "/" not in stem:
        candidates.append(folder / kind / f"{stem}.yaml")
    for path in candidates:
        if path.is_file() and path.resolve().is_relative_to(folder):
            return path
    return None


def resolve_scenario_path(path: str | os.PathLike[str], kind: str = "") -> str:
    """``path`` itself if it exists; else the shipped file of that name; else ``path`` unchanged.

    An existing file always wins, so a local ``istanbul_2025.yaml`` is read rather than the
    shipped one.
    """
    text = os.fspath(path)
    if Path(text).exists():
        return text
    found = find_shipped(text, kind)
    return str(found) if found is not None else text
