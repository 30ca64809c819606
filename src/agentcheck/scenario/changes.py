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


def _usable(records: list[dict[str, Any]], name: str) -> bool:
    """Does `name` identify every record: present in each, a string or a number, unique?"""
    ids = [r.get(name) if isinstance(r, dict) else None for r in records]
    return all(isinstance(i, (str, int)) and not isinstance(i, bool) for i in ids) and \
        len(set(ids)) == len(ids)


def record_key(records: list[dict[str, Any]], declared: str | None = None) -> str | None:
    """The field that identifies a collection's records: `declared` (a case pack's key) when
    it does, else `id`, else the first `..._id` field of the first record that does (a case
    pack's `ticket_id`, a table's `invoice_id`); None when none does. Chosen on the records
    the World started with, so a vendor's run and the reference's are keyed alike."""
    if not records:
        return None
    first = records[0] if isinstance(records[0], dict) else {}
    names = [declared] if declared else []
    names += ["id", *(f for f in first if isinstance(f, str) and f.endswith("_id"))]
    return next((n for n in names if _usable(records, n)), None)


def diff(before: Data, after: Data, keys: dict[str, str] | None = None) -> ChangeSet:
    """Where `after` differs from `before`. `keys`: collection -> the field that identifies its
    records, where the caller knows it (otherwise record_key finds one)."""
    out = ChangeSet()
    for coll in sorted(set(before) | set(after)):
        old, new = before.get(coll, []), after.get(coll, [])
        if old == new:
            continue
        key = record_key(old, (keys or {}).get(coll))
        if key is not None:
            _diff_keyed(coll, key, old, new, out)
        else:
            _diff_unkeyed(coll, old, new, out)
    return out


def _fields(coll: str, key: str, base: dict[str, Any], rec: dict[str, Any],
            out: ChangeSet) -> None:
    for name in set(base) | set(rec):
        if base.get(name) != rec.get(name):
            out.fields.add((coll, key, str(name)))


def _diff_keyed(coll: str, key: str, old: list[dict[str, Any]], new: list[dict[str, Any]],
                out: ChangeSet) -> None:
    by_id = {r[key]: r for r in old}
    seen: set[Any] = set()
    for rec in new:
        rid = rec.get(key) if isinstance(rec, dict) else None
        ok = isinstance(rid, (str, int)) and not isinstance(rid, bool) and rid not in seen
        base = by_id.get(rid) if ok else None
        if base is None or not isinstance(rec, dict):
            out.inserted[coll] += 1
            continue
        seen.add(rid)
        _fields(coll, str(rid), base, rec, out)
    for rid in by_id.keys() - seen:
        out.fields.add((coll, str(rid), DELETED))


def _alike(a: Any, b: Any) -> int:
    """How many fields two records share with equal values (0 unless both are records)."""
    if not isinstance(a, dict) or not isinstance(b, dict):
        return 0
    return sum(1 for k, v in a.items() if k in b and b[k] == v)


def _diff_unkeyed(coll: str, old: list[dict[str, Any]], new: list[dict[str, Any]],
                  out: ChangeSet) -> None:
    """Records nothing identifies: equal ones are matched first (a multiset); each record left
    over is then paired with the left-over new record sharing the most field values with it,
    and compared field by field, so a change to one field of it is told from a change to
    another (named by its position at the start, '#0'). Unpaired old records are deleted,
    unpaired new ones inserted."""
    remaining = list(new)
    gone: list[int] = []
    for i, rec in enumerate(old):
        if rec in remaining:
            remaining.remove(rec)
        else:
            gone.append(i)
    for i in gone:
        best = max(range(len(remaining)), key=lambda j: _alike(old[i], remaining[j]),
                   default=None)
        if best is None or _alike(old[i], remaining[best]) == 0:
            out.fields.add((coll, f"#{i}", DELETED))
            continue
        _fields(coll, f"#{i}", old[i], remaining.pop(best), out)
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
