"""Interval estimates for shares of replications.

Every share that the results layer reports (an outcome's share, a flag's share, a sweep point's
share) is a binomial proportion k/n over independent replications, so it gets a score interval:
Wilson's for one share and Newcombe's hybrid score interval for the difference of two shares
(used when two scenarios or result folders are compared).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: Two-sided 95% normal quantile, ``scipy.stats.norm.ppf(0.975)``.
Z95 = 1.959963984540054


def _check_counts(k: int, n: int) -> None:
    if isinstance(k, bool) or isinstance(n, bool):
        raise TypeError("counts must be integers, not booleans")
    if int(k) != k or int(n) != n:
        raise ValueError(f"counts must be whole numbers, got k={k!r}, n={n!r}")
    if n < 0 or k < 0 or k > n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")


def wilson_interval(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion k/n.

    The interval is the set of proportions p whose score test does not reject at the level given
    by ``z``; unlike the Wald interval it stays inside [0, 1] and keeps close to its nominal
    coverage for small n and for shares near 0 or 1, which is where rare outcomes live.

    Args:
        k: Number of successes (replications with the outcome), ``0 <= k <= n``.
        n: Number of trials (replications).
        z: Normal quantile; the default gives a two-sided 95% interval.

    Returns:
        ``(lo, hi)`` with ``0 <= lo <= k/n <= hi <= 1``. With ``n == 0`` nothing is known and the
        interval is ``(0.0, 1.0)``.

    Raises:
        ValueError: If the counts are not whole numbers with ``0 <= k <= n``.

    References:
        Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
        inference. *Journal of the American Statistical Association* 22(158), 209-212.
        doi:10.1080/01621459.1927.10502953
    """
    _check_counts(k, n)
    if n == 0:
        return 0.0, 1.0
    p = k / n
    z2 = z * z
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2.0 * n)) / denom
    half = z / denom * math.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n))
    # Exact ends at k = 0 and k = n (the formula gives them up to rounding).
    lo = 0.0 if k == 0 else max(0.0, centre - half)
    hi = 1.0 if k == n else min(1.0, centre + half)
    return lo, hi


def wilson_intervals(
    k: ArrayLike, n: ArrayLike, z: float = Z95
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Vectorised :func:`wilson_interval` over arrays of counts (broadcast together).

    Args:
        k: Successes, array-like of whole numbers.
        n: Trials, array-like of whole numbers, broadcastable with ``k``.
        z: Normal quantile; the default gives a two-sided 95% interval.

    Returns:
        Arrays ``(lo, hi)`` of the broadcast shape; ``(0, 1)`` wherever ``n == 0``.

    Raises:
        ValueError: If any pair violates ``0 <= k <= n``.

    References:
        Wilson, E. B. (1927). *JASA* 22(158), 209-212.
    """
    k_arr, n_arr = np.broadcast_arrays(np.asarray(k, dtype=float), np.asarray(n, dtype=float))
    if np.any(n_arr < 0) or np.any(k_arr < 0) or np.any(k_arr > n_arr):
        raise ValueError("need 0 <= k <= n for every pair of counts")
    if np.any(k_arr != np.round(k_arr)) or np.any(n_arr != np.round(n_arr)):
        raise ValueError("counts must be whole numbers")
    empty = n_arr == 0
    n_safe = np.where(empty, 1.0, n_arr)
    p = k_arr / n_safe
    z2 = z * z
    denom = 1.0 + z2 / n_safe
    centre = (p + z2 / (2.0 * n_safe)) / denom
    half = z / denom * np.sqrt(p * (1.0 - p) / n_safe + z2 / (4.0 * n_safe * n_safe))
    lo = np.where(k_arr == 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    hi = np.where(k_arr == n_arr, 1.0, np.clip(centre + half, 0.0, 1.0))
    lo = np.where(empty, 0.0, lo)
    hi = np.where(empty, 1.0, hi)
    return lo, hi


def newcombe_difference_interval(
    k1: int, n1: int, k2: int, n2: int, z: float = Z95
) -> tuple[float, float]:
    """Newcombe's hybrid score interval for the difference of two independent proportions.

    The difference is ``k1/n1 - k2/n2``. Each proportion gets its Wilson interval
    ``(l1, u1)`` and ``(l2, u2)``; with ``d = p1 - p2`` the interval is
    ``(d - sqrt((p1 - l1)^2 + (u2 - p2)^2), d + sqrt((u1 - p1)^2 + (p2 - l2)^2))``. This is
    method 10 of Newcombe (1998), which keeps good coverage when a share is 0 or 1 and never
    leaves [-1, 1].

    Args:
        k1: Successes in the first sample.
        n1: Size of the first sample.
        k2: Successes in the second sample.
        n2: Size of the second sample.
        z: Normal quantile; the default gives a two-sided 95% interval.

    Returns:
        ``(lo, hi)`` bounding ``p1 - p2``. An empty sample contributes its whole Wilson interval
        ``(0, 1)`` around a share of 0, so the result is wide, as it should be.

    Raises:
        ValueError: If the counts are not whole numbers with ``0 <= k <= n``.

    References:
        Newcombe, R. G. (1998). Interval estimation for the difference between independent
        proportions: comparison of eleven methods. *Statistics in Medicine* 17(8), 873-890.
        doi:10.1002/(SICI)1097-0258(19980430)17:8<873::AID-SIM779>3.0.CO;2-I

        Wilson, E. B. (1927). *JASA* 22(158), 209-212.
    """
    l1, u1 = wilson_interval(k1, n1, z)
    l2, u2 = wilson_interval(k2, n2, z)
    p1 = k1 / n1 if n1 else 0.0
    p2 = k2 / n2 if n2 else 0.0
    d = p1 - p2
    lo = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    hi = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return max(-1.0, lo), min(1.0, hi)
