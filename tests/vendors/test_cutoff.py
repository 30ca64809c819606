"""Replies cut by the vendor's output limit (issue 15 item 14).

A reply cut by the length limit (Chat Completions `finish_reason: "length"`, Anthropic
`stop_reason: "max_tokens"`, Responses `status: "incomplete"` for `max_output_tokens`, Gemini
`finishReason: "MAX_TOKENS"`) was scored as a final answer. It now ends the trial as `cut_off`
(cause `length`), with the cut marked on the reply's event. A tool call whose arguments were cut
mid-string is answered with a tool error that says so, and the history sent back stays valid
for the protocol (`"{}"` / `{}` instead of the broken text), where it used to be echoed verbatim
and the server refused every later request. The strict loopback servers (tests/fakes/openai_chat.py,
openai_responses.py, gemini.py) refuse an invalid history with a 400, which fails the test.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from agentcheck.core.trajectory import TERMINATIONS
from agentcheck.report import write_reports
from agentcheck.results.files import RunFolder, read_trials
from agentcheck.run.runner import Plan, execute, make_driver, run_one
from agentcheck.scenario.model import Scenario, load_scenario
from agentcheck.vendors.profile import VendorProfile

from ..fakes import checked
from ..fakes import gemini as gm
from ..fakes import openai_chat as vs
from ..fakes import openai_responses as rs
from ..fakes.base import CannedServer, Request
from ..helpers.paths import SCENARIOS

REFUND = SCENARIOS / "customer-service" / "refund-damaged-order.yaml"
CUT_TEXT = "I have refunded your order ORD-"
CUT_ARGS = '{"email": "ada@exam'
"""Arguments cut mid-string, as a length limit leaves them."""


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(REFUND)


def profile(protocol: str, base_url: str, **fields: Any) -> VendorProfile:
    return VendorProfile(**{"name": "cut", "protocol": protocol, "base_url": base_url,
                            "model": "m", "timeout_s": 5.0, "max_retries": 0, **fields})


def trial(vendor: VendorProfile, scenario: Scenario) -> dict[str, Any]:
    async def main() -> dict[str, Any]:
        async with httpx.AsyncClient(trust_env=False, timeout=5) as client:
            return await run_one(vendor, make_driver(vendor, client), scenario, 0, 7)

    return asyncio.run(main())


def assistant_events(record: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in record["events"] if e["type"] == "assistant"]


def tool_errors(record: dict[str, Any]) -> list[str]:
    return [e["error"] for e in record["events"] if e["type"] == "tool" and not e["ok"]]


class Canned:
    """POST replies in turn (the last repeats): a JSON body, or an event stream."""

    def __init__(self, *bodies: bytes) -> None:
        self.bodies = bodies
        self.posts: list[Request] = []

    def __call__(self, req: Request) -> tuple[int, str, bytes]:
        self.posts.append(req)
        body = self.bodies[min(len(self.posts), len(self.bodies)) - 1]
        kind = "application/json" if body.startswith(b"{") else "text/event-stream"
        return 200, kind, body


@pytest.fixture
def canned() -> Iterator[list[CannedServer]]:
    servers: list[CannedServer] = []
    yield servers
    for server in servers:
        server.stop()
        assert not server.problems, server.problems


def serve(servers: list[CannedServer], answer: Canned) -> CannedServer:
    servers.append(CannedServer(answer).start())
    return servers[-1]


def sse(*events: tuple[str | None, Any]) -> bytes:
    return "".join((f"event: {name}\n" if name else "") + f"data: {json.dumps(data)}\n\n"
                   for name, data in events).encode()


def chat_chunk(delta: dict[str, Any], finish: str | None = None) -> tuple[None, Any]:
    return None, {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


def anthropic_events(blocks: list[tuple[dict[str, Any], str]], stop: str) -> bytes:
    """A streamed message: each block started, its one delta (text or partial JSON), stopped."""
    events: list[tuple[str | None, Any]] = [("message_start", {
        "type": "message_start", "message": {"id": "msg_1", "type": "message",
                                             "role": "assistant", "content": [],
                                             "usage": {"input_tokens": 9}}})]
    for i, (block, piece) in enumerate(blocks):
        kind = "input_json_delta" if block["type"] == "tool_use" else "text_delta"
        key = "partial_json" if kind == "input_json_delta" else "text"
        events += [("content_block_start", {"type": "content_block_start", "index": i,
                                            "content_block": block}),
                   ("content_block_delta", {"type": "content_block_delta", "index": i,
                                            "delta": {"type": kind, key: piece}}),
                   ("content_block_stop", {"type": "content_block_stop", "index": i})]
    events += [("message_delta", {"type": "message_delta", "delta": {"stop_reason": stop},
                                  "usage": {"output_tokens": 4096}}),
               ("message_stop", {"type": "message_stop"})]
    return sse(*events)


def anthropic_message(content: list[dict[str, Any]], stop: str) -> bytes:
    return json.dumps({"id": "msg_1", "type": "message", "role": "assistant", "model": "m",
                       "content": content, "stop_reason": stop,
                       "usage": {"input_tokens": 9, "output_tokens": 4096}}).encode()


DONE_ANTHROPIC = anthropic_message([{"type": "text", "text": "Done."}], "end_turn")


# ---------------------------------------------------------------------------- cut text


def assert_cut_off(record: dict[str, Any], reason: str) -> None:
    assert "cut_off" in TERMINATIONS
    assert (record["termination"], record["error_cause"]) == ("cut_off", "length")
    assert "output limit" in record["error_message"] and reason in record["error_message"]
    last = assistant_events(record)[-1]
    assert last["cut_off"] == reason and last["text"].startswith("I have refunded")
    assert record["passed"] is False
    end = record["events"][-1]
    assert (end["type"], end["termination"]) == ("end", "cut_off")


def test_chat_cut_text_is_not_a_final_answer(scenario: Scenario) -> None:
    with vs.serving() as server:
        server.script(vs.answer(CUT_TEXT, finish_reason="length"))
        record = trial(profile("openai-chat", server.base_url), scenario)
    assert_cut_off(record, "length")


def test_chat_streamed_cut_text_is_not_a_final_answer(
        canned: list[CannedServer], scenario: Scenario) -> None:
    body = sse(chat_chunk({"role": "assistant", "content": CUT_TEXT}),
               chat_chunk({}, "length")) + b"data: [DONE]\n\n"
    server = serve(canned, Canned(body))

    assert_cut_off(trial(profile("openai-chat", server.base_url, stream=True), scenario),
                   "length")


@pytest.mark.parametrize("stream", [False, True], ids=["whole", "streamed"])
@pytest.mark.parametrize("stop", ["max_tokens", "model_context_window_exceeded"])
def test_anthropic_cut_text_is_not_a_final_answer(
        canned: list[CannedServer], scenario: Scenario, stream: bool, stop: str) -> None:
    block = {"type": "text", "text": ""}
    body = anthropic_events([(block, CUT_TEXT)], stop) if stream else anthropic_message(
        [{"type": "text", "text": CUT_TEXT}], stop)
    server = serve(canned, Canned(body))

    assert_cut_off(trial(profile("anthropic", server.base_url, stream=stream), scenario), stop)


def test_responses_incomplete_for_max_output_tokens_is_not_a_final_answer(
        scenario: Scenario) -> None:
    with checked.serving(rs.ResponsesServer()) as server:
        server.script(rs.respond([rs.message(CUT_TEXT)], status="incomplete",
                                 incomplete="max_output_tokens"))
        record = trial(profile("openai-responses", server.base_url), scenario)
    assert_cut_off(record, "max_output_tokens")


def test_responses_incomplete_for_another_reason_is_not_cut_off(scenario: Scenario) -> None:
    """Only the length limit is a cut: a content filter's partial answer is judged as is."""
    with checked.serving(rs.ResponsesServer()) as server:
        server.script(rs.respond([rs.message("I cannot help with that.")], status="incomplete",
                                 incomplete="content_filter"))
        record = trial(profile("openai-responses", server.base_url), scenario)
    assert record["termination"] != "cut_off"
    assert "cut_off" not in assistant_events(record)[-1]


