"""What a red-team vendor knows: the Chat Completions request it received, read into a
conversation, and a competent agent's next move on it.

A vendor sees only what a real vendor sees: the messages (system, user turns, its own earlier
turns, tool results) and the tool declarations. "A competent agent" is played by the scenario's
public reference solution (agentcheck.scenario.reference.next_action), the stand-in the demo agent
uses; each red-team vendor deviates from it to cheat.

Tool call ids carry a tag the vendor reads back from the history: `r...` calls are the reference
player's steps, `x...` calls are the vendor's own detours (an extra read, a cut-off call, a write
nobody asked for). The reference player is shown only the `r` calls and their results, so a detour
never derails it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from agentcheck.scenario.expr import TEMPLATE_RE, render, to_text
from agentcheck.scenario.model import Scenario
from agentcheck.scenario.reference import Action, next_action

READ_PREFIXES = ("get_", "list_", "find_", "search_", "lookup_", "check_", "read_", "fetch_")
IDISH = re.compile(r"\b[A-Z][A-Z0-9]{1,5}-[A-Z0-9][A-Z0-9-]*\b")


def is_read_name(name: str) -> bool:
    """What a vendor can tell from a tool's name alone: does it only read?"""
    return name.startswith(READ_PREFIXES)


def parse_json(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def is_error(result: Any) -> bool:
    return isinstance(result, dict) and set(result) == {"error"}


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(p.get("text") or "") for p in content if isinstance(p, dict))
    return ""


@dataclass
class Call:
    id: str
    name: str
    args: Any
    raw: str
    result: Any = None
    answered: bool = False

    @property
    def tag(self) -> str:
        return self.id[:1]

    @property
    def ok(self) -> bool:
        return self.answered and not is_error(self.result)


@dataclass
class Turn:
    role: str  # user | assistant
    text: str = ""
    calls: list[Call] = field(default_factory=list)


