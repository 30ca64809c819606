"""Did a run finish what it planned? run.json records the plan (vendors x scenarios x trials, a
shard's slice of it, the shards a merge was made of) and whether the run ended normally; the
summary counts the trials that finished. One answer, in plain words, for every report, the
console and the CI gates (an incomplete run never passes one)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from agentcheck.results.cells import plan_cells, shard_cells
from agentcheck.results.summary import Summary

MAX_NAMED = 5
"""Vendors named one by one before the rest are counted."""


@dataclass(frozen=True)
class Completeness:
    interrupted: bool = False  # run.json says complete: false (and it is no merge)
    planned: int = 0  # trials the run (or this shard) planned; 0 when run.json does not say
    finished: int = 0  # of those, trials with a record
    never_ran: list[str] = field(default_factory=list)  # vendors of run.json with no trial
    short: list[tuple[str, int, int]] = field(default_factory=list)  # (vendor, done, planned)
    missing_shards: list[str] = field(default_factory=list)  # "3/4": not merged in
    unfinished_shards: list[str] = field(default_factory=list)  # merged in, never finished
    merged: bool = False
    marked_incomplete: bool = False  # run.json says complete: false
    shard: tuple[int, int] | None = None  # (I, N): this run is shard I of N of a larger run

    @property
    def complete(self) -> bool:
        return not (self.marked_incomplete or self.never_ran or self.short
                    or self.missing_shards or self.planned > self.finished)

    def text(self) -> str:
        """What is missing, on one line: 'interrupted; 46 of 72 planned trials never finished
        (globex, initech: none finished; acme: 2 of 24 finished)'."""
        parts = []
        if self.missing_shards:
            parts.append(f"merged without shard{'s' if len(self.missing_shards) > 1 else ''} "
                         + ", ".join(self.missing_shards))
        if self.unfinished_shards:
            parts.append(f"shard{'s' if len(self.unfinished_shards) > 1 else ''} "
                         + ", ".join(self.unfinished_shards) + " did not finish")
        if self.interrupted:
            parts.append(f"shard {self.shard[0]} of {self.shard[1]} was interrupted"
                         if self.shard else "interrupted")
        elif self.marked_incomplete and not parts:
            parts.append("run.json marks it incomplete")
        missing = self.planned - self.finished
        if missing > 0:
            detail = []
            if self.never_ran:
                detail.append(_names(self.never_ran) + ": none finished")
            shown = self.short[:MAX_NAMED]
            detail += [f"{name}: {done} of {planned} finished" for name, done, planned in shown]
            if len(self.short) > len(shown):
                detail.append(f"{len(self.short) - len(shown)} more vendor(s) short")
            parts.append(f"{missing} of {self.planned} planned trials never finished"
                         + (f" ({'; '.join(detail)})" if detail else ""))
        elif self.never_ran:
            parts.append("no trial finished for " + _names(self.never_ran))
        return "; ".join(parts) or "complete"

    def next_step(self) -> str:
        """How to finish it."""
        if self.merged:
            return ("resume the shards that did not finish (agentcheck run --resume --out "
                    "DIR), run the missing ones, and merge again")
        return "finish it with agentcheck run --resume --out RUN_DIR"


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:MAX_NAMED])
    return shown + (f" and {len(names) - MAX_NAMED} more" if len(names) > MAX_NAMED else "")


def _shard(text: Any) -> tuple[int, int] | None:
    try:
        index, count = str(text).split("/")
        return int(index), int(count)
    except ValueError:
        return None


def _planned(run: dict[str, Any], names: list[str]) -> Counter[str] | None:
    """Trials planned per vendor, or None when run.json does not record the plan."""
    scenarios = [str(s["id"]) for s in run.get("scenarios") or []
                 if isinstance(s, dict) and s.get("id") is not None]
    trials = run.get("trials")
    if not names or not scenarios or not isinstance(trials, int) or trials < 1:
        return None
    cells = plan_cells(names, scenarios, trials)
    shard = run.get("shard")
    if isinstance(shard, dict):
        try:
            cells = sorted(shard_cells(cells, int(shard["index"]), int(shard["count"])))
        except (KeyError, TypeError, ValueError):
            return None
    return Counter(vendor for vendor, _, _ in cells)


def completeness(run: dict[str, Any], summary: Summary | Mapping[str, int]) -> Completeness:
    """run.json's plan against the trials in the summary (each vendor's `trials`), or against
    finished trials counted per vendor name."""
    names = [str(p["name"]) for p in run.get("vendors") or []
             if isinstance(p, dict) and p.get("name") is not None]
    done = ({v.name: v.trials for v in summary.vendors} if isinstance(summary, Summary)
            else dict(summary))
    planned = _planned(run, names)
    if planned is None:  # no plan to count against: only vendors that never ran
        planned_total = finished = 0
        never_ran = [n for n in names if not done.get(n)]
        short: list[tuple[str, int, int]] = []
    else:
        planned_total = sum(planned.values())
        finished = sum(min(done.get(n, 0), planned[n]) for n in planned)
        never_ran = [n for n in names if planned[n] and not done.get(n)]
        short = [(n, done[n], planned[n]) for n in names
                 if 0 < done.get(n, 0) < planned[n]]
    merged_from = [m for m in run.get("merged_from") or [] if isinstance(m, dict)]
    shards = [s for s in (_shard(m.get("shard")) for m in merged_from) if s is not None]
    missing_shards: list[str] = []
    if shards:
        count = shards[0][1]
        have = {i for i, _ in shards}
        missing_shards = [f"{i}/{count}" for i in range(1, count + 1) if i not in have]
    marked = run.get("complete") is False
    shard = shard_of(run)
    unfinished = ([str(m.get("shard")) for m in merged_from if m.get("complete") is False]
                  if marked else [])
    return Completeness(
        interrupted=marked and not merged_from, planned=planned_total, finished=finished,
        never_ran=never_ran, short=short, missing_shards=missing_shards,
        unfinished_shards=unfinished, merged=bool(merged_from), marked_incomplete=marked,
        shard=shard)


def shard_of(run: dict[str, Any]) -> tuple[int, int] | None:
    """(I, N) when run.json is that of shard I of N (`agentcheck run --shard I/N`), else None:
    its report covers only its slice of the matrix and says so."""
    shard = run.get("shard")
    if not isinstance(shard, dict):
        return None
    try:
        index, count = int(shard["index"]), int(shard["count"])
    except (KeyError, TypeError, ValueError):
        return None
    return (index, count) if 1 <= index <= count else None


def incomplete_text(run: dict[str, Any], summary: Summary) -> str | None:
    """'Incomplete run: <what is missing>.', or None for a complete run: the console's line
    under the verdict table."""
    state = completeness(run, summary)
    return None if state.complete else f"Incomplete run: {state.text()}."
