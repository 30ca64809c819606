"""Anthropic Messages API: POST {base_url}/messages, base_url like https://api.anthropic.com/v1.

What it sends: `x-api-key` and `anthropic-version` headers, `max_tokens` always (the API
requires it), the system prompt as the top-level `system` field, tools as `input_schema`, and
every tool result of a turn in ONE user message whose content starts with the `tool_result`
blocks (`is_error: true` for failed calls). The assistant's content goes back exactly as
received, thinking and redacted_thinking blocks with their signatures included, and blocks of
types this driver does not know (server tools, future types) too.

What it reads: text and tool_use blocks (tool calls are decided by the presence of tool_use
blocks, not by stop_reason), the stop_reason (`pause_turn` is continued by re-sending; `refusal`
becomes a final answer marked as such; `max_tokens` and `model_context_window_exceeded` mark
the turn as cut off), and usage, where cache reads and cache writes are input tokens of their
own: input = input_tokens + cache_read + cache_creation, cached = cache_read. With `stream: true`
the same message is assembled from server-sent events. A tool_use whose input did not parse goes
back with `input: {}`, the object the API requires.
"""

from __future__ import annotations

from typing import Any

from agentcheck.core.errors import VendorError
from agentcheck.core.redaction import snippet
from agentcheck.core.usage import Usage
from agentcheck.vendors.http import HttpClient
from agentcheck.vendors.profile import VendorProfile
from agentcheck.vendors.protocols import base
from agentcheck.vendors.protocols.base import (
    ModelTurn,
    Session,
    ToolCall,
    ToolResult,
    parse_arguments,
)
from agentcheck.vendors.protocols.harness import HarnessDriver
from agentcheck.vendors.wire import SseEvent, vendor_json

DEFAULT_VERSION = "2023-06-01"
DEFAULT_MAX_TOKENS = 4096
MAX_CONTINUATIONS = 8
"""pause_turn continuations within one step before the vendor is judged stuck."""

CUT_OFF = ("max_tokens", "model_context_window_exceeded")
"""Stop reasons that mean a length limit ended the reply."""
STREAM_ERRORS = {"overloaded_error": "server_error", "api_error": "server_error",
                 "rate_limit_error": "rate_limited", "timeout_error": "timeout",
                 "authentication_error": "auth", "permission_error": "auth"}


def usage_from(data: Any) -> Usage:
    num = base.token_count
    read = num(data, "cache_read_input_tokens")
    written = num(data, "cache_creation_input_tokens")
    details = data.get("output_tokens_details") if isinstance(data, dict) else None
    return Usage(input_tokens=num(data, "input_tokens") + read + written, cached_tokens=read,
                 cache_write_tokens=written, output_tokens=num(data, "output_tokens"),
                 reasoning_tokens=num(details, "thinking_tokens"))


