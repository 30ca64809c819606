"""The Gemini generateContent driver over real loopback HTTP, refereed by google-genai's types.

Every test talks to tests/fakes/gemini.py through make_driver and an
httpx.AsyncClient, as the runner does. The server rejects what the real API rejects (a
functionResponse with no function call turn before it, roles other than user/model, a missing
thoughtSignature, schema keywords the API does not know, a missing or wrong key...), and at
teardown the SDK's pydantic types (extra fields forbidden) re-check every response body the server
sent and every content, tool and generation config the driver sent.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from google.genai import types

from agentcheck.core.errors import ConfigError
from agentcheck.run.runner import make_driver
from agentcheck.scenario.model import load_scenarios
from agentcheck.vendors.profile import VendorProfile
from agentcheck.vendors.protocols.base import ModelTurn, Session, ToolResult
from agentcheck.vendors.protocols.gemini import gemini_schema
from agentcheck.vendors.wire import retry_info_delay

from ..fakes import checked
from ..fakes import gemini as gm
from ..helpers import driving
from ..helpers.brains import Brain, gemini_history
from ..helpers.cli import agentcheck
from ..helpers.driving import SYSTEM, USER, answer_all
from ..helpers.paths import ROOT

KEY_ENV = "AGENTCHECK_TEST_GEMINI_KEY"
KEY = "AIzaLoopbackKey0123456789SECRET"
TOOLS = [  # with schema keywords Gemini rejects
    {"name": "get_order", "description": "Look up an order by id.",
     "parameters": {"type": "object", "properties": {"order_id": {"type": "string"}},
                    "required": ["order_id"], "additionalProperties": False}},
    {"name": "refund", "description": "Refund an order.",
     "parameters": {"$schema": "https://json-schema.org/draft/2020-12/schema",
                    "type": "object", "properties": {"order_id": {"type": "string"},
                                                     "amount": {"type": "number"}}}},
]
REFUND = "scenarios/customer-service/refund-damaged-order.yaml"
SIG_A = "Q2lRQkJCQkJCQkI="  # base64, as the API sends them
SIG_B = "Q2lRQ0NDQ0NDQ0M="


api_key = driving.key_in_env(KEY_ENV, KEY)


@pytest.fixture
def server() -> Iterator[gm.GeminiServer]:
    with checked.serving(gm.GeminiServer(api_key=KEY), gm.referee) as srv:
        yield srv


# --------------------------------------------------------------------------- helpers


def profile_for(server: checked.LoopbackServer, **over: Any) -> VendorProfile:
    return driving.profile("gemini", server.base_url, KEY_ENV,
                           **{"model": "gemini-test", "max_retry_wait_s": 1.0, **over})


talk = driving.Conversation(SYSTEM, USER, TOOLS)
converse, one_step, step_fails = talk.converse, talk.one_step, talk.error


def round_trip(profile: VendorProfile, results: Callable[[ModelTurn], list[ToolResult]]
               = answer_all) -> tuple[ModelTurn, ModelTurn]:
    return talk.round_trip(profile, results)


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "parts": [{"text": text}]}


def model_turn(server: gm.GeminiServer, i: int) -> dict[str, Any]:
    content: dict[str, Any] = server.requests[i].reply_json["candidates"][0]["content"]
    return content


# --------------------------------------------------------------------------- conversations


def test_final_answer_and_request_shape(server: gm.GeminiServer) -> None:
    server.script(gm.generate([gm.text("Order A1 "), gm.text("shipped.")]))
    profile = profile_for(server, max_tokens=300, headers={"X-Team": "evals"},
                          params={"generationConfig": {"temperature": 0}})

    turn = one_step(profile)

    assert (turn.text, turn.tool_calls, turn.finish_reason) == ("Order A1 shipped.", [], "STOP")
    [req] = server.requests
    assert req.path == "/v1beta/models/gemini-test:generateContent" and req.query == {}
    assert req.headers["x-goog-api-key"] == KEY and "authorization" not in req.headers
    assert req.headers["x-team"] == "evals"
    assert req.json == {
        "contents": [user(USER)],
        "systemInstruction": {"parts": [{"text": SYSTEM}]},
        "tools": [{"functionDeclarations": [
            {"name": "get_order", "description": "Look up an order by id.",
             "parameters": {"type": "OBJECT", "properties": {"order_id": {"type": "STRING"}},
                            "required": ["order_id"]}},
            {"name": "refund", "description": "Refund an order.",
             "parameters": {"type": "OBJECT", "properties": {
                 "order_id": {"type": "STRING"}, "amount": {"type": "NUMBER"}}}}]}],
        "generationConfig": {"temperature": 0, "maxOutputTokens": 300},
    }


def test_tool_round_trip_with_stop_finish_reason(server: gm.GeminiServer) -> None:
    server.script(gm.generate([gm.gcall("get_order", {"order_id": "A1"}, call_id="fc-7")]),
                  gm.generate([gm.text("A1 is on its way.")]))

    first, second = round_trip(profile_for(server))

    [call] = first.tool_calls
    assert (call.id, call.name, call.arguments) == ("fc-7", "get_order", {"order_id": "A1"})
    assert first.finish_reason == "STOP"  # a tool call, all the same
    assert second.text == "A1 is on its way."
    contents = server.requests[1].json["contents"]
    assert contents == [user(USER), model_turn(server, 0), {"role": "user", "parts": [
        {"functionResponse": {"id": "fc-7", "name": "get_order",
                              "response": {"output": {"ok": True}}}}]}]


def test_thought_signatures_go_back_unchanged(server: gm.GeminiServer) -> None:
    parts = [gm.text("Let me think about which order.", thought=True, signature=SIG_A),
             gm.gcall("get_order", {"order_id": "A1"}, signature=SIG_B),
             gm.gcall("get_order", {"order_id": "A2"})]  # only the first call is signed
    server.script(gm.generate(parts, usage=gm.gusage(50, 10, thoughts=40)),
                  gm.generate([gm.text("Both found.", signature=SIG_A)]),
                  gm.generate([gm.text("Bye.")]))

    async def fn(session: Session) -> tuple[ModelTurn, ModelTurn]:
        first = await session.step()
        session.add_tool_results(answer_all(first))
        await session.step()
        session.add_user("Thanks")
        return first, await session.step()

    first, _ = converse(profile_for(server), fn)

    assert first.text == ""  # thought summaries are not the answer
    assert len(first.tool_calls) == 2
    contents = server.requests[2].json["contents"]
    assert contents[1] == model_turn(server, 0)
    assert contents[1]["parts"][1]["thoughtSignature"] == SIG_B
    assert contents[3] == model_turn(server, 1)
    assert contents[4] == user("Thanks")


def test_server_refuses_a_call_turn_without_its_signature(server: gm.GeminiServer) -> None:
    server.expect_invalid = True
    server.script(gm.generate([gm.gcall("get_order", {"order_id": "A1"}, call_id="fc-1",
                                        signature=SIG_B)]))
    one_step(profile_for(server))
    unsigned = gm.gcall("get_order", {"order_id": "A1"}, call_id="fc-1")
    body = {"contents": [user(USER), {"role": "model", "parts": [unsigned]},
                         {"role": "user", "parts": [{"functionResponse": {
                             "id": "fc-1", "name": "get_order", "response": {"output": 1}}}]}]}

    status, data = post(server, body)

    assert status == 400 and "missing a thought_signature" in data["error"]["message"]


def test_missing_call_ids_are_matched_by_order_and_name(server: gm.GeminiServer) -> None:
    server.script(gm.generate([gm.gcall("get_order", {"order_id": "A1"}, call_id=None),
                               gm.gcall("get_order", {"order_id": "A2"}, call_id=None),
                               gm.gcall("refund", {"order_id": "A1"}, call_id=None)]),
                  gm.generate([gm.text("ok")]))

    def reversed_results(turn: ModelTurn) -> list[ToolResult]:
        return [ToolResult(c, json.dumps({"n": i}), False)
                for i, c in reversed(list(enumerate(turn.tool_calls)))]

    first, _ = round_trip(profile_for(server), reversed_results)

    ids = [c.id for c in first.tool_calls]
    assert len(set(ids)) == 3 and all(ids)
    parts = server.requests[1].json["contents"][2]["parts"]
    assert [p["functionResponse"] for p in parts] == [
        {"name": "get_order", "response": {"output": {"n": 0}}},
        {"name": "get_order", "response": {"output": {"n": 1}}},
        {"name": "refund", "response": {"output": {"n": 2}}}]


def test_parallel_calls_with_ids_answered_in_any_order(server: gm.GeminiServer) -> None:
    calls = [gm.gcall("get_order", {"order_id": f"A{i}"}) for i in range(3)]
    server.script(gm.generate(calls), gm.generate([gm.text("All checked.")]))

    first, second = round_trip(profile_for(server), lambda t: list(reversed(answer_all(t))))

    assert [c.id for c in first.tool_calls] == [c["functionCall"]["id"] for c in calls]
    assert second.text == "All checked."
    parts = server.requests[1].json["contents"][2]["parts"]
    assert [p["functionResponse"]["id"] for p in parts] == [c["functionCall"]["id"]
                                                            for c in calls]


def test_tool_errors_and_plain_text_results_are_visible(server: gm.GeminiServer) -> None:
    server.script(gm.generate([gm.gcall("refund", {"order_id": "A9"}),
                               gm.gcall("get_order", {"order_id": "A9"})]),
                  gm.generate([gm.text("That order does not exist.")]))

    def results(turn: ModelTurn) -> list[ToolResult]:
        refund, get = turn.tool_calls
        return [ToolResult(refund, '{"error": "order not found"}', True),
                ToolResult(get, '{"id": "A9", "items": [1, 2...(truncated)', False)]

    round_trip(profile_for(server), results)

    parts = server.requests[1].json["contents"][2]["parts"]
    assert parts[0]["functionResponse"]["response"] == {"error": "order not found"}
    assert parts[1]["functionResponse"]["response"] == {
        "output": '{"id": "A9", "items": [1, 2...(truncated)'}


def test_call_without_args_has_empty_arguments(server: gm.GeminiServer) -> None:
    bare = gm.gcall("get_order", call_id="fc-2")
    del bare["functionCall"]["args"]
    server.script(gm.generate([bare]), gm.generate([gm.text("Which order?")]))

    first, _ = round_trip(profile_for(server))

    [call] = first.tool_calls
    assert (call.arguments, call.raw_arguments, call.parse_error) == ({}, "{}", None)
    assert server.requests[1].json["contents"][1] == model_turn(server, 0)  # no args added


def test_models_prefix_and_bearer_auth_for_vertex() -> None:
    srv = gm.GeminiServer(api_key=KEY, auth="bearer")
    with checked.serving(srv):
        srv.script(gm.generate([gm.text("ok")]))
        assert one_step(profile_for(srv, model="models/gemini-test", auth="bearer")).text == "ok"
    [req] = srv.requests
    assert req.path.endswith("/models/gemini-test:generateContent")
    assert req.headers["authorization"] == f"Bearer {KEY}"
    assert "x-goog-api-key" not in req.headers
    gm.referee(srv)


# --------------------------------------------------------------------------- empty and blocked


def test_safety_finish_is_an_empty_answer_and_history_stays_valid(
        server: gm.GeminiServer) -> None:
    server.script(gm.generate(None, finish="SAFETY"), gm.generate([gm.text("Sure.")]))

    async def fn(session: Session) -> tuple[ModelTurn, ModelTurn]:
        first = await session.step()
        session.add_user("Please try again.")
        return first, await session.step()

    first, second = converse(profile_for(server), fn)

    assert (first.text, first.tool_calls, first.finish_reason) == ("", [], "SAFETY")
    assert second.text == "Sure."
    assert server.requests[1].json["contents"] == [
        {"role": "user", "parts": [{"text": USER}, {"text": "Please try again."}]}]


def test_max_tokens_keeps_the_partial_text(server: gm.GeminiServer) -> None:
    server.script(gm.generate([gm.text("Order A1 is")], finish="MAX_TOKENS"))

    turn = one_step(profile_for(server))

    assert (turn.text, turn.finish_reason) == ("Order A1 is", "MAX_TOKENS")


def test_blocked_prompt_is_a_vendor_error(server: gm.GeminiServer) -> None:
    body = {"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"},
            "usageMetadata": gm.gusage(12, 0), "modelVersion": "gemini-test"}
    server.script(gm.gjson(body))

    err = step_fails(profile_for(server))

    assert err.cause == "protocol" and "PROHIBITED_CONTENT" in str(err)


def test_reply_without_candidates_is_malformed(server: gm.GeminiServer) -> None:
    server.script(gm.gjson({"usageMetadata": gm.gusage()}))

    assert step_fails(profile_for(server)).cause == "malformed"


# --------------------------------------------------------------------------- usage


def test_usage_with_cached_and_thinking_tokens(server: gm.GeminiServer) -> None:
    server.script(gm.generate([gm.text("ok")],
                              usage=gm.gusage(1200, 300, cached=1000, thoughts=250)))
    profile = profile_for(server, prices={"input": 2.0, "cached_input": 0.5, "output": 8.0})

    usage = one_step(profile).usage

    assert (usage.input_tokens, usage.cached_tokens) == (1200, 1000)
    # thinking is billed as output: candidates 300 + thoughts 250
    assert (usage.output_tokens, usage.reasoning_tokens) == (550, 250)
    assert usage.cost(profile.prices) == pytest.approx((200 * 2.0 + 1000 * 0.5 + 550 * 8.0) / 1e6)


# --------------------------------------------------------------------------- HTTP failures


@pytest.mark.parametrize("status", [429, 503])
def test_retry_info_in_the_body_is_the_retry_wait(server: gm.GeminiServer, status: int) -> None:
    server.script(gm.google_error(status, "Resource has been exhausted (e.g. check quota).",
                                  details=[{"@type": "type.googleapis.com/google.rpc.Help",
                                            "links": []}, gm.retry_info("0.05s")]),
                  gm.generate([gm.text("ok")]))

    assert one_step(profile_for(server, max_retry_wait_s=5)).text == "ok"

    [gap] = server.gaps()
    assert 0.045 <= gap < 0.3  # the body's 0.05 s, not the >= 0.375 s default backoff


def test_retry_info_parsing() -> None:
    def body(delay: Any) -> dict[str, Any]:
        return {"error": {"code": 429, "details": [
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": delay}]}}

    assert retry_info_delay(body("37s")) == 37.0
    assert retry_info_delay(body("1.5s")) == 1.5
    assert retry_info_delay(body({"seconds": "2", "nanos": 500000000})) == 2.5
    assert retry_info_delay([body("3s")]) == 3.0
    assert retry_info_delay(body("soon")) is None
    assert retry_info_delay(body("nans")) is None
    assert retry_info_delay({"error": {"code": 429}}) is None
    assert retry_info_delay("<html>") is None


def test_quota_with_long_retry_delay_is_capped_and_reported(server: gm.GeminiServer) -> None:
    quota = gm.google_error(429, "You exceeded your current quota.",
                            details=[gm.retry_info("3600s")])
    server.script(quota, quota)

    start = time.monotonic()
    err = step_fails(profile_for(server, max_retries=1, max_retry_wait_s=0.05))

    assert err.cause == "rate_limited" and err.status == 429 and err.retry_after_s == 3600
    assert time.monotonic() - start < 1.0 and len(server.requests) == 2


def test_5xx_is_retried_then_reported(server: gm.GeminiServer) -> None:
    server.script(*[gm.google_error(500, "Internal error encountered.")] * 3)

    err = step_fails(profile_for(server, max_retries=2, max_retry_wait_s=0.02))

    assert err.cause == "server_error" and "Internal error encountered." in str(err)
    assert len(server.requests) == 3


def test_timeout(server: gm.GeminiServer) -> None:
    """The reply comes after 5 s; the 0.2 s timeout ends the step long before (the margin is
    wide so that a loaded machine cannot fail it: without the timeout it takes 5 s)."""
    server.script(checked.delay(5.0, gm.generate([gm.text("too late")])))

    start = time.monotonic()
    err = step_fails(profile_for(server, timeout_s=0.2, max_retries=0))

    assert err.cause == "timeout" and time.monotonic() - start < 3.0


def test_garbage_body_is_malformed(server: gm.GeminiServer) -> None:
    server.script(checked.raw("<html><body>Bad Gateway</body></html>"))

    err = step_fails(profile_for(server))

    assert err.cause == "malformed" and "Bad Gateway" in str(err)


def test_streaming_profile_is_refused(server: gm.GeminiServer) -> None:
    with pytest.raises(ConfigError, match="stream"):
        one_step(profile_for(server, stream=True))


# --------------------------------------------------------------------------- auth


def test_missing_key_is_an_auth_error(server: gm.GeminiServer) -> None:
    server.expect_invalid = True

    err = step_fails(profile_for(server, api_key_env=None))

    assert err.cause == "auth" and err.status == 403


def test_wrong_key_is_an_auth_error_though_the_api_says_400(
        server: gm.GeminiServer, monkeypatch: pytest.MonkeyPatch) -> None:
    server.expect_invalid = True
    monkeypatch.setenv(KEY_ENV, "AIzaWrongKey-1234567890")

    err = step_fails(profile_for(server))

    assert err.cause == "auth" and err.status == 400 and KEY_ENV in str(err)
    assert len(server.requests) == 1


def test_query_key_is_never_shown(server: gm.GeminiServer) -> None:
    server.script(gm.generate([gm.text("ok")]), gm.google_error(404, "Model not found."))
    profile = profile_for(server, auth="query-key")

    assert one_step(profile).text == "ok"
    err = step_fails(profile)

    req = server.requests[0]
    assert req.query == {"key": [KEY]} and "x-goog-api-key" not in req.headers
    assert KEY not in str(err)
    # a transport error message carries the URL; the key in it must be masked
    down = VendorProfile(**{**profile.model_dump(), "base_url": "http://127.0.0.1:9/v1beta",
                            "max_retries": 0})
    err = step_fails(down)
    assert err.cause == "connection" and KEY not in str(err)


# --------------------------------------------------------------------------- schemas


def test_json_schema_becomes_what_gemini_accepts() -> None:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object", "additionalProperties": False,
        "$defs": {"Line": {"type": "object", "properties": {
            "sku": {"type": "string", "pattern": "^[A-Z]+$"},
            "qty": {"type": "integer", "minimum": 1, "exclusiveMaximum": 99}},
            "required": ["sku", "ghost"]}},
        "properties": {
            "email": {"type": "string", "format": "email", "description": "Who."},
            "when": {"type": "string", "format": "date-time"},
            "note": {"type": ["string", "null"], "maxLength": 200},
            "priority": {"anyOf": [{"type": "integer", "enum": [1, 2, 3]}, {"type": "null"}]},
            "mode": {"const": "fast"},
            "lines": {"type": "array", "items": {"$ref": "#/$defs/Line"}, "minItems": 1},
            "tags": {"type": "array"},
            "either": {"oneOf": [{"type": "string"}, {"type": "number"}]},
            "both": {"allOf": [{"type": "object", "properties": {"a": {"type": "string"}}},
                               {"properties": {"b": {"type": "boolean"}}, "required": ["b"]}]},
        },
        "required": ["email", "lines", "missing"],
    }

    got = gemini_schema(schema)

    assert got == {
        "type": "OBJECT",
        "properties": {
            "email": {"type": "STRING", "description": "Who."},
            "when": {"type": "STRING", "format": "date-time"},
            "note": {"type": "STRING", "maxLength": 200, "nullable": True},
            "priority": {"type": "INTEGER", "description": "One of 1, 2, 3", "nullable": True},
            "mode": {"type": "STRING", "enum": ["fast"]},
            "lines": {"type": "ARRAY", "minItems": 1, "items": {
                "type": "OBJECT", "properties": {
                    "sku": {"type": "STRING", "pattern": "^[A-Z]+$"},
                    "qty": {"type": "INTEGER", "minimum": 1}},
                "required": ["sku"]}},
            "tags": {"type": "ARRAY", "items": {"type": "STRING"}},
            "either": {"anyOf": [{"type": "STRING"}, {"type": "NUMBER"}]},
            "both": {"type": "OBJECT", "properties": {"a": {"type": "STRING"},
                                                      "b": {"type": "BOOLEAN"}},
                     "required": ["b"]},
        },
        "required": ["email", "lines"],
    }
    types.Schema.model_validate(got)
    assert gm.GeminiServer()._check_schema(got, "parameters") is None
    assert gm.GeminiServer()._check_schema(schema, "parameters") is not None
    # a recursive $ref does not loop forever
    tree = {"$defs": {"N": {"type": "object", "properties": {"kids": {
        "type": "array", "items": {"$ref": "#/$defs/N"}}}}}, "$ref": "#/$defs/N"}
    assert gemini_schema(tree)["type"] == "OBJECT"


def test_tool_without_parameters_has_no_parameters(server: gm.GeminiServer) -> None:
    server.script(gm.generate([gm.text("ok")]))

    async def main() -> None:
        profile = profile_for(server)
        async with httpx.AsyncClient(trust_env=False) as client:
            session = make_driver(profile, client).session(SYSTEM, [
                {"name": "ping", "description": "Ping.", "parameters": {"type": "object"}},
                {"name": "pong", "description": "Pong.",
                 "parameters": {"type": "object", "properties": {}}}])
            session.add_user("hi")
            await session.step()

    asyncio.run(main())
    decls = server.requests[0].json["tools"][0]["functionDeclarations"]
    assert decls == [{"name": "ping", "description": "Ping."},
                     {"name": "pong", "description": "Pong."}]


# --------------------------------------------------------------------------- the server itself


def post(server: gm.GeminiServer, body: Any, headers: dict[str, str] | None = None
         ) -> tuple[int, dict[str, Any]]:
    resp = httpx.post(server.base_url + "/models/gemini-test:generateContent", json=body,
                      trust_env=False, headers={"x-goog-api-key": KEY} if headers is None
                      else headers)
    return resp.status_code, resp.json()


def test_server_rejects_what_the_real_api_rejects(server: gm.GeminiServer) -> None:
    server.expect_invalid = True
    call = {"role": "model", "parts": [gm.gcall("get_order", {"order_id": "A1"},
                                                call_id="fc-1")]}
    answer = {"role": "user", "parts": [{"functionResponse": {
        "id": "fc-1", "name": "get_order", "response": {"output": 1}}}]}
    decl = {"name": "f", "description": "d", "parameters": TOOLS[0]["parameters"]}
    cases: list[tuple[Any, dict[str, str] | None, int, str]] = [
        ({"contents": [user("hi")]}, {}, 403, "unregistered callers"),
        ({"contents": [user("hi")]}, {"x-goog-api-key": "nope"}, 400, "API key not valid"),
        ({"contents": [answer]}, None, 400, "function response turn comes immediately after"),
        ({"contents": [user("hi"), {"role": "assistant", "parts": [{"text": "x"}]}]}, None,
         400, "valid role"),
        ({"contents": [user("hi"), call, {"role": "user", "parts": [
            answer["parts"][0], answer["parts"][0]]}]}, None, 400, "number of function "
         "response parts"),
        ({"contents": [user("hi"), call, user("ok")]}, None, 400, "followed by a function "
         "response"),
        ({"contents": [user("hi"), {"role": "model", "parts": []}]}, None, 400,
         "must not be empty"),
        ({"contents": [user("hi")], "tools": [{"functionDeclarations": [decl]}]}, None, 400,
         'Unknown name "additionalProperties"'),
        ({"contents": [user("hi")], "messages": []}, None, 400, 'Unknown name "messages"'),
    ]
    for body, headers, status, message in cases:
        got, data = post(server, body, headers)
        assert (got, message in data["error"]["message"]) == (status, True), (body, data)
    assert all(r.behaviour is None for r in server.requests)


# --------------------------------------------------------------------------- end to end


def agent(req: checked.Request) -> checked.Behaviour:
    """A competent agent (the scenario's reference solution, tests/helpers/brains.py) or a chatbot,
    by model name."""
    if req.path.endswith("/chatbot:generateContent"):
        return gm.generate([gm.text("All done! Your refund has been processed.")])
    scenarios, _ = load_scenarios([ROOT / REFUND])
    names = {d["name"] for d in req.json["tools"][0]["functionDeclarations"]}
    move = Brain(scenarios).move("competent", names, gemini_history(req.json["contents"]))
    if move.calls:  # a thinking model: signed calls without ids
        return gm.generate([gm.text("Next step.", thought=True),
                            *(gm.gcall(name, args, call_id=None, signature=SIG_A)
                              for name, args in move.calls)],
                           usage=gm.gusage(100, 20, thoughts=30))
    return gm.generate([gm.text(move.text)])


def test_refund_scenario_end_to_end_through_the_cli(tmp_path: Path) -> None:
    srv = gm.GeminiServer(api_key=KEY)
    srv.fallback = agent
    with checked.serving(srv):
        profiles = [driving.write_profile(tmp_path, name, "gemini", srv.base_url, model, KEY_ENV,
                                          auth=auth, timeout_s=5)
                    for name, model, auth in (("gemini-agent", "agent", "x-goog-api-key"),
                                              ("gemini-query-key", "agent", "query-key"),
                                              ("gemini-chatbot", "chatbot", "x-goog-api-key"))]
        out = tmp_path / "run"
        res = agentcheck("run", *driving.vendor_args(profiles), "--scenarios", REFUND,
                         "--out", str(out), "--quiet", env={KEY_ENV: KEY})
    assert res.returncode == 0, res.stderr
    written = res.stdout + res.stderr + "".join(p.read_text(errors="replace")  # xlsx: a zip
                                                for p in out.rglob("*")
                                                if p.is_file())
    assert KEY not in written
    v = {x["name"]: x for x in json.loads((out / "summary.json").read_text())["vendors"]}
    for name in ("gemini-agent", "gemini-query-key"):
        assert (v[name]["tier"], v[name]["capability_score"]) == (3, 100.0), v[name]
    assert v["gemini-chatbot"]["tier"] == 0
    gm.referee(srv)
