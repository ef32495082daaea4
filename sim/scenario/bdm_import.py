"""Import the common CSV layout of expected-utility actor data into a scenario file.

The layout is the one of the published replication data (Scholz, Calbert & Smith 2011; the
``ExampleActors.csv`` convention): a header ``Actor,Capability,Position,Salience`` (any case,
any column order) and one actor per row, for one issue. The scenario written runs it under
``negotiation.protocol: expected_utility``.

Scales: positions are mapped linearly onto the 0-100 axis (min -> 0, max -> 100) and
capabilities are divided by the largest one; the model is invariant to both
(docs/reference/bdm.md §6.5), so
the forecasts are those of the original data on the new axis. The original values are written
as comments and as the axis anchors. Saliences must lie in [0, 1]; a column on a 0-100 scale
(all values in [0, 100], some above 1) is divided by 100, and the file says so.
"""

from __future__ import annotations

import csv
import math
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

from sim.scenario.errors import ScenarioError
from sim.scenario.tempnames import write_text_atomic
from sim.scenario.yamlio import read_bytes

COLUMNS = ("actor", "capability", "position", "salience")


def _slug(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9_]+", "_", name.strip().lower()).strip("_") or "actor"
    if not base[0].isalpha():
        base = f"a_{base}"
    slug, k = base, 2
    while slug in taken:
        slug, k = f"{base}_{k}", k + 1
    taken.add(slug)
    return slug


def _fail(path: Path, line: int, what: str) -> ScenarioError:
    return ScenarioError(f"{path}:{line}: {what}")


def read_bdm_csv(path: str | Path) -> list[dict[str, Any]]:
    """Rows of a BDM actor CSV as dicts with float capability, position and salience."""
    path = Path(path)
    if not path.exists():
        raise ScenarioError(f"{path}: no such file")
    data = read_bytes(path, str(path))  # bounded, as every input file (yamlio.MAX_FILE_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{path}: cannot be read as a UTF-8 text file ({exc})") from None
    reader = csv.DictReader(text.splitlines())
    header = {(h or "").strip().lower(): h for h in (reader.fieldnames or [])}
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise _fail(path, 1, f"missing column(s) {', '.join(missing)}; expected a header "
                             f"with {', '.join(COLUMNS)} (any case)")
    rows: list[dict[str, Any]] = []
    for line, raw in enumerate(reader, start=2):
        name = (raw.get(header["actor"]) or "").strip()
        if not name:
            raise _fail(path, line, "empty actor name")
        numbers: dict[str, float] = {}
        for col in COLUMNS[1:]:
            value = (raw.get(header[col]) or "").strip()
            try:
                numbers[col] = float(value)
            except ValueError:
                raise _fail(path, line, f"{col} of {name!r}: expected a number, got "
                                        f"{value!r}") from None
            if not math.isfinite(numbers[col]):
                raise _fail(path, line, f"{col} of {name!r}: expected a finite number, got "
                                        f"{value!r}")
        if numbers["capability"] < 0:
            raise _fail(path, line, f"capability of {name!r} must be >= 0")
        if not 0 <= numbers["salience"] <= 100:
            raise _fail(path, line, f"salience of {name!r} must lie in [0, 1] (or 0-100)")
        rows.append({"actor": name, **numbers})
    if len(rows) < 2:
        raise _fail(path, 1, "needs at least two actors")
    return rows


ROLES = ("party", "mediator", "third_party")
#: Default replications of an imported forecast, and the default spread of its inputs.
DEFAULT_RUNS = 500
DEFAULT_SPREAD = 5.0


def _around(value: float, half: float, lo: float, hi: float) -> Any:
    """``value`` as a uniform prior of half-width ``half`` (clipped into [lo, hi]); or itself."""
    if half <= 0:
        return value
    return {"dist": "uniform", "low": round(value - half, 12), "high": round(value + half, 12),
            "clip": True} if (value - half < lo or value + half > hi) else {
        "dist": "uniform", "low": round(value - half, 12), "high": round(value + half, 12)}


def parse_roles(text: str | None, rows: list[dict]) -> dict[str, str]:
    """``--roles "Russia=party,USA=third_party"`` as {actor name (lower case): role}.

    Raises:
        ScenarioError: an entry is not NAME=ROLE, names no actor of the file, or a role that
            does not exist.
    """
    if not text:
        return {}
    known = {r["actor"].lower(): r["actor"] for r in rows}
    out: dict[str, str] = {}
    for item in [t.strip() for t in text.split(",") if t.strip()]:
        actor, sep, role = (s.strip() for s in item.partition("="))
        if not sep or not actor or not role:
            raise ScenarioError(f"--roles {item!r}: expected NAME=ROLE, e.g. USA=third_party")
        if actor.lower() not in known:
            raise ScenarioError(f"--roles {item!r}: no actor {actor!r} in the file (actors: "
                                f"{', '.join(known.values())})")
        if role not in ROLES:
            raise ScenarioError(f"--roles {item!r}: unknown role {role!r}; expected one of "
                                f"{', '.join(ROLES)}")
        out[actor.lower()] = role
    return out


