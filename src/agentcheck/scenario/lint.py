"""Static checks of a loaded scenario, before anything runs: every name an expression reads is
resolved against what it will read at run time, so a misspelt collection, field, parameter or
saved name is a `file:line: unknown collection 'ordres' (did you mean 'orders'?)` now rather
than an empty argument and an unmet outcome later.

What each place sees (the shapes are inferred from the file, never from a generated World):
- world data, the task, expectations and secrets: the World's collections;
- a tool's effect and guards: the collections, `args` (the tool's parameters) and, where the
  effect acts on a record, `record` (one record of its collection);
- the reference: only what an agent sees: `user`, `last` and the names saved by earlier steps,
  whose shapes are the results of the tools that returned them.

A collection's fields are those of its records in the file plus those effects insert or set.
Where a shape cannot be known (a value built by a template, a literal, a function's result), the
check says nothing: no false alarm on a file that runs.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentcheck.core.errors import ConfigError
from agentcheck.scenario.effects import Delete, Filter, Find, Insert, OnCollection, Return, Update
from agentcheck.scenario.expr import TEMPLATE_RE, ExpressionError, compile_path
from agentcheck.scenario.expr.functions import DATE_FUNCTIONS, ScenarioFunctions
from agentcheck.scenario.expr.generators import Generators, parse_generator
from agentcheck.scenario.model import Scenario
from agentcheck.scenario.source import Loc, LocatedData, load_file
from agentcheck.scenario.tools import Tool


@dataclass
class Shape:
    """What a value is known to be: anything (`any`), a record of known `fields` (`obj`), a
    list of `item`s, or a scalar. An `obj` names what its keys are (`noun`) and whose they are
    (`owner`), for the message."""

    kind: str = "any"
    fields: dict[str, Shape] = field(default_factory=dict)
    item: Shape | None = None
    noun: str = "field"
    owner: str = ""
    hint: str = ""
    misplaced: dict[str, str] = field(default_factory=dict)
    """Names that exist, but not here: the message for each."""


ANY = Shape()
SCALAR = Shape("scalar")


def _listof(item: Shape) -> Shape:
    return Shape("list", item=item)


def _close(name: str, known: list[str]) -> str:
    match = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if match:
        return f" (did you mean {match[0]!r}?)"
    if not known:
        return " (there are none)"
    shown = ", ".join(sorted(known)[:10]) + (", ..." if len(known) > 10 else "")
    return f" (known: {shown})"


def _known_functions() -> set[str]:
    """JMESPath's functions, the scenario's, and the date functions answered beside them."""
    return set(ScenarioFunctions.FUNCTION_TABLE) | set(DATE_FUNCTIONS)


_ITEM_OF_FIRST = {"min_by", "max_by", "pick_min", "pick_max"}
"""Functions whose result is one item of their first argument (a record of a list)."""
_SAME_AS_FIRST = {"sort_by", "reverse", "where", "sort"}
"""Functions whose result has the shape of their first argument."""
TEXT_SELECTORS = {"value_after", "value_before", "value_near", "email_near", "date_near",
                  "number_near", "id_near"}
"""Selectors that look for a label in a text."""
_FIELD_ARG = {"where", "pick_min", "pick_max"}
"""Functions whose second argument names a field of the records of their first."""
_EXPREF_ON = {"sort_by": 0, "min_by": 0, "max_by": 0, "map": 1}
"""Functions whose &expression is read on the items of the argument at this index."""


class _Walker:
    """Walks one JMESPath expression's tree, resolving each field against the shape it is read
    from; collects the problems."""

    def __init__(self, functions: set[str], records: dict[str, Shape] | None = None,
                 root: Shape = ANY, said: str | None = None) -> None:
        """`records`: each collection's record shape, for lookup('orders', ...); None where
        the World cannot be read (the reference). `root`: what root() answers. `said`: every
        wording of the user's turns, for the labels selectors look for in `user`."""
        self.functions = functions
        self.records = records
        self.root = root
        self.said = said
        self.problems: list[str] = []

    def get(self, shape: Shape, name: str) -> Shape:
        if shape.kind != "obj":
            return ANY
        found = shape.fields.get(name)
        if found is not None:
            return found
        if name in shape.misplaced:
            self.problems.append(shape.misplaced[name])
            return ANY
        owner = f" of {shape.owner}" if shape.owner else ""
        close = _close(name, list(shape.fields))
        hint = "" if "did you mean" in close else shape.hint
        self.problems.append(f"unknown {shape.noun} {name!r}{owner}{close}{hint}")
        return ANY

    def labels(self, name: str, node: dict[str, Any]) -> None:
        """A selector on `user` needs its label (one of them, for a list) in what the user
        says, else it can never find anything."""
        if self.said is None:
            return
        if node["type"] == "literal" and isinstance(node["value"], str):
            labels = [node["value"]]
        elif node["type"] == "multi_select_list" and all(
                k["type"] == "literal" and isinstance(k["value"], str) for k in node["children"]):
            labels = [k["value"] for k in node["children"]]
        else:
            return
        if any(label.strip().lower() in self.said for label in labels if label.strip()):
            return
        words = sorted(set(re.findall(r"[^\W\d_][\w'-]*", self.said)))
        close = difflib.get_close_matches(labels[0].strip().lower(), words, n=1, cutoff=0.75)
        self.problems.append(f"{name}(): the user never says {' or '.join(map(repr, labels))}, "
                             "so it can find nothing"
                             + (f" (did you mean {close[0]!r}?)" if close else ""))

    def lookup(self, collection: str) -> Shape:
        if self.records is None:
            self.problems.append(f"the reference reads {collection!r} from the World "
                                 "(lookup); it sees only `user`, `last` and the names saved "
                                 "by earlier steps, as an agent would")
            return ANY
        found = self.records.get(collection)
        if found is None:
            self.problems.append(f"unknown collection {collection!r}"
                                 f"{_close(collection, list(self.records))}")
            return ANY
        return found

    def walk(self, node: dict[str, Any], cur: Shape) -> Shape:
        kind = node["type"]
        kids = node.get("children", [])
        if kind == "field":
            return self.get(cur, node["value"])
        if kind in ("current", "identity"):
            return cur
        if kind == "subexpression":
            for kid in kids:
                cur = self.walk(kid, cur)
            return cur
        if kind == "pipe":
            return self.walk(kids[1], self.walk(kids[0], cur))
        if kind == "index_expression":
            left = self.walk(kids[0], cur)
            if kids[1]["type"] == "index":
                return left.item or ANY if left.kind == "list" else ANY
            return left
        if kind == "projection":
            left = self.walk(kids[0], cur)
            if left.kind != "list":
                self.walk(kids[1], ANY)
                return ANY
            return _listof(self.walk(kids[1], left.item or ANY))
        if kind == "filter_projection":
            left = self.walk(kids[0], cur)
            item = left.item or ANY if left.kind == "list" else ANY
            self.walk(kids[2], item)
            return _listof(self.walk(kids[1], item))
        if kind == "value_projection":
            self.walk(kids[0], cur)
            self.walk(kids[1], ANY)
            return ANY
        if kind == "flatten":
            inner = self.walk(kids[0], cur)
            if inner.kind == "list" and inner.item is not None and inner.item.kind == "list":
                return inner.item
            return inner if inner.kind == "list" else ANY
        if kind == "function_expression":
            return self.function(node["value"], kids, cur)
        if kind == "multi_select_dict":
            return Shape("obj", {kv["value"]: self.walk(kv["children"][0], cur) for kv in kids})
        if kind in ("multi_select_list",):
            for kid in kids:
                self.walk(kid, cur)
            return _listof(ANY)
        if kind in ("comparator", "and_expression", "or_expression", "not_expression"):
            shapes = [self.walk(kid, cur) for kid in kids]
            return shapes[0] if kind == "or_expression" else SCALAR
        if kind == "expref":
            self.walk(kids[0], ANY)
            return ANY
        return ANY  # literal, index, slice, anything new

    def function(self, name: str, kids: list[dict[str, Any]], cur: Shape) -> Shape:
        if name not in self.functions:
            self.problems.append(f"unknown function {name!r}"
                                 f"{_close(name, sorted(self.functions))}")
        args: list[Shape] = []
        for kid in kids:
            if kid["type"] == "expref":
                on = args[_EXPREF_ON[name]] if _EXPREF_ON.get(name, len(args)) < len(args) \
                    else ANY
                self.walk(kid["children"][0], on.item or ANY if on.kind == "list" else ANY)
                args.append(ANY)
            else:
                args.append(self.walk(kid, cur))
        first = args[0] if args else ANY
        if name in TEXT_SELECTORS and len(kids) > 1 and kids[0] == {
                "type": "field", "children": [], "value": "user"}:
            self.labels(name, kids[1])
        if name == "root":
            return self.root
        if name == "lookup" and kids and kids[0]["type"] == "literal" \
                and isinstance(kids[0]["value"], str):
            return self.lookup(kids[0]["value"])
        if name in _FIELD_ARG and len(kids) > 1 and kids[1]["type"] == "literal" \
                and isinstance(kids[1]["value"], str) and first.kind == "list" and first.item:
            self.get(first.item, kids[1]["value"])
        if name in _ITEM_OF_FIRST:
            return first.item or ANY if first.kind == "list" else ANY
        if name in _SAME_AS_FIRST:
            return first
        return ANY


