"""Small, dependency-free statistics: Wilson intervals, unbiased pass^k, percentiles."""

from __future__ import annotations

import math
from collections.abc import Sequence

Z95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """95% Wilson score interval for a proportion; (0, 1) when there is no data."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def pass_hat_k(counts: Sequence[tuple[int, int]], k: int) -> float | None:
    """tau-bench's pass^k: mean over tasks of C(c, k) / C(n, k), for tasks with n >= k trials.

    The chance that k independent trials of a task all succeed, estimated without bias."""
    usable = [(n, c) for n, c in counts if n >= k]
    if not usable or k < 1:
        return None
    return sum(math.comb(c, k) / math.comb(n, k) for n, c in usable) / len(usable)


def mean_ci(values: Sequence[float], z: float = Z95, lo: float = 0.0,
            hi: float = 1.0) -> tuple[float, float]:
    """Normal-approximation interval of a mean, clipped to [lo, hi]; the full range for n < 2."""
    n = len(values)
    if n < 2:
        return lo, hi
    m = sum(values) / n
    var = sum((v - m) ** 2 for v in values) / (n - 1)
    half = z * math.sqrt(var / n)
    return max(lo, m - half), min(hi, m + half)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolation percentile (q in 0..100), as numpy's default."""
    if not values:
        return None
    data = sorted(values)
    pos = (len(data) - 1) * q / 100
    low = math.floor(pos)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (pos - low)
