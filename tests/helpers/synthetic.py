"""Synthetic run tables that follow the run-table contract, for the results and plots tests.

The numbers are made up (no model runs): they only have the shapes, dtypes and regularities of
real output (terms settled only where the outcome says so, NA ``agreement_holds`` without a
ceasefire or settlement, trajectories that stop at the replication's last round), so the results
and plotting layers can be exercised without the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.results.meta import OUTCOMES

_TERRITORY_ANCHORS = {
    0: "1991 borders",
    20: "23 Feb 2022 lines",
    40: "freeze on the current line, no recognition",
    55: "freeze + US de jure Crimea, de facto the rest",
    70: "Ukraine leaves the rest of Donetsk (DMZ or economic zone) + freeze in the south",
    85: "Ukraine leaves all four oblasts, recognition deferred",
    100: "Ukraine leaves all four oblasts + international legal recognition of them and Crimea",
}

META: dict[str, Any] = {
    "name": "synthetic",
    "title": "Synthetic talks — three issues, four actors",
    "engine": "vector",
    "protocol": "mediated",
    "max_rounds": 20,
    "issues": {
        "ceasefire": {
            "label": "Ceasefire sequencing",
            "anchors": {
                0: "unconditional 30-day ceasefire first",
                50: "partial truces while talking",
                100: "no ceasefire before a settlement",
            },
            "track": "main",
            "decides_ceasefire": True,
            "ceasefire_threshold": 35.0,
        },
        "territory": {
            "label": "Territory",
            "anchors": _TERRITORY_ANCHORS,
            "track": "main",
            "decides_ceasefire": False,
            "ceasefire_threshold": 35.0,
        },
        "humanitarian": {
            "label": "Prisoner exchanges and humanitarian steps",
            "anchors": {0: "all-for-all exchange", 100: "exchanges suspended"},
            "track": "separate",
            "decides_ceasefire": False,
            "ceasefire_threshold": 35.0,
        },
    },
    "actors": {
        "russia": {"name": "Russia", "role": "party"},
        "ukraine": {"name": "Ukraine", "role": "party"},
        "turkey": {"name": "Turkey", "role": "mediator"},
        "usa": {"name": "United States", "role": "third_party"},
    },
}

_OPENING = {  # actor -> issue -> opening position; where each party drifts to
    "russia": {"ceasefire": 92.0, "territory": 98.0, "humanitarian": 40.0},
    "ukraine": {"ceasefire": 5.0, "territory": 10.0, "humanitarian": 5.0},
    "turkey": {"ceasefire": 40.0, "territory": 45.0, "humanitarian": 20.0},
    "usa": {"ceasefire": 30.0, "territory": 60.0, "humanitarian": 15.0},
}
_TARGET = {"ceasefire": 30.0, "territory": 62.0, "humanitarian": 18.0}
_OUTCOME_P = (0.10, 0.25, 0.10, 0.20, 0.20, 0.15)  # in the order of OUTCOMES


@dataclass(frozen=True, eq=False)
class SyntheticRun:
    """The inputs of :func:`sim.results.store.write_run_dir` for a synthetic run."""

    runs: pd.DataFrame
    rounds: pd.DataFrame
    meta: dict[str, Any]
    scenario_yaml: str
    manifest: dict[str, Any]


def _settled_issues(outcome: str, rng: np.random.Generator) -> set[str]:
    if outcome == "comprehensive":
        return {"ceasefire", "territory", "humanitarian"}
    if outcome == "ceasefire":
        extra = {"humanitarian"} if rng.random() < 0.6 else set()
        return {"ceasefire"} | extra
    if outcome == "partial":
        return {"territory"} | ({"humanitarian"} if rng.random() < 0.5 else set())
    if outcome == "humanitarian_only":
        return {"humanitarian"}
    return set()


def _trajectory(
    out: list[pd.DataFrame],
    run: int,
    last: int,
    speed: float,
    momentum: np.ndarray,
    terms: dict[str, float],
    settle_round: dict[str, int],
    rng: np.random.Generator,
) -> None:
    """Append one run's long rounds rows: positions drift from the opening toward a target."""
    issues = list(META["issues"])
    actors = [*META["actors"], "_text"]
    t = np.arange(last + 1)
    start = np.array(
        [
            [
                0.5 * (_OPENING["russia"][i] + _OPENING["ukraine"][i])
                if a == "_text"
                else _OPENING[a][i]
                for i in issues
            ]
            for a in actors
        ]
    )  # (actor, issue)
    goal = np.array([_TARGET[i] for i in issues]) + rng.normal(0, 3, (last + 1, *start.shape))
    pull = (1 - np.exp(-speed * t))[:, None, None]
    pos = start + (goal - start) * pull  # (round, actor, issue)
    done = np.zeros(pos.shape, dtype=bool)
    for j, issue in enumerate(issues):
        if issue in settle_round:
            done[t >= settle_round[issue], :, j] = True
            pos[t >= settle_round[issue], :, j] = terms[issue]
    shape = pos.shape
    out.append(
        pd.DataFrame(
            {
                "run": np.full(pos.size, run, dtype=np.int64),
                "round": np.broadcast_to(t[:, None, None], shape).ravel().astype(np.int64),
                "actor": np.broadcast_to(np.array(actors)[None, :, None], shape).ravel().tolist(),
                "issue": np.broadcast_to(np.array(issues)[None, None, :], shape).ravel().tolist(),
                "position": np.clip(pos, 0, 100).ravel(),
                "front": np.broadcast_to(momentum[: last + 1, None, None], shape).ravel(),
                "settled": done.ravel(),
                "exchange": np.zeros(pos.size, dtype=bool),
            }
        )
    )


