"""A value a JSON Schema accepts, for the arguments a proof has to make up (a minefield's other
required parameters): it honours type, enum/const, `pattern`, `format` (date, date-time, time,
email, uri, uuid, hostname, ipv4), minLength/maxLength, numeric bounds and multipleOf,
minItems, and required properties, so a made-up call is never rejected for its form alone.

Values the World already holds under the parameter's name are preferred (a real id reads like
one); every candidate is checked with `jsonschema` (formats included) before it is returned.
Deterministic: no randomness, the smallest value that fits. Hypothesis' from_schema would do
this too, but hypothesis is a test-time dependency, not a run-time one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from re import _constants as sre_c  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import jsonschema

_FORMATS: dict[str, str] = {
    "date": "2026-01-15",
    "date-time": "2026-01-15T09:00:00Z",
    "time": "09:00:00Z",
    "email": "someone@example.com",
    "idn-email": "someone@example.com",
    "uri": "https://example.com/",
    "iri": "https://example.com/",
    "uri-reference": "https://example.com/",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "duration": "P1D",
}
_CATEGORY_CHAR = {
    sre_c.CATEGORY_DIGIT: "1", sre_c.CATEGORY_NOT_DIGIT: "a",
    sre_c.CATEGORY_WORD: "a", sre_c.CATEGORY_NOT_WORD: "-",
    sre_c.CATEGORY_SPACE: " ", sre_c.CATEGORY_NOT_SPACE: "a",
}
_PRINTABLE = "aA1-_ .x0"
MAX_REGEX_TEXT = 10_000


def valid(schema: dict[str, Any], value: Any) -> bool:
    """Whether `schema` accepts `value`, formats included (a model checks them)."""
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return bool(validator.is_valid(value))


def make_value(schema: Any, known: Iterable[Any] = ()) -> Any:
    """A value `schema` accepts: one of `known` if any fits, else one built from the schema;
    None only when nothing built fits (a contradictory or exotic schema)."""
    if not isinstance(schema, dict):
        return None
    for value in known:
        if value is not None and valid(schema, value):
            return value
    for value in _candidates(schema):
        if valid(schema, value):
            return value
    return None


def _candidates(schema: dict[str, Any]) -> list[Any]:
    if "const" in schema:
        return [schema["const"]]
    if isinstance(schema.get("enum"), list):
        return list(schema["enum"])
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list):
            out: list[Any] = []
            for branch in schema[key]:
                if isinstance(branch, dict):
                    merged = {k: v for k, v in schema.items() if k != key}
                    out.extend(_candidates({**merged, **branch}))
            return out
    kind = schema.get("type", "string")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"] or ["null"]
        return [v for k in kinds for v in _candidates({**schema, "type": k})]
    if kind == "string":
        return _strings(schema)
    if kind in ("integer", "number"):
        return [_number(schema, kind == "integer")]
    if kind == "boolean":
        return [True, False]
    if kind == "null":
        return [None]
    if kind == "array":
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        item = make_value(items)
        count = int(schema.get("minItems", 0))
        return [[item] * count, [item] * max(count, 1)]
    if kind == "object":
        props = schema.get("properties")
        props = props if isinstance(props, dict) else {}
        return [{name: make_value(props.get(name, {}))
                 for name in schema.get("required", []) if isinstance(name, str)}]
    return []


def _strings(schema: dict[str, Any]) -> list[str]:
    low = int(schema.get("minLength", 0))
    high = schema.get("maxLength")
    pattern = schema.get("pattern")
    fmt = schema.get("format")
    out: list[str] = []
    if isinstance(fmt, str) and fmt in _FORMATS:
        out.append(_FORMATS[fmt])
    if isinstance(pattern, str):
        for extra in (0, 1, 2, 4, 8, 16, 64, 256):
            text = from_regex(pattern, extra)
            if text is None:
                break
            out.append(text)
            if len(text) >= low:
                break
    base = out[0] if out else "x"
    if len(base) < low:
        out.append(base + "x" * (low - len(base)))
    if isinstance(high, int) and len(base) > high:
        out.append(base[:high])
    out.append("x" * max(low, 1))
    return out


def _number(schema: dict[str, Any], integer: bool) -> float | int:
    lo, hi = schema.get("minimum"), schema.get("maximum")
    xlo, xhi = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    step = schema.get("multipleOf")
    bottom = max([v for v in (lo,) if isinstance(v, (int, float))]
                 + [v + (1 if integer else 0) for v in (xlo,) if isinstance(v, (int, float))],
                 default=None)
    top = min([v for v in (hi,) if isinstance(v, (int, float))]
              + [v - (1 if integer else 0) for v in (xhi,) if isinstance(v, (int, float))],
              default=None)
    value: float = 1 if bottom is None else bottom
    if top is not None and value > top:
        value = top
    if not integer and isinstance(xlo, (int, float)) and value <= xlo:
        value = xlo + 1 if top is None or xlo + 1 < top else (xlo + top) / 2
    if isinstance(step, (int, float)) and step > 0:
        value = math.ceil(value / step) * step
    if integer:
        return math.ceil(value)
    return value


def from_regex(pattern: str, extra: int = 0) -> str | None:
    """The shortest text `pattern` matches (each open repeat taken `extra` more times than its
    minimum), for the regular expressions tool schemas use; None for what it cannot build
    (back-references to unknown groups, look-arounds it would have to satisfy)."""
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError):
        return None
    try:
        text = _build(list(parsed), extra, {})
    except _Unbuildable:
        return None
    if len(text) > MAX_REGEX_TEXT or re.search(pattern, text) is None:
        return None
    return text


class _Unbuildable(Exception):
    pass


def _build(items: list[Any], extra: int, groups: dict[int, str]) -> str:
    out = []
    for op, arg in items:
        out.append(_one(op, arg, extra, groups))
    return "".join(out)


def _one(op: Any, arg: Any, extra: int, groups: dict[int, str]) -> str:
    if op is sre_c.LITERAL:
        return chr(arg)
    if op is sre_c.NOT_LITERAL:
        return next(c for c in _PRINTABLE if ord(c) != arg)
    if op is sre_c.ANY:
        return "a"
    if op is sre_c.IN:
        return _in(arg)
    if op is sre_c.CATEGORY:
        return _CATEGORY_CHAR.get(arg, "a")
    if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None)):
        low, high, sub = arg
        count = low + extra if high == sre_c.MAXREPEAT or high >= low + extra else high
        if count > MAX_REGEX_TEXT:
            raise _Unbuildable
        return "".join(_build(list(sub), extra, groups) for _ in range(count))
    if op is sre_c.SUBPATTERN:
        group, _add, _del, sub = arg
        text = _build(list(sub), extra, groups)
        if group is not None:
            groups[group] = text
        return text
    if op is sre_c.ATOMIC_GROUP:
        return _build(list(arg), extra, groups)
    if op is sre_c.BRANCH:
        return _build(list(arg[1][0]), extra, groups)
    if op is sre_c.GROUPREF:
        if arg not in groups:
            raise _Unbuildable
        return groups[arg]
    if op is sre_c.AT:
        return ""
    raise _Unbuildable  # look-arounds, conditionals


def _in(items: list[Any]) -> str:
    negate = bool(items) and items[0][0] is sre_c.NEGATE
    if not negate:
        op, arg = items[0]
        if op is sre_c.LITERAL:
            return chr(arg)
        if op is sre_c.RANGE:
            low, high = arg
            return "1" if low <= ord("1") <= high else chr(low)
        if op is sre_c.CATEGORY:
            return _CATEGORY_CHAR.get(arg, "a")
        raise _Unbuildable
    for char in _PRINTABLE:
        if re.fullmatch(_render_class(items), char):
            return char
    raise _Unbuildable


def _render_class(items: list[Any]) -> str:
    """A negated class back as regex text, to test candidate characters against it."""
    parts = []
    for op, arg in items:
        if op is sre_c.NEGATE:
            parts.append("^")
        elif op is sre_c.LITERAL:
            parts.append(re.escape(chr(arg)))
        elif op is sre_c.RANGE:
            parts.append(f"{re.escape(chr(arg[0]))}-{re.escape(chr(arg[1]))}")
        elif op is sre_c.CATEGORY:
            parts.append({sre_c.CATEGORY_DIGIT: r"\d", sre_c.CATEGORY_NOT_DIGIT: r"\D",
                          sre_c.CATEGORY_WORD: r"\w", sre_c.CATEGORY_NOT_WORD: r"\W",
                          sre_c.CATEGORY_SPACE: r"\s",
                          sre_c.CATEGORY_NOT_SPACE: r"\S"}.get(arg, ""))
    return "[" + "".join(parts) + "]"
