"""Selecting from the World: JMESPath (a vetted, side-effect-free query language, so nothing in
a scenario can execute code), compiled once per expression, with the scenario functions added,
a step budget on its interpreter, and plain `orders[0].id` paths answered without it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import jmespath
from jmespath import ast as jp_ast
from jmespath import parser as jp_parser
from jmespath import visitor as jp_visitor
from jmespath.exceptions import JMESPathError, ParseError

from agentcheck.scenario.expr.bounds import MAX_STEPS, budget, spend, value_size
from agentcheck.scenario.expr.dates import CLOCK
from agentcheck.scenario.expr.equality import loose_equal
from agentcheck.scenario.expr.errors import ExpressionError, LookupMissing
from agentcheck.scenario.expr.functions import ScenarioFunctions

MAX_EXPRESSION_CHARS = 2000


def _bounded_equals(a: Any, b: Any) -> bool:
    if a is not b and isinstance(a, (list, dict)) and isinstance(b, (list, dict)):
        spend(min(value_size(a, MAX_STEPS), value_size(b, MAX_STEPS)))
    return bool(jp_visitor._equals(a, b))


ROOT_FUNCTIONS = ("today", "now", "lookup", "root")
"""Functions that read the data the whole expression is evaluated over, not their arguments:
the trial's clock (`today()`, `now()`), a record of a collection (`lookup`), and the root itself
(`root()`, so a filter can compare each record with `root().args.max_price`)."""


def _clock(root: Any, name: str) -> Any:
    clock = root.get(CLOCK) if isinstance(root, Mapping) else None
    if not (isinstance(clock, list) and clock and isinstance(clock[0], Mapping)):
        raise ExpressionError(f"{name}() needs the scenario's clock (add `clock: {{today: "
                              "2026-05-04}` to the scenario)")
    return clock[0].get(name)


def lookup(root: Any, args: list[Any]) -> Any:
    """`lookup('options', value)`: the first record of the collection whose `id` is `value`;
    `lookup('options', 'code', value)` by another field. None found is a LookupMissing; a null
    value gives null."""
    if len(args) not in (2, 3) or not isinstance(args[0], str) or \
            (len(args) == 3 and not isinstance(args[1], str)):
        raise ExpressionError("lookup() takes a collection name, an optional field name and a "
                              "value: lookup('options', args.option_id)")
    collection, field, value = (args[0], "id", args[1]) if len(args) == 2 else args
    records = root.get(collection) if isinstance(root, Mapping) else None
    if not isinstance(records, list) or collection == CLOCK:
        raise ExpressionError(f"lookup(): no collection {collection!r}")
    if value is None:
        return None  # a missing field or argument: null, as the date functions give
    spend(len(records))
    if not isinstance(value, (list, dict)):
        for record in records:
            if isinstance(record, Mapping) and loose_equal(record.get(field), value):
                return record
    raise LookupMissing(f"no {collection} record has {field} {value!r}")


class _Parser(jp_parser.Parser):  # type: ignore[misc]
    """JMESPath's parser, also reading a bare number as a literal (`add_days(today(), 3)`,
    `[?total > 10]`, where JMESPath wants `3` in backticks); `[0]` stays an index."""

    _CACHE: dict[str, Any] = {}

    def _token_nud_number(self, token: dict[str, Any]) -> Any:
        return jp_ast.literal(token["value"])


class _Interpreter(jp_visitor.TreeInterpreter):  # type: ignore[misc]
    """JMESPath's interpreter, paying one step per node it visits, with ROOT_FUNCTIONS."""

    COMPARATOR_FUNC = {**jp_visitor.TreeInterpreter.COMPARATOR_FUNC,
                       "eq": _bounded_equals,
                       "ne": lambda a, b: not _bounded_equals(a, b)}

    def __init__(self, options: Any, root: Any) -> None:
        super().__init__(options)
        self.root = root

    def visit_function_expression(self, node: dict[str, Any], value: Any) -> Any:
        name = node["value"]
        if name not in ROOT_FUNCTIONS:
            return super().visit_function_expression(node, value)
        args = [self.visit(child, value) for child in node["children"]]
        if name == "lookup":
            return lookup(self.root, args)
        if args:
            raise ExpressionError(f"{name}() takes no arguments")
        return self.root if name == "root" else _clock(self.root, name)

    def visit(self, node: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        left = budget.left
        if left is not None:
            if left <= 0:
                spend(1)
            budget.left = left - 1
        return super().visit(node, *args, **kwargs)


_OPTIONS = jmespath.Options(custom_functions=ScenarioFunctions())


@lru_cache(maxsize=4096)
def compile_path(expr: str) -> Any:
    """Compile a JMESPath expression once; raises ExpressionError with the parser's reason."""
    if len(expr) > MAX_EXPRESSION_CHARS:
        raise ExpressionError(f"expression longer than {MAX_EXPRESSION_CHARS} characters")
    try:
        return jp_parser.ParsedResult(expr, _Parser().parse(expr).parsed)
    except JMESPathError as exc:
        raise ExpressionError(f"invalid expression {expr!r}: {_short(exc)}") from None


def _short(exc: Exception) -> str:
    """The whole reason, on one line: a parse error's several lines (reason, expression, caret)
    become the reason and where it lies ('at column 12, after ...')."""
    text = str(exc)
    if not text:
        return type(exc).__name__
    lines = text.splitlines()
    if not isinstance(exc, ParseError) or len(lines) < 2:
        return " ".join(line.strip() for line in lines)
    pos = exc.lex_position if isinstance(exc.lex_position, int) else None
    expr = exc.expression if isinstance(exc.expression, str) else None
    head = lines[0].rstrip(": ").removesuffix(", for expression")
    if pos is None or expr is None:
        return head
    column = "" if "at column" in head else f" at column {pos + 1}"
    where = f"{head}{column}, after {expr[:pos]!r}"
    return where + (f", before {expr[pos:]!r}" if expr[pos:] else " (the end)")


_SIMPLE_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[-?[0-9]+\])*")
_PATH_STEP = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(-?[0-9]+)\]")


