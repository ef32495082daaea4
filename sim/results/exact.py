"""NumPy's mean and percentiles of a sample read in batches: the same floats, in bounded memory.

``summary.json`` reports ``values.mean()`` and ``np.percentile(values, [10, 50, 90])`` of
columns of ``runs.parquet``. A run of ten million replications streams that table to disk
without holding it, so its summary reads the file back in batches, in several passes, and must
still give the floats NumPy gives on the whole column, to the last bit (the same seed gives the
same ``summary.json``, whether the runs were held in memory or streamed):

* **Mean.** NumPy sums a contiguous float64 array by pairwise summation (``pairwise_sum`` in
  ``numpy/_core/src/umath/loops_utils.h.src``): a block of at most 128 values is summed with
  eight accumulators; a longer one is split at half its length rounded down to a multiple of
  eight, and the halves' sums are added. The split depends only on the number of values ``n``,
  so with ``n`` known from an earlier pass, :class:`PairwiseSum` sums each block of 128 or fewer
  values with NumPy itself, as it arrives (eight bytes kept per block), and adds the blocks'
  sums in NumPy's order at the end. The mean is then the sum divided by ``n``, as in
  ``np.mean``. A sample of whole numbers whose magnitudes add up to less than 2**53 is summed
  exactly in any order, so it skips the tree.
* **Percentiles.** ``np.percentile`` (method ``linear``) interpolates between the order
  statistics at ranks ``floor((n - 1) q)`` and the next one. :class:`OrderStatistics` finds them
  exactly by a radix selection over the float64 values mapped to order-preserving 64-bit keys:
  each pass counts the next 16 bits of the keys that share the prefix found so far (at most
  four passes), and a prefix shared by few enough values (:data:`COLLECT`) is settled in one
  more pass by sorting them. :func:`interpolate` is ``numpy.lib._function_base_impl._lerp``
  with its index arithmetic, written out.

``tests/results/test_exact.py`` checks both against NumPy on samples of many sizes, with ties,
zeros and negative values, fed in batches of many sizes.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence

import numpy as np

#: NumPy's ``PW_BLOCKSIZE``: blocks of at most this many values are summed directly.
BLOCK = 128

#: A key prefix shared by at most this many values is settled by sorting them (8 bytes each).
COLLECT = 1 << 17

_DIGIT = 16
_SIGN = np.uint64(1 << 63)
_EXACT = 2.0**53


@functools.lru_cache(maxsize=4096)
def _blocks(n: int) -> tuple[int, ...]:
    if n <= BLOCK:
        return (n,) if n else ()
    half = n // 2
    half -= half % 8
    return _blocks(half) + _blocks(n - half)


def pairwise_blocks(n: int) -> np.ndarray:
    """The sizes of NumPy's pairwise-summation blocks of ``n`` values, in order."""
    return np.array(_blocks(int(n)), dtype=np.int64)


def _combine(n: int, sums: Iterator[float]) -> float:
    """The pairwise sum of ``n`` values from the sums of their blocks (in order)."""
    if n <= BLOCK:
        return next(sums)
    half = n // 2
    half -= half % 8
    left = _combine(half, sums)
    return left + _combine(n - half, sums)


