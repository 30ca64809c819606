"""What one expression may cost. Scenario files are data written by strangers: a hostile
expression (projections that multiply a list at every stage, a template repeating the whole
World) must stop with an ExpressionError, not run for hours or fill memory."""

from __future__ import annotations

import threading
from typing import Any

from agentcheck.scenario.expr.errors import ExpressionError

MAX_RENDERED_CHARS = 100_000
MAX_STEPS = 200_000
"""What one expression evaluation may do: JMESPath nodes visited plus the items its functions
and comparisons go through. Scenario expressions need a few hundred; a hostile one (projections
that multiply a list at every stage) stops here instead of running for hours."""
MAX_VALUE_SIZE = 1_000_000
"""Largest value (items plus characters) a template may produce: a list of references to the
whole World, repeated, must not turn into gigabytes of text or records."""


class _Budget(threading.local):
    left: int | None = None


budget = _Budget()
"""Steps left in the evaluation running on this thread; None outside an evaluation."""


def spend(steps: int) -> None:
    """Charge `steps` to the running evaluation; raises once its MAX_STEPS are used up."""
    if budget.left is None:
        return
    budget.left -= steps
    if budget.left < 0:
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


def check_size(value: Any, limit: int, what: str) -> None:
    """Raise ExpressionError if a list or mapping is larger than `limit` (see value_size)."""
    if isinstance(value, (list, dict)) and value_size(value, limit) > limit:
        raise ExpressionError(f"{what} is too large (more than {limit:,} items and characters)")
