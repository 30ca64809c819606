"""Matchers: how `where:` clauses, guards, outcome conditions and milestone arguments compare a
value with what the scenario expects: a plain value (compared as a clerk would: case, spaces
and number formats ignored) or an operator mapping such as `{not: ...}` or `{gte: 100}`; the
order operators compare two ISO dates as dates (`{lte: '{{ orders[0].promised }}'}`)."""

from __future__ import annotations

from typing import Any

import agentcheck.scenario.expr.dates as dates
from agentcheck.scenario.expr.equality import as_number, loose_equal
from agentcheck.scenario.expr.templates import to_text

OPERATORS = ("equals", "not", "gt", "gte", "lt", "lte", "in", "not_in", "contains", "exists")


def is_operator(value: Any) -> bool:
    """Is `value` an operator mapping (every key an operator), not a plain mapping to match?"""
    return isinstance(value, dict) and bool(value) and all(k in OPERATORS for k in value)


def matches(actual: Any, expected: Any) -> bool:
    """Does `actual` satisfy `expected` (a plain value or an operator mapping)?"""
    if not is_operator(expected):
        if isinstance(expected, dict) and isinstance(actual, dict):
            return all(matches(actual.get(k), v) for k, v in expected.items())
        if isinstance(expected, list) and isinstance(actual, list):
            return len(actual) == len(expected) and all(
                matches(a, e) for a, e in zip(actual, expected, strict=True))
        return loose_equal(actual, expected)
    return all(_operator(op, actual, want) for op, want in expected.items())


def _operator(op: str, actual: Any, want: Any) -> bool:
    if op == "equals":
        return matches(actual, want)
    if op == "not":
        return not matches(actual, want)
    if op == "exists":
        return (actual is not None) == bool(want)
    if op in ("in", "not_in"):
        options = want if isinstance(want, list) else [want]
        found = any(loose_equal(actual, o) for o in options)
        return found if op == "in" else not found
    if op == "contains":
        if isinstance(actual, list):
            return any(loose_equal(a, want) for a in actual)
        return isinstance(actual, str) and to_text(want).casefold() in actual.casefold()
    a, w = as_number(actual), as_number(want)
    if a is None or w is None:
        order = dates.compare(actual, want)  # two ISO dates: {lte: '2026-05-04'}
        if order is None:
            return False
        a, w = float(order), 0.0
    return {"gt": a > w, "gte": a >= w, "lt": a < w, "lte": a <= w}[op]


def truthy(value: Any) -> bool:
    """JMESPath truthiness: false, null, empty strings, lists and objects are false."""
    return value not in (None, False, "", [], {})
