"""The decision as typed records: what decision/judge.py computes from a run and a plan, and
what the reports (report.md, report.html, the console) and the workbook lay out. Names and
fields stay stable: other layouts are built on them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Verdict = Literal["met", "not_met", "cannot_tell"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Interval(_Record):
    """A 95% interval; `hi` None when the data cannot bound it from above (a p95 from too few
    trials, a cost per completed task when a resample completes nothing)."""

    lo: float | None
    hi: float | None


class GateResult(_Record):
    """One gate of one stage for one vendor: the value measured, its 95% interval and the
    verdict (met: the whole interval on the right side of the target; not_met: the whole
    interval on the wrong side; cannot_tell: it straddles the target, or there is too little
    data). `more_trials`: roughly how many trials in all would settle a cannot_tell."""

    stage: str
    label: str
    metric: str
    op: Literal[">=", "<="]
    target: float
    value: float | None
    interval: Interval | None
    n: int
    """Trials (or scenarios, for capability) the value is measured on."""
    verdict: Verdict
    reason: str
    """Why, in a few English words (the reports translate the verdict, not the reason)."""
    more_trials: int | None = None


class StageResult(_Record):
    """A stage for a vendor. `judged` False: an earlier stage was not passed, so this one does
    not count (its gates are still measured and shown)."""

    name: str
    judged: bool
    passed: bool
    gates: list[GateResult]


class CriterionValue(_Record):
    """One criterion for one vendor: the raw value (in its unit), its 0-1 score (higher better)
    and the score's 95% bootstrap interval over scenarios."""

    criterion: str
    weight: float
    raw: float | None
    score: float
    interval: Interval


class VendorDecision(_Record):
    """One vendor under the plan: its stages, whether it passed every gate, its weighted score
    (0-1) with the 95% bootstrap interval and its rank (1 = best score, among all vendors)."""

    vendor: str
    stages: list[StageResult]
    passed_all: bool
    criteria: list[CriterionValue]
    score: float
    interval: Interval
    rank: int
    tied_with_leader: bool
    """Statistically tied with the leader: the 95% bootstrap interval of (leader - this
    vendor) reaches 0. The leader itself is False."""
    judged: bool = True
    """False when the vendor has no verdict (trials agentcheck could not judge, an API that
    mostly did not answer): it is never a candidate, even under a plan with no gates."""


class WeightSensitivity(_Record):
    """How far one weight can move (the others renormalised in proportion) before the top
    choice changes. `up_to` / `down_to`: the weight at which another vendor draws level, None
    when none does before 1 / 0; `then_up` / `then_down` names that vendor."""

    criterion: str
    weight: float
    up_to: float | None
    then_up: str | None
    down_to: float | None
    then_down: str | None


class Decision(_Record):
    """A run judged under a plan."""

    plan_name: str
    plan_file: str
    plan_sha256: str
    run_plan_sha256: str | None
    """The sha256 of the plan the run was made with, when it was made with one: a differing
    `plan_sha256` means the run was re-judged under an edited plan."""
    weights: list[tuple[str, float]]
    """Normalised weights, summing to 1, in the plan's order."""
    vendors: list[VendorDecision]
    """In the order the run lists them."""
    candidates: list[str]
    """Vendors that passed every gate; the leader is chosen among them (among all vendors,
    labelled as such, when none passed)."""
    leader: str | None
    tied: list[str]
    sensitivity: list[WeightSensitivity]
    notes: list[str]
    """What the plan names that the run does not have (a vendor, a domain, a probe...)."""
    bootstrap: int
    seed: int

    @property
    def any_passed(self) -> bool:
        return bool(self.candidates)

    def vendor(self, name: str) -> VendorDecision | None:
        return next((v for v in self.vendors if v.vendor == name), None)
