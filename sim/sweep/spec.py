"""Sweep files: YAML in, a validated :class:`Sweep` out.

A sweep file names a base scenario, a design and the parameters it varies::

    sweep: 1
    scenario: ../istanbul_2025.yaml     # relative to the sweep file
    runs_per_point: 500                 # default: the scenario's runs
    seed: 7                             # default: the scenario's seed
    design: grid                        # grid | lhs | sobol | morris
    samples: 64                         # lhs / sobol / morris only
    parameters:
      pressure.eu_sanctions.war_cost: {values: [0, 0.002, 0.004, 0.008]}
      battlefield.edge.mean: {low: -0.4, high: 0.8, steps: 5}
    outputs: [ceasefire, collapse, dictated_peace]

A parameter is any key path that ``ceasefire run --set`` accepts. Grid parameters take a
``values`` list or ``{low, high, steps}`` (evenly spaced, ends included); LHS, Sobol and Morris
parameters take a range ``{low, high}``. Outputs are outcome names (the share of replications
ending that way) and the flags ``dictated_peace`` (share of all replications) and
``agreement_holds`` (share of the replications that agreed a ceasefire or a settlement, as in
``summary.json``).

Every problem is reported like a scenario problem: file, line, column, key path and what was
expected, with a "did you mean" hint for misspelt keys, designs and outputs. Parameter keys are
checked by loading the base scenario with the parameter set to its extreme values.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim.results.meta import OUTCOMES
from sim.scenario import Scenario, ScenarioError, load_scenario, resolved_yaml
from sim.scenario.errors import Origin, SourceMap, did_you_mean, one_of, show
from sim.scenario.loader import apply_overrides
from sim.scenario.translate import problems_from
from sim.scenario.yamlio import read_yaml, top_level_keys
from sim.sweep.errors import SweepError

SWEEP_VERSION = 1
DESIGNS: tuple[str, ...] = ("grid", "lhs", "sobol", "morris")
FLAGS: tuple[str, ...] = ("dictated_peace", "agreement_holds")
#: Outputs of earlier sweep files that have another name now.
RENAMED_OUTPUTS = {"ceasefire_holds": "agreement_holds"}
#: Every name allowed in ``outputs``: the outcomes, then the two flags.
OUTPUTS: tuple[str, ...] = (*OUTCOMES, *FLAGS)
#: Outputs used when a sweep file lists none.
DEFAULT_OUTPUTS: tuple[str, ...] = OUTCOMES
DEFAULT_SAMPLES = 64
_CONFIG = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class _ParameterModel(BaseModel):
    model_config = _CONFIG

    values: list[Any] | None = Field(
        default=None, min_length=1, description="The levels to run (grid designs), e.g. "
        "[0, 0.004, 0.01]; any YAML value the key accepts.")
    low: int | float | None = Field(default=None, description="Lowest value of a range.")
    high: int | float | None = Field(default=None, description="Highest value of a range.")
    steps: int | None = Field(
        default=None, ge=2, description="Evenly spaced levels from low to high (grid designs); "
        "the other designs sample the range.")


class _SweepModel(BaseModel):
    model_config = _CONFIG

    sweep: Literal[1] = Field(description="Version of the sweep format: 1.")
    scenario: str = Field(min_length=1, description="The base scenario file, relative to the "
                          "sweep file.")
    runs_per_point: int | None = Field(default=None, ge=1, description="Replications at every "
                                       "point (default: the scenario's runs).")
    seed: int | None = Field(default=None, ge=0, description="Master seed of every point "
                             "(common random numbers; default: the scenario's).")
    design: Literal["grid", "lhs", "sobol", "morris"] = Field(
        default="grid", description="grid (every combination of the levels), lhs (Latin "
        "hypercube), sobol (Saltelli; Sobol' indices) or morris (elementary effects).")
    samples: int | None = Field(default=None, ge=1, description="Base sample count of lhs, "
                                "sobol (a power of 2) and morris designs.")
    parameters: dict[str, _ParameterModel] = Field(
        min_length=1, description="Scenario key path -> its values ({values: [...]}) or range "
        "({low, high[, steps]}), e.g. battlefield.edge.mean: {low: -0.4, high: 0.8}.")
    outputs: list[str] = Field(
        default_factory=lambda: list(DEFAULT_OUTPUTS), min_length=1,
        description="Outcomes and flags whose shares are reported: " + ", ".join(OUTPUTS) + ".")


def sweep_json_schema() -> dict[str, Any]:
    """JSON Schema of sweep files (``ceasefire schema --sweep``), for editors.

    It checks the form of each key; which parameters the base scenario accepts, the design's
    sample count and the outputs' names are checked by ``ceasefire validate``.
    """
    schema = _SweepModel.model_json_schema(mode="validation")
    schema["title"] = "ceasefire-sim sweep file"
    schema["description"] = ("A parameter sweep over a base scenario: every point runs the "
                             "scenario with the parameters set to the point's values.")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


@dataclass(frozen=True)
class Parameter:
    """One varied input of a sweep.

    Attributes:
        key: The scenario key path (``battlefield.edge.mean``).
        values: The listed values (grid), or None.
        low: Lower end of the range, or None when ``values`` is given.
        high: Upper end of the range, or None when ``values`` is given.
        steps: Number of evenly spaced grid levels from low to high, or None.
    """

    key: str
    values: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    steps: int | None = None

    def levels(self) -> list[Any]:
        """The grid levels: the listed values, or ``steps`` points from low to high.

        Spaced values are rounded to 12 significant digits (so 0.1 steps read as 0.1, not
        0.30000000000000004) and stay integers when both ends are integers and every level is
        whole (integer fields such as ``sessions`` need integers).
        """
        if self.values is not None:
            return list(self.values)
        assert self.low is not None and self.high is not None and self.steps is not None
        raw = np.linspace(self.low, self.high, self.steps)
        span = abs(float(self.high) - float(self.low)) or 1.0
        # snap float noise (e.g. 5.6e-17 for 0) to zero relative to the span, then tidy digits
        levels = [0.0 if abs(x) < 1e-12 * span else float(f"{x:.12g}") for x in raw]
        if isinstance(self.low, int) and isinstance(self.high, int) and all(
                x == round(x) for x in levels):
            return [int(round(x)) for x in levels]
        return levels

    def extremes(self) -> list[Any]:
        """Values that stand for the whole parameter when checking it against the scenario."""
        if self.values is not None:
            return list(dict.fromkeys(yaml_value(v) for v in self.values))
        ends = [yaml_value(self.low), yaml_value(self.high)]
        if self.steps is None:
            # sampled designs draw any value in between: an integer-only key must fail here,
            # at validation, not at the first point of the sweep
            low, high = self.bounds()
            inner = float(low) + 0.37 * (float(high) - float(low))
            if inner != round(inner):
                ends.append(yaml_value(inner))
        return ends

    def bounds(self) -> tuple[float, float]:
        """``(low, high)`` of a parameter given as a range.

        Raises:
            ValueError: The parameter lists its values instead.
        """
        if self.low is None or self.high is None:
            raise ValueError(f"parameter {self.key} lists values, not a range")
        return self.low, self.high

    def as_dict(self) -> dict[str, Any]:
        """The parameter as written in a resolved ``sweep.yaml``."""
        if self.values is not None:
            return {"values": list(self.values)}
        out: dict[str, Any] = {"low": self.low, "high": self.high}
        if self.steps is not None:
            out["steps"] = self.steps
        return out


@dataclass(frozen=True)
class Sweep:
    """A validated sweep file.

    Attributes:
        file: The sweep file as the user named it.
        name: The file's stem, used for the result folder (``results/sweeps/<name>/``).
        scenario_file: The base scenario, resolved against the sweep file's folder.
        scenario_shown: The base scenario path as shown in messages and titles.
        scenario: The validated base scenario.
        runs_per_point: Replications per design point.
        seed: Master seed shared by every point (common random numbers).
        design: ``grid``, ``lhs``, ``sobol`` or ``morris``.
        samples: LHS points, or the base sample size N of Sobol / trajectories of Morris.
        parameters: The varied inputs, in file order.
        outputs: The reported outputs, in file order.
        origins: ``file:line:column`` of the keys written in the file (``runs_per_point``,
            ``samples``, ``parameters.<key>``, ``parameters.<key>.steps`` ...), for messages.
    """

    file: Path
    name: str
    scenario_file: Path
    scenario_shown: str
    scenario: Scenario
    runs_per_point: int
    seed: int
    design: str
    samples: int | None
    parameters: dict[str, Parameter]
    outputs: tuple[str, ...]
    origins: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def keys(self) -> list[str]:
        """Parameter key paths in file order."""
        return list(self.parameters)

    @property
    def sampled(self) -> bool:
        """True for the designs that sample each parameter from its range (not ``grid``)."""
        return self.design != "grid"

    def bounds(self) -> dict[str, tuple[float, float]]:
        """``(low, high)`` of every parameter, in file order (sampled designs only).

        Raises:
            ValueError: A parameter lists values instead of a range (a grid).
        """
        return {k: p.bounds() for k, p in self.parameters.items()}

    def resolved(self) -> dict[str, Any]:
        """The sweep with defaults filled in and the scenario as an absolute path."""
        out: dict[str, Any] = {
            "sweep": SWEEP_VERSION,
            "scenario": str(self.scenario_file),
            "runs_per_point": self.runs_per_point,
            "seed": self.seed,
            "design": self.design,
        }
        if self.samples is not None:
            out["samples"] = self.samples
        out["parameters"] = {k: p.as_dict() for k, p in self.parameters.items()}
        out["outputs"] = list(self.outputs)
        return out

    def to_yaml(self) -> str:
        """The resolved sweep as YAML (written to ``sweep.yaml`` in the sweep folder)."""
        return yaml.safe_dump(self.resolved(), sort_keys=False, allow_unicode=True, width=100)

    def points_hash(self) -> str:
        """SHA-256 of everything that decides the points' replications.

        That is the design, samples, seed, runs per point, parameters and the fully resolved
        base scenario, but not the outputs (every point file holds all replications, so the
        outputs can change between an interrupted run and its resume) nor where the base
        scenario file lives.
        """
        what = {k: v for k, v in self.resolved().items() if k not in ("scenario", "outputs")}
        what["base_scenario"] = resolved_yaml(self.scenario)
        text = json.dumps(what, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def yaml_value(value: Any) -> str:
    """``value`` as YAML text for a ``KEY=VALUE`` override (floats round-trip exactly)."""
    if isinstance(value, np.generic):
        value = value.item()
    text = yaml.safe_dump(value, default_flow_style=True, width=1 << 30, allow_unicode=True)
    if text.endswith("\n...\n"):
        text = text[: -len("\n...\n")]
    return text.strip()


def is_sweep_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` looks like a sweep file (a YAML mapping with a top-level ``sweep`` key).

    Used by ``ceasefire validate`` to tell sweeps from scenarios; unreadable files are not
    sweeps (the scenario loader then reports why they cannot be read).
    """
    return "sweep" in (top_level_keys(Path(path)) or ())


