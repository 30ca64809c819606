"""One brain for test vendors of every protocol, so that vendors on different wire formats are
equivalent: same conversation in, same move out.

A brain reads the protocol-neutral conversation that agentcheck.scenario.reference reads (user
texts, assistant texts with their tool calls, tool results as the text agentcheck sent) and
returns a `Move`: text, tool calls, or both. Brains, chosen by the request's model name:

- `competent`: plays the scenario's reference solution, like demo-agent (it asks when the
  reference asks, retries failed calls, reads ids from tool results);
- `claimer`: a chatbot relabelled as an agent: never calls a tool, claims the work is done;
- `quitter`: plays the reference up to its first tool result, then gives up and hands the work
  back.

Each protocol's wire format is read back into the neutral conversation by `chat_history`,
`anthropic_history`, `responses_history` and `gemini_history`; writing a Move in a protocol's
reply format is the job of that protocol's scripted server
(tests/vendors/test_protocol_equivalence.py).

Standard library and agentcheck only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from agentcheck.scenario.model import Scenario
from agentcheck.scenario.reference import identify, next_action

CLAIM = ("All done! I've taken care of that for you: everything has been processed and updated "
         "in our system, and you will receive a confirmation shortly.")
GIVE_UP = ("I looked into it, but I can't complete this request from here. Please contact the "
           "team directly to finish it.")
UNKNOWN = "I could not match this task to one I know."
BRAINS = ("competent", "claimer", "quitter")


@dataclass
class Move:
    text: str = ""
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


class Brain:
    """Decides the next move of any brain in BRAINS on the given scenarios."""

    def __init__(self, scenarios: list[Scenario]) -> None:
        self.scenarios = scenarios

    def move(self, model: str, tools: set[str], history: list[dict[str, Any]]) -> Move:
        if model not in BRAINS:
            raise ValueError(f"no brain called {model!r} (expected one of {BRAINS})")
        if model == "claimer":
            return Move(CLAIM)
        first_user = next((h["text"] for h in history if h["role"] == "user"), "")
        scenario = identify(self.scenarios, tools, first_user)
        if scenario is None:
            return Move(UNKNOWN)
        if model == "quitter" and any(h["role"] == "tool" for h in history):
            return Move(GIVE_UP)
        action = next_action(scenario, history)
        if action.kind == "call":
            return Move("", [(action.name, action.args or {})])
        return Move(action.text)


# --------------------------------------------------------------------------- wire -> neutral


def _texts(parts: Any) -> str:
    if isinstance(parts, str):
        return parts
    return "".join(p.get("text", "") for p in parts or [] if isinstance(p, dict))


def chat_history(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Chat Completions `messages`."""
    out: list[dict[str, Any]] = []
    for m in messages:
        if m["role"] == "user":
            out.append({"role": "user", "text": _texts(m.get("content"))})
        elif m["role"] == "assistant":
            out.append({"role": "assistant", "text": _texts(m.get("content")),
                        "tool_calls": m.get("tool_calls") or []})
        elif m["role"] == "tool":
            out.append({"role": "tool", "content": _texts(m.get("content"))})
    return out


def anthropic_history(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Anthropic `messages`: tool results come first in a user message, text after them."""
    out: list[dict[str, Any]] = []
    for m in messages:
        content = m["content"]
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
        if m["role"] == "user":
            for b in blocks:
                if b["type"] == "tool_result":
                    out.append({"role": "tool", "content": _texts(b.get("content", ""))})
            texts = [b["text"] for b in blocks if b["type"] == "text"]
            if texts:
                out.append({"role": "user", "text": "\n".join(texts)})
        else:
            out.append({"role": "assistant",
                        "text": "".join(b["text"] for b in blocks if b["type"] == "text"),
                        "tool_calls": [b for b in blocks if b["type"] == "tool_use"]})
    return out


def responses_history(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """OpenAI Responses items (the whole context: for a stateful request, the stored chain
    plus its input); consecutive function_call items are one assistant turn."""
    out: list[dict[str, Any]] = []
    for item in items:
        kind = item.get("type", "message")
        if kind == "message" and item.get("role") == "user":
            out.append({"role": "user", "text": _texts(item.get("content"))})
        elif kind == "message" and item.get("role") == "assistant":
            out.append({"role": "assistant", "tool_calls": [],
                        "text": _texts(item.get("content"))})
        elif kind == "function_call":
            if out and out[-1]["role"] == "assistant" and out[-1]["tool_calls"]:
                out[-1]["tool_calls"].append(item)
            else:
                out.append({"role": "assistant", "text": "", "tool_calls": [item]})
        elif kind == "function_call_output":
            out.append({"role": "tool", "content": item["output"]})
    return out


def gemini_history(contents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Gemini `contents`; a functionResponse's `output` or `error` back as the JSON text the
    harness sent."""
    out: list[dict[str, Any]] = []
    for content in contents:
        parts = content["parts"]
        if content["role"] == "model":
            out.append({"role": "assistant",
                        "text": "".join(p.get("text", "") for p in parts if not p.get("thought")),
                        "tool_calls": [p["functionCall"] for p in parts if "functionCall" in p]})
            continue
        for part in parts:
            if "text" in part:
                out.append({"role": "user", "text": part["text"]})
            elif "functionResponse" in part:
                response = part["functionResponse"]["response"]
                value = {"error": response["error"]} if "error" in response else \
                    response.get("output")
                out.append({"role": "tool", "content": json.dumps(value)})
    return out
