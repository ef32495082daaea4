"""The one table of keys that an event may set while a replication runs.

The scenario checks (which paths an event may name), the compiler (which state array a path
writes) and the documentation all read :data:`SETTABLE`. Keys set before a run (``--set``,
sweeps) are any key of the scenario schema and are checked against the schema itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class SettableKey:
    """A key path pattern an event may set, and the state array it writes.

    ``<id>`` stands for any actor, ``<party>`` for a party. ``index`` names what indexes the
    state array: ``"actor"`` (one actor), ``"actor,party"`` (an actor's leverage on a party),
    ``"party"`` (one party) or ``""`` (a per-replication scalar).
    """

    pattern: str
    array: str
    index: str

    @property
    def regex(self) -> re.Pattern[str]:
        """The pattern as a regular expression with named groups ``id`` and ``party``."""
        body = re.escape(self.pattern).replace("<id>", "(?P<id>[^.]+)")
        return re.compile("^" + body.replace("<party>", "(?P<party>[^.]+)") + "$")


SETTABLE: tuple[SettableKey, ...] = (
    SettableKey("actors.<id>.delegation.authority", "authority", "actor"),
    SettableKey("actors.<id>.engagement", "engagement", "actor"),
    SettableKey("actors.<id>.capability", "capability", "actor"),
    SettableKey("actors.<id>.reservation", "reservation", "actor"),
    SettableKey("actors.<id>.leverage.<party>", "leverage", "actor,party"),
    SettableKey("actors.<id>.information", "information", "actor"),
    SettableKey("battlefield.stake", "stake", ""),
    SettableKey("battlefield.rearm_fear", "rearm_fear", ""),
    SettableKey("battlefield.war_cost.<party>", "war_cost", "party"),
    SettableKey("battlefield.beliefs.<party>.mean", "prior_mean", "party"),
)
"""Key paths an event may ``set`` while a replication runs (in [0, 1]; beliefs in [-1, 1])."""

RUNTIME_SETTABLE: tuple[str, ...] = tuple(key.pattern for key in SETTABLE)


def match(path: str) -> tuple[SettableKey, dict[str, str]] | None:
    """The table entry matching ``path`` and its named parts, or None."""
    for key in SETTABLE:
        if (m := key.regex.match(path)) is not None:
            return key, m.groupdict()
    return None


def target(path: str, actors: list[str]) -> tuple[str, tuple[int, ...]]:
    """The state array and index an event's ``set`` path writes.

    Raises:
        ValueError: the path is not in :data:`SETTABLE` (the scenario checks refuse it first).
    """
    found = match(path)
    if found is None:
        raise ValueError(f"key {path!r} cannot be set by an event")
    key, parts = found
    index: tuple[int, ...] = ()
    if "id" in parts:
        index += (actors.index(parts["id"]),)
    if "party" in parts:
        index += (actors.index(parts["party"]),)
    return key.array, index
