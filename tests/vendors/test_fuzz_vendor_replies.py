"""No vendor reply can stop a run or pass as agentcheck's own fault.

Hypothesis takes one valid reply of every protocol (Chat Completions and Anthropic, streamed or
not; Responses, stateful and stateless; Gemini; A2A, blocking and streamed; http-agent) and
breaks it: any field replaced by random JSON (every type, unicode with lone surrogates and NUL,
NaN and 1e400, integers of 5000 digits, megabyte strings, nesting past the parser's limit), keys
dropped, the whole body replaced by junk bytes. Each broken reply goes through the real drivers,
over loopback HTTP, inside a real run (runner.execute: trials.jsonl, summary) whose reports are
then written. Every run must end with its summary and reports; every trial must be a normal
scored trial or the vendor's error (never `harness_error`); everything written must be valid
UTF-8 JSON/text. The tool host gets the same treatment for the requests an agent sends it.

Derandomized, no example database: CI sees exactly what a developer sees.
"""

from __future__ import annotations

import asyncio
import copy
import json
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentcheck.core.errors import VendorError
from agentcheck.core.trajectory import TERMINATIONS, Trajectory
from agentcheck.judge.verdict import summarise
from agentcheck.report import write_reports
from agentcheck.results.files import RunFolder, read_trials, write_json
from agentcheck.run.runner import Plan, execute, make_driver, run_one
from agentcheck.scenario.model import Scenario, load_scenario
from agentcheck.scenario.world import World
from agentcheck.vendors.agentloop import HostPool
from agentcheck.vendors.profile import VendorProfile
from agentcheck.vendors.toolhost import ToolHost
from agentcheck.vendors.transport import async_client

from ..fakes.base import CannedServer, Request
from ..helpers.paths import SCENARIOS

REFUND = SCENARIOS / "customer-service" / "refund-damaged-order.yaml"
FUZZ = settings(derandomize=True, database=None, deadline=None, max_examples=20,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example,
                                       HealthCheck.function_scoped_fixture])
"""20 whole runs per harness-loop variant (~50 ms each); a vendor-run agent's run starts and
stops a tool host (~250 ms), so those get 8 (FUZZ_AGENTS). The exhaustive sweep adds ~3,600
trials. The module takes about 30 s."""
FUZZ_AGENTS = settings(FUZZ, max_examples=8)

# ---------------------------------------------------------------------------- hostile values


@dataclass(frozen=True)
class Raw:
    """JSON text spliced in as is: what json.dumps cannot produce (5000-digit integers,
    nesting deeper than the encoder goes, 1e400)."""

    text: str

    def __repr__(self) -> str:  # failure reports stay readable
        return f"Raw({self.text[:40]!r}{'...' if len(self.text) > 40 else ''})"


SPECIAL = [
    "\ud800", "\udfff", "a\ud83db", "\x00", "nul\x00in the middle", "\u2028\u2029", "\ufeff",
    "\u202e\u0301", Raw(json.dumps("x" * 1_000_000)), float("nan"), float("inf"), -0.0,
    2 ** 64, -(2 ** 63),
    True, None, {}, [], "", "{\"email\": ", "[[[", "null",
    Raw("1" * 5000), Raw("1e400"), Raw("-1e400"), Raw("[" * 3000 + "]" * 3000),
    Raw('{"a":' * 900 + "1" + "}" * 900), Raw("[" * 200 + "]" * 200),
]
"""Values that broke parsers, writers or encoders somewhere, once."""


def _texts() -> st.SearchStrategy[str]:
    anything = st.characters(codec=None, exclude_categories=())  # surrogates included
    return st.one_of(st.text(max_size=12), st.text(anything, max_size=12),
                     st.sampled_from([s for s in SPECIAL if isinstance(s, str)]))


SWAPS = [None, True, 0, -1, 1.5, "", "x", [], {}, [None], {"": None}, [[]], "\ud800", "\x00"]
"""The other JSON types, simply: what a parser that assumed one type trips over most often."""


