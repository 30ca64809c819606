"""What happened in one trial, in order: the evidence every score points back to.

Vendor text arrives cleaned by the HTTP layer (http.clean_text); what is recorded here is cleaned
once more, so a driver that bypasses that layer cannot put a lone surrogate or a NUL into the
results and stop the run at the writer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agentcheck.core.calls import CallResult
from agentcheck.core.errors import VendorError
from agentcheck.core.redaction import redact
from agentcheck.core.text import clean_text
from agentcheck.core.usage import Usage

TERMINATIONS = ("final_answer", "user_left", "step_budget", "time_budget", "vendor_error",
                "harness_error", "cut_off")
"""cut_off: the vendor's output limit cut its reply (cause "length"); not a final answer."""
CUT_OFF_MESSAGE = ("the reply was cut by the vendor's output limit ({reason}) before it ended; "
                   "it is not a final answer")


@dataclass
class Trajectory:
    events: list[dict[str, Any]] = field(default_factory=list)
    calls: list[CallResult] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    model_calls: int = 0
    model_latencies: list[float] = field(default_factory=list)
    termination: str = "final_answer"
    error_cause: str | None = None
    error_message: str | None = None
    duration_s: float = 0.0

    @property
    def final_text(self) -> str:
        """What the agent said last: an empty last reply is no answer, even if it said
        something earlier (progress text beside a tool call is not a reply to the user)."""
        for event in reversed(self.events):
            if event.get("type") == "assistant":
                return str(event.get("text") or "")
        return ""

    def user(self, turn: int, text: str) -> None:
        self.events.append({"type": "user", "turn": turn, "text": text})

    def reply(self, step: int, text: str, tool_calls: list[str], latency_s: float,
              ttft_s: float | None = None, usage: Usage | None = None,
              state: str | None = None, served_model: str | None = None) -> None:
        """One vendor reply, whichever loop received it: counted as a model call, its
        latency and usage added, its text recorded (with the vendor's task `state`, if any,
        and the model the reply named when it was not the one requested)."""
        self.model_calls += 1
        if usage is not None:
            self.usage.add(usage)
        self.model_latencies.append(latency_s)
        text = clean_text(text)
        event: dict[str, Any] = {"type": "assistant", "step": step, "text": text,
                                 "tool_calls": tool_calls, "latency_s": round(latency_s, 4),
                                 "ttft_s": None if ttft_s is None else round(ttft_s, 4)}
        if state:
            event["state"] = state
        if served_model:
            event["served_model"] = served_model
        self.events.append(event)
        if text:
            self.texts.append(text)

    def tool(self, step: int, call_id: str, result: CallResult,
             extra: dict[str, Any] | None = None) -> None:
        """`extra`: more fields for the event (the tool host adds via, at_s, duration_ms)."""
        self.calls.append(result)
        event: dict[str, Any] = {"type": "tool", "step": step, "id": call_id,
                                 "name": result.tool, "args": result.args, "ok": result.ok}
        if result.ok:
            event["result"] = result.result
        else:
            event["error"] = result.error
            event["error_kind"] = result.error_kind
        if result.changed:
            event["changes"] = result.changed
        if extra:
            event.update(extra)
        self.events.append(event)

    def fail(self, exc: Exception, budget_s: float) -> None:
        """End the trial on an exception: the budget, the vendor's failure, or agentcheck's own
        (recorded as a harness error, never blamed on the vendor)."""
        if isinstance(exc, TimeoutError):
            self.end("time_budget", "timeout",
                     f"trial exceeded its wall-clock budget of {budget_s:g} s")
        elif isinstance(exc, VendorError):
            self.end("vendor_error", exc.cause, redact(str(exc)))
        else:
            self.end("harness_error", type(exc).__name__, redact(str(exc))[:500])

    def out_of_steps(self, message: str) -> None:
        """The step budget is spent before a final answer."""
        self.end("step_budget", "step_budget", message)

    def cut_off(self, reason: str | None, *, ends: bool) -> None:
        """The last reply was cut by the vendor's output limit: its event says so (evidence).
        With no tool call left to run (`ends`), the trial ends: a cut reply is no answer."""
        reason = reason or "length"
        if self.events and self.events[-1]["type"] == "assistant":
            self.events[-1]["cut_off"] = reason
        if ends:
            self.end("cut_off", "length", CUT_OFF_MESSAGE.format(reason=reason))

    def end(self, termination: str, cause: str | None = None, message: str | None = None) -> None:
        assert termination in TERMINATIONS, termination
        message = None if message is None else clean_text(message)
        self.termination = termination
        self.error_cause = cause
        self.error_message = message
        self.events.append({"type": "end", "termination": termination, "cause": cause,
                            "message": message})
