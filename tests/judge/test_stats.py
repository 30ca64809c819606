"""Statistics against hand-computed values."""

from __future__ import annotations

import math

import pytest

from agentcheck.judge.stats import (
    bounded_mean_ci,
    holm,
    min_p_value,
    paired_comparison,
    pass_hat_k,
    pass_hat_k_task,
    percentile,
    sign_test,
    wilcoxon_signed_rank,
    wilson,
)


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


def test_percentile() -> None:
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([5], 95) == 5
    assert percentile([], 50) is None


# --- issue 6: edge cases, per-task pass^k, the paired tests -------------------------------
Z2 = 1.959963984540054 ** 2


def test_wilson_at_zero_and_at_n_is_exact_at_the_end() -> None:
    # with no success the lower bound is exactly 0 and the upper one z^2 / (n + z^2)
    assert wilson(0, 10) == (0.0, pytest.approx(Z2 / (10 + Z2)))
    assert wilson(0, 10)[1] == pytest.approx(0.2775, abs=1e-4)
    # with all successes the upper bound is exactly 1 and the lower one n / (n + z^2)
    lo, hi = wilson(10, 10)
    assert hi == 1.0 and lo == pytest.approx(10 / (10 + Z2)) and lo == pytest.approx(0.7225,
                                                                                     abs=1e-4)
    assert wilson(1, 1) == (pytest.approx(1 / (1 + Z2)), 1.0)


def test_pass_hat_k_of_one_task_edge_cases() -> None:
    assert pass_hat_k_task(5, 3, 2) == pytest.approx(3 / 10)  # C(3,2)/C(5,2)
    assert pass_hat_k_task(5, 3, 1) == pytest.approx(3 / 5)
    assert pass_hat_k_task(5, 3, 4) == 0.0  # c < k: some attempt must fail
    assert pass_hat_k_task(4, 0, 1) == 0.0  # c = 0
    assert pass_hat_k_task(4, 4, 4) == 1.0  # c = n
    assert pass_hat_k_task(3, 3, 4) is None  # k > n: cannot be estimated
    assert pass_hat_k_task(3, 1, 0) is None  # k < 1
    assert pass_hat_k_task(0, 0, 1) is None


def test_pass_hat_k_over_tasks_skips_tasks_with_fewer_than_k_trials() -> None:
    # task A: 3 of 3; task B: 4 of 5. pass^4 can only use B: C(4,4)/C(5,4) = 1/5
    assert pass_hat_k([(3, 3), (5, 4)], 4) == pytest.approx(0.2)
    assert pass_hat_k([(3, 3), (5, 4)], 3) == pytest.approx((1 + 4 / 10) / 2)
    assert pass_hat_k([(3, 0), (3, 0)], 2) == 0.0
    assert pass_hat_k([(3, 3), (3, 3)], 3) == 1.0
    assert pass_hat_k([(3, 3)], 0) is None


def test_sign_test_hand_worked() -> None:
    # 5 positive, 1 negative, 1 zero (dropped): P(X <= 1), X ~ Bin(6, 1/2) = 7/64; two-sided
    assert sign_test([0.5, 1.0, -0.25, 0.75, 0.0, 1.0, 0.5]) == pytest.approx(14 / 64)
    assert sign_test([1, 1, 1, 1, 1, 1]) == pytest.approx(2 / 64)
    assert sign_test([0, 0]) == 1.0 and sign_test([]) == 1.0
    assert sign_test([1, -1]) == 1.0


