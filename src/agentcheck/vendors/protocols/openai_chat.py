"""OpenAI Chat Completions and every compatible server (vLLM, Ollama, llama.cpp, gateways).

Compatible servers bend the format; this driver accepts `arguments` as a string, an object or an
empty string, invents ids that are missing, and decides "tool call or answer" from the presence of
`tool_calls`, never from `finish_reason`. What it sends is always strict Chat Completions: every
tool call id answered by exactly one tool message, arguments resent as JSON strings (`"{}"` for
arguments that did not parse, e.g. cut by the output limit: servers refuse the whole request
otherwise). `finish_reason: "length"` marks the turn as cut off.
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
from agentcheck.vendors.wire import SseEvent, encode_json, json_text, vendor_json


def usage_from(data: Any) -> Usage:
    if not isinstance(data, dict):
        return Usage()
    num = base.token_count
    return Usage(
        input_tokens=num(data, "prompt_tokens"),
        cached_tokens=num(data.get("prompt_tokens_details"), "cached_tokens"),
        output_tokens=num(data, "completion_tokens"),
        reasoning_tokens=num(data.get("completion_tokens_details"), "reasoning_tokens"),
    )


def content_text(content: Any, vendor: str) -> str:
    """`content` as text: a string, null, or a list of parts (some servers send parts) whose
    text parts are joined. Anything else, or a text part whose `text` is not a string (null, a
    number), cannot be read: the vendor's malformed reply, not an empty answer it could send to
    have a trial it would fail look like a refusal."""
    if content is None or isinstance(content, str):
        return content or ""
    if not isinstance(content, list):
        raise VendorError("malformed", f"{vendor}: message content is a "
                          f"{type(content).__name__}, not text or a list of parts")
    texts: list[str] = []
    for part in content:
        if isinstance(part, dict) and part.get("type", "text") != "text":
            continue  # another kind of part (an image, audio...): not text to judge
        text = part.get("text") if isinstance(part, dict) else None
        if not isinstance(text, str):
            raise VendorError("malformed", f"{vendor}: a text part of the message content "
                              f"has no text (got {type(text).__name__})")
        texts.append(text)
    return "".join(texts)


class ChatStream:
    """Assembles a `stream: true` Chat Completions reply, chunk by chunk, into the completion
    the non-streaming endpoint would have returned. Tool calls arrive as pieces keyed by
    `index`: the id and name in the first piece, `arguments` split across the rest. Usage comes
    in the last chunk (empty `choices`) thanks to stream_options.include_usage; `[DONE]` ends.

    Compatible servers bend this too: pieces without `index` are matched by id, a new id on a
    used index starts a new call, and `arguments` sent as an object replaces the text.
    """

    def __init__(self, vendor: str) -> None:
        self.vendor = vendor
        self.content: list[str] = []
        self.refusal: list[str] = []
        self.calls: dict[int, dict[str, Any]] = {}
        self.alias: dict[int, int] = {}
        self.finish: str | None = None
        self.usage: Any = None
        self.ttft_s: float | None = None
        self.model: Any = None

    def feed(self, event: SseEvent) -> bool:
        with base.malformed(self.vendor, "a stream chunk"):
            return self._feed(event)

    def _feed(self, event: SseEvent) -> bool:
        data = event.data.strip()
        if data == "[DONE]":
            return True
        if not data:
            return False
        try:
            chunk = vendor_json(data)
        except (ValueError, RecursionError):
            raise VendorError("malformed", f"{self.vendor}: a stream chunk is not JSON: "
                              f"{snippet(data, 120)!r}") from None
        if not isinstance(chunk, dict):
            raise VendorError("malformed", f"{self.vendor}: a stream chunk is not an object")
        if "error" in chunk and not chunk.get("choices"):
            raise VendorError("protocol", f"{self.vendor}: error in the stream: "
                              f"{snippet(str(chunk['error']), 200)}")
        if isinstance(chunk.get("usage"), dict):
            self.usage = chunk["usage"]
        self.model = chunk.get("model", self.model)
        choices = chunk.get("choices") or []
        if not isinstance(choices, list):
            raise VendorError("malformed", f"{self.vendor}: a stream chunk's choices is not a "
                              "list")
        for choice in choices:
            if not isinstance(choice, dict) or choice.get("index", 0) != 0:
                continue
            delta = choice.get("delta")
            if isinstance(delta, dict) and self._delta(delta) and self.ttft_s is None:
                self.ttft_s = event.elapsed_s
            finish = choice.get("finish_reason")
            if isinstance(finish, str):
                self.finish = finish
        return False

    def _delta(self, delta: dict[str, Any]) -> bool:
        """Take in one delta; True if it carried any token."""
        token = False
        content = content_text(delta.get("content"), self.vendor)
        if content:
            self.content.append(content)
            token = True
        refusal = delta.get("refusal")
        if isinstance(refusal, str) and refusal:
            self.refusal.append(refusal)
            token = True
        if any(isinstance(delta.get(k), str) and delta[k]
               for k in ("reasoning_content", "reasoning")):
            token = True
        pieces = delta.get("tool_calls")
        if pieces is not None:
            if not isinstance(pieces, list):
                raise VendorError("malformed", f"{self.vendor}: delta.tool_calls is not a list")
            for piece in pieces:
                if isinstance(piece, dict):
                    self._piece(piece)
                    token = True
        return token

    def _piece(self, piece: dict[str, Any]) -> None:
        fn: dict[str, Any] = piece["function"] if isinstance(piece.get("function"), dict) else {}
        call_id = piece.get("id") if isinstance(piece.get("id"), str) else None
        index = piece.get("index")
        if isinstance(index, int) and not isinstance(index, bool):
            index = self.alias.get(index, index)
            slot = self.calls.get(index)
            if slot is not None and call_id and slot["id"] and slot["id"] != call_id:
                new = max(self.calls) + 1
                self.alias[piece["index"]] = new
                index = new
        else:
            known = [i for i, c in self.calls.items() if call_id and c["id"] == call_id]
            if known:
                index = known[0]
            elif call_id or fn.get("name") or not self.calls:
                index = max(self.calls, default=-1) + 1
            else:
                index = max(self.calls)
        slot = self.calls.setdefault(index, {"id": None, "name": None, "args": [], "obj": None})
        if call_id and not slot["id"]:
            slot["id"] = call_id
        name = fn.get("name")
        if isinstance(name, str) and name and not slot["name"]:
            slot["name"] = name
        args = fn.get("arguments")
        if isinstance(args, str):
            slot["args"].append(args)
        elif args is not None:
            slot["obj"] = args

    def completion(self) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": "".join(self.content) or None}
        if self.refusal:
            message["refusal"] = "".join(self.refusal)
        if self.calls:
            message["tool_calls"] = [
                {"id": s["id"], "type": "function",
                 "function": {"name": s["name"], "arguments": s["obj"] if s["obj"] is not None
                              else "".join(s["args"])}}
                for _, s in sorted(self.calls.items())]
        return {"choices": [{"index": 0, "message": message, "finish_reason": self.finish}],
                "usage": self.usage, "model": self.model}


class OpenAIChatSession(Session):
    def __init__(self, driver: OpenAIChatDriver, system: str, tools: list[dict[str, Any]]) -> None:
        self.driver = driver
        self.messages: list[dict[str, Any]] = [{"role": "system", "content": system}]
        self.tools = [{"type": "function", "function": {
            "name": t["name"], "description": t["description"], "parameters": t["parameters"]}}
            for t in tools]
        self._encoded: list[str] = []
        """messages[:len(_encoded)] as JSON: each message is encoded once, not once per step."""
        self._tools_json = encode_json(self.tools).decode()
        self._ids = base.CallIds("call_ac")
        self._seen_ids: set[str] = set()
        """Every call id in this conversation: a reused one could not be answered unambiguously."""

    def add_user(self, text: str) -> None:
        self.messages.append({"role": "user", "content": text})

    def add_tool_results(self, results: list[ToolResult]) -> None:
        for result in results:
            self.messages.append({"role": "tool", "tool_call_id": result.call.id,
                                  "content": result.content})

    async def step(self) -> ModelTurn:
        profile = self.driver.profile
        body: dict[str, Any] = {**profile.params, "model": profile.model,
                                "messages": self.messages}
        if self.tools:
            body["tools"] = self.tools
        if profile.stream:
            return await self._step_stream(body)
        reply = await self.driver.http.post_json(self.driver.url, self._encode(body),
                                                 self.driver.headers)
        with base.malformed(profile.name):
            turn = self._parse(reply.data)
        turn.latency_s = reply.latency_s
        return turn

    def _encode(self, body: dict[str, Any]) -> bytes:
        """`body` as httpx would encode it, the conversation's messages encoded once each
        (a message is appended, never changed, once a step has sent it) and the tools once."""
        dumps = json_text
        self._encoded.extend(dumps(m) for m in self.messages[len(self._encoded):])
        parts = []
        for key, value in body.items():
            if value is self.messages:
                text = "[" + ",".join(self._encoded) + "]"
            elif value is self.tools:
                text = self._tools_json
            else:
                text = dumps(value)
            parts.append(f"{dumps(key)}:{text}")
        return ("{" + ",".join(parts) + "}").encode("utf-8")

    async def _step_stream(self, body: dict[str, Any]) -> ModelTurn:
        options = body.get("stream_options")
        body["stream"] = True
        body["stream_options"] = {**(options if isinstance(options, dict) else {}),
                                  "include_usage": True}
        stream = ChatStream(self.driver.profile.name)
        reply = await self.driver.http.post_sse(self.driver.url, body, self.driver.headers,
                                                stream.feed)
        # a server that ignored `stream` answered with one whole completion: parse that
        with base.malformed(self.driver.profile.name):
            turn = self._parse(reply.data if reply.data is not None else stream.completion())
        turn.latency_s = reply.latency_s
        turn.ttft_s = stream.ttft_s if reply.data is None else None
        return turn

    def _parse(self, data: Any) -> ModelTurn:
        vendor = self.driver.profile.name
        choices = data.get("choices") if isinstance(data, dict) else None
        if isinstance(data, dict) and "error" in data and not choices:
            raise VendorError("protocol", f"{vendor}: error in a 200 reply: "
                              f"{snippet(str(data['error']), 200)}")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            raise VendorError("malformed", f"{vendor}: reply has no choices")
        choice = choices[0]
        message = choice.get("message")
        if not isinstance(message, dict):
            raise VendorError("malformed", f"{vendor}: choices[0] has no message")
        text = content_text(message.get("content"), vendor)
        calls: list[ToolCall] = []
        wire_calls: list[dict[str, Any]] = []
        raw_calls = message.get("tool_calls") or []
        if not isinstance(raw_calls, list):
            raise VendorError("malformed", f"{vendor}: tool_calls is not a list")
        seen_ids = self._seen_ids
        for raw in raw_calls:
            fn = raw.get("function") if isinstance(raw, dict) else None
            if not isinstance(fn, dict) or not isinstance(fn.get("name"), str):
                raise VendorError("malformed", f"{vendor}: a tool call has no function name")
            call_id = self._ids.usable(raw.get("id"), seen_ids)
            seen_ids.add(call_id)
            args, raw_args, error = parse_arguments(fn.get("arguments"))
            calls.append(ToolCall(call_id, fn["name"], args, raw_args, error))
            wire_calls.append({"id": call_id, "type": "function", "function": {
                "name": fn["name"], "arguments": raw_args if error is None else "{}"}})
        echo: dict[str, Any] = {"role": "assistant", "content": text or None}
        if wire_calls:
            echo["tool_calls"] = wire_calls
        elif not text:
            echo["content"] = ""
        self.messages.append(echo)
        finish = choice.get("finish_reason")
        refusal = message.get("refusal")
        if isinstance(refusal, str) and refusal and not text and not calls:
            # a refusal is the model's answer: judge it (abstention scenarios need it) rather
            # than an empty reply; it goes back to the vendor as plain assistant content
            text, finish = refusal, "refusal"
            echo["content"] = refusal
        return base.explain_cut(ModelTurn(
            text=text, tool_calls=calls, usage=usage_from(data.get("usage")),
            finish_reason=finish if isinstance(finish, str) else None, cut_off=finish == "length",
            served_model=base.served_model(data.get("model"), self.driver.profile.model)))


class OpenAIChatDriver(HarnessDriver):
    """Azure OpenAI is a profile variant: `auth: api-key` sends the `api-key` header, and
    `api_version` selects the classic deployment URL ({base_url}/chat/completions?api-version=,
    base_url ending in /openai/deployments/{deployment}). The v1 URL (base_url ending in
    /openai/v1, model = the deployment name) needs no api_version."""

    def __init__(self, profile: VendorProfile, http: HttpClient) -> None:
        super().__init__(profile, http)
        auth, _ = base.key_auth(profile, "bearer")
        version = {"api-version": profile.api_version} if profile.api_version else None
        self.url = base.endpoint(profile.base_url, "/chat/completions", version)
        self.headers = {"Content-Type": "application/json", **profile.headers, **auth}

    def session(self, system: str, tools: list[dict[str, Any]]) -> Session:
        return OpenAIChatSession(self, system, tools)
