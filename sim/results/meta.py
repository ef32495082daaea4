"""The meta dict of a run: what plots and summaries need to know about the scenario.

The engine hands the results layer a meta dict alongside the run tables; it is written to
``meta.json`` and read back by the plots, so the plots never need the scenario loader. Keys::

    name            scenario name (slug), required
    title           scenario title ("" when none)
    runs, seed      number of replications and master seed (seed required)
    engine          "vector" | "mesa"
    protocol        "mediated" | "alternating" | "expected_utility"
    trace_runs      number of replications traced in rounds.parquet
    max_rounds      the negotiation's round limit (optional; used for plot axes)
    battlefield_sides  the two fighting parties' ids ([] without a battlefield; optional)
    durability_days the horizon an agreement must survive (optional; a plot label)
    outcome_order   ["comprehensive", "ceasefire", "partial", "humanitarian_only", "stalemate",
                    "collapse"] (:data:`OUTCOMES`; added when missing)
    issues          {issue_id: {"label", "anchors": {"<value>": text}, "track",
                                "decides_ceasefire", "ceasefire_threshold",
                                "exchanged"}}  (issue order; exchanged: the issue of the
                                humanitarian track, exchanged every session, optional)
    actors          {actor_id: {"name", "role"}}  (actor order)

Anchor positions are JSON object keys, so they are stored as compact number strings
("0", "12.5", "100"); :func:`anchors` turns them back into floats.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

import numpy as np

from sim.results.errors import ResultsError
from sim.rules.taxonomy import OUTCOMES_V2


#: The outcomes, in the order of every table: the one list of ``sim.rules.taxonomy``.
OUTCOMES: tuple[str, ...] = OUTCOMES_V2


def to_jsonable(obj: Any) -> Any:
    """A copy of ``obj`` that ``json.dumps(..., allow_nan=False)`` accepts.

    NumPy scalars and arrays become Python numbers and lists, NaN and pandas NA become ``None``,
    tuples become lists, paths become strings and mapping keys become strings.

    Args:
        obj: Any nesting of mappings, sequences and scalars.

    Returns:
        The JSON-safe copy.
    """
    if isinstance(obj, Mapping):
        return {_key(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | np.ndarray):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        x = float(obj)
        return None if math.isnan(x) or math.isinf(x) else x
    if isinstance(obj, PurePath):
        return str(obj)
    if obj is None or isinstance(obj, str):
        return obj
    try:  # pandas.NA and friends
        import pandas as pd

        if obj is pd.NA or obj is pd.NaT:
            return None
    except ImportError:  # pragma: no cover - pandas is a dependency
        pass
    raise ResultsError(f"cannot store a value of type {type(obj).__name__} in JSON: {obj!r}")


def _key(k: Any) -> str:
    if isinstance(k, str):
        return k
    if isinstance(k, int | float | np.integer | np.floating) and not isinstance(k, bool):
        return anchor_key(float(k))
    return str(k)


def anchor_key(value: float) -> str:
    """Compact string form of an anchor position: 50.0 -> "50", 12.5 -> "12.5".

    Args:
        value: Position on the 0-100 issue axis.

    Returns:
        The key used in ``meta.json``.
    """
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def scenario_name(meta: Mapping[str, Any]) -> str:
    """The scenario name recorded in ``meta`` (key ``name``).

    Args:
        meta: A run's meta dict.

    Returns:
        The scenario name.

    Raises:
        ResultsError: If there is none.
    """
    name = meta.get("name", meta.get("scenario"))
    if not isinstance(name, str) or not name:
        raise ResultsError("meta has no scenario 'name'")
    return name


def outcome_order(meta: Mapping[str, Any]) -> list[str]:
    """The outcome order of ``meta`` (the fixed six of :data:`OUTCOMES` when absent).

    Args:
        meta: A run's meta dict.

    Returns:
        The outcome names in their fixed order.

    Raises:
        ResultsError: If ``meta`` gives a different list.
    """
    order = list(meta.get("outcome_order", OUTCOMES))
    if order != list(OUTCOMES):
        raise ResultsError(f"meta outcome_order must be {list(OUTCOMES)}, got {order}")
    return order


def issue_ids(meta: Mapping[str, Any]) -> list[str]:
    """Issue ids of ``meta`` in scenario order.

    Args:
        meta: A run's meta dict.

    Returns:
        The issue ids.

    Raises:
        ResultsError: If ``meta`` has no ``issues`` mapping.
    """
    issues = meta.get("issues")
    if not isinstance(issues, Mapping):
        raise ResultsError("meta has no 'issues' mapping {issue_id: {label, anchors, ...}}")
    return list(issues)


def exchanged_issues(meta: Mapping[str, Any]) -> list[str]:
    """Ids of the issues exchanged every session (the humanitarian track), in issue order.

    Args:
        meta: A run's meta dict.

    Returns:
        The ids; empty without a humanitarian track (or in a meta dict that predates it).
    """
    return [i for i, info in (meta.get("issues") or {}).items()
            if isinstance(info, Mapping) and info.get("exchanged")]


def actor_ids(meta: Mapping[str, Any], role: str | None = None) -> list[str]:
    """Actor ids of ``meta`` in scenario order, optionally only those with one role.

    Args:
        meta: A run's meta dict.
        role: ``"party"``, ``"mediator"`` or ``"third_party"``; ``None`` for all.

    Returns:
        The actor ids.
    """
    actors = meta.get("actors") or {}
    return [a for a, info in actors.items() if role is None or info.get("role") == role]


def issue_label(meta: Mapping[str, Any], issue: str) -> str:
    """The issue's label, or its id when it has none.

    Args:
        meta: A run's meta dict.
        issue: Issue id.

    Returns:
        The label.
    """
    return (meta.get("issues", {}).get(issue) or {}).get("label") or issue


def actor_name(meta: Mapping[str, Any], actor: str) -> str:
    """The actor's display name, or its id when it has none.

    Args:
        meta: A run's meta dict.
        actor: Actor id.

    Returns:
        The name.
    """
    return (meta.get("actors", {}).get(actor) or {}).get("name") or actor


def anchors(meta: Mapping[str, Any], issue: str) -> list[tuple[float, str]]:
    """The issue's anchors as ``(position, text)`` pairs, sorted by position.

    Args:
        meta: A run's meta dict (as written or as read back from ``meta.json``).
        issue: Issue id.

    Returns:
        The anchors; empty when the issue has none.
    """
    raw = (meta.get("issues", {}).get(issue) or {}).get("anchors") or {}
    return sorted((float(k), str(v)) for k, v in raw.items())


def normalise_meta(meta: Mapping[str, Any]) -> dict[str, Any]:
    """Check ``meta`` and return its JSON-safe form, as it will be stored in ``meta.json``.

    Adds ``outcome_order`` when missing; anchor positions become compact strings.

    Args:
        meta: The meta dict handed over by the engine.

    Returns:
        The normalised copy (reading ``meta.json`` back gives an equal dict).

    Raises:
        ResultsError: If required keys are missing or malformed.
    """
    scenario_name(meta)
    issue_ids(meta)
    if not isinstance(meta.get("actors"), Mapping):
        raise ResultsError("meta has no 'actors' mapping {actor_id: {name, role}}")
    for issue, info in meta["issues"].items():
        if not isinstance(info, Mapping):
            raise ResultsError(f"meta issues.{issue} must be a mapping with a label")
    out = to_jsonable(meta)
    out["outcome_order"] = outcome_order(meta)
    return out
