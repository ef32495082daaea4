"""Turning a batch's results into the run tables ``runs``, ``rounds`` and ``sessions``.

(README, "Outputs".)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray

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


#: The dtype pandas gives a column of text built from Python strings (the string dtype, backed
#: by Arrow, under pandas 3; object under pandas 2): the dtype of ``actor`` and ``issue``.
_TEXT = pd.Series(np.array([""], dtype=object)).dtype


def _text_column(names: list[str], codes: np.ndarray) -> ExtensionArray | np.ndarray:
    """``names[codes]`` as a text column of dtype :data:`_TEXT`, built without Python strings.

    Under pandas 3 the column is taken from an Arrow array of the names, which is what pandas
    would build (more slowly) from an object array of them.
    """
    if isinstance(_TEXT, pd.StringDtype) and _TEXT.storage == "pyarrow":
        import pyarrow as pa

        taken = pa.array(names, type=pa.large_string()).take(pa.array(codes))
        return pd.array(taken, dtype=_TEXT)
    return np.array(names, dtype=object)[codes]


def _no_text() -> ExtensionArray | np.ndarray:
    """An empty text column, of the dtype a text column with rows gets.

    An untraced chunk's tables are empty; with the same dtypes as a traced chunk's, they
    change nothing when the chunks' tables are concatenated.
    """
    return pd.array([], dtype=_TEXT) if isinstance(_TEXT, pd.StringDtype) else np.zeros(0, object)


def rounds_table(p: Params, tr: Trace | None, run_ids: np.ndarray,
                 keep: np.ndarray) -> pd.DataFrame:
    """Long table of positions per run x round x actor x issue, plus the text as ``_text``.

    ``exchange`` (the same on every row of a run and round) says whether a humanitarian
    exchange took place in that round.

    Only replications where ``keep`` is true are traced; rounds after a replication ended are
    left out. The rows are those of the (run, round, actor, issue) grid in that order, built
    from the (run, round) pairs that were played: every column is one NumPy repeat, tile or
    gather over them (no grid of the ended rounds, no Python strings).
    """
    A, n_i = p.n_actors, p.n_issues
    kept = np.flatnonzero(keep)
    if not kept.size or tr is None:
        return pd.DataFrame({"run": pd.Series(dtype=np.int64), "round": pd.Series(dtype=np.int64),
                             "actor": pd.Series(dtype=_TEXT), "issue": pd.Series(dtype=_TEXT),
                             "position": pd.Series(dtype=float),
                             "front": pd.Series(dtype=float),
                             "settled": pd.Series(dtype=bool),
                             "exchange": pd.Series(dtype=bool)})
    played = tr.last[kept] + 1  # rounds 0 .. last of each kept replication
    k_of = np.repeat(kept, played)  # batch row of each (run, round) pair, in order
    r_of = np.arange(k_of.size) - np.repeat(np.cumsum(played) - played, played)
    pairs, block = k_of.size, (A + 1) * n_i  # rows per (run, round): actors and text x issues
    pos = np.empty((pairs, A + 1, n_i))
    pos[:, :A] = tr.positions[k_of, r_of]
    pos[:, A] = tr.text[k_of, r_of]
    settled = np.broadcast_to(tr.settled[k_of, r_of][:, None, :], (pairs, A + 1, n_i))
    return pd.DataFrame({
        "run": np.repeat(np.asarray(run_ids, dtype=np.int64)[k_of], block),
        "round": np.repeat(r_of.astype(np.int64), block),
        "actor": _text_column([*p.actors.ids, "_text"],
                              np.tile(np.repeat(np.arange(A + 1, dtype=np.int32), n_i), pairs)),
        "issue": _text_column(list(p.agenda.issue_ids),
                              np.tile(np.arange(n_i, dtype=np.int32), pairs * (A + 1))),
        "position": pos.reshape(-1),
        "front": np.repeat(tr.front[k_of, r_of], block),
        "settled": settled.reshape(-1),
        "exchange": np.repeat(tr.exchange[k_of, r_of], block),
    }, copy=False)  # the columns are new arrays: no copy into blocks


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
        cols["date"] = np.array(dates, dtype=object)[rr] if rows.size else _no_text()
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
        cols["newly_settled"] = _no_text()
        cols["exchange"] = np.zeros(0, bool)
        cols["walkout"] = _no_text()
    return pd.DataFrame(cols)
