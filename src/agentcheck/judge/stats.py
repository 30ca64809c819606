"""Small, dependency-free statistics: Wilson intervals, unbiased pass^k, percentiles, and the
paired tests (exact sign and Wilcoxon signed-rank, Holm adjustment) that compare vendors."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

Z95 = 1.959963984540054


def _wilson(p: float, n: int, z: float) -> tuple[float, float]:
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    lo = 0.0 if p <= 0 else max(0.0, centre - half)
    hi = 1.0 if p >= 1 else min(1.0, centre + half)
    return lo, hi  # exactly 0 / 1 at the ends; the other bound there is n/(n+z^2) from it


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """95% Wilson score interval for a proportion; (0, 1) when there is no data."""
    if n == 0:
        return 0.0, 1.0
    return _wilson(successes / n, n, z)


def bounded_mean_ci(values: Sequence[float], z: float = Z95) -> tuple[float, float]:
    """95% interval of the mean of values in [0, 1] (e.g. one score per scenario).

    A Wilson score interval with n = len(values): a value bounded in [0, 1] with mean m has a
    variance of at most m(1 - m), and Wilson uses that bound. Unlike a normal interval from the
    sample variance, it does not shrink to a point when a few scenarios happen to agree
    (100, 100 over two scenarios is [34, 100], not [100, 100]). (0, 1) when there is no data."""
    n = len(values)
    if n == 0:
        return 0.0, 1.0
    return _wilson(min(1.0, max(0.0, sum(values) / n)), n, z)


def pass_hat_k(counts: Sequence[tuple[int, int]], k: int) -> float | None:
    """tau-bench's pass^k: mean over tasks of C(c, k) / C(n, k), for tasks with n >= k trials.

    The chance that k independent trials of a task all succeed, estimated without bias."""
    usable = [(n, c) for n, c in counts if n >= k]
    if not usable or k < 1:
        return None
    return sum(math.comb(c, k) / math.comb(n, k) for n, c in usable) / len(usable)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolation percentile (q in 0..100), as numpy's default."""
    if not values:
        return None
    data = sorted(values)
    pos = (len(data) - 1) * q / 100
    low = math.floor(pos)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (pos - low)


def pass_hat_k_task(n: int, c: int, k: int) -> float | None:
    """pass^k of one task with n trials of which c passed: C(c, k) / C(n, k).

    None when it cannot be estimated (k < 1 or k > n); 0 when c < k; 1 when c == n."""
    if k < 1 or k > n or not 0 <= c <= n:
        return None
    return math.comb(c, k) / math.comb(n, k)


def sign_test(diffs: Sequence[float]) -> float:
    """Exact two-sided sign test of paired differences (zeros dropped): the p-value of seeing
    a split at least this uneven if each non-zero difference were + or - with chance 1/2."""
    pos = sum(1 for d in diffs if d > 0)
    neg = sum(1 for d in diffs if d < 0)
    m = pos + neg
    if m == 0:
        return 1.0
    tail = sum(math.comb(m, i) for i in range(min(pos, neg) + 1))
    return min(1.0, 2 * tail / (1 << m))


WILCOXON_EXACT_MAX = 60


def _midranks(values: Sequence[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for t in range(i, j + 1):
            ranks[order[t]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def wilcoxon_signed_rank(diffs: Sequence[float], ndigits: int = 9) -> tuple[float, float]:
    """Two-sided Wilcoxon signed-rank test of paired differences: (W+, p-value).

    Zero differences are dropped (Wilcoxon's method); tied |d| share their mean rank. Up to
    WILCOXON_EXACT_MAX non-zero differences the p-value is exact: the null distribution of W+
    is counted over all 2^n sign patterns of the observed ranks (ties included). Above that, the
    normal approximation with tie and continuity corrections. Differences are rounded to ndigits
    first so that float noise (0.1 + 0.2) does not break ties."""
    d = [round(x, ndigits) for x in diffs]
    d = [x for x in d if x != 0]
    n = len(d)
    if n == 0:
        return 0.0, 1.0
    ranks = _midranks([abs(x) for x in d])
    w_plus = sum(r for r, x in zip(ranks, d, strict=True) if x > 0)
    if n <= WILCOXON_EXACT_MAX:
        doubled = [round(2 * r) for r in ranks]  # midranks are multiples of 1/2
        total = sum(doubled)
        counts = [0] * (total + 1)
        counts[0] = 1
        reach = 0
        for step in doubled:
            for s in range(reach, -1, -1):
                if counts[s]:
                    counts[s + step] += counts[s]
            reach += step
        w2 = round(2 * w_plus)
        lower = sum(counts[: w2 + 1])
        upper = sum(counts[w2:])
        return w_plus, min(1.0, 2 * min(lower, upper) / (1 << n))
    mean = n * (n + 1) / 4
    tie_sizes: dict[float, int] = {}
    for r in ranks:
        tie_sizes[r] = tie_sizes.get(r, 0) + 1
    var = n * (n + 1) * (2 * n + 1) / 24 - sum(t**3 - t for t in tie_sizes.values()) / 48
    if var <= 0:
        return w_plus, 1.0
    z = max(0.0, abs(w_plus - mean) - 0.5) / math.sqrt(var)
    return w_plus, min(1.0, math.erfc(z / math.sqrt(2)))


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values (same order as given): controls the chance of any
    false 'significant' among all the comparisons made."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [1.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


def min_p_value(n_nonzero: int) -> float:
    """The smallest two-sided p-value an exact sign or signed-rank test can reach with this
    many non-zero differences (all in one direction): 2 / 2^n."""
    return min(1.0, 2 / (1 << n_nonzero)) if n_nonzero else 1.0


ALPHA = 0.05


def paired_comparison(a: dict[str, float], b: dict[str, float]) -> dict[str, Any]:
    """Compare two sets of per-task rates on the tasks both have: which is better, by how
    much, and the exact Wilcoxon signed-rank p-value (with the sign test beside it)."""
    common = sorted(set(a) & set(b))
    diffs = [a[t] - b[t] for t in common]
    w_plus, p = wilcoxon_signed_rank(diffs)
    nonzero = [d for d in diffs if round(d, 9) != 0]
    n = len(nonzero)
    return {
        "scenarios": len(common),
        "a_better": sum(1 for d in nonzero if d > 0),
        "b_better": sum(1 for d in nonzero if d < 0),
        "ties": len(common) - len(nonzero),
        "mean_difference": round(sum(diffs) / len(diffs), 4) if diffs else None,
        # the rank sums the test compares: the larger one says who is ahead
        "rank_sum_a": w_plus, "rank_sum_b": n * (n + 1) / 2 - w_plus,
        "p_value": p,
        "sign_test_p_value": sign_test(nonzero),
        "min_reachable_p": min_p_value(len(nonzero)),
    }
