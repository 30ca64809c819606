"""What a scenario expects: conditions on the World (outcomes and guards), the calls that must
happen (milestones) or must not (minefields), and what the final answer mentions."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from agentcheck.scenario.strict import Strict


class ConditionSpec(Strict):
    """`path` is a JMESPath expression over the World; `is` is a value or an operator mapping."""

    path: str
    is_: Any = Field(alias="is")
    label: str | None = None


Condition = str | ConditionSpec


class CallMatch(Strict):
    call: str
    args: dict[str, Any] = Field(default_factory=dict)
    label: str | None = None


class Minefield(CallMatch):
    reason: str = Field(min_length=1, description="why this action is forbidden, in plain words")


class Answer(Strict):
    mentions: list[str] = Field(default_factory=list)
    not_mentions: list[str] = Field(default_factory=list)


class Expect(Strict):
    outcome: list[Condition] = Field(default_factory=list)
    milestones: list[CallMatch] = Field(default_factory=list)
    minefields: list[Minefield] = Field(default_factory=list)
    answer: Answer | None = None
    unchanged: list[str] = Field(default_factory=list,
                                 description="collections that must end exactly as they began")
    may_change: list[str] = Field(
        default_factory=list,
        description="changes a correct agent may make beyond what the reference solution "
                    "changes: a collection ('notes') or one field of it ('tickets.priority'); "
                    "any other extra change is collateral damage")

    @model_validator(mode="after")
    def _checks_something(self) -> Expect:
        if not (self.outcome or self.milestones or self.answer):
            raise ValueError("expect needs at least one outcome, milestone or answer check")
        return self
