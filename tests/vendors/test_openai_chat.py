"""The Chat Completions driver over real loopback HTTP, refereed by the official openai SDK.

Every test talks to tests/fakes/openai_chat.py through make_driver and an httpx.AsyncClient, exactly
as the runner does. The server rejects what the real API rejects, and at teardown the SDK's own
types re-check every completion the server sent and every request body the driver sent.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from openai.types.chat import ChatCompletion, ChatCompletionMessageParam
from openai.types.chat.completion_create_params import (
    CompletionCreateParamsBase,
    CompletionCreateParamsNonStreaming,
)
from openai.types.shared import ErrorObject
from pydantic import TypeAdapter

from agentcheck.core.errors import ConfigError
from agentcheck.vendors.profile import VendorProfile
from agentcheck.vendors.protocols.base import ModelTurn, Session, ToolCall, ToolResult

from ..fakes import openai_chat as vs
from ..fakes.base import drain, judge
from ..helpers import driving
from ..helpers.driving import SYSTEM, TOOLS, USER

KEY_ENV = "AGENTCHECK_TEST_CHAT_KEY"
KEY = "sk-loopback-0123456789abcdefSECRET"

SDK_REQUEST = TypeAdapter(CompletionCreateParamsNonStreaming)
SDK_MESSAGE = TypeAdapter(ChatCompletionMessageParam)


# --------------------------------------------------------------------------- referee


def sdk_check_request(body: dict[str, Any]) -> None:
    drain(SDK_REQUEST.validate_python(body))
    for message in body["messages"]:
        drain(SDK_MESSAGE.validate_python(message))


def referee(server: vs.VendorServer) -> None:
    """The SDK's verdict on everything that crossed the wire in one test."""
    for r in server.requests:
        if r.rejected is None and r.behaviour is not None:
            sdk_check_request(r.json)
        if r.behaviour == "completion":
            judge(ChatCompletion.model_validate, r.reply_json, r.strict)
        if r.rejected is not None:
            ErrorObject.model_validate(r.reply_json["error"])


api_key = driving.key_in_env(KEY_ENV, KEY)


@pytest.fixture
def server(vendor_server: vs.VendorServer) -> Iterator[vs.VendorServer]:
    vendor_server.api_key = KEY
    yield vendor_server
    referee(vendor_server)


# --------------------------------------------------------------------------- helpers


def profile_for(server: vs.VendorServer, **over: Any) -> VendorProfile:
    return driving.profile("openai-chat", server.base_url, KEY_ENV, **over)


talk = driving.Conversation(SYSTEM, USER, TOOLS)
converse, one_step, step_fails = talk.converse, talk.one_step, talk.step_fails


def answer_all(turn: ModelTurn, content: str = '{"ok": true}') -> list[ToolResult]:
    return [ToolResult(c, f"{content} for {c.id}", False) for c in turn.tool_calls]


def round_trip(profile: VendorProfile) -> tuple[ModelTurn, ModelTurn]:
    """Step, answer every tool call, step again."""
    return talk.round_trip(profile, answer_all)


def args(**kw: Any) -> str:
    return json.dumps(kw)


# --------------------------------------------------------------------------- conversations


def test_plain_final_answer_and_request_shape(server: vs.VendorServer) -> None:
    server.script(vs.answer("Order A1 shipped yesterday."))
    profile = profile_for(server, params={"temperature": 0, "seed": 7, "model": "not-this"},
                          headers={"X-Team": "evals"})

    turn = one_step(profile)

    assert turn.text == "Order A1 shipped yesterday."
    assert turn.tool_calls == []
    assert turn.finish_reason == "stop"
    assert turn.latency_s > 0
    [req] = server.requests
    assert (req.method, req.path) == ("POST", "/v1/chat/completions")
    assert req.headers["authorization"] == f"Bearer {KEY}"
    assert req.headers["content-type"] == "application/json"
    assert req.headers["x-team"] == "evals"
    body = req.json
    assert body["model"] == "test-model"  # params never override the profile's model
    assert (body["temperature"], body["seed"]) == (0, 7)
    assert body["messages"] == [{"role": "system", "content": SYSTEM},
                                {"role": "user", "content": USER}]
    assert body["tools"] == [{"type": "function", "function": t} for t in TOOLS]


