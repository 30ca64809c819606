"""The safe expression language of scenario files: `{{ ... }}` templates, conditions, matchers.

Inside `{{ }}` an author writes either a generator call (`id('ORD')`, `email()`, `amount(10, 500)`),
which draws a fresh value from the trial's seeded random source, or a JMESPath expression over the
current context (the World's collections, `args`, `record`, saved results). JMESPath is a vetted,
side-effect-free query language: nothing in a scenario can execute code.
"""

from __future__ import annotations

import copy
import datetime
import json
import random
import re
import string
import threading
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import jmespath
from jmespath import functions as jp_functions
from jmespath import visitor as jp_visitor
from jmespath.exceptions import JMESPathError

# `{{ expr }}`; the expression is group 1, with its surrounding spaces (strip it). The body
# may not hold `{{` or `}}`, which keeps matching linear: `\{\{\s*(.*?)\s*\}\}` backtracks
# quadratically on long runs of spaces or on many unclosed `{{` (seconds to hours on a 1 MB
# hostile file).
TEMPLATE_RE = re.compile(r"\{\{((?:(?!\{\{|\}\}).)*)\}\}", re.S)
_CALL_RE = re.compile(r"^([a-z_]+)\((.*)\)$", re.S)
_ARG_RE = re.compile(r"\s*(?:'([^']*)'|\"([^\"]*)\"|(-?\d+(?:\.\d+)?))\s*(?:,|$)")
MAX_RENDERED_CHARS = 100_000
MAX_STEPS = 200_000
"""What one expression evaluation may do: JMESPath nodes visited plus the items its functions
and comparisons go through. Scenario expressions need a few hundred; a hostile one (projections
that multiply a list at every stage) stops here instead of running for hours."""
MAX_VALUE_SIZE = 1_000_000
"""Largest value (items plus characters) a template may produce: a list of references to the
whole World, repeated, must not turn into gigabytes of text or records."""
MAX_GENERATED_CHARS = 64
"""Longest id('...', n) or digits(n) a generator makes."""

FIRST_NAMES = (
    "Amara", "Bjorn", "Chen", "Dalia", "Emeka", "Farah", "Goran", "Hana", "Ines", "Jonas",
    "Kenji", "Leila", "Mateo", "Nadia", "Oskar", "Priya", "Quinn", "Rosa", "Sven", "Tariq",
    "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zofia",
)
LAST_NAMES = (
    "Abara", "Brandt", "Castillo", "Dubois", "Eriksen", "Fontaine", "Gallo", "Haddad", "Ivanova",
    "Jansen", "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov", "Quintero", "Rossi",
    "Sato", "Tanaka", "Ueda", "Varga", "Weber", "Yilmaz", "Zeller",
)
COMPANIES = (
    "Northwind Traders", "Contoso Freight", "Fabrikam Parts", "Tailspin Supplies",
    "Litware Systems", "Proseware Labs", "Adatum Medical", "Woodgrove Foods", "Relecloud Media",
    "Wingtip Tools", "Lamna Logistics", "Alpine Ski House",
)
DOMAINS = ("example.com", "example.org", "example.net")


class ExpressionError(ValueError):
    """A template, condition or selector that cannot be parsed or evaluated."""


