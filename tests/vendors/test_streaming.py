"""Streaming (`stream: true`) for Chat Completions and Anthropic over real loopback HTTP, plus the
Azure OpenAI variants of Chat Completions, refereed by the official SDKs.

The chat server (tests/fakes/openai_chat_stream.py) validates requests with Chat Completions'
checks (plus the stream_options rule) and streams chunks that must each be a valid openai
ChatCompletionChunk; the Anthropic server (tests/fakes/anthropic.py) sends events that must each
be a valid anthropic RawMessageStreamEvent.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from agentcheck.core.errors import ConfigError
from agentcheck.judge.verdict import summarise
from agentcheck.run.runner import make_driver, run_one, trial_seed
from agentcheck.scenario.model import load_scenarios
from agentcheck.vendors.demo import respond
from agentcheck.vendors.http import HttpClient
from agentcheck.vendors.profile import VendorProfile
from agentcheck.vendors.wire import SseEvent, SseParser

from ..fakes import openai_chat as vs
from ..fakes.anthropic import (
    KEY,
    KEY_ENV,
    AnthropicServer,
    anthropic_serving,
    converse,
    error,
    message,
    one_step,
    profile_for,
    reply,
    round_trip,
    step_fails,
    text,
    thinking,
    tool_use,
    usage_body,
)
from ..fakes.base import Exchange
from ..fakes.openai_chat_stream import (
    Bent,
    ChatServer,
    chat_chunks,
    chat_json,
    chat_serving,
    chat_sse,
    chunk,
    completion_chunks,
)
from ..helpers import driving
from ..helpers.paths import REFUND, ROOT

api_key = driving.key_in_env(KEY_ENV, KEY)


@pytest.fixture(params=["aiohttp", "httpx"])
def transport(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both transports under httpx.AsyncClient (agentcheck.vendors.transport) must stream the
    same."""
    monkeypatch.setenv("AGENTCHECK_TRANSPORT", request.param)
    return str(request.param)


@pytest.fixture
def chat() -> Iterator[ChatServer]:
    with chat_serving() as s:
        yield s


@pytest.fixture
def claude() -> Iterator[AnthropicServer]:
    with anthropic_serving() as s:
        yield s


def chat_profile(server: ChatServer, **over: Any) -> VendorProfile:
    return driving.profile("openai-chat", server.base_url, KEY_ENV,
                           **{"name": "chat-loop", "stream": True, **over})


def claude_profile(server: AnthropicServer, **over: Any) -> VendorProfile:
    return profile_for(server, **{"stream": True, **over})


# =========================================================================== the SSE parser


STREAM = ("event: one\r\ndata: {\"a\": 1}\r\n\r\n"
          ": a comment line\n"
          "data: first line\ndata:second line\n\n"
          "retry: 1000\nid: 7\ndata: café ☕\n\n"
          "event: ping\n\n"
          "data: [DONE]\n\n").encode()
EXPECTED = [("one", '{"a": 1}'), (None, "first line\nsecond line"), (None, "café ☕"),
            (None, "[DONE]")]


def test_sse_parser_gives_the_same_events_however_the_bytes_are_split() -> None:
    for cut in range(len(STREAM) + 1):
        parser = SseParser()
        events = parser.feed(STREAM[:cut]) + parser.feed(STREAM[cut:]) + parser.finish()
        assert events == EXPECTED, cut
    parser = SseParser()
    one_by_one = [e for i in range(len(STREAM)) for e in parser.feed(STREAM[i:i + 1])]
    assert one_by_one == EXPECTED


def test_sse_parser_hands_over_a_last_event_without_its_blank_line() -> None:
    parser = SseParser()
    assert parser.feed(b"data: [DONE]\n") == []
    assert parser.finish() == [(None, "[DONE]")]
    assert SseParser().finish() == []