def test_scripted_function_sees_the_request_and_connection_is_kept_alive(
        server: vs.VendorServer) -> None:
    server.fallback = lambda req: vs.answer(f"{len(req.json['messages'])} messages")

    async def fn(session: Session) -> list[str]:
        texts = [(await session.step()).text]
        session.add_user("again")
        texts.append((await session.step()).text)
        return texts

    assert converse(profile_for(server), fn) == ["2 messages", "4 messages"]
    assert server.requests[0].peer == server.requests[1].peer


def test_final_answer_then_next_user_turn_keeps_history_valid(server: vs.VendorServer) -> None:
    server.script(vs.answer("Which order?"), vs.answer("Found it."))

    async def fn(session: Session) -> ModelTurn:
        await session.step()
        session.add_user("A1, please.")
        return await session.step()

    assert converse(profile_for(server), fn).text == "Found it."
    assert [m["role"] for m in server.requests[1].json["messages"]] == [
        "system", "user", "assistant", "user"]
    assert server.requests[1].json["messages"][2] == {"role": "assistant",
                                                      "content": "Which order?"}


def test_empty_answer_is_echoed_as_empty_string(server: vs.VendorServer) -> None:
    server.script(vs.answer(None), vs.answer("ok"))

    async def fn(session: Session) -> ModelTurn:
        first = await session.step()
        assert first.text == ""
        session.add_user("Hello?")
        return await session.step()

    converse(profile_for(server), fn)
    assert server.requests[1].json["messages"][2] == {"role": "assistant", "content": ""}


def test_tool_call_then_tool_result_round_trip(server: vs.VendorServer) -> None:
    raw_args = '{"order_id":  "A1"}'  # odd spacing: must go back byte for byte
    server.script(vs.call_tools(vs.tool_call("get_order", raw_args, call_id="call_abc123")),
                  vs.answer("A1 is on its way."))

    first, second = round_trip(profile_for(server))

    assert first.text == ""
    assert first.finish_reason == "tool_calls"
    assert first.tool_calls == [ToolCall("call_abc123", "get_order", {"order_id": "A1"},
                                         raw_args, None)]
    assert second.text == "A1 is on its way."
    messages = server.requests[1].json["messages"]
    assert messages[2] == {
        "role": "assistant", "content": None,
        "tool_calls": [{"id": "call_abc123", "type": "function",
                        "function": {"name": "get_order", "arguments": raw_args}}]}
    assert messages[3] == {"role": "tool", "tool_call_id": "call_abc123",
                           "content": '{"ok": true} for call_abc123'}
    assert len(messages) == 4


def test_text_alongside_tool_calls_is_kept(server: vs.VendorServer) -> None:
    server.script(vs.call_tools(vs.tool_call("get_order", args(order_id="A1")),
                                text="Let me check."), vs.answer("Done."))

    first, _ = round_trip(profile_for(server))

    assert first.text == "Let me check."
    assert server.requests[1].json["messages"][2]["content"] == "Let me check."


def test_parallel_tool_calls_answered_in_any_order(server: vs.VendorServer) -> None:
    calls = [vs.tool_call("get_order", args(order_id=f"A{i}")) for i in range(3)]
    calls.append(vs.tool_call("refund", args(order_id="A0", amount=12.5)))
    server.script(vs.call_tools(*calls), vs.answer("All checked."))

    async def fn(session: Session) -> ModelTurn:
        first = await session.step()
        assert [(c.id, c.name) for c in first.tool_calls] == [
            (c["id"], c["function"]["name"]) for c in calls]
        assert first.tool_calls[3].arguments == {"order_id": "A0", "amount": 12.5}
        session.add_tool_results(list(reversed(answer_all(first))))
        return await session.step()

    assert converse(profile_for(server), fn).text == "All checked."
    messages = server.requests[1].json["messages"]
    assert [c["id"] for c in messages[2]["tool_calls"]] == [c["id"] for c in calls]
    assert sorted(m["tool_call_id"] for m in messages[3:]) == sorted(c["id"] for c in calls)
    assert all(m["role"] == "tool" for m in messages[3:])


