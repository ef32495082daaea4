"""Reading YAML with the position of every key, and deep-merging documents.

PyYAML composes a node tree that knows where each key was written; we construct the data from
it as ``yaml.safe_load`` would and record ``key path -> (file, line, column)`` on the way.

Every file read here (scenarios, their bases, sweeps, records) is bounded before it is parsed:
a file above :data:`MAX_FILE_BYTES` is refused without being read whole, and a document whose
node graph, with every YAML alias expanded, has more than :data:`MAX_NODES` nodes (a "billion
laughs" document: a few lines of anchors and aliases that expand to billions of values) is
refused after composing, before anything walks the expanded tree. Both are input errors (exit
status 2) naming the file and, for the second, the line of the value that grows too large.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from sim.scenario.errors import KeyPath, Origin, ScenarioError

Marks = dict[KeyPath, Origin]

#: Largest scenario, sweep or record file read, in bytes (1 MiB: the baseline scenario, every
#: number commented, is 28 KB).
MAX_FILE_BYTES = 1 << 20

#: Most nodes (mappings, sequences, keys and values) a document may have with its aliases
#: expanded (the baseline scenario has about 1,200).
MAX_NODES = 100_000

_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class ScenarioLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` with YAML 1.2 booleans: only true/false.

    YAML 1.1 also reads ``on``, ``off``, ``yes`` and ``no`` as booleans, which would turn the
    ``on:`` key of a pressure measure into ``True``.
    """


ScenarioLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
ScenarioLoader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


class YAMLLimitError(ScenarioError):
    """A file above :data:`MAX_FILE_BYTES`, or a document above :data:`MAX_NODES` nodes."""


def parse_value(text: str) -> Any:
    """Parse one YAML value (as for ``--set KEY=VALUE``) with the scenario loader's rules.

    Raises:
        yaml.YAMLError: The text is not YAML.
        YAMLLimitError: Its aliases expand to more than :data:`MAX_NODES` nodes.
    """
    loader = ScenarioLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        check_expansion(node, "--set")
        return loader.construct_document(node)
    finally:
        loader.dispose()


_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE
_CSafeLoader: type | None = getattr(yaml, "CSafeLoader", None)


if _CSafeLoader is not None:

    class _FastScenarioLoader(_CSafeLoader):  # type: ignore[misc,valid-type]
        """:class:`ScenarioLoader`'s rules on libyaml's parser (about ten times faster)."""

    _FastScenarioLoader.yaml_implicit_resolvers = ScenarioLoader.yaml_implicit_resolvers


def read_yaml(path: Path, shown: str) -> tuple[Any, Marks]:
    """Read one YAML file: its data and the origin of each key path.

    A well-formed file is read with libyaml when PyYAML has it (the same node tree, tags and
    positions, in a fraction of the time: ``ceasefire list`` reads every shipped scenario and
    its bases). Anything the fast reader does not accept is read again by PyYAML's own Python
    reader, whose messages (line, column, wording) are the ones reported.

    Args:
        path: File to read.
        shown: How to name the file in messages.

    Raises:
        ScenarioError: The file is missing, unreadable, not text or not well-formed YAML.
        YAMLLimitError: The file is larger than :data:`MAX_FILE_BYTES` or its document expands
            to more than :data:`MAX_NODES` nodes.
    """
    text = read_text(path, shown)
    if _CSafeLoader is not None and not _NON_PRINTABLE.search(text):
        try:
            return _compose(_FastScenarioLoader(text), shown)
        except YAMLLimitError:
            raise  # the same for both readers, and the slow one would take seconds to say it
        except (yaml.YAMLError, ScenarioError, RecursionError, ValueError):
            pass  # reported below, as the Python reader words it
    try:
        loader = ScenarioLoader(text)
    except yaml.reader.ReaderError as exc:
        raise ScenarioError(_reader_message(exc, text, shown), shown) from None
    try:
        return _compose(loader, shown)
    except yaml.MarkedYAMLError as exc:
        raise ScenarioError(_yaml_message(exc, shown), shown) from None
    except yaml.reader.ReaderError as exc:
        raise ScenarioError(_reader_message(exc, text, shown), shown) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{shown}: malformed YAML: {exc}", shown) from None
    except RecursionError:
        raise ScenarioError(f"{shown}: the document is nested too deeply", shown) from None


