"""Made-up values: arguments of state-changing calls that the agent could not have read.

A value the agent writes into a record (an id, a number, an email, a date) must come from
somewhere it could see: the user's turns, earlier tool results, the system text or the tool
declarations. "12345", "ABC123" or an SSN "123-45-6789" that appears nowhere is invented, and a
write built on it is a guess, not work. Values the reference solution itself passes on the same
World count as derivable (it computes some from what it read: a sum, a date).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from agentcheck.core.calls import CallResult
from agentcheck.core.trajectory import Trajectory
from agentcheck.scenario.model import Scenario

_TOKEN = re.compile(r"[^\s,;:()\[\]{}\"'<>|]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
"""Unsigned: in "EMP-483920" the dash is not a minus sign."""
SMALL_NUMBER = 10
"""Counts and quantities under this are plausible without reading them (1 item, 2 days)."""


@dataclass(frozen=True)
class MadeUp:
    call_index: int
    value: str
    path: str
    writes: bool
    """In a state-changing call (a fabricated write), not only a read."""


def _alnum(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


def numbers_in(text: str) -> set[float]:
    """Every number written in the text, read in both decimal notations ("1,250.00" and
    "1.250,00" are 1250; "84,50" is 84.5), to two places."""
    out: set[float] = set()
    for m in _NUMBER.finditer(unicodedata.normalize("NFKC", text)):
        raw = m.group(0)
        for candidate in (raw.replace(",", ""), raw.replace(".", "").replace(",", ".")):
            try:
                value = float(candidate)
            except ValueError:
                continue
            # to two places, unless that loses digits: "1,281" read the European way is
            # 1.281, not 1.28, so it cannot match "1,280"
            out.add(round(value, 2) if round(value, 2) == round(value, 6) else round(value, 6))
    return out


def leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every scalar in a nested value with its path: `note`, `items[0].sku`."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from leaves(v, f"{path}[{i}]")
    else:
        yield path, value


def _checked_tokens(value: Any) -> list[str]:
    """The parts of a value that name something specific: tokens with a digit or an @."""
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, (int, float)):
        return [repr(value)] if abs(value) >= SMALL_NUMBER else []
    if not isinstance(value, str):
        return []
    # in prose (a note, an email body) a time, a count or a date the agent worked out is
    # ordinary writing; the ids and emails in it must still be real
    prose = len(value.split()) > 4
    out = []
    for token in _TOKEN.findall(value):
        norm = _alnum(token)
        has_digit = any(ch.isdigit() for ch in norm)
        if not (has_digit or "@" in token):
            continue
        if prose and "@" not in token and not any(ch.isalpha() for ch in norm):
            continue
        # isdecimal, not isdigit: int() cannot read every digit Unicode has ("፩፪፫")
        if norm.isdecimal() and (len(norm) < 3 or int(norm[:12]) < SMALL_NUMBER):
            continue
        if len(norm) >= 3:
            out.append(token)
    return out


class Context:
    """What the agent could read so far. Texts are kept as sent; the normalised forms (case,
    width and punctuation folded; numbers parsed) are made only when a token is not found
    verbatim, which is rare for a real agent, whose ids are copied from what it read."""

    def __init__(self, base: tuple[str, ...] = ()) -> None:
        self.texts: list[str] = list(base)
        self._folded: list[str] = []
        self._numbers: set[float] = set()
        self._done = 0

    def add(self, text: str) -> None:
        self.texts.append(text)

    def _fold(self) -> None:
        for text in self.texts[self._done:]:
            self._folded.append(_alnum(text))
            self._numbers |= numbers_in(text)
        self._done = len(self.texts)

    def knows(self, token: str) -> bool:
        """A number must be one the agent saw (84.5 for 84.50, 1250 for "1,250"); any other
        token must appear, ignoring case and punctuation, in something it read."""
        numeric = _is_numeric(token)
        if not numeric and any(token in text for text in self.texts):
            return True
        self._fold()
        norm = _alnum(token)
        if numeric:
            nums = numbers_in(token)
            if nums and nums <= self._numbers:
                return True
            # digits read in another grouping: "815.56.7128" or "815 567 128" for "815-56-7128"
            return any(norm in piece for piece in self._folded)
        return bool(norm) and any(norm in piece for piece in self._folded)


_STATIC: dict[int, tuple[Scenario, tuple[str, ...]]] = {}


def _static(scenario: Scenario, system: str) -> tuple[str, ...]:
    """The system text and tool declarations, once per scenario."""
    hit = _STATIC.get(id(scenario))
    if hit is not None and hit[0] is scenario:
        return hit[1]
    tools = json.dumps([t.model_dump(mode="json", by_alias=True,
                                     include={"name", "description", "parameters"})
                        for t in scenario.tools], ensure_ascii=False)
    if len(_STATIC) > 4096:
        _STATIC.clear()
    _STATIC[id(scenario)] = (scenario, (system, tools))
    return (system, tools)


def _is_numeric(token: str) -> bool:
    return bool(re.fullmatch(r"[-+$€£¥]?\s*-?\d+(?:[.,]\d+)*\s*%?", token.strip()))


def made_up_values(scenario: Scenario, traj: Trajectory, system: str,
                   reference_args: Callable[[], tuple[str, ...]]) -> list[MadeUp]:
    """Every token of a call's arguments that appears nowhere the agent could have read it
    before the call (in event order), and that the reference does not pass. Reads on made-up
    values are not work; writes on them are fabrication. `reference_args` is only asked for
    when a token is not found in what the agent read (each call's arguments as JSON text)."""
    ctx = Context(_static(scenario, system))
    suspects: list[MadeUp] = []
    index = -1
    for event in traj.events:
        kind = event.get("type")
        if kind == "user":
            ctx.add(str(event.get("text", "")))
        elif kind == "tool":
            index += 1
            if index < len(traj.calls):
                suspects.extend(_check_call(scenario, traj.calls[index], index, ctx))
            ctx.add(json.dumps(event.get("result", event.get("error")), ensure_ascii=False,
                               default=str))
    if not suspects:
        return []
    derivable = Context(reference_args())
    return [m for m in suspects if not derivable.knows(m.value)]


def _check_call(scenario: Scenario, call: CallResult, index: int, ctx: Context
                ) -> list[MadeUp]:
    tool = scenario.tool(call.tool)
    if tool is None or not call.valid or not isinstance(call.args, dict):
        return []
    out = []
    for path, value in leaves(call.args, ""):
        for token in _checked_tokens(value):
            if not ctx.knows(token):
                out.append(MadeUp(index, token[:80], path, tool.mutates))
    return out
