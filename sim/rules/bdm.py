"""Bueno de Mesquita's expected utility model (BDM / EUM), vectorised over a batch.

The "classic" group decision model of Bueno de Mesquita (1994) in the formalisation
of Scholz, Calbert & Smith (2011), following Scholz's code where it departs from the
paper's text (the reference variant, which reproduces the public replication's
trajectory exactly). The variants of the note ``docs/reference/bdm.md`` §2.5 that a
caller may switch are fields of :class:`BDMOptions`:

* V1 ``probability``: ``"scholz_global"`` (one normaliser Z per round, reference) or
  ``"pairwise"`` (the paper's P(a,b) + P(b,a) = 1).
* V6 ``offer_selection``: ``"min_kappa"`` (reference; orientation-dependent) or
  ``"min_move"`` (the paper's least change of position; reflection-symmetric).
* V7 ``capitulation``: ``False`` keeps the reference's dead branch; ``True`` lets
  it fire.

V2-V4, V8 and V9 are fixed at the reference choices (Q = 1; danger compared over all
actors; the viewer's r in both directions; distances over the initial range;
weighted mean and weighted median forecasts). V5 (Masad's offer mechanics) is not
implemented.

One round (§2.2): Step 1 risk-neutral pass; Step 2 votes and win probabilities;
Steps 3-4 utilities and expected utilities; Step 5 danger and risk exponents;
Step 6 risk-adjusted pass; Step 7 dyad classification; Step 8 accepted offer;
Step 9 synchronous update. The step functions live in ``sim.rules.bdm_steps``
(Steps 1-6 and the forecasts) and ``sim.rules.bdm_offers`` (Steps 7-9).

References:
    Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). Unravelling Bueno de
    Mesquita's group decision model. *Journal of Theoretical Politics* 23(4), 510-531.

    Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method.
    In B. Bueno de Mesquita & F. N. Stokman (eds.), *European Community Decision
    Making*. Yale University Press.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from sim.rules import bdm_kernel
from sim.rules.bdm_offers import Offers, select_offers
from sim.rules.bdm_steps import (
    TIE_RTOL,
    VOTE_BLOCK_ELEMENTS,
    challenge_utilities,
    danger,
    issue_range,
    relative_distances,
    risk_exponents,
    weighted_mean,
    weighted_median,
    win_probabilities,
)

PROBABILITY_METHODS = ("scholz_global", "pairwise")
OFFER_SELECTIONS = ("min_kappa", "min_move")
ENGINES = ("numpy", "compiled")

#: Batch items are simulated in chunks so that one (chunk, n, n, n) float64 temporary
#: stays below this many elements (2**18 elements = 2 MiB, cache-sized).
MAX_CHUNK_ELEMENTS = 2**18


@dataclass(frozen=True)
class BDMOptions:
    """Model variants (docs/reference/bdm.md §2.5); the defaults are the reference (Scholz code)."""

    probability: Literal["scholz_global", "pairwise"] = "scholz_global"
    offer_selection: Literal["min_kappa", "min_move"] = "min_kappa"
    capitulation: bool = False

    def __post_init__(self) -> None:
        if self.probability not in PROBABILITY_METHODS:
            raise ValueError(f"probability: {self.probability!r} not in {PROBABILITY_METHODS}")
        if self.offer_selection not in OFFER_SELECTIONS:
            raise ValueError(f"offer_selection: {self.offer_selection!r} not in {OFFER_SELECTIONS}")
        if not isinstance(self.capitulation, bool):
            raise ValueError(f"capitulation: expected bool, got {self.capitulation!r}")


@dataclass(frozen=True)
class BDMTrajectory:
    """A batch of BDM runs. B is the batch size, n the number of actors.

    The batch axis is always present, also for one-dimensional inputs (B = 1).
    """

    positions: np.ndarray  #: (B, rounds+1, n); round 0 is the input
    risk: np.ndarray  #: (B, rounds, n) risk exponent r used in each round
    move_type: np.ndarray  #: (B, rounds, n) int8: 0 none, 1 confront, 2 compromise, 3 capit.
    counterpart: np.ndarray  #: (B, rounds, n) index of the actor whose offer was taken, -1
    eu_self: np.ndarray  #: (B, rounds, n) e_ij of the accepted offer, NaN if none
    eu_other: np.ndarray  #: (B, rounds, n) e_ji of the accepted offer, NaN if none
    mean: np.ndarray  #: (B, rounds+1) capability x salience weighted mean
    median: np.ndarray  #: (B, rounds+1) weighted median among held positions (ties: lowest)


def bdm_round(
    position: np.ndarray,
    weight: np.ndarray,
    salience: np.ndarray,
    scale: np.ndarray,
    tie_tol: np.ndarray,
    options: BDMOptions = BDMOptions(),
) -> tuple[np.ndarray, Offers]:
    """One synchronous round of the model, Steps 1-9 of §2.2, on ``(..., n)`` arrays.

    Args:
        position: positions x(t-1).
        weight: w_i = c_i s_i.
        salience: s_i in [0, 1].
        scale: initial range R, ``(...)``, fixed for the whole run.
        tie_tol: Step 8 tie tolerance in position units, ``(...)``.
        options: model variants.

    Returns:
        ``(r, offers)``: the risk exponents used and the accepted offers.
    """
    delta = relative_distances(position, scale)
    # Steps 1-2 and 4 with r = 1, then Step 5.
    prob = win_probabilities(delta, weight, None, options.probability)
    r = risk_exponents(danger(delta, salience, prob))
    # Step 6: every voter and viewer with its own r.
    prob = win_probabilities(delta, weight, r, options.probability)
    e_self, e_other = challenge_utilities(delta, salience, prob, r)
    # Steps 7-9.
    offers = select_offers(
        position,
        e_self,
        e_other,
        delta,
        tie_tol,
        options.offer_selection,
        options.capitulation,
    )
    return r, offers


def _compiled_round(weight: np.ndarray, salience: np.ndarray, scale: np.ndarray,
                    tie_tol: np.ndarray, options: BDMOptions) -> bdm_kernel.Round:
    """The compiled round for a ``(B, n)`` batch, voter blocks as the chunks here make them."""
    batch, n = weight.shape
    blocks = bdm_kernel.voter_blocks(batch, n, max(1, MAX_CHUNK_ELEMENTS // n**3),
                                     VOTE_BLOCK_ELEMENTS)
    w, s, r, tol = (np.ascontiguousarray(a, dtype=float) for a in (weight, salience, scale,
                                                                   tie_tol))
    return bdm_kernel.Round(bdm_kernel.load(), w, s, r, tol, blocks,
                            options.probability == "pairwise",
                            options.offer_selection == "min_move", options.capitulation)


def _prepare(
    capability: ArrayLike, position: ArrayLike, salience: ArrayLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Broadcast the inputs to (B, n) float arrays and check their domains."""
    arrays = []
    for name, value in (("capability", capability), ("position", position), ("salience", salience)):
        a = np.asarray(value, dtype=float)
        if a.ndim not in (1, 2):
            raise ValueError(f"{name}: expected shape (n,) or (B, n), got {a.shape}")
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{name}: values must be finite")
        arrays.append(np.atleast_2d(a))
    try:
        c, x, s = np.broadcast_arrays(*arrays)
    except ValueError as err:
        raise ValueError(f"capability, position, salience: shapes do not match ({err})") from None
    if c.shape[-1] < 1:
        raise ValueError("position: at least one actor is needed")
    if np.any(c < 0):
        raise ValueError("capability: values must be >= 0")
    if np.any((s < 0) | (s > 1)):
        raise ValueError("salience: values must lie in [0, 1] (s is a probability)")
    return c.copy(), x.copy(), s.copy()