class Generators:
    """Seeded value generators; one instance per World so every trial is reproducible."""

    NAMES = ("id", "email", "name", "first_name", "last_name", "company", "amount", "integer",
             "digits", "pick", "phone", "date")

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def call(self, name: str, args: list[Any]) -> Any:
        fn = getattr(self, "gen_" + name, None)
        if fn is None:
            raise ExpressionError(f"unknown generator {name}() (expected one of "
                                  f"{', '.join(self.NAMES)})")
        try:
            return fn(*args)
        except ExpressionError:
            raise
        except (TypeError, ValueError, OverflowError) as exc:  # wrong arguments, empty range
            raise ExpressionError(f"{name}(): {exc}") from None

    @staticmethod
    def _length(n: Any) -> int:
        if not 0 <= int(n) <= MAX_GENERATED_CHARS:
            raise ValueError(f"length must be between 0 and {MAX_GENERATED_CHARS}")
        return int(n)

    def gen_id(self, prefix: str = "ID", length: int = 6) -> str:
        alphabet = string.ascii_uppercase + string.digits
        return f"{prefix}-" + "".join(self.rng.choice(alphabet)
                                      for _ in range(self._length(length)))

    def gen_first_name(self) -> str:
        return self.rng.choice(FIRST_NAMES)

    def gen_last_name(self) -> str:
        return self.rng.choice(LAST_NAMES)

    def gen_name(self) -> str:
        return f"{self.gen_first_name()} {self.gen_last_name()}"

    def gen_email(self, domain: str | None = None) -> str:
        user = self.gen_first_name().lower() + "." + self.gen_last_name().lower()
        user += str(self.rng.randint(10, 99))
        return f"{user}@{domain or self.rng.choice(DOMAINS)}"

    def gen_company(self) -> str:
        return self.rng.choice(COMPANIES)

    def gen_amount(self, low: float = 10, high: float = 1000) -> float:
        return round(self.rng.uniform(float(low), float(high)), 2)

    def gen_integer(self, low: int = 1, high: int = 100) -> int:
        return self.rng.randint(int(low), int(high))

    def gen_digits(self, count: int = 6) -> str:
        return "".join(self.rng.choice(string.digits) for _ in range(self._length(count)))

    def gen_pick(self, *options: Any) -> Any:
        if not options:
            raise ExpressionError("pick() needs at least one option")
        return self.rng.choice(options)

    def gen_phone(self) -> str:
        return f"+1-555-{self.rng.randint(100, 999)}-{self.rng.randint(1000, 9999)}"

    def gen_date(self, start: str = "2026-01-01", span_days: int = 300) -> str:
        if not 0 <= int(span_days) <= 100_000:
            raise ValueError("span_days must be between 0 and 100000")
        day = datetime.date.fromisoformat(start) + datetime.timedelta(
            days=self.rng.randint(0, int(span_days)))
        return day.isoformat()


_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_DATE_RE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_NUMBER_RE = re.compile(r"-?\d+(?:\.\d+)?")


class _Functions(jp_functions.Functions):  # type: ignore[misc]
    """Extra JMESPath functions: pure text helpers, used mostly by reference solutions."""

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
        _spend(steps)
        return super().call_function(function_name, resolved_args)

    @jp_functions.signature({"types": []})  # type: ignore[untyped-decorator]
    def _func_to_string(self, arg: Any) -> str:
        if isinstance(arg, str):
            return arg
        _check_size(arg, MAX_RENDERED_CHARS, "to_string() result")
        return json.dumps(arg, separators=(",", ":"), default=str)

    @jp_functions.signature({"types": ["string"]},  # type: ignore[untyped-decorator]
                            {"types": ["array-string"]})
    def _func_join(self, separator: str, array: list[str]) -> str:
        total = sum(len(s) for s in array) + len(separator) * len(array)
        if total > MAX_RENDERED_CHARS:
            raise ExpressionError(f"join() result longer than {MAX_RENDERED_CHARS} characters")
        return separator.join(array)


class _Budget(threading.local):
    left: int | None = None


_BUDGET = _Budget()


def _spend(steps: int) -> None:
    if _BUDGET.left is None:
        return
    _BUDGET.left -= steps
    if _BUDGET.left < 0:
        raise ExpressionError(f"expression needs more than {MAX_STEPS} steps (projections "
                              "multiplying lists, or functions over very large values)")


