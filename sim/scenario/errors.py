"""Scenario errors and the map from key paths back to where they were written.

Every problem found in a scenario is reported as one line naming the file, the line and the
column of the offending key (or of its nearest written parent when the key is missing), the
dotted key path and what was expected. Values that came from ``--set KEY=VALUE`` say so instead
of a line number.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

KeyPath = tuple[str, ...]
"""A key path as a tuple of keys, e.g. ``("actors", "russia", "capability")``."""


class ScenarioError(Exception):
    """A scenario file (or an override) is wrong; the message says where and why.

    Attributes:
        problems: One line per problem found, each naming file, line, column and key path.
        message: The full text shown to the user (the problems numbered when there are several).
    """

    def __init__(self, problems: str | Sequence[str], source: str | None = None) -> None:
        self.problems: list[str] = [problems] if isinstance(problems, str) else list(problems)
        self.source = source
        self.message = _join(self.problems, source)
        super().__init__(self.message)


def _join(problems: list[str], source: str | None) -> str:
    if len(problems) == 1:
        return problems[0]
    where = f" in {source}" if source else ""
    lines = [f"{len(problems)} problems{where}:"]
    lines += [f"  {i}. {p}" for i, p in enumerate(problems, start=1)]
    return "\n".join(lines)


@dataclass(frozen=True)
class Origin:
    """Where a key was written: a file position, or a ``--set`` override.

    Attributes:
        file: The scenario file as the user named it (or as ``extends`` led to it).
        line: 1-based line number, or None when unknown.
        column: 1-based column number, or None when unknown.
        override: The ``KEY=VALUE`` text when the value came from ``--set``.
    """

    file: str
    line: int | None = None
    column: int | None = None
    override: str | None = None

    def __str__(self) -> str:
        if self.override is not None:
            return f"{self.file} (from --set {self.override})"
        if self.line is None:
            return self.file
        return f"{self.file}:{self.line}:{self.column}"

    def sort_key(self) -> tuple:
        """Order problems by file position, overrides last."""
        return (self.override is not None, self.file, self.line or 0, self.column or 0)


class SourceMap:
    """Key path -> :class:`Origin` for every key of a (merged) scenario document."""

    def __init__(self, root: Origin, marks: dict[KeyPath, Origin] | None = None) -> None:
        self.root = root
        self.marks: dict[KeyPath, Origin] = dict(marks or {})

    def locate(self, path: Iterable[object]) -> Origin:
        """Origin of ``path``, or of its nearest parent that was written down."""
        keys = tuple(str(k) for k in path)
        for n in range(len(keys), 0, -1):
            origin = self.marks.get(keys[:n])
            if origin is not None:
                return origin
        return self.root

    def problem(self, path: Iterable[object], text: str) -> str:
        """Format one problem line: ``file:line:col: key.path: text``."""
        keys = tuple(str(k) for k in path)
        dotted = ".".join(keys)
        where = str(self.locate(keys))
        return f"{where}: {dotted}: {text}" if dotted else f"{where}: {text}"


def did_you_mean(word: object, choices: Iterable[object]) -> str:
    """Return ``"; did you mean 'x'?"`` for the closest choice, or ``""`` if none is close."""
    names = [str(c) for c in choices]
    close = difflib.get_close_matches(str(word), names, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def one_of(choices: Iterable[object]) -> str:
    """Quote and join choices for a message: ``'a', 'b' or 'c'``."""
    names = [f"'{c}'" for c in choices]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def show(value: object) -> str:
    """Render a user-supplied value briefly, the way it would look in YAML."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "...")
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__
