"""Key paths through the scenario schema: what ``actors.russia.salience.territory`` refers to.

Used to check ``--set`` paths before applying them, to suggest the right key for an unknown
one and to find the valid range of a Number field for messages and sampling.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim.scenario.errors import did_you_mean
from sim.scenario.models import DottedKeys, Scenario
from sim.scenario.numbers import DIST_CLASSES, NumberRange
from sim.scenario.yamlio import parse_value


class PathProblem(ValueError):
    """A key path that the schema does not allow."""


@dataclass(frozen=True)
class Node:
    """What sits at one place of the schema.

    Attributes:
        kind: "model", "dict", "list", "number" or "leaf".
        ann: The (unwrapped) annotation.
        item: Annotation of the values (dict) or items (list).
        dotted: Dict whose keys are whole dotted paths (``events.<name>.set``).
        range: Valid range of a Number field.
    """

    kind: str
    ann: Any
    item: Any = None
    dotted: bool = False
    range: NumberRange | None = None


def field_type(field: FieldInfo) -> Any:
    """A model field's annotation with its metadata (pydantic keeps them apart)."""
    return Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation


def fields_by_key(model: type[BaseModel]) -> dict[str, FieldInfo]:
    """Fields of ``model`` under the key written in YAML (the alias where there is one)."""
    return {field.alias or name: field for name, field in model.model_fields.items()}


def classify(ann: Any) -> Node:
    """Describe the annotation ``ann`` as a :class:`Node`."""
    metadata: list[Any] = []
    while get_origin(ann) is Annotated:
        metadata += list(ann.__metadata__)
        ann = get_args(ann)[0]
    number = next((m for m in metadata if isinstance(m, NumberRange)), None)
    if number is not None:
        return Node("number", ann, range=number)
    origin = get_origin(ann)
    if origin in (Union, types.UnionType):
        members = [a for a in get_args(ann) if a is not type(None)]
        if len(members) == 1:
            return classify(members[0])
        return Node("leaf", ann)
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return Node("model", ann)
    if origin is dict:
        _, value = get_args(ann)
        dotted = any(isinstance(m, DottedKeys) for m in metadata)
        return Node("dict", ann, item=value, dotted=dotted)
    if origin is list:
        return Node("list", ann, item=get_args(ann)[0])
    return Node("leaf", ann)


def _child(value: Any, key: Any) -> Any:
    if isinstance(value, dict):
        return value.get(key)
    if isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
        return value[key]
    return None


def _dict_key(node: Node, part: str, value: Any) -> Any:
    """The key ``part`` stands for: numeric keys (issue anchors) compare by value."""
    key_ann = get_args(node.ann)[0]
    while get_origin(key_ann) is Annotated:
        key_ann = get_args(key_ann)[0]
    if key_ann is float:
        number = parse_value(part)
        if isinstance(number, int | float) and not isinstance(number, bool):
            existing = [k for k in (value or {}) if isinstance(k, int | float) and k == number]
            return existing[0] if existing else number
    return part


def step(node: Node, value: Any, parts: list[str], where: str) -> tuple[Node, Any, Any, int]:
    """Follow ``parts[0]`` (or more, for dotted keys) from ``node`` holding ``value``.

    Returns:
        The next node, the value there, the key as stored in the data and parts consumed.

    Raises:
        PathProblem: The schema has nothing by that name there.
    """
    part = parts[0]
    if node.kind == "model":
        fields = fields_by_key(node.ann)
        if part in fields:
            return classify(field_type(fields[part])), _child(value, part), part, 1
        if node.ann.model_config.get("extra") == "allow":
            return Node("leaf", float), _child(value, part), part, 1
        raise PathProblem(f"unknown key '{part}' in {where}{did_you_mean(part, fields)}"
                          f" (keys there: {', '.join(fields)})")
    if node.kind == "dict":
        if node.dotted:
            key = ".".join(parts)
            return classify(node.item), _child(value, key), key, len(parts)
        key = _dict_key(node, part, value)
        existing = list(value) if isinstance(value, dict) else []
        if key not in existing and len(parts) > 1 and classify(node.item).kind == "model":
            raise PathProblem(f"no '{part}' in {where}{did_you_mean(part, existing)}")
        return classify(node.item), _child(value, key), key, 1
    if node.kind == "list":
        size = len(value) if isinstance(value, list) else 0
        if not part.isdigit() or int(part) >= size:
            raise PathProblem(f"{where} is a list of {size} items; '{part}' is not an index of it")
        return classify(node.item), value[int(part)], int(part), 1
    if node.kind == "number":
        kind = value.get("dist") if isinstance(value, dict) else None
        if kind not in DIST_CLASSES:
            raise PathProblem(
                f"{where} is a fixed number, not a distribution; set it whole instead, e.g. "
                f"--set \"{where}={{dist: normal, mean: 0.5, sd: 0.1}}\"")
        params = fields_by_key(DIST_CLASSES[kind])
        if part not in params:
            raise PathProblem(f"a {kind} distribution has no '{part}'"
                              f"{did_you_mean(part, params)} (it has: {', '.join(params)})")
        return Node("leaf", float), _child(value, part), part, 1
    raise PathProblem(f"{where} is a single value; it has no key '{part}'")


def resolve(parts: list[str], data: Any) -> tuple[list[Any], Node, Any]:
    """Follow a whole key path from the top of the scenario.

    Returns:
        The keys as stored in the data, the final node and the value there (None if absent).

    Raises:
        PathProblem: Some part of the path is not in the schema.
    """
    keys, nodes, value = _walk(parts, data)
    return keys, nodes[-1], value


def default_blocks(parts: list[str], data: Any) -> list[dict | None]:
    """For each key of the path, the mapping to start from if the data lacks it.

    A block with a default (``strategy`` is ``{name: steady}``) starts as that default, so
    that ``--set actors.red.strategy.beta=0.3`` tunes the default strategy; other blocks start
    empty (None here).
    """
    keys, nodes, _ = _walk(parts, data)
    blocks: list[dict | None] = []
    for parent, key in zip(nodes[:-1], keys, strict=True):
        field = fields_by_key(parent.ann).get(key) if parent.kind == "model" else None
        default = None if field is None else field.get_default(call_default_factory=True)
        blocks.append(default.model_dump(by_alias=True, exclude_none=True)
                      if isinstance(default, BaseModel) else None)
    return blocks


def _walk(parts: list[str], data: Any) -> tuple[list[Any], list[Node], Any]:
    node, value, keys, nodes, i = classify(Scenario), data, [], [], 0
    nodes.append(node)
    while i < len(parts):
        where = ".".join(parts[:i]) or "the top level"
        node, value, key, used = step(node, value, parts[i:], where)
        keys.append(key)
        nodes.append(node)
        i += used
    return keys, nodes, value


def keys_at(path: tuple[str, ...], data: Any) -> list[str]:
    """Keys the schema allows at ``path`` (for "did you mean"); [] when unknown."""
    try:
        _, node, value = resolve(list(path), data)
    except PathProblem:
        return []
    if node.kind == "model":
        return list(fields_by_key(node.ann))
    if node.kind == "number" and isinstance(value, dict) and value.get("dist") in DIST_CLASSES:
        return list(fields_by_key(DIST_CLASSES[value["dist"]]))
    return []


def range_at(path: tuple[str, ...], data: Any) -> NumberRange | None:
    """Valid range of the Number field at ``path``, or None if it is not one."""
    try:
        _, node, _ = resolve(list(path), data)
    except PathProblem:
        return None
    return node.range
