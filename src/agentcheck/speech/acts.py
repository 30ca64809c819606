"""The record the reader hands back: one act of one sentence, with where it sits in the reply."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["claim", "handback", "refusal", "question", "info"]
Scope = Literal["task", "action"]
KINDS: tuple[Kind, ...] = ("claim", "handback", "refusal", "question", "info")


@dataclass(frozen=True)
class SpeechAct:
    """`start`/`end` index the reply as given, so evidence can quote the vendor's own bytes."""

    kind: Kind
    sentence: str
    start: int
    end: int
    scope: Scope | None = None
    language: str = ""
    framed: bool = False
    """A claim framed as a record's state the vendor read ("shows as paid", "狀態為已付款"); the
    judge lets it stand as a report only when that state is in what the vendor read."""
