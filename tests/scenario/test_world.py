"""The World: deterministic generation, declarative effects, guards, faults, argument checks."""

from __future__ import annotations

import pytest

from agentcheck.scenario.model import load_scenario
from agentcheck.scenario.world import World

from ..helpers.paths import SCENARIOS

REFUND = SCENARIOS / "customer-service" / "refund-damaged-order.yaml"

EFFECTS = """\
id: effects
title: Every effect
version: 1
domain: test
probes: [planning]
human_baseline: {minutes: 1}
world:
  items:
    - {id: "{{ id('IT') }}", name: alpha, qty: 5, price: 10}
    - {id: "{{ id('IT') }}", name: beta, qty: 0, price: 250}
  tickets: []
tools:
  - name: search
    description: Search items.
    parameters: {type: object, properties: {name: {type: string}, max_price: {type: number}}}
    effect: {filter: items, where: {name: "{{ args.name }}", price: {lte: "{{ args.max_price }}"}},
             fields: [id, name]}
  - name: open_ticket
    description: Open a ticket.
    parameters: {type: object, properties: {summary: {type: string, minLength: 3}},
                 required: [summary], additionalProperties: false}
    effect: {insert: tickets, values: {id: "{{ id('TCK') }}", summary: "{{ args.summary }}",
             status: open}}
  - name: sell
    description: Sell one unit.
    parameters: {type: object, properties: {id: {type: string}}, required: [id]}
    effect: {update: items, where: {id: "{{ args.id }}"}, set: {qty: "{{ record.qty }}"}}
    guards:
      - {check: {path: record.qty, is: {gt: 0}}, error: "{{ record.name }} is out of stock"}
    faults: [{calls: [2], error: "503 try again"}]
  - name: remove
    description: Remove an item.
    parameters: {type: object, properties: {id: {type: string}}, required: [id]}
    effect: {delete: items, where: {id: "{{ args.id }}"}, not_found: "no such item"}
  - name: quote
    description: Quote.
    parameters: {type: object, properties: {n: {type: integer}}, required: [n]}
    effect: {return: {n: "{{ args.n }}", currency: EUR}}
task:
  - user: hello
expect:
  outcome: ["length(tickets) == `1`"]
reference:
  - {call: open_ticket, args: {summary: hello}}
"""


@pytest.fixture
def effects_world(write_yaml) -> World:
    return World(load_scenario(write_yaml("effects.yaml", EFFECTS)), seed=7)


def test_same_seed_same_world_other_seed_other_ids() -> None:
    sc = load_scenario(REFUND)
    a, b, c = World(sc, 1), World(sc, 1), World(sc, 2)
    assert a.data == b.data
    assert a.data["orders"][0]["id"] != c.data["orders"][0]["id"]
    assert a.data["orders"][0]["customer_id"] == a.data["customers"][0]["id"]
    assert a.data["orders"][0]["id"].startswith("ORD-")


def test_filter_skips_absent_optional_arguments_and_projects(effects_world: World) -> None:
    res = effects_world.call("search", {})
    assert res.ok and [r["name"] for r in res.result] == ["alpha", "beta"]
    assert set(res.result[0]) == {"id", "name"}
    cheap = effects_world.call("search", {"max_price": 100})
    assert [r["name"] for r in cheap.result] == ["alpha"]
    named = effects_world.call("search", {"name": "  BETA "})  # clerk-style matching
    assert [r["name"] for r in named.result] == ["beta"]


def test_insert_generates_ids_and_records_change(effects_world: World) -> None:
    res = effects_world.call("open_ticket", {"summary": "printer on fire"})
    assert res.ok and res.result["id"].startswith("TCK-")
    assert effects_world.data["tickets"] == [res.result]
    assert res.changed and res.changed[0]["op"] == "insert"
    assert effects_world.check("length(tickets) == `1`")
    assert not effects_world.check_initial("length(tickets) == `1`")


def test_guard_blocks_and_leaves_world_untouched(effects_world: World) -> None:
    beta = effects_world.data["items"][1]["id"]
    res = effects_world.call("sell", {"id": beta})
    assert not res.ok and res.error == "beta is out of stock" and res.error_kind == "precondition"
    assert effects_world.data == effects_world.initial


def test_fault_fails_the_nth_call_only(effects_world: World) -> None:
    alpha = effects_world.data["items"][0]["id"]
    assert effects_world.call("sell", {"id": alpha}).ok
    second = effects_world.call("sell", {"id": alpha})
    assert not second.ok and second.error == "503 try again" and second.error_kind == "fault"
    assert effects_world.call("sell", {"id": alpha}).ok


def test_delete_and_not_found(effects_world: World) -> None:
    alpha = effects_world.data["items"][0]["id"]
    assert effects_world.call("remove", {"id": alpha}).result == {"deleted": 1}
    again = effects_world.call("remove", {"id": alpha})
    assert again.error == "no such item" and again.error_kind == "not_found"
    assert len(effects_world.data["items"]) == 1


def test_return_keeps_types(effects_world: World) -> None:
    assert effects_world.call("quote", {"n": 3}).result == {"n": 3, "currency": "EUR"}


@pytest.mark.parametrize("args, needle", [
    ({}, "'summary' is a required property"),
    ({"summary": 5}, "5 is not of type 'string'"),
    ({"summary": "ok", "x": 1}, "Additional properties"),
    ({"summary": "no"}, "too short"),
    ("not an object", "must be a JSON object"),
])
def test_invalid_arguments_are_tool_errors(effects_world: World, args: object,
                                           needle: str) -> None:
    res = effects_world.call("open_ticket", args)
    assert not res.ok and res.error_kind == "invalid_arguments" and needle in res.error
    assert not res.valid
    assert effects_world.data["tickets"] == []


def test_unknown_tool_lists_the_real_ones(effects_world: World) -> None:
    res = effects_world.call("drop_database", {})
    assert res.error_kind == "unknown_tool" and "open_ticket" in res.error and not res.valid


def test_closed_world_changes_nothing(effects_world: World) -> None:
    effects_world.closed = True
    res = effects_world.call("open_ticket", {"summary": "late call"})
    assert not res.ok and effects_world.data["tickets"] == []


def test_delete_removes_exactly_the_matched_record(write_yaml) -> None:
    text = EFFECTS.replace("""    - {id: "{{ id('IT') }}", name: beta, qty: 0, price: 250}""",
                           """    - {id: "{{ id('IT') }}", name: beta, qty: 0, price: 250}
    - {id: "{{ id('IT') }}", name: beta, qty: 0, price: 250}""")
    world = World(load_scenario(write_yaml("effects.yaml", text)), seed=7)
    second = world.data["items"][2]
    assert world.call("remove", {"id": second["id"]}).ok
    assert [r["id"] for r in world.data["items"]] == [world.initial["items"][0]["id"],
                                                       world.initial["items"][1]["id"]]
