"""Did the vendor reach what the human team did? The case's own record is compared, on the
fields the pack names, with the state a person left it in, and the decision read from the
record's decision field with the decision the person took.

Values compare as numbers when both sides are numbers ('1,200.00' is 1200), otherwise as
text without case or repeated spaces: a vendor writing 'Approved' where the team wrote
'approved' agrees.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from agentcheck.cases.pack import Case, Pack, norm, parse_number
from agentcheck.results.cases import Side


def same(human: str, vendor: Any) -> bool:
    if vendor is None:
        return not human.strip()
    text = vendor if isinstance(vendor, str) else json.dumps(vendor) \
        if isinstance(vendor, (dict, list)) else str(vendor).lower() \
        if isinstance(vendor, bool) else str(vendor)
    a, b = parse_number(human), parse_number(text)
    if a is not None and b is not None:
        return abs(a - b) < 0.005
    return norm(human) == norm(text)


def _own(data: dict[str, list[dict[str, Any]]], pack: Pack, key: Any) -> dict[str, Any] | None:
    for record in data.get(pack.resolution.collection, []):
        if isinstance(record, dict) and record.get(pack.resolution.key) == key:
            return record
    return None


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class Comparison:
    agreed: bool
    decision_agreed: bool | None
    state_agreed: bool | None
    vendor: Side
    human: Side


def compare(pack: Pack, case: Case, initial: dict[str, list[dict[str, Any]]],
            final: dict[str, list[dict[str, Any]]]) -> Comparison:
    res = pack.resolution
    start = case.world[res.collection][0]
    key = start.get(res.key)
    record = _own(final, pack, key)
    before = _own(initial, pack, key) or start
    state: dict[str, str] = {}
    state_agreed: bool | None = None
    if case.human.state:
        state_agreed = True
        for name, wanted in case.human.state.items():
            got = record.get(name) if record is not None else None
            state[name] = _shown(got) if record is not None else "(record deleted)"
            if record is None or not same(wanted, got):
                state_agreed = False
    decision: str | None = None
    decision_agreed: bool | None = None
    if res.decision is not None:
        field = res.decision.field
        got = record.get(field) if record is not None else None
        decision = next((d for d, vals in res.decision.values.items()
                         if got is not None and any(same(v, got) for v in vals)), None)
        if decision is None:
            decision = "none" if record is not None and got == before.get(field) else \
                f"other: {_shown(got) if record is not None else '(record deleted)'}"
        if case.human.decision is not None:
            decision_agreed = decision == case.human.decision
    checks = [c for c in (state_agreed, decision_agreed) if c is not None]
    return Comparison(agreed=bool(checks) and all(checks), decision_agreed=decision_agreed,
                      state_agreed=state_agreed, vendor=Side(decision=decision, state=state),
                      human=Side(decision=case.human.decision, state=dict(case.human.state)))


def changes(initial: dict[str, list[dict[str, Any]]],
            final: dict[str, list[dict[str, Any]]], limit: int = 20,
            keys: dict[str, str] | None = None) -> list[str]:
    """What the vendor changed, one line each: 'requests[REQ-1].status: pending -> approved',
    'notes: 1 inserted', 'requests[REQ-2]: deleted'."""
    out: list[str] = []
    for coll in sorted(set(initial) | set(final)):
        old, new = initial.get(coll, []), final.get(coll, [])

        def key(r: Any, i: int, coll: str = coll) -> str:
            """The record's id ('id', else its first '..._id' field), else its position."""
            if not isinstance(r, dict):
                return str(i)
            name = (keys or {}).get(coll) or ("id" if "id" in r else
                                              next((f for f in r if f.endswith("id")), None))
            return str(r.get(name, i)) if name is not None else str(i)

        before = {key(r, i): r for i, r in enumerate(old)}
        after = {key(r, i): r for i, r in enumerate(new)}
        for k, r in after.items():
            if k not in before:
                continue
            prev = before[k]
            if not isinstance(r, dict) or not isinstance(prev, dict):
                continue
            for f in sorted(set(prev) | set(r)):
                if prev.get(f) != r.get(f):
                    out.append(f"{coll}[{k}].{f}: {_shown(prev.get(f)) or '(empty)'} -> "
                               f"{_shown(r.get(f)) or '(empty)'}")
        inserted = len([k for k in after if k not in before])
        deleted = [k for k in before if k not in after]
        if inserted:
            out.append(f"{coll}: {inserted} inserted")
        out += [f"{coll}[{k}]: deleted" for k in deleted]
    return out[:limit] + ([f"... and {len(out) - limit} more"] if len(out) > limit else [])


def resolution_lines(pack: Pack, case: Case, lines: list[str]) -> list[str]:
    """Of `changes()` lines, those outside the case record's resolution fields."""
    res = pack.resolution
    key = case.world[res.collection][0].get(res.key)
    fields = set(res.state) | ({res.decision.field} if res.decision is not None else set())
    own = {f"{res.collection}[{key}].{f}: " for f in fields}
    return [line for line in lines if not any(line.startswith(p) for p in own)
            and not line.startswith("... and ")]
