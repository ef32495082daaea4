"""Write a scenario back out: the resolved YAML of a run, and the JSON Schema for editors."""

from __future__ import annotations

from typing import Any

import yaml

from sim.scenario.models import Scenario

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


class _Flow(dict):
    """A mapping written on one line (distributions and maps of numbers)."""


class _Dumper(yaml.SafeDumper):
    """Safe dumper that writes :class:`_Flow` mappings in flow style and keeps key order."""


_Dumper.add_representer(
    _Flow, lambda dumper, data: dumper.represent_mapping(
        "tag:yaml.org,2002:map", data.items(), flow_style=True))


def _plain_key(key: Any) -> Any:
    """Write whole-number anchor keys as ``50``, not ``50.0``."""
    return int(key) if isinstance(key, float) and key.is_integer() else key


def _flow_small_maps(value: Any) -> Any:
    if isinstance(value, dict):
        inner = {_plain_key(k): _flow_small_maps(v) for k, v in value.items()}
        numeric = all(isinstance(v, int | float) for v in value.values())
        if value and ("dist" in value or numeric):
            return _Flow(inner)
        return inner
    if isinstance(value, list):
        return [_flow_small_maps(v) for v in value]
    return value


def resolved_yaml(scn: Scenario) -> str:
    """The fully resolved scenario as YAML.

    ``extends`` and overrides are already applied and ``extends`` is left out; every default is
    written out; distributions stay distributions (``{dist: normal, mean: .., sd: ..}``); keys
    keep the scenario's order. :func:`~sim.scenario.load_scenario` on the text gives an equal
    :class:`~sim.scenario.Scenario`.
    """
    data = scn.model_dump(mode="python", by_alias=True, exclude={"extends"}, exclude_none=True)
    return yaml.dump(_flow_small_maps(data), Dumper=_Dumper, sort_keys=False,
                     allow_unicode=True, width=100)


def json_schema() -> dict[str, Any]:
    """JSON Schema of scenario files, with a description for every field.

    The top level is the scenario with nothing required (the ``...Part`` definitions: a file
    with ``extends`` gets the rest from its base, and may give a distribution in part, as
    ``{mean: 0.3}`` tunes the base's); a file without ``extends`` must also be a complete
    scenario (``$defs/Scenario``, pydantic's schema of :class:`Scenario`). The schema
    checks each key's form; what relates keys to each other (a salience for every issue, a party
    named by a pressure measure) is left to ``ceasefire validate``.
    """
    full = Scenario.model_json_schema(by_alias=True, mode="validation")
    defs = full.pop("$defs", {})
    part_defs = {f"{name}Part": _partial(model) for name, model in defs.items()}
    schema = {"$schema": JSON_SCHEMA_DIALECT, **_partial(full)}
    schema["$defs"] = {**defs, **part_defs, "Scenario": full}
    schema["if"] = {"required": ["extends"]}  # a variant: its base supplies the rest
    schema["then"] = {}
    schema["else"] = {"$ref": "#/$defs/Scenario"}
    return schema


def _partial(node: Any) -> Any:
    """``node`` with nothing required, ``oneOf`` as ``anyOf``, references to the parts."""
    if isinstance(node, list):
        return [_partial(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "required":
            continue
        if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/"):
            out[key] = f"{value}Part"
        elif key == "oneOf":  # partial distributions may match several members
            out["anyOf"] = _partial(value)
        elif key == "properties" and isinstance(value, dict):
            out[key] = {k: _partial(v) for k, v in value.items()}
        else:
            out[key] = _partial(value)
    return out