def validate_sweep(path: str | os.PathLike[str]) -> list[str]:
    """Every problem of a sweep file, one message each; empty when it is valid."""
    try:
        load_sweep(path)
    except ScenarioError as exc:
        return exc.problems
    return []


def load_sweep(path: str | os.PathLike[str]) -> Sweep:
    """Read and validate a sweep file, its base scenario and its parameter keys.

    Args:
        path: The sweep YAML file.

    Returns:
        The validated sweep.

    Raises:
        SweepError: Anything wrong with the sweep file, including parameters the base scenario
            does not accept and problems of the base scenario itself.
    """
    shown = os.fspath(path)
    try:
        data, marks = read_yaml(Path(shown), shown)
    except ScenarioError as exc:
        raise SweepError(exc.problems, shown) from None
    sources = SourceMap(marks.get((), Origin(shown, 1, 1)), marks)
    if not isinstance(data, dict):
        raise SweepError(sources.problem((), "a sweep file is a mapping starting with "
                                         f"'sweep: {SWEEP_VERSION}', found {show(data)}"), shown)
    version = data.get("sweep")
    if "sweep" in data and (version != SWEEP_VERSION or isinstance(version, bool)):
        raise SweepError(sources.problem(("sweep",), f"unsupported sweep version {show(version)}; "
                                         f"this version reads 'sweep: {SWEEP_VERSION}'"), shown)
    try:
        model = _SweepModel.model_validate(data)
    except ValidationError as exc:
        raise SweepError(_pydantic_problems(exc, sources), shown) from None
    problems = _shape_problems(model, sources)
    if problems:
        raise SweepError(problems, shown)
    base_file = Path(shown).parent / model.scenario
    base_shown = os.path.normpath(os.path.join(os.path.dirname(shown), model.scenario))
    base = _load_base(base_file, base_shown, sources, shown)
    params = {k: _parameter(k, p) for k, p in model.parameters.items()}
    data = base_data(base)
    problems = [msg for key, p in params.items()
                if (msg := _key_problem(key, p, data, base_file, base_shown, sources))]
    if problems:
        raise SweepError(problems, shown)
    samples = model.samples if model.design == "grid" else (model.samples or DEFAULT_SAMPLES)
    return Sweep(
        file=Path(shown), name=Path(shown).stem, scenario_file=base_file.resolve(),
        scenario_shown=base_shown, scenario=base,
        runs_per_point=model.runs_per_point or base.runs,
        seed=model.seed if model.seed is not None else base.seed,
        design=model.design, samples=samples, parameters=params, outputs=tuple(model.outputs),
        origins={".".join(k): str(o) for k, o in marks.items() if k[:1] in _COUNTED})


