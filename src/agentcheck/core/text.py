"""Vendor text made safe to keep: shared by the HTTP layer that receives it and the trajectory
that records it."""

from __future__ import annotations

import re
from typing import Any

_UNSAFE = re.compile("[\x00\ud800-\udfff]")
_UNSAFE_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")
"""A JSON escape that decodes to NUL or a surrogate: the only way either gets into a str
parsed from JSON (raw control characters are refused; bytes are decoded with replacement)."""


def clean_text(text: str) -> str:
    """A vendor's string made safe to keep: a lone surrogate (JSON lets `"\\ud800"` through)
    cannot be encoded as UTF-8, so every writer, report and next request would fail on it; NUL
    cuts C strings and marks text files as binary. Both become U+FFFD, visibly replaced."""
    return _UNSAFE.sub("\ufffd", text)


def clean_data(value: Any) -> Any:
    """clean_text on every string (keys too) in parsed JSON, in place; returns the value (a
    bare string is replaced, not changed). Iterative: vendor data may be nested nearly as deep
    as the JSON parser allows, deeper than a recursion could go."""
    if isinstance(value, str):
        return clean_text(value)
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if any(_UNSAFE.search(k) for k in node if isinstance(k, str)):
                items = [(clean_text(k) if isinstance(k, str) else k, v)
                         for k, v in node.items()]
                node.clear()
                node.update(items)
            for key, item in node.items():  # replacing values keeps the dict's size
                if isinstance(item, str):
                    node[key] = clean_text(item)
                elif isinstance(item, (dict, list)):
                    stack.append(item)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                if isinstance(item, str):
                    node[i] = clean_text(item)
                elif isinstance(item, (dict, list)):
                    stack.append(item)
    return value
