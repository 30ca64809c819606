"""Equality as a clerk judges it (case, surrounding spaces and number formats ignored): the one
comparison shared by the matchers and by lookup() in queries, kept in a module of its own that
imports nothing else of the expression layer, so the query engine and the matchers (which render
templates, which run queries) do not import each other."""

from __future__ import annotations

from typing import Any


def as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().replace(",", ""))
        except ValueError:
            return None
    return None


def loose_equal(actual: Any, expected: Any) -> bool:
    """Equality as a clerk would judge it: case, surrounding spaces and number formats ignored."""
    if isinstance(actual, str) and isinstance(expected, str):
        return actual.strip().casefold() == expected.strip().casefold()
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected
    a, e = as_number(actual), as_number(expected)
    if a is not None and e is not None:
        return abs(a - e) < 1e-9
    return bool(actual == expected)