#: Keys whose positions a sweep keeps for the work budget's messages.
_COUNTED = {("runs_per_point",), ("samples",), ("parameters",)}


def _parameter(key: str, p: _ParameterModel) -> Parameter:
    values = tuple(p.values) if p.values is not None else None
    return Parameter(key, values, p.low, p.high, p.steps)


def _load_base(base_file: Path, base_shown: str, sources: SourceMap, shown: str) -> Scenario:
    if not base_file.is_file():
        what = "is not a file" if base_file.exists() else "not found"
        raise SweepError(sources.problem(("scenario",), f"base scenario {base_shown} {what} "
                                         "(the path is relative to the sweep file)"), shown)
    try:
        return load_scenario(base_file)
    except ScenarioError as exc:
        head = sources.problem(("scenario",), f"the base scenario {base_shown} is invalid")
        raise SweepError([head, *exc.problems], shown) from None


def base_data(scn: Scenario) -> dict[str, Any]:
    """The resolved scenario as plain data, ready for :func:`with_overrides`."""
    return scn.model_dump(mode="python", by_alias=True, exclude={"extends"}, exclude_none=True)


def with_overrides(base: dict[str, Any], file: Path, overrides: list[str]) -> Scenario:
    """``load_scenario(file, overrides)`` for a base already read: :func:`base_data` of it.

    Reading and parsing the YAML is most of the cost of loading a scenario; a sweep reads its
    base once and validates a copy with each point's overrides.

    Raises:
        ScenarioError: An override's key path or value is refused (the message says which).
    """
    shown = os.fspath(file)
    data, sources = copy.deepcopy(base), SourceMap(Origin(shown))
    data = apply_overrides(data, sources, overrides)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(problems_from(exc, sources, data), shown) from None