class PairwiseSum:
    """``np.add.reduce`` of ``n`` float64 values that arrive in batches, in order.

    Args:
        n: How many values will arrive in all.
    """

    def __init__(self, n: int) -> None:
        self.n = int(n)
        self._sizes = pairwise_blocks(self.n)
        self._ends = np.cumsum(self._sizes)
        self._next = 0  # the first block not summed yet
        self._done = 0  # values in the blocks summed
        self._carry = np.zeros(0)
        self._sums: list[np.ndarray] = []
        self._seen = 0
        self._whole = True
        self._magnitude = 0.0
        self._exact = 0

    def add(self, values: np.ndarray) -> None:
        """Take the next values (float64, in the order NumPy would sum them)."""
        values = np.ascontiguousarray(values, dtype=np.float64)
        self._seen += values.size
        if self._seen > self.n:
            raise ValueError(f"more than the {self.n} values announced")
        if self._whole and values.size:
            whole = bool(np.all(np.isfinite(values)) and np.all(values == np.trunc(values)))
            self._magnitude += float(np.abs(values).sum()) if whole else 0.0
            if whole and self._magnitude < _EXACT:
                self._exact += int(values.astype(np.int64).sum())
            else:
                self._whole = False
        data = np.concatenate([self._carry, values]) if self._carry.size else values
        last = int(np.searchsorted(self._ends, self._done + data.size, side="right"))
        at = 0
        first = self._next
        while first < last:
            # consecutive blocks of one size are summed as the rows of one array: NumPy sums
            # each row of a C-contiguous array by the same routine as a 1-d array of that length
            size = int(self._sizes[first])
            stop = first + 1
            while stop < last and self._sizes[stop] == size:
                stop += 1
            count = stop - first
            rows = data[at:at + count * size].reshape(count, size)
            self._sums.append(np.add.reduce(rows, axis=1))
            at += count * size
            first = stop
        self._next = last
        self._done += at
        self._carry = data[at:].copy()

    def total(self) -> float:
        """The sum, as ``np.add.reduce`` gives it on all ``n`` values at once."""
        if self._seen != self.n:
            raise ValueError(f"{self._seen} of {self.n} values arrived")
        if self.n == 0:
            return 0.0
        if self._whole:
            return float(np.float64(0.0) + np.float64(self._exact))
        sums = iter(np.concatenate(self._sums).tolist())
        return float(np.float64(0.0) + np.float64(_combine(self.n, sums)))

    def mean(self) -> float:
        """The mean, as ``values.mean()`` gives it (NaN when no value arrived)."""
        if self.n == 0:
            return float("nan")
        return float(np.float64(self.total()) / np.float64(self.n))


