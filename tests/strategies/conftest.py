"""Fixtures for strategy tests: context factories and a scripted opponent.

The scripted opponent plays the role of Axelrod's ``MockPlayer``: it concedes on a fixed
schedule whatever the strategy under test does, so the strategy's replies can be asserted
exactly round by round.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pytest

from sim.strategies import ConcessionContext, Strategy

ARRAY_FIELDS = (
    "start",
    "previous",
    "reservation",
    "authority",
    "own_offer",
    "other_offer",
    "other_gain",
    "other_own_offer",
    "other_of_mine",
    "other_reservation",
    "cost",
    "text_offer",
)


def relative_time(t: int, max_rounds: int) -> float:
    """The engines' convention (``ConcessionContext.tau``): min(1, t / (T - 1)).

    The aspiration set at the end of round t is the one answered with in round t + 1, so a
    time-dependent party answers with exactly its reservation in the last round T.
    """
    return 1.0 if max_rounds <= 1 else min(1.0, t / (max_rounds - 1))


def context(
    round: int = 1, max_rounds: int = 10, tau: float | None = None, **values
) -> ConcessionContext:
    """A ConcessionContext with sensible defaults; scalars become 1-element arrays.

    ``tau`` defaults to the engines' convention for ``round`` and ``max_rounds``.
    """
    tau = relative_time(round, max_rounds) if tau is None else tau
    defaults = {
        "start": 1.0,
        "previous": values.get("start", 1.0),
        "reservation": 0.3,
        "authority": 1.0,
        "own_offer": values.get("previous", values.get("start", 1.0)),
        "other_offer": 0.2,
        "other_gain": 0.0,
        "other_own_offer": 0.8,
        "other_of_mine": 0.0,
        "other_reservation": 0.2,
        "cost": 0.0,
        "text_offer": 0.0,
    }
    unknown = set(values) - set(ARRAY_FIELDS)
    if unknown:
        raise TypeError(f"unknown context fields {sorted(unknown)}")
    merged = {**defaults, **values}
    arrays = {k: np.atleast_1d(np.asarray(v, dtype=float)) for k, v in merged.items()}
    return ConcessionContext(round=round, deadline=max_rounds, tau=tau, **arrays)


def random_contexts(seed: int, n: int = 12, size: int = 5) -> list[ConcessionContext]:
    """Varied but valid contexts (reservation <= start, previous between them)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        max_rounds = int(rng.integers(2, 30))
        round_ = int(rng.integers(1, max_rounds + 3))
        start = rng.uniform(0.5, 1.0, size)
        reservation = rng.uniform(0.0, 0.5, size)
        previous = reservation + rng.uniform(0.0, 1.0, size) * (start - reservation)
        own = np.minimum(previous, start)
        other = rng.uniform(0.0, 0.6, size)
        out.append(
            ConcessionContext(
                round=round_,
                deadline=max_rounds,
                tau=relative_time(round_, max_rounds),
                start=start,
                previous=previous,
                reservation=reservation,
                authority=rng.choice([1.0, 0.4, 0.75], size),
                own_offer=own,
                other_offer=other,
                other_gain=rng.uniform(-0.05, 0.1, size),
                other_own_offer=rng.uniform(0.5, 1.0, size),
                other_of_mine=1.0 - own,
                other_reservation=rng.uniform(0.0, 0.5, size),
                cost=rng.choice([0.0, 0.004, 0.02], size),
                text_offer=rng.uniform(0.0, 0.8, size),
            )
        )
    return out


@dataclass
class ScriptedOpponent:
    """An opponent that concedes on a fixed schedule on the frontier u_other = 1 - u_mine.

    ``concessions[t - 1]`` is how much more its terms are worth to me after its move in round
    t. Relative time follows the engines: tau = min(1, t / (T - 1)), so with T = 5 rounds 1..4
    have tau = .25, .5, .75, 1. The strategy under test restates exactly to its aspiration each
    round (its own offer is worth its last aspiration to it). As in the engine, the context of
    round t sees the opponent's move of round t - 1 as ``other_gain`` (0 in round 1).
    """

    concessions: Sequence[float]
    opening: float = 0.2  # my utility of its opening terms
    reservation: float = 0.2  # its reservation
    log: list[ConcessionContext] = field(default_factory=list)

    def play(
        self,
        strategy: Strategy,
        *,
        max_rounds: int | None = None,
        start: float = 1.0,
        reservation: float | Sequence[float] = 0.3,
        authority: float = 1.0,
    ) -> np.ndarray:
        """Aspirations of ``strategy`` in rounds 1..n, n = len(concessions).

        ``max_rounds`` defaults to n + 1, so the last concession (round n) reaches tau = 1.
        """
        n = len(self.concessions)
        max_rounds = n + 1 if max_rounds is None else max_rounds
        res = np.broadcast_to(np.asarray(reservation, float), (n,))
        self.log = []
        previous = start
        other = self.opening
        gain = 0.0
        out = []
        for t in range(1, n + 1):
            ctx = context(
                round=t,
                max_rounds=max_rounds,
                start=start,
                previous=previous,
                reservation=res[t - 1],
                authority=authority,
                own_offer=previous,
                other_offer=other,
                other_gain=gain,
                other_own_offer=1.0 - other,
                other_of_mine=1.0 - previous,
                other_reservation=self.reservation,
            )
            self.log.append(ctx)
            aspiration = strategy.aspiration(ctx)
            assert aspiration.shape == (1,)
            previous = float(aspiration[0])
            out.append(previous)
            gain = float(self.concessions[t - 1])
            other += gain
        return np.array(out)


@pytest.fixture(scope="session")
def make_context():
    """Factory of single-replication contexts: ``make_context(round=3, reservation=.4)``."""
    return context


@pytest.fixture(scope="session")
def varied_contexts():
    """A fixed list of varied 5-replication contexts."""
    return random_contexts(20250516)


@pytest.fixture(scope="session")
def opponent():
    """Factory of scripted opponents: ``opponent([0, .02, .05])``."""
    return ScriptedOpponent
