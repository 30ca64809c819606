"""JMESPath functions that pick a value the way a person reads: by the label next to it in the
user's words or a tool result, in any language, and from records by a rule.

- `value_after(user, 'born', 'date')`: the first date after "born" in the sentence that says
  it; `value_before` (the last one before it, as in Japanese "1990-02-03生まれ"), `value_near`
  (after, else before); shorthands `email_near(user, 'deputy')`, `date_near`, `number_near`,
  `id_near(user, 'order', 'ORD')`. A label is a string or a list of them (`['born', 'birth']`,
  so an alternative wording can use another word); it matches case-insensitively, a Latin label
  only at the start of a word, a CJK one anywhere. Kinds: date (ISO, 2026/5/3 and 2026年5月3日,
  given back as ISO), time, email, number, amount (1,234.50 and 1.234,50), id (ABC-123), or an
  id prefix ('ORD' for ORD-...). A value is looked for only in the sentence (or line) holding
  the label, so a fact stated elsewhere is never picked by accident.
- `where(records, 'eta', '<=', value)`: the records whose field compares so with a value from
  the context (a JMESPath filter cannot reach outside the record); `pick_min(records, 'price')`
  and `pick_max`: the record with the lowest or highest field, records without it skipped, ties
  to the first. Two ISO dates or moments compare as instants (offsets taken into account).

Nothing here reads the World: the reference player calls them on what an agent has seen.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from jmespath import functions as jp_functions

from agentcheck.scenario.expr.bounds import spend
from agentcheck.scenario.expr.dates import is_iso, to_days
from agentcheck.scenario.expr.errors import ExpressionError

_NOT_IN_WORD = r"(?<![A-Za-z0-9_.,-])"
"""Latin letters and digits only: a CJK character is a word character to `\\b` and `\\w`, yet
"金額は500" has a number after は."""
_KINDS: dict[str, str] = {
    "date": r"\d{4}-\d{1,2}-\d{1,2}(?!\d)|\d{4}/\d{1,2}/\d{1,2}(?!\d)|\d{4}年\d{1,2}月\d{1,2}日",
    "time": r"(?<!\d)(?:[01]?\d|2[0-3]):[0-5]\d(?!\d)",
    "email": r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}",
    "number": _NOT_IN_WORD + r"-?\d+(?:\.\d+)?(?![A-Za-z0-9_-])",
    "amount": _NOT_IN_WORD + r"-?\d{1,3}(?:[,.]\d{3})+(?:[.,]\d{1,2})?(?![A-Za-z0-9_-])"
              r"|" + _NOT_IN_WORD + r"-?\d+(?:[.,]\d{1,2})?(?![A-Za-z0-9_-])",
    "id": r"(?<![A-Za-z0-9-])[A-Z][A-Z0-9]*-[A-Z0-9]+(?![A-Za-z0-9])",
}
KINDS = tuple(_KINDS)
"""What a selector can pick; any other word of capitals is an id prefix ('ORD')."""
_PREFIX_RE = re.compile(r"[A-Z][A-Z0-9]{0,15}")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|[\u3002\uff01\uff1f!?\n]+|;\s|\uff1b")
"""Where a sentence ends: . ! ? followed by a space, a line break, 。 and full-width ! ?, or a
semicolon (ASCII or full-width)."""
OPERATORS = ("==", "!=", "<", "<=", ">", ">=", "contains", "in")
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: bool(a == b), "!=": lambda a, b: bool(a != b),
    "<": lambda a, b: bool(a < b), "<=": lambda a, b: bool(a <= b),
    ">": lambda a, b: bool(a > b), ">=": lambda a, b: bool(a >= b),
    "contains": lambda a, b: b in a, "in": lambda a, b: a in b,
}


def _pattern(kind: str) -> re.Pattern[str]:
    found = _KINDS.get(kind)
    if found is not None:
        return re.compile(found)
    if _PREFIX_RE.fullmatch(kind):
        return re.compile(r"(?<![A-Za-z0-9-])" + re.escape(kind) + r"-[A-Z0-9]+(?![A-Za-z0-9])")
    raise ExpressionError(f"unknown kind {kind!r}: one of {', '.join(KINDS)}, "
                          "or an id prefix in capitals such as 'ORD'")


def _label_pattern(label: str) -> re.Pattern[str]:
    text = re.escape(label.strip())
    if not text:
        raise ExpressionError("a label is not empty")
    if label.strip()[0].isascii() and label.strip()[0].isalnum():
        text = r"(?<![A-Za-z0-9])" + text
    return re.compile(text, re.IGNORECASE)


def _normalise(kind: str, value: str) -> Any:
    if kind == "date":
        y, m, d = re.findall(r"\d+", value)
        return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"
    if kind == "number":
        return float(value)
    if kind == "amount":
        return _amount(value)
    return value


def _amount(text: str) -> float:
    """'1,234.50', '1.234,50', '1 234' and '12,5' as numbers: the last separator followed by
    one or two digits is the decimal mark."""
    last = max(text.rfind(","), text.rfind("."))
    if last != -1 and len(text) - last - 1 in (1, 2):
        whole, frac = text[:last], text[last + 1:]
    else:
        whole, frac = text, ""
    digits = re.sub(r"[^\d-]", "", whole)
    return float(f"{digits}.{frac}" if frac else digits)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _labels(label: Any) -> list[str]:
    labels = [label] if isinstance(label, str) else list(label)
    if not labels or not all(isinstance(x, str) for x in labels):
        raise ExpressionError("a label is a string or a list of strings")
    return labels


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for m in _SENTENCE_END.finditer(text):
        yield start, m.start()
        start = m.end()
    yield start, len(text)


MAX_LABEL_HITS = 20
"""Mentions of a label looked at, first ones first: a person reads the first few, and a text
that repeats the label thousands of times must not cost thousands of scans."""


def select(text: Any, label: Any, kind: str, where: str) -> Any:
    """The value of `kind` next to `label` in `text`: `where` is 'after', 'before' or 'near'
    (after, else before); None when no sentence holding the label has one."""
    body = _text(text)
    if not isinstance(text, str):  # a tool result is read as its JSON text: pay for it
        spend(len(body))
    pattern = _pattern(kind)
    hits: list[tuple[int, int]] = []
    for label_text in _labels(label):
        for n, m in enumerate(_label_pattern(label_text).finditer(body)):
            if n >= MAX_LABEL_HITS:
                break
            hits.append((m.start(), m.end()))
    hits = sorted(hits)[:MAX_LABEL_HITS]
    spans = list(_sentences(body))
    starts = [a for a, _ in spans]
    for start, end in hits:
        s0, s1 = spans[bisect.bisect_right(starts, start) - 1]
        s1 = max(s1, end)
        if where in ("after", "near"):
            after = pattern.search(body, end, s1)
            if after:
                return _normalise(kind, after.group(0))
        if where in ("before", "near"):
            before = [m for m in pattern.finditer(body, s0, start)]
            if before:
                return _normalise(kind, before[-1].group(0))
    return None


def _field(record: Any, name: str) -> Any:
    return record.get(name) if isinstance(record, dict) else None


def _comparable(a: Any, b: Any) -> tuple[Any, Any]:
    """Two ISO dates or moments as instants (days since 1970), so '2026-05-04T23:00:00-05:00'
    comes after '2026-05-05T01:00:00Z'; anything else as it is."""
    if is_iso(a) and is_iso(b):
        try:
            return to_days(a), to_days(b)
        except ExpressionError:
            return a, b
    return a, b


def where_records(records: list[Any], name: str, op: str, value: Any) -> list[Any]:
    """The records whose `name` compares with `value` by `op`; a record whose field is missing
    or of another type than `value` does not match."""
    compare = _COMPARE.get(op)
    if compare is None:
        raise ExpressionError(f"unknown operator {op!r} in where(): one of {', '.join(OPERATORS)}")
    out = []
    for record in records:
        field = _field(record, name)
        if field is None or value is None:
            continue
        try:
            if compare(*_comparable(field, value)) if op not in ("contains", "in") \
                    else compare(field, value):
                out.append(record)
        except TypeError:  # '2026-05-01' < 3: not a match
            continue
    return out


def _pick(records: list[Any], name: str, better: Callable[[Any, Any], bool]) -> Any:
    best: Any = None
    best_value: Any = None
    for record in records:
        value = _field(record, name)
        if value is None or isinstance(value, bool) or not isinstance(value, (int, float, str)):
            continue
        try:
            if best is None or better(*_comparable(value, best_value)):
                best, best_value = record, value
        except TypeError:
            continue
    return best


class SelectorFunctions(jp_functions.Functions):  # type: ignore[misc]
    """The selectors as JMESPath functions (mixed into the scenario's function table)."""

    @jp_functions.signature({"types": []}, {"types": ["string", "array"]},  # type: ignore[untyped-decorator]
                            {"types": ["string"]})
    def _func_value_after(self, text: Any, label: Any, kind: str) -> Any:
        return select(text, label, kind, "after")

    @jp_functions.signature({"types": []}, {"types": ["string", "array"]},  # type: ignore[untyped-decorator]
                            {"types": ["string"]})
    def _func_value_before(self, text: Any, label: Any, kind: str) -> Any:
        return select(text, label, kind, "before")

    @jp_functions.signature({"types": []}, {"types": ["string", "array"]},  # type: ignore[untyped-decorator]
                            {"types": ["string"]})
    def _func_value_near(self, text: Any, label: Any, kind: str) -> Any:
        return select(text, label, kind, "near")

    @jp_functions.signature({"types": []}, {"types": ["string", "array"]})  # type: ignore[untyped-decorator]
    def _func_email_near(self, text: Any, label: Any) -> Any:
        return select(text, label, "email", "near")

    @jp_functions.signature({"types": []}, {"types": ["string", "array"]})  # type: ignore[untyped-decorator]
    def _func_date_near(self, text: Any, label: Any) -> Any:
        return select(text, label, "date", "near")

    @jp_functions.signature({"types": []}, {"types": ["string", "array"]})  # type: ignore[untyped-decorator]
    def _func_number_near(self, text: Any, label: Any) -> Any:
        return select(text, label, "amount", "near")

    @jp_functions.signature({"types": []}, {"types": ["string", "array"]},  # type: ignore[untyped-decorator]
                            {"types": ["string"]})
    def _func_id_near(self, text: Any, label: Any, prefix: str) -> Any:
        return select(text, label, prefix, "near")

    @jp_functions.signature({"types": ["array", "null"]}, {"types": ["string"]},  # type: ignore[untyped-decorator]
                            {"types": ["string"]}, {"types": []})
    def _func_where(self, records: list[Any] | None, name: str, op: str, value: Any) -> Any:
        return where_records(records or [], name, op, value)

    @jp_functions.signature({"types": ["array", "null"]}, {"types": ["string"]})  # type: ignore[untyped-decorator]
    def _func_pick_min(self, records: list[Any] | None, name: str) -> Any:
        return _pick(records or [], name, lambda a, b: bool(a < b))

    @jp_functions.signature({"types": ["array", "null"]}, {"types": ["string"]})  # type: ignore[untyped-decorator]
    def _func_pick_max(self, records: list[Any] | None, name: str) -> Any:
        return _pick(records or [], name, lambda a, b: bool(a > b))


SELECTORS = ("value_after", "value_before", "value_near", "email_near", "date_near",
             "number_near", "id_near", "where", "pick_min", "pick_max")
"""The selector functions' names; `where`, `pick_min` and `pick_max` take a field name as
their second argument (the static checks resolve it against the records)."""
