"""Tokens a vendor reported for a trial, and what they cost at the profile's prices: a record
shared by the drivers that read it, the trajectory that keeps it and the runner that prices it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


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