class Conversation:
    """One request, read: the turns so far, the offered tools, the scenario it plays."""

    def __init__(self, body: dict[str, Any], scenario: Scenario | None) -> None:
        self.body = body
        self.model = str(body.get("model"))
        self.scenario = scenario
        self.tools: list[dict[str, Any]] = [t["function"] for t in body.get("tools") or []
                                            if isinstance(t, dict) and "function" in t]
        self.turns: list[Turn] = []
        self.system = ""
        by_id: dict[str, Call] = {}
        for m in body.get("messages") or []:
            role = m.get("role")
            if role == "system":
                self.system = _text(m.get("content"))
            elif role == "user":
                self.turns.append(Turn("user", _text(m.get("content"))))
            elif role == "assistant":
                calls = []
                for raw in m.get("tool_calls") or []:
                    fn = raw.get("function") or {}
                    args_raw = fn.get("arguments")
                    args_raw = args_raw if isinstance(args_raw, str) else json.dumps(args_raw)
                    call = Call(str(raw.get("id")), str(fn.get("name")), parse_json(args_raw),
                                args_raw)
                    by_id[call.id] = call
                    calls.append(call)
                self.turns.append(Turn("assistant", _text(m.get("content")), calls))
            elif role == "tool":
                call = by_id.get(str(m.get("tool_call_id")))
                if call is not None:
                    call.result = parse_json(_text(m.get("content")))
                    call.answered = True

    # -- what the vendor has seen

    @property
    def users(self) -> list[str]:
        return [t.text for t in self.turns if t.role == "user"]

    @property
    def first_user(self) -> str:
        return self.users[0] if self.users else ""

    @property
    def steps(self) -> int:
        """Assistant turns so far."""
        return sum(1 for t in self.turns if t.role == "assistant")

    @property
    def calls(self) -> list[Call]:
        return [c for t in self.turns for c in t.calls]

    @property
    def said(self) -> list[str]:
        return [t.text for t in self.turns if t.role == "assistant" and t.text]

    @property
    def last_role(self) -> str:
        return self.turns[-1].role if self.turns else ""

    def seen_text(self) -> str:
        """Everything the vendor could read: user turns and tool results."""
        parts = list(self.users)
        parts += [json.dumps(c.result, ensure_ascii=False) for c in self.calls if c.answered]
        return "\n".join(parts)

    def tool(self, name: str) -> dict[str, Any] | None:
        return next((t for t in self.tools if t.get("name") == name), None)

    def mutates(self, name: str) -> bool:
        """Does the tool change state? From the public scenario's declaration when known, else
        from the name."""
        if self.scenario is not None and (t := self.scenario.tool(name)) is not None:
            return t.mutates
        return not is_read_name(name)

    # -- the competent agent

    def neutral(self, drop_after_error: bool = True) -> list[dict[str, Any]]:
        """The history the reference player reads: user turns, assistant texts, the `r` calls
        and their results. Within one turn of parallel calls, results after a failed call are
        left out, so the reference retries the failed step and then repeats the others."""
        out: list[dict[str, Any]] = []
        for t in self.turns:
            if t.role == "user":
                out.append({"role": "user", "text": t.text})
                continue
            if not t.calls:
                out.append({"role": "assistant", "text": t.text, "tool_calls": []})
                continue
            mine = [c for c in t.calls if c.tag == "r"]
            if not mine:
                continue
            out.append({"role": "assistant", "text": t.text,
                        "tool_calls": [{"id": c.id} for c in mine]})
            for c in mine:
                if not c.answered:
                    continue
                out.append({"role": "tool", "content": json.dumps(c.result)})
                if drop_after_error and is_error(c.result):
                    break
        return out

    def ref(self, history: list[dict[str, Any]] | None = None) -> Action:
        assert self.scenario is not None
        return next_action(self.scenario, self.neutral() if history is None else history)

    def ref_state(self) -> tuple[int, dict[str, Any]]:
        """(index of the next reference step, the values it has saved): the same walk as
        next_action, kept to render a step's values one by one."""
        assert self.scenario is not None
        steps = self.scenario.reference
        ctx: dict[str, Any] = {"user": "", "last": None}
        ptr = failures = 0
        for msg in self.neutral():
            if msg["role"] == "user":
                ctx["user"] = (ctx["user"] + "\n" + msg["text"]).strip()
            elif msg["role"] == "assistant" and not msg["tool_calls"]:
                if ptr < len(steps) and steps[ptr].say is not None:
                    ptr += 1
            elif msg["role"] == "tool":
                result = parse_json(msg["content"])
                if is_error(result) and failures < 3:
                    failures += 1
                    continue
                failures = 0
                if ptr < len(steps):
                    if steps[ptr].save:
                        ctx[str(steps[ptr].save)] = result
                    ctx["last"] = result
                    ptr += 1
        return ptr, ctx

    def say_values(self) -> list[str]:
        """The values (ids, names, amounts, dates) the reference's next reply fills in: what a
        reply in any language must keep."""
        ptr, ctx = self.ref_state()
        assert self.scenario is not None
        if ptr >= len(self.scenario.reference) or self.scenario.reference[ptr].say is None:
            return []
        template = str(self.scenario.reference[ptr].say)
        out: list[str] = []
        for match in TEMPLATE_RE.finditer(template):
            try:
                value = render("{{" + match.group(1) + "}}", ctx)
            except Exception:  # a value the reference cannot render is left out
                continue
            text = to_text(value).strip()
            if text and text not in out and text != "None":
                out.append(text)
        return out

    def ref_mutations(self) -> int:
        """State-changing calls in the reference solution."""
        assert self.scenario is not None
        return sum(1 for s in self.scenario.reference if s.call and self.mutates(s.call))

    def done_mutations(self) -> int:
        return sum(1 for c in self.calls if c.tag == "r" and c.ok and self.mutates(c.name))

    def is_final_say(self, action: Action) -> bool:
        """The reference's reply is its last step (not a question in the middle)."""
        if action.kind != "say" or self.scenario is None:
            return False
        ptr, _ = self.ref_state()
        return ptr >= len(self.scenario.reference) - 1

    @property
    def declines(self) -> bool:
        """The reference changes nothing: the right answer is to decline."""
        assert self.scenario is not None
        return self.ref_mutations() == 0


def unrendered(args: Any) -> bool:
    """Arguments the reference could not fill from the conversation (a fact it lacks)."""
    if isinstance(args, dict):
        return any(unrendered(v) for v in args.values())
    if isinstance(args, list):
        return any(unrendered(v) for v in args)
    return args is None or args == "" or args == "None"