def test_post_sse_reports_elapsed_time_per_event(chat: ChatServer) -> None:
    chat.script(chat_sse(chat_chunks("Hello there"), before_content_s=0.15))
    seen: list[SseEvent] = []

    def on_event(event: SseEvent) -> bool:
        seen.append(event)
        return event.data == "[DONE]"

    async def main() -> None:
        async with httpx.AsyncClient(timeout=2, trust_env=False) as client:
            http = HttpClient(client, "loopback")
            body = {"model": "m", "messages": [{"role": "user", "content": "hi"}],
                    "stream": True}
            reply_ = await http.post_sse(chat.base_url + "/chat/completions", body,
                                         {"Authorization": f"Bearer {KEY}"}, on_event)
            assert reply_.data is None and reply_.status == 200

    asyncio.run(main())
    assert seen[0].elapsed_s < 0.15 <= seen[1].elapsed_s
    assert chat.requests[0].headers["accept"] == "text/event-stream"


# =========================================================================== chat streaming


@pytest.mark.usefixtures("transport")
def test_chat_stream_text_usage_ttft_and_request_shape(chat: ChatServer) -> None:
    chat.script(chat_sse(chat_chunks("Order A1 shipped yesterday.", piece=2),
                         before_content_s=0.1))
    turn = converse(chat_profile(chat), lambda s: s.step())
    assert turn.text == "Order A1 shipped yesterday." and turn.finish_reason == "stop"
    u = turn.usage
    assert (u.input_tokens, u.cached_tokens, u.output_tokens, u.reasoning_tokens) == (30, 10, 12, 4)
    assert turn.ttft_s is not None and 0.1 <= turn.ttft_s <= turn.latency_s
    body = chat.requests[0].json
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}


def test_chat_stream_keeps_profile_stream_options(chat: ChatServer) -> None:
    chat.script(chat_sse(chat_chunks("ok")))
    converse(chat_profile(chat, params={"stream_options": {"include_obfuscation": False}}),
             lambda s: s.step())
    assert chat.requests[0].json["stream_options"] == {"include_obfuscation": False,
                                                       "include_usage": True}


@pytest.mark.usefixtures("transport")
def test_chat_stream_tool_calls_assembled_across_many_deltas(chat: ChatServer) -> None:
    args_a = json.dumps({"order_id": "A1", "note": "fragile ☂ item"})
    args_b = json.dumps({"order_id": "B2"})
    chat.script(chat_sse(chat_chunks("Checking both.", [("call_a", "get_order", args_a),
                                                        ("call_b", "refund", args_b)],
                                      piece=1)),
                chat_sse(chat_chunks("Both done.")))
    first, second = round_trip(chat_profile(chat))
    assert first.text == "Checking both." and first.finish_reason == "tool_calls"
    assert [(c.id, c.name, c.arguments, c.parse_error) for c in first.tool_calls] == [
        ("call_a", "get_order", json.loads(args_a), None),
        ("call_b", "refund", {"order_id": "B2"}, None)]
    assert second.text == "Both done."
    sent = chat.requests[1].json["messages"]
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "tool", "tool"]
    assert [c["function"]["arguments"] for c in sent[2]["tool_calls"]] == [args_a, args_b]


