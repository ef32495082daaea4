"""Offers in Bueno de Mesquita's expected utility model: Steps 7-9 of one round.

After the risk-adjusted expected utilities are known (``sim.rules.bdm_steps``), each
actor classifies every dyad from its own point of view (Step 7), accepts one offer
(Step 8), and all actors move at once (Step 9). Step numbers refer to
the note ``docs/reference/bdm.md`` §2.2; variants V6 (offer selection) and V7
(capitulation) are selected by arguments.

References:
    Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). Unravelling Bueno de
    Mesquita's group decision model. *Journal of Theoretical Politics* 23(4), 510-531.

    Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method.
    In B. Bueno de Mesquita & F. N. Stokman (eds.), *European Community Decision
    Making*. Yale University Press.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.rules.bdm_steps import CAPITULATION, COMPROMISE, CONFRONTATION, SAME_POSITION_RTOL


class Offers(NamedTuple):
    """The offer each actor accepts in one round (all arrays ``(..., n)``)."""

    position: np.ndarray  #: new positions x(t) after the synchronous update
    move_type: np.ndarray  #: int8: 0 none, 1 confrontation, 2 compromise, 3 capitulation
    counterpart: np.ndarray  #: index j of the actor whose offer was taken, -1 none
    eu_self: np.ndarray  #: e_ij of the accepted offer, NaN if none
    eu_other: np.ndarray  #: e_ji of the accepted offer, NaN if none


def classify_dyads(
    e_self: np.ndarray,
    e_other: np.ndarray,
    delta: np.ndarray,
    capitulation: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Step 7: what j offers i, from i's point of view; boolean masks ``(..., n, n)``.

    Only dyads with x_j != x_i count. Their EUs are 0 in exact arithmetic, but
    powers computed by different loops may leave an ulp, so they are masked
    explicitly; and positions closer than ``SAME_POSITION_RTOL`` of the range
    (delta <= 1e-12) count as one position, because their EUs (of order 1e-15) are
    rounding noise: which ulp two such positions differ by depends on the CPU's
    ``pow`` and would otherwise decide who moves. All inequalities are strict, so exact ties make no
    proposal:

    * confrontation: e_ji > e_ij > 0 (i expects to lose; it moves to x_j);
    * compromise: e_ji > 0 > e_ij and e_ji > |e_ij|;
    * capitulation (V7): e_ji > 0 > e_ij and e_ji < |e_ij|. With
      ``capitulation=False`` the branch is dead, as in the Scholz code, whose typo
      compares e_ji with |e_ji|.

    For e_ij < 0, "e_ji > |e_ij|" is tested as e_ji + e_ij > 0, which has the same
    truth value in floating point (a rounded sum keeps the sign of the exact sum).
    """
    valid = delta > SAME_POSITION_RTOL
    confrontation = valid & (e_self > 0) & (e_other > e_self)
    losing = valid & (e_self < 0)
    net = e_other + e_self
    compromise = losing & (net > 0)
    if capitulation:
        capitulate = losing & (e_other > 0) & (net < 0)
    else:
        capitulate = np.zeros_like(compromise)
    return confrontation, compromise, capitulate


def _toward(
    x_i: np.ndarray, x_j: np.ndarray, e_self: np.ndarray, e_other: np.ndarray, where: np.ndarray
) -> np.ndarray:
    """Move from x_i towards x_j by |e_ij| / e_ji, clipped to [x_i, x_j] (Step 7).

    Where ``where`` is False the ratio is 0, i.e. the result is x_i.
    """
    ratio = np.abs(e_self) / np.where(where, e_other, np.inf)
    y = x_i + (x_j - x_i) * ratio
    return np.minimum(np.maximum(y, np.minimum(x_i, x_j)), np.maximum(x_i, x_j))


def compromise_positions(
    position: np.ndarray, e_self: np.ndarray, e_other: np.ndarray
) -> np.ndarray:
    """Step 7: proposal y_ij = x_i + (x_j - x_i) |e_ij| / e_ji, shape ``(..., n, n)``.

    Only meaningful where e_ji > |e_ij| (then 0 < |e_ij|/e_ji < 1); elsewhere the
    value is unused (x_i where e_ji <= 0). Clipped to the segment [x_i, x_j] so
    rounding can never move an actor past its counterpart or outside the initial
    range.
    """
    x_i = np.broadcast_to(position[..., :, None], e_self.shape)
    x_j = np.broadcast_to(position[..., None, :], e_self.shape)
    return _toward(x_i, x_j, e_self, e_other, e_other > 0)


