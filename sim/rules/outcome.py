"""Version 1's classification of a replication, and the ceasefire test both versions share.

The model classifies by version 2, :mod:`sim.rules.taxonomy` (docs/ODD.md §7.12): its
:data:`~sim.rules.taxonomy.OUTCOMES_V2` is the one list of outcome names the code uses.
:func:`is_ceasefire` and :func:`ceasefire_agreed` are used by both versions and by the rounds;
:func:`classify`, :data:`OUTCOMES_V1` and :func:`dictated_peace` are version 1, kept as the
reference version 2 is tested against (without a humanitarian track the two agree name for name).

Version 1 gives exactly one outcome per replication:

* ``comprehensive`` — every agenda issue settled. The settlement ends the fighting whatever value
  the ceasefire-sequencing issue took (sequencing matters while a treaty is still open).
* ``ceasefire`` — the ceasefire issue settled at or below its threshold, some issues open.
* ``partial`` — some issues settled but no general ceasefire and not everything: typically a
  separate-track deal such as the 1,000-for-1,000 exchange of 16 May 2025, but also main-track
  pieces agreed without a ceasefire.
* ``stalemate`` — no walkout and nothing agreed by the deadline.
* ``collapse`` — a party walked out before a general ceasefire was agreed. A walkout *after* a
  ceasefire was agreed ends the talks but does not undo the ceasefire: the outcome stays
  ``ceasefire`` and the walkout is recorded in ``walkout_by``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

OUTCOMES_V1 = ("comprehensive", "ceasefire", "partial", "stalemate", "collapse")
COMPREHENSIVE, CEASEFIRE, PARTIAL, STALEMATE, COLLAPSE = range(5)


def is_ceasefire(value: ArrayLike, threshold: float, side: str = "low") -> np.ndarray:
    """Whether a value on the ceasefire issue means a general ceasefire.

    ``side`` says at which end of the axis the ceasefire lies: ``low`` (at or below the
    threshold, the scenario convention of 0 = "ceasefire now") or ``high`` (at or above it,
    for a mirrored axis).
    """
    value = np.asarray(value)
    if side == "low":
        return value <= threshold
    if side == "high":
        return value >= threshold
    raise ValueError(f"ceasefire side must be 'low' or 'high', got {side!r}")


def classify(
    settled: np.ndarray,
    terms: np.ndarray,
    agenda: np.ndarray,
    separate: np.ndarray,
    ceasefire_issue: int,
    ceasefire_threshold: float,
    walked_out: np.ndarray,
    ceasefire_side: str = "low",
) -> np.ndarray:
    """Version 1 outcome codes (indices into :data:`OUTCOMES_V1`).

    Args:
        settled: (R, I) bool. terms: (R, I) settled values. agenda: (I,) bool, the issues on
        the agenda. separate: (I,) bool, separate-track issues (kept for callers that
        report them; the classification does not depend on the track). walked_out: (R,) bool.
    """
    ceasefire = settled[:, ceasefire_issue] & is_ceasefire(
        terms[:, ceasefire_issue], ceasefire_threshold, ceasefire_side)
    everything = (settled | ~agenda).all(axis=-1)
    some = settled.any(axis=-1)
    code = np.full(settled.shape[0], STALEMATE)
    code = np.where(some, PARTIAL, code)
    code = np.where(walked_out, COLLAPSE, code)
    code = np.where(ceasefire, CEASEFIRE, code)
    code = np.where(everything, COMPREHENSIVE, code)
    return code


def ceasefire_agreed(settled: np.ndarray, terms: np.ndarray, ceasefire_issue: int, threshold: float,
                     side: str = "low") -> np.ndarray:
    """True where the ceasefire issue is settled on the ceasefire side of its threshold."""
    return settled[..., ceasefire_issue] & is_ceasefire(terms[..., ceasefire_issue], threshold,
                                                        side)


def dictated_peace(
    u_first: np.ndarray, u_second: np.ndarray, margin: np.ndarray | float, has_peace: np.ndarray
) -> np.ndarray:
    """Settled terms closer to the first side's ideal than the second's by more than ``margin``.

    Measured on the utility scale over the settled main-track issues (Merz, 14 May 2025: "no
    dictated peace"); only where a ceasefire or a comprehensive settlement was agreed.
    """
    return has_peace & (u_first - u_second > margin)