@dataclass(frozen=True)
class BDMInputs:
    """The fixed inputs of a batch of BDM runs, ``(B, n)`` or ``(B,)``, from :func:`bdm_inputs`."""

    weight: np.ndarray  #: w_i = c_i s_i
    salience: np.ndarray  #: s_i
    scale: np.ndarray  #: initial range R of each item
    tie_tol: np.ndarray  #: Step 8 tie tolerance in position units


def bdm_inputs(
    capability: ArrayLike, position: ArrayLike, salience: ArrayLike
) -> tuple[np.ndarray, BDMInputs]:
    """Checked ``(B, n)`` initial positions and the fixed inputs of a batch of BDM runs."""
    c, x0, s = _prepare(capability, position, salience)
    scale = issue_range(x0)
    tie_tol = TIE_RTOL * scale + 16 * np.finfo(float).eps * np.abs(x0).max(axis=-1)
    return x0, BDMInputs(c * s, s, scale, tie_tol)


def bdm_step(x: np.ndarray, inputs: BDMInputs, options: BDMOptions = BDMOptions(),
             engine: Literal["numpy", "compiled"] = "numpy") -> np.ndarray:
    """Positions after one round for a ``(B, n)`` batch, in the chunks :func:`run_bdm` uses.

    Each item is independent, so stepping all items one round at a time gives exactly the
    positions that :func:`run_bdm` gives round by round (``engine`` as there).
    """
    batch, n = x.shape
    if engine == "compiled":
        new = np.empty((batch, n))
        step = _compiled_round(inputs.weight, inputs.salience, inputs.scale, inputs.tie_tol,
                               options)
        r, e_self, e_other = np.empty((batch, n)), np.empty((batch, n)), np.empty((batch, n))
        step(np.ascontiguousarray(x, dtype=float), r, new, np.empty((batch, n), np.int8),
             np.empty((batch, n), np.int64), e_self, e_other)
        return new
    if engine != "numpy":
        raise ValueError(f"engine: {engine!r} not in {ENGINES}")
    out = np.empty_like(x)
    chunk = max(1, MAX_CHUNK_ELEMENTS // n**3)
    for lo in range(0, batch, chunk):
        b = slice(lo, lo + chunk)
        _, offers = bdm_round(x[b], inputs.weight[b], inputs.salience[b], inputs.scale[b],
                              inputs.tie_tol[b], options)
        out[b] = offers.position
    return out


def run_bdm(
    capability: ArrayLike,
    position: ArrayLike,
    salience: ArrayLike,
    rounds: int,
    options: BDMOptions = BDMOptions(),
    engine: Literal["numpy", "compiled"] = "numpy",
) -> BDMTrajectory:
    """Run the BDM expected utility model for a fixed number of rounds.

    There is no convergence rule (§2.4): the EC example never settles, so the
    stopping round is the caller's choice. The model is deterministic.

    Args:
        capability: c_i >= 0, shape ``(n,)`` or ``(B, n)``; any positive scale.
        position: initial positions x_i(0) on one issue axis, ``(n,)`` or ``(B, n)``.
        salience: s_i in [0, 1], ``(n,)`` or ``(B, n)``.
        rounds: number of rounds (>= 0).
        options: model variants V1, V6, V7 (defaults: the reference).
        engine: ``"numpy"`` runs the step functions above (the statement of the model);
            ``"compiled"`` runs the same rounds as numba loops (:mod:`sim.rules.bdm_kernel`,
            needs the ``compiled`` extra), with the same results bit for bit.

    Returns:
        The trajectory, always with a leading batch axis.

    Degenerate inputs give finite results: all actors at one position (R = 0, so
    delta = 0, r = 1 and nobody moves), one actor, zero salience everywhere (Z = 0
    gives P = 0; forecasts fall back to equal weights), duplicate positions (Z counts
    actors, not positions). See the guards in ``sim.rules.bdm_steps``.
    """
    rounds = operator.index(rounds)
    if engine not in ENGINES:
        raise ValueError(f"engine: {engine!r} not in {ENGINES}")
    if rounds < 0:
        raise ValueError(f"rounds: must be >= 0, got {rounds}")
    c, x0, s = _prepare(capability, position, salience)
    batch, n = x0.shape
    w = c * s
    scale = issue_range(x0)
    tie_tol = TIE_RTOL * scale + 16 * np.finfo(float).eps * np.abs(x0).max(axis=-1)

    positions = np.empty((batch, rounds + 1, n))
    risk = np.empty((batch, rounds, n))
    move_type = np.empty((batch, rounds, n), dtype=np.int8)
    counterpart = np.empty((batch, rounds, n), dtype=np.int64)
    eu_self = np.empty((batch, rounds, n))
    eu_other = np.empty((batch, rounds, n))
    positions[:, 0] = x0

    if engine == "compiled":
        step = _compiled_round(w, s, scale, tie_tol, options)
        x = x0
        for t in range(rounds):
            new = np.empty((batch, n))
            step(x, risk[:, t], new, move_type[:, t], counterpart[:, t], eu_self[:, t],
                 eu_other[:, t])
            positions[:, t + 1] = x = new
    else:
        chunk = max(1, MAX_CHUNK_ELEMENTS // n**3)
        for lo in range(0, batch, chunk):
            b = slice(lo, lo + chunk)
            x = x0[b]
            for t in range(rounds):
                r, offers = bdm_round(x, w[b], s[b], scale[b], tie_tol[b], options)
                x = offers.position
                positions[b, t + 1] = x
                risk[b, t] = r
                move_type[b, t] = offers.move_type
                counterpart[b, t] = offers.counterpart
                eu_self[b, t] = offers.eu_self
                eu_other[b, t] = offers.eu_other

    w_rounds = w[:, None, :]
    return BDMTrajectory(
        positions=positions,
        risk=risk,
        move_type=move_type,
        counterpart=counterpart,
        eu_self=eu_self,
        eu_other=eu_other,
        mean=weighted_mean(positions, w_rounds),
        median=weighted_median(positions, np.broadcast_to(w_rounds, positions.shape)),
    )