def bdm_scenario(rows: list[dict], name: str, parties: list[str] | None = None, *,
                 roles: dict[str, str] | None = None, runs: int | None = None,
                 spread: float = 0.0) -> dict:
    """The scenario dict for BDM rows (see the module docstring for the scaling).

    Args:
        rows: The rows of :func:`read_bdm_csv`.
        name: The scenario name.
        parties: Actors that are parties (the others third parties); default every actor.
        roles: Actor name (lower case) -> role, applied after ``parties``.
        runs: Replications (default :data:`DEFAULT_RUNS` with a spread, else 1).
        spread: Half-width of a uniform prior around each input: points of the 0-100 axis for
            positions, hundredths for saliences, per cent of the value for capabilities; 0
            keeps the data as fixed numbers (the model is then deterministic).
    """
    lo = min(r["position"] for r in rows)
    hi = max(r["position"] for r in rows)
    span = hi - lo
    cap_max = max(r["capability"] for r in rows) or 1.0
    sal_scale = 100.0 if any(r["salience"] > 1 for r in rows) else 1.0
    taken: set[str] = set()
    actors = {}
    wanted = {p.lower() for p in parties} if parties else None
    for r in rows:
        aid = _slug(r["actor"], taken)
        pos = 50.0 if span == 0 else 100.0 * (r["position"] - lo) / span
        is_party = wanted is None or aid in wanted or r["actor"].lower() in wanted
        role = (roles or {}).get(r["actor"].lower(), "party" if is_party else "third_party")
        cap = round(r["capability"] / cap_max, 12)
        sal = round(r["salience"] / sal_scale, 12)
        actors[aid] = {
            "name": r["actor"],
            "role": role,
            "capability": _around(cap, cap * spread / 100, 0.0, 1.0),
            "position": {"issue": _around(round(pos, 12), spread, 0.0, 100.0)},
            "salience": {"issue": _around(sal, spread / 100, 0.0, 1.0)},
        }
    return {
        "schema": 2,
        "name": name,
        "title": f"{name}: expected-utility forecast of imported actor data",
        "seed": 1,
        "runs": int(runs if runs is not None else (DEFAULT_RUNS if spread > 0 else 1)),
        "issues": {
            "issue": {
                "label": "Imported issue",
                "anchors": {0: f"original position {lo:g}", 100: f"original position {hi:g}"},
                "decides_ceasefire": True,
                "ceasefire_threshold": 100,
            }
        },
        "actors": actors,
        "sessions": 10, "negotiation": {"protocol": "expected_utility"},
    }


def import_bdm_csv(csv_path: str | Path, out: str | Path | None = None, *,
                   name: str | None = None, force: bool = False,
                   parties: list[str] | None = None, roles: str | None = None,
                   runs: int | None = None, spread: float = DEFAULT_SPREAD) -> Path:
    """Write a scenario YAML for a BDM actor CSV; return its path.

    Raises:
        ScenarioError: the CSV is malformed, or ``out`` exists and ``force`` is off.
    """
    csv_path = Path(csv_path)
    rows = read_bdm_csv(csv_path)
    out = Path(out) if out is not None else csv_path.with_suffix(".yaml")
    if out.is_dir():
        raise ScenarioError(f"{out}: is a folder; --out names the scenario file to write "
                            f"(e.g. {out / csv_path.with_suffix('.yaml').name})")
    if out.exists() and not force:
        raise ScenarioError(f"{out}: exists; pass --force to overwrite it")
    if name is not None and not re.fullmatch(r"[a-z0-9_-]+", name):
        raise ScenarioError(f"--name {name!r}: not a valid scenario name; use lower-case "
                            "letters, digits, '-' and '_'")
    slug = name or re.sub(r"[^a-z0-9_-]+", "-", csv_path.stem.lower()).strip("-") or "imported"
    if not (math.isfinite(spread) and 0 <= spread <= 50):
        raise ScenarioError(f"--spread {spread:g}: expected a number from 0 to 50 (points of "
                            "the 0-100 axis)")
    data = bdm_scenario(rows, slug, parties, roles=parse_roles(roles, rows), runs=runs,
                        spread=spread)
    span = max(r["position"] for r in rows) - min(r["position"] for r in rows)
    if not math.isfinite(span):
        raise _fail(csv_path, 1, "the positions span more than a float can hold; rescale them")
    header = (
        f"# Imported from {csv_path.name}: {len(rows)} actors, one issue.\n"
        "# Positions mapped linearly onto 0-100 and capabilities divided by the largest;\n"
        "# the expected utility model is invariant to both (docs/ODD.md, sim/rules/bdm.py).\n"
        "# The issue counts as settled when the parties end within\n"
        "# negotiation.expected_utility.agreement_gap points of each other; every actor\n"
        "# (whatever its role) takes part in the contest that makes the forecast.\n"
        f"# Roles: {', '.join(f'{a['name']} {a['role']}' for a in data['actors'].values())}"
        " (set them with --roles NAME=ROLE,...).\n"
    )
    if spread > 0:
        header += (f"# Inputs are uncertain: uniform priors of ±{spread:g} points around each "
                   f"position, ±{spread / 100:g} around\n# each salience and ±{spread:g}% "
                   f"around each capability (--spread), over {data['runs']} runs, so the\n"
                   "# forecast comes with its spread; --spread 0 keeps the data as it is.\n")
    if any(r["salience"] > 1 for r in rows):
        header += "# Saliences were on a 0-100 scale and were divided by 100.\n"
    text = header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    _check_with_the_loader(text, out)
    write_text_atomic(out, text)  # a killed write leaves a temporary the next one removes
    return out


def _check_with_the_loader(text: str, out: Path) -> None:
    """Refuse to write a scenario that the scenario loader would reject (nothing is written)."""
    from sim.scenario.loader import load_scenario

    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / out.name
        probe.write_text(text, encoding="utf-8")
        try:
            load_scenario(probe)
        except ScenarioError as exc:
            detail = "; ".join(p.replace(str(probe), out.name) for p in exc.problems)
            raise ScenarioError(f"{out}: the imported scenario would not be valid, nothing "
                                f"written: {detail}") from None