def _key_problem(key: str, p: Parameter, base: dict[str, Any], base_file: Path,
                 base_shown: str, sources: SourceMap) -> str | None:
    """Check ``key`` by setting it to each extreme value in the base scenario."""
    for text in p.extremes():
        try:
            with_overrides(base, base_file, [f"{key}={text}"])
        except ScenarioError as exc:
            detail = "; ".join(_strip_origin(q, key, text) for q in exc.problems)
            return sources.problem(
                ("parameters", key),
                f"the base scenario {base_shown} does not accept {key}={text}: {detail}")
    return None


def _strip_origin(problem: str, key: str, text: str) -> str:
    """Drop the ``file (from --set k=v): `` prefix of a scenario problem about our override."""
    marker = f"(from --set {key}={text}): "
    _, found, rest = problem.partition(marker)
    return rest if found else problem


# --- shape checks -------------------------------------------------------------------------


def _shape_problems(model: _SweepModel, sources: SourceMap) -> list[str]:
    problems: list[str] = []
    ranged = model.design != "grid"
    if model.design == "grid" and model.samples is not None:
        problems.append(sources.problem(
            ("samples",), "'samples' is for the lhs, sobol and morris designs; a grid runs every "
            "combination of its parameters' levels (remove 'samples')"))
    n = model.samples or DEFAULT_SAMPLES
    if model.design == "sobol" and n & (n - 1):
        problems.append(sources.problem(
            ("samples",), f"the sobol design needs a power of 2 for samples (Saltelli's scheme "
            f"keeps its convergence properties only then); got {n}, try "
            f"{1 << max(1, (n - 1).bit_length() - 1)} or {1 << (n - 1).bit_length()}"))
    for key, p in model.parameters.items():
        problems += _parameter_problems(key, p, model.design, ranged, sources)
    seen: set[str] = set()
    for k, name in enumerate(model.outputs):
        where = ("outputs", str(k))
        if name in RENAMED_OUTPUTS:
            problems.append(sources.problem(
                where, f"output '{name}' is now '{RENAMED_OUTPUTS[name]}' (whether a ceasefire "
                "or a settlement holds, by the kind of agreement)"))
        elif name not in OUTPUTS:
            problems.append(sources.problem(
                where, f"unknown output {show(name)}{did_you_mean(name, OUTPUTS)}; expected an "
                f"outcome or flag: {one_of(OUTPUTS)}"))
        elif name in seen:
            problems.append(sources.problem(where, f"output '{name}' is listed twice"))
        seen.add(name)
    return problems


