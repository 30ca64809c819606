"""`{{ ... }}` templates: where scenario text and data take the World's values. Inside the
braces an author writes a generator call (world data and tool effects only) or a JMESPath
expression over the current context (the World's collections, `args`, `record`, saved
results)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from agentcheck.scenario.expr.bounds import MAX_RENDERED_CHARS, MAX_VALUE_SIZE, check_size
from agentcheck.scenario.expr.errors import ExpressionError
from agentcheck.scenario.expr.generators import Generators, parse_generator
from agentcheck.scenario.expr.query import compile_path, search

# `{{ expr }}`; the expression is group 1, with its surrounding spaces (strip it). The body
# may not hold `{{` or `}}`, which keeps matching linear: `\{\{\s*(.*?)\s*\}\}` backtracks
# quadratically on long runs of spaces or on many unclosed `{{` (seconds to hours on a 1 MB
# hostile file).
TEMPLATE_RE = re.compile(r"\{\{((?:(?!\{\{|\}\}).)*)\}\}", re.S)
_QUOTED_TEMPLATE_RE = re.compile(r"'\{\{((?:(?!\{\{|\}\}).)*)\}\}'", re.S)


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
    if call is not None and gen is None and call[0] == "date" and len(call[1]) == 3:
        call = None  # date(2026, 5, 3) is a fixed day, also where nothing is generated
    if call is not None:
        if gen is None:
            raise ExpressionError(f"generator {call[0]}() can only be used in world data "
                                  "and tool effects")
        return gen.call(call[0], list(call[1]))
    return search(expr, ctx)


def to_text(value: Any) -> str:
    """A value as a person would write it in a sentence (1.0 as 1, true, JSON for data)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


_ATOMS = frozenset({str, int, float, bool, type(None)})
"""Exact types that a copy shares (immutable); clone is not even called for them."""


def clone(value: Any) -> Any:
    """A deep copy of JSON-like data, several times faster than copy.deepcopy (which anything
    else falls back to)."""
    if type(value) is dict:
        return {k: v if type(v) in _ATOMS else clone(v) for k, v in value.items()}
    if type(value) is list:
        return [v if type(v) in _ATOMS else clone(v) for v in value]
    if isinstance(value, dict):
        return {k: clone(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clone(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return copy.deepcopy(value)


def _text(value: Any) -> str:
    """to_text for a template's value, refusing values that would make huge text."""
    check_size(value, MAX_RENDERED_CHARS, "a template's value")
    return to_text(value)


def _substitute(text: str, evaluate: Callable[[str], Any], pattern: re.Pattern[str] = TEMPLATE_RE,
                wrap: Callable[[str], str] | None = None) -> str:
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


def _split(text: str) -> str | tuple[str, ...]:
    """A string that is exactly one template: its expression. Mixed text: literal text and
    expressions alternating (TEMPLATE_RE.split), expressions stripped."""
    whole = TEMPLATE_RE.fullmatch(text)
    if whole:
        return whole.group(1).strip()
    return tuple(p.strip() if i % 2 else p for i, p in enumerate(TEMPLATE_RE.split(text)))


_split_cached = lru_cache(maxsize=8192)(_split)
"""A scenario's templates are rendered again in every trial: each string is split once."""


def _render_text(value: str, ctx: Mapping[str, Any], gen: Generators | None) -> Any:
    parts = _split_cached(value) if len(value) <= 4096 else _split(value)
    if isinstance(parts, str):
        result = _eval_one(parts, ctx, gen)
        if isinstance(result, (list, dict)):
            check_size(result, MAX_VALUE_SIZE, "a template's value")
            # a copy: no part of the World ever shares (or contains) another part
            return clone(result)
        return result
    # as _substitute does: stop as soon as the text passes MAX_RENDERED_CHARS
    total = len(value)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            part = _text(_eval_one(part, ctx, gen))
            total += len(part)
            if total > MAX_RENDERED_CHARS:
                raise ExpressionError("rendered text is too long")
        out.append(part)
    return "".join(out)


def render(value: Any, ctx: Mapping[str, Any], gen: Generators | None = None) -> Any:
    """Render templates inside any YAML value. A string that is exactly one `{{ }}` keeps the
    type of its result (a number stays a number); mixed text is interpolated."""
    if isinstance(value, str):
        if "{{" not in value:
            return value
        return _render_text(value, ctx, gen)
    if isinstance(value, dict):
        return {k: render(v, ctx, gen) for k, v in value.items()}
    if isinstance(value, list):
        return [render(v, ctx, gen) for v in value]
    return value


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
