"""What a vendor sends that the driver cannot use is the vendor's malformed reply, never
agentcheck's harness error; and no vendor string can stop a run.

A harness error is dropped from every rate, so a vendor able to cause one on the tasks it would
fail could choose which of its trials count. The class is closed where vendor data is read:
`protocols.base.malformed` turns anything reading it trips over into VendorError("malformed"),
while agentcheck's own bugs elsewhere stay harness errors. Vendor strings are cleaned where they
enter (http.vendor_json: lone surrogates and NUL become U+FFFD, NaN/Infinity/1e400 become null),
and the writers cannot fail on any string. tests/vendors/test_fuzz_vendor_replies.py throws
everything at every protocol; these are the cases named in the issue and the rules behind them.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from agentcheck.core.errors import VendorError
from agentcheck.core.text import clean_text
from agentcheck.core.trajectory import Trajectory
from agentcheck.results.files import RunFolder, read_trials, record_line, write_text
from agentcheck.run.runner import Plan, execute, make_driver, run_one
from agentcheck.scenario.model import Scenario, load_scenario
from agentcheck.scenario.world import World
from agentcheck.vendors.agentloop import HostPool
from agentcheck.vendors.profile import VendorProfile
from agentcheck.vendors.protocols import anthropic, gemini, openai_chat, openai_responses
from agentcheck.vendors.protocols.base import ModelTurn, Session, ToolResult, parse_arguments
from agentcheck.vendors.toolhost import ToolHost
from agentcheck.vendors.toolopenapi import read_arguments
from agentcheck.vendors.wire import vendor_json

from ..fakes.base import CannedServer, Request
from ..helpers.paths import ROOT, SCENARIOS

REFUND = SCENARIOS / "customer-service" / "refund-damaged-order.yaml"
T = TypeVar("T")


class Replies:
    """A loopback vendor that answers POSTs with `bodies` in turn (the last one repeats) and
    GETs with `card`; every request is kept."""

    def __init__(self, *bodies: Any, content_type: str = "application/json",
                 card: Any = None) -> None:
        self.bodies = [b if isinstance(b, bytes) else json.dumps(b).encode() for b in bodies]
        self.content_type = content_type
        self.card = card
        self.posts: list[Request] = []

    def __call__(self, req: Request) -> tuple[int, str, bytes]:
        if req.method == "GET":
            return 200, "application/json", json.dumps(self.card).encode()
        self.posts.append(req)
        body = self.bodies[min(len(self.posts), len(self.bodies)) - 1]
        return 200, self.content_type, body


@pytest.fixture
def serve() -> Iterator[Callable[[Replies], CannedServer]]:
    servers: list[CannedServer] = []

    def start(replies: Replies) -> CannedServer:
        servers.append(CannedServer(replies).start())
        return servers[-1]

    yield start
    for server in servers:
        server.stop()
        assert not server.problems, server.problems


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(REFUND)


def profile(protocol: str, base_url: str, **fields: Any) -> VendorProfile:
    return VendorProfile(**{"name": "vendor", "protocol": protocol, "base_url": base_url,
                            "model": "m", "timeout_s": 5.0, "max_retries": 0, **fields})


def converse(vendor: VendorProfile, fn: Callable[[Session], Awaitable[T]]) -> T:
    async def main() -> T:
        async with httpx.AsyncClient(trust_env=False, timeout=5) as client:
            session = make_driver(vendor, client).session("Be brief.", [
                {"name": "refund", "description": "Refund an order.",
                 "parameters": {"type": "object", "properties": {"id": {"type": "string"}}}}])
            session.add_user("Refund A1.")
            return await fn(session)

    return asyncio.run(main())


def step(vendor: VendorProfile) -> ModelTurn:
    return converse(vendor, lambda s: s.step())


def trial(vendor: VendorProfile, scenario: Scenario) -> dict[str, Any]:
    """One trial through run_one, as the runner runs it."""

    async def main() -> dict[str, Any]:
        pool = HostPool()
        try:
            async with httpx.AsyncClient(trust_env=False, timeout=5) as client:
                return await run_one(vendor, make_driver(vendor, client), scenario, 0, 7, pool)
        finally:
            await pool.aclose()

    return asyncio.run(main())


def chat(content: Any = "Done.", **message: Any) -> dict[str, Any]:
    return {"choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content, **message}}]}


def strict_json(body: bytes) -> Any:
    """A request body as a strict JSON parser reads it: UTF-8, no NaN or Infinity."""
    def refuse(word: str) -> Any:
        raise ValueError(f"{word} is not JSON")

    return json.loads(body.decode("utf-8"), parse_constant=refuse)


# ---------------------------------------------------------------------------- the known sites


@pytest.mark.parametrize("stream", [False, True], ids=["whole", "streamed"])
@pytest.mark.parametrize("parts", [
    [{"type": "text", "text": None}],
    [{"type": "text", "text": 42}],
    [{"type": "text", "text": "Refunded"}, {"type": "text"}],
    [7],
    {"text": "Refunded"},
], ids=["null", "number", "missing", "not-a-part", "not-a-list"])
def test_content_text_that_is_not_a_string_is_malformed(
        serve: Callable[[Replies], CannedServer], stream: bool, parts: Any) -> None:
    """The issue's case: `"text": null` (or a number) in a content part raised TypeError, a
    harness error the vendor could choose to cause. It is the vendor's malformed reply."""
    if stream:
        chunk = {"choices": [{"index": 0, "delta": {"content": parts}, "finish_reason": "stop"}]}
        body = f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n".encode()
        server = serve(Replies(body, content_type="text/event-stream"))
    else:
        server = serve(Replies(chat(parts)))

    with pytest.raises(VendorError) as info:
        step(profile("openai-chat", server.base_url, stream=stream))

    assert info.value.cause == "malformed" and "content" in str(info.value)


