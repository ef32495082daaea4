"""NumPy's mean and percentiles, computed in batches and passes, are NumPy's to the last bit."""

from __future__ import annotations

import numpy as np
import pytest

from sim.results import exact

SIZES = [1, 2, 3, 7, 8, 9, 127, 128, 129, 255, 256, 257, 1000, 4097, 65_537,
         exact.COLLECT + 1, 300_007]


def sample(kind: str, n: int, rng: np.random.Generator) -> np.ndarray:
    if kind == "uniform":
        return rng.random(n) * 100
    if kind == "ties":
        return rng.choice([0.0, -0.0, 12.5, 50.0, 100.0], n)
    if kind == "signed":
        return rng.normal(size=n) * 1e3
    if kind == "whole":
        return rng.integers(0, 21, n).astype(float)
    # mostly one value with a few others: the order statistics sit in one key prefix
    x = np.full(n, 37.25)
    x[rng.random(n) < 0.01] = rng.random() * 100
    return x


def batched(x: np.ndarray, size: int):
    return [x[i:i + size] for i in range(0, x.size, size)]


@pytest.mark.parametrize("kind", ["uniform", "ties", "signed", "whole", "spike"])
@pytest.mark.parametrize("n", SIZES)
def test_mean_and_percentiles_match_numpy(kind, n):
    rng = np.random.default_rng(n)
    x = sample(kind, n, rng)
    for size in sorted({1 if n < 5000 else 997, 4096, n}):
        total = exact.PairwiseSum(n)
        for part in batched(x, size):
            total.add(part)
        assert total.total() == np.add.reduce(x)
        assert total.mean() == x.mean()
        lower, upper, _ = exact.quantile_ranks(n, exact_q := (10, 50, 90))
        order = exact.OrderStatistics(n, [*lower.tolist(), *upper.tolist()])
        passes = 0
        while not order.done:
            for part in reversed(batched(x, size)):  # any order within a pass
                order.feed(part)
            order.end_pass()
            passes += 1
        assert passes <= 5
        assert exact.percentiles(n, exact_q, order.values) == [
            float(v) for v in np.percentile(x, exact_q)]


def test_order_statistics_are_those_of_the_sorted_sample():
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.random(exact.COLLECT) * 1e-300, rng.normal(size=exact.COLLECT)])
    ranks = [0, 1, 17, exact.COLLECT, x.size - 2, x.size - 1]
    order = exact.OrderStatistics(x.size, ranks)
    while not order.done:
        order.feed(x)
        order.end_pass()
    want = np.sort(x)
    assert order.values == {r: float(want[r]) for r in ranks}


def test_counts_are_checked():
    total = exact.PairwiseSum(3)
    total.add(np.ones(2))
    with pytest.raises(ValueError):
        total.total()
    with pytest.raises(ValueError):
        total.add(np.ones(2))
    with pytest.raises(ValueError):
        exact.OrderStatistics(3, [3])


def test_pairwise_blocks_cover_the_sample():
    for n in [0, 1, 128, 129, 1000, 10**6 + 3]:
        blocks = exact.pairwise_blocks(n)
        assert blocks.sum() == n
        assert (blocks <= exact.BLOCK).all() and (blocks > 0).all()
