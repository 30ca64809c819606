"""What a tool call does to the World: exactly one of six operations, find, filter, insert,
update, delete or return, written in YAML as the operation's name followed by its collection
(`{update: orders, where: {...}, set: {...}}`).

Each operation is its own model with only the fields it uses, so a field it would ignore is an
error in the file rather than a silent no-op, and each applies itself to the World's data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator, ConfigDict, Discriminator, Field, Tag

from agentcheck.core.errors import ToolError
from agentcheck.scenario.expr import Generators, clone, is_operator, matches, render
from agentcheck.scenario.strict import Strict

Data = dict[str, list[dict[str, Any]]]
Change = dict[str, Any]
Applied = tuple[Any, list[Change]]
"""A call's result (what the vendor sees) and the World changes it made."""
GuardCheck = Callable[[dict[str, Any]], None]
"""Checks the tool's guards in a context (the World, `args`, the target `record`); raises
ToolError to refuse the call before anything changes."""

EFFECT_OPS = ("find", "filter", "insert", "update", "delete", "return")

_WHERE = ("criteria a record must meet: field -> value, template or operator mapping; a "
          "criterion whose value is null (an optional argument left out) does not filter")
_FIELDS = "fields of each record to return (default: all)"
_MANY = "act on every matching record, not only the first"
_NOT_FOUND = "error message when nothing matches (template)"


def context(data: Data, args: dict[str, Any],
            record: dict[str, Any] | None = None) -> dict[str, Any]:
    """What templates and guards in an effect see: the collections, `args`, and `record`."""
    ctx: dict[str, Any] = dict(data)
    ctx["args"] = args
    if record is not None:
        ctx["record"] = record
    return ctx


def _select(data: Data, collection: str, where: dict[str, Any]) -> list[dict[str, Any]]:
    records = data.setdefault(collection, [])
    # a criterion built from an argument the vendor left out does not filter
    active = {k: v for k, v in where.items() if v is not None
              and not (is_operator(v) and all(x is None for x in v.values()))}
    return [r for r in records if all(matches(r.get(k), v) for k, v in active.items())]


def _project(record: dict[str, Any], fields: list[str] | None) -> dict[str, Any]:
    if fields is None:
        copied: dict[str, Any] = clone(record)
        return copied
    return {k: clone(record.get(k)) for k in fields}


class Operation(Strict):
    """One effect. Its fields are read only under their YAML names (`find`, not `collection`)."""

    model_config = ConfigDict(populate_by_name=False)
    operation: ClassVar[str]
    mutates: ClassVar[bool] = False

    def apply(self, data: Data, args: dict[str, Any], gen: Generators,
              guard: GuardCheck) -> Applied:
        """Carry out the call on `data` (changed in place); `gen` draws generated values."""
        raise NotImplementedError


class Return(Operation):
    """Answer with a value built from the arguments and the World; change nothing."""

    operation: ClassVar[str] = "return"
    value: Any = Field(alias="return", description="the result (templates allowed)")

    def apply(self, data: Data, args: dict[str, Any], gen: Generators,
              guard: GuardCheck) -> Applied:
        ctx = context(data, args)
        guard(ctx)
        return render(self.value, ctx, gen), []


class OnCollection(Operation):
    """An operation on one of the World's collections."""

    collection: str


class Insert(OnCollection):
    """Add a record built from `values`; the new record is the result."""

    operation: ClassVar[str] = "insert"
    mutates: ClassVar[bool] = True
    collection: str = Field(alias="insert", description="collection to add the record to")
    values: dict[str, Any] = Field(default_factory=dict,
                                   description="the new record (templates and generators)")
    fields: list[str] | None = Field(default=None, description=_FIELDS)

    def apply(self, data: Data, args: dict[str, Any], gen: Generators,
              guard: GuardCheck) -> Applied:
        ctx = context(data, args)
        guard(ctx)
        record = render(self.values, ctx, gen)
        data.setdefault(self.collection, []).append(record)
        return _project(record, self.fields), [
            {"op": "insert", "collection": self.collection, "after": clone(record)}]


class Selecting(OnCollection):
    """An operation on the records that match `where`."""

    where: dict[str, Any] = Field(default_factory=dict, description=_WHERE)

    def _matched(self, data: Data, args: dict[str, Any], many: bool, not_found: str | None,
                 guard: GuardCheck) -> list[dict[str, Any]]:
        """The records acted on, each of which passed the guards; none is a not_found error."""
        ctx = context(data, args)
        found = _select(data, self.collection, render(self.where, ctx))
        if not found:
            message = not_found or f"no {self.collection} record matches the given arguments"
            raise ToolError("not_found", str(render(message, ctx)))
        targets = found if many else found[:1]
        for target in targets:
            guard(context(data, args, target))
        return targets


class Find(Selecting):
    """Return the first matching record; no match is a not_found error."""

    operation: ClassVar[str] = "find"
    collection: str = Field(alias="find", description="collection to search")
    fields: list[str] | None = Field(default=None, description=_FIELDS)
    many: bool = Field(default=False, description="every matching record must pass the guards "
                                                  "(the first is returned)")
    not_found: str | None = Field(default=None, description=_NOT_FOUND)

    def apply(self, data: Data, args: dict[str, Any], gen: Generators,
              guard: GuardCheck) -> Applied:
        targets = self._matched(data, args, self.many, self.not_found, guard)
        return _project(targets[0], self.fields), []


