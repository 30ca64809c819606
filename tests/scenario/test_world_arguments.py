"""The World's quick argument check agrees with the JSON-Schema validator: it may only say
"valid" where the validator does (anything else is left to the validator, which also words the
error), on the schema shapes tools use and on arbitrary JSON values."""

from __future__ import annotations

from typing import Any

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from agentcheck.scenario.world import _quick_check

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=6)
    | st.sampled_from(["a", "ab", "paid", "refunded", ""]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                 max_size=3),
    max_leaves=6)

property_schemas = st.fixed_dictionaries(
    {"type": st.sampled_from(["string", "integer", "number", "boolean", "object", "array",
                              "null"])},
    optional={"description": st.just("d"),
              "enum": st.lists(st.sampled_from(["paid", "refunded", 1, True, None]), max_size=3),
              "minimum": st.sampled_from([0, 1, 2.5, -1]),
              "minLength": st.sampled_from([0, 1, 3])})

schemas = st.fixed_dictionaries(
    {"properties": st.dictionaries(st.sampled_from(["a", "b", "c"]), property_schemas,
                                   max_size=3)},
    optional={"type": st.just("object"), "description": st.just("d"),
              "required": st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=3,
                                   unique=True),
              "additionalProperties": st.booleans()})

arguments = st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), json_values, max_size=4)


@settings(max_examples=1500, deadline=None)
@given(schemas, arguments)
def test_quick_valid_only_where_the_validator_says_valid(schema: dict[str, Any],
                                                          args: dict[str, Any]) -> None:
    quick = _quick_check(schema)
    if quick is not None and quick(args):
        assert jsonschema.Draft202012Validator(schema).is_valid(args)


def test_quick_check_covers_the_usual_tool_schema_and_refuses_others() -> None:
    usual = {"type": "object", "properties": {"order_id": {"type": "string"},
                                              "qty": {"type": "integer", "minimum": 1}},
             "required": ["order_id"]}
    quick = _quick_check(usual)
    assert quick is not None
    assert quick({"order_id": "ORD-1", "qty": 2})
    assert not quick({"qty": 2})  # missing: the validator words the error
    assert not quick({"order_id": 5})
    assert not quick({"order_id": "ORD-1", "qty": True})
    for other in ({"type": "object", "properties": {"a": {"type": "string", "pattern": "x"}}},
                  {"type": "object", "properties": {"a": {"type": ["string", "null"]}}},
                  {"type": "object", "oneOf": []},
                  {"type": "object", "properties": {"a": {"type": "array",
                                                          "items": {"type": "string"}}}}):
        assert _quick_check(other) is None
