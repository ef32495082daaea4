"""What a simulated series shows of each recorded fact: the statistics ABC compares.

A recorded session ``i`` matched to simulated sessions ``first_i .. last_i`` (see
:class:`sim.records.SessionMatch`) is compared with the simulated *window* ``(last_{i-1},
last_i]``: what happened since the previous recorded session, up to and including this one.
The window covers the simulated sessions that fall between two recorded ones (a ceasefire
agreed there would have been seen at the next recorded session) and the several sessions of a
month-only date. In the window, each fact is:

* ``exchange`` — a humanitarian exchange took place at some session of the window;
* ``ceasefire`` — the ceasefire issue was settled on its ceasefire side (or every main-track
  issue was settled) in the window;
* ``main_agreement`` — some main-track issue was settled in the window;
* ``walkout`` — a party walked out in the window.

A replication whose talks ended earlier shows none of them after its end (no exchange, no new
agreement, no second walkout): a walkout in May 2022 simulated in March is one mismatch in March
and, where the record says the talks went on, more after it.

Positions (``positions`` in a record) are not compared: the records give them for too few
sessions and actors to constrain anything, and their scale differs from the yes/no facts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.batch.params import Params
from sim.batch.trace import Trace
from sim.rules.outcome import is_ceasefire

#: The facts a calibration can compare, in the order of their statistics.
FACT_KINDS: tuple[str, ...] = ("exchange", "ceasefire", "main_agreement", "walkout")


@dataclass(frozen=True)
class Window:
    """The simulated sessions ``(after, upto]`` that one recorded session is compared with."""

    after: int
    upto: int


@dataclass(frozen=True)
class Observed:
    """The observed facts of one series, in statistic order.

    Attributes:
        windows: One window per recorded session.
        labels: One ``(session label, date, fact)`` per observed fact.
        session: Index of the recorded session of each observed fact.
        kind: Index into :data:`FACT_KINDS` of each observed fact.
        value: 0/1 of each observed fact.
    """

    windows: tuple[Window, ...]
    labels: tuple[tuple[str, str, str], ...]
    session: np.ndarray
    kind: np.ndarray
    value: np.ndarray

    @property
    def size(self) -> int:
        """Number of observed facts."""
        return int(self.value.size)


def windows(lasts: Sequence[int]) -> tuple[Window, ...]:
    """The windows of recorded sessions whose last simulated sessions are ``lasts``."""
    out, after = [], 0
    for last in lasts:
        out.append(Window(after, int(last)))
        after = int(last)
    return tuple(out)


def observed(sessions: Sequence[object], lasts: Sequence[int],
             kinds: Sequence[str] = FACT_KINDS) -> Observed:
    """The observed facts of ``sessions`` (recorded sessions) that are among ``kinds``.

    Args:
        sessions: :class:`sim.records.models.RecordedSession` objects (anything with ``date``,
            ``label`` and the fact attributes, None for unknown).
        lasts: The last simulated session each recorded session falls in.
        kinds: The facts to compare (a subset of :data:`FACT_KINDS`).
    """
    labels, sess, kind, value = [], [], [], []
    for i, s in enumerate(sessions):
        for k, name in enumerate(FACT_KINDS):
            fact = getattr(s, name)
            if name in kinds and fact is not None:
                labels.append((str(getattr(s, "label", "")), str(getattr(s, "date", "")), name))
                sess.append(i)
                kind.append(k)
                value.append(float(bool(fact)))
    return Observed(windows(lasts), tuple(labels), np.array(sess, np.int64),
                    np.array(kind, np.int64), np.array(value, float))


def window_facts(p: Params, tr: Trace, wins: Sequence[Window]) -> np.ndarray:
    """(R, S, 4) bool: each fact of :data:`FACT_KINDS` in each window, per replication."""
    R = tr.exchange.shape[0]
    ag = p.agenda
    main = ~ag.separate
    cf = ag.ceasefire_issue
    sessions = np.arange(tr.exchange.shape[1])
    out = np.zeros((R, len(wins), len(FACT_KINDS)), bool)
    rows = np.arange(R)
    for w, win in enumerate(wins):
        inside = (sessions > win.after) & (sessions <= win.upto)
        alive = sessions[None, :] <= tr.last[:, None]
        mask = inside[None, :] & alive
        # the state at the window's ends, carried forward past a replication's last session
        end = np.minimum(win.upto, tr.last)
        start = np.minimum(win.after, tr.last)
        now, before = tr.settled[rows, end], tr.settled[rows, start]
        fresh = now & ~before
        terms = tr.positions[rows, end, 0, cf]
        cease_now = now[:, cf] & is_ceasefire(terms, ag.ceasefire_threshold, ag.ceasefire_side)
        cease_before = before[:, cf] & is_ceasefire(
            tr.positions[rows, start, 0, cf], ag.ceasefire_threshold, ag.ceasefire_side)
        everything_now = (now | ~main).all(axis=1)
        everything_before = (before | ~main).all(axis=1)
        out[:, w, 0] = (tr.exchange & mask).any(axis=1)
        out[:, w, 1] = ((cease_now | everything_now) & ~(cease_before | everything_before))
        out[:, w, 2] = (fresh & main).any(axis=1)
        out[:, w, 3] = ((tr.walkout >= 0) & mask).any(axis=1)
    return out


def statistics(facts: np.ndarray, obs: Observed) -> np.ndarray:
    """(R, n) 0/1 simulated counterparts of the observed facts of ``obs`` (session level)."""
    return facts[:, obs.session, obs.kind].astype(float)