def test_several_tool_turns_in_a_row(server: vs.VendorServer) -> None:
    server.script(vs.call_tools(vs.tool_call("get_order", args(order_id="A1"))),
                  vs.call_tools(vs.tool_call("refund", args(order_id="A1", amount=3))),
                  vs.answer("Refunded."))

    async def fn(session: Session) -> ModelTurn:
        for _ in range(2):
            turn = await session.step()
            session.add_tool_results(answer_all(turn))
        return await session.step()

    assert converse(profile_for(server), fn).text == "Refunded."
    assert [m["role"] for m in server.requests[2].json["messages"]] == [
        "system", "user", "assistant", "tool", "assistant", "tool"]


@pytest.mark.parametrize(("wire", "strict", "parsed", "resent"), [
    ({"order_id": "A1"}, False, {"order_id": "A1"}, {"order_id": "A1"}),
    ("", True, {}, {}),
    ("   ", True, {}, {}),
    (None, False, {}, {}),
], ids=["object", "empty-string", "blank", "null"])
def test_compatible_argument_shapes(server: vs.VendorServer, wire: Any, strict: bool,
                                    parsed: Any, resent: Any) -> None:
    server.script(vs.call_tools(vs.tool_call("get_order", wire, call_id="call_1"),
                                strict=strict), vs.answer("ok"))

    first, _ = round_trip(profile_for(server))

    [call] = first.tool_calls
    assert call.parse_error is None
    assert call.arguments == parsed
    sent = server.requests[1].json["messages"][2]["tool_calls"][0]["function"]["arguments"]
    assert isinstance(sent, str)
    assert json.loads(sent) == resent


def test_missing_arguments_key_counts_as_empty(server: vs.VendorServer) -> None:
    server.script(vs.call_tools(vs.tool_call("get_order", omit=("arguments",)), strict=False),
                  vs.answer("ok"))

    first, _ = round_trip(profile_for(server))

    assert first.tool_calls[0].arguments == {}
    assert server.requests[1].json["messages"][2]["tool_calls"][0]["function"][
        "arguments"] == "{}"


def test_missing_call_ids_are_invented_and_stay_unique(server: vs.VendorServer) -> None:
    server.script(
        vs.call_tools(vs.tool_call("get_order", args(order_id="A1"), omit=("id",)),
                      vs.tool_call("get_order", args(order_id="A2"), call_id=""),
                      vs.tool_call("refund", args(order_id="A3"), call_id=None),
                      strict=False),
        vs.call_tools(vs.tool_call("get_order", args(order_id="A4"), omit=("id", "type")),
                      strict=False),
        vs.answer("ok"))

    async def fn(session: Session) -> list[str]:
        ids = []
        for _ in range(2):
            turn = await session.step()
            ids += [c.id for c in turn.tool_calls]
            session.add_tool_results(answer_all(turn))
        await session.step()
        return ids

    ids = converse(profile_for(server), fn)

    assert len(ids) == 4
    assert all(isinstance(i, str) and i for i in ids)
    assert len(set(ids)) == 4
    final = server.requests[2].json["messages"]
    assert [c["id"] for c in final[2]["tool_calls"]] == ids[:3]
    assert [m["tool_call_id"] for m in final[3:6]] == ids[:3]
    assert final[6]["tool_calls"][0]["id"] == ids[3]
    assert final[6]["tool_calls"][0]["type"] == "function"


@pytest.mark.parametrize("ids", [["call_0", "call_0"], ["call_ac1", None], [None, "call_ac1"]],
                         ids=["repeated", "vendor-then-invented", "invented-then-vendor"])
def test_duplicate_call_ids_in_one_reply_are_made_unique(server: vs.VendorServer,
                                                         ids: list[str | None]) -> None:
    """Some compatible servers number calls badly; what we resend must stay valid."""
    calls = [vs.tool_call("get_order", args(order_id=f"A{i}"), call_id=cid)
             for i, cid in enumerate(ids)]
    server.script(vs.call_tools(*calls, strict=None not in ids), vs.answer("ok"))

    first, _ = round_trip(profile_for(server))

    got = [c.id for c in first.tool_calls]
    assert len(set(got)) == 2
    assert got[0] == (ids[0] or got[0])  # the first holder of an id keeps it
    assert [c.arguments["order_id"] for c in first.tool_calls] == ["A0", "A1"]


