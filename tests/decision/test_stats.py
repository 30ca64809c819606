"""The decision's own statistics, refereed by scipy on generated inputs: the order-statistic
interval of a quantile, the percentile bootstrap, and the trials a cannot-tell would need."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from scipy import stats as sps

from agentcheck.decision.stats import (
    bootstrap,
    min_trials_for_upper_bound,
    percentile_interval,
    quantile_indices,
    quantile_interval,
    width_trials_needed,
    wilson_trials_needed,
)
from agentcheck.judge.stats import wilson


@pytest.mark.parametrize("n", [1, 5, 20, 59, 71, 72, 73, 100, 147, 500, 2000])
@pytest.mark.parametrize("q", [0.5, 0.9, 0.95])
def test_quantile_interval_is_scipys(n: int, q: float) -> None:
    rng = random.Random(n * 1000 + int(q * 100))
    values = [rng.lognormvariate(1, 0.8) for _ in range(n)]
    ours = quantile_interval(values, q)
    ci = sps.quantile_test(np.array(values), q=0, p=q).confidence_interval(0.95)
    theirs = (None if math.isnan(ci.low) else float(ci.low),
              None if math.isnan(ci.high) else float(ci.high))
    assert ours == theirs


def test_the_p95_has_an_upper_bound_from_72_trials() -> None:
    assert min_trials_for_upper_bound(0.95) == 72
    assert quantile_indices(71, 0.95)[1] is None
    assert quantile_indices(72, 0.95)[1] == 71


def test_percentile_bootstrap_matches_scipy_percentile_method() -> None:
    rng = random.Random(3)
    data = [rng.expovariate(1 / 0.3) for _ in range(80)]
    ours = percentile_interval(bootstrap(len(data), lambda idx: sum(data[i] for i in idx)
                                         / len(idx), 4000, seed=11))
    res = sps.bootstrap((np.array(data),), np.mean, n_resamples=4000, method="percentile",
                        random_state=np.random.default_rng(11))
    # different generators: the two intervals agree to within the bootstrap's own noise
    assert ours[0] == pytest.approx(res.confidence_interval.low, rel=0.05)
    assert ours[1] == pytest.approx(res.confidence_interval.high, rel=0.05)


def test_bootstrap_is_reproducible_and_keeps_inf() -> None:
    stat = lambda idx: math.inf if 0 in idx else 1.0  # noqa: E731
    a = bootstrap(3, stat, 200, seed=5)
    assert a == bootstrap(3, stat, 200, seed=5)
    lo, hi = percentile_interval(a)
    assert lo == 1.0 and math.isinf(hi)


def test_trials_needed_settle_the_interval() -> None:
    need = wilson_trials_needed(0.8, 0.7, 20)
    assert need is not None and need > 20
    lo, _ = wilson(round(0.8 * need), need)
    assert lo >= 0.7
    lo, _ = wilson(round(0.8 * (need - 1)), need - 1)
    assert lo < 0.7  # the smallest such n
    assert wilson_trials_needed(0.7, 0.7, 20) is None  # on the target: may never settle
    assert width_trials_needed(0.5, 0.4, 0.6, 0.5, 30) is None
    # half-width 0.2, 0.1 from the target: four times the trials, and a little margin
    assert 130 <= (width_trials_needed(0.5, 0.3, 0.7, 0.6, 30) or 0) <= 135