def test_gemini_max_tokens_is_not_a_final_answer(scenario: Scenario) -> None:
    with checked.serving(gm.GeminiServer()) as server:
        server.script(gm.generate([gm.text(CUT_TEXT)], finish="MAX_TOKENS"))
        record = trial(profile("gemini", server.base_url), scenario)
    assert_cut_off(record, "MAX_TOKENS")


def test_a_whole_reply_is_a_final_answer(scenario: Scenario) -> None:
    """The control: the same text, ended by the model, is judged as its answer."""
    with vs.serving() as server:
        server.script(vs.answer(CUT_TEXT, finish_reason="stop"))
        record = trial(profile("openai-chat", server.base_url), scenario)
    assert record["termination"] != "cut_off"
    assert "cut_off" not in assistant_events(record)[-1]


# ---------------------------------------------------------------------------- cut tool calls


def assert_cut_call_answered(record: dict[str, Any], reason: str) -> None:
    """The cut call is the vendor's invalid call, answered with why; the trial went on to the
    vendor's next reply (its final answer)."""
    [error] = tool_errors(record)
    assert "not valid JSON" in error or "JSON object" in error
    assert f"cut off by the vendor's output limit: {reason}" in error
    first, last = assistant_events(record)[0], assistant_events(record)[-1]
    assert first["cut_off"] == reason and first["tool_calls"] == ["lookup_customer"]
    assert last["text"] == "Done." and record["termination"] != "cut_off"
    assert record["invalid_calls"] == 1