@pytest.mark.parametrize(("wire", "error", "raw"), [
    ('{"order_id": "A1"', "not valid JSON", '{"order_id": "A1"'),
    ("get_order(A1)", "not valid JSON", "get_order(A1)"),
    ('["A1"]', "must be a JSON object", '["A1"]'),
    ('"A1"', "must be a JSON object", '"A1"'),
    (42, "must be a JSON object", "42"),
], ids=["truncated", "not-json", "array", "string", "number"])
def test_invalid_arguments_set_parse_error_and_conversation_goes_on(
        server: vs.VendorServer, wire: Any, error: str, raw: str) -> None:
    server.script(vs.call_tools(vs.tool_call("refund", wire, call_id="call_bad"),
                                strict=isinstance(wire, str)),
                  vs.answer("Sorry."))

    async def fn(session: Session) -> tuple[ModelTurn, ModelTurn]:
        first = await session.step()
        [call] = first.tool_calls
        session.add_tool_results([ToolResult(call, f"error: {call.parse_error}", True)])
        return first, await session.step()

    first, second = converse(profile_for(server), fn)

    [call] = first.tool_calls
    assert call.arguments is None
    assert call.parse_error is not None and error in call.parse_error
    assert call.raw_arguments == raw
    assert second.text == "Sorry."
    # the broken text is evidence, but it does not go back: servers refuse the whole request
    echoed = server.requests[1].json["messages"][2]["tool_calls"][0]["function"]["arguments"]
    assert echoed == "{}"


def test_tool_call_without_function_name_is_malformed(server: vs.VendorServer) -> None:
    body = vs.completion_body(None, tool_calls=[{"id": "c1", "type": "function",
                                                 "function": {"arguments": "{}"}}])
    server.script(vs.completion(body, strict=False))

    err, _ = step_fails(profile_for(server))

    assert err.cause == "malformed"
    assert len(server.requests) == 1


def test_tool_calls_decided_by_presence_not_finish_reason(server: vs.VendorServer) -> None:
    server.script(vs.call_tools(vs.tool_call("get_order", args(order_id="A1")),
                                finish_reason="stop"),
                  vs.answer("Done.", finish_reason="length"))

    first, second = round_trip(profile_for(server))

    assert len(first.tool_calls) == 1 and first.finish_reason == "stop"
    assert second.tool_calls == [] and second.finish_reason == "length"


def test_content_parts_are_joined(server: vs.VendorServer) -> None:
    body = vs.completion_body([{"type": "text", "text": "Hello "}, {"type": "text", "text": "A1"}])
    server.script(vs.completion(body, strict=False), vs.answer("ok"))

    async def fn(session: Session) -> str:
        text = (await session.step()).text
        session.add_user("thanks")
        await session.step()
        return text

    assert converse(profile_for(server), fn) == "Hello A1"


# --------------------------------------------------------------------------- usage


def test_usage_with_cached_and_reasoning_tokens(server: vs.VendorServer) -> None:
    server.script(vs.answer("ok", usage=vs.usage_body(1200, 300, cached=1000, reasoning=250)))
    profile = profile_for(server, prices={"input": 2.0, "cached_input": 0.5, "output": 8.0})

    usage = one_step(profile).usage

    assert (usage.input_tokens, usage.cached_tokens) == (1200, 1000)
    assert (usage.output_tokens, usage.reasoning_tokens) == (300, 250)
    assert usage.cost(profile.prices) == pytest.approx((200 * 2.0 + 1000 * 0.5 + 300 * 8.0) / 1e6)


@pytest.mark.parametrize("usage", [
    None,
    {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10,
     "prompt_tokens_details": None, "completion_tokens_details": None},
], ids=["absent", "null-details"])
def test_usage_absent_or_partial(server: vs.VendorServer, usage: Any) -> None:
    body = vs.completion_body("ok")
    if usage is None:
        del body["usage"]
    else:
        body["usage"] = usage
    server.script(vs.completion(body))

    got = one_step(profile_for(server)).usage

    expected = (0, 0) if usage is None else (7, 3)
    assert (got.input_tokens, got.output_tokens) == expected
    assert (got.cached_tokens, got.reasoning_tokens) == (0, 0)


