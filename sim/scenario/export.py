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
    """JSON Schema of the scenario format, with a description for every field."""
    schema = Scenario.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": JSON_SCHEMA_DIALECT, **schema}
