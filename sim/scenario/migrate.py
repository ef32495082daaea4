"""Schema 1 -> schema 2: the keys that were renamed or replaced, and what each now means.

A schema 1 file is migrated when it is read (each file of an ``extends`` chain by its own
``schema``), before it is validated, so every error still names the line of the key in the file
as written. ``ceasefire migrate FILE`` writes the migrated text. The mapping, key by key:

* ``negotiation.max_rounds`` -> ``sessions`` (top level; the agents do not know it).
* ``battlefield.momentum`` -> ``battlefield.edge``: the momentum in favour of the first side
  becomes the true expected movement of the front per session; both sides believe it (no
  ``beliefs`` are written, so each side's prior mean is the edge, strength 3).
* ``battlefield.momentum_effect`` -> ``battlefield.stake`` (reservation per unit of believed
  edge; in schema 1 it was added every round, now it is a level).
* ``battlefield.drift`` is dropped (the front has no trend in its trend); a non-zero drift is
  reported.
* ``battlefield.war_cost`` keeps its name and becomes a level weighed over a discounted horizon
  instead of a cost subtracted from the reservation every round.
* ``battlefield.rearm_fear`` keeps its name and becomes the share of the favoured side's stake
  in the ceasefire issue that a ceasefire costs it (values above 1 are capped at 1).
* ``events.<e>.round`` -> ``events.<e>.session``; ``pressure.<p>.when.round`` ->
  ``.when.session``; ``when.no_agreement_by_round`` -> ``when.no_agreement_by``.
* ``negotiation.delegation_margin`` -> ``actors.<party>.delegation.margin`` of every party that
  does not set its own.
* ``actors.<id>.leverage`` keeps its name and changes its meaning (docs/ODD.md §7.4): instead of
  pulling the target's stated positions toward the third party's, it adds utility to the
  target's value of any main-track agreement the third party backs.
* An event's ``set`` path ``battlefield.momentum_effect`` -> ``battlefield.stake``.

Keys a schema 1 file leaves out take the schema 2 defaults, which differ where the concept
changed: ``battlefield.volatility`` (now the sd of a session's movement of the front, default
0.1; schema 1's 0.05 was the sd of a momentum step) and ``battlefield.stake`` (default 0;
schema 1's ``momentum_effect`` defaulted to 0.02 per round). The migration does not write the old
defaults out, because the old numbers do not mean the same thing in the new model.
"""

from __future__ import annotations

import copy
from typing import Any

Path = tuple[str, ...]

#: Event ``set`` paths renamed from schema 1 to schema 2.
SET_PATHS = {"battlefield.momentum_effect": "battlefield.stake"}


class Migration:
    """The migrated document, its key marks moved with it, and what was changed."""

    def __init__(self, data: dict, marks: dict[Path, Any]) -> None:
        self.data = data
        self.marks = dict(marks)
        self.notes: list[str] = []

    def move(self, old: Path, new: Path, note: str | None = None) -> bool:
        """Move the value at ``old`` to ``new`` (creating mappings); False if ``old`` is absent."""
        parent = _node(self.data, old[:-1])
        if not isinstance(parent, dict) or old[-1] not in parent:
            return False
        value = parent.pop(old[-1])
        target = self.data
        for key in new[:-1]:
            if not isinstance(target.get(key), dict):
                target[key] = {}
            target = target[key]
        target[new[-1]] = value
        self.marks = {
            (new + p[len(old):] if p[: len(old)] == old else p): o for p, o in self.marks.items()
        }
        for n in range(1, len(new)):
            if new[:n] not in self.marks and old[:1] in self.marks:
                self.marks[new[:n]] = self.marks[old[:1]]
        self.notes.append(note or f"{'.'.join(old)} -> {'.'.join(new)}")
        return True


