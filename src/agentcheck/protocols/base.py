"""The contract between the runner and a protocol driver.

A driver turns a protocol-neutral conversation (user turns, tool results) into its wire format
and a vendor reply back into text plus tool calls. A Session keeps the raw wire history so that
ids and opaque fields go back to the vendor exactly as received.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Any

from ..http import HttpClient
from ..profile import VendorProfile


@dataclass
class Usage:
    input_tokens: int = 0
    cached_tokens: int = 0
    output_tokens: int = 0
    reasoning_tokens: int = 0

    def add(self, other: Usage) -> None:
        self.input_tokens += other.input_tokens
        self.cached_tokens += other.cached_tokens
        self.output_tokens += other.output_tokens
        self.reasoning_tokens += other.reasoning_tokens

    def cost(self, profile: VendorProfile) -> float:
        p = profile.prices
        cached_price = p.cached_input if p.cached_input is not None else p.input
        uncached = max(self.input_tokens - self.cached_tokens, 0)
        return (uncached * p.input + self.cached_tokens * cached_price
                + self.output_tokens * p.output) / 1_000_000


@dataclass
class ToolCall:
    id: str
    name: str
    arguments: Any
    """Parsed arguments, or None when the vendor sent something that is not a JSON object."""
    raw_arguments: str
    parse_error: str | None = None


@dataclass
class ToolResult:
    call: ToolCall
    content: str
    is_error: bool


@dataclass
class ModelTurn:
    text: str
    tool_calls: list[ToolCall] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    latency_s: float = 0.0
    finish_reason: str | None = None
    ttft_s: float | None = None
    """Time to first token, for streamed replies."""


class Session(abc.ABC):
    """One trial's conversation with one vendor."""

    @abc.abstractmethod
    def add_user(self, text: str) -> None: ...

    @abc.abstractmethod
    def add_tool_results(self, results: list[ToolResult]) -> None: ...

    @abc.abstractmethod
    async def step(self) -> ModelTurn:
        """Send the conversation, return the vendor's next turn; raises VendorError."""


class Driver(abc.ABC):
    """Speaks one wire protocol for one vendor profile."""

    def __init__(self, profile: VendorProfile, http: HttpClient) -> None:
        self.profile = profile
        self.http = http

    @abc.abstractmethod
    def session(self, system: str, tools: list[dict[str, Any]]) -> Session: ...
