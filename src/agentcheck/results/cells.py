"""The cells of an evaluation (vendor x scenario x trial) and how shards deal them out: what a run
folder should hold, read by the runner that plans it, merge that joins shards and the reports
that say what is missing."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable

from agentcheck.core.errors import ConfigError

Cell = tuple[str, str, int]
"""(vendor name, scenario id, trial number): one trial of the matrix, as trial_key() gives."""


def parse_shard(text: str) -> tuple[int, int]:
    """'2/4' -> (2, 4): the second of four shards, counted from 1."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match:
        raise ConfigError(f"--shard takes I/N, for example 2/4 (got {text!r})")
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1 or not 1 <= index <= count:
        raise ConfigError(f"--shard {text}: I must be between 1 and N")
    return index, count


def _weight(cell: Cell) -> bytes:
    return hashlib.sha256(json.dumps(list(cell)).encode()).digest()


def shard_cells(cells: Iterable[Cell], index: int, count: int) -> set[Cell]:
    """The cells of shard `index` of `count`: the matrix in an order fixed by hashing each cell
    (so vendors, scenarios and trials mix across shards), dealt out in turn. Shards differ in
    size by one trial at most, and the same matrix always deals the same way."""
    ordered = sorted(set(cells), key=_weight)
    return {cell for pos, cell in enumerate(ordered) if pos % count == index - 1}


def plan_cells(vendors: Iterable[str], scenarios: Iterable[str], trials: int) -> list[Cell]:
    scenario_ids = list(scenarios)
    return [(v, s, t) for v in vendors for s in scenario_ids for t in range(trials)]
