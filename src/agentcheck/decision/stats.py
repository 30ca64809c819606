"""The intervals a gate is judged on, beyond judge/stats.py's Wilson: a distribution-free
interval for a quantile (order statistics), a percentile bootstrap with a fixed seed, and how
many trials would roughly settle a gate that cannot tell yet. Kept small and dependency-free;
tests/decision cross-checks them against scipy on generated inputs."""

from __future__ import annotations

import math
import random
from array import array
from collections.abc import Callable, Sequence

from agentcheck.judge.stats import wilson

CONFIDENCE = 0.95
MAX_TRIALS_SUGGESTED = 1_000_000


def _binom_logpmf(k: int, n: int, p: float) -> float:
    return (math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
            + k * math.log(p) + (n - k) * math.log1p(-p))


def _binom_cdf_table(n: int, p: float) -> list[float]:
    """P(X <= k) for k = 0..n, X ~ Binomial(n, p), summed in log space (n may be 20,000)."""
    out, acc = [], 0.0
    for k in range(n + 1):
        acc += math.exp(_binom_logpmf(k, n, p))
        out.append(min(1.0, acc))
    return out


def quantile_indices(n: int, q: float, confidence: float = CONFIDENCE
                     ) -> tuple[int | None, int | None]:
    """0-based indices into the sorted sample of the two-sided distribution-free interval of
    the q-quantile (q in 0..1): the order statistics whose ranks the Binomial(n, q) count of
    values below the quantile puts at the 2.5% and 97.5% points (scipy's quantile_test
    interval). None for a bound the sample is too small to give."""
    if n == 0:
        return None, None
    alpha = (1 - confidence) / 2
    cdf = _binom_cdf_table(n, q)
    eps = 1e-12  # a cdf that reaches alpha up to rounding counts as reaching it, as scipy's
    low = next(k for k in range(n + 1) if cdf[k] >= alpha - eps) - 1  # ppf(alpha) - 1
    high = next(k for k in range(n + 1) if 1 - cdf[k] <= alpha + eps)  # isf(alpha)
    return (low if low >= 0 else None), (high if high < n else None)


def quantile_interval(values: Sequence[float], q: float, confidence: float = CONFIDENCE
                      ) -> tuple[float | None, float | None]:
    """The distribution-free interval of the q-quantile of `values` (None: unbounded)."""
    data = sorted(values)
    lo, hi = quantile_indices(len(data), q, confidence)
    return (data[lo] if lo is not None else None), (data[hi] if hi is not None else None)


def min_trials_for_upper_bound(q: float, confidence: float = CONFIDENCE) -> int:
    """The smallest sample whose q-quantile interval has an upper bound: q^n <= alpha/2
    (for the p95 at 95%, 72 trials)."""
    alpha = (1 - confidence) / 2
    return math.ceil(math.log(alpha) / math.log(q))


def percentile_of(sorted_values: Sequence[float], pct: float) -> float:
    """Linear-interpolation percentile of already sorted values (numpy's default); inf
    values sort last and stay inf."""
    pos = (len(sorted_values) - 1) * pct / 100
    low = math.floor(pos)
    high = min(low + 1, len(sorted_values) - 1)
    a, b = sorted_values[low], sorted_values[high]
    if math.isinf(a) or math.isinf(b) or a == b:
        return a if pos == low or a == b else b
    return a + (b - a) * (pos - low)


def resample_indices(rng: random.Random, n: int) -> list[int]:
    """n indices in 0..n-1 drawn uniformly with replacement: 64 random bits each, scaled by
    multiplication (bias below 2^-40 for any run's n), some ten times faster than
    `rng.choices` at 20,000 trials."""
    raw = array("Q")
    raw.frombytes(rng.randbytes(8 * n))
    return [(x * n) >> 64 for x in raw]


def bootstrap(n: int, statistic: Callable[[list[int]], float], resamples: int, seed: int
              ) -> list[float]:
    """`statistic` of `resamples` resamples (indices 0..n-1 drawn with replacement), from a
    generator seeded with `seed`: the same run gives the same interval every time."""
    rng = random.Random(seed)
    return [statistic(resample_indices(rng, n)) for _ in range(resamples)]


def percentile_interval(samples: Sequence[float], confidence: float = CONFIDENCE
                        ) -> tuple[float, float]:
    """The percentile bootstrap interval of `samples` (may hold inf)."""
    data = sorted(samples)
    tail = 100 * (1 - confidence) / 2
    return percentile_of(data, tail), percentile_of(data, 100 - tail)


def wilson_trials_needed(rate: float, target: float, have: int) -> int | None:
    """Roughly how many trials in all would put the Wilson interval of `rate` wholly on one
    side of `target`, if the rate stayed where it is; None when the rate sits on the target
    (more trials may never settle it)."""
    if rate == target:
        return None
    n = max(have, 1)
    while n < MAX_TRIALS_SUGGESTED:
        n *= 2
        lo, hi = wilson(round(rate * n), n)
        if lo > target or hi < target:
            break
    lo_n = max(have, n // 2)
    while lo_n < n:  # the smallest n that settles it, between the last two doublings
        mid = (lo_n + n) // 2
        lo, hi = wilson(round(rate * mid), mid)
        if lo > target or hi < target:
            n = mid
        else:
            lo_n = mid + 1
    return min(n, MAX_TRIALS_SUGGESTED)


def width_trials_needed(value: float, lo: float, hi: float, target: float, have: int
                        ) -> int | None:
    """Roughly how many trials in all would narrow an interval [lo, hi] around `value` until
    it clears `target`, assuming its half-width shrinks as 1/sqrt(n); None when the value
    sits on the target."""
    distance = abs(value - target)
    if distance == 0:
        return None
    half = max(value - lo, hi - value)
    need = math.ceil(max(have, 1) * (half / distance) ** 2 * 1.1)  # a little margin
    return min(max(need, have + 1), MAX_TRIALS_SUGGESTED)