class Filter(Selecting):
    """Return every matching record (up to `limit`); no match is an empty list."""

    operation: ClassVar[str] = "filter"
    collection: str = Field(alias="filter", description="collection to search")
    fields: list[str] | None = Field(default=None, description=_FIELDS)
    limit: int | None = Field(default=None, ge=1, le=1000,
                              description="at most this many records")

    def apply(self, data: Data, args: dict[str, Any], gen: Generators,
              guard: GuardCheck) -> Applied:
        ctx = context(data, args)
        found = _select(data, self.collection, render(self.where, ctx))
        guard(ctx)
        limit = self.limit or len(found)
        return [_project(r, self.fields) for r in found[:limit]], []


class Update(Selecting):
    """Set fields on the first matching record (every one with `many`); returns it (them)."""

    operation: ClassVar[str] = "update"
    mutates: ClassVar[bool] = True
    collection: str = Field(alias="update", description="collection to change")
    set: dict[str, Any] = Field(default_factory=dict,
                                description="field -> new value (templates; `record` is the "
                                            "record being changed)")
    fields: list[str] | None = Field(default=None, description=_FIELDS)
    many: bool = Field(default=False, description=_MANY)
    not_found: str | None = Field(default=None, description=_NOT_FOUND)

    def apply(self, data: Data, args: dict[str, Any], gen: Generators,
              guard: GuardCheck) -> Applied:
        targets = self._matched(data, args, self.many, self.not_found, guard)
        changes: list[Change] = []
        for target in targets:
            before = clone(target)
            target.update(render(self.set, context(data, args, target), gen))
            if target != before:
                changes.append({"op": "update", "collection": self.collection,
                                "before": before, "after": clone(target)})
        result: Any = [_project(t, self.fields) for t in targets]
        return (result if self.many else result[0]), changes


class Delete(Selecting):
    """Remove the first matching record (every one with `many`); returns how many went."""

    operation: ClassVar[str] = "delete"
    mutates: ClassVar[bool] = True
    collection: str = Field(alias="delete", description="collection to remove from")
    many: bool = Field(default=False, description=_MANY)
    not_found: str | None = Field(default=None, description=_NOT_FOUND)

    def apply(self, data: Data, args: dict[str, Any], gen: Generators,
              guard: GuardCheck) -> Applied:
        targets = self._matched(data, args, self.many, self.not_found, guard)
        changes: list[Change] = []
        for target in targets:
            # by identity: an identical-looking record elsewhere must stay
            data[self.collection] = [r for r in data[self.collection] if r is not target]
            changes.append({"op": "delete", "collection": self.collection,
                            "before": clone(target)})
        return {"deleted": len(targets)}, changes


OPERATIONS: dict[str, type[Operation]] = {
    cls.operation: cls for cls in (Find, Filter, Insert, Update, Delete, Return)}
FIELDS_OF: dict[str, tuple[str, ...]] = {
    op: tuple(f.alias or name for name, f in cls.model_fields.items())
    for op, cls in OPERATIONS.items()}
"""The YAML keys each operation takes, for errors that say where a misplaced key belongs."""


def _one_operation(value: Any) -> Any:
    """Exactly one operation key, or an error that says what is wrong with the mapping."""
    if isinstance(value, Operation):
        return value
    if not isinstance(value, dict):
        raise ValueError(f"an effect is a mapping with one operation "
                         f"(one of {', '.join(EFFECT_OPS)})")
    ops = [k for k in value if k in EFFECT_OPS]
    if not ops:
        known = {k for fields in FIELDS_OF.values() for k in fields}
        unknown = [k for k in value if k not in known]
        if unknown:
            raise ValueError(f"unknown operation {unknown[0]!r} "
                             f"(expected one of {', '.join(EFFECT_OPS)})")
    if len(ops) != 1:
        raise ValueError(f"exactly one operation is required, found {len(ops)}: "
                         f"{' and '.join(ops) or 'none'} (one of {', '.join(EFFECT_OPS)})")
    return value


def _tag(value: Any) -> str | None:
    """The union member for a mapping (its one operation key) or for a built Operation."""
    if isinstance(value, Operation):
        return value.operation.capitalize()
    if isinstance(value, dict):
        for op in EFFECT_OPS:
            if op in value:
                return op.capitalize()
    return None


# Tags are capitalised: the loader drops capitalised parts (union members) from an error's
# location, so `tools[0].effect.where` is reported, not `tools[0].effect.find.where`.
Effect = Annotated[
    Annotated[Find, Tag("Find")] | Annotated[Filter, Tag("Filter")]
    | Annotated[Insert, Tag("Insert")] | Annotated[Update, Tag("Update")]
    | Annotated[Delete, Tag("Delete")] | Annotated[Return, Tag("Return")],
    Discriminator(_tag),
    BeforeValidator(_one_operation),
]
