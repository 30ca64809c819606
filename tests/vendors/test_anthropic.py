"""The Anthropic Messages driver over real loopback HTTP, refereed by the official anthropic SDK.

`AnthropicServer` (tests/fakes/anthropic.py) speaks the Messages wire format on 127.0.0.1 and
rejects what the real API rejects (auth and version headers first, then the body: required
fields, tool_result pairing and position, thinking blocks that were not sent back unchanged...)
with the API's error body. At teardown the SDK re-checks every Message and stream event the server
sent, every error body, and every request body and message the driver sent.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from anthropic.types import ErrorResponse
from pydantic import ValidationError

from agentcheck.core.errors import ConfigError
from agentcheck.scenario.model import load_scenarios
from agentcheck.vendors.profile import Prices, VendorProfile
from agentcheck.vendors.protocols.base import ModelTurn, Session

from ..fakes.anthropic import (
    CHATBOT,
    KEY,
    KEY_ENV,
    SDK_MESSAGE_PARAM,
    AnthropicServer,
    Exchange,
    agent,
    answer_all,
    anthropic_serving,
    canonical,
    check_messages_request,
    converse,
    delay,
    error,
    message,
    one_step,
    profile_for,
    raw_json,
    reply,
    round_trip,
    sdk_check_request,
    step_fails,
    text,
    thinking,
    tool_use,
    usage_body,
)
from ..fakes.base import drain
from ..fakes.checked import Loopback
from ..helpers import driving
from ..helpers.cli import agentcheck
from ..helpers.driving import SYSTEM, TOOLS, USER
from ..helpers.paths import REFUND, ROOT

api_key = driving.key_in_env(KEY_ENV, KEY)


@pytest.fixture
def server() -> Iterator[AnthropicServer]:
    with anthropic_serving() as s:
        yield s


# =========================================================================== conversations


def test_plain_answer_and_request_shape(server: AnthropicServer) -> None:
    server.script(reply(message(text("Order A1 "), text("shipped yesterday."))))
    turn = one_step(profile_for(server))
    assert turn.text == "Order A1 shipped yesterday."
    assert turn.tool_calls == [] and turn.finish_reason == "end_turn"
    assert turn.latency_s > 0 and turn.ttft_s is None
    req = server.requests[0]
    assert req.path == "/v1/messages"
    assert req.headers["x-api-key"] == KEY and "authorization" not in req.headers
    assert req.headers["anthropic-version"] == "2023-06-01"
    body = req.json
    assert body["model"] == "claude-test" and body["max_tokens"] == 4096
    assert body["system"] == SYSTEM and "stream" not in body
    assert body["messages"] == [{"role": "user", "content": USER}]
    assert body["tools"][0] == {"name": "get_order", "description": "Look up an order by id.",
                                "input_schema": TOOLS[0]["parameters"]}


def test_profile_version_max_tokens_headers_and_params(server: AnthropicServer) -> None:
    server.script(reply(message(text("ok"))))
    one_step(profile_for(server, api_version="2023-01-01", max_tokens=321,
                         headers={"anthropic-beta": "some-feature"},
                         params={"metadata": {"user_id": "u-1"}}))
    req = server.requests[0]
    assert req.headers["anthropic-version"] == "2023-01-01"
    assert req.headers["anthropic-beta"] == "some-feature"
    assert req.json["max_tokens"] == 321 and req.json["metadata"] == {"user_id": "u-1"}


def test_tool_round_trip(server: AnthropicServer) -> None:
    call = tool_use("get_order", {"order_id": "A1"})
    server.script(reply(message(text("Checking."), call)), reply(message(text("It shipped."))))
    first, second = round_trip(profile_for(server))
    assert first.text == "Checking." and first.finish_reason == "tool_use"
    [c] = first.tool_calls
    assert (c.id, c.name, c.arguments, c.parse_error) == (call["id"], "get_order",
                                                          {"order_id": "A1"}, None)
    assert json.loads(c.raw_arguments) == {"order_id": "A1"}
    assert second.text == "It shipped."
    msgs = server.requests[1].json["messages"]
    assert [m["role"] for m in msgs] == ["user", "assistant", "user"]
    assert msgs[1]["content"] == [text("Checking."), call]  # sent back exactly as received
    assert msgs[2]["content"] == [{"type": "tool_result", "tool_use_id": call["id"],
                                   "content": f'{{"ok": true, "id": "{call["id"]}"}}'}]


def test_parallel_tool_use_answered_in_one_user_message(server: AnthropicServer) -> None:
    a = tool_use("get_order", {"order_id": "A1"})
    b = tool_use("get_order", {"order_id": "B2"})
    c = tool_use("refund", {"order_id": "A1"})
    server.script(reply(message(a, b, c)), reply(message(text("Done."))))
    first, second = round_trip(profile_for(server), errors=("refund",))
    assert [x.id for x in first.tool_calls] == [a["id"], b["id"], c["id"]]
    assert second.text == "Done."
    results = server.requests[1].json["messages"][2]["content"]
    assert [r["tool_use_id"] for r in results] == [a["id"], b["id"], c["id"]]
    assert all(r["type"] == "tool_result" for r in results)
    assert results[2] == {"type": "tool_result", "tool_use_id": c["id"],
                          "content": "order service timed out", "is_error": True}
    assert "is_error" not in results[0]


def test_next_user_turn_after_answer_keeps_history_valid(server: AnthropicServer) -> None:
    server.script(reply(message(text("Which order?"))), reply(message(text("A1 shipped."))))

    async def fn(session: Session) -> ModelTurn:
        await session.step()
        session.add_user("Order A1.")
        return await session.step()

    assert converse(profile_for(server), fn).text == "A1 shipped."
    assert [m["role"] for m in server.requests[1].json["messages"]] == [
        "user", "assistant", "user"]


def test_empty_reply_is_not_echoed_and_next_user_text_merges(server: AnthropicServer) -> None:
    server.script(reply(message()), reply(message(text("Hello again."))))

    async def fn(session: Session) -> ModelTurn:
        first = await session.step()
        assert first.text == "" and first.tool_calls == []
        session.add_user("Anyone there?")
        return await session.step()

    assert converse(profile_for(server), fn).text == "Hello again."
    assert server.requests[1].json["messages"] == [
        {"role": "user", "content": [text(USER), text("Anyone there?")]}]


def test_thinking_blocks_round_trip_unchanged(server: AnthropicServer) -> None:
    think = thinking("The user wants order A1; look it up.", "sig-" + "Zm9v" * 20)
    hidden = {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix/LafPsn4a" * 3}
    call = tool_use("get_order", {"order_id": "A1"})
    server.script(reply(message(think, hidden, text("Looking."), call)),
                  reply(message(thinking("Now answer.", "sig-2"), text("It shipped."))))
    first, second = round_trip(profile_for(server))
    assert first.text == "Looking." and second.text == "It shipped."
    assert server.requests[1].json["messages"][1]["content"] == [think, hidden, text("Looking."),
                                                                  call]


def test_a_modified_thinking_block_is_rejected_by_the_server(server: AnthropicServer) -> None:
    server.expect_invalid = True
    body = {"model": "m", "max_tokens": 10, "messages": [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": [thinking("changed", "sig-x"), text("yo")]},
        {"role": "user", "content": "again"}]}
    bad = check_messages_request(body, {canonical(thinking("original", "sig-x"))})
    assert bad == "messages.1.content.0: Invalid `signature` in `thinking` block"


def test_pause_turn_is_continued_within_one_step(server: AnthropicServer) -> None:
    search = {"type": "server_tool_use", "id": "srvtoolu_01", "name": "web_search",
              "input": {"query": "order A1 carrier"}}
    found = {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_01", "content": []}
    server.script(reply(message(text("Searching."), search, found, stop="pause_turn",
                                usage=usage_body(30, 10))),
                  reply(message(text(" Carrier says delivered."), usage=usage_body(50, 6))))
    turn = one_step(profile_for(server))
    assert turn.text == "Searching. Carrier says delivered."
    assert turn.finish_reason == "end_turn" and turn.tool_calls == []
    assert (turn.usage.input_tokens, turn.usage.output_tokens) == (80, 16)
    msgs = server.requests[1].json["messages"]
    assert msgs[-1] == {"role": "assistant", "content": [text("Searching."), search, found]}


def test_endless_pause_turn_is_a_protocol_error(server: AnthropicServer) -> None:
    server.fallback = reply(message(text("Still going."), stop="pause_turn"))
    err, _ = step_fails(profile_for(server))
    assert err.cause == "protocol" and "paused" in str(err)
    assert len(server.requests) == 9


def test_refusal_is_a_final_answer_marked_as_such(server: AnthropicServer) -> None:
    server.script(reply(message(text("I can't help with that."), stop="refusal")))
    turn = one_step(profile_for(server))
    assert turn.text == "I can't help with that." and turn.finish_reason == "refusal"
    assert turn.tool_calls == []


def test_refused_partial_tool_call_is_neither_run_nor_sent_back(server: AnthropicServer) -> None:
    server.script(reply(message(text("No."), tool_use("refund", {"order_id": "A1"}),
                                stop="refusal")),
                  reply(message(text("Still no."))))

    async def fn(session: Session) -> ModelTurn:
        first = await session.step()
        assert first.tool_calls == [] and first.finish_reason == "refusal"
        session.add_user("Please?")
        return await session.step()

    assert converse(profile_for(server), fn).text == "Still no."
    assert server.requests[1].json["messages"][1] == {"role": "assistant",
                                                      "content": [text("No.")]}


@pytest.mark.parametrize("stop", ["max_tokens", "stop_sequence", "model_context_window_exceeded"])
def test_other_stop_reasons_pass_through(server: AnthropicServer, stop: str) -> None:
    server.script(reply(message(text("Partial"), stop=stop)))
    turn = one_step(profile_for(server))
    assert (turn.text, turn.finish_reason) == ("Partial", stop)


def test_tool_calls_decided_by_blocks_not_stop_reason(server: AnthropicServer) -> None:
    server.script(reply(message(tool_use("get_order", {"order_id": "A1"}), stop="end_turn")))
    assert [c.name for c in one_step(profile_for(server)).tool_calls] == ["get_order"]


def test_usage_with_cache_reads_and_writes(server: AnthropicServer) -> None:
    usage = {**usage_body(100, 40, read=1000, created=200),
             "output_tokens_details": {"thinking_tokens": 25}}
    server.script(reply(message(text("ok"), usage=usage)))
    u = one_step(profile_for(server)).usage
    assert (u.input_tokens, u.cached_tokens, u.output_tokens, u.reasoning_tokens) == (
        1300, 1000, 40, 25)
    assert u.cache_write_tokens == 200
    # each part at its own price: 100 plain, 1000 cache reads, 200 cache writes, 40 output
    prices = Prices(input=3.0, cached_input=0.3, cache_write_input=3.75, output=15.0)
    profile = VendorProfile(name="p", protocol="anthropic", base_url="http://x/v1", model="m",
                            prices=prices)
    assert u.cost(profile.prices) == pytest.approx(
        (100 * 3.0 + 1000 * 0.3 + 200 * 3.75 + 40 * 15.0) / 1e6)


def test_unknown_block_types_are_tolerated_and_sent_back(server: AnthropicServer) -> None:
    server.referee_requests = False  # the echo carries a type the SDK does not know either
    future = {"type": "hologram", "frames": [1, 2, 3]}
    call = tool_use("get_order", {"order_id": "A1"})
    server.script(reply(message(future, text("Checking."), call), strict=False),
                  reply(message(text("Done."))))
    first, second = round_trip(profile_for(server))
    assert first.text == "Checking." and second.text == "Done."
    echoed = server.requests[1].json["messages"][1]
    assert echoed["content"] == [future, text("Checking."), call]
    with pytest.raises(ValidationError):
        drain(SDK_MESSAGE_PARAM.validate_python(echoed))


def test_bent_tool_inputs(server: AnthropicServer) -> None:
    server.referee_requests = True
    server.script(reply(message(tool_use("get_order", '{"order_id": "A1"}'),
                                tool_use("refund", "{not json"),
                                tool_use("get_order", {"order_id": "B2"}, call_id=None)),
                        strict=False),
                  reply(message(text("ok"))))
    first, _ = round_trip(profile_for(server))
    a, b, c = first.tool_calls
    assert a.arguments == {"order_id": "A1"} and a.parse_error is None
    assert b.arguments is None and b.parse_error and b.raw_arguments == "{not json"
    assert c.id.startswith("toolu_ac") and c.arguments == {"order_id": "B2"}
    echoed = server.requests[1].json["messages"][1]["content"]
    assert [x["input"] for x in echoed] == [{"order_id": "A1"}, {}, {"order_id": "B2"}]
    assert echoed[2]["id"] == c.id


def test_a_reused_tool_use_id_is_renamed(server: AnthropicServer) -> None:
    server.script(reply(message(tool_use("get_order", {"order_id": "A1"}, "toolu_same"))),
                  reply(message(tool_use("get_order", {"order_id": "B2"}, "toolu_same"))),
                  reply(message(text("Both found."))))

    async def fn(session: Session) -> list[ModelTurn]:
        turns = [await session.step()]
        session.add_tool_results(answer_all(turns[0]))
        turns.append(await session.step())
        session.add_tool_results(answer_all(turns[1]))
        turns.append(await session.step())
        return turns

    first, second, third = converse(profile_for(server), fn)
    assert first.tool_calls[0].id == "toolu_same" and third.text == "Both found."
    renamed = second.tool_calls[0].id
    assert renamed != "toolu_same"
    assert server.requests[2].json["messages"][4]["content"][0]["tool_use_id"] == renamed


@pytest.mark.parametrize(("body", "cause"), [
    ({"type": "message", "role": "assistant"}, "malformed"),
    ({"type": "message", "content": ["just a string"]}, "malformed"),
    ({"type": "message", "content": [{"type": "tool_use", "id": "t1", "input": {}}]},
     "malformed"),
    ({"type": "error", "error": {"type": "api_error", "message": "boom"}}, "protocol"),
    ([1, 2, 3], "malformed"),
])
def test_unusable_200_replies(server: AnthropicServer, body: Any, cause: str) -> None:
    server.script(raw_json(body))
    err, _ = step_fails(profile_for(server))
    assert err.cause == cause


# =========================================================================== failures


def test_429_retry_after_is_honoured(server: AnthropicServer) -> None:
    server.script(error(429, "rate_limit_error", "Number of requests has exceeded your rate limit",
                        {"retry-after": "1"}),
                  reply(message(text("ok"))))
    start = time.monotonic()
    assert one_step(profile_for(server, max_retry_wait_s=5)).text == "ok"
    assert time.monotonic() - start >= 0.95
    gap = server.requests[1].at - server.requests[0].at
    assert 0.95 <= gap < 2.0


def test_529_overloaded_is_retried_then_succeeds(server: AnthropicServer) -> None:
    server.script(error(529, "overloaded_error", "Overloaded"),
                  error(529, "overloaded_error", "Overloaded"),
                  reply(message(text("ok"))))
    assert one_step(profile_for(server)).text == "ok"
    assert len(server.requests) == 3


def test_5xx_exhausting_retries_is_server_error(server: AnthropicServer) -> None:
    server.fallback = error(500, "api_error", "Internal server error")
    err, _ = step_fails(profile_for(server))
    assert err.cause == "server_error" and err.status == 500
    assert "Internal server error" in str(err) and len(server.requests) == 3


def test_400_is_not_retried_and_keeps_the_message(server: AnthropicServer) -> None:
    server.script(error(400, "invalid_request_error", "prompt is too long: 210000 tokens"))
    err, _ = step_fails(profile_for(server))
    assert err.cause == "http_error" and err.status == 400
    assert "prompt is too long" in str(err) and len(server.requests) == 1


def test_401_names_the_env_var_and_never_the_key(server: AnthropicServer,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "sk-ant-wrong-key-XYZ")
    err, _ = step_fails(profile_for(server))
    assert err.cause == "auth" and err.status == 401
    assert f"${KEY_ENV}" in str(err) and "invalid x-api-key" in str(err)
    assert "wrong-key" not in str(err) and len(server.requests) == 1


def test_missing_key_env_is_a_config_error(server: AnthropicServer,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV)
    with pytest.raises(ConfigError, match=KEY_ENV):
        one_step(profile_for(server))
    assert server.requests == []


def test_bearer_auth_style_for_gateways(server: AnthropicServer) -> None:
    server.api_key = None  # a gateway in front of the API that takes a bearer token
    server.script(reply(message(text("ok"))))
    one_step(profile_for(server, auth="bearer"))
    req = server.requests[0]
    assert req.headers["authorization"] == f"Bearer {KEY}" and "x-api-key" not in req.headers


def test_timeout(server: AnthropicServer) -> None:
    server.fallback = delay(1.0, reply(message(text("late"))))
    err, took = step_fails(profile_for(server, timeout_s=0.2, max_retries=1))
    assert err.cause == "timeout" and took < 1.5
    assert len(server.requests) == 2


# =========================================================================== the server itself


def raw_post(server: AnthropicServer, body: Any, headers: dict[str, str] | None = None
             ) -> httpx.Response:
    h = {"x-api-key": KEY, "anthropic-version": "2023-06-01", **(headers or {})}
    for k in [k for k, v in h.items() if v == ""]:
        del h[k]
    return httpx.post(server.base_url + "/messages", json=body, headers=h, trust_env=False)


GOOD = {"model": "claude-test", "max_tokens": 64, "system": "Be brief.",
        "tools": [{"name": "get_order", "description": "d",
                   "input_schema": {"type": "object", "properties": {}}}],
        "messages": [
            {"role": "user", "content": "Order A1?"},
            {"role": "assistant", "content": [text("Checking."),
                                              tool_use("get_order", {"id": "A1"}, "toolu_A"),
                                              tool_use("get_order", {"id": "B2"}, "toolu_B")]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_A", "content": "{}"},
                {"type": "tool_result", "tool_use_id": "toolu_B",
                 "content": [text("timeout")], "is_error": True},
                text("Thanks.")]}]}


def without(path: list[Any]) -> dict[str, Any]:
    body = json.loads(json.dumps(GOOD))
    target = body
    for p in path[:-1]:
        target = target[p]
    del target[path[-1]]
    return body


def test_the_server_accepts_a_valid_request_and_the_sdk_agrees(server: AnthropicServer) -> None:
    sdk_check_request(GOOD)
    server.script(reply(message(text("ok"))))
    assert raw_post(server, GOOD).status_code == 200


BAD_REQUESTS: dict[str, tuple[Any, dict[str, str], int, str, str]] = {
    "no x-api-key": (GOOD, {"x-api-key": ""}, 401, "authentication_error",
                     "x-api-key header is required"),
    "wrong key": (GOOD, {"x-api-key": "nope"}, 401, "authentication_error", "invalid x-api-key"),
    "no version": (GOOD, {"anthropic-version": ""}, 400, "invalid_request_error",
                   "anthropic-version: header is required"),
    "no max_tokens": (without(["max_tokens"]), {}, 400, "invalid_request_error",
                      "max_tokens: Field required"),
    "unknown field": ({**GOOD, "temperature_x": 1}, {}, 400, "invalid_request_error",
                      "temperature_x: Extra inputs are not permitted"),
    "result for no call": (
        {**GOOD, "messages": [*GOOD["messages"][:2], {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "toolu_A", "content": "{}"},
            {"type": "tool_result", "tool_use_id": "toolu_Z", "content": "{}"}]}]},
        {}, 400, "invalid_request_error", "unexpected `tool_use_id` found in `tool_result`"),
    "result not first": (
        {**GOOD, "messages": [*GOOD["messages"][:2], {"role": "user", "content": [
            text("Here you go."),
            {"type": "tool_result", "tool_use_id": "toolu_A", "content": "{}"},
            {"type": "tool_result", "tool_use_id": "toolu_B", "content": "{}"}]}]},
        {}, 400, "invalid_request_error",
        "`tool_use` ids were found without `tool_result` blocks immediately after"),
    "unanswered call": (
        {**GOOD, "messages": [*GOOD["messages"][:2], {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "toolu_A", "content": "{}"}]}]},
        {}, 400, "invalid_request_error", "toolu_B"),
    "results in two messages": (
        {**GOOD, "messages": [*GOOD["messages"][:2], {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "toolu_A", "content": "{}"}, text("and")]},
            {"role": "assistant", "content": "hm"}, {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_B", "content": "{}"}]}]},
        {}, 400, "invalid_request_error", "toolu_B"),
    "tools with parameters": (
        {**GOOD, "tools": [{"name": "x", "parameters": {"type": "object"}}]}, {}, 400,
        "invalid_request_error", "tools.0.custom.parameters: Extra inputs are not permitted"),
    "system role in messages": (
        {**GOOD, "messages": [{"role": "system", "content": "x"}, *GOOD["messages"]]}, {}, 400,
        "invalid_request_error", "messages.0.role"),
    "string input": (
        {**GOOD, "messages": [GOOD["messages"][0], {"role": "assistant", "content": [
            {"type": "tool_use", "id": "toolu_A", "name": "get_order", "input": "{}"}]},
            GOOD["messages"][2]]}, {}, 400, "invalid_request_error",
        "tool_use.input: Input should be a valid dictionary"),
    "empty text block": (
        {**GOOD, "messages": [{"role": "user", "content": [text("")]}]}, {}, 400,
        "invalid_request_error", "text content blocks must be non-empty"),
    "forged thinking": (
        {**GOOD, "messages": [GOOD["messages"][0], {"role": "assistant", "content": [
            thinking("I made this up", "sig")]}, {"role": "user", "content": "go on"}]}, {}, 400,
        "invalid_request_error", "Invalid `signature` in `thinking` block"),
}


@pytest.mark.parametrize("name", list(BAD_REQUESTS))
def test_the_server_rejects_what_the_api_rejects(server: AnthropicServer, name: str) -> None:
    server.expect_invalid = True
    body, headers, status, type_, fragment = BAD_REQUESTS[name]
    res = raw_post(server, body, headers)
    assert res.status_code == status
    data = res.json()
    ErrorResponse.model_validate(data)
    assert data["type"] == "error" and data["error"]["type"] == type_
    assert fragment in data["error"]["message"]


# =========================================================================== end to end


def write_profile(tmp_path: Path, server: Loopback, name: str, model: str, **extra: Any) -> Path:
    return driving.write_profile(tmp_path, name, "anthropic", server.base_url, model, KEY_ENV,
                                 timeout_s=5, max_retries=1, **extra)


def test_refund_scenario_end_to_end_through_the_cli(server: AnthropicServer,
                                                    tmp_path: Path) -> None:
    scenarios, errors = load_scenarios([ROOT / REFUND])
    assert not errors
    competent = agent(scenarios)

    def route(ex: Exchange) -> None:
        if ex.req.json["model"] == "claude-chatbot":
            reply(message(text(CHATBOT)))(ex)
        else:
            reply(competent)(ex)

    server.fallback = route
    profiles = [write_profile(tmp_path, server, "claude", "claude-agent"),
                write_profile(tmp_path, server, "claude-stream", "claude-agent", stream=True),
                write_profile(tmp_path, server, "claude-chat", "claude-chatbot")]
    out = tmp_path / "run"
    args = driving.vendor_args(profiles)
    res = agentcheck("run", *args, "--scenarios", REFUND, "--out", str(out), "--quiet",
                     "--seed", "5", env={KEY_ENV: KEY})
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr and KEY not in res.stdout + res.stderr
    v = {x["name"]: x for x in json.loads((out / "summary.json").read_text())["vendors"]}
    for name in ("claude", "claude-stream"):
        assert v[name]["tier"] == 3 and v[name]["capability_score"] == 100.0, v[name]
    assert v["claude-chat"]["tier"] == 0
    trials = {json.loads(line)["vendor"]: json.loads(line)
              for line in (out / "trials.jsonl").read_text().splitlines()}
    assert trials["claude"]["call_sequence"] == ["lookup_customer", "list_orders", "refund_order"]
    steps = [e for e in trials["claude-stream"]["events"] if e["type"] == "assistant"]
    assert steps and all(e["ttft_s"] is not None and 0 < e["ttft_s"] <= e["latency_s"]
                         for e in steps)
    assert all(e["ttft_s"] is None for e in trials["claude"]["events"]
               if e["type"] == "assistant")
    ttft = v["claude-stream"]["ttft_s"]  # summarised for streamed replies only
    assert ttft["p50"] is not None and 0 < ttft["p50"] <= ttft["p95"]
    assert v["claude"]["ttft_s"] == {"p50": None, "p95": None}
    streamed = [r for r in server.requests if r.stream]
    assert len(streamed) == 4 and all(k == "event" for r in streamed for k, _, _ in r.sent)
