"""A scenario's tools: name, description and JSON-Schema parameters the vendor sees, the effect
a call has on the World (effects.py), the guards that can refuse it, and injected faults."""

from __future__ import annotations

import re
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


# words that carry a description's rules: a re-wording may move them, never drop them
_POLICY_WORDS = re.compile(
    r"\b(?:not|never|only|must|cannot|can't|don't|doesn't|without|unless|no|none|before|after|"
    r"once|at most|at least|up to|more than|less than|longer than|exactly|optional|optionally|"
    r"if|all|every|each|nunca|solo|sólo|debe|sin|antes|después|cada)\b"
    r"|不|只|僅|仅|須|须|禁止|勿|未|前|後|后|每|所有|全額|全额|以上|以下|超過|超过|必ず|のみ", re.I)
_DESCRIPTION_FACT = re.compile(r"\d+(?:[.,:]\d+)*|`[^`]*`|(?<!\w)'[^'\s]+'|\"[^\"]*\"|\b[A-Z]{2,}\b"
                               r"|\b[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+\b")


def enum_values(schema: Any) -> set[str]:
    """Every `enum` value of a parameters schema, at every depth, as text."""
    out: set[str] = set()
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "enum" and isinstance(value, list):
                out |= {str(v) for v in value}
            else:
                out |= enum_values(value)
    elif isinstance(schema, list):
        for value in schema:
            out |= enum_values(value)
    return out


def description_facts(text: str, enums: set[str] | frozenset[str] = frozenset()) -> set[str]:
    """What a re-worded description must still say (private variants): every number, id,
    code, quoted or all-capitals word, every policy word ("only", "never", "must", 不, 只...)
    and every enum value the description names."""
    out = {m.group(0) for m in _DESCRIPTION_FACT.finditer(text)}
    out |= {m.group(0).lower() for m in _POLICY_WORDS.finditer(text)}
    out |= {v for v in enums if v and re.search(rf"(?<![\w-]){re.escape(v)}(?![\w-])", text)}
    return out


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
    description_alternatives: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list,
        description="other wordings of `description` with every fact and rule of it (each "
                    "number, id, enum value and policy word such as 'only' or 'never'); "
                    "`run --private-variants` may show one of them instead")

    @model_validator(mode="after")
    def _alternatives_keep_the_rules(self) -> Tool:
        want = description_facts(self.description, enum_values(self.parameters))
        for i, alt in enumerate(self.description_alternatives):
            missing = sorted(want - description_facts(alt, enum_values(self.parameters)))
            if missing:
                raise ValueError(f"description_alternatives[{i}] drops what the description "
                                 f"says: {', '.join(missing)} (an alternative keeps every "
                                 "number, id, enum value and policy word)")
        return self

    @property
    def mutates(self) -> bool:
        return self.effect.mutates
