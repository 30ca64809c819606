"""One check of a trial and its result: the record every judging module returns and every
report reads (kind, name, passed, reason, evidence)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class CheckResult:
    kind: str  # outcome | unchanged | collateral | milestone | minefield | secret | answer | claim
    name: str
    passed: bool
    reason: str = ""
    noop_pass: bool | None = None
    evidence: dict[str, Any] | None = None
