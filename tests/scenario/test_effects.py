"""Tool effects as a tagged union: each YAML mapping becomes exactly one operation model, a
mapping with two operations, none, or a key its operation does not take is a file:line error,
each operation applies itself to the World's data, and the published schema offers all six."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from agentcheck.core.errors import ConfigError, ToolError
from agentcheck.scenario.effects import (
    EFFECT_OPS,
    Delete,
    Effect,
    Filter,
    Find,
    Insert,
    Operation,
    Return,
    Update,
)
from agentcheck.scenario.expr import Generators
from agentcheck.scenario.model import ScenarioErrors, json_schema, load_scenario

EFFECT = TypeAdapter(Effect)

TINY = """\
id: tiny
title: Look up a thing
version: 1
domain: test
probes: [chaining]
human_baseline: {minutes: 1}
world:
  things:
    - {id: T-1, name: alpha}
tools:
  - name: find_thing
    description: Find a thing by name.
    parameters: {type: object, properties: {name: {type: string}}}
    effect: EFFECT
task:
  - user: "What is the id of alpha?"
expect:
  milestones: [{call: find_thing}]
reference:
  - {call: find_thing, args: {name: alpha}}
"""


@pytest.mark.parametrize(("effect", "kind"), [
    ({"find": "t", "where": {"id": 1}, "fields": ["id"], "many": True, "not_found": "x"}, Find),
    ({"filter": "t", "where": {}, "fields": ["id"], "limit": 5}, Filter),
    ({"insert": "t", "values": {"id": 1}, "fields": ["id"]}, Insert),
    ({"update": "t", "where": {}, "set": {"a": 1}, "fields": None, "many": True}, Update),
    ({"delete": "t", "where": {}, "many": False, "not_found": "x"}, Delete),
    ({"return": {"n": 1}}, Return),
    ({"return": None}, Return),
])
def test_each_mapping_becomes_its_operation(effect: dict[str, Any], kind: type) -> None:
    parsed = EFFECT.validate_python(effect)
    assert type(parsed) is kind
    assert parsed.operation in effect
    assert parsed.mutates == (parsed.operation in ("insert", "update", "delete"))


def load_errors(tmp_path: Path, effect: str) -> list[str]:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY.replace("EFFECT", effect))
    with pytest.raises(ConfigError) as info:
        load_scenario(path)
    errors = info.value.errors if isinstance(info.value, ScenarioErrors) else [info.value]
    return [e.render().replace(str(path), "tiny.yaml") for e in errors]


@pytest.mark.parametrize(("effect", "error"), [
    ("{find: things, update: things}",
     "tiny.yaml:14: tools[0].effect: exactly one operation is required, found 2: find and update"),
    ("{where: {name: alpha}}",
     "tiny.yaml:14: tools[0].effect: exactly one operation is required, found 0: none"),
    ("{}", "tiny.yaml:14: tools[0].effect: exactly one operation is required, found 0"),
    ("{upsert: things}",
     "tiny.yaml:14: tools[0].effect: unknown operation 'upsert' (expected one of find, filter, "
     "insert, update, delete, return)"),
    ("[find, things]", "tiny.yaml:14: tools[0].effect: an effect is a mapping with one operation"),
    ("{find: things, set: {name: beta}}",
     "tiny.yaml:14: tools[0].effect.set: unknown field for find ('set' belongs to update)"),
    ("{filter: things, not_found: gone}",
     "tiny.yaml:14: tools[0].effect.not_found: unknown field for filter ('not_found' belongs "
     "to find, update, delete)"),
    ("{find: things, colour: red}", "tiny.yaml:14: tools[0].effect.colour: unknown field"),
    ("{find: 3}", "tiny.yaml:14: tools[0].effect.find: Input should be a valid string"),
    ("{update: nothings, set: {}}",
     "tiny.yaml:14: tools[0].effect.update: unknown collection 'nothings' (world has: things)"),
    ("{filter: things, where: {name: {like: a}}}",
     "tiny.yaml:14: tools[0].effect.where.name: unknown operator 'like'"),
])
def test_wrong_effects_are_file_line_field_errors(tmp_path: Path, effect: str,
                                                  error: str) -> None:
    [text] = load_errors(tmp_path, effect)
    assert text.startswith(error)


# --------------------------------------------------------------------------- applying
def things() -> dict[str, list[dict[str, Any]]]:
    return {"things": [{"id": "T-1", "name": "alpha", "qty": 1},
                       {"id": "T-2", "name": "beta", "qty": 0},
                       {"id": "T-3", "name": "beta", "qty": 5}]}


def apply(effect: dict[str, Any], data: dict[str, Any], args: dict[str, Any] | None = None,
          refuse: bool = False) -> tuple[Any, list[dict[str, Any]]]:
    def guard(ctx: dict[str, Any]) -> None:
        if refuse:
            raise ToolError("precondition", f"refused {ctx.get('record', {}).get('id')}")

    op: Operation = EFFECT.validate_python(effect)
    return op.apply(data, args or {}, Generators(random.Random(1)), guard)


def test_find_returns_the_first_match_projected() -> None:
    data = things()
    assert apply({"find": "things", "where": {"name": "{{ args.n }}"}, "fields": ["id"]},
                 data, {"n": "BETA"}) == ({"id": "T-2"}, [])
    with pytest.raises(ToolError, match="no such beta"):
        apply({"find": "things", "where": {"name": "gamma"}, "not_found": "no such beta"}, data)


def test_filter_skips_left_out_arguments_and_limits() -> None:
    data = things()
    found, _ = apply({"filter": "things", "where": {"name": "{{ args.n }}"}, "limit": 2}, data)
    assert [r["id"] for r in found] == ["T-1", "T-2"]
    assert apply({"filter": "things", "where": {"name": "gamma"}}, data) == ([], [])


def test_insert_generates_and_records_the_change() -> None:
    data = things()
    record, changes = apply({"insert": "notes", "values": {"id": "{{ id('N') }}"}}, data)
    assert data["notes"] == [record] and record["id"].startswith("N-")
    assert changes == [{"op": "insert", "collection": "notes", "after": record}]


def test_update_many_sees_each_record_and_reports_real_changes_only() -> None:
    data = things()
    result, changes = apply({"update": "things", "where": {"name": "beta"}, "many": True,
                             "set": {"qty": "{{ record.qty }}", "seen": True}}, data)
    assert [r["seen"] for r in result] == [True, True]
    assert [c["before"]["id"] for c in changes] == ["T-2", "T-3"]
    _, again = apply({"update": "things", "where": {"id": "T-2"}, "set": {"seen": True}}, data)
    assert again == []


def test_delete_by_identity() -> None:
    data = things()
    data["things"].append(dict(data["things"][0]))  # an identical-looking record stays
    assert apply({"delete": "things", "where": {"id": "T-1"}}, data)[0] == {"deleted": 1}
    assert [r["id"] for r in data["things"]] == ["T-2", "T-3", "T-1"]


def test_return_renders_with_types() -> None:
    assert apply({"return": {"n": "{{ args.n }}"}}, {}, {"n": 3}) == ({"n": 3}, [])


def test_a_refused_guard_changes_nothing() -> None:
    data = things()
    for effect in ({"update": "things", "where": {"id": "T-1"}, "set": {"qty": 9}},
                   {"delete": "things", "where": {"id": "T-1"}},
                   {"insert": "things", "values": {"id": "T-9"}}):
        with pytest.raises(ToolError, match="refused"):
            apply(effect, data, refuse=True)
    assert data == things()


# --------------------------------------------------------------------------- editors
def test_schema_offers_the_six_operations_each_with_its_own_keys() -> None:
    schema = json_schema()
    effect = schema["$defs"]["Tool"]["properties"]["effect"]
    members = [schema["$defs"][ref["$ref"].split("/")[-1]] for ref in effect["oneOf"]]
    assert [m["required"] for m in members] == [[op] for op in EFFECT_OPS]
    assert all(m["additionalProperties"] is False for m in members)
    update = next(m for m in members if m["required"] == ["update"])
    assert {"where", "set", "many", "not_found", "fields"} <= set(update["properties"])
    assert "set" not in members[0]["properties"]  # find takes no `set`
