"""The evidence behind every failed trial, taken from its record in trials.jsonl: the checks
that failed with their reasons, the tool calls, and an excerpt of the transcript.

Everything here is plain data and may hold vendor text; each renderer escapes it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from agentcheck.report.messages import t
from agentcheck.results.records import ShownNames, TrialRecord, as_record

# which failed check explains a failure best, first
CHECK_PRIORITY = ("minefield", "claim", "outcome", "unchanged", "milestone", "answer")
TEXT_LIMIT = 600
VALUE_LIMIT = 300
TRANSCRIPT_HEAD = 12
TRANSCRIPT_TAIL = 8
MAX_CALLS = 40


def clip(text: str, limit: int = TEXT_LIMIT) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def compact(value: Any, limit: int = VALUE_LIMIT) -> str:
    """A JSON value on one line, clipped."""
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
    except (TypeError, ValueError):
        text = str(value)
    return clip(text, limit)


@dataclass
class FailedCheck:
    kind: str
    name: str
    reason: str
    excerpt: str = ""


@dataclass
class ToolCall:
    step: int | None
    name: str
    args: str
    ok: bool
    outcome: str  # the result or the error, clipped
    changes: int = 0


@dataclass
class Message:
    role: str  # user | assistant | end | gap (messages left out)
    text: str
    step: int | None = None


@dataclass
class TrialEvidence:
    vendor: str
    scenario: str
    trial: int
    seed: int | None
    termination: str
    score: float
    headline: str
    harness_error: bool
    checks: list[FailedCheck] = field(default_factory=list)
    flags: dict[str, str] = field(default_factory=dict)
    calls: list[ToolCall] = field(default_factory=list)
    transcript: list[Message] = field(default_factory=list)
    omitted_messages: int = 0
    omitted_calls: int = 0
    error: str = ""


def _check_excerpt(check: dict[str, Any]) -> str:
    ev = check.get("evidence") or {}
    if not isinstance(ev, dict):
        return clip(str(ev))
    for key in ("excerpt", "final", "call", "text"):
        if ev.get(key):
            return clip(str(ev[key]))
    return compact(ev) if ev else ""


def failed_checks(record: TrialRecord) -> list[FailedCheck]:
    rank = {k: i for i, k in enumerate(CHECK_PRIORITY)}
    bad = [c for c in record.checks if not c.get("passed")]
    bad.sort(key=lambda c: rank.get(c.get("kind", ""), len(rank)))
    return [FailedCheck(str(c.get("kind", "")), clip(str(c.get("name", "")), 200),
                        clip(str(c.get("reason", "")), 400), _check_excerpt(c)) for c in bad]


def _headline(record: TrialRecord, checks: list[FailedCheck]) -> str:
    term = record.termination
    if term == "harness_error":
        return t("ev.harness", cause=record.error_cause or "").strip()
    if term == "cut_off":
        lead = t("ev.cut_off")
        return lead + (f"; {checks[0].reason}" if checks else "")
    if term not in ("final_answer", "user_left"):
        cause = record.error_cause
        lead = t("ev.ended", termination=term) + (f" ({cause})" if cause else "")
        return lead + (f"; {checks[0].reason}" if checks else "")
    if checks:
        return checks[0].reason or t("ev.check_failed", kind=checks[0].kind,
                                     name=checks[0].name)
    return t("ev.not_passed")


def _calls(events: list[dict[str, Any]], shown: ShownNames | None = None) -> list[ToolCall]:
    """The tool calls. Under a private variant a renamed tool or parameter is named as the
    vendor saw it, the scenario's name in brackets: `issue_refund (refund_order)`, so that the
    evidence matches the vendor's own logs and the checks still read."""
    calls = []
    for e in events:
        if e.get("type") != "tool":
            continue
        ok = bool(e.get("ok"))
        outcome = compact(e.get("result")) if ok else clip(str(e.get("error", "")), VALUE_LIMIT)
        name = str(e.get("name", ""))
        args = e.get("args")
        if shown is not None:
            names = shown.parameters.get(name, {})
            if isinstance(args, dict) and names:
                args = {(f"{names[k]} ({k})" if k in names else k): v for k, v in args.items()}
            if name in shown.tools:
                name = f"{shown.tools[name]} ({name})"
        calls.append(ToolCall(e.get("step"), clip(name, 100), compact(args), ok, outcome,
                              len(e.get("changes") or [])))
    return calls


def _transcript(events: list[dict[str, Any]]) -> tuple[list[Message], int]:
    msgs: list[Message] = []
    for e in events:
        kind = e.get("type")
        if kind == "user":
            msgs.append(Message("user", clip(str(e.get("text", "")))))
        elif kind == "assistant":
            text = str(e.get("text") or "")
            calls = e.get("tool_calls") or []
            if calls and not text:
                text = "[calls " + ", ".join(map(str, calls)) + "]"
            elif calls:
                text += "  [calls " + ", ".join(map(str, calls)) + "]"
            msgs.append(Message("assistant", clip(text), e.get("step")))
        elif kind == "end":
            detail = ", ".join(str(x) for x in (e.get("termination"), e.get("cause"),
                                                e.get("message")) if x)
            msgs.append(Message("end", clip(detail, VALUE_LIMIT)))
    if len(msgs) <= TRANSCRIPT_HEAD + TRANSCRIPT_TAIL:
        return msgs, 0
    omitted = len(msgs) - TRANSCRIPT_HEAD - TRANSCRIPT_TAIL
    gap = Message("gap", t("ev.gap", omitted=omitted))
    return [*msgs[:TRANSCRIPT_HEAD], gap, *msgs[-TRANSCRIPT_TAIL:]], omitted