class MessageStream:
    """Assembles a streamed Message: message_start, then per block content_block_start /
    content_block_delta (text_delta, input_json_delta, thinking_delta, signature_delta,
    citations_delta) / content_block_stop, then message_delta (stop_reason, cumulative usage)
    and message_stop, the end marker. `ping` and unknown events are skipped; an `error` event
    ends the step with a VendorError."""

    def __init__(self, vendor: str) -> None:
        self.vendor = vendor
        self.message: dict[str, Any] = {}
        self.blocks: dict[int, dict[str, Any]] = {}
        self.partial: dict[int, list[str]] = {}
        self.inputs: dict[int, tuple[str, str | None]] = {}
        """Block index -> (raw input JSON, parse error) for tool_use blocks."""
        self.usage: dict[str, Any] = {}
        self.ttft_s: float | None = None

    def feed(self, event: SseEvent) -> bool:
        with base.malformed(self.vendor, "a stream event"):
            return self._feed(event)

    def _feed(self, event: SseEvent) -> bool:
        if not event.data.strip():
            return False
        try:
            data = vendor_json(event.data)
        except (ValueError, RecursionError):
            raise VendorError("malformed", f"{self.vendor}: a stream event is not JSON: "
                              f"{snippet(event.data, 120)!r}") from None
        if not isinstance(data, dict):
            raise VendorError("malformed", f"{self.vendor}: a stream event is not an object")
        kind = data.get("type") or event.event
        if kind == "error":
            err: dict[str, Any] = data["error"] if isinstance(data.get("error"), dict) else {}
            etype = str(err.get("type") or "error")
            raise VendorError(STREAM_ERRORS.get(etype, "protocol"),
                              f"{self.vendor}: error event mid-stream: {etype}: "
                              f"{snippet(str(err.get('message') or ''), 200)}")
        if kind == "message_start":
            message = data.get("message")
            if not isinstance(message, dict):
                raise VendorError("malformed", f"{self.vendor}: message_start has no message")
            self.message = dict(message)
            self._usage(message.get("usage"))
        elif kind == "content_block_start":
            index, block = data.get("index"), data.get("content_block")
            if not isinstance(index, int) or not isinstance(block, dict):
                raise VendorError("malformed", f"{self.vendor}: bad content_block_start")
            self.blocks[index] = dict(block)
            if block.get("type") not in ("text", "thinking"):  # e.g. tool_use: a name came
                self._token(event)
        elif kind == "content_block_delta":
            self._delta(data, event)
        elif kind == "content_block_stop":
            index = data.get("index")
            if isinstance(index, int) and index in self.partial:
                self._finish_input(index)
        elif kind == "message_delta":
            delta = data.get("delta")
            if isinstance(delta, dict):
                for key in ("stop_reason", "stop_sequence"):
                    if key in delta:
                        self.message[key] = delta[key]
            self._usage(data.get("usage"))
        elif kind == "message_stop":
            return True
        return False  # ping and event types added after this driver was written

    def _token(self, event: SseEvent) -> None:
        if self.ttft_s is None:
            self.ttft_s = event.elapsed_s

    def _usage(self, usage: Any) -> None:
        if isinstance(usage, dict):  # message_delta usage is cumulative: latest value wins
            self.usage.update({k: v for k, v in usage.items() if v is not None})

    def _delta(self, data: dict[str, Any], event: SseEvent) -> None:
        index, delta = data.get("index"), data.get("delta")
        block = self.blocks.get(index) if isinstance(index, int) else None
        if block is None or not isinstance(delta, dict):
            raise VendorError("malformed", f"{self.vendor}: content_block_delta for block "
                              f"{index!r}, which never started")
        assert isinstance(index, int)
        kind = delta.get("type")
        if kind == "text_delta" and isinstance(delta.get("text"), str):
            block["text"] = str(block.get("text") or "") + delta["text"]
        elif kind == "input_json_delta" and isinstance(delta.get("partial_json"), str):
            self.partial.setdefault(index, []).append(delta["partial_json"])
        elif kind == "thinking_delta" and isinstance(delta.get("thinking"), str):
            block["thinking"] = str(block.get("thinking") or "") + delta["thinking"]
        elif kind == "signature_delta" and isinstance(delta.get("signature"), str):
            block["signature"] = str(block.get("signature") or "") + delta["signature"]
        elif kind == "citations_delta" and "citation" in delta:
            block["citations"] = [*(block.get("citations") or []), delta["citation"]]
        else:
            return
        self._token(event)

    def _finish_input(self, index: int) -> None:
        raw = "".join(self.partial.pop(index))
        block = self.blocks[index]
        if not raw.strip():  # no deltas: the input from content_block_start stands
            return
        value, raw, error = parse_arguments(raw)
        # the echo must carry an object; the broken text is kept for the tool call
        block["input"] = value if error is None else {}
        self.inputs[index] = (raw, error)

    def result(self) -> dict[str, Any]:
        for index in list(self.partial):  # a tool_use block whose stop never came
            self._finish_input(index)
        message = dict(self.message)
        message["content"] = [self.blocks[i] for i in sorted(self.blocks)]
        message["usage"] = self.usage
        return message


