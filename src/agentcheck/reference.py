"""Plays a scenario's reference solution from what an agent can see: the user's messages and the
tool results so far. Used by the demo agent and by proofs that a scenario is solvable: if the
reference needs a value, it must be reachable through the conversation, not through the World.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .expressions import TEMPLATE_RE, render
from .scenario import Scenario

MAX_RETRIES = 3


@dataclass
class Action:
    kind: str  # "call" or "say"
    name: str = ""
    args: dict[str, Any] | None = None
    text: str = ""


def _is_error(result: Any) -> bool:
    return isinstance(result, dict) and set(result) == {"error"}


def next_action(scenario: Scenario, history: list[dict[str, Any]]) -> Action:
    """history: neutral messages {role: user|assistant|tool, text, tool_calls, content}."""
    ctx: dict[str, Any] = {"user": "", "last": None}
    ptr = 0
    failures = 0
    steps = scenario.reference
    for msg in history:
        role = msg.get("role")
        if role == "user":
            ctx["user"] = (ctx["user"] + "\n" + msg.get("text", "")).strip()
        elif role == "assistant" and not msg.get("tool_calls"):
            if ptr < len(steps) and steps[ptr].say is not None:
                ptr += 1
        elif role == "tool":
            try:
                result = json.loads(msg.get("content") or "null")
            except ValueError:
                result = msg.get("content")
            if _is_error(result) and failures < MAX_RETRIES:
                failures += 1  # a competent agent retries a failed step
                continue
            failures = 0
            if ptr < len(steps):
                if steps[ptr].save:
                    ctx[str(steps[ptr].save)] = result
                ctx["last"] = result
                ptr += 1
    if ptr >= len(steps):
        return Action("say", text="Done.")
    step = steps[ptr]
    if step.call is not None:
        args = render(step.args, ctx)
        return Action("call", name=step.call, args=args if isinstance(args, dict) else {})
    return Action("say", text=str(render(step.say, ctx)))


def task_pattern(scenario: Scenario) -> re.Pattern[str]:
    """A regex that matches the first user turn whatever values the World generated."""
    parts = TEMPLATE_RE.split(scenario.task[0].user)
    # split() alternates literal text and captured expressions
    literal = [re.escape(p) for i, p in enumerate(parts) if i % 2 == 0]
    return re.compile("(?:.+?)".join(literal), re.S)


def identify(scenarios: list[Scenario], tool_names: set[str], first_user: str) -> Scenario | None:
    for sc in scenarios:
        if {t.name for t in sc.tools} == tool_names and task_pattern(sc).fullmatch(
                first_user.strip()):
            return sc
    return None