def trial_evidence(record: TrialRecord) -> TrialEvidence:
    checks = failed_checks(record)
    transcript, omitted = _transcript(record.events)
    calls = _calls(record.events, record.shown_names)
    error = ""
    if record.error_message:
        cause = record.error_cause
        error = clip(f"{cause}: {record.error_message}" if cause else record.error_message, 400)
    return TrialEvidence(
        vendor=record.vendor, scenario=record.scenario, trial=record.trial, seed=record.seed,
        termination=record.termination, score=float(record.score or 0.0),
        headline=clip(_headline(record, checks), 300), harness_error=record.harness_error,
        checks=checks,
        flags={str(k): clip(str(v), 400) for k, v in record.flag_evidence.items()},
        calls=calls[:MAX_CALLS], transcript=transcript, omitted_messages=omitted,
        omitted_calls=max(0, len(calls) - MAX_CALLS), error=error)


EVIDENCE_PER_SCENARIO = 3
"""Failed trials of one vendor on one scenario shown in full (the first by trial number): a
failure that repeats is shown a few times, not a thousand."""
EVIDENCE_PER_VENDOR = 100
"""Failed trials of one vendor shown in full, of each kind (judged failures, trials agentcheck
could not judge), first by scenario and trial. With EVIDENCE_PER_SCENARIO this bounds what the
reports hold, so the end of a 50,000-trial run needs no more memory than one of 500 and
report.html stays readable; the rest are counted, and every trial is in trials.jsonl."""


@dataclass
class Failures:
    """One vendor's failed trials: a bounded sample of each kind in full, by (scenario, trial),
    and how many there are in all."""

    scored: list[TrialEvidence] = field(default_factory=list)
    harness: list[TrialEvidence] = field(default_factory=list)
    scored_total: int = 0
    harness_total: int = 0

    @property
    def total(self) -> int:
        return self.scored_total + self.harness_total


class _Kept:
    """The `limit` lowest trial numbers seen of one scenario, with their evidence; evidence is
    built only for a record that can still be among them."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.items: list[tuple[int, TrialEvidence]] = []

    def offer(self, record: TrialRecord) -> None:
        if len(self.items) >= self.limit and record.trial >= self.items[-1][0]:
            return
        self.items.append((record.trial, trial_evidence(record)))
        self.items.sort(key=lambda kv: kv[0])
        del self.items[self.limit:]


class _VendorFailures:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.total = 0
        self.by_scenario: dict[str, _Kept] = {}

    def add(self, record: TrialRecord) -> None:
        self.total += 1
        kept = self.by_scenario.get(record.scenario)
        if kept is None:
            kept = self.by_scenario[record.scenario] = _Kept(EVIDENCE_PER_SCENARIO)
        kept.offer(record)

    def shown(self) -> list[TrialEvidence]:
        out = [ev for sid in sorted(self.by_scenario) for _, ev in self.by_scenario[sid].items]
        return out[:self.limit]


class FailureSink:
    """Collects the failed trials of a run as its records stream past (results/files.py
    fold_trials), per vendor in report order, bounded per scenario and per vendor."""

    def __init__(self, vendor_order: list[str], limit: int = EVIDENCE_PER_VENDOR) -> None:
        self.limit = limit
        self.order = list(vendor_order)
        self.kept: dict[str, tuple[_VendorFailures, _VendorFailures]] = {}

    def add(self, record: TrialRecord) -> None:
        if record.passed:
            return
        vendor = record.vendor
        if vendor not in self.kept:
            self.kept[vendor] = (_VendorFailures(self.limit), _VendorFailures(self.limit))
            if vendor not in self.order:
                self.order.append(vendor)
        self.kept[vendor][1 if record.harness_error else 0].add(record)

    def failures(self) -> dict[str, Failures]:
        out: dict[str, Failures] = {}
        for vendor in self.order:
            if vendor not in self.kept:
                out[vendor] = Failures()
                continue
            scored, harness = self.kept[vendor]
            out[vendor] = Failures(scored.shown(), harness.shown(), scored.total, harness.total)
        return out


def failed_trials(records: Iterable[TrialRecord | dict[str, Any]], vendor_order: list[str],
                  limit: int = EVIDENCE_PER_VENDOR) -> dict[str, Failures]:
    """Per vendor (in report order), the evidence of the trials that did not pass, sorted by
    scenario and trial (at most `limit` of each kind in full)."""
    sink = FailureSink(vendor_order, limit)
    for r in records:
        sink.add(as_record(r))
    return sink.failures()