def test_chat_stream_bent_tool_call_pieces(chat: ChatServer) -> None:
    """Servers that interleave calls, drop `index`, send arguments as an object, or reuse
    index 0 for every call are still assembled call by call."""
    chunks = [
        chunk({"role": "assistant"}),
        chunk({"tool_calls": [{"index": 0, "id": "c0", "function": {"name": "get_order"}}]}),
        chunk({"tool_calls": [{"index": 1, "id": "c1", "function": {"name": "refund",
                                                                      "arguments": '{"order'}}]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": '{"order_id": '}}]}),
        chunk({"tool_calls": [{"index": 1, "function": {"arguments": '_id": "B2"}'}}]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": '"A1"}'}}]}),
        Bent(chunk({"tool_calls": [{"index": 0, "id": "c2", "function": {
            "name": "get_order", "arguments": {"order_id": "C3"}}}]})),
        Bent(chunk({"tool_calls": [{"id": "c3", "function": {"name": "get_order",
                                                             "arguments": '{"order_id"'}}]})),
        Bent(chunk({"tool_calls": [{"function": {"arguments": ': "D4"}'}}]})),
        chunk({}, "stop"),
    ]
    chat.script(chat_sse(chunks), chat_sse(chat_chunks("ok")))
    first, _ = round_trip(chat_profile(chat))
    assert [(c.id, c.name, c.arguments) for c in first.tool_calls] == [
        ("c0", "get_order", {"order_id": "A1"}), ("c1", "refund", {"order_id": "B2"}),
        ("c2", "get_order", {"order_id": "C3"}), ("c3", "get_order", {"order_id": "D4"})]
    assert first.usage.input_tokens == 0  # no usage chunk: zero, not a crash


@pytest.mark.usefixtures("transport")
def test_chat_stream_cut_midway_is_stream_cut_and_not_retried(chat: ChatServer) -> None:
    chat.fallback = chat_sse(chat_chunks("A long answer that never ends", piece=2), cut_after=6)
    err, _ = step_fails(chat_profile(chat))
    assert err.cause == "stream_cut" and "after 6 event(s)" in str(err)
    assert len(chat.requests) == 1


@pytest.mark.usefixtures("transport")
def test_chat_stream_without_done_is_stream_cut(chat: ChatServer) -> None:
    chat.fallback = chat_sse(chat_chunks("Almost"), done=False)
    err, _ = step_fails(chat_profile(chat))
    assert err.cause == "stream_cut" and "end marker" in str(err)
    assert len(chat.requests) == 1


@pytest.mark.usefixtures("transport")
def test_chat_stream_stalled_midway_is_stream_cut(chat: ChatServer) -> None:
    chat.fallback = chat_sse(chat_chunks("Thinking hard"), stall_after=3)
    err, took = step_fails(chat_profile(chat, timeout_s=0.3))
    assert err.cause == "stream_cut" and "timeout" in str(err) and took < 1.5
    assert len(chat.requests) == 1


def test_chat_stream_429_before_the_first_byte_is_retried(chat: ChatServer) -> None:
    chat.script(lambda ex: ex.send_json(429, chat.error_body("requests", "slow down"),
                                        {"retry-after-ms": "30"}, kind="error"),
                chat_sse(chat_chunks("ok")))
    assert one_step(chat_profile(chat)).text == "ok"
    assert len(chat.requests) == 2


def test_chat_stream_error_chunk_midway_is_a_protocol_error(chat: ChatServer) -> None:
    chat.fallback = chat_sse([chunk({"role": "assistant"}), Bent(
        {"error": {"message": "upstream overloaded", "type": "server_error"}})])
    err, _ = step_fails(chat_profile(chat))
    assert err.cause == "protocol" and "upstream overloaded" in str(err)
    assert len(chat.requests) == 1


def test_chat_stream_garbage_chunk_is_malformed(chat: ChatServer) -> None:
    chat.fallback = chat_sse([chunk({"role": "assistant"}), "data: {not json\n\n"])
    err, _ = step_fails(chat_profile(chat))
    assert err.cause == "malformed"


def test_html_page_instead_of_a_stream_is_malformed(chat: ChatServer) -> None:
    def login_page(ex: Exchange) -> None:
        page = b"<html><body>Please sign in to the corporate proxy</body></html>"
        ex.start(200, content_type="text/html", length=len(page))
        ex.write(page)

    chat.fallback = login_page
    err, _ = step_fails(chat_profile(chat))
    assert err.cause == "malformed" and "sign in" in str(err)


@pytest.mark.usefixtures("transport")
def test_chat_stream_larger_than_the_cap_is_too_large(chat: ChatServer) -> None:
    chat.fallback = chat_sse(chat_chunks("x" * 6000, piece=500))
    err, _ = step_fails(chat_profile(chat, max_response_bytes=4096))
    assert err.cause == "too_large" and len(chat.requests) == 1


def test_server_ignoring_the_stream_flag_is_parsed_whole(chat: ChatServer) -> None:
    chat.script(chat_json(vs.completion_body("Not streamed, but fine.")))
    turn = one_step(chat_profile(chat))
    assert turn.text == "Not streamed, but fine." and turn.ttft_s is None


# =========================================================================== Anthropic streaming


@pytest.mark.usefixtures("transport")
def test_anthropic_stream_tool_use_thinking_usage_and_ttft(claude: AnthropicServer) -> None:
    think = thinking("Look up A1, then answer.", "c2lnbmF0dXJl" * 8)
    call = tool_use("get_order", {"order_id": "A1", "note": "fragile ☂ item"})
    claude.script(reply(message(think, text("Checking."), call,
                                usage=usage_body(40, 30, read=100, created=7)),
                        piece=1, before_content_s=0.1),
                  reply(message(text("It shipped."))))
    first, second = round_trip(claude_profile(claude))
    assert first.text == "Checking." and first.finish_reason == "tool_use"
    [c] = first.tool_calls
    assert (c.id, c.arguments, c.parse_error) == (call["id"], call["input"], None)
    u = first.usage
    assert (u.input_tokens, u.cached_tokens, u.output_tokens) == (147, 100, 30)
    assert first.ttft_s is not None and 0.1 <= first.ttft_s <= first.latency_s
    assert second.text == "It shipped." and second.ttft_s is not None
    assert claude.requests[0].json["stream"] is True
    # the server checked the assembled thinking block against the one it issued
    assert claude.requests[1].json["messages"][1]["content"] == [think, text("Checking."), call]


def test_anthropic_stream_broken_input_json(claude: AnthropicServer) -> None:
    def broken(ex: Exchange) -> None:
        ex.start_sse()
        msg = message(tool_use("get_order", {}))
        events: list[tuple[str, dict[str, Any]]] = [
            ("message_start", {"type": "message_start", "message": {
                **msg, "content": [], "stop_reason": None}}),
            ("content_block_start", {"type": "content_block_start", "index": 0,
                                     "content_block": msg["content"][0]}),
            ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {
                "type": "input_json_delta", "partial_json": '{"order_id": '}}),
            ("content_block_stop", {"type": "content_block_stop", "index": 0}),
            ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "tool_use"},
                               "usage": {"output_tokens": 9}}),
            ("message_stop", {"type": "message_stop"})]
        for name, event in events:
            ex.event(name, event)
        ex.end_chunks()

    claude.script(broken, reply(message(text("Sorry."))))
    first, _ = round_trip(claude_profile(claude))
    [c] = first.tool_calls
    assert c.arguments is None and c.parse_error and c.raw_arguments == '{"order_id": '
    assert claude.requests[1].json["messages"][1]["content"][0]["input"] == {}