def _mapping(data: dict, key: str) -> dict:
    """``data[key]`` if it is a mapping, else an empty one (the validator reports the rest)."""
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _node(data: Any, path: Path) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def migrate(data: dict, marks: dict[Path, Any] | None = None,
            base: dict | None = None) -> Migration:
    """Migrate one schema 1 document (a mapping, ``extends`` not resolved) to schema 2.

    ``base`` is the (schema 2) document it extends, if any: a schema 1 variant's
    ``negotiation.delegation_margin`` is the margin of its base's parties too.

    Anything that is not of the expected shape is left as it is, for the validator to report
    on the schema 2 keys.
    """
    m = Migration(copy.deepcopy(data), marks or {})
    d = m.data
    d["schema"] = 2
    m.move(("negotiation", "max_rounds"), ("sessions",))
    bf = d.get("battlefield")
    if isinstance(bf, dict):
        m.move(("battlefield", "momentum"), ("battlefield", "edge"))
        m.move(("battlefield", "momentum_effect"), ("battlefield", "stake"))
        if "drift" in bf:
            drift = bf.pop("drift")
            m.notes.append(f"battlefield.drift dropped (was {drift!r}; schema 2 has a constant "
                           "edge per session)")
        fear = bf.get("rearm_fear")
        if isinstance(fear, int | float) and not isinstance(fear, bool) and fear > 1:
            bf["rearm_fear"] = 1.0
            m.notes.append(f"battlefield.rearm_fear {fear!r} capped at 1 (now a share of the "
                           "side's stake in the ceasefire issue)")
    for name, event in list(_mapping(d, "events").items()):
        if not isinstance(event, dict):
            continue
        m.move(("events", name, "round"), ("events", name, "session"))
        sets = event.get("set")
        if isinstance(sets, dict):
            for old, new in SET_PATHS.items():
                if old in sets:
                    m.move(("events", name, "set", old), ("events", name, "set", new))
    for name, measure in list(_mapping(d, "pressure").items()):
        if not isinstance(measure, dict) or not isinstance(measure.get("when"), dict):
            continue
        m.move(("pressure", name, "when", "round"), ("pressure", name, "when", "session"))
        m.move(("pressure", name, "when", "no_agreement_by_round"),
               ("pressure", name, "when", "no_agreement_by"))
    negotiation = d.get("negotiation")
    if isinstance(negotiation, dict) and "delegation_margin" in negotiation:
        margin = negotiation.pop("delegation_margin")
        origin = m.marks.pop(("negotiation", "delegation_margin"), None)
        actors = d.get("actors")
        inherited = base.get("actors") if isinstance(base, dict) else None
        inherited = inherited if isinstance(inherited, dict) else {}
        if actors is None and inherited:
            actors = d["actors"] = {}
        if isinstance(actors, dict):
            for aid in [*actors, *(a for a in inherited if a not in actors)]:
                actor, theirs = actors.get(aid, {}), inherited.get(aid)
                if not isinstance(actor, dict):
                    continue
                role = actor.get("role", theirs.get("role", "party")
                                 if isinstance(theirs, dict) else "party")
                if role != "party":
                    continue
                actors[aid] = actor
                delegation = actor.setdefault("delegation", {})
                if isinstance(delegation, dict) and "margin" not in delegation:
                    delegation["margin"] = margin
                    if origin is not None:
                        m.marks[("actors", aid, "delegation", "margin")] = origin
        m.notes.append("negotiation.delegation_margin -> actors.<party>.delegation.margin")
    if d.get("negotiation") == {}:  # only the moved keys were there
        del d["negotiation"]
        m.marks.pop(("negotiation",), None)
    if any(isinstance(a, dict) and a.get("leverage") for a in _mapping(d, "actors").values()):
        m.notes.append("actors.<id>.leverage now adds to a party's value of agreements the actor "
                       "backs instead of moving the party's positions")
    return m


def rename_override(key: str) -> str:
    """A schema 1 ``--set`` key path in schema 2 terms (unchanged when it was not renamed)."""
    parts = key.split(".")
    renames = {
        ("negotiation", "max_rounds"): ("sessions",),
        ("battlefield", "momentum"): ("battlefield", "edge"),
        ("battlefield", "momentum_effect"): ("battlefield", "stake"),
    }
    for old, new in renames.items():
        if tuple(parts[: len(old)]) == old:
            return ".".join(new + tuple(parts[len(old):]))
    if len(parts) >= 3 and parts[0] == "events" and parts[2] == "round":
        return ".".join([*parts[:2], "session", *parts[3:]])
    if len(parts) >= 4 and parts[0] == "pressure" and parts[2] == "when":
        renamed = {"round": "session", "no_agreement_by_round": "no_agreement_by"}
        return ".".join([*parts[:3], renamed.get(parts[3], parts[3]), *parts[4:]])
    return key


# --- the text of a migrated file --------------------------------------------------------------


class _TextEdit(Exception):
    """The file's layout does not allow an in-place edit (the caller writes YAML instead)."""


def migrate_text(text: str, data: dict, marks: dict[Path, Any]) -> tuple[str, list[str]]:
    """The schema 2 text of a schema 1 file, keeping its comments and layout where it can.

    Renamed keys are renamed where they stand and moved keys are moved line by line; the
    result is checked by reading it back: when it does not give exactly the migrated document
    (a layout the line edits cannot handle, such as a moved key inside a ``{...}`` mapping),
    the migrated document is written as plain YAML instead, without the comments, and the
    notes say so.

    Args:
        text: the file's text.
        data: the file read as a mapping (``extends`` not resolved).
        marks: the key paths' origins from :func:`sim.scenario.yamlio.read_yaml`.

    Returns:
        (the schema 2 text, the notes of what was mapped).
    """
    import yaml

    from sim.scenario.yamlio import parse_value

    m = migrate(data, marks)
    try:
        out = _edit_lines(text, data, marks)
        if parse_value(out) == m.data:
            return out, m.notes
    except _TextEdit:
        pass
    header = ("# Migrated to schema 2 by `ceasefire migrate` (the original layout could not be "
              "kept: comments dropped).\n")
    dumped = yaml.safe_dump(m.data, sort_keys=False, allow_unicode=True)
    return header + dumped, [*m.notes, "written as plain YAML: the comments were not kept"]