def synthetic_run(runs: int = 200, seed: int = 20250516, max_rounds: int = 20) -> SyntheticRun:
    """Make synthetic runs and rounds tables (3 issues, 4 actors) with their meta dict.

    Args:
        runs: Number of replications.
        seed: Seed of the generator that makes the numbers up.
        max_rounds: Round limit; stalemates end there.

    Returns:
        Tables, meta, scenario YAML text and a manifest, ready for ``write_run_dir``.
    """
    rng = np.random.default_rng(seed)
    issues = list(META["issues"])
    actors = list(META["actors"])
    child_seeds = [
        int(s.generate_state(1, np.uint64)[0] >> 1)
        for s in np.random.SeedSequence(seed).spawn(runs)
    ]
    run_rows: list[dict[str, Any]] = []
    round_rows: list[pd.DataFrame] = []
    for k in range(runs):
        outcome = str(rng.choice(OUTCOMES, p=_OUTCOME_P))
        if outcome == "stalemate":
            last = max_rounds
        elif outcome == "collapse":
            last = int(rng.integers(1, max_rounds + 1))
        else:
            last = int(rng.integers(3, max_rounds + 1))
        settled = _settled_issues(outcome, rng)
        settle_round = {
            i: (last if i != "humanitarian" else int(rng.integers(1, last + 1))) for i in settled
        }
        speed = rng.uniform(0.05, 0.25)
        momentum = np.cumsum(np.r_[rng.normal(0.3, 0.2), rng.normal(0, 0.05, last)])
        terms: dict[str, float] = {}
        for issue in issues:
            if issue in settled:
                spread = 6.0 if issue == "ceasefire" else 12.0
                value = float(np.clip(rng.normal(_TARGET[issue], spread), 0, 100))
                if issue == "ceasefire":
                    value = min(value, 34.0)
                terms[issue] = value
            else:
                terms[issue] = np.nan
        _trajectory(round_rows, k, last, speed, momentum, terms, settle_round, rng)
        has_ceasefire = outcome in ("comprehensive", "ceasefire")
        dictated = has_ceasefire and bool(rng.random() < 0.3)
        row: dict[str, Any] = {
            "run": k,
            "seed": child_seeds[k],
            "outcome": outcome,
            "rounds": last,
            "dictated_peace": dictated,
            "imposed_on": str(rng.choice(["russia", "ukraine"])) if dictated else "",
            "agreement_holds": bool(rng.random() < 0.55) if has_ceasefire else None,
            "exchanges": 0,  # the humanitarian issue is settled once here, never exchanged
            "walkout_by": str(rng.choice(["russia", "ukraine"])) if outcome == "collapse" else "",
        }
        row.update({f"terms.{i}": terms[i] for i in issues})
        for actor in actors:
            row[f"utility.{actor}"] = float(rng.uniform(0.3, 0.9)) if settled else np.nan
        row["fired.eu_sanctions"] = 3.0 if last >= 3 and "ceasefire" not in settled else np.nan
        row["fired.putin_attends"] = 2.0 if last >= 2 and rng.random() < 0.05 else np.nan
        row["param.battlefield.momentum"] = float(momentum[0])
        run_rows.append(row)

    runs_df = pd.DataFrame(run_rows)
    runs_df["agreement_holds"] = runs_df["agreement_holds"].astype("boolean")
    rounds_df = pd.concat(round_rows, ignore_index=True)
    meta = {**META, "runs": runs, "seed": seed, "trace_runs": runs, "max_rounds": max_rounds,
            "battlefield_sides": ["russia", "ukraine"], "durability_days": 90}
    manifest = {
        "package": "ceasefire-sim",
        "seed": seed,
        "runs": runs,
        "engine": "synthetic",
        "command": "synthetic_run()",
    }
    yaml_text = f"schema: 2\nname: synthetic\nseed: {seed}\nruns: {runs}\n"
    return SyntheticRun(runs_df, rounds_df, meta, yaml_text, manifest)