def value_size(value: Any, limit: int) -> int:
    """Items plus characters in a JSON-like value (a lower bound of its JSON text), counting
    shared references each time; stops counting past `limit`, so it is cheap on anything huge,
    shared many times over, or cyclic."""
    size = 0
    stack = [value]
    while stack:
        item = stack.pop()
        size += 1
        if isinstance(item, str):
            size += len(item)
        elif isinstance(item, dict):
            size += sum(len(k) for k in item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        if size > limit:
            return size
    return size


def _check_size(value: Any, limit: int, what: str) -> None:
    if isinstance(value, (list, dict)) and value_size(value, limit) > limit:
        raise ExpressionError(f"{what} is too large (more than {limit:,} items and characters)")


def _bounded_equals(a: Any, b: Any) -> bool:
    if a is not b and isinstance(a, (list, dict)) and isinstance(b, (list, dict)):
        _spend(min(value_size(a, MAX_STEPS), value_size(b, MAX_STEPS)))
    return bool(jp_visitor._equals(a, b))


class _Interpreter(jp_visitor.TreeInterpreter):  # type: ignore[misc]
    """JMESPath's interpreter, paying one step per node it visits."""

    COMPARATOR_FUNC = {**jp_visitor.TreeInterpreter.COMPARATOR_FUNC,
                       "eq": _bounded_equals,
                       "ne": lambda a, b: not _bounded_equals(a, b)}

    def visit(self, node: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        left = _BUDGET.left
        if left is not None:
            if left <= 0:
                _spend(1)
            _BUDGET.left = left - 1
        return super().visit(node, *args, **kwargs)


_OPTIONS = jmespath.Options(custom_functions=_Functions())


@lru_cache(maxsize=4096)
def compile_path(expr: str) -> Any:
    """Compile a JMESPath expression once; raises ExpressionError with the parser's reason."""
    if len(expr) > 2000:
        raise ExpressionError("expression longer than 2000 characters")
    try:
        return jmespath.compile(expr)
    except JMESPathError as exc:
        raise ExpressionError(f"invalid expression {expr!r}: {_short(exc)}") from None


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


_SIMPLE_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[-?[0-9]+\])*")
_PATH_STEP = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(-?[0-9]+)\]")


@lru_cache(maxsize=4096)
def _simple_path(expr: str) -> tuple[str | int, ...] | None:
    """`orders[0].customer_id` as ('orders', 0, 'customer_id'); None for anything else."""
    if len(expr) > 2000 or not _SIMPLE_PATH.fullmatch(expr):
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
    steps = _simple_path(expr)
    if steps is not None:
        return _walk(data, steps)
    outer = _BUDGET.left
    _BUDGET.left = MAX_STEPS
    try:
        return _Interpreter(_OPTIONS).visit(compile_path(expr).parsed, data)
    except RecursionError:
        raise ExpressionError(f"cannot evaluate {expr!r}: nested too deeply") from None
    except JMESPathError as exc:
        raise ExpressionError(f"cannot evaluate {expr!r}: {_short(exc)}") from None
    except ExpressionError:
        raise
    except (TypeError, ValueError) as exc:  # e.g. jmespath comparing '4' > 0
        raise ExpressionError(f"cannot evaluate {expr!r}: {exc}") from None
    finally:
        _BUDGET.left = outer


@lru_cache(maxsize=4096)
def parse_generator(expr: str) -> tuple[str, tuple[Any, ...]] | None:
    """`amount(10, 500)` -> ('amount', (10, 500)); None when `expr` is not a generator call."""
    match = _CALL_RE.match(expr.strip())
    if not match or match.group(1) not in Generators.NAMES:
        return None
    name, raw = match.group(1), match.group(2).strip()
    args: list[Any] = []
    pos = 0
    while pos < len(raw):
        arg = _ARG_RE.match(raw, pos)
        if not arg or arg.end() == pos:
            raise ExpressionError(f"{name}(): arguments must be quoted strings or numbers")
        if arg.group(3) is not None:
            num = arg.group(3)
            args.append(float(num) if "." in num else int(num))
        else:
            args.append(arg.group(1) if arg.group(1) is not None else arg.group(2))
        pos = arg.end()
    return name, tuple(args)


def check_template(text: str) -> None:
    """Raise ExpressionError if any `{{ }}` in `text` cannot be parsed."""
    for expr in TEMPLATE_RE.findall(text):
        expr = expr.strip()
        if parse_generator(expr) is None:
            compile_path(expr)
    if "{{" in TEMPLATE_RE.sub("", text):
        raise ExpressionError("unclosed '{{' in template")


def _eval_one(expr: str, ctx: Mapping[str, Any], gen: Generators | None) -> Any:
    call = parse_generator(expr)
    if call is not None:
        if gen is None:
            raise ExpressionError(f"generator {call[0]}() can only be used in world data "
                                  "and tool effects")
        return gen.call(call[0], list(call[1]))
    return search(expr, ctx)


