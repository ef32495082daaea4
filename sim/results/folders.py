"""Which folders ceasefire-sim wrote, and of what kind: what ``--force`` may replace.

Every folder the tool writes has a ``manifest.json`` that starts with the marker
``{"tool": "ceasefire-sim", "kind": <kind>}``, the kind being ``run`` (``ceasefire run``),
``sweep`` (``ceasefire sweep``), ``calibration`` or ``comparison``. ``--force`` replaces an
existing folder only when :func:`replace_problem` finds nothing against it: the folder must
carry the marker of the same kind and hold nothing but what such a folder holds (so a folder
with a web app's ``manifest.json``, a folder without a manifest, a sweep given to ``run
--force``, or a result folder into which someone put notes of their own, is refused and left
as it is).

Folders written before the marker existed are recognised by the fields their manifests always
had: a run's manifest by ``"package": "ceasefire-sim"`` with ``runs``, ``engine`` and
``files``, a sweep's by ``"kind": "ceasefire-sim sweep"``, a calibration's by ``"kind":
"ceasefire-sim calibration"``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sim.scenario.tempnames import is_temporary

TOOL = "ceasefire-sim"
MANIFEST_FILE = "manifest.json"
KINDS: tuple[str, ...] = ("run", "sweep", "calibration", "comparison")

#: What a folder of each kind holds (a kind not listed is not checked entry by entry).
CONTENTS: dict[str, frozenset[str]] = {
    "run": frozenset({"scenario.yaml", "manifest.json", "runs.parquet", "rounds.parquet",
                      "sessions.parquet", "summary.json", "meta.json", "plots", "report.html"}),
    "sweep": frozenset({"sweep.yaml", "scenario.yaml", "manifest.json", "points",
                        "points.parquet", "sensitivity.parquet", "plots", "report.html"}),
    "calibration": frozenset({"calibration.yaml", "manifest.json", "posterior.parquet",
                              "generations.parquet", "predictive.parquet", "summary.json",
                              "generations", "prior_posterior.png", "predictive.png",
                              "report.html"}),
}

#: The sweep manifests' ``kind`` before the marker.
LEGACY_SWEEP_KIND = "ceasefire-sim sweep"
#: The calibration manifests' ``kind`` before the marker.
LEGACY_CALIBRATION_KIND = "ceasefire-sim calibration"

#: A manifest larger than this is nobody's manifest of ours.
MAX_MANIFEST_BYTES = 64 * 1024**2


def marker(kind: str) -> dict[str, str]:
    """The first fields of a manifest of ``kind``."""
    if kind not in KINDS:
        raise ValueError(f"unknown folder kind {kind!r}")
    return {"tool": TOOL, "kind": kind}


def read_manifest_json(folder: Path) -> dict[str, Any] | None:
    """The JSON object in ``folder/manifest.json``, or None when there is none to read."""
    path = Path(folder) / MANIFEST_FILE
    try:
        if not path.is_file() or path.stat().st_size > MAX_MANIFEST_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def kind_of(manifest: dict[str, Any] | None) -> str | None:
    """The kind of folder a manifest describes, or None when ceasefire-sim did not write it."""
    if not manifest:
        return None
    if manifest.get("tool") == TOOL and manifest.get("kind") in KINDS:
        return str(manifest["kind"])
    if manifest.get("tool") is None:  # written before the marker
        if manifest.get("kind") == LEGACY_SWEEP_KIND:
            return "sweep"
        if manifest.get("kind") == LEGACY_CALIBRATION_KIND:
            return "calibration"
        if manifest.get("package") == TOOL and "kind" not in manifest and all(
                k in manifest for k in ("runs", "engine", "files")):
            return "run"
    return None


def folder_kind(folder: Path) -> str | None:
    """The kind of ``folder`` (``run``, ``sweep``, ...), or None if ceasefire-sim did not write it."""
    return kind_of(read_manifest_json(folder))


def _article(kind: str) -> str:
    return "an" if kind[0] in "aeiou" else "a"


def replace_problem(folder: Path, kind: str) -> str | None:
    """Why ``--force`` must not replace ``folder`` with a new folder of ``kind``, or None.

    Args:
        folder: An existing, non-empty folder.
        kind: The kind of folder about to be written there.
    """
    folder = Path(folder)
    what = f"--force replaces only an earlier {kind} folder, so it is left alone"
    manifest = read_manifest_json(folder)
    found = kind_of(manifest)
    if found is None:
        if (folder / MANIFEST_FILE).exists():
            why = f"its {MANIFEST_FILE} was not written by ceasefire-sim"
        else:
            why = f"it has no {MANIFEST_FILE}"
        return (f"output folder {folder} is not empty and not a result folder of ceasefire-sim "
                f"({why}); {what}")
    if found != kind:
        return (f"output folder {folder} holds {_article(found)} {found} of ceasefire-sim, not "
                f"{_article(kind)} {kind}; {what}")
    allowed = CONTENTS.get(kind)
    if allowed is not None:
        try:
            names = sorted(e.name for e in folder.iterdir())
        except OSError as exc:
            return f"output folder {folder} cannot be listed ({exc.strerror or exc})"
        extra = [n for n in names if n not in allowed and not is_temporary(n)]
        if extra:
            shown = ", ".join(extra[:5]) + (f" and {len(extra) - 5} more" if len(extra) > 5 else "")
            return (f"output folder {folder} holds {_article(kind)} {kind} of ceasefire-sim but "
                    f"also files it did not write ({shown}); --force would delete them, so it "
                    "is left alone (move them out first)")
    return None
