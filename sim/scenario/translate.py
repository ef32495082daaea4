"""Turn pydantic's validation errors into scenario messages that point into the file."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from sim.scenario.errors import SourceMap, did_you_mean, one_of, show
from sim.scenario.numbers import DIST_CLASSES, LOC_TAGS, NUMBER_TAG
from sim.scenario.paths import keys_at, range_at

_DIST_HELP = "{dist: normal, mean, sd}, {dist: uniform, low, high}, " \
    "{dist: triangular, low, mode, high}, {dist: beta, a, b} or {dist: choice, values, p}"

_BOUNDS = {"greater_than_equal": (">=", "ge"), "greater_than": (">", "gt"),
           "less_than_equal": ("<=", "le"), "less_than": ("<", "lt")}


def problems_from(exc: ValidationError, sources: SourceMap, data: Any) -> list[str]:
    """One message per error in ``exc``, ordered by where the offending key was written."""
    found: list[tuple[tuple, str]] = []
    for err in exc.errors(include_url=False):
        if err["type"] == "scenario_consistency":
            base = _clean(err["loc"])[0]
            for loc, text in err["ctx"]["problems"]:
                found.append(_placed(sources, (*base, *loc), text, inner=True))
            continue
        if err["type"] == "extra_forbidden" and err["loc"]:
            # the last element is the unknown key itself, even one spelt like a union tag
            loc, is_key = (*_clean(err["loc"][:-1])[0], str(err["loc"][-1])), False
        else:
            loc, is_key = _clean(err["loc"])
        found.append(_placed(sources, loc, _describe(err, loc, is_key, data)))
    found.sort(key=lambda item: item[0])
    unique = dict.fromkeys(text for _, text in found)
    return list(unique)


def _placed(sources: SourceMap, loc: tuple[str, ...], text: str,
            inner: bool = False) -> tuple[tuple, str]:
    """The sort key and the message of a problem at ``loc``.

    With ``inner``, a key written in the file whose value was changed inside by ``--set`` (``--set
    battlefield.edge.mean=5`` on a distribution of the file) is reported as from that override.
    """
    origin = sources.locate(loc)
    if inner and origin.override is None:
        n = len(loc)
        changed = [o for p, o in sources.marks.items()
                   if len(p) > n and p[:n] == loc and o.override is not None]
        if changed:
            return changed[-1].sort_key(), f"{changed[-1]}: {'.'.join(loc)}: {text}"
    return origin.sort_key(), sources.problem(loc, text)


def _clean(loc: tuple) -> tuple[tuple[str, ...], bool]:
    """Drop union tags from a pydantic location; report whether it points at a dict key."""
    is_key = bool(loc) and loc[-1] == "[key]"
    keys = tuple(str(k) for k in loc if k not in LOC_TAGS and k != "[key]")
    return keys, is_key


def _describe(err: ErrorDetails, loc: tuple[str, ...], is_key: bool, data: Any) -> str:
    kind, ctx, raw = err["type"], err.get("ctx") or {}, err["loc"]
    value = err.get("input")
    if kind == "missing":
        return f"missing required key '{loc[-1]}'" if loc else "missing required key"
    if kind == "extra_forbidden" and loc:
        allowed = keys_at(loc[:-1], data)
        hint = did_you_mean(loc[-1], allowed)
        if not hint and allowed:
            hint = f" (expected one of: {', '.join(allowed)})"
        return f"unknown key '{loc[-1]}'{hint}"
    if kind == "union_tag_invalid":
        kind_given = _dist_of(value)
        return (f"unknown distribution {show(kind_given)}{did_you_mean(kind_given, DIST_CLASSES)}"
                f"; expected one of {one_of(DIST_CLASSES)}")
    if kind == "union_tag_not_found":
        return f"a distribution needs a 'dist' key; expected one of {_DIST_HELP}"
    if NUMBER_TAG in raw and kind != "finite_number":
        return _number_message(loc, value, data)
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'", ctx.get("expected", "")) or [ctx.get("expected")]
        text = f"expected {one_of(options)}, got {show(value)}"
        return text + (did_you_mean(value, options) if isinstance(value, str) else "")
    if kind == "invalid_key":
        return f"invalid key {show(value)}: keys must be text"
    if kind in ("too_short", "too_long") and "actual_length" in ctx:
        limit = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        word = "at least" if kind == "too_short" else "at most"
        one, many = ("item", "items") if ctx.get("field_type") == "List" else ("entry", "entries")
        noun = one if limit == 1 else many
        return f"expected {word} {limit} {noun}, got {ctx['actual_length']}"
    if kind in _BOUNDS:
        word, key = _BOUNDS[kind]
        return f"expected a number {word} {ctx[key]:g}, got {show(value)}"
    text = _expectation(err)
    if is_key:
        return f"invalid key {show(value)}: {text}"
    if kind.endswith("_type") or kind.startswith(("too_", "finite")):
        return f"{text}, got {show(value)}"
    return text


def _dist_of(value: Any) -> Any:
    return value.get("dist") if isinstance(value, dict) else value


def _number_message(loc: tuple[str, ...], value: Any, data: Any) -> str:
    rng = range_at(loc, data)
    span = f"a number from {rng.lo:g} to {rng.hi:g}" if rng else "a number"
    return (f"expected {span}, or a distribution such as {{dist: normal, mean: .., sd: ..}}; "
            f"got {show(value)}")


def _expectation(err: ErrorDetails) -> str:
    msg: str = err["msg"]
    if msg.startswith("Value error, "):
        return msg[len("Value error, "):]
    if msg.startswith("Input should be "):
        msg = "expected " + msg[len("Input should be "):]
    msg = msg.replace("a valid dictionary or instance of ", "a mapping (key: value) for ")
    msg = msg.replace("a valid dictionary", "a mapping (key: value)")
    msg = msg.replace("a valid list", "a list")
    return msg[0].lower() + msg[1:] if msg else msg