def _compose(loader: Any, shown: str) -> tuple[Any, Marks]:
    """The document of ``loader``: its data and the origin of each key path (then disposed)."""
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        check_expansion(node, shown)
        _check_nodes(node, shown, loader)
        data = loader.construct_document(node)
        marks: Marks = {(): _origin(node, shown)}
        _record(loader, node, (), shown, marks)
        return data, marks
    finally:
        loader.dispose()


def read_bytes(path: Path, shown: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of ``path``, refused (without reading it whole) when above ``limit``.

    A regular file is measured before it is opened; anything else (a device such as
    ``/dev/zero``, a pipe) is read up to ``limit + 1`` bytes at most.

    Raises:
        ScenarioError: The file is missing, a folder or unreadable.
        YAMLLimitError: It has more than ``limit`` bytes.
    """
    if path.is_dir():
        raise ScenarioError(f"{shown}: is a directory, not a scenario file", shown)
    if not path.exists():
        raise ScenarioError(f"{shown}: file not found", shown)
    try:
        size = path.stat().st_size if path.is_file() else None
        found = _size_text(size) if size is not None else f"more than {_size_text(limit)}"
        if size is None or size <= limit:
            with path.open("rb") as fh:
                data = fh.read(limit + 1)
            too_large = len(data) > limit
        else:
            too_large = True
    except OSError as exc:
        text = exc.strerror or str(exc)
        raise ScenarioError(f"{shown}: cannot read the file: {text}", shown) from None
    if too_large:
        raise YAMLLimitError(
            f"{shown}: the file is too large to be a scenario, sweep or record file "
            f"({found}; the limit is {_size_text(limit)}); it was not parsed", shown)
    return data


def _size_text(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):,.1f} MiB" if size % (1 << 20) else f"{size >> 20:,} MiB"
    return f"{size:,} bytes"


def read_text(path: Path, shown: str, limit: int = MAX_FILE_BYTES) -> str:
    """The text of ``path`` (UTF-8), within ``limit`` bytes (see :func:`read_bytes`).

    Raises:
        ScenarioError: The file is missing, a folder, unreadable or not UTF-8.
        YAMLLimitError: It has more than ``limit`` bytes.
    """
    data = read_bytes(path, shown, limit)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            f"{shown}: not a UTF-8 text file (byte {exc.start} cannot be decoded)", shown) from None


def top_level_keys(path: Path) -> list[str] | None:
    """The top-level keys of a YAML file, or None when it is not a readable YAML mapping.

    Cheap and bounded (the file within :data:`MAX_FILE_BYTES`, the document composed but not
    constructed, so aliases are not expanded): used to tell sweeps and records from scenarios.
    """
    try:
        text = read_text(path, str(path))
        loader = (_FastScenarioLoader if _CSafeLoader is not None else ScenarioLoader)(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except (ScenarioError, yaml.YAMLError, RecursionError, ValueError):
        return None
    if not isinstance(node, yaml.MappingNode):
        return None
    return [str(k.value) for k, _ in node.value if isinstance(k, yaml.ScalarNode)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def check_expansion(root: yaml.Node, shown: str, limit: int = MAX_NODES) -> None:
    """Refuse a document whose nodes, with every alias expanded, number more than ``limit``.

    Aliases make the node tree a graph: an anchored value is one node however often it is
    used, and a few lines can name billions of values. The expanded size of every node is
    counted once, bottom up (time linear in the file), and the first (innermost) collection
    above the limit is named. Recursive aliases are left to :func:`_check_nodes`.

    Raises:
        YAMLLimitError: Naming the file, line and column of that collection.
    """
    size: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        key = id(node)
        if closing:
            open_.discard(key)
            total = 1 + sum(size.get(id(c), 1) for c in _children(node))
            size[key] = total
            if total > limit:
                mark = node.start_mark
                kind = "mapping" if isinstance(node, yaml.MappingNode) else "list"
                raise YAMLLimitError(
                    f"{shown}:{mark.line + 1}:{mark.column + 1}: this {kind} expands to more "
                    f"than {limit:,} values (YAML aliases '*name' repeat what their anchor "
                    f"'&name' holds, and a few lines of them can stand for billions of values); "
                    f"the limit is {limit:,} values in a document", shown)
            continue
        if key in size or key in open_:
            continue
        open_.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node) if id(c) not in size)


def _yaml_message(exc: yaml.MarkedYAMLError, shown: str) -> str:
    mark = exc.problem_mark or exc.context_mark
    where = f"{shown}:{mark.line + 1}:{mark.column + 1}" if mark else shown
    parts = [p for p in (exc.context, exc.problem) if p]
    if exc.context_mark and exc.problem_mark and exc.context:
        parts[0] += f" (line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1})"
    return f"{where}: malformed YAML: " + "; ".join(parts)


def _reader_message(exc: yaml.reader.ReaderError, text: str, shown: str) -> str:
    """Message for a character YAML does not allow, at its line and column."""
    before = text[:exc.position]
    line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
    return (f"{shown}:{line}:{column}: malformed YAML: character #x{exc.character:04x} "
            "is not allowed in YAML")


def _fail_at(node: yaml.Node, shown: str, text: str) -> ScenarioError:
    mark = node.start_mark
    return ScenarioError(f"{shown}:{mark.line + 1}:{mark.column + 1}: {text}", shown)


def _check_nodes(node: yaml.Node, shown: str, loader: SafeConstructor,
                 stack: tuple[int, ...] = ()) -> None:
    """Refuse recursive aliases, duplicate keys and dates that do not exist.

    PyYAML would keep the last of duplicate keys silently, and raise a bare ValueError for a
    date such as 2025-13-01. In a mapping with a merge key (``<<: *base``) the keys written in
    the mapping override the merged ones, as YAML says, but two keys written in the same
    mapping (or two merge keys) are still duplicates.
    """
    if id(node) in stack:
        raise _fail_at(node, shown, "recursive YAML alias")
    stack = (*stack, id(node))
    if isinstance(node, yaml.ScalarNode):
        _check_timestamp(node, shown, loader)
    elif isinstance(node, yaml.MappingNode):
        seen: dict[tuple[str, str], yaml.Node] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                _check_timestamp(key, shown, loader)
            if isinstance(key, yaml.ScalarNode):
                ident = (key.tag, key.value)
                if ident in seen:
                    first = seen[ident].start_mark.line + 1
                    text = f"duplicate key '{key.value}' (first on line {first})"
                    raise _fail_at(key, shown, text)
                seen[ident] = key
            _check_nodes(value, shown, loader, stack)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_nodes(item, shown, loader, stack)


def _check_timestamp(node: yaml.ScalarNode, shown: str, loader: SafeConstructor) -> None:
    """Refuse a scalar that reads as a date or time but names none, such as 2025-13-01."""
    if node.tag != _TIMESTAMP:
        return
    try:
        loader.construct_yaml_timestamp(node)
    except ValueError as exc:
        raise _fail_at(node, shown, f"'{node.value}' is not a valid date: {exc}") from None


def _origin(node: yaml.Node, shown: str) -> Origin:
    return Origin(shown, node.start_mark.line + 1, node.start_mark.column + 1)


def _record(loader: SafeConstructor, node: yaml.Node, path: KeyPath, shown: str,
            marks: Marks) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(loader.construct_object(key_node, deep=True))
            marks[(*path, key)] = _origin(key_node, shown)
            _record(loader, value_node, (*path, key), shown, marks)
    elif isinstance(node, yaml.SequenceNode):
        for k, item in enumerate(node.value):
            marks[(*path, str(k))] = _origin(item, shown)
            _record(loader, item, (*path, str(k)), shown, marks)


def deep_merge(base: Any, over: Any, base_marks: Marks, over_marks: Marks) -> tuple[Any, Marks]:
    """Merge ``over`` onto ``base``: mappings merge key by key, anything else replaces.

    A mapping with a ``dist`` key is a distribution and replaces the base value whole, so
    that a base ``{dist: normal, ...}`` never mixes with a child ``{dist: uniform, ...}``.
    Positions of replaced values are dropped so that messages point at the winning file.
    """
    replaced: list[KeyPath] = []
    merged = _merge(base, over, (), replaced)
    marks = {p: o for p, o in base_marks.items() if not any(p[:len(r)] == r for r in replaced)}
    marks.update(over_marks)
    return merged, marks


def _merge(base: Any, over: Any, path: KeyPath, replaced: list[KeyPath]) -> Any:
    if isinstance(base, dict) and isinstance(over, dict) and "dist" not in over:
        out = dict(base)
        for key, value in over.items():
            if key in out:
                out[key] = _merge(out[key], value, (*path, str(key)), replaced)
            else:
                out[key] = value
        return out
    replaced.append(path)
    return over
