"""Seeds and random draws, one independent stream per replication.

One master seed -> ``SeedSequence(master, spawn_key=(k,))`` for replication k (the k-th child
that ``SeedSequence(master).spawn(runs)`` gives), reduced to a 63-bit integer seed that alone
reproduces the replication: ``numpy.random.default_rng(seed)``. Every random number a
replication uses is drawn up front from its own generator, in this fixed order:

1. one value per uncertain input, in the order of the resolved scenario's fields (a
   calibrated posterior takes one uniform per file, the first time a key names it);
2. event uniforms, one per event;
3. one durability uniform;
4. then, round by round, one block of standard normals per round: the battlefield shock, the
   acceptance noise per actor and issue (A x I), the acceptance noise for whole packages (A),
   A normals turned into the walkout uniforms by the normal CDF, one normal turned into the
   uniform that decides the round's humanitarian exchange, A normals turned into the uniforms
   that decide whether a delegation initials a text, and A normals of noise on a principal's
   ratification.

So replication k gets the same numbers whatever the engine, the chunking or the number of
processes, and the two engines can be compared run by run. Because the per-round blocks come
last, in round order, and have a size that does not depend on the number of rounds, the draws
of sessions 1..k are the same whatever ``sessions`` is: a longer run only appends sessions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np


class SampledInput(Protocol):
    """An uncertain input as the draws need it (``sim.scenario.UncertainInput`` is one)."""

    @property
    def path(self) -> str:
        """The input's key path (the ``param.<path>`` column)."""
        ...

    def sample(self, rng: np.random.Generator, rows: dict[str, int] | None = None) -> float:
        """One value from the input's distribution (``rows``: the replication's posterior rows)."""
        ...


def replication_seed(master: int, k: int) -> int:
    """The 63-bit seed of replication ``k`` under master seed ``master``."""
    state = np.random.SeedSequence(master, spawn_key=(k,)).generate_state(1, dtype=np.uint64)
    return int(state[0] >> np.uint64(1))


# NumPy's SeedSequence hashing constants (numpy/random/bit_generator.pyx, after M. E. O'Neill's
# seed_seq_fe), for computing many replications' seeds at once in replication_seeds.
_INIT_A, _MULT_A, _INIT_B, _MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R, _MASK32 = 0xCA01F9DD, 0x4973F715, 0xFFFFFFFF


def replication_seeds(master: int, start: int, stop: int) -> np.ndarray:
    """Seeds of replications ``start`` .. ``stop - 1`` as int64: :func:`replication_seed` of each.

    Computed for all replications at once with NumPy's own SeedSequence algorithm (the same
    numbers; a SeedSequence per replication costs about 7 microseconds, this well under one).
    ``SeedSequence(master, spawn_key=(k,))`` pools the master's 32-bit words, padded with zeros
    to the pool's four, and then mixes in ``k``; the pool before ``k`` is ``SeedSequence(master)
    .pool`` and the hash constant's sequence depends on no value, so only the last mixing step
    and ``generate_state`` depend on ``k`` and they run as array arithmetic modulo 2**32. Outside
    the case that covers (``k`` of more than one 32-bit word, a master of more than four), each
    seed is computed by :func:`replication_seed`; ``tests/engine/test_draws.py`` compares both.
    """
    if master < 0 or master >= 2**128 or stop > 2**32:
        return np.array([replication_seed(master, k) for k in range(start, stop)],
                        dtype=np.int64)
    mask = np.uint64(_MASK32)
    shift = np.uint64(16)
    pool = np.random.SeedSequence(master).pool.astype(np.uint64)
    h = _INIT_A
    for _ in range(16):  # the hash constant after pooling and mixing the master's four words
        h = (h * _MULT_A) & _MASK32
    k = np.arange(start, stop, dtype=np.uint64)
    mixed = []
    for word in pool:  # mix(pool[i], hashmix(k)) for every pool word
        v = k ^ np.uint64(h)
        h = (h * _MULT_A) & _MASK32
        v = (v * np.uint64(h)) & mask
        v ^= v >> shift
        r = (np.uint64(_MIX_L) * word - np.uint64(_MIX_R) * v) & mask
        mixed.append(r ^ (r >> shift))
    h = _INIT_B
    words = []
    for r in mixed[:2]:  # generate_state(1, uint64): two 32-bit words, little-endian
        d = r ^ np.uint64(h)
        h = (h * _MULT_B) & _MASK32
        d = (d * np.uint64(h)) & mask
        words.append(d ^ (d >> shift))
    return ((words[0] | (words[1] << np.uint64(32))) >> np.uint64(1)).astype(np.int64)


