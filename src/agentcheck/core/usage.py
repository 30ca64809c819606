"""Tokens a vendor reported for a trial, and what they cost at the profile's prices: a record
shared by the drivers that read it, the trajectory that keeps it and the runner that prices it.

A vendor reports its own usage, so a trial is priced at no less than the harness's own estimate
of the traffic (`Traffic`, `floored`): under-reporting cannot make a vendor look cheaper."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

from agentcheck.core.calls import MAX_RESULT_CHARS


class Prices(Protocol):
    """USD per million tokens, as a vendor profile states them."""

    @property
    def input(self) -> float: ...
    @property
    def cached_input(self) -> float | None: ...
    @property
    def cache_write_input(self) -> float | None: ...
    @property
    def output(self) -> float: ...


@dataclass
class Usage:
    input_tokens: int = 0
    cached_tokens: int = 0
    output_tokens: int = 0
    reasoning_tokens: int = 0
    cache_write_tokens: int = 0
    """Input tokens written to a prompt cache (Anthropic bills them above plain input)."""

    def add(self, other: Usage) -> None:
        self.input_tokens += other.input_tokens
        self.cached_tokens += other.cached_tokens
        self.output_tokens += other.output_tokens
        self.reasoning_tokens += other.reasoning_tokens
        self.cache_write_tokens += other.cache_write_tokens

    def cost(self, p: Prices) -> float:
        """USD for these tokens. input_tokens includes cached reads and cache writes; each
        part is priced at its own rate (falling back to the plain input price)."""
        cached_price = p.cached_input if p.cached_input is not None else p.input
        write_price = p.cache_write_input if p.cache_write_input is not None else p.input
        plain = max(self.input_tokens - self.cached_tokens - self.cache_write_tokens, 0)
        return (plain * p.input + self.cached_tokens * cached_price
                + self.cache_write_tokens * write_price
                + self.output_tokens * p.output) / 1_000_000


CHARS_PER_TOKEN_FLOOR = 4
"""The floor's ratio: a token per 4 characters of what the harness itself sent and received.
Tokenizers read English prose at about 4 characters a token (4.5 at most for the largest
vocabularies), JSON at 2-3 and Chinese or Japanese at 1-2, and every message adds a few tokens
of its own; and the floor counts only the text a prompt must carry (a tool's declared names,
descriptions and types, not its JSON syntax), once per model call: an honest count is above it."""


@dataclass(frozen=True)
class Traffic:
    """Characters the harness saw go to a vendor's model (prompt) and come back (completion)
    in one trial: what it was sent and what it said, whatever the vendor reports."""

    prompt_chars: int = 0
    completion_chars: int = 0

    def floor(self) -> Usage:
        """The fewest tokens this traffic can have cost (CHARS_PER_TOKEN_FLOOR)."""
        return Usage(input_tokens=self.prompt_chars // CHARS_PER_TOKEN_FLOOR,
                     output_tokens=self.completion_chars // CHARS_PER_TOKEN_FLOOR)


def text_chars(value: Any) -> int:
    """The characters of the text in a JSON value (strings, numbers, the names under a
    schema's `properties`), not its syntax nor a schema's `required` list (which repeats
    names): what any rendering of a tool declaration to a model must carry, however
    compactly the vendor writes it into the prompt."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, bool) or value is None:
        return 0
    if isinstance(value, (int, float)):
        return len(str(value))
    if isinstance(value, dict):
        props = value.get("properties")
        names = sum(len(str(k)) for k in props) if isinstance(props, dict) else 0
        return names + sum(text_chars(v) for k, v in value.items() if k != "required")
    if isinstance(value, (list, tuple)):
        return sum(text_chars(v) for v in value)
    return 0


def _call_chars(event: dict[str, Any]) -> int:
    """A tool call as the vendor sent it: its name and its arguments (as JSON)."""
    return len(str(event.get("name") or "")) + len(_json(event.get("args")))


def _result_chars(event: dict[str, Any]) -> int:
    """A tool call's result as the harness sent it back (core.calls.CallResult.content)."""
    sent = event.get("result") if event.get("ok") else {"error": event.get("error")}
    return min(len(_json(sent)), MAX_RESULT_CHARS)


def _json(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                           default=str)


def traffic(events: list[dict[str, Any]], fixed_prompt_chars: int, *, resent: bool) -> Traffic:
    """What a trial's recorded events prove was sent and received. `resent` (the harness's own
    loop): every model call was sent the fixed prompt (system prompt and tool declarations,
    `fixed_prompt_chars`) and everything before it (the user's turns, the replies, the tool
    calls and their results), and each reply and tool call is completion. Otherwise (a
    vendor-run agent, whose model calls the harness does not see) each character the agent was
    sent or said counts once: the least its model can have read and written."""
    history = prompt = completion = 0
    for e in events:
        kind = e.get("type")
        if kind == "assistant":
            said = len(str(e.get("text") or ""))
            prompt += fixed_prompt_chars + history if resent else 0
            completion += said
            history += said
        elif kind == "user":
            history += len(str(e.get("text") or ""))
        elif kind == "tool":
            called = _call_chars(e)
            completion += called
            history += called + _result_chars(e)
    if not resent:
        prompt = fixed_prompt_chars + history - completion
    return Traffic(prompt, completion)


def floored(reported: Usage, floor: Usage) -> Usage:
    """The usage a trial is priced at: what the vendor reported, with its prompt and its
    completion tokens each raised to the floor where below it (the tokens added are plain
    input and output). Usage at or above the floor is returned as reported."""
    extra_in = max(floor.input_tokens - reported.input_tokens, 0)
    return Usage(input_tokens=reported.input_tokens + extra_in,
                 cached_tokens=reported.cached_tokens,
                 output_tokens=max(reported.output_tokens, floor.output_tokens),
                 reasoning_tokens=reported.reasoning_tokens,
                 cache_write_tokens=reported.cache_write_tokens)
