"""Classifying a replication and its flags (DESIGN §3, "Outcome of a replication").

Exactly one outcome per replication:

* ``comprehensive`` — every agenda issue settled, a general ceasefire among them (or the
  settlement ends the war in any case: all issues settled).
* ``ceasefire`` — the ceasefire issue settled at or below its threshold, some issues open.
* ``partial`` — only separate-track issues settled (e.g. the 1,000-for-1,000 exchange).
* ``stalemate`` — no walkout and not enough agreed by the deadline.
* ``collapse`` — a party walked out before a general ceasefire was agreed. A walkout *after* a
  ceasefire was agreed ends the talks but does not undo the ceasefire: the outcome stays
  ``ceasefire`` and the walkout is recorded in ``walkout_by``.
"""

from __future__ import annotations

import numpy as np

OUTCOMES = ("comprehensive", "ceasefire", "partial", "stalemate", "collapse")
COMPREHENSIVE, CEASEFIRE, PARTIAL, STALEMATE, COLLAPSE = range(5)


def classify(
    settled: np.ndarray,
    terms: np.ndarray,
    agenda: np.ndarray,
    separate: np.ndarray,
    ceasefire_issue: int,
    ceasefire_threshold: float,
    walked_out: np.ndarray,
) -> np.ndarray:
    """Outcome codes (indices into :data:`OUTCOMES`).

    Args:
        settled: (R, I) bool. terms: (R, I) settled values. agenda: (I,) bool, the issues on
        the agenda. separate: (I,) bool, separate-track issues. walked_out: (R,) bool.
    """
    ceasefire = settled[:, ceasefire_issue] & (terms[:, ceasefire_issue] <= ceasefire_threshold)
    everything = (settled | ~agenda).all(axis=-1)
    some_separate = (settled & separate).any(axis=-1)
    code = np.full(settled.shape[0], STALEMATE)
    code = np.where(some_separate, PARTIAL, code)
    code = np.where(walked_out, COLLAPSE, code)
    code = np.where(ceasefire, CEASEFIRE, code)
    code = np.where(everything, COMPREHENSIVE, code)
    return code


def ceasefire_agreed(settled, terms, ceasefire_issue: int, threshold: float) -> np.ndarray:
    """True where the ceasefire issue is settled at or below its threshold."""
    return settled[..., ceasefire_issue] & (terms[..., ceasefire_issue] <= threshold)


def dictated_peace(u_first: np.ndarray, u_second: np.ndarray, margin, has_peace) -> np.ndarray:
    """Settled terms closer to the first side's ideal than the second's by more than ``margin``.

    Measured on the utility scale over the settled main-track issues (Merz, 14 May 2025: "no
    dictated peace"); only where a ceasefire or a comprehensive settlement was agreed.
    """
    return has_peace & (u_first - u_second > margin)
