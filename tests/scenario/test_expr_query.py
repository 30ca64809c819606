"""Queries over the World: JMESPath with the scenario functions, the fast path for plain paths,
and errors that name the expression (bounds under attack are fuzzed in test_fuzz.py)."""

from __future__ import annotations

import re

import pytest

from agentcheck.scenario.expr import ExpressionError, compile_path, search

WORLD = {"orders": [{"id": "ORD-1", "total": 5}, {"id": "ORD-2", "total": 50}],
         "user": "Hi, I'm ana.ruiz@example.com, order ORD-7Q2 on 2026-04-02 for 12.50 EUR"}


@pytest.mark.parametrize(("expr", "value"), [
    ("orders[1].id", "ORD-2"),
    ("orders[-1].total", 50),
    ("orders[5].id", None),
    ("orders.id", None),  # a field of a list is null in JMESPath, and on the fast path
    ("orders[?total > `10`] | [0].id", "ORD-2"),
    ("length(orders)", 2),
])
def test_search(expr: str, value: object) -> None:
    assert search(expr, WORLD) == value


@pytest.mark.parametrize(("expr", "value"), [
    ("email_in(user)", "ana.ruiz@example.com"),
    ("id_in(user, 'ORD')", "ORD-7Q2"),
    ("date_in(user)", "2026-04-02"),
    ("number_in('about 12.50 EUR')", 12.5),
    ("lower('ABC')", "abc"),
    ("email_in(missing)", None),
    ("to_string(orders[0])", '{"id":"ORD-1","total":5}'),
    ("join('-', ['a', 'b'])", "a-b"),
])
def test_scenario_functions(expr: str, value: object) -> None:
    assert search(expr, WORLD) == value


def test_compile_errors_name_the_expression() -> None:
    with pytest.raises(ExpressionError, match=r"invalid expression 'orders\[0'"):
        compile_path("orders[0")
    with pytest.raises(ExpressionError, match="longer than 2000"):
        compile_path("a" * 2001)


def test_evaluation_errors_name_the_expression() -> None:
    with pytest.raises(ExpressionError, match=re.escape("cannot evaluate 'lower(orders)'")):
        search("lower(orders)", WORLD)
