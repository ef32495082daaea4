"""Turning a batch's results into the run tables ``runs``, ``rounds`` and ``sessions``.

(README, "Outputs".)
"""

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
            "front": tr.front[kept][kk, rr],
            "settled": tr.settled[kept][kk, rr, ii],
            "exchange": tr.exchange[kept][kk, rr],
        }))
    if not frames:
        return pd.DataFrame({"run": pd.Series(dtype=np.int64), "round": pd.Series(dtype=np.int64),
                             "actor": pd.Series(dtype=object), "issue": pd.Series(dtype=object),
                             "position": pd.Series(dtype=float),
                             "front": pd.Series(dtype=float),
                             "settled": pd.Series(dtype=bool),
                             "exchange": pd.Series(dtype=bool)})
    return pd.concat(frames, ignore_index=True)


def sessions_table(p: Params, tr: Trace | None, run_ids: np.ndarray, keep: np.ndarray,
                   dates: list[str] | None = None) -> pd.DataFrame:
    """One row per traced run and session (session 0 is the opening): the README, "Outputs".

    Columns: ``run``, ``session``, ``date`` (with a calendar), ``front`` (the front's
    cumulative movement), ``belief.<side>`` (each side's belief about the edge),
    ``reservation.<party>`` and ``aspiration.<party>``, ``text.<issue>`` (the text tabled),
    ``accepted.<party>`` (open issues it said yes to), ``initialled.<party>`` (it only
    initialled them ad referendum), ``ratified.<party>`` (1 its principal ratified, -1 refused,
    0 nothing to ratify), ``settled`` (main-track issues settled so far), ``newly_settled``
    (ids of the issues settled this session, comma-separated), ``exchange`` and ``walkout``
    (the actor that walked out, "" none).
    """
    kept = np.flatnonzero(keep) if tr is not None else np.zeros(0, np.int64)
    parties = [int(a) for a in p.actors.party_idx]
    sides = list(p.battlefield.sides) if p.battlefield.sides is not None else []
    ids, issues = p.actors.ids, p.agenda.issue_ids
    main = ~p.agenda.separate
    if tr is None or kept.size == 0:
        rr = np.zeros(0, np.int64)
        k_of = np.zeros(0, np.int64)
    else:
        n_s = tr.front.shape[1]
        k_grid, r_grid = np.meshgrid(np.arange(kept.size), np.arange(n_s), indexing="ij")
        alive = (r_grid <= tr.last[kept][:, None]).ravel()
        k_of, rr = k_grid.ravel()[alive], r_grid.ravel()[alive]
    rows = kept[k_of]

    def pick(arr: np.ndarray | None, *index: int) -> np.ndarray:
        if arr is None or rows.size == 0:
            return np.zeros(0)
        return arr[(rows, rr, *index)]

    cols: dict[str, object] = {"run": np.asarray(run_ids, np.int64)[rows],
                               "session": rr.astype(np.int64)}
    if dates is not None:
        cols["date"] = np.array(dates, dtype=object)[rr] if rows.size else np.zeros(0, object)
    cols["front"] = pick(tr.front if tr else None).astype(float)
    for a in sides:
        cols[f"belief.{ids[a]}"] = pick(tr.belief if tr else None, a).astype(float)
    for a in parties:
        cols[f"reservation.{ids[a]}"] = pick(tr.reservation if tr else None, a).astype(float)
    for a in parties:
        cols[f"aspiration.{ids[a]}"] = pick(tr.aspiration if tr else None, a).astype(float)
    for i, iid in enumerate(issues):
        cols[f"text.{iid}"] = pick(tr.text if tr else None, i).astype(float)
    for a in parties:
        cols[f"accepted.{ids[a]}"] = pick(tr.accepted if tr else None, a).astype(np.int64)
        cols[f"initialled.{ids[a]}"] = pick(tr.initialled if tr else None, a).astype(bool)
        cols[f"ratified.{ids[a]}"] = pick(tr.ratified if tr else None, a).astype(np.int64)
    if tr is not None and rows.size:
        settled = tr.settled[rows, rr]  # (N, I)
        before = np.where((rr > 0)[:, None], tr.settled[rows, np.maximum(rr - 1, 0)], False)
        fresh = settled & ~before
        cols["settled"] = (settled & main).sum(axis=1).astype(np.int64)
        names = np.array(issues, dtype=object)
        cols["newly_settled"] = np.array([",".join(names[f]) for f in fresh], dtype=object)
        cols["exchange"] = tr.exchange[rows, rr].astype(bool)
        cols["walkout"] = _actor_ids(p, tr.walkout[rows, rr])
    else:
        cols["settled"] = np.zeros(0, np.int64)
        cols["newly_settled"] = np.zeros(0, object)
        cols["exchange"] = np.zeros(0, bool)
        cols["walkout"] = np.zeros(0, object)
    return pd.DataFrame(cols)