def test_content_parts_of_text_are_joined_and_other_kinds_skipped(
        serve: Callable[[Replies], CannedServer]) -> None:
    server = serve(Replies(chat([{"type": "text", "text": "Refunded "},
                                 {"type": "image_url", "image_url": {"url": "x"}},
                                 {"text": "A1"}])))

    assert step(profile("openai-chat", server.base_url)).text == "Refunded A1"


@pytest.mark.parametrize(("protocol", "module", "fields"), [
    ("openai-chat", openai_chat, {}),
    ("openai-chat", openai_chat, {"stream": True}),
    ("anthropic", anthropic, {}),
    ("openai-responses", openai_responses, {}),
    ("gemini", gemini, {}),
], ids=["chat", "chat-stream", "anthropic", "responses", "gemini"])
@pytest.mark.parametrize("error", [TypeError, KeyError, IndexError, AttributeError,
                                   RecursionError, OverflowError, UnicodeError])
def test_whatever_reading_a_reply_trips_over_is_the_vendors_malformed_reply(
        serve: Callable[[Replies], CannedServer], monkeypatch: pytest.MonkeyPatch,
        protocol: str, module: Any, fields: dict[str, Any], error: type[Exception]) -> None:
    """Not a list of known shapes: any exception raised while a reply is read (here from
    reading its usage, which every protocol does) is the vendor's malformed reply."""
    def trips(data: Any) -> Any:
        raise error("unexpected shape")

    monkeypatch.setattr(module, "usage_from", trips)
    bodies = {"openai-chat": chat(), "openai-responses": {"id": "r", "status": "completed",
                                                          "output": []},
              "anthropic": {"type": "message", "content": [{"type": "text", "text": "Hi"}]},
              "gemini": {"candidates": [{"content": {"parts": [{"text": "Hi"}]}}]}}
    if fields.get("stream"):
        chunk = {"choices": [{"index": 0, "delta": {"content": "Hi"}}], "usage": {}}
        server = serve(Replies(f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n".encode(),
                               content_type="text/event-stream"))
    else:
        server = serve(Replies(bodies[protocol]))

    with pytest.raises(VendorError) as info:
        step(profile(protocol, server.base_url, **fields))

    assert info.value.cause == "malformed"
    assert error.__name__ in str(info.value) and "vendor" in str(info.value)