def _keep_comment_column(before: str, after: str) -> str:
    """``after`` with the spaces before its end-of-line comment adjusted to the old column."""
    old, new = before.find("  #"), after.find("  #")
    if old < 0 or new < 0:
        return after
    shift = old - new
    if shift > 0:
        return after[:new] + " " * shift + after[new:]
    gap = len(after[:new + 2]) - len(after[:new + 2].rstrip(" "))  # spaces before the "#"
    cut = min(-shift, gap - 2)
    return after[:new + 2 - cut] + after[new + 2:] if cut > 0 else after


def _edit_lines(text: str, data: dict, marks: dict[Path, Any]) -> str:
    lines = text.splitlines(keepends=True)
    removed: set[int] = set()
    inserts: dict[int, list[str]] = {}

    def where(path: Path) -> tuple[int, int]:
        origin = marks.get(path)
        if origin is None or origin.line is None or origin.column is None:
            raise _TextEdit(".".join(path))
        return origin.line - 1, origin.column - 1

    def rename(path: Path, new_key: str) -> None:
        row, col = where(path)
        line = lines[row]
        if not line[col:].startswith(path[-1]):
            raise _TextEdit(".".join(path))
        lines[row] = _keep_comment_column(
            line, line[:col] + new_key + line[col + len(path[-1]):])

    def block_line(path: Path) -> int:
        row, col = where(path)
        if lines[row][:col].strip():  # inside a flow mapping: cannot move the line alone
            raise _TextEdit(".".join(path))
        return row

    def value_text(row: int, key: str) -> str:
        line = lines[row].rstrip("\n")
        return line.split(f"{key}:", 1)[1].strip()

    rename(("schema",), "schema")
    row, col = where(("schema",))
    lines[row] = lines[row][:col] + lines[row][col:].replace("1", "2", 1)
    neg: dict = data["negotiation"] if isinstance(data.get("negotiation"), dict) else {}
    if "max_rounds" in neg:
        r = block_line(("negotiation", "max_rounds"))
        removed.add(r)
        anchor = next((where((k,))[0] for k in ("runs", "seed", "name") if (k,) in marks), None)
        if anchor is None:
            raise _TextEdit("sessions")
        inserts.setdefault(anchor, []).append(f"sessions: {value_text(r, 'max_rounds')}\n")
    bf: dict = data["battlefield"] if isinstance(data.get("battlefield"), dict) else {}
    for old, new in (("momentum", "edge"), ("momentum_effect", "stake")):
        if old in bf:
            rename(("battlefield", old), new)
    if "drift" in bf:
        removed.add(block_line(("battlefield", "drift")))
    fear = bf.get("rearm_fear")
    if isinstance(fear, int | float) and not isinstance(fear, bool) and fear > 1:
        raise _TextEdit("rearm_fear")
    for name, event in (data.get("events") or {}).items():
        if isinstance(event, dict) and "round" in event:
            rename(("events", name, "round"), "session")
        sets = event.get("set") if isinstance(event, dict) else None
        if isinstance(sets, dict):
            for old, new in SET_PATHS.items():
                if old in sets:
                    rename(("events", name, "set", old), new)
    for name, measure in (data.get("pressure") or {}).items():
        when = measure.get("when") if isinstance(measure, dict) else None
        if isinstance(when, dict):
            for old, new in (("round", "session"), ("no_agreement_by_round", "no_agreement_by")):
                if old in when:
                    rename(("pressure", name, "when", old), new)
    if "delegation_margin" in neg:
        r = block_line(("negotiation", "delegation_margin"))
        removed.add(r)
        margin = value_text(r, "delegation_margin").split("#")[0].strip()
        for aid, actor in (data.get("actors") or {}).items():
            if not isinstance(actor, dict) or actor.get("role", "party") != "party":
                continue
            deleg = actor.get("delegation")
            if isinstance(deleg, dict) and "margin" in deleg:
                continue
            if isinstance(deleg, dict) and deleg:
                first = next(iter(deleg))
                r2, c2 = where(("actors", aid, "delegation", first))
                if lines[r2][:c2].strip():
                    raise _TextEdit("delegation")
                inserts.setdefault(r2, []).append(" " * c2 + f"margin: {margin}\n")
            elif deleg is None:
                r2, c2 = where(("actors", aid, "role"))
                if lines[r2][:c2].strip():
                    raise _TextEdit("delegation")
                inserts.setdefault(r2, []).append(" " * c2 + f"delegation: {{margin: {margin}}}\n")
            else:
                raise _TextEdit("delegation")
    out = []
    for k, line in enumerate(lines):
        if k not in removed:
            out.append(line if line.endswith("\n") else line + "\n")
        out.extend(inserts.get(k, []))
    # drop a block left empty by the moves (e.g. "negotiation:" with nothing under it)
    if isinstance(data.get("negotiation"), dict) and set(neg) <= {"max_rounds",
                                                                   "delegation_margin"}:
        r = where(("negotiation",))[0]
        line = lines[r]
        out = [x for x in out if x is not line]
    return "".join(out)