# ----------------------------------------------------------------------------- shapes of a file
def _shape_of_value(value: Any) -> Shape:
    if isinstance(value, dict):
        return Shape("obj", {str(k): _shape_of_value(v) for k, v in value.items()})
    if isinstance(value, list):
        return _listof(_merge([_shape_of_value(v) for v in value]))
    if isinstance(value, str) and "{{" in value:
        return ANY
    return SCALAR


def _merge(shapes: list[Shape]) -> Shape:
    """One shape for several records: the union of their fields; ANY when any is unknown."""
    if not shapes or any(s.kind == "any" for s in shapes):
        return ANY
    if all(s.kind == "obj" for s in shapes):
        fields: dict[str, list[Shape]] = {}
        for s in shapes:
            for k, v in s.fields.items():
                fields.setdefault(k, []).append(v)
        return Shape("obj", {k: _merge(v) for k, v in fields.items()})
    if all(s.kind == "list" for s in shapes):
        return _listof(_merge([s.item or ANY for s in shapes]))
    return SCALAR if all(s.kind == "scalar" for s in shapes) else ANY


@dataclass
class _Context:
    """The shapes one scenario's expressions read from."""

    records: dict[str, Shape]
    world: Shape


def _world_shapes(sc: Scenario) -> _Context:
    written: dict[str, list[Shape]] = {name: [_shape_of_value(r) for r in records]
                                       for name, records in sc.world.items()}
    for tool in sc.tools:
        effect = tool.effect
        if isinstance(effect, Insert):
            written.setdefault(effect.collection, []).append(_shape_of_value(effect.values))
        elif isinstance(effect, Update):
            written.setdefault(effect.collection, []).append(_shape_of_value(effect.set))
    records: dict[str, Shape] = {}
    for name, shapes in written.items():
        merged = _merge(shapes) if shapes else ANY
        if merged.kind == "obj":
            merged.owner = f"{name} records"
        records[name] = merged
    world = Shape("obj", {n: _listof(s) for n, s in records.items() if n in sc.world},
                  noun="collection")
    return _Context(records, world)


