"""JMESPath functions added for scenarios (`email_in(user)`, `id_in(user, 'ORD')`, `date_in`,
`number_in`, `lower`), mostly for reference solutions that read values from the user's words,
and bounded versions of JMESPath's own: every function pays for the items it goes through, and
the two that build text from many values are capped."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from jmespath import functions as jp_functions

import agentcheck.scenario.expr.dates as dates
from agentcheck.scenario.expr.bounds import (
    MAX_RENDERED_CHARS,
    MAX_STEPS,
    check_size,
    spend,
    value_size,
)
from agentcheck.scenario.expr.errors import ExpressionError
from agentcheck.scenario.expr.selectors import SelectorFunctions

DATE_FUNCTIONS: dict[str, tuple[Callable[..., Any], int, int]] = {
    "date": (dates.make_date, 3, 3),
    "add_days": (dates.add_days, 2, 2),
    "add_months": (dates.add_months, 2, 2),
    "add_business_days": (dates.add_business_days, 2, 3),
    "working_days": (dates.working_days, 2, 3),
    "is_business_day": (dates.business_day, 1, 2),
    "month_end": (dates.month_end, 1, 1),
    "month_start": (dates.month_start, 1, 1),
    "weekday": (dates.weekday, 1, 1),
    "next_weekday": (dates.next_weekday, 2, 2),
    "to_days": (dates.to_days, 1, 1),
    "days_between": (dates.days_between, 2, 2),
    "to_zone": (dates.to_zone, 2, 2),
    "local_date": (dates.local_date, 2, 2),
    "at": (dates.at_time, 2, 3),
}
"""Date functions (dates.py): name -> (function, fewest and most arguments). They take any JSON
values; each checks its own arguments and says what it expected. null (a missing field) in gives
null out."""

_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_DATE_RE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_NUMBER_RE = re.compile(r"-?\d+(?:\.\d+)?")


class ScenarioFunctions(SelectorFunctions):
    """Extra JMESPath functions: pure text helpers, used mostly by reference solutions, and
    the selectors (selectors.py: a value by its label, a record by a rule)."""

    @jp_functions.signature({"types": ["string", "null"]})  # type: ignore[untyped-decorator]
    def _func_email_in(self, text: str | None) -> str | None:
        match = _EMAIL_RE.search(text or "")
        return match.group(0) if match else None

    @jp_functions.signature({"types": ["string", "null"]}, {"types": ["string"]})  # type: ignore[untyped-decorator]
    def _func_id_in(self, text: str | None, prefix: str) -> str | None:
        match = re.search(re.escape(prefix) + r"-[A-Z0-9]+", text or "")
        return match.group(0) if match else None

    @jp_functions.signature({"types": ["string", "null"]})  # type: ignore[untyped-decorator]
    def _func_date_in(self, text: str | None) -> str | None:
        match = _DATE_RE.search(text or "")
        return match.group(0) if match else None

    @jp_functions.signature({"types": ["string", "null"]})  # type: ignore[untyped-decorator]
    def _func_number_in(self, text: str | None) -> float | None:
        match = _NUMBER_RE.search(text or "")
        return float(match.group(0)) if match else None

    @jp_functions.signature({"types": ["string", "null"]})  # type: ignore[untyped-decorator]
    def _func_lower(self, text: str | None) -> str | None:
        return text.lower() if text is not None else None

    # bounded versions of what JMESPath can do: every function pays for the items it goes
    # through, and the two that build text from many values are capped

    def call_function(self, function_name: str, resolved_args: list[Any]) -> Any:
        steps = 0
        for arg in resolved_args:
            if isinstance(arg, (list, dict, str)):
                steps += len(arg)
        if function_name == "contains" and len(resolved_args) == 2:
            needle = resolved_args[1]
            if isinstance(needle, (list, dict)):  # every comparison walks the needle
                steps *= 1 + value_size(needle, MAX_STEPS)
        spend(steps)
        date_function = DATE_FUNCTIONS.get(function_name)
        if date_function is not None:
            fn, fewest, most = date_function
            if not fewest <= len(resolved_args) <= most:
                count = str(fewest) if fewest == most else f"{fewest} to {most}"
                raise ExpressionError(f"{function_name}() takes {count} arguments, got "
                                      f"{len(resolved_args)}")
            if any(arg is None for arg in resolved_args[:fewest]):
                return None  # a missing field: null, as a condition on it is simply false
            try:
                return fn(*resolved_args)
            except ExpressionError as exc:
                raise ExpressionError(f"{function_name}(): {exc}") from None
        return super().call_function(function_name, resolved_args)

    # today(), now(), lookup() and root() read the data the whole expression is evaluated over,
    # so the interpreter answers them (query.py, ROOT_FUNCTIONS); these entries only name them
    # in the function table, with their arguments

    @jp_functions.signature()  # type: ignore[untyped-decorator]
    def _func_today(self) -> str:
        raise ExpressionError("today() is answered by the interpreter")

    @jp_functions.signature()  # type: ignore[untyped-decorator]
    def _func_now(self) -> str:
        raise ExpressionError("now() is answered by the interpreter")

    @jp_functions.signature()  # type: ignore[untyped-decorator]
    def _func_root(self) -> Any:
        raise ExpressionError("root() is answered by the interpreter")

    @jp_functions.signature({"types": ["string"]},  # type: ignore[untyped-decorator]
                            {"types": [], "variadic": True})
    def _func_lookup(self, collection: str, *key: Any) -> Any:
        raise ExpressionError("lookup() is answered by the interpreter")

    @jp_functions.signature({"types": []})  # type: ignore[untyped-decorator]
    def _func_to_string(self, arg: Any) -> str:
        if isinstance(arg, str):
            return arg
        check_size(arg, MAX_RENDERED_CHARS, "to_string() result")
        return json.dumps(arg, separators=(",", ":"), default=str)

    @jp_functions.signature({"types": ["string"]},  # type: ignore[untyped-decorator]
                            {"types": ["array-string"]})
    def _func_join(self, separator: str, array: list[str]) -> str:
        total = sum(len(s) for s in array) + len(separator) * len(array)
        if total > MAX_RENDERED_CHARS:
            raise ExpressionError(f"join() result longer than {MAX_RENDERED_CHARS} characters")
        return separator.join(array)
