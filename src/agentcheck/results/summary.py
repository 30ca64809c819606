"""summary.json as typed models: the verdict on each vendor, the paired comparisons between
them and the statistical methods used. judge/verdict.py builds them; the reports, the console
table, the CI gates and `compare` read them.

Like the trial record, `to_json()` writes the fields in declaration order with their values as
given, so summary.json keeps its bytes. Numbers that can be an int or a float in today's files
(a cost that summed nothing is 0) are `Number`, which keeps whichever was given.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict

from agentcheck.results.records import DictAccess, Number


class _Model(DictAccess):
    """Every field of summary.json is known: a typo in code that builds one is an error."""

    model_config = ConfigDict(extra="forbid")


class Percentiles(_Model):
    """p50 / p95 of a latency, in seconds; None when nothing was measured."""

    p50: Number | None = None
    p95: Number | None = None


class NoVerdict(_Model):
    """Why a vendor gets no tier: trials agentcheck could not judge, or an API that mostly did
    not answer."""

    kind: Literal["not_judged", "unavailable"]
    reason: str


class ScenarioResult(_Model):
    """One vendor on one scenario, over its judged trials."""

    scenario: str
    trials: int
    passed: int
    pass_rate: Number | None
    score: Number | None
    flags: list[str]
    variant: str = "clean"
    family: str | None = None
    pass_rate_ci: list[Number | None]
    pass_hat_k: dict[str, Number | None]
    flips: bool
    scenario_version: int | None = None
    scenario_hash: str | None = None
    probes: list[str] = []
    human_minutes: Number | None = None
    cost_usd: Number
    cost_per_trial_usd: Number
    latency_s: Percentiles


class NoisyFamily(_Model):
    """One task family run on clean and on noisy data: the PoC bubble of one task."""

    family: str
    clean: list[str]
    noisy: list[str]
    clean_rate: Number | None
    noisy_rate: Number | None
    drop: Number | None


class NoisyDrop(_Model):
    families: list[NoisyFamily] = []
    mean_drop: Number | None = None


class VendorVerdict(_Model):
    """The verdict on one vendor: capability score, agency tier, flags, rates, cost, latency,
    per-scenario results and the business view. `tier` and `capability_score` are None when
    `no_verdict` says why there is none."""

    name: str
    capability_score: Number | None
    capability_ci: list[Number] | None
    tier: int | None
    tier_name: str
    tier_reasons: list[str]
    no_verdict: NoVerdict | None
    flags: list[str]
    flag_counts: dict[str, int]
    flag_evidence: dict[str, list[str]]
    completion_rate: Number | None
    completion_ci: list[Number | None]
    pass_hat_k: dict[str, Number | None]
    reliability_measured: bool
    tool_call_rate: Number | None
    real_work_rate: Number | None
    made_up_values: int
    dimensions: dict[str, Number | None]
    probe_pass_rates: dict[str, Number | None]
    trials: int
    scored_trials: int
    completed_tasks: int
    terminations: dict[str, int]
    errors: dict[str, int]
    cost_usd: Number
    cost_per_trial_usd: Number | None
    cost_per_completed_task_usd: Number | None
    latency_s: Percentiles
    step_latency_s: Percentiles
    ttft_s: Percentiles
    """Streamed replies only: how long users wait before the first token."""
    scenarios: list[ScenarioResult]
    flipping_scenarios: list[str]
    completed_without_help: int
    completed_without_help_rate: Number | None
    human_minutes_per_1000_tasks: Number | None
    human_minutes_saved_per_1000_tasks: Number | None
    noisy_drop: NoisyDrop
    not_significantly_different_from: list[str] = []
    """Set by the summary: vendors whose capability intervals overlap this one's."""

    @property
    def judged(self) -> bool:
        return self.no_verdict is None


class Comparison(_Model):
    """Two vendors paired over the scenarios both ran (judge/stats.py paired_comparison), with
    the Holm-adjusted p-value over all pairs."""

    a: str
    b: str
    scenarios: int
    a_better: int
    b_better: int
    ties: int
    mean_difference: Number | None
    rank_sum_a: Number
    rank_sum_b: Number
    p_value: Number
    sign_test_p_value: Number
    min_reachable_p: Number
    intervals_overlap: bool
    p_adjusted: Number
    significant: bool
    better: str | None


class Summary(_Model):
    """summary.json: one verdict per vendor (in the run's vendor order), every pairwise
    comparison of the vendors that have a verdict, and the methods behind the numbers."""

    vendors: list[VendorVerdict]
    comparisons: list[Comparison]
    statistics: dict[str, Any]

    def vendor(self, name: str) -> VendorVerdict | None:
        return next((v for v in self.vendors if v.name == name), None)