def _effect_root(ctx: _Context, tool: Tool, with_record: bool) -> Shape:
    fields = dict(ctx.world.fields)
    fields["args"] = _args_shape(tool)
    if with_record and isinstance(tool.effect, OnCollection):
        fields["record"] = ctx.records.get(tool.effect.collection, ANY)
    return Shape("obj", fields, noun="collection or name")


def _args_shape(tool: Tool) -> Shape:
    props = tool.parameters.get("properties")
    if not isinstance(props, dict) or tool.parameters.get("additionalProperties") not in (
            None, False):
        return ANY
    return Shape("obj", {str(p): ANY for p in props}, noun="parameter",
                 owner=f"tool {tool.name!r}")


def _project(shape: Shape, fields: list[str] | None) -> Shape:
    if fields is None or shape.kind != "obj":
        return shape
    return Shape("obj", {f: shape.fields.get(f, ANY) for f in fields}, owner=shape.owner)


class Linter:
    def __init__(self, sc: Scenario) -> None:
        self.sc = sc
        # the file as written (aliases, only the keys the author set) without parsing it again
        self.data: dict[str, Any] = sc.model_dump(by_alias=True, exclude_unset=True)
        self.ctx = _world_shapes(sc)
        self.said = " ".join(text for turn in sc.task
                             for text in (turn.user, *turn.alternatives)).lower()
        self.found: list[tuple[Loc, str]] = []
        self.functions = _known_functions()
        self.generators = set(Generators.NAMES)

    def report(self, loc: Loc, problems: list[str]) -> None:
        seen: set[str] = set()
        for problem in problems:
            if problem not in seen:
                seen.add(problem)
                self.found.append((loc, problem))

    def expression(self, expr: str, root: Shape, loc: Loc) -> Shape:
        """Check one JMESPath expression (its own `{{ }}` parts first); returns its shape."""
        inner = TEMPLATE_RE.findall(expr)
        for part in inner:
            self.template_part(part.strip(), root, loc)
        if inner:
            expr = TEMPLATE_RE.sub("0", expr)
        try:
            parsed = compile_path(expr).parsed
        except ExpressionError:
            return ANY  # the loader says what is wrong with it
        in_reference = root.noun == "name"
        walker = _Walker(self.functions, None if in_reference else self.ctx.records, root,
                         self.said if in_reference else None)
        shape = walker.walk(parsed, root)
        self.report(loc, walker.problems)
        return shape

    def template_part(self, expr: str, root: Shape, loc: Loc) -> Shape:
        try:
            if parse_generator(expr) is not None:
                return ANY
        except ExpressionError:
            return ANY
        return self.expression(expr, root, loc)

    def value(self, value: Any, root: Shape, loc: Loc) -> Shape:
        """Check every template in `value` (a string, list or mapping); returns its shape."""
        if isinstance(value, dict):
            return Shape("obj", {str(k): self.value(v, root, (*loc, k))
                                 for k, v in value.items()})
        if isinstance(value, list):
            return _listof(_merge([self.value(v, root, (*loc, i))
                                   for i, v in enumerate(value)]))
        if not isinstance(value, str):
            return SCALAR
        parts = TEMPLATE_RE.findall(value)
        shapes = [self.template_part(p.strip(), root, loc) for p in parts]
        whole = TEMPLATE_RE.fullmatch(value.strip())
        return shapes[0] if whole and len(shapes) == 1 else (ANY if parts else SCALAR)

    def condition(self, cond: Any, root: Shape, loc: Loc) -> None:
        if isinstance(cond, str):
            self.expression(cond, root, loc)
        elif isinstance(cond, dict):
            if isinstance(cond.get("path"), str):
                self.expression(cond["path"], root, (*loc, "path"))
            self.value(cond.get("is"), root, (*loc, "is"))

    def fields(self, collection: str, names: list[str], loc: Loc) -> None:
        shape = self.ctx.records.get(collection, ANY)
        walker = _Walker(self.functions)
        for name in names:
            walker.get(shape, name)
        self.report(loc, walker.problems)

    def params(self, tool: Tool, args: dict[str, Any], loc: Loc) -> None:
        shape = _args_shape(tool)
        walker = _Walker(self.functions)
        for name in args:
            walker.get(shape, str(name))
        self.report(loc, walker.problems)

    # ------------------------------------------------------------------------ the file's parts
    def run(self) -> list[tuple[Loc, str]]:
        raw = self.data
        world = self.ctx.world
        for name, records in raw.get("world", {}).items():
            for i, record in enumerate(records or []):
                self.value(record, world, ("world", name, i))
        results = [self.tool(i, tool, raw["tools"][i]) for i, tool in enumerate(self.sc.tools)]
        by_name = {t.name: (t, r) for t, r in zip(self.sc.tools, results, strict=True)}
        for i, turn in enumerate(raw.get("task", [])):
            self.value(turn, world, ("task", i))
        expect = raw.get("expect", {})
        for j, cond in enumerate(expect.get("outcome", []) or []):
            self.condition(cond, world, ("expect", "outcome", j))
        for kind in ("milestones", "minefields"):
            for j, match in enumerate(expect.get(kind, []) or []):
                found = by_name.get(match.get("call"))
                self.value(match.get("args", {}), world, ("expect", kind, j, "args"))
                if found is not None:
                    self.params(found[0], match.get("args", {}), ("expect", kind, j, "args"))
        self.value(expect.get("answer"), world, ("expect", "answer"))
        for j, entry in enumerate(self.sc.expect.may_change):
            coll, _, name = entry.partition(".")
            if name and coll in self.ctx.records:
                self.fields(coll, [name], ("expect", "may_change", j))
        for j, secret in enumerate(raw.get("secrets", []) or []):
            self.value(secret.get("value"), world, ("secrets", j, "value"))
        self.reference(raw.get("reference", []), by_name)
        return self.found

    def tool(self, i: int, tool: Tool, raw: dict[str, Any]) -> Shape:
        """Check a tool's effect and guards; returns the shape of its result."""
        effect = tool.effect
        loc: Loc = ("tools", i, "effect")
        raw_effect = raw.get("effect", {})
        plain = _effect_root(self.ctx, tool, with_record=False)
        acts_on_record = isinstance(effect, (Find, Update, Delete))
        with_record = _effect_root(self.ctx, tool, with_record=acts_on_record)
        for g, guard in enumerate(raw.get("guards", []) or []):
            self.condition(guard.get("check"), with_record, ("tools", i, "guards", g, "check"))
            self.value(guard.get("error"), with_record, ("tools", i, "guards", g, "error"))
        if isinstance(effect, Return):
            return self.value(raw_effect.get("return"), plain, (*loc, "return"))
        assert isinstance(effect, OnCollection)
        record = self.ctx.records.get(effect.collection, ANY)
        where = raw_effect.get("where") or {}
        self.fields(effect.collection, [str(k) for k in where], (*loc, "where"))
        self.value(where, plain, (*loc, "where"))
        self.value(raw_effect.get("not_found"), plain, (*loc, "not_found"))
        fields = getattr(effect, "fields", None)
        if isinstance(effect, Insert):
            if record.kind == "obj":
                record = _merge([record, _shape_of_value(effect.values)])
                record.owner = f"{effect.collection} records"
            self.value(raw_effect.get("values"), plain, (*loc, "values"))
        if isinstance(effect, Update):
            self.value(raw_effect.get("set"), with_record, (*loc, "set"))
        if fields is not None:
            self.fields(effect.collection, list(fields), (*loc, "fields"))
        if isinstance(effect, Delete):
            return Shape("obj", {"deleted": SCALAR}, owner=f"{tool.name}'s result")
        result = _project(record, fields)
        if isinstance(effect, Filter) or (isinstance(effect, Update) and effect.many):
            return _listof(result)
        return result

    def reference(self, steps: list[Any], by_name: dict[str, tuple[Tool, Shape]]) -> None:
        seen: dict[str, Shape] = {"user": SCALAR, "last": ANY}
        collections = set(self.ctx.world.fields)
        for j, step in enumerate(steps):
            if not isinstance(step, dict):
                continue
            root = Shape("obj", dict(seen), noun="name",
                         hint=" (the reference sees only `user`, `last` and the names saved "
                              "by earlier steps)",
                         misplaced={c: f"the reference reads {c!r} from the World; it sees "
                                       "only `user`, `last` and the names saved by earlier "
                                       "steps, as an agent would"
                                    for c in collections if c not in seen})
            if "say" in step:
                self.value(step.get("say"), root, ("reference", j, "say"))
            else:
                self.value(step.get("args", {}), root, ("reference", j, "args"))
            found = by_name.get(step.get("call", ""))
            if found is None:
                continue
            self.params(found[0], step.get("args", {}) or {}, ("reference", j, "args"))
            seen["last"] = found[1]
            if step.get("save"):
                seen[str(step["save"])] = found[1]


def lint(sc: Scenario, src: LocatedData | None = None) -> list[ConfigError]:
    """Every unknown collection, field, parameter, saved name or function the scenario's
    expressions read, as file:line errors. The file is read again (`src`, when not given) only
    to number the lines of problems found."""
    found = Linter(sc).run()
    if not found:
        return []
    located = src if src is not None else load_file(Path(sc.path))
    return [located.error(loc, message) for loc, message in found]
