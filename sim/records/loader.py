"""Load a record file: read YAML with positions, validate, load its scenario, map its dates.

Problems are reported as scenarios' are (:mod:`sim.scenario.errors`): one line each naming
file, line, column and key path, several numbered together, raised as a
:class:`~sim.scenario.errors.ScenarioError`.
"""

from __future__ import annotations

import datetime as dt
import os
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.records.models import FACTS, Record, RecordedSession
from sim.scenario import Scenario, ScenarioError, load_scenario
from sim.scenario.errors import KeyPath, Origin, SourceMap, did_you_mean, show
from sim.scenario.translate import problems_from
from sim.scenario.yamlio import read_yaml


@dataclass(frozen=True)
class SessionMatch:
    """Which simulated session(s) a recorded session falls in.

    Attributes:
        index: Position of the recorded session in the record (0-based).
        session: The recorded session.
        first: The simulated session of its first day (``Calendar.session_of``), or None when
            the scenario has no calendar.
        last: The simulated session of its last day (differs from ``first`` only for a
            month-only date), or None.
    """

    index: int
    session: RecordedSession
    first: int | None
    last: int | None

    def sessions_text(self) -> str:
        """``"3"``, ``"10-12"`` or ``"-"`` (no calendar)."""
        if self.first is None:
            return "-"
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"


@dataclass(frozen=True)
class LoadedRecord:
    """A validated record with its scenario and the map of its dates to simulated sessions.

    Attributes:
        path: The record file as named.
        record: The validated record.
        scenario_path: The scenario file, as named from the record's folder.
        scenario: The loaded scenario.
        matches: One entry per recorded session, in order.
    """

    path: str
    record: Record
    scenario_path: str
    scenario: Scenario
    matches: list[SessionMatch]

    def table(self) -> str:
        """The recorded sessions with their dates, observations and simulated sessions."""
        rows = [("date", "session", "exchange", "size", "ceasefire", "main", "walkout", "label")]
        for m in self.matches:
            s = m.session
            rows.append((str(s.date), m.sessions_text(), _fact(s.exchange),
                         "" if s.size is None else str(s.size), _fact(s.ceasefire),
                         _fact(s.main_agreement), _fact(s.walkout), s.label))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + "  " + r[-1]
                 for r in rows]
        return "\n".join(lines)


def _fact(value: bool | None) -> str:
    return "unknown" if value is None else show(value)


def load_record(path: str | os.PathLike[str]) -> LoadedRecord:
    """Load and check a record file and the scenario it names.

    Raises:
        ScenarioError: Anything wrong with the record (or its scenario), each problem naming
            file, line, column and key path.
    """
    shown = os.fspath(path)
    try:
        return _load(shown)
    except RecursionError:
        raise ScenarioError(f"{shown}: the document is nested too deeply", shown) from None


def validate_record(path: str | os.PathLike[str]) -> list[str]:
    """All problems of a record file, one message each; empty when it is valid."""
    try:
        load_record(path)
    except ScenarioError as exc:
        return exc.problems
    return []


def shipped_records() -> list[Path]:
    """The records shipped in the repository's ``records/`` folder ([] when absent)."""
    folder = Path(__file__).resolve().parents[2] / "records"
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def _load(shown: str) -> LoadedRecord:
    data, marks = read_yaml(Path(shown), shown)
    sources = SourceMap(marks.get((), Origin(shown, 1, 1)), marks)
    if data is None:
        raise ScenarioError(f"{shown}: the file is empty; a record starts with 'record: 1'", shown)
    if not isinstance(data, dict):
        raise ScenarioError(sources.problem(
            (), f"the top level must be a mapping (record: 1, name: ..., scenario: ..., "
            f"sessions: ...), found {show(data)}"), shown)
    found: list[tuple[tuple, str]] = []
    data = _drop_unknown(Record, data, (), sources, found)
    try:
        record = Record.model_validate(data)
    except ValidationError as exc:
        found += [(_where(sources, p), p) for p in problems_from(exc, sources, data)]
        raise ScenarioError(_ordered(found), shown) from None
    try:
        scenario_path, scenario = _scenario(record, shown, sources)
    except ScenarioError as exc:
        found += [(_where(sources, p), p) for p in exc.problems]
        raise ScenarioError(_ordered(found), shown) from None
    found += _check(record, scenario, sources)
    matches, more = _matches(record, scenario, sources)
    found += more
    if found:
        raise ScenarioError(_ordered(found), shown)
    return LoadedRecord(shown, record, scenario_path, scenario, matches)


def _where(sources: SourceMap, problem: str) -> tuple:
    """Sort key of a formatted problem: its file position (``file:line:col: ...``)."""
    head = problem.split(": ", 1)[0].rsplit(":", 2)
    if len(head) == 3 and head[1].isdigit() and head[2].isdigit():
        return (False, head[0], int(head[1]), int(head[2]))
    return sources.root.sort_key()


def _ordered(found: list[tuple[tuple, str]]) -> list[str]:
    found = sorted(found, key=lambda item: item[0])
    return list(dict.fromkeys(text for _, text in found))


