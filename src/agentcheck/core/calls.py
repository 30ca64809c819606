"""What one tool call did: the record the World produces, the trajectory keeps, drivers send back
and the judge reads."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

MAX_RESULT_CHARS = 50_000


@dataclass
class CallResult:
    """What one tool call did: its result or error, and whether it changed the World."""

    tool: str
    args: Any
    ok: bool
    result: Any = None
    error: str | None = None
    error_kind: str | None = None
    changed: list[dict[str, Any]] = field(default_factory=list)
    latency_ms: int = 0

    def content(self) -> str:
        """The text sent back to the vendor."""
        if self.ok:
            text = json.dumps(self.result, ensure_ascii=False)
        else:
            text = json.dumps({"error": self.error}, ensure_ascii=False)
        if len(text) > MAX_RESULT_CHARS:
            text = text[:MAX_RESULT_CHARS] + "...(truncated)"
        return text

    @property
    def valid(self) -> bool:
        """A call to a known tool with schema-valid arguments (its outcome aside)."""
        return self.error_kind not in ("unknown_tool", "invalid_arguments")
