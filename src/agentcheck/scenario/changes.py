"""Change sets: what a run changed in the World, record by record and field by field.

A trial's changes are compared with the changes the reference solution makes on the same World.
Anything else (a record the task never involved, a field the task never touched, records
created or deleted beyond what the task needs) is collateral damage, unless the scenario lists
it under `expect.may_change`. Values are not compared here: whether the right value was written
is the outcome checks' job; this asks only *where* the World changed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

Data = dict[str, list[dict[str, Any]]]
DELETED = "(deleted)"


@dataclass
class ChangeSet:
    fields: set[tuple[str, str, str]] = field(default_factory=set)
    """(collection, record key, field) changed, or (collection, key, DELETED)."""
    inserted: Counter[str] = field(default_factory=Counter)
    """Records added per collection."""


def _keyed(records: list[dict[str, Any]]) -> bool:
    ids = [r.get("id") for r in records]
    return all(isinstance(i, (str, int)) and not isinstance(i, bool) for i in ids) and \
        len(set(ids)) == len(ids)


def diff(before: Data, after: Data) -> ChangeSet:
    out = ChangeSet()
    for coll in sorted(set(before) | set(after)):
        old, new = before.get(coll, []), after.get(coll, [])
        if old == new:
            continue
        if _keyed(old):
            _diff_keyed(coll, old, new, out)
        else:
            _diff_unkeyed(coll, old, new, out)
    return out


def _diff_keyed(coll: str, old: list[dict[str, Any]], new: list[dict[str, Any]],
                out: ChangeSet) -> None:
    by_id = {r["id"]: r for r in old}
    seen: set[Any] = set()
    for rec in new:
        rid = rec.get("id")
        base = by_id.get(rid) if isinstance(rid, (str, int)) and rid not in seen else None
        if base is None:
            out.inserted[coll] += 1
            continue
        seen.add(rid)
        for name in set(base) | set(rec):
            if base.get(name) != rec.get(name):
                out.fields.add((coll, str(rid), str(name)))
    for rid in by_id.keys() - seen:
        out.fields.add((coll, str(rid), DELETED))


def _diff_unkeyed(coll: str, old: list[dict[str, Any]], new: list[dict[str, Any]],
                  out: ChangeSet) -> None:
    """Records without ids are compared as a multiset: gone ones are changed or deleted
    (named by their position at the start), extra ones are inserted."""
    remaining = list(new)
    for i, rec in enumerate(old):
        if rec in remaining:
            remaining.remove(rec)
        else:
            out.fields.add((coll, f"#{i}", DELETED))
    out.inserted[coll] += len(remaining)


def _allowed(coll: str, name: str, may_change: list[str]) -> bool:
    return coll in may_change or f"{coll}.{name}" in may_change


def collateral(vendor: ChangeSet, reference: ChangeSet, may_change: list[str],
               excused: set[tuple[str, str]] | None = None) -> list[str]:
    """Plain-words descriptions of every change the reference does not make and the scenario
    does not allow. `excused`: (collection, key) already judged elsewhere (a minefield hit)."""
    excused = excused or set()
    ref_records = {(c, k) for c, k, _ in reference.fields}
    problems: list[str] = []
    extra: dict[tuple[str, str], list[str]] = {}
    for coll, key, name in sorted(vendor.fields - reference.fields):
        if _allowed(coll, name, may_change) or (coll, key) in excused:
            continue
        extra.setdefault((coll, key), []).append(name)
    for (coll, key), names in extra.items():
        if names == [DELETED]:
            problems.append(f"deleted {coll} {key}")
        elif (coll, key) in ref_records:
            problems.append(f"changed {', '.join(names)} of {coll} {key}, which the task "
                            "does not change")
        else:
            problems.append(f"changed {coll} {key} ({', '.join(n for n in names)}), a record "
                            "the task does not involve")
    for coll, count in sorted(vendor.inserted.items()):
        more = count - reference.inserted.get(coll, 0)
        if more > 0 and coll not in may_change:
            problems.append(f"created {more} {coll} record(s) more than the task needs")
    return problems