# --------------------------------------------------------------------------- retries


def test_429_retry_after_ms_is_honoured(server: vs.VendorServer) -> None:
    server.script(vs.error(429, "Rate limit reached.", code="rate_limit_exceeded",
                           headers={"retry-after-ms": "60", "retry-after": "30"}),
                  vs.answer("ok"))
    # The default backoff for a first retry is at least 0.375 s: a short gap proves the header won.
    profile = profile_for(server, max_retry_wait_s=5)

    assert one_step(profile).text == "ok"

    assert len(server.requests) == 2
    [gap] = server.gaps()
    assert 0.055 <= gap < 0.3


def test_429_retry_after_seconds_is_honoured(server: vs.VendorServer) -> None:
    server.script(vs.error(429, "Slow down.", headers={"retry-after": "0.1"}),
                  vs.error(429, "Slow down.", headers={"retry-after": "0"}),
                  vs.answer("ok"))

    assert one_step(profile_for(server, max_retry_wait_s=5)).text == "ok"

    first, second = server.gaps()
    assert 0.095 <= first < 0.35
    assert second < 0.3


def test_retry_after_is_capped_by_profile(server: vs.VendorServer) -> None:
    server.script(vs.error(429, "Slow down.", headers={"retry-after": "120"}), vs.answer("ok"))

    start = time.monotonic()
    assert one_step(profile_for(server, max_retry_wait_s=0.05)).text == "ok"
    assert time.monotonic() - start < 1.0
    assert 0.045 <= server.gaps()[0] < 0.5


def test_429_insufficient_quota_is_not_retried(server: vs.VendorServer) -> None:
    server.script(vs.error(429, "You exceeded your current quota, please check your plan.",
                           type_="insufficient_quota", code="insufficient_quota",
                           headers={"retry-after-ms": "1", "x-should-retry": "true"}))

    err, _ = step_fails(profile_for(server, max_retries=3))

    assert err.cause == "quota"
    assert err.status == 429
    assert not err.retryable
    assert "exceeded your current quota" in str(err)
    assert len(server.requests) == 1


def test_429_exhausting_retries_is_rate_limited(server: vs.VendorServer) -> None:
    server.fallback = vs.error(429, "Rate limit reached.", headers={"retry-after-ms": "5"})

    err, _ = step_fails(profile_for(server, max_retries=2))

    assert err.cause == "rate_limited"
    assert len(server.requests) == 3


def test_401_names_the_env_var_and_never_the_key(server: vs.VendorServer) -> None:
    server.api_key = "sk-the-right-one-9876"  # so ours is wrong; the server quotes it in full

    err, _ = step_fails(profile_for(server, max_retries=3))

    assert err.cause == "auth"
    assert err.status == 401
    assert KEY_ENV in str(err)
    assert KEY not in str(err)
    assert "[REDACTED]" in str(err)  # the vendor's quote of the key was masked
    assert len(server.requests) == 1
    assert server.requests[0].rejected is not None


def test_401_without_a_key_configured_says_how_to_fix_it(server: vs.VendorServer) -> None:
    err, _ = step_fails(profile_for(server, api_key_env=None))

    assert err.cause == "auth"
    assert "api_key_env" in str(err)
    assert "authorization" not in server.requests[0].headers
    assert len(server.requests) == 1


def test_403_is_auth_too(server: vs.VendorServer) -> None:
    server.script(vs.error(403, "Project does not have access to model test-model.",
                           code="model_not_found"))

    err, _ = step_fails(profile_for(server))

    assert (err.cause, err.status) == ("auth", 403)
    assert len(server.requests) == 1


def test_missing_key_env_is_a_config_error_naming_it(server: vs.VendorServer,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV)
    with pytest.raises(ConfigError, match=KEY_ENV):
        one_step(profile_for(server))
    assert server.requests == []


def test_500_is_retried_then_succeeds(server: vs.VendorServer) -> None:
    server.script(vs.error(500, "The server had an error while processing your request."),
                  vs.answer("recovered"))

    assert one_step(profile_for(server)).text == "recovered"
    assert len(server.requests) == 2