def quantile_ranks(n: int, q: Sequence[float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np.percentile``'s lower and upper ranks and weights for percentiles ``q`` of ``n``.

    Returns:
        ``(lower, upper, gamma)``, the ranks as non-negative indices into the sorted sample.
    """
    quantiles = np.true_divide(np.asarray(q, dtype=np.float64), 100)
    virtual = (n - 1) * quantiles
    lower = np.floor(virtual)
    upper = lower + 1
    above = virtual >= n - 1
    lower[above] = -1
    upper[above] = -1
    below = virtual < 0
    lower[below] = 0
    upper[below] = 0
    lower_i, upper_i = lower.astype(np.intp), upper.astype(np.intp)
    gamma = np.asanyarray(virtual - lower_i, dtype=virtual.dtype)
    return np.where(lower_i < 0, n + lower_i, lower_i), np.where(upper_i < 0, n + upper_i,
                                                                 upper_i), gamma


def interpolate(a: np.ndarray, b: np.ndarray, gamma: np.ndarray) -> np.ndarray:
    """NumPy's linear interpolation between order statistics ``a`` and ``b`` (``_lerp``)."""
    diff = b - a
    out = np.add(a, diff * gamma)
    np.subtract(b, diff * (1 - gamma), out=out, where=gamma >= 0.5, casting="unsafe",
                dtype=np.float64)
    return out


def percentiles(n: int, q: Sequence[float], value_at: dict[int, float]) -> list[float]:
    """``np.percentile(values, q)`` from the order statistics ``value_at[rank]`` it needs."""
    lower, upper, gamma = quantile_ranks(n, q)
    a = np.array([value_at[int(r)] for r in lower], dtype=np.float64)
    b = np.array([value_at[int(r)] for r in upper], dtype=np.float64)
    return [float(x) for x in interpolate(a, b, gamma)]


def _keys(values: np.ndarray) -> np.ndarray:
    """Order-preserving unsigned 64-bit keys of float64 values (no NaN; -0.0 counts as 0.0)."""
    bits = (np.asarray(values, dtype=np.float64) + 0.0).view(np.uint64)
    negative = (bits & _SIGN) != 0
    return np.where(negative, ~bits, bits | _SIGN)


def _value(key: int) -> float:
    bits = key & ~(1 << 63) if key >> 63 else ~key & ((1 << 64) - 1)
    return float(np.array([bits], dtype=np.uint64).view(np.float64)[0])


class _Group:
    """Ranks that share the key prefix found so far."""

    def __init__(self, prefix: int, bits: int, below: int, count: int, ranks: list[int]) -> None:
        self.prefix, self.bits, self.below, self.count, self.ranks = (prefix, bits, below, count,
                                                                      ranks)
        self.collect = count <= COLLECT
        self.hist = np.zeros(1 << _DIGIT, dtype=np.int32)  # counts of up to 2**31 values
        self.kept: list[np.ndarray] = []

    def matching(self, keys: np.ndarray) -> np.ndarray:
        if self.bits == 0:
            return keys
        return keys[(keys >> np.uint64(64 - self.bits)) == np.uint64(self.prefix)]

    def feed(self, keys: np.ndarray) -> None:
        mine = self.matching(keys)
        if self.collect:
            self.kept.append(mine)
        else:
            digits = (mine >> np.uint64(64 - self.bits - _DIGIT)) & np.uint64((1 << _DIGIT) - 1)
            self.hist += np.bincount(digits.astype(np.intp), minlength=1 << _DIGIT).astype(
                np.int32)


class OrderStatistics:
    """The values at given ranks of a sample of ``n`` float64 values, over several passes.

    Feed every value once per pass (:meth:`feed`, in any order and batching), then call
    :meth:`end_pass`; repeat while :attr:`done` is false. Then :attr:`values` maps each rank to
    its value, as ``np.sort(values)[rank]`` gives it.

    Args:
        n: The size of the sample (its values are not NaN).
        ranks: Ranks wanted, each in ``range(n)``.
    """

    def __init__(self, n: int, ranks: Sequence[int]) -> None:
        wanted = sorted({int(r) for r in ranks})
        if any(r < 0 or r >= n for r in wanted):
            raise ValueError(f"ranks {wanted} outside a sample of {n}")
        self.n = n
        self.values: dict[int, float] = {}
        self._groups = [_Group(0, 0, 0, n, wanted)] if wanted else []

    @property
    def done(self) -> bool:
        """Whether every rank's value is known."""
        return not self._groups

    def feed(self, values: np.ndarray) -> None:
        """Take some of the sample's values (this pass)."""
        if not self._groups or not values.size:
            return
        keys = _keys(values)
        for group in self._groups:
            group.feed(keys)

    def end_pass(self) -> None:
        """Settle what this pass's counts settle; prepare the next pass."""
        following: list[_Group] = []
        for g in self._groups:
            if g.collect:
                kept = np.sort(np.concatenate(g.kept)) if g.kept else np.zeros(0, np.uint64)
                if kept.size != g.count:
                    raise ValueError(f"a pass gave {kept.size} values of a prefix, not {g.count}")
                for r in g.ranks:
                    self.values[r] = _value(int(kept[r - g.below]))
                continue
            cum = np.cumsum(g.hist, dtype=np.int64)
            if int(cum[-1]) != g.count:
                raise ValueError(f"a pass gave {int(cum[-1])} values of a prefix, not {g.count}")
            by_digit: dict[int, list[int]] = {}
            for r in g.ranks:
                by_digit.setdefault(int(np.searchsorted(cum, r - g.below, side="right")),
                                    []).append(r)
            for digit, ranks in by_digit.items():
                prefix = (g.prefix << _DIGIT) | digit
                below = g.below + (int(cum[digit - 1]) if digit else 0)
                bits = g.bits + _DIGIT
                if bits == 64:  # the whole key is known: every value of the prefix is this one
                    for r in ranks:
                        self.values[r] = _value(prefix)
                    continue
                following.append(_Group(prefix, bits, below, int(g.hist[digit]), ranks))
        self._groups = following
