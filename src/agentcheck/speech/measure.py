"""Measuring the reader on a labelled corpus (tests/data/speech_acts): per class and language,
precision, recall and false-positive rate. Shared by the benchmark and the corpus test so the
figures in docs and the gate in CI are computed the same way."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentcheck.speech.acts import KINDS
from agentcheck.speech.reader import read


@dataclass
class Counts:
    """Confusion counts of one class in one language."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def fpr(self) -> float:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else 0.0


@dataclass
class Report:
    counts: dict[tuple[str, str], Counts] = field(default_factory=lambda: defaultdict(Counts))
    scope_right: int = 0
    scope_total: int = 0
    errors: list[tuple[dict[str, Any], set[str]]] = field(default_factory=list)


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def gold(row: dict[str, Any]) -> set[str]:
    """The acts a labelled row performs: its kind plus any it also performs."""
    return {row["kind"], *row.get("also", ())}


def predicted(text: str) -> tuple[set[str], str | None]:
    """The acts the reader finds in `text` (info only when nothing else), and a claim's scope."""
    acts = read(text)
    kinds: set[str] = {a.kind for a in acts if a.kind != "info"} or {"info"}
    scope: str | None = next((a.scope for a in acts if a.kind == "claim"), None)
    return kinds, scope


def evaluate(rows: Iterable[dict[str, Any]]) -> Report:
    report = Report()
    for row in rows:
        want, (got, scope) = gold(row), predicted(row["text"])
        if want != got:
            report.errors.append((row, got))
        if "claim" in want and "claim" in got:
            report.scope_total += 1
            report.scope_right += scope == row.get("scope")
        for kind in KINDS:
            for lang in (row["lang"], "all"):
                c = report.counts[(kind, lang)]
                if kind in want:
                    c.tp += kind in got
                    c.fn += kind not in got
                else:
                    c.fp += kind in got
                    c.tn += kind not in got
    return report