def test_chat_cut_arguments_are_answered_and_sent_back_as_an_empty_object(
        scenario: Scenario) -> None:
    with vs.serving() as server:
        server.script(vs.call_tools(vs.tool_call("lookup_customer", CUT_ARGS, call_id="c1"),
                                    finish_reason="length"), vs.answer("Done."))
        record = trial(profile("openai-chat", server.base_url), scenario)
        second = server.requests[1].json["messages"]
    assert_cut_call_answered(record, "length")
    [echo] = [m for m in second if m["role"] == "assistant"]
    assert echo["tool_calls"][0]["function"]["arguments"] == "{}"
    [result] = [m for m in second if m["role"] == "tool"]
    assert result["tool_call_id"] == "c1" and "cut off" in result["content"]


def test_chat_streamed_cut_arguments_are_sent_back_as_an_empty_object(
        canned: list[CannedServer], scenario: Scenario) -> None:
    body = sse(chat_chunk({"role": "assistant", "tool_calls": [{
        "index": 0, "id": "c1", "type": "function",
        "function": {"name": "lookup_customer", "arguments": CUT_ARGS[:9]}}]}),
        chat_chunk({"tool_calls": [{"index": 0, "function": {"arguments": CUT_ARGS[9:]}}]}),
        chat_chunk({}, "length")) + b"data: [DONE]\n\n"
    done = sse(chat_chunk({"content": "Done."}, "stop")) + b"data: [DONE]\n\n"
    answers = Canned(body, done)
    server = serve(canned, answers)

    record = trial(profile("openai-chat", server.base_url, stream=True), scenario)

    assert_cut_call_answered(record, "length")
    echo = answers.posts[1].json["messages"][2]
    assert echo["tool_calls"][0]["function"]["arguments"] == "{}"


@pytest.mark.parametrize("stream", [False, True], ids=["whole", "streamed"])
def test_anthropic_cut_input_is_sent_back_as_an_empty_object(
        canned: list[CannedServer], scenario: Scenario, stream: bool) -> None:
    """Streamed, the input arrives as partial JSON the limit cut; whole, a compatible server
    may send the broken text as `input` itself. Either way the echo carries an object."""
    block = {"type": "tool_use", "id": "toolu_1", "name": "lookup_customer", "input": {}}
    if stream:
        body = anthropic_events([(block, CUT_ARGS)], "max_tokens")
    else:
        body = anthropic_message([{**block, "input": CUT_ARGS}], "max_tokens")
    answers = Canned(body, DONE_ANTHROPIC)
    server = serve(canned, answers)

    record = trial(profile("anthropic", server.base_url, stream=stream), scenario)

    assert_cut_call_answered(record, "max_tokens")
    messages = json.loads(answers.posts[1].body)["messages"]
    assert messages[1]["content"] == [{**block, "input": {}}]
    [result] = messages[2]["content"]
    assert result["tool_use_id"] == "toolu_1" and result["is_error"] is True


