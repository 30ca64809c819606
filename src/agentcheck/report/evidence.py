"""The evidence behind every failed trial, taken from its record in trials.jsonl: the checks
that failed with their reasons, the tool calls, and an excerpt of the transcript.

Everything here is plain data and may hold vendor text; each renderer escapes it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

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


def failed_checks(record: dict[str, Any]) -> list[FailedCheck]:
    rank = {k: i for i, k in enumerate(CHECK_PRIORITY)}
    bad = [c for c in record.get("checks", []) if not c.get("passed")]
    bad.sort(key=lambda c: rank.get(c.get("kind", ""), len(rank)))
    return [FailedCheck(str(c.get("kind", "")), clip(str(c.get("name", "")), 200),
                        clip(str(c.get("reason", "")), 400), _check_excerpt(c)) for c in bad]


def _headline(record: dict[str, Any], checks: list[FailedCheck]) -> str:
    term = record.get("termination", "")
    if term == "harness_error":
        return (f"agentcheck error (not judged; --resume re-runs it): "
                f"{record.get('error_cause') or ''}").strip()
    if term == "cut_off":
        lead = "reply cut off by the vendor's output limit"
        return lead + (f"; {checks[0].reason}" if checks else "")
    if term not in ("final_answer", "user_left"):
        cause = record.get("error_cause")
        lead = f"ended by {term}" + (f" ({cause})" if cause else "")
        return lead + (f"; {checks[0].reason}" if checks else "")
    if checks:
        return checks[0].reason or f"{checks[0].kind} check failed: {checks[0].name}"
    return "the trial did not pass"


def _calls(events: list[dict[str, Any]]) -> list[ToolCall]:
    calls = []
    for e in events:
        if e.get("type") != "tool":
            continue
        ok = bool(e.get("ok"))
        outcome = compact(e.get("result")) if ok else clip(str(e.get("error", "")), VALUE_LIMIT)
        calls.append(ToolCall(e.get("step"), clip(str(e.get("name", "")), 100),
                              compact(e.get("args")), ok, outcome, len(e.get("changes") or [])))
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
    gap = Message("gap", f"... {omitted} message(s) left out here; the full trajectory is in "
                         "trials.jsonl ...")
    return [*msgs[:TRANSCRIPT_HEAD], gap, *msgs[-TRANSCRIPT_TAIL:]], omitted


def trial_evidence(record: dict[str, Any]) -> TrialEvidence:
    checks = failed_checks(record)
    events = record.get("events") or []
    transcript, omitted = _transcript(events)
    calls = _calls(events)
    error = ""
    if record.get("error_message"):
        error = clip(f"{record.get('error_cause') or ''}: {record['error_message']}", 400)
    return TrialEvidence(
        vendor=str(record.get("vendor", "")), scenario=str(record.get("scenario", "")),
        trial=int(record.get("trial", 0)), seed=record.get("seed"),
        termination=str(record.get("termination", "")),
        score=float(record.get("score") or 0.0), headline=clip(_headline(record, checks), 300),
        harness_error=record.get("termination") == "harness_error", checks=checks,
        flags={str(k): clip(str(v), 400) for k, v in (record.get("flag_evidence") or {}).items()},
        calls=calls[:MAX_CALLS], transcript=transcript, omitted_messages=omitted,
        omitted_calls=max(0, len(calls) - MAX_CALLS), error=error)


def failed_trials(records: list[dict[str, Any]], vendor_order: list[str]
                  ) -> dict[str, list[TrialEvidence]]:
    """Per vendor (in report order), the evidence of each trial that did not pass, sorted by
    scenario and trial."""
    out: dict[str, list[TrialEvidence]] = {v: [] for v in vendor_order}
    for r in sorted(records, key=lambda r: (str(r.get("scenario")), int(r.get("trial", 0)))):
        if not r.get("passed"):
            out.setdefault(str(r.get("vendor")), []).append(trial_evidence(r))
    return out