class AnthropicSession(Session):
    def __init__(self, driver: AnthropicDriver, system: str, tools: list[dict[str, Any]]
                 ) -> None:
        self.driver = driver
        self.system = system
        self.messages: list[dict[str, Any]] = []
        self.tools = [{"name": t["name"], "description": t["description"],
                       "input_schema": t["parameters"]} for t in tools]
        self._ids = base.CallIds("toolu_ac")

    def add_user(self, text: str) -> None:
        last = self.messages[-1] if self.messages else None
        if last is not None and last["role"] == "user":  # e.g. after an empty assistant reply
            content = last["content"]
            if isinstance(content, str):
                content = [{"type": "text", "text": content}]
            last["content"] = [*content, {"type": "text", "text": text}]
        else:
            self.messages.append({"role": "user", "content": text})

    def add_tool_results(self, results: list[ToolResult]) -> None:
        blocks: list[dict[str, Any]] = []
        for r in results:
            block: dict[str, Any] = {"type": "tool_result", "tool_use_id": r.call.id}
            if r.content:
                block["content"] = r.content
            if r.is_error:
                block["is_error"] = True
            blocks.append(block)
        last = self.messages[-1] if self.messages else None
        if last is not None and last["role"] == "user":  # results must come first
            content = last["content"]
            if isinstance(content, str):
                content = [{"type": "text", "text": content}]
            last["content"] = [*blocks, *content]
        else:
            self.messages.append({"role": "user", "content": blocks})

    async def step(self) -> ModelTurn:
        total: ModelTurn | None = None
        continuing = False
        for _ in range(MAX_CONTINUATIONS + 1):
            content, turn = await self._call()
            if content:
                if continuing:  # the continuation extends the paused assistant turn
                    self.messages[-1]["content"].extend(content)
                else:
                    self.messages.append({"role": "assistant", "content": content})
                    continuing = True
            if total is None:
                total = turn
            else:
                total.text += turn.text
                total.tool_calls += turn.tool_calls
                total.usage.add(turn.usage)
                total.latency_s += turn.latency_s
                total.finish_reason = turn.finish_reason
                total.cut_off = turn.cut_off
            if turn.finish_reason != "pause_turn":
                return total
            # pause_turn: a long server-side turn was paused; re-send to let it continue
        raise VendorError("protocol", f"{self.driver.profile.name}: the turn was still paused "
                          f"after {MAX_CONTINUATIONS} continuations")

    async def _call(self) -> tuple[list[dict[str, Any]], ModelTurn]:
        profile = self.driver.profile
        body: dict[str, Any] = {**profile.params, "model": profile.model,
                                "max_tokens": profile.max_tokens
                                or profile.params.get("max_tokens") or DEFAULT_MAX_TOKENS,
                                "messages": self.messages}
        if self.system:
            body["system"] = self.system
        if self.tools:
            body["tools"] = self.tools
        http, url, headers = self.driver.http, self.driver.url, self.driver.headers
        stream: MessageStream | None = None
        if not profile.stream:
            reply = await http.post_json(url, body, headers)
        else:
            body["stream"] = True
            stream = MessageStream(profile.name)
            reply = await http.post_sse(url, body, headers, stream.feed)
        with base.malformed(profile.name):
            if stream is None or reply.data is not None:  # not streamed, or stream ignored
                content, turn = self._parse(reply.data)
            else:
                content, turn = self._parse(stream.result(), stream.inputs)
                turn.ttft_s = stream.ttft_s
        turn.latency_s = reply.latency_s
        return content, turn

    def _parse(self, data: Any, streamed: dict[int, tuple[str, str | None]] | None = None
               ) -> tuple[list[dict[str, Any]], ModelTurn]:
        """(the content to send back, the neutral turn)."""
        vendor = self.driver.profile.name
        if isinstance(data, dict) and data.get("type") == "error":
            raise VendorError("protocol", f"{vendor}: error in a 200 reply: "
                              f"{snippet(str(data.get('error')), 200)}")
        content = data.get("content") if isinstance(data, dict) else None
        if not isinstance(data, dict) or not isinstance(content, list):
            raise VendorError("malformed", f"{vendor}: reply has no content list")
        stop = data.get("stop_reason")
        stop = stop if isinstance(stop, str) else None
        texts: list[str] = []
        calls: list[ToolCall] = []
        echo: list[dict[str, Any]] = []
        ids = self._used_ids()
        for i, block in enumerate(content):
            if not isinstance(block, dict):
                raise VendorError("malformed", f"{vendor}: content[{i}] is not a block")
            kind = block.get("type")
            if kind == "text":
                text = block.get("text")
                if isinstance(text, str) and text:
                    texts.append(text)
                    echo.append(block)  # an empty text block would be rejected if sent back
                continue
            if kind != "tool_use":
                echo.append(block)  # thinking, redacted_thinking, server tools, unknown types
                continue
            if stop == "refusal":
                continue  # a refused turn's partial call is neither run nor sent back
            name = block.get("name")
            if not isinstance(name, str) or not name:
                raise VendorError("malformed", f"{vendor}: a tool_use block has no name")
            call_id = self._ids.usable(block.get("id"), ids)
            if call_id != block.get("id"):
                block = {**block, "id": call_id}
            ids.add(call_id)
            if streamed is not None and i in streamed:
                raw, error = streamed[i]
                args = block.get("input") if error is None else None
            else:
                args, raw, error = parse_arguments(block.get("input"))
                if error is not None or not isinstance(block.get("input"), dict):
                    block = {**block, "input": args if error is None else {}}  # an object
            calls.append(ToolCall(call_id, name, args, raw, error))
            echo.append(block)
        return echo, base.explain_cut(ModelTurn(
            text="".join(texts), tool_calls=calls, usage=usage_from(data.get("usage")),
            finish_reason=stop, cut_off=stop in CUT_OFF,
            served_model=base.served_model(data.get("model"), self.driver.profile.model)))

    def _used_ids(self) -> set[str]:
        """tool_use ids already in the conversation: the API wants them unique in a request,
        so a compatible server that reuses one gets it renamed (and answered by the new id)."""
        return {b["id"] for m in self.messages if m["role"] == "assistant"
                for b in m["content"] if isinstance(b, dict) and b.get("type") == "tool_use"
                and isinstance(b.get("id"), str)}


class AnthropicDriver(HarnessDriver):
    def __init__(self, profile: VendorProfile, http: HttpClient) -> None:
        super().__init__(profile, http)
        auth, _ = base.key_auth(profile, "x-api-key")
        self.url = base.endpoint(profile.base_url, "/messages")
        self.headers = {"content-type": "application/json",
                        "anthropic-version": profile.api_version or DEFAULT_VERSION,
                        **{k.lower(): v for k, v in profile.headers.items()}, **auth}

    def session(self, system: str, tools: list[dict[str, Any]]) -> Session:
        return AnthropicSession(self, system, tools)