def kappa(position: np.ndarray, e_self: np.ndarray, e_other: np.ndarray) -> np.ndarray:
    """Scholz-code compromise key kappa_j = (|e_ij| x_i + |e_ji| x_j) / (|e_ij| + |e_ji|).

    Step 8, V6 "min_kappa". An EU-weighted point between x_i and x_j; taking its
    minimum favours the low end of the axis, so the reference is not symmetric under
    reflection x -> -x. Computed for the compromise region e_ij < 0 < e_ji, where
    it equals (e_ji x_j - e_ij x_i) / (e_ji - e_ij); elsewhere the value is unused.
    """
    den = e_other - e_self
    num = e_other * position[..., None, :] - e_self * position[..., :, None]
    return num / np.where(den > 0, den, 1.0)


def select_offers(
    position: np.ndarray,
    e_self: np.ndarray,
    e_other: np.ndarray,
    delta: np.ndarray,
    tie_tol: np.ndarray,
    offer_selection: str = "min_kappa",
    capitulation: bool = False,
) -> Offers:
    """Steps 7-9: classify dyads, accept one offer per actor, move synchronously.

    Step 8 priorities: confrontation beats compromise beats capitulation. Among
    confrontations and capitulations the smallest |x_j - x_i| wins. Among
    compromises, V6: ``"min_kappa"`` (Scholz code) takes the smallest kappa_j;
    ``"min_move"`` (paper's text, reflection-symmetric) takes the smallest move
    |y_ij - x_i| = |x_j - x_i| |e_ij| / e_ji. Ties (keys within ``tie_tol``) go to
    the first actor in input order. Step 9: every actor moves to its accepted
    proposal at the same moment; actors without an offer stay put.

    Args:
        position: current positions x(t-1), ``(..., n)``.
        e_self: risk-adjusted e_ij, ``(..., n, n)``.
        e_other: risk-adjusted e_ji, ``(..., n, n)``.
        delta: relative distances, ``(..., n, n)``.
        tie_tol: absolute tie tolerance on position-scale keys, ``(...)``.
        offer_selection: ``"min_kappa"`` or ``"min_move"`` (V6).
        capitulation: whether the capitulation branch works (V7).

    Returns:
        The accepted offers and the new positions.
    """
    conf, comp, capit = classify_dyads(e_self, e_other, delta, capitulation)
    dist = np.abs(position[..., None, :] - position[..., :, None])
    if offer_selection == "min_kappa":
        comp_key = kappa(position, e_self, e_other)
    elif offer_selection == "min_move":
        comp_key = dist * np.abs(e_self) / np.where(comp, e_other, 1.0)
    else:
        raise ValueError(f"offer_selection: unknown rule {offer_selection!r}")
    has_conf, has_comp = conf.any(axis=-1), comp.any(axis=-1)
    # Keep only the winning class's candidates (Step 8 priority), then one keyed minimum.
    later = np.where(comp, comp_key, np.inf)
    if capitulation:
        later = np.where(has_comp[..., None], later, np.where(capit, dist, np.inf))
    key = np.where(has_conf[..., None], np.where(conf, dist, np.inf), later)
    best = key.min(axis=-1, keepdims=True)
    tol = np.asarray(tie_tol, dtype=float)[..., None, None]
    chosen = np.argmax(key <= best + tol, axis=-1)  # ties: first j in input order
    moved = best[..., 0] < np.inf
    compromising = has_comp > has_conf
    move = np.zeros(moved.shape, dtype=np.int8)
    move[moved] = CAPITULATION  # overwritten below unless nothing better was offered
    move[compromising] = COMPROMISE
    move[has_conf] = CONFRONTATION

    # Gather the chosen dyad's values through flat indices (cheaper than take_along_axis).
    n = position.shape[-1]
    rows = np.arange(chosen.size).reshape(chosen.shape)
    x_j = position.ravel()[rows - rows % n + chosen]
    flat = rows * n + chosen
    e_ij = e_self.ravel()[flat]
    e_ji = e_other.ravel()[flat]
    target = np.where(compromising, _toward(position, x_j, e_ij, e_ji, compromising), x_j)
    return Offers(
        position=np.where(moved, target, position),
        move_type=move,
        counterpart=np.where(moved, chosen, -1),
        eu_self=np.where(moved, e_ij, np.nan),
        eu_other=np.where(moved, e_ji, np.nan),
    )
