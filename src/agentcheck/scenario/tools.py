"""A scenario's tools: name, description and JSON-Schema parameters the vendor sees, the effect
a call has on the World (effects.py), the guards that can refuse it, and injected faults."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, model_validator

from agentcheck.scenario.effects import Effect
from agentcheck.scenario.expect import Condition
from agentcheck.scenario.strict import Strict

NAME = r"^[a-zA-Z0-9_-]{1,64}$"
"""A tool or parameter name as every protocol accepts it."""


class Guard(Strict):
    """A precondition: when `check` is false the call fails with `error` and nothing changes."""

    check: Condition
    error: str


class Fault(Strict):
    """Injected trouble: fail (or slow down) the listed calls of this tool, counted from 1."""

    calls: list[int] = Field(min_length=1)
    error: str | None = None
    latency_ms: int = Field(default=0, ge=0, le=60_000)

    @model_validator(mode="after")
    def _does_something(self) -> Fault:
        if self.error is None and self.latency_ms == 0:
            raise ValueError("a fault needs an error, a latency_ms, or both")
        if any(c < 1 for c in self.calls):
            raise ValueError("calls are counted from 1")
        return self


class Tool(Strict):
    name: str = Field(pattern=NAME)
    description: str = Field(min_length=1)
    parameters: dict[str, Any] = Field(default_factory=lambda: {"type": "object",
                                                                 "properties": {}})
    effect: Effect = Field(description="exactly one operation: find, filter, insert, update, "
                                       "delete or return")
    guards: list[Guard] = Field(default_factory=list)
    faults: list[Fault] = Field(default_factory=list)
    claims: list[str] = Field(default_factory=list,
                              description="phrases in a reply that claim this tool's action")
    synonyms: list[Annotated[str, Field(pattern=NAME)]] = Field(
        default_factory=list,
        description="other names of this tool (issue_refund for refund_order); "
                    "`run --private-variants` may show one of them instead of `name`, beside "
                    "the library's list (scenario/synonyms.yaml)")
    parameter_synonyms: dict[str, list[Annotated[str, Field(pattern=NAME)]]] = Field(
        default_factory=dict,
        description="other names per parameter (order_id: [order_number]), for private "
                    "variants, beside the library's list")

    @property
    def mutates(self) -> bool:
        return self.effect.mutates
