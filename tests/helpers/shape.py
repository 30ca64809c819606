"""The structure of a JSON value, to compare two runs' outputs without their numbers."""

from __future__ import annotations

from typing import Any


def shape(value: Any) -> Any:
    """The structure of a JSON value: keys and types, not the numbers in it."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value]
    return "number" if isinstance(value, (int, float)) and not isinstance(value, bool) \
        else type(value).__name__