def test_503_exhausting_retries_is_server_error(server: vs.VendorServer) -> None:
    server.fallback = vs.error(503, "The engine is currently overloaded.")

    err, elapsed = step_fails(profile_for(server, max_retries=2))

    assert err.cause == "server_error"
    assert err.status == 503
    assert "overloaded" in str(err)
    assert len(server.requests) == 3
    assert elapsed < 2


def test_x_should_retry_false_stops_retries(server: vs.VendorServer) -> None:
    server.script(vs.error(500, "Do not retry this.", headers={"x-should-retry": "false"}))

    err, _ = step_fails(profile_for(server, max_retries=3))

    assert err.cause == "server_error"
    assert not err.retryable
    assert len(server.requests) == 1


def test_400_is_not_retried_and_keeps_vendor_message(server: vs.VendorServer) -> None:
    server.script(vs.error(400, "This model's maximum context length is 8192 tokens.",
                           code="context_length_exceeded", param="messages"))

    err, _ = step_fails(profile_for(server, max_retries=3))

    assert err.cause == "http_error"
    assert "maximum context length" in str(err)
    assert len(server.requests) == 1


def test_error_message_echoing_the_key_is_redacted(server: vs.VendorServer) -> None:
    server.fallback = vs.error(500, f"upstream rejected header Authorization: Bearer {KEY}")

    err, _ = step_fails(profile_for(server, max_retries=1))

    assert KEY not in str(err)
    assert "[REDACTED]" in str(err)


# --------------------------------------------------------------------------- broken transports


def test_slow_answer_times_out(server: vs.VendorServer) -> None:
    server.script(vs.delay(5, vs.answer("too late")))

    err, elapsed = step_fails(profile_for(server, timeout_s=0.2, max_retries=0))

    assert err.cause == "timeout"
    assert err.retryable
    assert elapsed < 1.5
    assert len(server.requests) == 1


def test_timeout_is_retried(server: vs.VendorServer) -> None:
    server.script(vs.delay(5, vs.answer("too late")), vs.answer("in time"))

    assert one_step(profile_for(server, timeout_s=0.2, max_retries=1)).text == "in time"
    assert len(server.requests) == 2


def test_headers_then_stall_times_out(server: vs.VendorServer) -> None:
    server.script(vs.stall())

    err, elapsed = step_fails(profile_for(server, timeout_s=0.2, max_retries=0))

    assert err.cause == "timeout"
    assert elapsed < 1.5


def test_malformed_json_200(server: vs.VendorServer) -> None:
    server.script(vs.raw('{"id": "chatcmpl-1", "choices": [{"message": '))

    err, _ = step_fails(profile_for(server, max_retries=3))

    assert err.cause == "malformed"
    assert err.status == 200
    assert len(server.requests) == 1


@pytest.mark.parametrize(("behaviour", "cause"), [
    (vs.raw(""), "malformed"),
    (vs.json_reply({"id": "x", "object": "chat.completion", "choices": []}), "malformed"),
    (vs.json_reply(["not", "an", "object"]), "malformed"),
    (vs.json_reply({"choices": [{"index": 0, "finish_reason": "stop"}]}), "malformed"),
    (vs.json_reply({"choices": [{"message": {"role": "assistant", "content": None,
                                             "tool_calls": {"id": "x"}}}]}), "malformed"),
    (vs.json_reply({"error": {"message": "model overloaded", "type": "server_error"}}),
     "protocol"),
], ids=["empty", "no-choices", "array", "no-message", "tool-calls-object", "error-in-200"])
def test_unusable_200_replies(server: vs.VendorServer, behaviour: vs.Behaviour,
                              cause: str) -> None:
    server.script(behaviour)

    err, _ = step_fails(profile_for(server))

    assert err.cause == cause
    assert len(server.requests) == 1


def test_html_502_page_is_retried_and_summarised(server: vs.VendorServer) -> None:
    server.fallback = vs.html_page(502, "Bad Gateway")

    err, _ = step_fails(profile_for(server, max_retries=1))

    assert err.cause == "server_error"
    assert err.status == 502
    assert "502 Bad Gateway" in str(err)
    assert "\n" not in str(err)
    assert len(server.requests) == 2


