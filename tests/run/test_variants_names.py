"""Private variants rename parameters inside nested objects and array items too, and the tool
and parameter names that a scenario's system prompt and tool descriptions mention (issue 13)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from agentcheck.judge.scoring import score_trial
from agentcheck.run.prove import ReferenceSession, prove
from agentcheck.run.trial import run_trial
from agentcheck.scenario.model import Scenario, load_scenarios
from agentcheck.scenario.variants import VariantWorld

from ..helpers.paths import SCENARIOS

KEYS = ("test-variant-key-0123456789", "another-variant-key-98765", "third-variant-key-5555")
SYSTEM = ("You work the refunds desk. Find the customer with lookup_customer, then list_orders "
          "by customer_id, and only then call refund_order (with its details.reason_code).")


@pytest.fixture(scope="module")
def nested(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    """refund-damaged-order with a system prompt naming its tools and an optional nested
    `details` object (an object and an array of objects) on refund_order."""
    data = yaml.safe_load((SCENARIOS / "customer-service" / "refund-damaged-order.yaml")
                          .read_text(encoding="utf-8"))
    data["id"] = "refund-nested"
    data["system"] = SYSTEM
    refund = next(t for t in data["tools"] if t["name"] == "refund_order")
    refund["parameters"]["properties"]["details"] = {
        "type": "object",
        "description": "optional: reason_code and the lines (line_id) refunded",
        "properties": {
            "reason_code": {"type": "string"},
            "lines": {"type": "array", "items": {
                "type": "object", "properties": {"line_id": {"type": "string"},
                                                 "quantity": {"type": "integer"}},
                "required": ["line_id"]}}},
        "required": ["reason_code"]}
    refund["parameter_synonyms"] = {"reason_code": ["reason_key"], "line_id": ["line_ref"]}
    path = tmp_path_factory.mktemp("nested") / "refund-nested.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (sc,), errors = load_scenarios([path])
    assert not errors
    return sc


def _refund_spec(world: VariantWorld) -> dict[str, Any]:
    shown = world.variant.shown("refund_order")
    return next(t for t in world.tool_specs() if t["name"] == shown)


def test_nested_parameters_are_shown_renamed(nested: Scenario) -> None:
    for key in KEYS:
        world = VariantWorld(nested, 1, key)
        names = world.variant.params["refund_order"]
        assert names["reason_code"] != "reason_code" and names["line_id"] != "line_id"
        spec = json.dumps(_refund_spec(world))
        for canon in ("reason_code", "line_id", "order_id"):
            assert f'"{canon}"' not in spec, (key, canon)
        details = _refund_spec(world)["parameters"]["properties"][names["details"]]
        assert details["required"] == [names["reason_code"]]
        item = details["properties"][names["lines"]]["items"]
        assert item["required"] == [names["line_id"]]
        assert names["reason_code"] in details["description"]


def test_nested_arguments_come_back_canonical(nested: Scenario) -> None:
    world = VariantWorld(nested, 1, KEYS[0])
    order = world.initial["orders"][0]["id"]
    canonical = {"order_id": order,
                 "details": {"reason_code": "damaged",
                             "lines": [{"line_id": "L-1", "quantity": 1}]}}
    name, args = world.variant.to_shown("refund_order", canonical)
    assert args != canonical
    result = world.call(name, args)
    assert result.ok, result.error
    assert result.tool == "refund_order" and result.args == canonical
    # a nested name this variant renamed, sent as the public library spells it
    again = VariantWorld(nested, 1, KEYS[0])
    names = again.variant.params["refund_order"]
    wrong = {names["order_id"]: order,
             names["details"]: {"reason_code": "damaged"}}
    refused = again.call(name, wrong)
    assert not refused.ok and refused.error_kind == "invalid_arguments"
    assert "reason_code" in (refused.error or "")


def test_the_system_prompt_names_the_tools_as_offered(nested: Scenario) -> None:
    for key in KEYS:
        world = VariantWorld(nested, 1, key)
        prompt = world.system_prompt()
        for tool in ("lookup_customer", "list_orders", "refund_order"):
            shown = world.variant.shown(tool)
            assert shown in prompt and f" {tool}" not in prompt, (key, tool, prompt)
        reason = world.variant.params["refund_order"]["reason_code"]
        assert reason in prompt  # one tool has it: unambiguous


def test_the_reference_passes_with_nested_names(nested: Scenario) -> None:
    assert prove(nested, keys=KEYS).problems == []
    world = VariantWorld(nested, 2, KEYS[1])
    traj = asyncio.run(run_trial(nested, world, ReferenceSession(nested, world.variant)))
    assert score_trial(nested, world, traj).passed


def test_a_library_without_nested_parameters_is_unchanged() -> None:
    """Renaming walks nested schemas; a flat one shows exactly as before: every property
    renamed at the top level only."""
    (sc,), _ = load_scenarios([SCENARIOS / "customer-service" / "refund-damaged-order.yaml"])
    world = VariantWorld(sc, 3, KEYS[0])
    for spec in world.tool_specs():
        canon = world.variant.canonical(spec["name"])
        assert canon is not None
        names = world.variant.params[canon]
        assert set(spec["parameters"]["properties"]) == {
            names.get(p, p) for p in sc.tool(canon).parameters["properties"]}  # type: ignore[union-attr]


def test_parameter_synonyms_may_name_nested_parameters(tmp_path: Path, nested: Scenario) -> None:
    tool = nested.tool("refund_order")
    assert tool is not None and tool.parameter_synonyms["line_id"] == ["line_ref"]
    data = yaml.safe_load((SCENARIOS / "customer-service" / "refund-damaged-order.yaml")
                          .read_text(encoding="utf-8"))
    data["id"] = "refund-bad-synonym"
    refund = next(t for t in data["tools"] if t["name"] == "refund_order")
    refund["parameter_synonyms"] = {"no_such_param": ["x_ref"]}
    path = tmp_path / "refund-bad-synonym.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    scenarios, errors = load_scenarios([path])
    assert not scenarios and "no_such_param" in str(errors[0])
    assert "refund-bad-synonym.yaml" in str(errors[0])
