"""Load a scenario file: read YAML, resolve ``extends``, apply ``--set``, validate.

Every problem becomes a :class:`~sim.scenario.errors.ScenarioError` whose message names the
file, line and column, the key path and what was expected; several problems are reported
together, numbered.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from sim.scenario.errors import Origin, ScenarioError, SourceMap, show
from sim.scenario.migrate import migrate, rename_override
from sim.scenario.models import Scenario
from sim.scenario.paths import PathProblem, default_blocks, resolve
from sim.scenario.shipped import resolve_scenario_path
from sim.scenario.translate import problems_from
from sim.scenario.yamlio import Marks, deep_merge, parse_value, read_yaml

SCHEMA_VERSION = 2
READABLE = (1, 2)  # schema 1 files are migrated when read (sim.scenario.migrate)


class SchemaMigrationWarning(UserWarning):
    """A schema 1 file was migrated to schema 2 while it was read (the message lists how)."""


def load_scenario(path: str | os.PathLike[str], overrides: Iterable[str] = ()) -> Scenario:
    """Load, resolve and validate a scenario file.

    Args:
        path: The scenario YAML file, or the name of a shipped scenario (``istanbul_2025``;
            an existing file of that name wins, see :mod:`sim.scenario.shipped`).
        overrides: ``KEY=VALUE`` strings (``--set``), applied in order after ``extends`` is
            resolved; each VALUE is parsed as YAML and KEY must be a path the schema allows.

    Returns:
        The validated scenario, with ``extends`` resolved away (``scn.extends`` is None).

    Raises:
        ScenarioError: Anything wrong with the file, its bases or the overrides.
    """
    shown = resolve_scenario_path(path)
    try:
        return _load(shown, overrides)
    except RecursionError:
        raise ScenarioError(f"{shown}: the document is nested too deeply", shown) from None


def _load(shown: str, overrides: Iterable[str]) -> Scenario:
    migrated: list[tuple[str, str]] = []  # (file, what was changed) of each schema 1 file
    data, marks = _read_document(Path(shown), shown, [], migrated)
    sources = SourceMap(marks.get((), Origin(shown, 1, 1)), marks)
    if migrated:
        files = " and ".join(f"`ceasefire migrate {name}`" for name, _ in migrated)
        warnings.warn(SchemaMigrationWarning(
            "; ".join(f"{name}: read as schema 1 and migrated to schema 2 ({notes})"
                      for name, notes in migrated)
            + f"; {files} writes the schema 2 file"), stacklevel=3)
    data = apply_overrides(data, sources, overrides, rename=_renamed if migrated else None)
    _check_version(data, sources)
    _resolve_posteriors(data, sources, ())
    try:
        scn = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(problems_from(exc, sources, data), shown) from None
    _check_posteriors(scn, sources, shown)
    return scn


def _resolve_posteriors(node: Any, sources: SourceMap, path: tuple[str, ...]) -> None:
    """Make each ``{dist: posterior, file: F}`` name F relative to the file that wrote it."""
    if isinstance(node, dict):
        if node.get("dist") == "posterior" and isinstance(node.get("file"), str):
            origin = sources.locate((*path, "file"))
            if origin.override is None and not os.path.isabs(node["file"]):
                node["file"] = os.path.normpath(
                    os.path.join(os.path.dirname(origin.file), node["file"]))
            return
        for key, value in node.items():
            _resolve_posteriors(value, sources, (*path, str(key)))
    elif isinstance(node, list):
        for k, value in enumerate(node):
            _resolve_posteriors(value, sources, (*path, str(k)))


def _check_posteriors(scn: Scenario, sources: SourceMap, shown: str) -> None:
    """Refuse a posterior whose file or column is missing (file, line, key in the message)."""
    from sim.scenario.numbers import Posterior
    from sim.scenario.uncertain import uncertain_inputs

    problems = []
    for inp in uncertain_inputs(scn):
        if isinstance(inp.dist, Posterior):
            from sim.scenario import posterior

            why = posterior.check(inp.dist, inp.path)
            if why:
                problems.append(sources.problem(tuple(inp.path.split(".")), why))
    if problems:
        raise ScenarioError(problems, shown)


def key_origin(path: str | os.PathLike[str], key: str, overrides: Iterable[str] = ()) -> str:
    """Where key ``key`` (a dotted path) of a scenario was given, for a message.

    ``file:line:column: key`` when a file (or a base it extends) wrote it, ``--set KEY=VALUE``
    when an override did, ``file: key (the default)`` when nobody did. Reads the file again:
    meant for the rare message that needs it (the work budget), not for every load.
    """
    shown = os.fspath(path)
    keys = tuple(key.split("."))
    for text in reversed(list(overrides)):
        if text.partition("=")[0].strip() == key:
            return f"--set {text}"
    try:
        _, marks = _read_document(Path(shown), shown, [], [])
    except (ScenarioError, RecursionError):
        return f"{shown}: {key}"
    origin = marks.get(keys)
    return f"{origin}: {key}" if origin is not None else f"{shown}: {key} (the default)"


def validate_file(path: str | os.PathLike[str]) -> list[str]:
    """All problems of a scenario file, one message each; empty when it is valid."""
    try:
        load_scenario(path)
    except ScenarioError as exc:
        return exc.problems
    return []


def _kind(data: Any) -> str:
    """What a non-mapping document is, without quoting it (it may be any file on the disk)."""
    if isinstance(data, str):
        return "plain text"
    if isinstance(data, list):
        return "a list"
    return f"a single {type(data).__name__} value"


def _renamed(text: str) -> str:
    key, sep, value = text.partition("=")
    return rename_override(key.strip()) + sep + value if sep else text


def _read_document(path: Path, shown: str, chain: list[tuple[Path, str]],
                   migrated: list[tuple[str, str]]) -> tuple[dict, Marks]:
    """Read ``path`` and, recursively, the bases it extends; return merged data and marks.

    Each file is migrated by its own ``schema`` (a file without one takes its base's).
    """
    data, marks, _ = _read_one(path, shown, chain, migrated)
    return data, marks


def _read_one(path: Path, shown: str, chain: list[tuple[Path, str]],
              migrated: list[tuple[str, str]]) -> tuple[dict, Marks, Any]:
    data, marks = read_yaml(path, shown)
    if data is None:
        raise ScenarioError(
            f"{shown}: the file is empty; a scenario starts with 'schema: 2'", shown)
    if not isinstance(data, dict):
        where = marks.get((), Origin(shown, 1, 1))
        raise ScenarioError(
            f"{where}: the top level must be a mapping (schema: 2, name: ..., issues: ..., "
            f"actors: ...), found {_kind(data)}; is this a scenario file?", shown)
    data = dict(data)
    if "extends" not in data:
        version = data.get("schema")
        data, marks = _migrated(data, marks, version, shown, migrated)
        return data, marks, version
    ext = data.pop("extends")
    origin = marks.get(("extends",), Origin(shown))
    marks = {p: o for p, o in marks.items() if p[:1] != ("extends",)}
    if ext is None:
        version = data.get("schema")
        data, marks = _migrated(data, marks, version, shown, migrated)
        return data, marks, version
    if not isinstance(ext, str) or not ext.strip():
        raise ScenarioError(
            f"{origin}: extends: expected the path of a base scenario file, got {show(ext)}", shown)
    base = path.parent / ext
    base_shown = os.path.normpath(os.path.join(os.path.dirname(shown), ext))
    here = [*chain, (path.resolve(), shown)]
    if base.resolve() in [real for real, _ in here]:
        names = " -> ".join([name for _, name in here] + [base_shown])
        raise ScenarioError(f"{origin}: extends: cycle of base scenarios: {names}", shown)
    if not base.is_file():
        what = "is not a file" if base.exists() else "not found"
        raise ScenarioError(f"{origin}: extends: base scenario {base_shown} {what}", shown)
    base_data, base_marks, base_version = _read_one(base, base_shown, here, migrated)
    version = data.get("schema", base_version)
    data, marks = _migrated(data, marks, version, shown, migrated, base_data)
    base_marks.pop((), None)
    merged, merged_marks = deep_merge(base_data, data, base_marks, marks)
    return merged, merged_marks, version


def _migrated(data: dict, marks: Marks, version: Any, shown: str,
              migrated: list[tuple[str, str]], base: dict | None = None) -> tuple[dict, Marks]:
    """Schema 1 ``data`` (extending ``base``, if any) migrated to schema 2 (others as they are)."""
    if version != 1 or isinstance(version, bool):
        return data, marks
    m = migrate(data, marks, base)
    migrated.append((shown, "; ".join(m.notes) or "schema number only"))
    return m.data, m.marks


def apply_overrides(data: dict, sources: SourceMap, overrides: Iterable[str],
                    rename: Callable[[str], str] | None = None) -> dict:
    """Apply ``--set KEY=VALUE`` overrides to ``data`` in order, recording their origin.

    ``rename`` turns an override into the one to apply (schema 1 keys into schema 2 ones);
    messages still quote the override as it was given.

    Raises:
        ScenarioError: Listing every override whose key path or value is wrong.
    """
    problems = []
    for text in overrides:
        origin = Origin(sources.root.file, override=text)
        try:
            keys, value = _parse_override(rename(text) if rename else text, data)
        except PathProblem as exc:
            problems.append(f"{origin}: {exc}")
            continue
        _set_in(data, keys, value, default_blocks([str(k) for k in keys], data))
        path = tuple(str(k) for k in keys)
        sources.marks = {p: o for p, o in sources.marks.items() if p[:len(path)] != path}
        for sub in _subpaths(value, path):
            sources.marks[sub] = origin
        for n in range(1, len(path)):
            sources.marks.setdefault(path[:n], origin)
    if problems:
        raise ScenarioError(problems, sources.root.file)
    return data


def _parse_override(text: str, data: dict) -> tuple[list[Any], Any]:
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise PathProblem("expected KEY=VALUE, e.g. battlefield.edge=0.3")
    parts = key.split(".")
    if "" in parts:
        raise PathProblem(f"{key}: not a key path (it has an empty part)")
    if parts[0] == "extends":
        raise PathProblem("extends: cannot be set with --set (it is resolved before overrides)")
    try:
        value = parse_value(raw)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise PathProblem(f"{key}: cannot read the value {raw!r} as YAML: {problem}") from None
    except ValueError as exc:  # a date that does not exist, such as 2025-13-01
        raise PathProblem(f"{key}: {raw.strip()!r} is not a valid date: {exc}") from None
    try:
        keys, _, _ = resolve(parts, data)
    except PathProblem as exc:
        raise PathProblem(f"{key}: {exc}") from None
    return keys, value


def _set_in(data: dict, keys: list[Any], value: Any, blocks: list[dict | None]) -> None:
    node: Any = data
    for key, following, block in zip(keys[:-1], keys[1:], blocks, strict=False):
        child = node[key] if isinstance(node, list) else node.get(key)
        fits = isinstance(child, list) if isinstance(following, int) else isinstance(child, dict)
        if not fits:
            child = dict(block or {})
            node[key] = child
        node = child
    node[keys[-1]] = value


def _subpaths(value: Any, path: tuple[str, ...]) -> list[tuple[str, ...]]:
    out = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _subpaths(v, (*path, str(k)))
    elif isinstance(value, list):
        for k, v in enumerate(value):
            out += _subpaths(v, (*path, str(k)))
    return out


def _check_version(data: dict, sources: SourceMap) -> None:
    version = data.get("schema", SCHEMA_VERSION)
    if version not in READABLE or isinstance(version, bool):
        raise ScenarioError(sources.problem(
            ("schema",), f"unsupported schema version {show(version)}; this version of "
            f"ceasefire-sim reads 'schema: 2' (and migrates 'schema: 1')"), sources.root.file)
