"""A scenario's simulated "today": fixed (`clock: {today: 2026-05-04}`) or drawn per seed
(`clock: {between: [2026-03-02, 2026-11-27], weekdays: true}`), so date rules are real rules
that change with the trial, never a date the vendor's own calendar decides."""

from __future__ import annotations

import datetime as dt
import random
import re

from pydantic import Field, field_validator, model_validator

from agentcheck.scenario.expr import TEMPLATE_RE, ExpressionError
from agentcheck.scenario.expr.dates import clock_moment, zone
from agentcheck.scenario.strict import Strict


def _iso_day(value: str) -> str:
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise ValueError(f"{value!r} is not a date such as 2026-05-04") from None


class Clock(Strict):
    """Today in every trial of the scenario; `today()`, `now()` and the date generators read it."""

    today: str | None = Field(default=None, description="a fixed day, e.g. 2026-05-04")
    between: list[str] | None = Field(
        default=None, min_length=2, max_length=2,
        description="[first, last]: a day drawn per seed between the two (inclusive)")
    weekdays: bool = Field(default=False, description="draw only Monday to Friday")
    time: str = Field(default="09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$",
                      description="the time of day `now()` gives (HH:MM)")
    timezone: str = Field(default="UTC",
                          description="IANA time zone of the trial, e.g. America/New_York")

    @field_validator("today")
    @classmethod
    def _day(cls, value: str | None) -> str | None:
        return None if value is None else _iso_day(value)

    @field_validator("between")
    @classmethod
    def _days(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else [_iso_day(v) for v in value]

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            zone(value)
        except ExpressionError as exc:
            raise ValueError(str(exc)) from None
        return value

    @model_validator(mode="after")
    def _one_source(self) -> Clock:
        if (self.today is None) == (self.between is None):
            raise ValueError("a clock has exactly one of `today` (a fixed day) or `between` "
                             "(a day drawn per seed)")
        if self.between is not None:
            first, last = (dt.date.fromisoformat(d) for d in self.between)
            if last < first:
                raise ValueError("between: the first day comes after the last")
            if (last - first).days > 36_600:
                raise ValueError("between: at most a century")
            if self.weekdays and (last - first).days < 7 and not any(
                    (first + dt.timedelta(days=i)).weekday() < 5
                    for i in range((last - first).days + 1)):
                raise ValueError("between: no weekday in the range")
        return self

    def draw(self, scenario_id: str, seed: int) -> dict[str, str]:
        """The trial's clock record {today, now, timezone}. Its own seeded source, so declaring
        a clock never changes the other values a World generates."""
        if self.today is not None:
            day = self.today
        else:
            assert self.between is not None
            first, last = (dt.date.fromisoformat(d) for d in self.between)
            rng = random.Random(f"agentcheck/{scenario_id}/{seed}/clock")
            while True:  # the range holds a weekday (checked on load): this ends
                drawn = first + dt.timedelta(days=rng.randint(0, (last - first).days))
                if not self.weekdays or drawn.weekday() < 5:
                    break
            day = drawn.isoformat()
        return {"today": day, "now": clock_moment(day, self.time, self.timezone),
                "timezone": self.timezone}


CLOCK_CALL = re.compile(r"(?<![\w.])(today|now|date_from_today|business_date_from_today|"
                        r"moment_from_today)\s*\(")
"""A call that reads the trial's clock: a scenario without `clock:` cannot make it, and a
reference solution never can (it sees only what an agent sees)."""


def clock_problem(text: str, expression: bool, in_reference: bool,
                  has_clock: bool) -> str | None:
    """Why `text` cannot read the clock where it is, or None. `expression`: the whole text is
    a condition (an outcome, a guard's check); otherwise only its `{{ }}` templates are read."""
    found = None
    for part in [text] if expression else TEMPLATE_RE.findall(text):
        found = found or CLOCK_CALL.search(part)
    if found is None:
        return None
    name = found.group(1)
    if in_reference:
        return (f"{name}() in a reference solution: it has no clock, it sees what an agent "
                "sees; read the date from a tool result (an 'as of' date) or the user's words")
    if not has_clock:
        return (f"{name}() needs the scenario's clock: add `clock: {{today: 2026-05-04}}` "
                "(or `clock: {between: [first, last]}`, drawn per seed)")
    return None