@pytest.mark.usefixtures("transport")
def test_anthropic_stream_cut_midway_is_stream_cut(claude: AnthropicServer) -> None:
    claude.fallback = reply(message(text("A long answer")), piece=2, cut_after=5)
    err, _ = step_fails(claude_profile(claude))
    assert err.cause == "stream_cut" and len(claude.requests) == 1


@pytest.mark.usefixtures("transport")
def test_anthropic_stream_without_message_stop_is_stream_cut(claude: AnthropicServer) -> None:
    claude.fallback = reply(message(text("Almost")), omit_stop=True)
    err, _ = step_fails(claude_profile(claude))
    assert err.cause == "stream_cut" and len(claude.requests) == 1


def test_anthropic_error_event_midstream(claude: AnthropicServer) -> None:
    claude.fallback = reply(message(text("Partial answer")), error_at=4)
    err, _ = step_fails(claude_profile(claude))
    assert err.cause == "server_error" and "overloaded_error" in str(err)
    assert len(claude.requests) == 1


def test_anthropic_529_before_the_stream_is_retried(claude: AnthropicServer) -> None:
    claude.script(error(529, "overloaded_error", "Overloaded"), reply(message(text("ok"))))
    assert one_step(claude_profile(claude)).text == "ok"
    assert len(claude.requests) == 2