def _values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2 ** 70), 2 ** 70),
                        st.floats(), _texts())
    nested = st.recursive(scalars, lambda kids: st.lists(kids, max_size=4)
                          | st.dictionaries(_texts(), kids, max_size=4), max_leaves=10)
    return st.one_of(st.sampled_from(SWAPS), nested, st.sampled_from(SPECIAL))


def dumps(value: Any) -> str:
    """JSON text with Raw parts spliced in; lone surrogates go out as `\\ud800` escapes, NaN
    and Infinity as the bare words some servers send."""
    raws: list[str] = []

    def mark(v: Any) -> Any:
        if isinstance(v, Raw):
            raws.append(v.text)
            return f"\x01RAW{len(raws) - 1}\x01"
        if isinstance(v, dict):
            return {k: mark(x) for k, x in v.items()}
        if isinstance(v, list):
            return [mark(x) for x in v]
        return v

    text = json.dumps(mark(value))
    for i, raw in enumerate(raws):
        text = text.replace(json.dumps(f"\x01RAW{i}\x01"), raw)
    return text


def paths(value: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a JSON value, the root included."""
    yield at
    items = value.items() if isinstance(value, dict) else (
        enumerate(value) if isinstance(value, list) else ())
    for key, child in items:
        yield from paths(child, (*at, key))


def put(value: Any, path: tuple[Any, ...], new: Any, *, drop: bool = False) -> Any:
    if not path:
        return new
    parent = value
    for key in path[:-1]:
        parent = parent[key]
    if drop:
        del parent[path[-1]]
    else:
        parent[path[-1]] = new
    return value


@st.composite
def broken(draw: st.DrawFn, template: Any) -> Any:
    """`template` with one to five places replaced by hostile values, dropped, or given a
    hostile sibling (an extra list item or key)."""
    value = copy.deepcopy(template)
    for _ in range(draw(st.integers(1, 5))):
        where = draw(st.sampled_from(list(paths(value))))
        how = draw(st.sampled_from(["replace", "replace", "drop", "add"]))
        new = copy.deepcopy(draw(_values()))  # SWAPS' lists and dicts stay as they are
        if how == "add" and where:
            parent = value
            for key in where[:-1]:
                parent = parent[key]
            if isinstance(parent, list):
                parent.insert(draw(st.integers(0, len(parent))), new)
            else:
                parent[draw(_texts())] = new
        else:
            value = put(value, where, new, drop=how == "drop" and bool(where))
    return value


JUNK = st.one_of(st.binary(max_size=64), st.sampled_from([
    b"", b"\xff\xfe\xfa", b"{", b'{"choices": [', b"<html>502</html>", b"\x00" * 16,
    b'"\\ud800"', b"[]", b"null", b"data: [DONE]\n\n", b"event: message_stop\ndata: {}\n\n",
]))
"""Whole bodies that are not the protocol at all."""


# ---------------------------------------------------------------------------- one vendor each


def sse(events: list[tuple[str | None, Any]]) -> bytes:
    """A whole event stream in one body; a Raw event value is sent as the data as it is."""
    out = []
    for name, value in events:
        head = f"event: {name}\n" if name else ""
        data = value.text if isinstance(value, Raw) else dumps(value)
        out.append(f"{head}data: {data}\n\n")
    return "".join(out).encode("utf-8", "surrogatepass")  # an event name may be anything


CALL_ARGS = '{"email": "ada@example.com"}'
CHAT = {"id": "c1", "object": "chat.completion", "model": "m", "choices": [{
    "index": 0, "finish_reason": "tool_calls", "message": {
        "role": "assistant", "content": [{"type": "text", "text": "Looking."}],
        "tool_calls": [{"id": "call_1", "type": "function", "function": {
            "name": "lookup_customer", "arguments": CALL_ARGS}}]}}],
    "usage": {"prompt_tokens": 9, "completion_tokens": 3,
              "prompt_tokens_details": {"cached_tokens": 1}}}
CHAT_CHUNKS = [
    {"choices": [{"index": 0, "delta": {"role": "assistant", "content": "Looking."}}]},
    {"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "id": "call_1",
                                                        "function": {"name": "lookup_customer",
                                                                     "arguments": ""}}]}}]},
    {"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {
        "arguments": CALL_ARGS}}]}, "finish_reason": "tool_calls"}]},
    {"choices": [], "usage": {"prompt_tokens": 9, "completion_tokens": 3}},
]
ANTHROPIC = {"id": "msg_1", "type": "message", "role": "assistant", "model": "m",
             "content": [{"type": "text", "text": "Looking."},
                         {"type": "tool_use", "id": "toolu_1", "name": "lookup_customer",
                          "input": {"email": "ada@example.com"}}],
             "stop_reason": "tool_use",
             "usage": {"input_tokens": 9, "output_tokens": 3, "cache_read_input_tokens": 1}}
ANTHROPIC_EVENTS = [
    {"type": "message_start", "message": {"id": "msg_1", "type": "message", "role": "assistant",
                                          "content": [], "usage": {"input_tokens": 9}}},
    {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
    {"type": "content_block_delta", "index": 0,
     "delta": {"type": "text_delta", "text": "Looking."}},
    {"type": "content_block_stop", "index": 0},
    {"type": "content_block_start", "index": 1, "content_block": {
        "type": "tool_use", "id": "toolu_1", "name": "lookup_customer", "input": {}}},
    {"type": "content_block_delta", "index": 1,
     "delta": {"type": "input_json_delta", "partial_json": CALL_ARGS}},
    {"type": "content_block_stop", "index": 1},
    {"type": "message_delta", "delta": {"stop_reason": "tool_use"},
     "usage": {"output_tokens": 3}},
    {"type": "message_stop"},
]
RESPONSES = {"id": "resp_1", "object": "response", "status": "completed", "output": [
    {"type": "reasoning", "id": "rs_1", "summary": []},
    {"type": "message", "id": "msg_1", "role": "assistant",
     "content": [{"type": "output_text", "text": "Looking."}]},
    {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "lookup_customer",
     "arguments": CALL_ARGS, "status": "completed"}],
    "usage": {"input_tokens": 9, "output_tokens": 3,
              "output_tokens_details": {"reasoning_tokens": 1}}}
GEMINI = {"candidates": [{"content": {"role": "model", "parts": [
    {"text": "Looking."},
    {"functionCall": {"name": "lookup_customer", "args": {"email": "ada@example.com"}},
     "thoughtSignature": "c2ln"}]}, "finishReason": "STOP"}],
    "usageMetadata": {"promptTokenCount": 9, "candidatesTokenCount": 3}}
A2A_CARD = {"name": "agent", "description": "d", "version": "1", "protocolVersion": "0.3.0",
            "url": "/rpc", "preferredTransport": "JSONRPC",
            "capabilities": {"streaming": True}, "skills": []}
A2A_TASK = {"jsonrpc": "2.0", "id": "1", "result": {
    "kind": "task", "id": "t1", "contextId": "c1",
    "status": {"state": "completed", "message": {"role": "agent", "kind": "message",
                                                 "parts": [{"kind": "text", "text": "Done."}]}},
    "artifacts": [{"artifactId": "a1", "parts": [{"kind": "text", "text": "Refunded."},
                                                 {"kind": "data", "data": {"ok": True}}]}],
    "history": [{"role": "agent", "parts": [{"kind": "text", "text": "On it."}]}]}}
A2A_EVENTS = [
    {"jsonrpc": "2.0", "id": "1", "result": {"kind": "task", "id": "t1", "contextId": "c1",
                                             "status": {"state": "working"}}},
    {"jsonrpc": "2.0", "id": "1", "result": {
        "kind": "artifact-update", "taskId": "t1", "contextId": "c1",
        "artifact": {"artifactId": "a1", "parts": [{"kind": "text", "text": "Refunded."}]}}},
    {"jsonrpc": "2.0", "id": "1", "result": {
        "kind": "status-update", "taskId": "t1", "contextId": "c1", "final": True,
        "status": {"state": "completed"}}},
]
HTTP_AGENT = {"conversation": "c1", "answer": ["Refunded", {"order": "ORD-1"}],
              "task": {"id": "t1", "status": "done"}}


def final_answer(protocol: str) -> tuple[str, bytes]:
    """A plain valid final answer (content type, body): what follows a broken reply."""
    body: Any = {
        "openai-chat": {"choices": [{"index": 0, "finish_reason": "stop", "message": {
            "role": "assistant", "content": "Done."}}]},
        "anthropic": {"type": "message", "role": "assistant", "stop_reason": "end_turn",
                      "content": [{"type": "text", "text": "Done."}]},
        "openai-responses": {"id": "resp_2", "status": "completed", "output": [
            {"type": "message", "role": "assistant",
             "content": [{"type": "output_text", "text": "Done."}]}]},
        "gemini": {"candidates": [{"content": {"role": "model", "parts": [{"text": "Done."}]},
                                   "finishReason": "STOP"}]},
        "a2a": A2A_TASK, "http-agent": HTTP_AGENT,
    }[protocol]
    return "application/json", json.dumps(body).encode()


@dataclass
class Variant:
    """One protocol, configured one way, and how its first reply is broken."""

    name: str
    protocol: str
    reply: Callable[[st.DrawFn], tuple[str, bytes]]
    """Draws the broken first reply: (content type, body)."""
    fields: dict[str, Any] = field(default_factory=dict)
    card: bool = False
    """A2A: the agent card may be the broken part instead."""
    template: Any = None
    """The valid reply (a JSON body, or a stream's events) the sweep breaks place by place."""
    stream: tuple[bool, bool] | None = None
    """For a stream: (events are named by their type, the stream ends with [DONE])."""


def json_body(template: Any) -> Callable[[st.DrawFn], tuple[str, bytes]]:
    def draw(d: st.DrawFn) -> tuple[str, bytes]:
        if d(st.integers(0, 9)) == 0:
            return "application/json", d(JUNK)
        return "application/json", dumps(d(broken(template))).encode()

    return draw


def stream_body(events: list[Any], named: bool, done: bool) -> Callable[[st.DrawFn],
                                                                          tuple[str, bytes]]:
    def draw(d: st.DrawFn) -> tuple[str, bytes]:
        stream: list[tuple[str | None, Any]] = [
            (e["type"] if named and isinstance(e.get("type"), str) else None, e)
            for e in copy.deepcopy(events)]
        i = d(st.integers(0, len(stream) - 1))
        how = d(st.integers(0, 9))
        if how == 0:
            stream[i] = (stream[i][0], Raw(d(JUNK).decode("utf-8", "replace")))
        elif how == 1:
            del stream[i]
        else:
            stream[i] = (stream[i][0], d(broken(stream[i][1])))
        if done:
            stream.append((None, Raw("[DONE]")))
        return "text/event-stream", sse(stream)

    return draw


HTTP_AGENT_SETTINGS = {"http": {
    "send": {"url": "{{ base_url }}/chat", "body": {"q": "{{ message }}",
                                                    "c": "{{ session_id }}"}},
    "session_id": "conversation", "task_id": "task.id", "status": "task.status",
    "done": ["done"], "reply": "answer"}}
A2A_FIELDS = {"agent": {"a2a": {"poll_interval_s": 0.01}}}
VARIANTS = [
    Variant("chat", "openai-chat", json_body(CHAT), template=CHAT),
    Variant("chat-stream", "openai-chat", stream_body(CHAT_CHUNKS, False, True),
            {"stream": True}, template=CHAT_CHUNKS, stream=(False, True)),
    Variant("anthropic", "anthropic", json_body(ANTHROPIC), template=ANTHROPIC),
    Variant("anthropic-stream", "anthropic", stream_body(ANTHROPIC_EVENTS, True, False),
            {"stream": True}, template=ANTHROPIC_EVENTS, stream=(True, False)),
    Variant("responses", "openai-responses", json_body(RESPONSES), template=RESPONSES),
    Variant("responses-stateless", "openai-responses", json_body(RESPONSES),
            {"conversation_state": "stateless"}, template=RESPONSES),
    Variant("gemini", "gemini", json_body(GEMINI), template=GEMINI),
    Variant("a2a", "a2a", json_body(A2A_TASK), A2A_FIELDS, card=True, template=A2A_TASK),
    Variant("a2a-stream", "a2a", stream_body(A2A_EVENTS, False, False),
            {"stream": True, **A2A_FIELDS}, template=A2A_EVENTS, stream=(False, False)),
    Variant("http-agent", "http-agent", json_body(HTTP_AGENT), {"agent": HTTP_AGENT_SETTINGS},
            template=HTTP_AGENT),
]


# ---------------------------------------------------------------------------- the run


class Vendor:
    """What the loopback vendor answers in the current example: the broken reply to the first
    model request (or the broken agent card), a plain final answer to every later one."""

    def __init__(self) -> None:
        self.protocol = "openai-chat"
        self.first: tuple[str, bytes] = final_answer("openai-chat")
        self.card: tuple[str, bytes] | None = None
        self.answered = 0

    def __call__(self, req: Request) -> tuple[int, str, bytes]:
        if req.method == "GET":  # the A2A agent card
            if self.card is not None:
                return (200, *self.card)
            return 200, "application/json", json.dumps(A2A_CARD).encode()
        self.answered += 1
        if self.answered == 1:
            return (200, *self.first)
        if self.answered > 20:  # a vendor stuck in a loop: let the trial end
            return 500, "application/json", b'{"error": {"message": "enough"}}'
        return (200, *final_answer(self.protocol))


@pytest.fixture(scope="module")
def vendor() -> Iterator[tuple[CannedServer, Vendor]]:
    behaviour = Vendor()
    server = CannedServer(behaviour)
    server.start()
    try:
        yield server, behaviour
    finally:
        server.stop()
    assert not server.problems, server.problems


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(REFUND)


def profile(variant: Variant, base_url: str) -> VendorProfile:
    return VendorProfile(**{"name": f"fuzz-{variant.name}", "protocol": variant.protocol,
                            "base_url": base_url, "model": "m", "timeout_s": 5.0,
                            "max_retries": 1, "max_retry_wait_s": 0.0, **variant.fields})


def run_and_report(vendor: VendorProfile, scenario: Scenario, out: Path
                   ) -> tuple[dict[str, Any], dict[str, Any]]:
    """A whole run as `agentcheck run` does it: execute, then summary.json and the reports.
    Returns (summary, the one trial record)."""
    plan = Plan([vendor], [scenario], trials=1, seed=7, concurrency=1)
    folder = RunFolder(out)
    folder.prepare(min_free_bytes=0)
    summary = asyncio.run(execute(plan, folder))
    write_json(out / "summary.json", summary)
    write_reports(out, summary, plan.run_json())
    [record] = read_trials(out / "trials.jsonl")
    return summary, record


def assert_written_cleanly(out: Path) -> None:
    """Every file of the run folder: strict UTF-8, no NUL, no replacement of a surrogate by
    `?` (the writers' last resort); the JSON files parse."""
    for name in ("trials.jsonl", "summary.json", "report.md", "report.csv", "report.html"):
        data = (out / name).read_bytes()
        text = data.decode("utf-8")  # strict: raises on anything that is not UTF-8
        assert "\x00" not in text, name
        if name.endswith("json"):
            json.loads(text)
    for line in (out / "trials.jsonl").read_text(encoding="utf-8").splitlines():
        json.loads(line)


def assert_judged(record: dict[str, Any]) -> None:
    """A normal scored trial, or the vendor's own error: never agentcheck's."""
    assert record["termination"] != "harness_error", (
        f"{record['error_cause']}: {record['error_message']}")
    assert record["termination"] in TERMINATIONS
    if record["termination"] == "vendor_error":
        assert record["error_cause"] in VendorError.CAUSES
        assert record["passed"] is False
    assert isinstance(record["score"], float)


HARNESS_LOOP = [v for v in VARIANTS if v.protocol not in ("a2a", "http-agent")]
VENDOR_LOOP = [v for v in VARIANTS if v.protocol in ("a2a", "http-agent")]


@pytest.mark.parametrize("variant", HARNESS_LOOP, ids=[v.name for v in HARNESS_LOOP])
@FUZZ
@given(data=st.data())
def test_no_model_reply_stops_a_run_or_passes_as_agentchecks_fault(
        vendor: tuple[CannedServer, Vendor], scenario: Scenario, variant: Variant,
        data: st.DataObject) -> None:
    fuzz_one_run(vendor, scenario, variant, data)


@pytest.mark.parametrize("variant", VENDOR_LOOP, ids=[v.name for v in VENDOR_LOOP])
@FUZZ_AGENTS
@given(data=st.data())
def test_no_agent_reply_stops_a_run_or_passes_as_agentchecks_fault(
        vendor: tuple[CannedServer, Vendor], scenario: Scenario, variant: Variant,
        data: st.DataObject) -> None:
    fuzz_one_run(vendor, scenario, variant, data)


def fuzz_one_run(vendor: tuple[CannedServer, Vendor], scenario: Scenario, variant: Variant,
                 data: st.DataObject) -> None:
    """One run whose vendor sends a broken first reply (or agent card): it ends with summary
    and reports, its trial is judged (never a harness error), and all it wrote is clean."""
    server, behaviour = vendor
    behaviour.protocol = variant.protocol
    behaviour.answered = 0
    behaviour.card = None
    behaviour.first = final_answer(variant.protocol)
    if variant.card and data.draw(st.booleans(), "break the card"):
        behaviour.card = json_body(A2A_CARD)(data.draw)
    else:
        behaviour.first = variant.reply(data.draw)

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run"
        summary, record = run_and_report(profile(variant, server.base_url), scenario, out)
        assert_judged(record)
        assert [v["name"] for v in summary["vendors"]] == [f"fuzz-{variant.name}"]
        assert_written_cleanly(out)


# ---------------------------------------------------------------------------- every place, any type

SWEEP = [None, True, 0, 1.5, "", "x", [], {}, [None], "\ud800\x00", Raw("1e400"), Raw("1" * 5000)]
"""What each place of a valid reply is swapped for, one place at a time."""
DROP = object()


def single_breaks(template: Any) -> Iterator[Any]:
    """`template` broken in one place: each place (the root too) swapped for each SWEEP value,
    and each key dropped."""
    for where in paths(template):
        for new in [*SWEEP, DROP]:
            drop = new is DROP
            if not (drop and not where):
                yield put(copy.deepcopy(template), where, copy.deepcopy(new), drop=drop)


def sweep_bodies(variant: Variant) -> Iterator[tuple[str, bytes]]:
    if variant.stream is None:
        for body in single_breaks(variant.template):
            yield "application/json", dumps(body).encode()
        return
    named, done = variant.stream
    for i, event in enumerate(variant.template):
        for broken_event in single_breaks(event):
            events = [broken_event if j == i else e for j, e in enumerate(variant.template)]
            stream = [(e["type"] if named and isinstance(e, dict)
                       and isinstance(e.get("type"), str) else None, e) for e in events]
            yield "text/event-stream", sse(stream + ([(None, Raw("[DONE]"))] if done else []))


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_every_place_of_every_reply_swapped_for_every_type(
        vendor: tuple[CannedServer, Vendor], scenario: Scenario, variant: Variant,
        tmp_path: Path) -> None:
    """Exhaustive where the fuzzing samples: every place of the valid reply, one at a time,
    swapped for each other JSON type (or dropped), through run_one and the real driver. Each
    trial is judged, and all of them together make one run that writes its summary and
    reports."""
    server, behaviour = vendor
    bodies = list(sweep_bodies(variant))
    vendor_profile = profile(variant, server.base_url)

    async def run_all() -> list[dict[str, Any]]:
        records = []
        pool = HostPool()
        try:
            async with async_client(timeout_s=5, max_connections=4, trust_env=False) as client:
                for trial, first in enumerate(bodies):
                    behaviour.protocol, behaviour.answered, behaviour.card = \
                        variant.protocol, 0, None
                    behaviour.first = first
                    driver = make_driver(vendor_profile, client)  # an A2A driver caches its card
                    records.append(await run_one(vendor_profile, driver, scenario, trial, 7,
                                                 pool))
        finally:
            await pool.aclose()
        return records

    records = asyncio.run(run_all())
    folder = RunFolder(tmp_path)
    for record in records:
        assert_judged(record)
        folder.append(record)
    folder.close()
    summary = summarise(read_trials(tmp_path / "trials.jsonl"), [vendor_profile.name])
    write_json(tmp_path / "summary.json", summary)
    write_reports(tmp_path, summary, {"vendors": [vendor_profile.public()]})
    assert_written_cleanly(tmp_path)
    assert len(read_trials(tmp_path / "trials.jsonl")) == len(bodies) > 20


# ---------------------------------------------------------------------------- the tool host


REQUESTS = st.one_of(
    st.binary(max_size=128),
    st.builds(lambda v: dumps(v).encode("utf-8", "surrogatepass"), _values()),
    st.builds(lambda v: dumps({"email": v}).encode(), _values()),
)
NAMES = st.one_of(st.sampled_from(["lookup_customer", "refund_order", "nope", "%00", "%ED%A0%80",
                                   "a%2Fb", "x" * 300]), st.text(max_size=10))


@pytest.fixture(scope="module")
def tool_host() -> Iterator[tuple[ToolHost, asyncio.AbstractEventLoop]]:
    """One tool host for every example, on an event loop of its own thread (as in a run, World
    calls happen on the host's loop)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    host = asyncio.run_coroutine_threadsafe(ToolHost().start(), loop).result(10)
    try:
        yield host, loop
    finally:
        asyncio.run_coroutine_threadsafe(host.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


@FUZZ
@given(calls=st.lists(st.tuples(NAMES, REQUESTS), min_size=1, max_size=4))
def test_no_request_to_the_tool_host_crashes_it_or_its_trial(
        tool_host: tuple[ToolHost, asyncio.AbstractEventLoop], scenario: Scenario,
        calls: list[tuple[str, bytes]]) -> None:
    """What an agent sends the hosted tools (any body, any tool name) is answered and
    recorded; the trial's record can always be written whole."""
    host, loop = tool_host
    traj = Trajectory()
    session = asyncio.run_coroutine_threadsafe(host.open(World(scenario, 3), traj),
                                               loop).result(10)
    replies = []
    try:
        with httpx.Client(trust_env=False, timeout=5) as client:
            for name, body in calls:
                replies.append(client.post(f"{session.base_url}/tools/{quote(name, safe='%')}",
                                           content=body,
                                           headers={"content-type": "application/json"}))
    finally:
        loop.call_soon_threadsafe(session.close)

    assert all(r.status_code in (200, 400, 404) for r in replies), replies
    # every call that names a tool is recorded (an unknown one too: its 404 lists the tools)
    routed = [r for r in replies if r.json()["error" if not r.json()["ok"] else "ok"]
              != "not found"]
    assert len([e for e in traj.events if e["type"] == "tool"]) == len(routed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = RunFolder(Path(tmp))
        folder.append({"vendor": "v", "scenario": scenario.id, "trial": 0,
                       "termination": "final_answer", "events": traj.events})
        folder.close()
        [record] = read_trials(Path(tmp) / "trials.jsonl")
        assert record["termination"] == "final_answer"  # written whole, not a fallback stub
        assert record["events"] == json.loads(json.dumps(traj.events))
