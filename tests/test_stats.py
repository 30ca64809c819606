"""Statistics against hand-computed values."""

from __future__ import annotations

import pytest

from agentcheck.stats import mean_ci, pass_hat_k, percentile, wilson


def test_wilson_matches_hand_computation() -> None:
    # p = 0.8, n = 10, z = 1.96: centre 0.7167, half-width 0.2265 (textbook example)
    lo, hi = wilson(8, 10)
    assert lo == pytest.approx(0.4902, abs=1e-4) and hi == pytest.approx(0.9433, abs=1e-4)
    assert wilson(0, 0) == (0.0, 1.0)
    lo0, hi0 = wilson(0, 5)
    assert lo0 == 0.0 and hi0 == pytest.approx(0.4345, abs=1e-4)


def test_pass_hat_k_is_unbiased_mean_of_combinations() -> None:
    # task A: 3 of 4 succeed; task B: 4 of 4
    counts = [(4, 3), (4, 4)]
    assert pass_hat_k(counts, 1) == pytest.approx((3 / 4 + 1) / 2)
    assert pass_hat_k(counts, 2) == pytest.approx((3 / 6 + 1) / 2)
    assert pass_hat_k(counts, 4) == pytest.approx((0 + 1) / 2)
    assert pass_hat_k(counts, 5) is None  # no task has 5 trials
    assert pass_hat_k([(3, 0)], 1) == 0.0
    assert pass_hat_k([], 1) is None


def test_mean_ci_and_percentile() -> None:
    assert mean_ci([0.5]) == (0.0, 1.0)
    lo, hi = mean_ci([0.2, 0.4, 0.6])
    assert lo == pytest.approx(0.4 - 1.96 * 0.2 / 3 ** 0.5, abs=1e-3)
    assert hi == pytest.approx(0.4 + 1.96 * 0.2 / 3 ** 0.5, abs=1e-3)
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([5], 95) == 5
    assert percentile([], 50) is None