def test_a_stream_chunk_of_an_unexpected_shape_is_malformed(
        serve: Callable[[Replies], CannedServer], monkeypatch: pytest.MonkeyPatch) -> None:
    def trips(self: Any, delta: Any) -> bool:
        raise AttributeError("no such thing")

    monkeypatch.setattr(openai_chat.ChatStream, "_delta", trips)
    chunk = {"choices": [{"index": 0, "delta": {"content": "Hi"}}]}
    server = serve(Replies(f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n".encode(),
                           content_type="text/event-stream"))

    with pytest.raises(VendorError) as info:
        step(profile("openai-chat", server.base_url, stream=True))

    assert info.value.cause == "malformed" and "stream chunk" in str(info.value)


def test_agentchecks_own_bug_outside_parsing_stays_a_harness_error(
        serve: Callable[[Replies], CannedServer], monkeypatch: pytest.MonkeyPatch,
        scenario: Scenario) -> None:
    """The wrapping is narrow: a TypeError in the World (agentcheck's code) is not blamed on
    the vendor."""
    def broken_call(self: World, name: str, args: Any) -> Any:
        raise TypeError("a bug in agentcheck")

    monkeypatch.setattr(World, "call", broken_call)
    call = {"id": "c1", "type": "function",
            "function": {"name": "lookup_customer", "arguments": '{"email": "a@b.c"}'}}
    server = serve(Replies(chat(None, tool_calls=[call]), chat("Done.")))

    record = trial(profile("openai-chat", server.base_url), scenario)

    assert (record["termination"], record["error_cause"]) == ("harness_error", "TypeError")


@pytest.mark.parametrize(("protocol", "fields", "card", "reply"), [
    ("a2a", {}, {"name": "a", "url": "/rpc", "supportedInterfaces": 5}, None),
    ("a2a", {}, {"name": "a", "url": "/rpc"},
     {"jsonrpc": "2.0", "id": "1", "result": {"kind": "task", "id": "t", "artifacts": 7,
                                              "status": {"state": "completed"}}}),
    ("http-agent", {"agent": {"http": {"send": {"url": "{{ base_url }}/chat"},
                                       "reply": "length(answer)"}}}, None, {"answer": 5}),
], ids=["a2a-card", "a2a-task", "http-agent-selector"])
def test_an_agent_reply_that_cannot_be_read_is_the_vendors_malformed_reply(
        serve: Callable[[Replies], CannedServer], scenario: Scenario, protocol: str,
        fields: dict[str, Any], card: Any, reply: Any) -> None:
    """Vendor-run agents too: these raised TypeError (iterating a number) and JMESPath's type
    error, which ended the trial as agentcheck's fault."""
    server = serve(Replies(reply or {}, card=card))

    record = trial(profile(protocol, server.base_url, **fields), scenario)

    assert (record["termination"], record["error_cause"]) == ("vendor_error", "malformed")
    assert record["passed"] is False


def test_a_malformed_reply_is_a_scored_failure_not_a_dropped_trial(
        serve: Callable[[Replies], CannedServer], scenario: Scenario, tmp_path: Path) -> None:
    server = serve(Replies(chat(None, tool_calls=[{"id": "c1", "function": {"name": 7}}])))
    vendor = profile("openai-chat", server.base_url)

    summary = asyncio.run(execute(Plan([vendor], [scenario], trials=2), RunFolder(tmp_path)))

    [verdict] = summary["vendors"]
    assert verdict["terminations"] == {"vendor_error": 2}
    assert verdict["errors"] == {"malformed": 2}


# ---------------------------------------------------------------------------- vendor strings


def test_vendor_json_makes_every_string_and_number_keepable() -> None:
    data = vendor_json('{"a\\ud800": ["x\\udfff\\u0000y", NaN, -Infinity, 1e400, 2.5, '
                       '"\\ud83d\\ude00"], "b": "\\ud800"}')

    assert data == {"a\ufffd": ["x\ufffd\ufffdy", None, None, None, 2.5, "\U0001f600"],
                    "b": "\ufffd"}
    assert vendor_json('"\\ud800"') == "\ufffd"  # a bare string is replaced, not changed
    assert clean_text("fine\ttext\n") == "fine\ttext\n"
    json.dumps(data, ensure_ascii=False).encode("utf-8")  # what httpx does with the echo


