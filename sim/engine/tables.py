"""Turning a batch's results into the run tables ``runs`` and ``rounds`` (README, "Outputs")."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.batch.draws import Draws
from sim.batch.finish import Finish
from sim.batch.params import Params
from sim.batch.trace import Trace
from sim.rules.taxonomy import OUTCOMES_V2 as OUTCOMES


def _actor_ids(p: Params, index: np.ndarray) -> np.ndarray:
    """Actor ids for actor indices, "" where the index is -1 (nobody)."""
    return np.array(["" if k < 0 else p.actors.ids[k] for k in index], dtype=object)


def runs_table(p: Params, fin: Finish, dr: Draws, run_ids: np.ndarray,
               seeds: np.ndarray) -> pd.DataFrame:
    """One row per replication, the columns of ``runs.parquet`` (README, "Outputs")."""
    names = p.schedule.names
    cols: dict[str, object] = {
        "run": np.asarray(run_ids, dtype=np.int64),
        "seed": np.asarray(seeds, dtype=np.int64),
        "outcome": np.array(OUTCOMES, dtype=object)[fin.outcome],
        "rounds": fin.rounds.astype(np.int64),
        "dictated_peace": fin.dictated_peace.astype(bool),
        "imposed_on": _actor_ids(p, fin.imposed_on),
        "agreement_holds": pd.array(
            [pd.NA if np.isnan(h) else bool(h) for h in fin.agreement_holds], dtype="boolean"
        ),
        "exchanges": fin.exchanges.astype(np.int64),
        "walkout_by": _actor_ids(p, fin.walkout_by),
    }
    for i, iid in enumerate(p.agenda.issue_ids):
        cols[f"terms.{iid}"] = fin.terms[:, i]
    for a, aid in enumerate(p.actors.ids):
        cols[f"utility.{aid}"] = fin.utility[:, a]
    for k, name in enumerate(names):
        cols[f"fired.{name}"] = fin.fired[:, k]
    for path, values in dr.samples.items():
        cols[f"param.{path}"] = values
    return pd.DataFrame(cols)


def rounds_table(p: Params, tr: Trace | None, run_ids: np.ndarray,
                 keep: np.ndarray) -> pd.DataFrame:
    """Long table of positions per run x round x actor x issue, plus the text as ``_text``.

    ``exchange`` (the same on every row of a run and round) says whether a humanitarian
    exchange took place in that round.

    Only replications where ``keep`` is true are traced; rounds after a replication ended are
    left out.
    """
    A, n_i = p.n_actors, p.n_issues
    actors = np.array(p.actors.ids + ["_text"], dtype=object)
    issues = np.array(p.agenda.issue_ids, dtype=object)
    kept = np.flatnonzero(keep)
    frames = []
    if kept.size and tr is not None:
        last = tr.last[kept]
        n_r = tr.positions.shape[1]
        pos = np.concatenate([tr.positions[kept], tr.text[kept][:, :, None, :]], axis=2)
        kk, rr, aa, ii = np.meshgrid(np.arange(kept.size), np.arange(n_r), np.arange(A + 1),
                                     np.arange(n_i), indexing="ij")
        alive = (rr <= last[:, None, None, None]).ravel()
        kk, rr, aa, ii = kk.ravel()[alive], rr.ravel()[alive], aa.ravel()[alive], ii.ravel()[alive]
        frames.append(pd.DataFrame({
            "run": np.asarray(run_ids)[kept][kk].astype(np.int64),
            "round": rr.astype(np.int64),
            "actor": actors[aa],
            "issue": issues[ii],
            "position": pos.reshape(-1)[alive],
            "momentum": tr.momentum[kept][kk, rr],
            "settled": tr.settled[kept][kk, rr, ii],
            "exchange": tr.exchange[kept][kk, rr],
        }))
    if not frames:
        return pd.DataFrame({"run": pd.Series(dtype=np.int64), "round": pd.Series(dtype=np.int64),
                             "actor": pd.Series(dtype=object), "issue": pd.Series(dtype=object),
                             "position": pd.Series(dtype=float),
                             "momentum": pd.Series(dtype=float),
                             "settled": pd.Series(dtype=bool),
                             "exchange": pd.Series(dtype=bool)})
    return pd.concat(frames, ignore_index=True)