def test_wilcoxon_signed_rank_hand_worked_example() -> None:
    # differences 0.5, 1.0, -0.25, 0.75, 0 (dropped), 1.0, 0.5
    # |d| ranks: 0.25 -> 1; 0.5, 0.5 -> 2.5 each; 0.75 -> 4; 1.0, 1.0 -> 5.5 each
    # W+ = 2.5 + 2.5 + 4 + 5.5 + 5.5 = 20, W- = 1. Of the 2^6 = 64 sign patterns, the ones
    # with W- <= 1 are: none negative (W- = 0) and only the 0.25 negative (W- = 1): 2 of 64.
    # two-sided p = 2 * 2/64 = 0.0625
    w, p = wilcoxon_signed_rank([0.5, 1.0, -0.25, 0.75, 0.0, 1.0, 0.5])
    assert w == 20.0 and p == pytest.approx(0.0625)
    # all six in one direction: the most extreme pattern, p = 2/64; with five it is 2/32
    assert wilcoxon_signed_rank([0.2, 0.4, 0.6, 0.8, 1.0, 0.1])[1] == pytest.approx(2 / 64)
    assert wilcoxon_signed_rank([1, 1, 1, 1, 1])[1] == pytest.approx(2 / 32)
    assert min_p_value(5) == pytest.approx(2 / 32) and min_p_value(0) == 1.0
    # nothing differs: no evidence at all
    assert wilcoxon_signed_rank([0.0, 0.0]) == (0.0, 1.0)
    # symmetric differences: p = 1
    assert wilcoxon_signed_rank([1, -1, 0.5, -0.5])[1] == pytest.approx(1.0)
    # float noise does not break ties: 0.1 + 0.2 and 0.3 share a rank
    assert wilcoxon_signed_rank([0.1 + 0.2, -0.3])[1] == pytest.approx(1.0)


def test_wilcoxon_large_samples_use_the_normal_approximation() -> None:
    # 61 distinct positive differences: W+ = 61*62/2 = 1891, mean 945.5,
    # var = 61*62*123/24 = 19383.25, z = (945.5 - 0.5)/sqrt(var) = 6.79
    w, p = wilcoxon_signed_rank([i / 100 for i in range(1, 62)])
    assert w == 1891.0
    assert p == pytest.approx(math.erfc(945 / math.sqrt(19383.25) / math.sqrt(2)), rel=1e-6)
    assert p < 1e-9
    _, p_sym = wilcoxon_signed_rank([(-1) ** i * (i // 2 + 1) for i in range(70)])
    assert p_sym > 0.9


def test_holm_adjustment_hand_worked() -> None:
    # sorted 0.01, 0.03, 0.04 -> 3*0.01, max(0.03, 2*0.03), max(0.06, 1*0.04)
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])
    assert holm([]) == []


def test_bounded_mean_ci_never_collapses_to_a_point() -> None:
    assert bounded_mean_ci([1.0, 1.0]) == (pytest.approx(2 / (2 + Z2)), 1.0)
    assert bounded_mean_ci([0.0, 0.0, 0.0]) == (0.0, pytest.approx(Z2 / (3 + Z2)))
    assert bounded_mean_ci([]) == (0.0, 1.0)
    # a mean of 0.4 over 3 scenarios: Wilson's formula at p = 0.4, n = 3
    assert bounded_mean_ci([0.2, 0.4, 0.6]) == pytest.approx(wilson_p(0.4, 3))
    # by hand: denom 2.2805, centre 1.0402/2.2805 = 0.4561, half 0.3714
    assert wilson_p(0.4, 3) == pytest.approx((0.0848, 0.8275), abs=1e-4)


def wilson_p(p: float, n: int) -> tuple[float, float]:
    """Wilson's formula written out, for a fractional proportion."""
    denom = 1 + Z2 / n
    centre = (p + Z2 / (2 * n)) / denom
    half = math.sqrt(Z2) * math.sqrt(p * (1 - p) / n + Z2 / (4 * n * n)) / denom
    return centre - half, centre + half


def test_paired_comparison_counts_and_p_value() -> None:
    a = {"s1": 1.0, "s2": 1.0, "s3": 0.5, "s4": 0.0, "only-a": 1.0}
    b = {"s1": 0.0, "s2": 1.0, "s3": 0.0, "s4": 0.5, "only-b": 0.0}
    res = paired_comparison(a, b)
    assert res["scenarios"] == 4 and res["a_better"] == 2 and res["b_better"] == 1
    assert res["ties"] == 1 and res["mean_difference"] == pytest.approx(0.25)
    # differences 1, 0.5, -0.5 (zero dropped): ranks 3, 1.5, 1.5; W+ = 4.5 of 6;
    # sign patterns with W+ >= 4.5: {+,+,-}, {+,-,+}, {+,+,+} -> 3 of 8; p = 2 * 3/8
    assert res["p_value"] == pytest.approx(0.75)
    assert (res["rank_sum_a"], res["rank_sum_b"]) == (4.5, 1.5)
    assert res["min_reachable_p"] == pytest.approx(0.25)
