"""Keeps API keys out of everything agentcheck writes: results, logs, errors.

Every key read from the environment is registered here, and every text that leaves the process
through results or messages passes through `redact`.
"""

from __future__ import annotations

import json
import re
from typing import Any

_SECRETS: set[str] = set()
_pattern: re.Pattern[str] | None = None
MASK = "[REDACTED]"


def register(secret: str | None) -> None:
    global _pattern
    if not secret or len(secret) < 4 or secret in _SECRETS:
        return
    _SECRETS.add(secret)
    ordered = sorted(_SECRETS, key=len, reverse=True)
    _pattern = re.compile("|".join(re.escape(s) for s in ordered))


def redact(text: str) -> str:
    if _pattern is None or not text:
        return text
    return _pattern.sub(MASK, text)


def redact_data(value: Any) -> Any:
    """Redact inside any JSON-able value (cheap when no secret is registered)."""
    if _pattern is None:
        return value
    return json.loads(redact(json.dumps(value, ensure_ascii=False)))
