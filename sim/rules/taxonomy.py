"""Outcome taxonomy of version 2: one outcome per replication, its flags and its agreement kind.

Version 1's classification (:mod:`sim.rules.outcome`, unchanged) counts a separate-track deal
as ``partial``; version 2 keeps the humanitarian track apart. Separate-track issues (the
humanitarian track: prisoners, bodies) and the repeated exchanges of
:mod:`sim.rules.humanitarian` never decide the main-track outcome: they only tell
``humanitarian_only`` from ``stalemate``. The main track is every agenda issue that is not on
a separate track; the ceasefire issue is one of them.

Exactly one outcome (:data:`OUTCOMES_V2`, in this order), by precedence, the first that applies:

1. ``comprehensive``: every main-track issue settled. A comprehensive settlement is a peace:
   it ends the war whatever value the ceasefire issue took, which then only describes the
   settlement's terms (when and how the fighting stops), not whether it stops. It stands even
   if a walkout is recorded (in the model none can follow it: parties walk out only while a
   main-track issue is open).
2. ``ceasefire``: a general ceasefire agreed (the ceasefire issue settled on its ceasefire
   side of the threshold: at or below it with side ``low``, at or above with ``high``), other
   main-track issues open. A walkout after it ends the talks but not the ceasefire: the
   guns fall silent whether or not the diplomats keep meeting, so the outcome stays
   ``ceasefire`` (its durability is a separate question, :mod:`sim.rules.durability_kinds`).
3. ``collapse``: a party walked out and no ceasefire or settlement had been agreed, whatever
   pieces had been: with the talks over and the war going on, main-track pieces agreed
   without a ceasefire are not implemented, and a humanitarian channel that outlives the
   talks does not make them a success.
4. ``partial``: some main-track issue settled (the ceasefire issue included, if settled at a
   value that is no general ceasefire), no ceasefire, no walkout.
5. ``humanitarian_only``: no main-track issue settled, no walkout, and at least one
   humanitarian exchange took place or a separate-track issue was settled.
6. ``stalemate``: nothing at all.

This is version 1's precedence with ``humanitarian_only`` split off below ``partial``. A walkout
is recorded by the caller either way; here it only decides ``collapse``.

Flags, only where a peace (``comprehensive`` or ``ceasefire``) was agreed:

* ``dictated_peace`` / ``imposed_on``: the settled main-track terms favour one side's ideal over
  the other's by more than ``margin`` on the utility scale: u_winner - u_loser > margin gives
  imposed_on = the loser (:data:`FIRST` = 0 or :data:`SECOND` = 1; :data:`NO_SIDE` = -1 where
  none). Unlike version 1, either side can be the loser, so swapping the sides swaps the
  answer (Merz, 14 May 2025: "no dictated peace", ``docs/reference/domain.md`` §4.3).
* ``agreement_kind``: for durability, from what was agreed and whether the monitors' and
  guarantees' conditions hold (the caller's booleans, e.g. those issues settled below their
  thresholds): :func:`sim.rules.durability_kinds.agreement_kind`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from sim.rules import durability_kinds
from sim.rules.outcome import is_ceasefire

OUTCOMES_V2 = ("comprehensive", "ceasefire", "partial", "humanitarian_only", "stalemate",
               "collapse")
COMPREHENSIVE, CEASEFIRE, PARTIAL, HUMANITARIAN_ONLY, STALEMATE, COLLAPSE = range(6)
PEACE = (COMPREHENSIVE, CEASEFIRE)  # outcomes that end the fighting

FIRST, SECOND = 0, 1  # the two fighting sides, in the order of their utilities
NO_SIDE = -1


class EndState(NamedTuple):
    """The classification of a batch of replications, each array of shape (R,)."""

    outcome: np.ndarray  # int, index into OUTCOMES_V2
    dictated_peace: np.ndarray  # bool
    imposed_on: np.ndarray  # int: FIRST, SECOND or NO_SIDE
    agreement_kind: np.ndarray  # int: durability_kinds code or NO_AGREEMENT


def main_track(separate: ArrayLike, agenda: ArrayLike | None = None) -> np.ndarray:
    """(I,) bool: the agenda issues that are not on a separate track."""
    main = ~np.asarray(separate, bool)
    return main if agenda is None else main & np.asarray(agenda, bool)


def classify(
    settled: np.ndarray,
    terms: np.ndarray,
    separate: ArrayLike,
    ceasefire_issue: int,
    ceasefire_threshold: float,
    walked: ArrayLike,
    exchanges: ArrayLike,
    ceasefire_side: str = "low",
    agenda: ArrayLike | None = None,
) -> np.ndarray:
    """Outcome codes (indices into :data:`OUTCOMES_V2`), by the precedence of the module docstring.

    Args:
        settled: (R, I) bool, issues settled at the end.
        terms: (R, I) settled values (read only where settled).
        separate: (I,) bool, separate-track (humanitarian) issues.
        ceasefire_issue: index of the ceasefire issue, a main-track issue.
        ceasefire_threshold: value on the ceasefire issue that still means a general ceasefire.
        walked: (R,) bool, a walkout ended the talks.
        exchanges: (R,) int, number of humanitarian exchanges that took place.
        ceasefire_side: ``low`` or ``high``, the end of the axis where the ceasefire lies.
        agenda: (I,) bool, issues on the agenda (default: all).

    Raises:
        ValueError: the ceasefire issue is not a main-track issue, or an unknown side.
    """
    main = main_track(separate, agenda)
    if not main[ceasefire_issue]:
        raise ValueError(f"the ceasefire issue {ceasefire_issue} must be a main-track issue")
    settled = np.asarray(settled, bool)
    track = np.asarray(separate, bool)
    humanitarian_issues = track if agenda is None else track & np.asarray(agenda, bool)
    everything = (settled | ~main).all(axis=-1)
    ceasefire = settled[:, ceasefire_issue] & is_ceasefire(
        np.asarray(terms)[:, ceasefire_issue], ceasefire_threshold, ceasefire_side)
    some_main = (settled & main).any(axis=-1)
    humanitarian = (np.asarray(exchanges) > 0) | (settled & humanitarian_issues).any(axis=-1)
    code = np.full(settled.shape[0], STALEMATE)
    code = np.where(humanitarian, HUMANITARIAN_ONLY, code)
    code = np.where(some_main, PARTIAL, code)
    code = np.where(np.asarray(walked, bool), COLLAPSE, code)
    code = np.where(ceasefire, CEASEFIRE, code)
    code = np.where(everything, COMPREHENSIVE, code)
    return code


def imposed_on(
    u_first: ArrayLike, u_second: ArrayLike, margin: ArrayLike, outcome: ArrayLike
) -> np.ndarray:
    """Which side a peace was dictated to: FIRST, SECOND or NO_SIDE, per replication.

    u_first - u_second > margin -> SECOND; u_second - u_first > margin -> FIRST; NO_SIDE
    otherwise, where the outcome is no peace, or where a utility is NaN.

    Args:
        u_first, u_second: (R,) the two sides' utilities of the settled main-track terms.
        margin: (R,) or scalar, >= 0, on the utility scale.
        outcome: (R,) codes from :func:`classify`.

    Raises:
        ValueError: a negative margin (both sides could then be the loser).
    """
    m = np.asarray(margin, float)
    if np.any(m < 0):
        raise ValueError(f"the dictated-peace margin must be >= 0, got {m}")
    gap = np.asarray(u_first, float) - np.asarray(u_second, float)
    peace = np.isin(np.asarray(outcome), PEACE)
    side = np.where(gap > m, SECOND, np.where(-gap > m, FIRST, NO_SIDE))
    return np.where(peace, side, NO_SIDE)


def agreement_kind(
    outcome: ArrayLike, has_monitors: ArrayLike, has_guarantees: ArrayLike
) -> np.ndarray:
    """Durability kind of each replication's agreement (NO_AGREEMENT where no peace)."""
    code = np.asarray(outcome)
    return durability_kinds.agreement_kind(
        code == CEASEFIRE, code == COMPREHENSIVE, has_monitors, has_guarantees)


def end_state(
    settled: np.ndarray,
    terms: np.ndarray,
    separate: ArrayLike,
    ceasefire_issue: int,
    ceasefire_threshold: float,
    walked: ArrayLike,
    exchanges: ArrayLike,
    u_first: ArrayLike,
    u_second: ArrayLike,
    margin: ArrayLike,
    has_monitors: ArrayLike,
    has_guarantees: ArrayLike,
    ceasefire_side: str = "low",
    agenda: ArrayLike | None = None,
) -> EndState:
    """Outcome, dictated-peace flag, side imposed on and agreement kind, in one call.

    Arguments as for :func:`classify`, :func:`imposed_on` and :func:`agreement_kind`.
    """
    outcome = classify(settled, terms, separate, ceasefire_issue, ceasefire_threshold, walked,
                       exchanges, ceasefire_side, agenda)
    side = imposed_on(u_first, u_second, margin, outcome)
    kind = agreement_kind(outcome, has_monitors, has_guarantees)
    return EndState(outcome, side != NO_SIDE, side, kind)
