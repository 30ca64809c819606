"""A fake Anthropic Messages API (`POST /v1/messages`) on loopback, JSON and streamed, and its
referee.

`AnthropicServer` rejects what the real API rejects (auth and version headers first, then the
body: required fields, tool_result pairing and position, thinking blocks that were not sent back
unchanged...) with the API's error body. Replies: `reply(message(...))` (a Message as JSON, or as
an event stream when the request asked for one: cut, stalled, without message_stop or with an
error event on demand), `error`, `delay`, `raw_json`; `agent(scenarios)` plays the reference
solution. `referee(server)`: the official anthropic SDK re-checks every Message and stream event
the server sent, every error body, and every request body and message the driver sent.

The last section drives the Anthropic driver against this fake the way the runner does (used by
test_anthropic and test_streaming).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from anthropic.types import ErrorResponse, Message, MessageParam, RawMessageStreamEvent, ToolParam
from anthropic.types.message_create_params import (
    MessageCreateParamsNonStreaming,
    MessageCreateParamsStreaming,
)
from pydantic import TypeAdapter

from agentcheck.scenario.model import Scenario
from agentcheck.vendors.profile import VendorProfile
from agentcheck.vendors.protocols.base import ModelTurn, ToolResult

from ..helpers import driving
from ..helpers.brains import Brain, anthropic_history
from ..helpers.driving import SYSTEM, TOOLS, USER
from .base import drain, judge, serving
from .checked import Exchange, Loopback, Request

KEY_ENV = "AGENTCHECK_TEST_ANTHROPIC_KEY"
KEY = "sk-ant-loopback-0123456789SECRET"

_ids = itertools.count(1)

Req = Request
Behaviour = Callable[[Exchange], None]


# =========================================================================== Anthropic server


REQUEST_KEYS = (MessageCreateParamsStreaming.__required_keys__
                | MessageCreateParamsStreaming.__optional_keys__)
TOOL_KEYS = ToolParam.__required_keys__ | ToolParam.__optional_keys__
TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
TOOL_ID = re.compile(r"^[a-zA-Z0-9_-]+$")
VERSIONS = {"2023-06-01", "2023-01-01"}
CLIENT_BLOCKS = {"text", "image", "document", "search_result", "tool_use", "tool_result"}
"""Block types a client may write; any other block must be one the API itself produced."""
BLOCK_KEYS = {
    "text": {"type", "text", "cache_control", "citations"},
    "tool_use": {"type", "id", "name", "input", "cache_control", "caller"},
    "tool_result": {"type", "tool_use_id", "content", "is_error", "cache_control"},
}


def canonical(block: Any) -> str:
    return json.dumps(block, sort_keys=True)


def _check_block(i: int, j: int, role: str, b: Any, issued: set[str]) -> str | None:
    where = f"messages.{i}.content.{j}"
    if not isinstance(b, dict) or not isinstance(b.get("type"), str):
        return f"{where}.type: Field required"
    kind = b["type"]
    if kind in BLOCK_KEYS:
        extra = sorted(set(b) - BLOCK_KEYS[kind])
        if extra:
            return f"{where}.{kind}.{extra[0]}: Extra inputs are not permitted"
    if kind == "text":
        if not isinstance(b.get("text"), str):
            return f"{where}.text.text: Field required"
        if not b["text"]:
            return "messages: text content blocks must be non-empty"
    elif kind == "tool_use":
        if role != "assistant":
            return f"{where}: tool_use blocks can only be in assistant messages"
        if not isinstance(b.get("id"), str) or not TOOL_ID.match(b["id"]):
            return f"{where}.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'"
        if not isinstance(b.get("name"), str) or not b["name"]:
            return f"{where}.tool_use.name: Field required"
        if not isinstance(b.get("input"), dict):
            return f"{where}.tool_use.input: Input should be a valid dictionary"
    elif kind == "tool_result":
        if role != "user":
            return f"{where}: tool_result blocks can only be in user messages"
        if not isinstance(b.get("tool_use_id"), str):
            return f"{where}.tool_result.tool_use_id: Field required"
        content = b.get("content", "")
        if not isinstance(content, (str, list)) or (isinstance(content, list) and any(
                not isinstance(p, dict) or p.get("type") != "text"
                or not isinstance(p.get("text"), str) for p in content)):
            return f"{where}.tool_result.content: Input should be a valid string or list"
        if "is_error" in b and not isinstance(b["is_error"], bool):
            return f"{where}.tool_result.is_error: Input should be a valid boolean"
    elif kind in CLIENT_BLOCKS:
        if role != "user":
            return f"{where}: {kind} blocks can only be in user messages"
    elif role != "assistant" or canonical(b) not in issued:
        if kind == "thinking":
            return f"{where}: Invalid `signature` in `thinking` block"
        if kind == "redacted_thinking":
            return f"{where}: Invalid `data` in `redacted_thinking` block"
        return (f"{where}: Input tag '{kind}' found using 'type' does not match any of the "
                "expected tags, or the block was modified")
    return None


def _check_tools(tools: Any) -> str | None:
    if not isinstance(tools, list):
        return "tools: Input should be a valid list"
    names: set[str] = set()
    for k, tool in enumerate(tools):
        if not isinstance(tool, dict):
            return f"tools.{k}: Input should be a valid dictionary"
        extra = sorted(set(tool) - TOOL_KEYS)
        if extra:
            return f"tools.{k}.custom.{extra[0]}: Extra inputs are not permitted"
        if tool.get("type", "custom") != "custom":
            return f"tools.{k}.type: Input tag '{tool['type']}' does not match"
        name = tool.get("name")
        if not isinstance(name, str) or not TOOL_NAME.match(name):
            return f"tools.{k}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{{1,64}}$'"
        if name in names:
            return "tools: Tool names must be unique."
        names.add(name)
        schema = tool.get("input_schema")
        if not isinstance(schema, dict):
            return f"tools.{k}.custom.input_schema: Field required"
        if schema.get("type") != "object":
            return f"tools.{k}.custom.input_schema.type: Input should be 'object'"
    return None


def check_messages_request(body: Any, issued: set[str] | None = None) -> str | None:
    """What the real API answers with 400 invalid_request_error for this body, else None."""
    issued = issued or set()
    if not isinstance(body, dict):
        return "Input should be a valid dictionary"
    for key in body:
        if key not in REQUEST_KEYS:
            return f"{key}: Extra inputs are not permitted"
    for key in ("model", "max_tokens", "messages"):
        if key not in body:
            return f"{key}: Field required"
    if not isinstance(body["model"], str) or not body["model"]:
        return "model: Input should be a valid string"
    mt = body["max_tokens"]
    if not isinstance(mt, int) or isinstance(mt, bool) or mt < 1:
        return "max_tokens: Input should be greater than or equal to 1"
    if "stream" in body and not isinstance(body["stream"], bool):
        return "stream: Input should be a valid boolean"
    system = body.get("system", "")
    if not isinstance(system, (str, list)) or (isinstance(system, list) and any(
            not isinstance(b, dict) or b.get("type") != "text" or not b.get("text")
            for b in system)):
        return "system: Input should be a valid string or a list of text blocks"
    if "tools" in body:
        bad = _check_tools(body["tools"])
        if bad:
            return bad
    messages = body["messages"]
    if not isinstance(messages, list):
        return "messages: Input should be a valid list"
    if not messages:
        return "messages: at least one message is required"
    merged: list[tuple[int, str, list[dict[str, Any]]]] = []
    for i, m in enumerate(messages):
        if not isinstance(m, dict):
            return f"messages.{i}: Input should be a valid dictionary"
        extra = sorted(set(m) - {"role", "content"})
        if extra:
            return f"messages.{i}.{extra[0]}: Extra inputs are not permitted"
        role = m.get("role")
        if role not in ("user", "assistant"):
            return f"messages.{i}.role: Input should be 'user' or 'assistant'"
        if "content" not in m:
            return f"messages.{i}.content: Field required"
        content = m["content"]
        final_assistant = role == "assistant" and i == len(messages) - 1
        if isinstance(content, str):
            blocks = [{"type": "text", "text": content}] if content else []
        elif isinstance(content, list):
            for j, b in enumerate(content):
                bad = _check_block(i, j, role, b, issued)
                if bad:
                    return bad
            blocks = content
        else:
            return f"messages.{i}.content: Input should be a valid string or list"
        if not blocks and not final_assistant:
            return (f"messages.{i}: all messages must have non-empty content except for the "
                    "optional final assistant message")
        if merged and merged[-1][1] == role:  # consecutive same-role turns are combined
            merged[-1][2].extend(blocks)
        else:
            merged.append((i, role, list(blocks)))
    if merged[0][1] != "user":
        return 'messages: first message must use the "user" role'
    seen: set[str] = set()
    for i, role, blocks in merged:
        for b in blocks:
            if role == "assistant" and b.get("type") == "tool_use":
                if b["id"] in seen:
                    return f"messages.{i}: `tool_use` ids must be unique: {b['id']}"
                seen.add(b["id"])
    for k, (i, role, blocks) in enumerate(merged):
        prev = merged[k - 1] if k else None
        asked = [b["id"] for b in (prev[2] if prev and prev[1] == "assistant" else [])
                 if b.get("type") == "tool_use"]
        if role == "assistant":
            if k == len(merged) - 1 and any(b.get("type") == "tool_use" for b in blocks):
                ids = [b["id"] for b in blocks if b.get("type") == "tool_use"]
                return (f"messages.{i}: `tool_use` ids were found without `tool_result` blocks "
                        f"immediately after: {', '.join(ids)}. Each `tool_use` block must have a "
                        "corresponding `tool_result` block in the next message.")
            continue
        lead = 0
        while lead < len(blocks) and blocks[lead].get("type") == "tool_result":
            lead += 1
        answered: set[str] = set()
        for j, b in enumerate(blocks[:lead]):
            if b["tool_use_id"] not in asked:
                return (f"messages.{i}.content.{j}: unexpected `tool_use_id` found in "
                        f"`tool_result` blocks: {b['tool_use_id']}. Each `tool_result` block "
                        "must have a corresponding `tool_use` block in the previous message.")
            if b["tool_use_id"] in answered:
                return (f"messages.{i}.content.{j}: each tool_use must have a single result. "
                        f"Found multiple `tool_result` blocks with id: {b['tool_use_id']}")
            answered.add(b["tool_use_id"])
        missing = [x for x in asked if x not in answered]
        if missing and prev is not None:
            return (f"messages.{prev[0]}: `tool_use` ids were found without `tool_result` blocks "
                    f"immediately after: {', '.join(missing)}. Each `tool_use` block must have a "
                    "corresponding `tool_result` block in the next message.")
        for j, b in enumerate(blocks[lead:], start=lead):
            if b.get("type") == "tool_result":
                return (f"messages.{i}.content.{j}: `tool_result` blocks must come first in the "
                        "user message content, before any other block")
    return None


class AnthropicServer(Loopback):
    path = "/v1/messages"

    def __init__(self, api_key: str | None = KEY) -> None:
        super().__init__(api_key)
        self.issued: set[str] = set()
        """Every block of a type only the API produces, as sent: it must come back unchanged."""

    def issue(self, message: dict[str, Any]) -> None:
        with self._lock:
            self.issued.update(canonical(b) for b in message.get("content", [])
                               if isinstance(b, dict) and b.get("type") not in CLIENT_BLOCKS)

    def error_body(self, type_: str, message: str) -> Any:
        return {"type": "error", "error": {"type": type_, "message": message},
                "request_id": f"req_{next(_ids):08d}"}

    def check(self, req: Req) -> tuple[int, str, str] | None:
        if req.method != "POST" or req.path.split("?")[0] != self.path:
            return 404, "not_found_error", "Not Found"
        if self.api_key is not None:
            given = req.headers.get("x-api-key")
            if not given:
                return 401, "authentication_error", "x-api-key header is required"
            if given != self.api_key:
                return 401, "authentication_error", "invalid x-api-key"
        version = req.headers.get("anthropic-version")
        if not version:
            return 400, "invalid_request_error", "anthropic-version: header is required"
        if version not in VERSIONS:
            return 400, "invalid_request_error", f"anthropic-version: invalid value {version!r}"
        if not req.parse_ok:
            return 400, "invalid_request_error", "There was an error parsing the body as JSON"
        with self._lock:
            issued = set(self.issued)
        bad = check_messages_request(req.json, issued)
        return None if bad is None else (400, "invalid_request_error", bad)


# --------------------------------------------------------------------------- behaviours


def usage_body(inp: int = 20, out: int = 8, *, read: int | None = None,
               created: int | None = None) -> dict[str, Any]:
    usage: dict[str, Any] = {"input_tokens": inp, "output_tokens": out}
    if read is not None:
        usage["cache_read_input_tokens"] = read
    if created is not None:
        usage["cache_creation_input_tokens"] = created
    return usage


def text(t: str) -> dict[str, Any]:
    return {"type": "text", "text": t}


def tool_use(name: str, input_: Any, call_id: str | None = "auto") -> dict[str, Any]:
    block: dict[str, Any] = {"type": "tool_use", "id": f"toolu_{next(_ids):06d}"
                             if call_id == "auto" else call_id, "name": name, "input": input_}
    if call_id is None:
        del block["id"]
    return block


def thinking(t: str, signature: str) -> dict[str, Any]:
    return {"type": "thinking", "thinking": t, "signature": signature}


def message(*content: dict[str, Any], stop: str | None = None, usage: dict[str, Any] | None = None,
            model: str = "claude-test", **extra: Any) -> dict[str, Any]:
    calls = any(b.get("type") == "tool_use" for b in content)
    return {"id": f"msg_{next(_ids):06d}", "type": "message", "role": "assistant",
            "model": model, "content": list(content),
            "stop_reason": stop or ("tool_use" if calls else "end_turn"),
            "stop_sequence": None, "usage": usage or usage_body(), **extra}


def _pieces(s: str, n: int) -> list[str]:
    return [s[i:i + n] for i in range(0, len(s), n)] or [""]


def stream_events(msg: dict[str, Any], piece: int = 3) -> list[tuple[str, dict[str, Any]]]:
    """A Message as the streaming endpoint sends it, text and JSON split into small pieces."""
    usage = msg["usage"]
    start = {**msg, "content": [], "stop_reason": None, "stop_sequence": None,
             "usage": {**usage, "output_tokens": 1}}
    events: list[tuple[str, dict[str, Any]]] = [
        ("message_start", {"type": "message_start", "message": start}),
        ("ping", {"type": "ping"})]
    for i, block in enumerate(msg["content"]):
        kind = block["type"]
        deltas: list[dict[str, Any]] = []
        if kind == "text":
            first = {**block, "text": ""}
            deltas = [{"type": "text_delta", "text": p} for p in _pieces(block["text"], piece)]
        elif kind == "tool_use":
            first = {**block, "input": {}}
            deltas = [{"type": "input_json_delta", "partial_json": p}
                      for p in _pieces(json.dumps(block["input"]), piece)]
        elif kind == "thinking":
            first = {**block, "thinking": "", "signature": ""}
            deltas = [{"type": "thinking_delta", "thinking": p}
                      for p in _pieces(block["thinking"], piece)]
            deltas.append({"type": "signature_delta", "signature": block["signature"]})
        else:
            first = block
        events.append(("content_block_start",
                       {"type": "content_block_start", "index": i, "content_block": first}))
        events += [("content_block_delta", {"type": "content_block_delta", "index": i,
                                             "delta": d}) for d in deltas]
        events.append(("content_block_stop", {"type": "content_block_stop", "index": i}))
    events.append(("message_delta", {
        "type": "message_delta",
        "delta": {"stop_reason": msg["stop_reason"], "stop_sequence": msg["stop_sequence"]},
        "usage": {k: v for k, v in usage.items() if k != "input_tokens"}}))
    events.append(("message_stop", {"type": "message_stop"}))
    return events


def reply(msg: dict[str, Any] | Callable[[Req], dict[str, Any]], *, strict: bool = True,
          piece: int = 3, before_content_s: float = 0.0, cut_after: int | None = None,
          omit_stop: bool = False, error_at: int | None = None,
          headers: dict[str, str] | None = None) -> Behaviour:
    """Answer with a Message: as JSON, or as an event stream when the request asked for one.
    Streams can wait before the first content event, be cut (connection dropped) after N
    events, end without message_stop, or carry an `error` event at position N."""

    def run(ex: Exchange) -> None:
        body = msg(ex.req) if callable(msg) else msg
        assert isinstance(ex.server, AnthropicServer)
        ex.server.issue(body)
        if not ex.req.stream:
            ex.send_json(200, body, headers, kind="message", strict=strict)
            return
        ex.start_sse(headers)
        for n, (name, event) in enumerate(stream_events(body, piece)):
            if n == cut_after:
                ex.abort()
                return
            if n == error_at:
                ex.event("error", {"type": "error", "error": {
                    "type": "overloaded_error", "message": "Overloaded"}}, kind="error")
                ex.end_chunks()
                return
            if name == "message_stop" and omit_stop:
                break
            if name == "content_block_start" and before_content_s and ex.wait(before_content_s):
                return
            ex.event(name, event, strict=strict)
        ex.end_chunks()

    return run


def error(status: int, type_: str, message_: str = "Something went wrong.",
          headers: dict[str, str] | None = None) -> Behaviour:
    def run(ex: Exchange) -> None:
        ex.send_json(status, ex.server.error_body(type_, message_), headers, kind="error")

    return run


def delay(seconds: float, then: Behaviour) -> Behaviour:
    def run(ex: Exchange) -> None:
        if ex.wait(seconds):
            ex.abort()
            return
        then(ex)

    return run


def raw_json(value: Any, status: int = 200) -> Behaviour:
    def run(ex: Exchange) -> None:
        ex.send_json(status, value, kind="raw")

    return run


# --------------------------------------------------------------------------- a competent agent


def agent(scenarios: list[Scenario]) -> Callable[[Req], dict[str, Any]]:
    """Plays the scenario's reference solution (tests/helpers/brains.py), like demo-agent does over
    Chat Completions."""
    brain = Brain(scenarios)

    def respond(req: Req) -> dict[str, Any]:
        body = req.json
        move = brain.move("competent", {t["name"] for t in body.get("tools") or []},
                          anthropic_history(body["messages"]))
        if move.calls:
            return message(text("Let me look that up."),
                           *(tool_use(name, args) for name, args in move.calls))
        return message(text(move.text))

    return respond


CHATBOT = ("I've processed your refund; it has been issued to your card and you will receive a "
           "confirmation email shortly.")


# =========================================================================== referee


SDK_EVENT: TypeAdapter[Any] = TypeAdapter(RawMessageStreamEvent)
SDK_MESSAGE_PARAM: TypeAdapter[Any] = TypeAdapter(MessageParam)
SDK_REQUEST: TypeAdapter[Any] = TypeAdapter(MessageCreateParamsNonStreaming)
SDK_STREAM_REQUEST: TypeAdapter[Any] = TypeAdapter(MessageCreateParamsStreaming)


def sdk_check_request(body: dict[str, Any]) -> None:
    drain((SDK_STREAM_REQUEST if body.get("stream") else SDK_REQUEST).validate_python(body))
    for m in body["messages"]:
        drain(SDK_MESSAGE_PARAM.validate_python(m))


def sdk_check_sent(kind: str, value: Any) -> None:
    if kind == "message":
        Message.model_validate(value)
    elif kind == "event":
        if value.get("type") == "ping":
            assert value == {"type": "ping"}
        else:
            SDK_EVENT.validate_python(value)
    elif kind == "error":
        ErrorResponse.model_validate(value)


def referee(server: AnthropicServer) -> None:
    """The SDK's verdict on everything that crossed the wire in one test."""
    for r in server.requests:
        if r.rejected is None and server.referee_requests and isinstance(r.json, dict):
            sdk_check_request(r.json)
        for kind, value, strict in r.sent:
            judge(lambda v, k=kind: sdk_check_sent(k, v), value, strict)


@contextlib.contextmanager
def anthropic_serving(api_key: str | None = KEY) -> Iterator[AnthropicServer]:
    with serving(AnthropicServer(api_key), referee) as server:
        yield server


# =========================================================================== driving against it


def profile_for(server: Loopback, **over: Any) -> VendorProfile:
    return driving.profile("anthropic", server.base_url, KEY_ENV,
                           **{"name": "claude-loop", "model": "claude-test", **over})


# the client the runner uses (AGENTCHECK_TRANSPORT picks aiohttp's pool or httpx's)
talk = driving.Conversation(SYSTEM, USER, TOOLS, runner_client=True)
converse, one_step, step_fails = talk.converse, talk.one_step, talk.step_fails


def answer_all(turn: ModelTurn, *, errors: tuple[str, ...] = ()) -> list[ToolResult]:
    return [ToolResult(c, f'{{"ok": true, "id": "{c.id}"}}' if c.name not in errors
                       else "order service timed out", c.name in errors)
            for c in turn.tool_calls]


def round_trip(profile: VendorProfile, *, errors: tuple[str, ...] = ()
               ) -> tuple[ModelTurn, ModelTurn]:
    return talk.round_trip(profile, lambda turn: answer_all(turn, errors=errors))