def _drop_unknown(model: type[BaseModel], data: Any, path: KeyPath, sources: SourceMap,
                  found: list[tuple[tuple, str]]) -> Any:
    """``data`` without the keys ``model`` does not know, each reported with "did you mean"."""
    if not isinstance(data, dict):
        return data
    hints = typing.get_type_hints(model)
    out = {}
    for key, value in data.items():
        name = str(key)
        if name not in model.model_fields:
            hint = did_you_mean(name, model.model_fields) or (
                f" (expected one of: {', '.join(model.model_fields)})")
            where = (*path, name)
            found.append((sources.locate(where).sort_key(),
                          sources.problem(where, f"unknown key '{name}'{hint}")))
            continue
        out[key] = _drop_in(hints[name], value, (*path, name), sources, found)
    return out


def _drop_in(ann: Any, value: Any, path: KeyPath, sources: SourceMap,
             found: list[tuple[tuple, str]]) -> Any:
    for inner in _models_in(ann):
        if isinstance(value, dict):
            return _drop_unknown(inner, value, path, sources, found)
        if isinstance(value, list) and typing.get_origin(_strip(ann)) is list:
            return [_drop_unknown(inner, v, (*path, str(i)), sources, found)
                    for i, v in enumerate(value)]
    return value


def _strip(ann: Any) -> Any:
    while typing.get_origin(ann) is typing.Annotated:
        ann = typing.get_args(ann)[0]
    return ann


def _models_in(ann: Any) -> list[type[BaseModel]]:
    ann = _strip(ann)
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return [ann]
    return [m for arg in typing.get_args(ann) for m in _models_in(arg)]


def _scenario(record: Record, shown: str, sources: SourceMap) -> tuple[str, Scenario]:
    base = Path(shown).parent / record.scenario
    named = os.path.normpath(os.path.join(os.path.dirname(shown), record.scenario))
    if not base.is_file():
        what = "is not a file" if base.exists() else "not found"
        raise ScenarioError(sources.problem(("scenario",), f"scenario {named} {what}"), shown)
    try:
        return named, load_scenario(named)
    except ScenarioError as exc:
        head = sources.problem(("scenario",), f"scenario {named} does not load:")
        raise ScenarioError([head, *exc.problems], shown) from None


def _check(record: Record, scenario: Scenario, sources: SourceMap) -> list[tuple[tuple, str]]:
    out: list[tuple[tuple, str]] = []

    def add(path: KeyPath, text: str) -> None:
        out.append((sources.locate(path).sort_key(), sources.problem(path, text)))

    previous: RecordedSession | None = None
    for i, s in enumerate(record.sessions):
        at: KeyPath = ("sessions", str(i))
        if previous is not None and s.first_day <= previous.last_day:
            add((*at, "date"), f"{s.date} is not after the previous session's date "
                f"{previous.date} ('{previous.label}'); sessions must be in increasing date order")
        previous = s
        given = s.given()
        for fact in FACTS:
            listed = getattr(s.sources, fact)
            if fact in given and not listed:
                add((*at, fact), f"missing source: add sources.{fact} with the keys of "
                    "docs/reference/domain.md §8 that give it")
            elif listed and fact not in given:
                add((*at, "sources", fact), f"sources for '{fact}', which this session does not "
                    "record (left out or unknown)")
        if s.size is not None and s.exchange is not True:
            add((*at, "size"), "an exchange size needs exchange: true")
        for actor, issues in s.positions.items():
            if actor not in scenario.actors:
                add((*at, "positions", actor), f"unknown actor '{actor}' in the scenario"
                    + did_you_mean(actor, scenario.actors))
                continue
            for issue in issues:
                if issue not in scenario.issues:
                    add((*at, "positions", actor, issue), f"unknown issue '{issue}' in the "
                        "scenario" + did_you_mean(issue, scenario.issues))
    return out


def _matches(record: Record, scenario: Scenario, sources: SourceMap
             ) -> tuple[list[SessionMatch], list[tuple[tuple, str]]]:
    cal = scenario.calendar
    if cal is None:
        return [SessionMatch(i, s, None, None) for i, s in enumerate(record.sessions)], []
    out: list[tuple[tuple, str]] = []
    matches: list[SessionMatch] = []
    last_session = scenario.sessions
    for i, s in enumerate(record.sessions):
        path: KeyPath = ("sessions", str(i), "date")
        first, last = cal.session_of(s.first_day), cal.session_of(s.last_day)
        if s.first_day < cal.start:
            out.append((sources.locate(path).sort_key(), sources.problem(
                path, f"{s.date} is before the scenario's calendar start {cal.start}")))
        elif first > last_session:
            out.append((sources.locate(path).sort_key(), sources.problem(
                path, f"{s.date} falls after the scenario's last session ({last_session}, "
                f"{cal.date_of(last_session)})")))
        last = min(last, last_session)
        in_order = not matches or s.first_day > matches[-1].session.last_day
        for m in matches if in_order else []:
            if m.last is not None and m.last >= first and m.first is not None and m.first <= last:
                where = sources.locate(("sessions", str(m.index), "date"))
                out.append((sources.locate(path).sort_key(), sources.problem(
                    path, f"'{s.label}' ({s.date}) and '{m.session.label}' ({m.session.date}, "
                    f"line {where.line}) fall in the same simulated session {first} "
                    f"({_day(cal.date_of(first))}); one simulated session can match only one "
                    "recorded session")))
        matches.append(SessionMatch(i, s, first, last))
    return matches, out


def _day(day: dt.date) -> str:
    return day.isoformat()