@lru_cache(maxsize=4096)
def _simple_path(expr: str) -> tuple[str | int, ...] | None:
    """`orders[0].customer_id` as ('orders', 0, 'customer_id'); None for anything else."""
    if len(expr) > MAX_EXPRESSION_CHARS or not _SIMPLE_PATH.fullmatch(expr):
        return None
    return tuple(m.group(1) if m.group(1) is not None else int(m.group(2))
                 for m in _PATH_STEP.finditer(expr))


def _walk(data: Any, steps: tuple[str | int, ...]) -> Any:
    """JMESPath's result for a plain field/index path, without its tree interpreter (most
    expressions in scenarios are such paths): a missing field, an index out of range or a
    step into the wrong type gives None, as in JMESPath."""
    value = data
    for step in steps:
        if isinstance(step, str):
            value = value.get(step) if isinstance(value, Mapping) else None
        elif isinstance(value, list) and -len(value) <= step < len(value):
            value = value[step]
        else:
            return None
    return value


def search(expr: str, data: Mapping[str, Any]) -> Any:
    """Evaluate a JMESPath expression over `data`, within MAX_STEPS; any failure is an
    ExpressionError naming the expression."""
    steps = _simple_path(expr)
    if steps is not None:
        return _walk(data, steps)
    outer = budget.left
    budget.left = MAX_STEPS
    try:
        return _Interpreter(_OPTIONS, data).visit(compile_path(expr).parsed, data)
    except RecursionError:
        raise ExpressionError(f"cannot evaluate {expr!r}: nested too deeply") from None
    except JMESPathError as exc:
        raise ExpressionError(f"cannot evaluate {expr!r}: {_short(exc)}") from None
    except ExpressionError:
        raise
    except (TypeError, ValueError) as exc:  # e.g. jmespath comparing '4' > 0
        raise ExpressionError(f"cannot evaluate {expr!r}: {exc}") from None
    finally:
        budget.left = outer