def _hashmix(v: np.ndarray, h: int) -> tuple[np.ndarray, int]:
    """SeedSequence's ``hashmix`` of 32-bit words ``v`` (held in uint64) under constant ``h``."""
    v = v ^ np.uint64(h)
    h = (h * _MULT_A) & _MASK32
    v = (v * np.uint64(h)) & np.uint64(_MASK32)
    return v ^ (v >> np.uint64(16)), h


def _mix(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """SeedSequence's ``mix`` of two arrays of 32-bit words (held in uint64)."""
    r: np.ndarray = (np.uint64(_MIX_L) * x - np.uint64(_MIX_R) * y).astype(np.uint64)
    r &= np.uint64(_MASK32)
    return r ^ (r >> np.uint64(16))


_PCG_MULT = 0x2360ED051FC65DA44385DF649FCCF645  # PCG64's 128-bit multiplier
_MASK128 = (1 << 128) - 1


def pcg64_states(seeds: np.ndarray) -> list[dict[str, object]]:
    """``np.random.PCG64(int(s)).state`` for every seed ``s`` (0 <= s < 2**63), computed at once.

    ``PCG64(s)`` seeds PCG64 with ``SeedSequence(s).generate_state(4, uint64)``: the first two
    words are the 128-bit initial state, the last two the stream (``pcg64_set_seed``, then
    ``pcg_setseq_128_srandom_r``: ``inc = stream << 1 | 1``, ``state = (inc + initial) * MULT +
    inc``, modulo 2**128). The SeedSequence hashing runs as array arithmetic over the seeds (a
    seed below 2**63 is two 32-bit words, pooled with two zero words exactly as SeedSequence
    pads them); the 128-bit steps in Python integers. About 1 microsecond a seed against 7 for
    constructing each PCG64; ``tests/engine/test_draws.py`` compares the two.
    """
    s = np.asarray(seeds).astype(np.uint64)
    zero = np.zeros_like(s)
    h = _INIT_A
    pool = []
    for word in (s & np.uint64(_MASK32), s >> np.uint64(32), zero, zero):
        v, h = _hashmix(word, h)
        pool.append(v)
    for src in range(4):
        for dst in range(4):
            if src != dst:
                v, h = _hashmix(pool[src], h)
                pool[dst] = _mix(pool[dst], v)
    h = _INIT_B
    out = []
    for i in range(8):  # generate_state(4, uint64): eight 32-bit words, little-endian pairs
        d = pool[i % 4] ^ np.uint64(h)
        h = (h * _MULT_B) & _MASK32
        d = (d * np.uint64(h)) & np.uint64(_MASK32)
        out.append(d ^ (d >> np.uint64(16)))
    words = [(out[2 * j] | (out[2 * j + 1] << np.uint64(32))).tolist() for j in range(4)]
    states: list[dict[str, object]] = []
    for w0, w1, w2, w3 in zip(*words, strict=True):
        inc = ((((w2 << 64) | w3) << 1) | 1) & _MASK128
        state = ((inc + ((w0 << 64) | w1)) * _PCG_MULT + inc) & _MASK128
        states.append({"bit_generator": "PCG64", "state": {"state": state, "inc": inc},
                       "has_uint32": 0, "uinteger": 0})
    return states


@dataclass
class Draws:
    """All random numbers of a batch of replications (leading axis R)."""

    samples: dict[str, np.ndarray]
    shocks: np.ndarray
    z_issue: np.ndarray
    z_package: np.ndarray
    u_walkout: np.ndarray
    u_event: np.ndarray
    u_durability: np.ndarray
    u_exchange: np.ndarray  # (R, T) one uniform per round: is there an exchange?
    u_initial: np.ndarray  # (R, T, A) does a delegation initial a text ad referendum?
    z_ratify: np.ndarray  # (R, T, A) noise on a principal's ratification

    def row(self, k: int) -> Draws:
        """The draws of replication ``k`` of the batch (length-1 leading axis)."""
        return Draws(
            {p: v[k : k + 1] for p, v in self.samples.items()},
            self.shocks[k : k + 1], self.z_issue[k : k + 1], self.z_package[k : k + 1],
            self.u_walkout[k : k + 1], self.u_event[k : k + 1], self.u_durability[k : k + 1],
            self.u_exchange[k : k + 1], self.u_initial[k : k + 1], self.z_ratify[k : k + 1],
        )


_ONE, _NORMAL, _UNIFORM, _TRIANGULAR, _BETA = range(5)


def _plan(inputs: Sequence[SampledInput]) -> list[tuple[int, float, float, float, float, float]]:
    """How to draw each input with the generator's cheapest calls, to the same numbers.

    ``rng.normal(m, s)`` is ``m + s * rng.standard_normal()``, ``rng.uniform(a, b)`` is
    ``a + (b - a) * rng.random()`` and ``rng.triangular(a, c, b)`` is NumPy's inversion of one
    ``rng.random()`` (``random_triangular`` in NumPy's ``distributions.c``), the same
    arithmetic in the same order; a degenerate uniform or triangular (a == b) draws one
    ``rng.random()`` and gives a, as ``sample`` does. Each entry is ``(kind, p1, p2, p3, lo,
    hi)``; kind ``_ONE`` is an input drawn by its own ``sample(rng)`` (a choice, or an object
    this function does not know). ``tests/engine/test_draws.py`` checks the numbers against
    :func:`draw_one_by_one`.
    """
    plan: list[tuple[int, float, float, float, float, float]] = []
    for inp in inputs:
        d = getattr(inp, "dist", None)
        kind = getattr(d, "dist", None)
        lo, hi = float(getattr(inp, "lo", -np.inf)), float(getattr(inp, "hi", np.inf))
        if not hasattr(inp, "lo"):
            plan.append((_ONE, 0.0, 0.0, 0.0, lo, hi))
        elif kind == "normal":
            plan.append((_NORMAL, d.mean, d.sd, 0.0, lo, hi))  # type: ignore[union-attr]
        elif kind == "uniform":
            plan.append((_UNIFORM, d.low, d.high, 0.0, lo, hi))  # type: ignore[union-attr]
        elif kind == "triangular":
            plan.append((_TRIANGULAR, d.low, d.mode, d.high, lo, hi))  # type: ignore[union-attr]
        elif kind == "beta":
            plan.append((_BETA, d.a, d.b, 0.0, lo, hi))  # type: ignore[union-attr]
        else:
            plan.append((_ONE, 0.0, 0.0, 0.0, lo, hi))
    return plan


def _sample_row(rng: np.random.Generator, inputs: Sequence[SampledInput],
                plan: list[tuple[int, float, float, float, float, float]]) -> list[float]:
    """One replication's values of the uncertain inputs, in their order (see :func:`_plan`)."""
    random, normal, beta = rng.random, rng.standard_normal, rng.beta
    rows: dict[str, int] = {}  # posterior rows picked by this replication, by file
    out = []
    for j, (kind, a, b, c, lo, hi) in enumerate(plan):
        if kind == _NORMAL:
            v = a + b * normal()
        elif kind == _UNIFORM:
            v = a + (b - a) * random()
        elif kind == _TRIANGULAR:
            u = random()
            if a == c:
                v = a
            else:
                base = c - a
                left = b - a
                if u <= left / base:
                    v = a + math.sqrt(u * (left * base))
                else:
                    v = c - math.sqrt((1.0 - u) * ((c - b) * base))
        elif kind == _BETA:
            v = float(beta(a, b))
        else:
            out.append(inputs[j].sample(rng, rows))
            continue
        out.append(min(max(v, lo), hi))
    return out


RowDrawer = Callable[..., None]
"""``row(rng, k, kinds, p1, p2, p3, lo, hi, sampled, u_event, u_durability, blocks)``: draws
replication ``k``'s numbers into row ``k`` of the last four arrays, exactly as :func:`draw`'s
loop does (the compiled engine's ``sim.engine.compiled.fused.draw_row``)."""


def draw(seeds: np.ndarray, inputs: Sequence[SampledInput], sessions: int, n_actors: int,
         n_issues: int, n_events: int, row: RowDrawer | None = None) -> Draws:
    """Draw every random number for the replications with the given seeds.

    The numbers are those of :func:`draw_one_by_one` (the plain statement of the order of the
    draws, which ``tests/engine/test_draws.py`` compares this with); here the uncertain inputs
    are drawn by the generator's cheapest calls (:func:`_plan`), each replication's
    per-session block goes straight into one array for the chunk, and the normal CDF turns
    the blocks into uniforms in one call per kind of draw.

    Args:
        seeds: per-replication seeds (see :func:`replication_seed`).
        inputs: the scenario's uncertain inputs (objects with ``path`` and ``sample(rng)``).
        sessions, n_actors, n_issues, n_events: sizes of the per-session draws.
        row: a compiled drawer of one replication's numbers (:data:`RowDrawer`), used when
            every input is of a kind it draws (normal, uniform, triangular, beta).
    """
    # imported here, not with the module: the scenario layer reaches this module through the
    # protocol registry, and `ceasefire validate` should not pay for loading SciPy
    from scipy.special import ndtr

    R, T, A, n_i = len(seeds), sessions, n_actors, n_issues
    width = 1 + A * n_i + 4 * A + 1  # one round's block of normals
    plan = _plan(inputs)
    sampled = np.empty((R, len(inputs)))
    u_event = np.empty((R, n_events))
    u_durability = np.empty(R)
    blocks = np.empty((R, T, width))
    if row is not None and all(step[0] != _ONE for step in plan):
        cols = [np.array(c) for c in zip(*plan, strict=True)] if plan else [np.zeros(0)] * 6
        kinds = cols[0].astype(np.int64)
        # one generator whose bit generator takes each replication's state in turn: the
        # state of default_rng(seed), without a new Generator (and its unboxing) per replication
        bits = np.random.PCG64(0)
        gen = np.random.Generator(bits)
        states: list[Any]
        if len(seeds) and (int(np.min(seeds)) < 0):  # not replication seeds: PCG64's own way
            states = [np.random.PCG64(int(seed)).state for seed in seeds]
        else:
            states = pcg64_states(seeds)
        for k, state in enumerate(states):
            bits.state = state
            row(gen, k, kinds, *cols[1:], sampled, u_event, u_durability, blocks)
    else:
        for k, seed in enumerate(seeds):
            rng = np.random.default_rng(int(seed))
            sampled[k] = _sample_row(rng, inputs, plan)
            u_event[k] = rng.random(n_events)
            u_durability[k] = rng.random()
            rng.standard_normal(out=blocks[k])
    samples = {inp.path: sampled[:, j].copy() for j, inp in enumerate(inputs)}
    at = 1 + A * n_i + 2 * A
    return Draws(
        samples, blocks[:, :, 0].copy(),
        blocks[:, :, 1 : 1 + A * n_i].reshape(R, T, A, n_i).copy(),
        blocks[:, :, 1 + A * n_i : 1 + A * n_i + A].copy(),
        ndtr(blocks[:, :, 1 + A * n_i + A : at]),
        u_event, u_durability, ndtr(blocks[:, :, at]), ndtr(blocks[:, :, at + 1 : at + 1 + A]),
        blocks[:, :, at + 1 + A : at + 1 + 2 * A].copy())


def draw_one_by_one(seeds: np.ndarray, inputs: Sequence[SampledInput], sessions: int, n_actors: int,
         n_issues: int, n_events: int) -> Draws:
    """Draw every random number for the replications with the given seeds, one at a time.

    The reference statement of what :func:`draw` computes faster (same numbers).

    Args:
        seeds: per-replication seeds (see :func:`replication_seed`).
        inputs: the scenario's uncertain inputs (objects with ``path`` and ``sample(rng)``).
        sessions, n_actors, n_issues, n_events: sizes of the per-session draws.
    """
    # imported here, not with the module: the scenario layer reaches this module through the
    # protocol registry, and `ceasefire validate` should not pay for loading SciPy
    from scipy.special import ndtr

    R, T = len(seeds), sessions
    samples = {inp.path: np.empty(R) for inp in inputs}
    shocks = np.empty((R, T))
    z_issue = np.empty((R, T, n_actors, n_issues))
    z_package = np.empty((R, T, n_actors))
    u_walkout = np.empty((R, T, n_actors))
    u_event = np.empty((R, n_events))
    u_durability = np.empty(R)
    u_exchange = np.empty((R, T))
    A, n_i = n_actors, n_issues
    u_initial = np.empty((R, T, A))
    z_ratify = np.empty((R, T, A))
    width = 1 + A * n_i + 4 * A + 1  # one round's block of normals
    for k, seed in enumerate(seeds):
        rng = np.random.default_rng(int(seed))
        rows: dict[str, int] = {}  # posterior rows picked by this replication, by file
        for inp in inputs:
            samples[inp.path][k] = inp.sample(rng, rows)
        u_event[k] = rng.random(n_events)
        u_durability[k] = rng.random()
        block = rng.standard_normal((T, width))
        shocks[k] = block[:, 0]
        z_issue[k] = block[:, 1 : 1 + A * n_i].reshape(T, A, n_i)
        z_package[k] = block[:, 1 + A * n_i : 1 + A * n_i + A]
        u_walkout[k] = ndtr(block[:, 1 + A * n_i + A : 1 + A * n_i + 2 * A])
        at = 1 + A * n_i + 2 * A
        u_exchange[k] = ndtr(block[:, at])
        u_initial[k] = ndtr(block[:, at + 1 : at + 1 + A])
        z_ratify[k] = block[:, at + 1 + A : at + 1 + 2 * A]
    return Draws(samples, shocks, z_issue, z_package, u_walkout, u_event, u_durability,
                 u_exchange, u_initial, z_ratify)