def test_a_lone_surrogate_in_a_reply_is_kept_visible_and_sent_back_valid(
        serve: Callable[[Replies], CannedServer]) -> None:
    """The issue's case: "\\ud800" in reply text crashed the writer (and, echoed, our own next
    request). It becomes U+FFFD, and the history the vendor gets back is valid UTF-8 JSON."""
    replies = Replies(b'{"choices": [{"index": 0, "message": {"role": "assistant", '
                      b'"content": "ok \\ud800 \\u0000"}, "finish_reason": "stop"}]}', chat())
    server = serve(replies)

    async def two_turns(session: Session) -> ModelTurn:
        first = await session.step()
        session.add_user("And?")
        await session.step()
        return first

    first = converse(profile("openai-chat", server.base_url), two_turns)

    assert first.text == "ok \ufffd \ufffd"
    echoed = strict_json(replies.posts[1].body)["messages"][2]
    assert echoed == {"role": "assistant", "content": "ok \ufffd \ufffd"}


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1e400"])
def test_non_finite_numbers_in_tool_input_go_back_as_null(
        serve: Callable[[Replies], CannedServer], value: str) -> None:
    """Echoed as read, NaN made our own next request invalid JSON (httpx refuses to send it)."""
    replies = Replies(
        ('{"type": "message", "stop_reason": "tool_use", "content": [{"type": "tool_use", '
         f'"id": "t1", "name": "refund", "input": {{"id": "A1", "amount": {value}}}}}]}}'
         ).encode(),
        {"type": "message", "content": [{"type": "text", "text": "Done."}]})
    server = serve(replies)

    async def round_trip(session: Session) -> ModelTurn:
        first = await session.step()
        session.add_tool_results([ToolResult(c, "ok", False) for c in first.tool_calls])
        return await session.step()

    assert converse(profile("anthropic", server.base_url), round_trip).text == "Done."
    sent = strict_json(replies.posts[1].body)["messages"][1]["content"][0]["input"]
    assert sent == {"id": "A1", "amount": None}


def test_arguments_nested_absurdly_deep_are_the_calls_error_not_the_runs() -> None:
    deep = '{"a": ' * 900 + "1" + "}" * 900

    args, raw, error = parse_arguments(deep)
    assert args is None and error == "arguments are nested too deeply" and raw == deep
    args, raw, error = parse_arguments(json.loads('{"a": ' * 200 + "1" + "}" * 200))
    assert args is None and error is not None and len(raw) < 100
    assert parse_arguments('{"n": ' + "9" * 5000 + "}")[2] is not None  # int too long to read
    assert read_arguments(deep.encode())[1] == "arguments are nested too deeply"


def test_tool_host_requests_are_read_as_vendor_data(scenario: Scenario) -> None:
    """An agent's request body with a lone surrogate or NUL is recorded cleaned, so the trial's
    record can be written; a body that is not JSON is the call's error, answered 400."""
    traj = Trajectory()

    async def main() -> list[httpx.Response]:
        async with ToolHost() as host:
            session = await host.open(World(scenario, 3), traj)
            async with httpx.AsyncClient(trust_env=False) as client:
                url = f"{session.base_url}/tools/lookup_customer"
                return [await client.post(url, content=body) for body in
                        (b'{"email": "\\ud800@x.\\u0000"}', b"\xff{", b'"\\ud800"')]

    replies = asyncio.run(main())

    assert [r.status_code for r in replies] == [200, 400, 200]
    args = [e["args"] for e in traj.events if e["type"] == "tool"]
    assert args[0] == {"email": "\ufffd@x.\ufffd"} and args[2] == "\ufffd"
    assert "\ufffd{" in args[1]
    json.dumps(traj.events, ensure_ascii=False).encode("utf-8")


# ---------------------------------------------------------------------------- the writers