def test_html_502_then_success(server: vs.VendorServer) -> None:
    server.script(vs.html_page(502), vs.answer("ok"))

    assert one_step(profile_for(server)).text == "ok"


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_body_above_max_response_bytes_is_too_large(server: vs.VendorServer,
                                                    chunked: bool) -> None:
    server.script(vs.huge(300_000, chunked=chunked))

    err, elapsed = step_fails(profile_for(server, max_response_bytes=4096, max_retries=3))

    assert err.cause == "too_large"
    assert "4096" in str(err)
    assert len(server.requests) == 1
    assert elapsed < 2


def test_body_just_under_the_cap_is_fine(server: vs.VendorServer) -> None:
    server.script(vs.huge(2000))

    assert len(one_step(profile_for(server, max_response_bytes=4096)).text) == 2000


@pytest.mark.parametrize("reset", [False, True], ids=["fin", "rst"])
def test_connection_closed_mid_body(server: vs.VendorServer, reset: bool) -> None:
    server.script(vs.cut(reset=reset))

    err, _ = step_fails(profile_for(server, max_retries=0))

    assert err.cause == "connection"
    assert err.retryable


def test_connection_closed_mid_body_is_retried(server: vs.VendorServer) -> None:
    server.script(vs.cut(), vs.answer("second time lucky"))

    assert one_step(profile_for(server, max_retries=1)).text == "second time lucky"
    assert len(server.requests) == 2


def test_connection_refused() -> None:
    with vs.serving() as dead:
        port = dead.port
    profile = VendorProfile(name="gone", protocol="openai-chat", model="m",
                            base_url=f"http://127.0.0.1:{port}/v1", max_retries=1,
                            max_retry_wait_s=0.01, timeout_s=1)

    err, _ = step_fails(profile)

    assert err.cause == "connection"


# --------------------------------------------------------------------------- the server itself


def good_body() -> dict[str, Any]:
    return {
        "model": "m",
        "messages": [
            {"role": "system", "content": "s"},
            {"role": "user", "content": "u"},
            {"role": "assistant", "content": None, "tool_calls": [
                {"id": "a", "type": "function", "function": {"name": "f", "arguments": "{}"}},
                {"id": "b", "type": "function", "function": {"name": "g", "arguments": "{}"}}]},
            {"role": "tool", "tool_call_id": "b", "content": "rb"},
            {"role": "tool", "tool_call_id": "a", "content": "ra"},
        ],
        "tools": [{"type": "function", "function": {"name": "f", "parameters": {}}}],
    }


def test_validator_accepts_a_valid_request_and_the_sdk_agrees() -> None:
    assert vs.check_request(good_body()) is None
    sdk_check_request(good_body())


def _without_tool(i: int) -> Callable[[dict[str, Any]], None]:
    return lambda b: b["messages"].pop(i)


BREAKAGES: dict[str, tuple[Callable[[dict[str, Any]], Any], str]] = {
    "no-model": (lambda b: b.pop("model"), "model"),
    "messages-not-list": (lambda b: b.update(messages="hi"), "expected an array"),
    "messages-empty": (lambda b: b.update(messages=[]), "empty array"),
    "bad-role": (lambda b: b["messages"][1].update(role="bot"), "Supported values"),
    "user-no-content": (lambda b: b["messages"][1].pop("content"), "content"),
    "assistant-null-content": (lambda b: b["messages"].insert(2, {"role": "assistant",
                                                                   "content": None}), "null"),
    "unanswered-call": (_without_tool(3), "did not have response messages: b"),
    "orphan-tool": (lambda b: b["messages"].append(
        {"role": "tool", "tool_call_id": "zzz", "content": "x"}), "preceeding"),
    "tool-after-user": (lambda b: b["messages"].insert(4, {"role": "user", "content": "x"}),
                        "did not have response messages: a"),
    "answered-twice": (lambda b: b["messages"].append(
        {"role": "tool", "tool_call_id": "a", "content": "again"}), "already answered"),
    "object-arguments": (lambda b: b["messages"][2]["tool_calls"][0]["function"].update(
        arguments={}), "expected a string"),
    "no-call-id": (lambda b: b["messages"][2]["tool_calls"][0].pop("id"), ".id"),
    "duplicate-call-id": (lambda b: b["messages"][2]["tool_calls"][1].update(id="a"),
                          "Duplicate"),
    "tool-no-call-id": (lambda b: b["messages"][3].pop("tool_call_id"), "tool_call_id"),
    "extra-message-key": (lambda b: b["messages"][2].update(reasoning_content="x"),
                          "Additional properties"),
    "unknown-param": (lambda b: b.update(temprature=0), "Unrecognized request argument"),
    "empty-tools": (lambda b: b.update(tools=[]), "empty array"),
    "bad-tool-name": (lambda b: b["tools"][0]["function"].update(name="get order"), "pattern"),
}