def _parameter_problems(key: str, p: _ParameterModel, design: str, ranged: bool,
                        sources: SourceMap) -> list[str]:
    where = ("parameters", key)
    given = {k for k in ("values", "low", "high", "steps") if getattr(p, k) is not None}
    if ranged:
        if given != {"low", "high"}:
            return [sources.problem(where, f"the {design} design samples each parameter from a "
                                    "range: give {low: .., high: ..} (only grid takes 'values' "
                                    f"or 'steps'); found {_keys_text(given)}")]
    elif given not in ({"values"}, {"low", "high", "steps"}):
        return [sources.problem(where, "a grid parameter takes {values: [...]} or "
                                f"{{low: .., high: .., steps: ..}}; found {_keys_text(given)}")]
    if p.low is not None and p.high is not None and not p.low < p.high:
        return [sources.problem(where, f"needs low < high (got low {p.low!r}, high {p.high!r})")]
    if p.values is not None and len({yaml_value(v) for v in p.values}) < len(p.values):
        return [sources.problem((*where, "values"), "lists a value twice")]
    return []


def _keys_text(keys: set[str]) -> str:
    order = ["values", "low", "high", "steps"]
    return ", ".join(k for k in order if k in keys) or "no keys"


# --- pydantic errors -> messages ----------------------------------------------------------


def _allowed_keys(loc: tuple[str, ...]) -> list[str]:
    if len(loc) == 0:
        return list(_SweepModel.model_fields)
    if len(loc) == 2 and loc[0] == "parameters":
        return list(_ParameterModel.model_fields)
    return []


def _pydantic_problems(exc: ValidationError, sources: SourceMap) -> list[str]:
    found: list[tuple[tuple, str]] = []
    for err in exc.errors(include_url=False):
        loc = tuple(str(k) for k in err["loc"] if k != "[key]")
        value, kind = err.get("input"), err["type"]
        if kind == "extra_forbidden":
            allowed = _allowed_keys(loc[:-1])
            hint = did_you_mean(loc[-1], allowed) or f" (expected one of: {', '.join(allowed)})"
            text = f"unknown key '{loc[-1]}'{hint}"
        elif kind == "missing":
            text = f"missing required key '{loc[-1]}'"
        elif kind == "literal_error" and loc == ("design",):
            text = (f"unknown design {show(value)}{did_you_mean(value, DESIGNS)}; expected "
                    f"{one_of(DESIGNS)}")
        elif kind == "literal_error":
            text = f"expected {err['ctx'].get('expected')}, got {show(value)}"
        elif kind in ("model_type", "model_attributes_type") and loc[:1] == ("parameters",):
            text = ("expected a mapping: {values: [...]} or {low: .., high: ..} (grid may add "
                    f"steps: ..), got {show(value)}")
        elif kind == "dict_type" and loc == ("parameters",):
            text = ("expected a mapping from scenario key paths to {values: [...]} or "
                    f"{{low: .., high: ..}}, got {show(value)}")
        else:
            msg = err["msg"].replace("Input should be ", "expected ")
            text = f"{msg}, got {show(value)}"
        found.append((sources.locate(loc).sort_key(), sources.problem(loc, text)))
    found.sort(key=lambda item: item[0])
    return list(dict.fromkeys(text for _, text in found))
