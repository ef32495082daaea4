"""Calibration files: YAML in, a validated :class:`Calibration` out.

A calibration file names the records to fit and those held out, the priors over the shared
structural inputs (key paths, as ``ceasefire run --set`` takes them), the statistics and
distance ABC compares, the method and its budget::

    calibration: 1
    fit: [../records/istanbul_2022.yaml, ../records/istanbul_2025.yaml]   # relative to the file
    hold_out: [../records/trilaterals_2026.yaml]
    priors:
      humanitarian.rate: {dist: uniform, low: 0.05, high: 0.95}
      negotiation.walkout.hazard: {dist: uniform, low: 0.0, high: 0.6}
    statistics: {facts: [exchange, ceasefire, main_agreement, walkout]}
    distance: hamming                  # hamming | euclidean
    method: smc                        # rejection | smc
    budget: {particles: 500, generations: 6, min_tolerance: 0, max_simulations: 20000}
    seed: 11

Each prior replaces that key in every record's scenario (the inputs are shared); the rest of
each scenario, its situation-specific inputs and their priors, stays as the scenario says.
Every problem is reported like a scenario problem: file, line, column and key path; a key a
record's scenario does not accept is reported with the scenario's own message.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError

from sim.calibrate.priors import PRIOR_KINDS, JointPrior, Marginal
from sim.records import LoadedRecord, load_record
from sim.records.loader import _drop_unknown, _ordered, _where
from sim.scenario import ScenarioError, resolved_yaml
from sim.scenario.errors import Origin, SourceMap, did_you_mean, show
from sim.scenario.numbers import STRICT, Distribution, DistributionT
from sim.scenario.translate import problems_from
from sim.scenario.uncertain import uncertain_inputs
from sim.scenario.yamlio import read_yaml
from sim.sweep.spec import base_data, with_overrides

CALIBRATION_VERSION = 1
DISTANCES: tuple[str, ...] = ("hamming", "euclidean")


class _Model(BaseModel):
    model_config = STRICT


FactName = Literal["exchange", "ceasefire", "main_agreement", "walkout"]


def _all_facts() -> list[FactName]:
    return ["exchange", "ceasefire", "main_agreement", "walkout"]


class Statistics(_Model):
    """Which recorded facts ABC compares (see :mod:`sim.calibrate.facts`)."""

    facts: list[FactName] = Field(
        default_factory=_all_facts, min_length=1, description=(
            "Facts compared, one statistic per recorded session that gives the fact."))


class Budget(_Model):
    """How much an ABC run may spend and when it stops."""

    particles: int = Field(default=500, ge=10, description="Particles per generation.")
    generations: int = Field(default=6, ge=1, description="Most generations (SMC).")
    min_tolerance: float = Field(default=0.0, ge=0, description=(
        "Stop once the tolerance is at or below it (SMC); keep every simulation within it "
        "(rejection)."))
    max_simulations: int = Field(default=20_000, ge=10, description=(
        "Most simulations of every fitted series together (rejection: exactly this many)."))
    quantile: float = Field(default=0.5, gt=0, lt=1, description=(
        "Quantile of the last generation's distances that sets the next tolerance (SMC)."))
    min_acceptance: float = Field(default=0.01, ge=0, lt=1, description=(
        "Stop after a generation accepting fewer of its simulations (SMC)."))


class CalibrationFile(_Model):
    """A calibration file (``calibration: 1``)."""

    calibration: Literal[1] = Field(description="Calibration format version.")
    title: str = Field(default="", description="One line saying what is calibrated.")
    fit: list[str] = Field(min_length=1, description="Record files fitted (relative paths).")
    hold_out: list[str] = Field(default_factory=list, description=(
        "Record files held out and scored (relative paths)."))
    priors: dict[str, Distribution] = Field(min_length=1, description=(
        "Key path -> prior (uniform, normal, beta or triangular)."))
    statistics: Statistics = Field(default_factory=Statistics, description="Facts compared.")
    distance: Literal["hamming", "euclidean"] = Field(default="hamming", description=(
        "hamming: share of facts mismatched; euclidean: root mean square difference."))
    method: Literal["rejection", "smc"] = Field(default="smc", description="ABC method.")
    budget: Budget = Field(default_factory=Budget, description="Budget and stopping rules.")
    predictive_runs: int = Field(default=2000, ge=100, description=(
        "Replications (one per posterior draw) of each series' posterior and prior predictive."))
    seed: int = Field(default=0, ge=0, description="Master seed.")


def calibration_json_schema() -> dict[str, Any]:
    """JSON Schema of calibration files (``ceasefire schema --calibration``), for editors.

    It checks the form of each key; whether the records exist and their scenarios accept each
    prior's key is checked by ``ceasefire validate``.
    """
    schema = CalibrationFile.model_json_schema(mode="validation")
    schema["title"] = "ceasefire-sim calibration file"
    schema["description"] = ("A calibration (calibration: 1): priors over shared inputs fitted "
                             "to recorded series by ABC, other series held out and scored.")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


@dataclass(frozen=True)
class Calibration:
    """A validated calibration file with its records loaded.

    Attributes:
        file: The file as the user named it.
        name: Its stem (the result folder's name).
        spec: The validated file.
        fit: The fitted records, in file order.
        hold_out: The held-out records, in file order.
        prior: The joint prior (truncated to each key's valid range).
    """

    file: Path
    name: str
    spec: CalibrationFile
    fit: tuple[LoadedRecord, ...]
    hold_out: tuple[LoadedRecord, ...]
    prior: JointPrior

    @property
    def paths(self) -> list[str]:
        """The calibrated key paths, in file order."""
        return self.prior.paths

    def resolved(self) -> dict[str, Any]:
        """The file with its defaults filled in and the records as named from here."""
        data = self.spec.model_dump(mode="json")
        data["fit"] = [r.path for r in self.fit]
        data["hold_out"] = [r.path for r in self.hold_out]
        return data

    def to_yaml(self) -> str:
        """The resolved calibration as YAML (``calibration.yaml`` in the folder)."""
        return yaml.safe_dump(self.resolved(), sort_keys=False, allow_unicode=True, width=100)

    def problem_hash(self) -> str:
        """SHA-256 of what decides the posterior: the file less its title and every scenario."""
        what = {k: v for k, v in self.resolved().items() if k not in ("title", "hold_out",
                                                                       "predictive_runs")}
        what["fit"] = [[r.record.model_dump(mode="json"), resolved_yaml(r.scenario)]
                       for r in self.fit]
        text = json.dumps(what, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_calibration_data(data: object) -> bool:
    """Whether parsed YAML looks like a calibration file (a top-level ``calibration`` key)."""
    return isinstance(data, dict) and "calibration" in data and "schema" not in data


def validate_calibration(path: str | os.PathLike[str]) -> list[str]:
    """Every problem of a calibration file, one message each; empty when it is valid."""
    try:
        load_calibration(path)
    except ScenarioError as exc:
        return exc.problems
    return []


def load_calibration(path: str | os.PathLike[str]) -> Calibration:
    """Read and validate a calibration file, its records and its prior keys.

    Raises:
        ScenarioError: Anything wrong, each problem naming file, line, column and key path.
    """
    shown = os.fspath(path)
    data, marks = read_yaml(Path(shown), shown)
    sources = SourceMap(marks.get((), Origin(shown, 1, 1)), marks)
    if not isinstance(data, dict):
        raise ScenarioError(sources.problem((), "a calibration file is a mapping starting with "
                                            f"'calibration: {CALIBRATION_VERSION}', found "
                                            f"{show(data)}"), shown)
    if "calibration" not in data:
        what = next((f" (this is a {kind} file: it has '{key}:')" for key, kind in (
            ("schema", "scenario"), ("sweep", "sweep"), ("record", "record")) if key in data), "")
        raise ScenarioError(sources.problem((), "not a calibration file" + what + "; a "
                                            f"calibration file starts with 'calibration: "
                                            f"{CALIBRATION_VERSION}'"), shown)
    found: list[tuple[tuple, str]] = []
    priors = data.pop("priors", None)  # key paths, not fields: pydantic checks those
    data = _drop_unknown(CalibrationFile, data, (), sources, found)
    if priors is not None:
        data["priors"] = priors
    try:
        spec = CalibrationFile.model_validate(data)
    except ValidationError as exc:
        found += [(_where(sources, p), p) for p in problems_from(exc, sources, data)]
        raise ScenarioError(_ordered(found), shown) from None
    if found:
        raise ScenarioError(_ordered(found), shown)
    fit = _records(spec.fit, "fit", shown, sources, found)
    held = _records(spec.hold_out, "hold_out", shown, sources, found)
    seen: dict[str, str] = {}
    for key, files in (("fit", spec.fit), ("hold_out", spec.hold_out)):
        for i, f in enumerate(files):
            norm = os.path.normpath(os.path.join(os.path.dirname(shown), f))
            if norm in seen:
                where = (key, str(i))
                found.append((sources.locate(where).sort_key(), sources.problem(
                    where, f"{f} is already listed under {seen[norm]}; a record is either "
                    "fitted or held out, once")))
            seen.setdefault(norm, key)
    marginals = []
    for key, dist in spec.priors.items():
        m = _marginal(key, dist, [*fit, *held], sources, found)
        if m is not None:
            marginals.append(m)
    if found:
        raise ScenarioError(_ordered(found), shown)
    return Calibration(Path(shown), Path(shown).stem, spec, tuple(fit), tuple(held),
                       JointPrior(tuple(marginals)))


def _records(files: list[str], key: str, shown: str, sources: SourceMap,
             found: list[tuple[tuple, str]]) -> list[LoadedRecord]:
    out = []
    for i, f in enumerate(files):
        where = (key, str(i))
        target = os.path.normpath(os.path.join(os.path.dirname(shown), f))
        if not Path(target).is_file():
            what = "is not a file" if Path(target).exists() else "not found"
            found.append((sources.locate(where).sort_key(), sources.problem(
                where, f"record {target} {what} (the path is relative to the calibration "
                "file)")))
            continue
        try:
            out.append(load_record(target))
        except ScenarioError as exc:
            head = sources.problem(where, f"the record {target} is invalid:")
            found.append((sources.locate(where).sort_key(), head))
            found += [(sources.locate(where).sort_key(), p) for p in exc.problems]
    return out


def _marginal(key: str, dist: DistributionT, records: list[LoadedRecord], sources: SourceMap,
              found: list[tuple[tuple, str]]) -> Marginal | None:
    where = ("priors", key)

    def add(text: str) -> None:
        found.append((sources.locate(where).sort_key(), sources.problem(where, text)))

    if dist.dist not in PRIOR_KINDS:
        add(f"a prior cannot be {{dist: {dist.dist}}}: ABC-SMC moves each parameter "
            f"continuously; use {', '.join(PRIOR_KINDS)}")
        return None
    lo, hi = -float("inf"), float("inf")
    for rec in records:
        try:
            scn = with_overrides(base_data(rec.scenario), Path(rec.scenario_path),
                                 [f"{key}={prior_yaml(dist)}"])
        except ScenarioError as exc:
            detail = "; ".join(exc.problems)
            known = [i.path for i in uncertain_inputs(rec.scenario)]
            hint = "" if key in known else did_you_mean(key.rsplit(".", 1)[-1], [
                p.rsplit(".", 1)[-1] for p in known])
            add(f"the scenario {rec.scenario_path} of {rec.path} does not accept {key}: "
                f"{detail}{hint}")
            return None
        inp = next((i for i in uncertain_inputs(scn) if i.path == key), None)
        if inp is None:
            add(f"{key} is not a number the scenario {rec.scenario_path} draws per replication")
            return None
        lo, hi = max(lo, inp.lo), min(hi, inp.hi)
    m = Marginal(key, dist, lo, hi)
    try:
        a, b = m.support()
    except ValueError:
        a = b = float("nan")
    f_lo, f_hi = _bounds(dist)
    if not (f_lo < hi and f_hi > lo) or not a < b:
        add(f"the prior {prior_yaml(dist)} puts no mass in the key's valid range [{lo:g}, {hi:g}]")
        return None
    return m


def _bounds(dist: DistributionT) -> tuple[float, float]:
    if dist.dist in ("uniform", "triangular"):
        return float(getattr(dist, "low")), float(getattr(dist, "high"))  # noqa: B009
    if dist.dist == "beta":
        return 0.0, 1.0
    return -float("inf"), float("inf")


def prior_yaml(dist: DistributionT) -> str:
    """A distribution as flow YAML for a ``KEY=VALUE`` override."""
    body = dist.model_dump(exclude_none=True)
    return "{" + ", ".join(f"{k}: {v}" for k, v in body.items()) + "}"
