"""Matchers: values compared as a clerk would, operator mappings, and JMESPath truthiness."""

from __future__ import annotations

import pytest

from agentcheck.scenario.expr import OPERATORS, is_operator, loose_equal, matches, truthy


@pytest.mark.parametrize(("actual", "expected", "result"), [
    ("  Refunded ", "refunded", True),
    ("84.50", 84.5, True),
    ("1,200", 1200, True),
    (True, "true", False),  # booleans only equal booleans
    (1, True, False),
    (None, None, True),
    ("a", "b", False),
])
def test_loose_equal(actual: object, expected: object, result: bool) -> None:
    assert loose_equal(actual, expected) is result


@pytest.mark.parametrize(("actual", "expected", "result"), [
    ("ORD-1", {"not": "ORD-2"}, True),
    ("ORD-1", {"not": "ord-1"}, False),
    (120, {"gt": 100, "lte": "120"}, True),
    ("n/a", {"gt": 1}, False),
    ("b", {"in": ["a", "B"]}, True),
    ("c", {"not_in": ["a", "b"]}, True),
    (["x", "y"], {"contains": "Y"}, True),
    ("Damaged box", {"contains": "damaged"}, True),
    (None, {"exists": False}, True),
    (0, {"exists": True}, True),
    ({"id": "A", "n": 1}, {"id": "a"}, True),  # a plain mapping matches field by field
    ([1, 2], [1, "2"], True),
    ([1, 2], [1], False),
    ({"k": 1}, {"equals": {"k": "1"}}, True),
])
def test_matches(actual: object, expected: object, result: bool) -> None:
    assert matches(actual, expected) is result


def test_is_operator() -> None:
    assert all(is_operator({op: 1}) for op in OPERATORS)
    assert not is_operator({})
    assert not is_operator({"not": 1, "status": "x"})  # a record to match, not operators
    assert not is_operator("not")


@pytest.mark.parametrize("value", [None, False, "", [], {}])
def test_falsy(value: object) -> None:
    assert not truthy(value)


@pytest.mark.parametrize("value", ["0", [None], {"a": None}, True, 1])
def test_truthy(value: object) -> None:
    assert truthy(value)
