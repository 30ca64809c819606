"""Templates: `{{ }}` keeps the type of a whole-string value, interpolates mixed text, uses
generators only where they belong, and renders values into expressions as data, never syntax."""

from __future__ import annotations

import random

import pytest

from agentcheck.scenario.expr import (
    ExpressionError,
    Generators,
    check_template,
    clone,
    render,
    render_expression,
    search,
    to_text,
)

CTX = {"orders": [{"id": "ORD-1", "total": 84.0, "tags": ["a"]}], "args": {"id": "x' || `1`"}}


def test_whole_template_keeps_the_type_and_mixed_text_interpolates() -> None:
    assert render("{{ orders[0].total }}", CTX) == 84.0
    assert render("Total {{ orders[0].total }} for {{ orders[0].id }}", CTX) == "Total 84 for ORD-1"
    assert render({"k": ["{{ orders[0].id }}", 3]}, CTX) == {"k": ["ORD-1", 3]}
    assert render("no template", CTX) == "no template"


def test_a_rendered_list_is_a_copy() -> None:
    tags = render("{{ orders[0].tags }}", CTX)
    tags.append("b")
    assert CTX["orders"][0]["tags"] == ["a"]


def test_generators_only_with_a_source() -> None:
    assert render("{{ id('ORD') }}", {}, Generators(random.Random(1))).startswith("ORD-")
    with pytest.raises(ExpressionError, match="only be used in world data and tool effects"):
        render("{{ id('ORD') }}", {})


def test_quoted_values_stay_data_in_expressions() -> None:
    expr = render_expression("orders[?id == '{{ args.id }}'] | length(@)", CTX)
    assert search(expr, CTX) == 0  # the vendor's quote and backticks did not become syntax
    assert render_expression("total > {{ args.id }}", CTX) == "total > x || 1"


@pytest.mark.parametrize(("text", "problem"), [
    ("{{ orders[0 }}", "invalid expression"),
    ("{{ id(ORD) }}", "quoted strings or numbers"),
    ("Hello {{ name", "unclosed '{{'"),
])
def test_check_template(text: str, problem: str) -> None:
    with pytest.raises(ExpressionError, match=problem):
        check_template(text)


def test_check_template_accepts_good_text() -> None:
    check_template("Order {{ orders[0].id }} of {{ name() }}")


@pytest.mark.parametrize(("value", "text"), [
    (None, ""), (True, "true"), (2.0, "2"), (2.5, "2.5"), ({"a": "é"}, '{"a": "é"}'),
])
def test_to_text(value: object, text: str) -> None:
    assert to_text(value) == text


def test_clone_is_deep() -> None:
    data = {"a": [{"b": 1}]}
    copied = clone(data)
    copied["a"][0]["b"] = 2
    assert data == {"a": [{"b": 1}]}