@pytest.mark.parametrize("state", ["stateful", "stateless"])
def test_responses_cut_arguments_go_back_in_a_form_the_api_accepts(
        scenario: Scenario, state: str) -> None:
    """Stateless, the whole history goes back: the ResponsesServer refuses a function_call
    whose arguments are not a JSON object, and checks every other item comes back unchanged."""
    with checked.serving(rs.ResponsesServer()) as server:
        server.script(rs.respond([rs.fcall("lookup_customer", CUT_ARGS, call_id="call_1")],
                                 status="incomplete", incomplete="max_output_tokens"),
                      rs.answer("Done."))
        record = trial(profile("openai-responses", server.base_url,
                               conversation_state=state), scenario)
        second = server.requests[1].json["input"]
    assert_cut_call_answered(record, "max_output_tokens")
    output = [i for i in second if i.get("type") == "function_call_output"]
    assert output[0]["call_id"] == "call_1" and "cut off" in output[0]["output"]
    if state == "stateless":
        [call] = [i for i in second if i.get("type") == "function_call"]
        assert call["arguments"] == "{}"


def test_gemini_arguments_that_are_not_an_object_go_back_as_one(scenario: Scenario) -> None:
    """Gemini sends `args` as an object; a cut one that arrives as text cannot be echoed (the
    GeminiServer refuses a non-object `args`, as the API does)."""
    cut = {"functionCall": {"name": "lookup_customer", "args": CUT_ARGS}}
    with checked.serving(gm.GeminiServer()) as server:
        server.script(gm.generate([cut], finish="MAX_TOKENS", strict=False),
                      gm.generate([gm.text("Done.")]))
        record = trial(profile("gemini", server.base_url), scenario)
        second = server.requests[1].json["contents"]
    [error] = tool_errors(record)
    assert "cut off by the vendor's output limit: MAX_TOKENS" in error
    assert second[1]["parts"][0]["functionCall"] == {"name": "lookup_customer", "args": {}}
    assert record["termination"] != "cut_off"


def test_arguments_that_stop_early_are_suspected_cut_without_a_length_signal(
        scenario: Scenario) -> None:
    """Some compatible servers say `stop` for a cut reply: text that ends before its JSON does
    is still answered with the likely reason."""
    with vs.serving() as server:
        server.script(vs.call_tools(vs.tool_call("lookup_customer", CUT_ARGS),
                                    finish_reason="stop"), vs.answer("Done."))
        record = trial(profile("openai-chat", server.base_url), scenario)
    [error] = tool_errors(record)
    assert "(cut off by the output limit?)" in error
    assert "cut_off" not in assistant_events(record)[0]


def test_a_cut_reply_with_whole_calls_runs_them_and_goes_on(scenario: Scenario) -> None:
    """A reply cut after complete calls: the calls run (they are the vendor's work); only the
    event records the cut."""
    with vs.serving() as server:
        server.script(vs.call_tools(vs.tool_call("lookup_customer", '{"email": "x@y.z"}'),
                                    finish_reason="length"), vs.answer("Done."))
        record = trial(profile("openai-chat", server.base_url), scenario)
    assert tool_errors(record) == ["no customer with that email"]
    assert assistant_events(record)[0]["cut_off"] == "length"
    assert record["termination"] != "cut_off"


# ---------------------------------------------------------------------------- in a run


def test_a_cut_off_trial_is_counted_and_reported(scenario: Scenario, tmp_path: Path) -> None:
    with vs.serving() as server:
        server.fallback = vs.answer(CUT_TEXT, finish_reason="length")
        vendor = profile("openai-chat", server.base_url)
        plan = Plan([vendor], [scenario], trials=2)
        summary = asyncio.run(execute(plan, RunFolder(tmp_path)))
    write_reports(tmp_path, summary, plan.run_json())

    assert {r["termination"] for r in read_trials(tmp_path / "trials.jsonl")} == {"cut_off"}
    [verdict] = summary["vendors"]
    assert verdict["terminations"] == {"cut_off": 2} and verdict["completion_rate"] == 0
    failed = (tmp_path / "report.md").read_text(encoding="utf-8").split("Failed trials:")[1]
    assert "cut off" in failed.split("\n\n")[1] or "cut\\_off" in failed.split("\n\n")[1]