# =========================================================================== in a trial


def test_stream_cut_in_a_trial_is_scored_as_vendor_error_not_a_crash(chat: ChatServer) -> None:
    scenarios, _ = load_scenarios([ROOT / REFUND])
    scenario = scenarios[0]

    def agent_step(ex: Exchange) -> None:
        completion = respond("demo-agent", ex.req.json, scenarios, 100)
        chat_sse(completion_chunks(completion))(ex)

    chat.script(agent_step, chat_sse(chat_chunks("I refunded the order"), cut_after=3))
    profile = chat_profile(chat)

    async def main() -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=2, trust_env=False) as client:
            driver = make_driver(profile, client)
            return await run_one(profile, driver, scenario, 0, trial_seed(1, scenario.id, 0))

    record = asyncio.run(main())
    assert record["termination"] == "vendor_error" and record["error_cause"] == "stream_cut"
    assert record["call_sequence"] == ["lookup_customer"] and record["model_calls"] == 1
    steps = [e for e in record["events"] if e["type"] == "assistant"]
    assert steps[0]["ttft_s"] is not None and steps[0]["ttft_s"] <= steps[0]["latency_s"]
    summary = summarise([record], [profile.name])
    assert summary["vendors"][0]["errors"] == {"stream_cut": 1}


# =========================================================================== Azure OpenAI


def test_azure_classic_deployment_url_with_api_key_header() -> None:
    with chat_serving(style="azure", deployment="gpt-dep") as azure:
        azure.script(chat_json(vs.completion_body("Hi from Azure.")))
        profile = chat_profile(azure, base_url=azure.root_url + "/openai/deployments/gpt-dep",
                               api_version="2024-10-21", auth="api-key", stream=False)
        assert one_step(profile).text == "Hi from Azure."
        req = azure.requests[0]
    assert req.path == "/openai/deployments/gpt-dep/chat/completions?api-version=2024-10-21"
    assert req.headers["api-key"] == KEY and "authorization" not in req.headers


def test_azure_v1_url_needs_no_api_version_and_streams() -> None:
    with chat_serving(style="azure-v1") as azure:
        azure.script(chat_sse(chat_chunks("Streamed from Azure.")))
        profile = chat_profile(azure, base_url=azure.root_url + "/openai/v1", model="gpt-dep",
                               auth="api-key")
        turn = one_step(profile)
        req = azure.requests[0]
    assert turn.text == "Streamed from Azure." and turn.ttft_s is not None
    assert req.path == "/openai/v1/chat/completions" and req.json["model"] == "gpt-dep"


def test_azure_without_api_key_auth_is_refused_and_named() -> None:
    with chat_serving(style="azure-v1") as azure:
        profile = chat_profile(azure, base_url=azure.root_url + "/openai/v1", stream=False)
        err, _ = step_fails(profile)  # sent as Bearer: Azure wants the api-key header
    assert err.cause == "auth" and f"${KEY_ENV}" in str(err)


def test_unsupported_auth_style_is_a_config_error(chat: ChatServer) -> None:
    with pytest.raises(ConfigError, match="query-key"):
        one_step(chat_profile(chat, auth="query-key"))


def test_auth_none_sends_no_key(chat: ChatServer, monkeypatch: pytest.MonkeyPatch) -> None:
    chat.api_key = None
    monkeypatch.delenv(KEY_ENV)
    chat.script(chat_sse(chat_chunks("ok")))
    assert one_step(chat_profile(chat, auth="none")).text == "ok"
    assert "authorization" not in chat.requests[0].headers

