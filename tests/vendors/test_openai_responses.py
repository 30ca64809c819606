"""The OpenAI Responses driver over real loopback HTTP, refereed by the official openai SDK.

Every test talks to tests/fakes/openai_responses.py through make_driver and an
httpx.AsyncClient, as the runner does. The server rejects what the real API rejects (orphan
function_call_output, unanswered function_call, unknown previous_response_id, reasoning items it
cannot verify...), and at teardown the SDK's types re-check every Response the server sent and
every request body and input item the driver sent.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from agentcheck.core.errors import ConfigError
from agentcheck.scenario.model import load_scenarios
from agentcheck.vendors.profile import VendorProfile
from agentcheck.vendors.protocols.base import ModelTurn, Session, ToolResult

from ..fakes import checked
from ..fakes import openai_responses as rs
from ..helpers import driving
from ..helpers.brains import Brain, responses_history
from ..helpers.cli import agentcheck
from ..helpers.driving import SYSTEM, TOOLS, USER, answer_all
from ..helpers.paths import ROOT

KEY_ENV = "AGENTCHECK_TEST_RESPONSES_KEY"
KEY = "sk-responses-loopback-0123456789SECRET"
REFUND = "scenarios/customer-service/refund-damaged-order.yaml"

api_key = driving.key_in_env(KEY_ENV, KEY)


@pytest.fixture
def server() -> Iterator[rs.ResponsesServer]:
    with checked.serving(rs.ResponsesServer(api_key=KEY), rs.referee) as srv:
        yield srv


# --------------------------------------------------------------------------- helpers


def profile_for(server: checked.LoopbackServer, **over: Any) -> VendorProfile:
    return driving.profile("openai-responses", server.base_url, KEY_ENV, **over)


talk = driving.Conversation(SYSTEM, USER, TOOLS)
converse, one_step, step_fails = talk.converse, talk.one_step, talk.error


def round_trip(profile: VendorProfile) -> tuple[ModelTurn, ModelTurn]:
    return talk.round_trip(profile, answer_all)


def user_item(text: str) -> dict[str, Any]:
    return {"type": "message", "role": "user", "content": text}


def flat_tools() -> list[dict[str, Any]]:
    return [{"type": "function", **t, "strict": False} for t in TOOLS]


# --------------------------------------------------------------------------- conversations


def test_final_answer_and_request_shape(server: rs.ResponsesServer) -> None:
    server.script(rs.answer("Order A1 shipped yesterday."))
    profile = profile_for(server, params={"temperature": 0, "model": "not-this"},
                          headers={"X-Team": "evals"}, max_tokens=321)

    turn = one_step(profile)

    assert turn.text == "Order A1 shipped yesterday."
    assert turn.tool_calls == [] and turn.finish_reason == "completed"
    assert turn.latency_s > 0
    [req] = server.requests
    assert (req.method, req.path) == ("POST", "/v1/responses")
    assert req.headers["authorization"] == f"Bearer {KEY}"
    assert req.headers["x-team"] == "evals"
    assert req.json == {"temperature": 0, "model": "test-model", "instructions": SYSTEM,
                        "tools": flat_tools(), "max_output_tokens": 321, "store": True,
                        "input": [user_item(USER)]}


def test_stateful_tool_round_trip_sends_only_new_items(server: rs.ResponsesServer) -> None:
    call = rs.fcall("get_order", '{"order_id":  "A1"}', call_id="call_X9")
    server.script(rs.call_tools(call, think=True), rs.answer("A1 is on its way."))

    first, second = round_trip(profile_for(server))

    [c] = first.tool_calls
    assert (c.id, c.name, c.arguments) == ("call_X9", "get_order", {"order_id": "A1"})
    assert c.raw_arguments == '{"order_id":  "A1"}'
    assert first.finish_reason == "completed" and first.text == ""
    assert second.text == "A1 is on its way."
    again = server.requests[1].json
    assert again["previous_response_id"] == server.requests[0].reply_json["id"]
    assert again["input"] == [{"type": "function_call_output", "call_id": "call_X9",
                               "output": '{"ok": true}'}]
    # neither instructions nor tools carry over through previous_response_id
    assert again["instructions"] == SYSTEM and again["tools"] == flat_tools()
    assert "include" not in again and again["store"] is True


def test_stateless_round_trip_sends_whole_history_exactly(server: rs.ResponsesServer) -> None:
    call = rs.fcall("get_order", {"order_id": "A1"})
    server.script(rs.call_tools(call, text="Let me look.", think=True),
                  rs.answer("A1 is on its way."), rs.answer("You're welcome."))
    profile = profile_for(server, conversation_state="stateless")

    async def fn(session: Session) -> tuple[ModelTurn, ModelTurn]:
        first = await session.step()
        session.add_tool_results(answer_all(first))
        await session.step()
        session.add_user("Thanks!")
        return first, await session.step()

    first, last = converse(profile, fn)

    assert first.text == "Let me look." and first.tool_calls[0].id == call["call_id"]
    assert last.text == "You're welcome."
    bodies = [r.json for r in server.requests]
    for body in bodies:
        assert body["store"] is False
        assert body["include"] == ["reasoning.encrypted_content"]
        assert "previous_response_id" not in body
        assert body["instructions"] == SYSTEM and body["tools"] == flat_tools()
    out1 = server.requests[0].reply_json["output"]
    out2 = server.requests[1].reply_json["output"]
    assert [i["type"] for i in out1] == ["reasoning", "message", "function_call"]
    assert out1[0]["encrypted_content"]  # asked for, and sent back below
    result = {"type": "function_call_output", "call_id": call["call_id"],
              "output": '{"ok": true}'}
    assert bodies[1]["input"] == [user_item(USER), *out1, result]
    assert bodies[2]["input"] == [user_item(USER), *out1, result, *out2, user_item("Thanks!")]


def test_parallel_calls_answered_in_any_order(server: rs.ResponsesServer) -> None:
    calls = [rs.fcall("get_order", {"order_id": f"A{i}"}) for i in range(3)]
    calls.append(rs.fcall("refund", {"order_id": "A0", "amount": 12.5}))
    server.script(rs.call_tools(*calls), rs.answer("All checked."))

    async def fn(session: Session) -> ModelTurn:
        first = await session.step()
        assert [(c.id, c.name) for c in first.tool_calls] == [
            (c["call_id"], c["name"]) for c in calls]
        assert first.tool_calls[3].arguments == {"order_id": "A0", "amount": 12.5}
        session.add_tool_results(list(reversed(answer_all(first))))
        return await session.step()

    assert converse(profile_for(server), fn).text == "All checked."
    sent = server.requests[1].json["input"]
    assert [i["call_id"] for i in sent] == [c["call_id"] for c in reversed(calls)]
    assert {i["type"] for i in sent} == {"function_call_output"}


@pytest.mark.parametrize("state", ["stateful", "stateless"])
def test_tool_error_is_visible_in_the_next_request(server: rs.ResponsesServer,
                                                   state: str) -> None:
    server.script(rs.call_tools(rs.fcall("refund", {"order_id": "A9"}, call_id="call_r")),
                  rs.answer("That order cannot be refunded."))

    async def fn(session: Session) -> ModelTurn:
        first = await session.step()
        session.add_tool_results([ToolResult(first.tool_calls[0],
                                             '{"error": "order not found"}', True)])
        return await session.step()

    converse(profile_for(server, conversation_state=state), fn)

    last = server.requests[1].json["input"][-1]
    assert last == {"type": "function_call_output", "call_id": "call_r",
                    "output": '{"error": "order not found"}'}


def test_several_tool_turns_chain_previous_ids(server: rs.ResponsesServer) -> None:
    server.script(rs.call_tools(rs.fcall("get_order", {"order_id": "A1"})),
                  rs.call_tools(rs.fcall("refund", {"order_id": "A1", "amount": 3})),
                  rs.answer("Refunded."))

    async def fn(session: Session) -> ModelTurn:
        for _ in range(2):
            turn = await session.step()
            session.add_tool_results(answer_all(turn))
        return await session.step()

    assert converse(profile_for(server), fn).text == "Refunded."
    ids = [r.reply_json["id"] for r in server.requests]
    assert [r.json.get("previous_response_id") for r in server.requests] == [None, *ids[:2]]
    assert all(len(r.json["input"]) == 1 for r in server.requests)


def test_next_user_turn_after_an_answer_continues_the_chain(server: rs.ResponsesServer) -> None:
    server.script(rs.answer("Which order?"), rs.answer("Found it."))

    async def fn(session: Session) -> ModelTurn:
        await session.step()
        session.add_user("A1, please.")
        return await session.step()

    assert converse(profile_for(server), fn).text == "Found it."
    assert server.requests[1].json["input"] == [user_item("A1, please.")]


def test_invalid_arguments_get_a_parse_error_and_the_conversation_goes_on(
        server: rs.ResponsesServer) -> None:
    server.script(rs.call_tools(rs.fcall("refund", '{"order_id": "A1"', call_id="call_bad")),
                  rs.answer("Sorry."))

    async def fn(session: Session) -> ModelTurn:
        first = await session.step()
        [call] = first.tool_calls
        assert call.arguments is None and call.parse_error and "not valid JSON" in \
            call.parse_error
        session.add_tool_results([ToolResult(call, f"error: {call.parse_error}", True)])
        return await session.step()

    assert converse(profile_for(server, conversation_state="stateless"), fn).text == "Sorry."


def test_unknown_item_types_and_fields_are_tolerated(server: rs.ResponsesServer) -> None:
    msg = rs.message("Found it.")
    msg["phase"] = "final_answer"
    msg["content"][0]["brand_new_field"] = {"x": 1}
    search = {"type": "web_search_call", "id": "ws_1", "status": "completed",
              "action": {"type": "search", "query": "order A1"}}
    server.script(rs.respond([search, msg], future_top_level_field=True),
                  rs.respond([{"type": "hologram", "id": "hg_1", "beams": 3},
                              rs.message("Done.")], strict=False))

    async def fn(session: Session) -> tuple[ModelTurn, ModelTurn]:
        first = await session.step()
        session.add_user("And now?")
        return first, await session.step()

    first, second = converse(profile_for(server), fn)

    assert (first.text, first.tool_calls) == ("Found it.", [])
    assert (second.text, second.tool_calls) == ("Done.", [])


def test_function_call_without_call_id_is_malformed(server: rs.ResponsesServer) -> None:
    bad = rs.fcall("get_order", {})
    del bad["call_id"]
    server.script(rs.respond([bad], strict=False))

    assert step_fails(profile_for(server)).cause == "malformed"


def test_stateful_reply_without_id_is_malformed(server: rs.ResponsesServer) -> None:
    server.script(lambda req: rs.json_reply({**rs.response_body(req, [rs.message("hi")]),
                                             "id": None}))

    assert step_fails(profile_for(server)).cause == "malformed"


# --------------------------------------------------------------------------- status values


@pytest.mark.parametrize("reason", ["max_output_tokens", "content_filter"])
def test_incomplete_with_output_is_a_final_answer(server: rs.ResponsesServer,
                                                  reason: str) -> None:
    server.script(rs.respond([rs.message("Partial answ")], status="incomplete",
                             incomplete=reason))

    turn = one_step(profile_for(server))

    assert (turn.text, turn.finish_reason) == ("Partial answ", reason)


def test_incomplete_without_output_is_a_protocol_error(server: rs.ResponsesServer) -> None:
    server.script(rs.respond([rs.reasoning()], status="incomplete",
                             incomplete="content_filter"))

    err = step_fails(profile_for(server))

    assert err.cause == "protocol" and "content_filter" in str(err)


def test_cut_by_max_output_tokens_with_nothing_left_is_a_cut_off_turn(
        server: rs.ResponsesServer) -> None:
    """Reasoning that used the whole output budget: cut off (the trial says so), not a
    protocol error."""
    server.script(rs.respond([rs.reasoning()], status="incomplete",
                             incomplete="max_output_tokens"))

    turn = one_step(profile_for(server))

    assert turn.cut_off and turn.text == "" and turn.finish_reason == "max_output_tokens"


def test_failed_server_error_is_retried(server: rs.ResponsesServer) -> None:
    failed = {"code": "server_error", "message": "The server had an error."}
    server.script(rs.respond([], status="failed", error=failed), rs.answer("ok"))

    assert one_step(profile_for(server)).text == "ok"
    assert len(server.requests) == 2
    assert server.requests[0].json == server.requests[1].json


def test_failed_rate_limit_exhausts_retries(server: rs.ResponsesServer) -> None:
    failed = {"code": "rate_limit_exceeded", "message": "Slow down."}
    server.script(*[rs.respond([], status="failed", error=failed)] * 3)

    err = step_fails(profile_for(server, max_retries=2))

    assert err.cause == "rate_limited" and err.retryable and "Slow down." in str(err)
    assert len(server.requests) == 3


def test_failed_for_other_reasons_is_not_retried(server: rs.ResponsesServer) -> None:
    failed = {"code": "invalid_prompt", "message": "Your prompt was flagged."}
    server.script(rs.respond([], status="failed", error=failed))

    err = step_fails(profile_for(server))

    assert err.cause == "protocol" and not err.retryable and "invalid_prompt" in str(err)
    assert len(server.requests) == 1


@pytest.mark.parametrize("status", ["in_progress", "queued", "cancelled"])
def test_unfinished_responses_are_protocol_errors(server: rs.ResponsesServer,
                                                  status: str) -> None:
    server.script(rs.respond([], status=status))

    err = step_fails(profile_for(server))

    assert err.cause == "protocol" and status in str(err)


# --------------------------------------------------------------------------- usage


def test_usage_with_cached_and_reasoning_tokens(server: rs.ResponsesServer) -> None:
    server.script(rs.answer("ok", usage=rs.responses_usage(1200, 300, 1000, 250)))
    profile = profile_for(server, prices={"input": 2.0, "cached_input": 0.5, "output": 8.0})

    usage = one_step(profile).usage

    assert (usage.input_tokens, usage.cached_tokens) == (1200, 1000)
    assert (usage.output_tokens, usage.reasoning_tokens) == (300, 250)
    assert usage.cost(profile.prices) == pytest.approx((200 * 2.0 + 1000 * 0.5 + 300 * 8.0) / 1e6)


def test_usage_absent(server: rs.ResponsesServer) -> None:
    def no_usage(req: checked.Request) -> checked.Behaviour:
        body = rs.response_body(req, [rs.message("ok")])
        del body["usage"]
        return checked.Reply(200, body, kind="response")

    server.script(no_usage)

    usage = one_step(profile_for(server)).usage

    assert (usage.input_tokens, usage.output_tokens, usage.cached_tokens) == (0, 0, 0)


# --------------------------------------------------------------------------- HTTP failures


def test_429_retry_after_ms_is_honoured(server: rs.ResponsesServer) -> None:
    server.script(rs.openai_error(429, "Rate limit reached.", type_="requests",
                                  code="rate_limit_exceeded",
                                  headers={"retry-after-ms": "60", "retry-after": "30"}),
                  rs.answer("ok"))

    assert one_step(profile_for(server, max_retry_wait_s=5)).text == "ok"

    [gap] = server.gaps()
    assert 0.055 <= gap < 0.3  # the header, not the >= 0.375 s default backoff


def test_429_retry_after_seconds_is_honoured(server: rs.ResponsesServer) -> None:
    server.script(rs.openai_error(429, "Slow down.", headers={"retry-after": "0.1"}),
                  rs.answer("ok"))

    assert one_step(profile_for(server, max_retry_wait_s=5)).text == "ok"

    [gap] = server.gaps()
    assert 0.095 <= gap < 0.35


def test_5xx_is_retried_then_reported(server: rs.ResponsesServer) -> None:
    server.script(rs.openai_error(503, "Overloaded.", type_="server_error"), rs.answer("ok"))
    assert one_step(profile_for(server)).text == "ok"

    server.script(*[rs.openai_error(500, "Boom.", type_="server_error")] * 3)
    err = step_fails(profile_for(server, max_retries=2))
    assert err.cause == "server_error" and err.status == 500 and "Boom." in str(err)
    assert len(server.requests) == 2 + 3


def test_timeout(server: rs.ResponsesServer) -> None:
    """The reply comes after 5 s; the 0.2 s timeout ends the step long before (the margin is
    wide so that a loaded machine cannot fail it: without the timeout it takes 5 s)."""
    server.script(checked.delay(5.0, rs.answer("too late")))

    start = time.monotonic()
    err = step_fails(profile_for(server, timeout_s=0.2, max_retries=0))

    assert err.cause == "timeout" and time.monotonic() - start < 3.0


def test_garbage_body_is_malformed(server: rs.ResponsesServer) -> None:
    server.script(checked.raw("<html><body>Bad Gateway</body></html>"))

    err = step_fails(profile_for(server))

    assert err.cause == "malformed" and "Bad Gateway" in str(err)


def test_wrong_key_is_an_auth_error_and_never_shown(server: rs.ResponsesServer,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    server.expect_invalid = True
    monkeypatch.setenv(KEY_ENV, "sk-wrong-key-9876543210")

    err = step_fails(profile_for(server))

    assert err.cause == "auth" and err.status == 401
    assert "sk-wrong-key-9876543210" not in str(err) and KEY_ENV in str(err)


def test_missing_key_variable_is_a_config_error(server: rs.ResponsesServer,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV)
    with pytest.raises(ConfigError, match=KEY_ENV):
        one_step(profile_for(server))


def test_streaming_profile_is_refused(server: rs.ResponsesServer) -> None:
    with pytest.raises(ConfigError, match="stream"):
        one_step(profile_for(server, stream=True))


def test_azure_style_auth_and_api_version() -> None:
    srv = rs.ResponsesServer(api_key=None)
    with checked.serving(srv):
        srv.script(rs.answer("ok"))
        one_step(profile_for(srv, auth="api-key", api_version="2025-04-01-preview"))
    [req] = srv.requests
    assert req.query == {"api-version": ["2025-04-01-preview"]}
    assert req.headers["api-key"] == KEY and "authorization" not in req.headers


# --------------------------------------------------------------------------- the server itself


def post(server: rs.ResponsesServer, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    resp = httpx.post(server.base_url + "/responses", json=body, trust_env=False,
                      headers={"Authorization": f"Bearer {KEY}"})
    return resp.status_code, resp.json()


def test_server_rejects_what_the_real_api_rejects(server: rs.ResponsesServer) -> None:
    """The driver tests mean something only if the server refuses broken requests."""
    server.expect_invalid = True
    base = {"model": "m", "instructions": "x", "tools": flat_tools()}
    orphan = {"type": "function_call_output", "call_id": "call_nope", "output": "1"}
    call = {"type": "function_call", "call_id": "call_1", "name": "get_order",
            "arguments": "{}"}
    cases = [
        ({"input": "hi"}, 400, "Missing required parameter: 'model'"),
        ({**base, "input": [user_item("hi"), orphan]}, 400, "No tool call found"),
        ({**base, "input": [user_item("hi"), call]}, 400, "No tool output found"),
        ({**base, "previous_response_id": "resp_gone", "input": [orphan]}, 404,
         "Previous response with id 'resp_gone' not found"),
        ({**base, "input": "hi", "tools": [{"type": "function", "function": TOOLS[0]}]}, 400,
         "tools[0].name"),
        ({**base, "input": "hi", "tools": [{"type": "function", **TOOLS[1]}]}, 400,
         "'additionalProperties' is required"),
        ({**base, "store": False, "input": [
            user_item("hi"), {"type": "reasoning", "id": "rs_1", "summary": []}, call,
            {"type": "function_call_output", "call_id": "call_1", "output": "1"}]}, 404,
         "Items are not persisted when `store` is set to false"),
        ({**base, "input": [{"role": "tool", "content": "x"}]}, 400, "Invalid value: 'tool'"),
        ({**base, "input": "hi", "messages": []}, 400, "Unknown parameter: 'messages'"),
    ]
    for body, status, message in cases:
        got, data = post(server, body)
        assert (got, message in data["error"]["message"]) == (status, True), (body, data)
    assert all(r.behaviour is None for r in server.requests)


# --------------------------------------------------------------------------- end to end


def agent(server: rs.ResponsesServer) -> Callable[[checked.Request], checked.Behaviour]:
    """A competent agent (the scenario's reference solution, tests/helpers/brains.py) or a chatbot,
    by model name."""
    scenarios, _ = load_scenarios([ROOT / REFUND])
    brain = Brain(scenarios)

    def behave(req: checked.Request) -> checked.Behaviour:
        if req.json["model"] == "chatbot":
            return rs.answer("All done! Your refund has been processed.")(req)
        move = brain.move("competent", {t["name"] for t in req.json["tools"]},
                          responses_history(server.context(req.json)))
        if move.calls:
            return rs.call_tools(*(rs.fcall(name, args) for name, args in move.calls),
                                 think=True)(req)
        return rs.answer(move.text)(req)

    return behave


def test_refund_scenario_end_to_end_through_the_cli(tmp_path: Path) -> None:
    srv = rs.ResponsesServer(api_key=KEY)
    srv.fallback = agent(srv)
    with checked.serving(srv):
        profiles = [driving.write_profile(tmp_path, name, "openai-responses", srv.base_url, model,
                                          KEY_ENV, conversation_state=state, timeout_s=5)
                    for name, model, state in (("resp-stateful", "agent", "stateful"),
                                               ("resp-stateless", "agent", "stateless"),
                                               ("resp-chatbot", "chatbot", "stateful"))]
        out = tmp_path / "run"
        res = agentcheck("run", *driving.vendor_args(profiles), "--scenarios", REFUND,
                         "--out", str(out), "--quiet", env={KEY_ENV: KEY})
    assert res.returncode == 0, res.stderr
    assert KEY not in res.stdout + res.stderr
    v = {x["name"]: x for x in json.loads((out / "summary.json").read_text())["vendors"]}
    for name in ("resp-stateful", "resp-stateless"):
        assert (v[name]["tier"], v[name]["capability_score"]) == (3, 100.0), v[name]
    assert v["resp-chatbot"]["tier"] == 0
    stateless = [r.json for r in srv.accepted if r.json.get("store") is False]
    assert stateless and all("previous_response_id" not in b for b in stateless)
    assert any(i.get("type") == "reasoning" for b in stateless for i in b["input"])
    rs.referee(srv)