@pytest.mark.parametrize("name", list(BREAKAGES))
def test_validator_rejects_what_the_api_rejects(name: str) -> None:
    body = good_body()
    breakage, expected = BREAKAGES[name]
    breakage(body)
    bad = vs.check_request(body)
    assert bad is not None
    assert expected in bad.message


def test_request_keys_are_real_chat_completions_params() -> None:
    sdk = set(CompletionCreateParamsBase.__annotations__) | {"stream"}
    assert vs.REQUEST_KEYS.issubset(sdk)


def test_server_answers_bad_requests_like_openai(vendor_server: vs.VendorServer) -> None:
    vendor_server.expect_invalid = True
    vendor_server.api_key = "sk-server"
    bad = good_body()
    bad["messages"].pop(3)

    async def main() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=vendor_server.base_url, trust_env=False) as c:
            auth = {"Authorization": "Bearer sk-server"}
            return [
                await c.post("/chat/completions", json=good_body()),
                await c.post("/chat/completions", json=good_body(),
                             headers={"Authorization": "Bearer nope"}),
                await c.post("/chat/completions", json=bad, headers=auth),
                await c.post("/chat/completions", content=b"{nope", headers=auth),
                await c.post("/completions", json=good_body(), headers=auth),
            ]

    replies = asyncio.run(main())

    assert [r.status_code for r in replies] == [401, 401, 400, 400, 404]
    for r in replies:
        ErrorObject.model_validate(r.json()["error"])
    assert replies[1].json()["error"]["code"] == "invalid_api_key"
    assert "did not have response messages" in replies[2].json()["error"]["message"]
    assert len(vendor_server.requests) == 5  # every request recorded, none reached a behaviour
    assert vendor_server.accepted == []


def test_unscripted_request_is_reported() -> None:
    server = vs.VendorServer().start()
    try:
        err, _ = step_fails(profile_for(server, api_key_env=None))
    finally:
        server.stop()
    assert err.cause == "server_error"
    with pytest.raises(AssertionError, match="nothing scripted"):
        server.assert_clean()


def test_refusal_is_the_answer_not_an_empty_reply(server: vs.VendorServer) -> None:
    server.script(vs.answer(None, message={"refusal": "I can't help with paying that invoice."}),
                  vs.answer("Anything else?"))

    async def fn(session: Session) -> ModelTurn:
        first = await session.step()
        session.add_user("Why not?")
        await session.step()
        return first

    turn = converse(profile_for(server), fn)
    assert turn.text == "I can't help with paying that invoice."
    assert turn.finish_reason == "refusal"
    assert server.requests[1].json["messages"][2] == {
        "role": "assistant", "content": "I can't help with paying that invoice."}


def test_call_id_reused_in_a_later_turn_is_made_unique(server: vs.VendorServer) -> None:
    """A server that numbers each reply's calls from zero: both turns say call_0."""
    server.script(vs.call_tools(vs.tool_call("get_order", args(order_id="A1"), call_id="call_0")),
                  vs.call_tools(vs.tool_call("get_order", args(order_id="A2"), call_id="call_0")),
                  vs.answer("Both found."))

    async def fn(session: Session) -> list[ModelTurn]:
        turns = []
        for _ in range(2):
            turn = await session.step()
            session.add_tool_results(answer_all(turn))
            turns.append(turn)
        turns.append(await session.step())
        return turns

    first, second, last = converse(profile_for(server), fn)
    assert first.tool_calls[0].id == "call_0"
    assert second.tool_calls[0].id != "call_0"
    assert last.text == "Both found."
    sent = [m for m in server.requests[2].json["messages"] if m["role"] == "tool"]
    assert [m["tool_call_id"] for m in sent] == ["call_0", second.tool_calls[0].id]
