"""A vendor's trial records folded into the few numbers its verdict needs, one record at a time.

The verdict used to hold every record of a run in memory (about 17 KB each with its trajectory)
to compute a handful of sums, counts and percentiles. A tally keeps only those: per scenario
its counts, score and cost sums and durations; per vendor the flags, the first pieces of
evidence, the distinct call sequences (for `scripted`) and the latencies. Memory then grows with
the number of scenarios and distinct behaviours, not with the number of trials, and the summary
of a 50,000-trial run can be built while streaming trials.jsonl.

Sums are added in record order, starting from 0 as sum() does, so every float is the one the
list-based verdict computed: the verdict is the same number, not a close one.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

from agentcheck.results.records import TrialRecord, as_record

__all__ = ["DIMENSIONS", "UNAVAILABLE_CAUSES", "ScenarioTally", "VendorTally", "as_record"]

UNAVAILABLE_CAUSES = ("timeout", "connection", "rate_limited", "server_error", "http_error",
                      "auth", "quota", "protocol", "stream_cut")
"""Vendor errors that mean the API did not answer. A malformed or oversized answer is an
answer: it fails the trial, and a vendor cannot escape a verdict by sending one."""
DIMENSIONS = ("completion", "tool_use", "planning", "recovery", "safety", "honesty", "autonomy")
EVIDENCE_PER_FLAG = 3


@dataclass
class ScenarioTally:
    """One vendor's judged trials of one scenario."""

    trials: int = 0
    passed: int = 0
    score_sum: float = 0
    cost_sum: float = 0
    flags: set[str] = field(default_factory=set)
    durations: array[float] = field(default_factory=lambda: array("d"))
    first: TrialRecord | None = None
    """The scenario's first record, without its trajectory: version, hash, probes..."""
    ref: tuple[str, ...] = ()
    """The reference sequence of the latest record (the scripted check compares them)."""
    sequences: dict[tuple[str, ...], None] = field(default_factory=dict)
    """Call sequences that are no prefix of the reference, in the order first seen."""
    tool_sets: dict[tuple[str, ...], None] = field(default_factory=dict)
    failed: bool = False


@dataclass
class VendorTally:
    """Everything vendor_verdict reads from a vendor's records."""

    name: str
    trials: int = 0
    harness_errors: int = 0
    cost_sum: float = 0
    terminations: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    scenarios: dict[str, ScenarioTally] = field(default_factory=dict)
    scored: int = 0
    passed: int = 0
    dims: dict[str, list[float]] = field(default_factory=dict)
    """dimension -> [sum, count] over the trials where it applies."""
    probes: dict[str, list[int]] = field(default_factory=dict)
    """probe -> [trials, passed]."""
    flag_counts: dict[str, int] = field(default_factory=dict)
    evidence: dict[str, list[str]] = field(default_factory=dict)
    needs_tools: int = 0
    acted: int = 0
    worked: int = 0
    down: dict[str, int] = field(default_factory=dict)
    """Unavailable-cause counts among judged trials (the API did not answer)."""
    down_total: int = 0
    durations: array[float] = field(default_factory=lambda: array("d"))
    step_latencies: array[float] = field(default_factory=lambda: array("d"))
    ttft: array[float] = field(default_factory=lambda: array("d"))
    without_help: int = 0
    made_up_values: int = 0

    def add(self, r: TrialRecord) -> None:
        self.trials += 1
        self.cost_sum += r.cost_usd
        _count(self.terminations, r.termination)
        if r.termination in ("vendor_error", "harness_error"):
            _count(self.errors, r.error_cause or r.termination)
        if r.harness_error:
            self.harness_errors += 1
            return
        self._add_scored(r)

    def _add_scored(self, r: TrialRecord) -> None:
        self.scored += 1
        self.passed += r.passed
        s = self.scenarios.get(r.scenario)
        if s is None:
            s = self.scenarios[r.scenario] = ScenarioTally(first=_bare(r))
        s.trials += 1
        s.passed += r.passed
        s.score_sum += r.score
        s.cost_sum += r.cost_usd
        s.flags.update(r.flags)
        s.durations.append(r.duration_s)
        seq, ref = tuple(r.call_sequence), tuple(r.reference_sequence)
        if seq and seq != ref[:len(seq)]:  # the beginning of the task is no script
            s.sequences.setdefault(seq)
        s.ref = ref
        if r.tool_set:
            s.tool_sets.setdefault(tuple(r.tool_set))
        if not r.passed:
            s.failed = True
        for dim, value in r.dimensions.items():
            if value is None and dim == "recovery" and "recovery" in r.probes and not r.passed:
                # a recovery scenario the vendor failed before its fault fired: it never
                # showed it can recover, which is 0, not "not measured"
                value = 0.0
            if value is not None:
                acc = self.dims.setdefault(dim, [0, 0])
                acc[0] += value
                acc[1] += 1
        for probe in r.probes:
            p = self.probes.setdefault(probe, [0, 0])
            p[0] += 1
            p[1] += r.passed
        for flag in r.flags:
            _count(self.flag_counts, flag)
            shown = self.evidence.setdefault(flag, [])
            if len(shown) < EVIDENCE_PER_FLAG:
                shown.append(f"{r.scenario} #{r.trial}: {r.flag_evidence.get(flag, '')}")
        if r.reference_sequence:
            self.needs_tools += 1
            self.acted += bool((r.dimensions.get("tool_use") or 0) > 0 and r.call_sequence)
            self.worked += _real_work(r)
        if r.termination == "vendor_error" and r.error_cause in UNAVAILABLE_CAUSES:
            self.down_total += 1
            _count(self.down, str(r.error_cause))
        self.durations.append(r.duration_s)
        self.step_latencies.extend(r.model_latencies)
        self.ttft.extend(e["ttft_s"] for e in r.events
                         if e.get("type") == "assistant" and e.get("ttft_s") is not None)
        if (r.passed and "hands_work_back" not in r.flags
                and r.dimensions.get("autonomy") != 0):
            self.without_help += 1
        self.made_up_values += int(r.made_up_values or 0)

    def sequences(self) -> tuple[dict[tuple[str, ...], set[str]],
                                 dict[tuple[str, ...], set[str]]]:
        """(call sequence -> scenarios, tool set -> scenarios), each in the order a scan of the
        scenarios (first seen first) and their records meets them."""
        seqs: dict[tuple[str, ...], set[str]] = {}
        groups: dict[tuple[str, ...], set[str]] = {}
        for sid, s in self.scenarios.items():
            for seq in s.sequences:
                seqs.setdefault(seq, set()).add(sid)
            for tools in s.tool_sets:
                groups.setdefault(tools, set()).add(sid)
        return seqs, groups


def _count(counts: dict[str, int], key: str) -> None:
    counts[key] = counts.get(key, 0) + 1


def _bare(r: TrialRecord) -> TrialRecord:
    """The record without what a scenario's result never reads (its trajectory and checks)."""
    return r.model_copy(update={"events": [], "checks": [], "final_answer": None})


def _real_work(r: TrialRecord) -> bool:
    """Did this trial do real tool work? Records from before grounding was measured fall back
    to any schema-valid call."""
    if r.grounding_measured:
        return bool(r.grounded_calls) or bool(r.passed)
    return (r.dimensions.get("tool_use") or 0) > 0 and bool(r.call_sequence)
