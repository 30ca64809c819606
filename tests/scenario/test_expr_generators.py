"""Generators: seeded, reproducible values with the shapes scenarios rely on, and clear errors
for calls a scenario author gets wrong."""

from __future__ import annotations

import random
import re

import pytest

from agentcheck.scenario.expr import ExpressionError, Generators
from agentcheck.scenario.expr.generators import MAX_GENERATED_CHARS, parse_generator


def gen(seed: int = 1) -> Generators:
    return Generators(random.Random(seed), today="2026-05-04")


def test_same_seed_same_values_other_seed_other_values() -> None:
    def draw(seed: int) -> list[object]:
        g = gen(seed)
        return [g.call(name, []) for name in Generators.NAMES if name != "pick"]

    assert draw(3) == draw(3)
    assert draw(3) != draw(4)


@pytest.mark.parametrize(("name", "args", "shape"), [
    ("id", ["ORD"], r"ORD-[A-Z0-9]{6}"),
    ("id", ["T", 3], r"T-[A-Z0-9]{3}"),
    ("email", [], r"[a-z]+\.[a-z]+\d\d@example\.(com|org|net)"),
    ("email", ["acme.test"], r"[a-z]+\.[a-z]+\d\d@acme\.test"),
    ("name", [], r"[A-Z][a-z]+ [A-Z][a-z]+"),
    ("digits", [4], r"\d{4}"),
    ("phone", [], r"\+1-555-\d{3}-\d{4}"),
    ("date", ["2026-03-01", 0], r"2026-03-01"),
])
def test_shapes(name: str, args: list[object], shape: str) -> None:
    assert re.fullmatch(shape, str(gen().call(name, args)))


def test_numbers_stay_in_their_range() -> None:
    g = gen()
    for _ in range(200):
        assert 10 <= g.call("amount", [10, 20]) <= 20
        assert 1 <= g.call("integer", [1, 3]) <= 3
    assert g.call("pick", ["a"]) == "a"


@pytest.mark.parametrize(("name", "args", "problem"), [
    ("nope", [], "unknown generator nope()"),
    ("pick", [], "at least one option"),
    ("id", ["X", MAX_GENERATED_CHARS + 1], "length must be between"),
    ("integer", [5, 1], "integer():"),
    ("date", ["not a date"], "date():"),
    ("email", [1, 2, 3], "email():"),
])
def test_wrong_calls_are_expression_errors(name: str, args: list[object], problem: str) -> None:
    with pytest.raises(ExpressionError, match=re.escape(problem)):
        gen().call(name, args)


def test_parse_generator_reads_quoted_strings_and_numbers() -> None:
    assert parse_generator("amount(10, 500.5)") == ("amount", (10, 500.5))
    assert parse_generator(" id('ORD', 4) ") == ("id", ("ORD", 4))
    assert parse_generator('email("x.test")') == ("email", ("x.test",))
    assert parse_generator("orders[0].id") is None
    assert parse_generator("length(orders)") is None  # a JMESPath function, not a generator
    with pytest.raises(ExpressionError, match="quoted strings or numbers"):
        parse_generator("id(ORD)")