def test_writers_cannot_fail_on_any_string(tmp_path: Path) -> None:
    write_text(tmp_path / "r.md", "a\ud800b")
    assert (tmp_path / "r.md").read_text(encoding="utf-8") == "a?b"

    folder = RunFolder(tmp_path)
    folder.append({"vendor": "v", "scenario": "s", "trial": 0, "termination": "final_answer",
                   "final_answer": "x\udfff"})
    folder.close()
    [record] = read_trials(tmp_path / "trials.jsonl")
    assert record["final_answer"] == "x?"


def test_a_record_that_cannot_be_serialised_becomes_a_harness_error_line() -> None:
    record = {"vendor": "v", "scenario": "s", "trial": 3, "seed": 1, "events": [{1, 2}]}

    line = json.loads(record_line(record))

    assert (line["vendor"], line["scenario"], line["trial"]) == ("v", "s", 3)
    assert line["termination"] == "harness_error"
    assert line["error_cause"] == "RecordNotWritable" and "set" in line["error_message"]


def test_a_record_that_cannot_be_appended_does_not_stop_the_run(
        serve: Callable[[Replies], CannedServer], scenario: Scenario, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk for one line: that trial is lost (resume runs it again), the others are
    written, and the run ends with its summary."""
    server = serve(Replies(chat("Done.")))
    append = RunFolder.append
    seen: list[dict[str, Any]] = []

    def full_once(self: RunFolder, record: dict[str, Any]) -> None:
        if record["trial"] == 1:
            raise OSError(28, "No space left on device")
        append(self, record)

    monkeypatch.setattr(RunFolder, "append", full_once)
    plan = Plan([profile("openai-chat", server.base_url)], [scenario], trials=3)

    summary = asyncio.run(execute(plan, RunFolder(tmp_path), lambda e: seen.append(e["record"])))

    assert sorted(r["trial"] for r in read_trials(tmp_path / "trials.jsonl")) == [0, 2]
    assert summary["vendors"][0]["trials"] == 2
    lost = next(r for r in seen if r["trial"] == 1)
    assert (lost["termination"], lost["error_cause"]) == ("harness_error", "RecordNotWritten")
    assert "No space left" in lost["error_message"]


def test_a_run_against_a_vendor_sending_surrogates_and_nul_ends_with_reports(
        serve: Callable[[Replies], CannedServer], tmp_path: Path) -> None:
    """`agentcheck run` end to end, as the issue reproduced it: exit 0, summary and every
    report written as valid UTF-8."""
    server = serve(Replies(b'{"choices": [{"index": 0, "message": {"role": "assistant", '
                           b'"content": "I refunded it \\ud800\\u0000."}}]}'))
    vendor = tmp_path / "v.yaml"
    vendor.write_text(f"name: surrogate\nprotocol: openai-chat\nbase_url: {server.base_url}\n"
                      "model: m\n")
    out = tmp_path / "run"

    res = subprocess.run([sys.executable, "-m", "agentcheck.cli", "run", "--vendor", str(vendor),
                          "--scenarios", str(REFUND), "--out", str(out), "--quiet"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)

    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    for name in ("summary.json", "report.md", "report.csv", "report.html", "trials.jsonl"):
        text = (out / name).read_bytes().decode("utf-8")
        assert "\x00" not in text
    [record] = read_trials(out / "trials.jsonl")
    assert record["termination"] == "final_answer"
    assert record["final_answer"] == "I refunded it \ufffd\ufffd."


def test_a_record_nested_too_deep_by_the_vendor_is_its_malformed_reply() -> None:
    deep: Any = "x"
    for _ in range(100_000):
        deep = [deep]
    record = {"vendor": "v", "scenario": "s", "trial": 3, "events": [{"args": deep}],
              "cost_usd": 0.5}
    line = json.loads(record_line(record))
    assert (line["termination"], line["error_cause"]) == ("vendor_error", "malformed")
    assert line["cost_usd"] == 0.5 and not line["passed"]


def test_line_separators_in_vendor_text_are_escaped_so_one_trial_is_one_line() -> None:
    line = record_line({"vendor": "v", "final_answer": "a\u2028b\u2029c\x85d"})
    assert len(line.splitlines()) == 1
    assert json.loads(line)["final_answer"] == "a\u2028b\u2029c\x85d"