def to_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def clone(value: Any) -> Any:
    """A deep copy of JSON-like data, several times faster than copy.deepcopy (which anything
    else falls back to)."""
    if isinstance(value, dict):
        return {k: clone(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clone(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return copy.deepcopy(value)


def _text(value: Any) -> str:
    """to_text for a template's value, refusing values that would make huge text."""
    _check_size(value, MAX_RENDERED_CHARS, "a template's value")
    return to_text(value)


def _substitute(text: str, evaluate: Any, pattern: re.Pattern[str] = TEMPLATE_RE,
                wrap: Any = None) -> str:
    """Replace each template in `text` with its value as text, stopping as soon as the result
    passes MAX_RENDERED_CHARS (thousands of copies of a long value never get built)."""
    total = len(text)

    def piece(match: re.Match[str]) -> str:
        nonlocal total
        out = _text(evaluate(match.group(1).strip()))
        if wrap is not None:
            out = wrap(out)
        total += len(out)
        if total > MAX_RENDERED_CHARS:
            raise ExpressionError("rendered text is too long")
        return str(out)

    return pattern.sub(piece, text)


def render(value: Any, ctx: Mapping[str, Any], gen: Generators | None = None) -> Any:
    """Render templates inside any YAML value. A string that is exactly one `{{ }}` keeps the
    type of its result (a number stays a number); mixed text is interpolated."""
    if isinstance(value, str):
        if "{{" not in value:
            return value
        whole = TEMPLATE_RE.fullmatch(value)
        if whole:
            result = _eval_one(whole.group(1).strip(), ctx, gen)
            if isinstance(result, (list, dict)):
                _check_size(result, MAX_VALUE_SIZE, "a template's value")
                # a copy: no part of the World ever shares (or contains) another part
                return clone(result)
            return result
        return _substitute(value, lambda expr: _eval_one(expr, ctx, gen))
    if isinstance(value, dict):
        return {k: render(v, ctx, gen) for k, v in value.items()}
    if isinstance(value, list):
        return [render(v, ctx, gen) for v in value]
    return value


_QUOTED_TEMPLATE_RE = re.compile(r"'\{\{((?:(?!\{\{|\}\}).)*)\}\}'", re.S)


def render_expression(text: str, ctx: Mapping[str, Any]) -> str:
    """Render templates inside an expression's text so values cannot change its meaning.

    A template in quotes, '{{ args.id }}', becomes a JSON string literal: whatever a vendor puts
    in an argument (quotes, backslashes, backticks) stays data, never syntax. A bare template is
    meant for numbers; anything that could end a literal is removed from it."""
    if "{{" not in text:
        return text

    def evaluate(expr: str) -> Any:
        return _eval_one(expr, ctx, None)

    def quoted(value: str) -> str:
        return "`" + json.dumps(value, ensure_ascii=False).replace("`", "\\`") + "`"

    def bare(value: str) -> str:
        return re.sub(r"[`'\"\\]", "", value)

    return _substitute(_substitute(text, evaluate, _QUOTED_TEMPLATE_RE, quoted), evaluate,
                       TEMPLATE_RE, bare)


# ---------------------------------------------------------------------------------------------
# Matchers: how `where:` clauses and milestone arguments compare values.

OPERATORS = ("equals", "not", "gt", "gte", "lt", "lte", "in", "not_in", "contains", "exists")


def is_operator(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and all(k in OPERATORS for k in value)


def _num(value: Any) -> float | None:
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
    a, e = _num(actual), _num(expected)
    if a is not None and e is not None:
        return abs(a - e) < 1e-9
    return bool(actual == expected)


def matches(actual: Any, expected: Any) -> bool:
    """Does `actual` satisfy `expected` (a plain value or an operator mapping)?"""
    if not is_operator(expected):
        if isinstance(expected, dict) and isinstance(actual, dict):
            return all(matches(actual.get(k), v) for k, v in expected.items())
        if isinstance(expected, list) and isinstance(actual, list):
            return len(actual) == len(expected) and all(
                matches(a, e) for a, e in zip(actual, expected, strict=True))
        return loose_equal(actual, expected)
    return all(_apply(op, actual, want) for op, want in expected.items())


def _apply(op: str, actual: Any, want: Any) -> bool:
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
    a, w = _num(actual), _num(want)
    if a is None or w is None:
        return False
    return {"gt": a > w, "gte": a >= w, "lt": a < w, "lte": a <= w}[op]


def truthy(value: Any) -> bool:
    """JMESPath truthiness: false, null, empty strings, lists and objects are false."""
    return value not in (None, False, "", [], {})
