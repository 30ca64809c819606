"""The prover makes up arguments a tool's schema accepts: each constraint honoured, each value
cross-checked by jsonschema (formats included), and a minefield behind a patterned parameter is
reachable."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from agentcheck.run.prove import minefield_call, prove
from agentcheck.run.schema_values import from_regex, make_value
from agentcheck.scenario.model import load_scenario
from agentcheck.scenario.scaffold import new_scenario
from agentcheck.scenario.world import World

CHECKER = jsonschema.Draft202012Validator.FORMAT_CHECKER

SCHEMAS: list[dict[str, Any]] = [
    {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
    {"type": "string", "pattern": r"^(INV|PO)-\d{6}$"},
    {"type": "string", "pattern": r"^[^@\s]+@corp\.example$"},
    {"type": "string", "pattern": r"^[A-Z]{3}-\d+$", "minLength": 10},
    {"type": "string", "pattern": "^[a-z]+(?:_[a-z]+)*$", "maxLength": 8},
    {"type": "string", "pattern": "ab"},  # not anchored: anywhere in the text
    {"type": "string", "format": "date"},
    {"type": "string", "format": "email"},
    {"type": "string", "format": "date-time"},
    {"type": "string", "format": "uuid"},
    {"type": "string", "format": "ipv4"},
    {"type": "string", "format": "date", "pattern": "^2026-"},
    {"type": "string", "minLength": 5, "maxLength": 6},
    {"type": "string", "maxLength": 0},
    {"type": "string", "enum": ["low", "high"]},
    {"enum": [3, "x"]},
    {"const": "fixed"},
    {"type": "integer", "minimum": 5, "maximum": 9, "multipleOf": 3},
    {"type": "integer", "maximum": -4},
    {"type": "integer", "exclusiveMinimum": 10},
    {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
    {"type": "number", "minimum": 0.5, "multipleOf": 0.25},
    {"type": "boolean"},
    {"type": ["null", "string"], "minLength": 2},
    {"anyOf": [{"type": "integer", "minimum": 3}, {"type": "string"}]},
    {"type": "array", "items": {"type": "string", "format": "email"}, "minItems": 2},
    {"type": "object", "properties": {"a": {"type": "integer", "minimum": 3},
                                      "b": {"type": "string", "pattern": "^B[0-9]$"}},
     "required": ["a", "b"]},
]


@pytest.mark.parametrize("schema", SCHEMAS, ids=[str(s) for s in SCHEMAS])
def test_every_made_up_value_is_accepted(schema: dict[str, Any]) -> None:
    value = make_value(schema)
    errors = list(jsonschema.Draft202012Validator(schema, format_checker=CHECKER)
                  .iter_errors(value))
    assert not errors, (value, errors[0].message if errors else "")


def test_a_known_value_that_fits_is_preferred() -> None:
    schema = {"type": "string", "pattern": "^INC-[0-9]+$"}
    assert make_value(schema, ["x", None, "INC-42"]) == "INC-42"
    assert make_value({"type": "string", "format": "email"}, ["not-an-email"]) == \
        "someone@example.com"


@pytest.mark.parametrize(("pattern", "extra", "text"), [
    ("^[0-9]{4}-[0-9]{2}$", 0, "1111-11"),
    (r"^\w+@\w+$", 0, "a@a"),
    (r"^\w+@\w+$", 2, "aaa@aaa"),
    ("^(a|bb)c?$", 0, "a"),
    (r"^(x)-\1$", 0, "x-x"),
])
def test_from_regex_builds_the_shortest_match(pattern: str, extra: int, text: str) -> None:
    assert from_regex(pattern, extra) == text
    assert re.search(pattern, text)


@pytest.mark.parametrize("pattern", ["(?=x)y", "(", "a{3}(?<!a)b"])
def test_from_regex_says_none_when_it_cannot(pattern: str) -> None:
    assert from_regex(pattern) is None


def test_contradictory_schema_gives_none() -> None:
    assert make_value({"type": "integer", "minimum": 5, "maximum": 4}) is None


def test_minefield_behind_a_patterned_parameter_is_reachable(tmp_path: Path) -> None:
    """close_ticket also requires a change reference like 'CHG-123456' and a date: the prover's
    made-up call carries ones the schema accepts, so the minefield is proved reachable (before,
    'x' failed the pattern and the minefield was called unreachable)."""
    path = new_scenario("close-ticket", "it-helpdesk", tmp_path / "scenarios")
    text = path.read_text()
    old = ('parameters: {type: object, properties: {ticket_id: {type: string}}, '
           'required: [ticket_id]}\n    effect: {update: tickets')
    new = ('parameters: {type: object, properties: {ticket_id: {type: string}, change_ref: '
           '{type: string, pattern: "^CHG-[0-9]{6}$"}, closed_on: {type: string, format: '
           'date}}, required: [ticket_id, change_ref, closed_on]}\n    effect: {update: tickets')
    assert old in text
    text = text.replace(old, new).replace(
        '{call: close_ticket, args: {ticket_id: "{{ tickets[?status==\'open\'] | [0].id }}"}',
        '{call: close_ticket, args: {ticket_id: "{{ tickets[?status==\'open\'] | [0].id }}", '
        'change_ref: "{{ \'CHG-000001\' }}", closed_on: "{{ \'2026-05-04\' }}"}')
    path.write_text(text)  # templated in the reference: the prover cannot borrow them
    scenario = load_scenario(path)
    found = minefield_call(scenario, 0, World(scenario, 1))
    assert isinstance(found, dict), found
    assert re.fullmatch("CHG-[0-9]{6}", found["change_ref"])
    assert found["closed_on"] == "2026-01-15"
    proof = prove(scenario, seeds=(1,), keys=())
    assert proof.ok, proof.problems


def test_a_minefield_matcher_gets_a_value_the_schema_accepts(tmp_path: Path) -> None:
    """A minefield on a patterned parameter matched by an operator ({not: ...}) with no World
    value under that name: the witness is made from the schema ('X-0000' was tried before and
    the minefield called unreachable)."""
    path = new_scenario("close-ticket", "it-helpdesk", tmp_path / "scenarios")
    text = path.read_text()
    text = text.replace(
        'parameters: {type: object, properties: {ticket_id: {type: string}}, '
        'required: [ticket_id]}\n    effect: {update: tickets',
        'parameters: {type: object, properties: {ticket_id: {type: string}, change_ref: '
        '{type: string, pattern: "^CHG-[0-9]{6}$"}}, required: [ticket_id]}\n'
        '    effect: {update: tickets')
    text = text.replace(
        "reason: closed someone else's ticket}",
        "reason: closed someone else's ticket}\n"
        "    - {call: close_ticket, args: {change_ref: {not: CHG-000001}}, "
        "reason: closed a ticket under another change}")
    path.write_text(text)
    scenario = load_scenario(path)
    assert len(scenario.expect.minefields) == 2
    found = minefield_call(scenario, 1, World(scenario, 1))
    assert isinstance(found, dict), found
    assert re.fullmatch("CHG-[0-9]{6}", found["change_ref"]) and found["change_ref"] != \
        "CHG-000001"
