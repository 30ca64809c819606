"""The order of a read's records under private variants. Generators write records in a fixed
order, so the record a rule picks ("the cheapest valid flight") sits at the same place on every
seed, and a vendor can remember the place instead of the rule. A variant shows a read's records
in an order of the key and seed (the same on every read of a `filter` tool), unless the order
means something:

1. the tool's description promises one ("sorted by", "newest first", 排序...): kept;
2. the reference solution relies on it (it reads "the first in-stock laptop" of a list, so the
   scenario treats that one as the answer): the reference is played with each read's records
   re-ordered, and a tool whose re-ordering changes any call the reference makes keeps its
   order.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from agentcheck.core.calls import CallResult
from agentcheck.scenario.effects import Filter, OnCollection
from agentcheck.scenario.expr import ExpressionError
from agentcheck.scenario.model import Scenario
from agentcheck.scenario.variants.lookalikes import replay_reference
from agentcheck.scenario.world import World

__all__ = ["free_order_tools", "promises_order", "ranked"]

Data = dict[str, list[dict[str, Any]]]

_PROMISES_ORDER = re.compile(
    r"\b(?:sorted|ordered by|in order of|in (?:date|time|chronological) order|chronologically|"
    r"(?:newest|oldest|most recent|latest|earliest|highest|lowest|largest|smallest) first|"
    r"ranked|ascending|descending)\b|排序|依序|由新到舊|由舊到新|由新到旧|由旧到新|順に|並べ", re.I)


def promises_order(description: str) -> bool:
    """Whether a tool's description says its records come in an order (sorted, newest
    first...): then the order carries meaning and a variant keeps it."""
    return bool(_PROMISES_ORDER.search(description))


def ranked(records: list[Any], salt: int, collection: str) -> list[Any]:
    """`records` in the order of `salt`: by a hash of each record's id (or of the record), so
    that every read of the same World shows them in the same order."""
    def rank(record: Any) -> bytes:
        ident = record.get("id") if isinstance(record, dict) else None
        text = str(ident) if ident is not None else json.dumps(record, sort_keys=True,
                                                                 default=str)
        return hashlib.sha256(f"{salt}/{collection}/{text}".encode()).digest()
    return sorted(records, key=rank)


def collection_of(scenario: Scenario, tool: str) -> str | None:
    spec = scenario.tool(tool)
    return spec.effect.collection if spec is not None and isinstance(
        spec.effect, OnCollection) else None


class _Reordered(World):
    """A World whose reads of `tools` come back in the order of `salt` (for the proof)."""

    def __init__(self, scenario: Scenario, seed: int, initial: Data, salt: int,
                 tools: frozenset[str]) -> None:
        super().__init__(scenario, seed, initial)
        self._salt, self._tools = salt, tools

    def call(self, name: str, args: Any) -> CallResult:
        result = super().call(name, args)
        coll = collection_of(self.scenario, name)
        if result.ok and name in self._tools and coll and isinstance(result.result, list):
            result.result = ranked(result.result, self._salt, coll)
        return result


def _calls(scenario: Scenario, seed: int, initial: Data, world: World | None) -> list[Any]:
    _, calls = replay_reference(scenario, seed, initial, world)
    return [(c.tool, c.args, c.ok) for c in calls]


_FREE: dict[tuple[str, str, int, int], frozenset[str]] = {}
_MAX_CACHED = 4096


def free_order_tools(scenario: Scenario, seed: int, initial: Data, salt: int) -> frozenset[str]:
    """The tools whose reads a variant may show in the order of `salt` (rules 1 and 2 above).
    Cached: every vendor of a run faces the same Worlds."""
    cache_key = (scenario.id, scenario.content_hash, seed, salt)
    hit = _FREE.get(cache_key)
    if hit is not None:
        return hit
    tools = frozenset(t.name for t in scenario.tools if isinstance(t.effect, Filter)
                      and not promises_order(t.description))
    try:
        base = _calls(scenario, seed, initial, None)

        def same(free: frozenset[str]) -> bool:
            world = _Reordered(scenario, seed, initial, salt, free)
            return _calls(scenario, seed, initial, world) == base

        if tools and not same(tools):
            tools = frozenset(t for t in tools if same(frozenset({t})))
            if tools and not same(tools):
                tools = frozenset()
    except ExpressionError:
        tools = frozenset()
    if len(_FREE) >= _MAX_CACHED:
        _FREE.clear()
    _FREE[cache_key] = tools
    return tools
