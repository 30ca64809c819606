"""OpenAI Chat Completions and every compatible server (vLLM, Ollama, llama.cpp, gateways).

Compatible servers bend the format; this driver accepts `arguments` as a string, an object or an
empty string, invents ids that are missing, and decides "tool call or answer" from the presence of
`tool_calls`, never from `finish_reason`. What it sends is always strict Chat Completions: every
tool call id answered by exactly one tool message, arguments resent as JSON strings.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import VendorError
from ..http import HttpClient
from ..profile import VendorProfile
from ..redaction import register as register_secret
from .base import Driver, ModelTurn, Session, ToolCall, ToolResult, Usage


def parse_arguments(raw: Any) -> tuple[Any, str, str | None]:
    """(parsed object or None, raw text, parse error)."""
    if isinstance(raw, dict):
        return raw, json.dumps(raw, ensure_ascii=False), None
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return {}, "{}", None
    if not isinstance(raw, str):
        return None, json.dumps(raw), "arguments must be a JSON object"
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        return None, raw, f"arguments are not valid JSON ({exc.msg})"
    if not isinstance(value, dict):
        return None, raw, "arguments must be a JSON object"
    return value, raw, None


def usage_from(data: Any) -> Usage:
    if not isinstance(data, dict):
        return Usage()

    def num(obj: Any, key: str) -> int:
        value = obj.get(key) if isinstance(obj, dict) else None
        return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0

    return Usage(
        input_tokens=num(data, "prompt_tokens"),
        cached_tokens=num(data.get("prompt_tokens_details"), "cached_tokens"),
        output_tokens=num(data, "completion_tokens"),
        reasoning_tokens=num(data.get("completion_tokens_details"), "reasoning_tokens"),
    )


class OpenAIChatSession(Session):
    def __init__(self, driver: OpenAIChatDriver, system: str, tools: list[dict[str, Any]]) -> None:
        self.driver = driver
        self.messages: list[dict[str, Any]] = [{"role": "system", "content": system}]
        self.tools = [{"type": "function", "function": {
            "name": t["name"], "description": t["description"], "parameters": t["parameters"]}}
            for t in tools]
        self._counter = 0

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
        reply = await self.driver.http.post_json(self.driver.url, body, self.driver.headers)
        turn = self._parse(reply.data)
        turn.latency_s = reply.latency_s
        return turn

    def _parse(self, data: Any) -> ModelTurn:
        vendor = self.driver.profile.name
        choices = data.get("choices") if isinstance(data, dict) else None
        if isinstance(data, dict) and "error" in data and not choices:
            raise VendorError("protocol", f"{vendor}: error in a 200 reply: "
                              f"{str(data['error'])[:200]}")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            raise VendorError("malformed", f"{vendor}: reply has no choices")
        choice = choices[0]
        message = choice.get("message")
        if not isinstance(message, dict):
            raise VendorError("malformed", f"{vendor}: choices[0] has no message")
        content = message.get("content")
        if isinstance(content, list):  # some servers return content parts
            content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
        text = content if isinstance(content, str) else ""
        calls: list[ToolCall] = []
        wire_calls: list[dict[str, Any]] = []
        raw_calls = message.get("tool_calls") or []
        if not isinstance(raw_calls, list):
            raise VendorError("malformed", f"{vendor}: tool_calls is not a list")
        for raw in raw_calls:
            fn = raw.get("function") if isinstance(raw, dict) else None
            if not isinstance(fn, dict) or not isinstance(fn.get("name"), str):
                raise VendorError("malformed", f"{vendor}: a tool call has no function name")
            call_id = raw.get("id")
            if not isinstance(call_id, str) or not call_id:
                self._counter += 1
                call_id = f"call_ac{self._counter}"
            args, raw_args, error = parse_arguments(fn.get("arguments"))
            calls.append(ToolCall(call_id, fn["name"], args, raw_args, error))
            wire_calls.append({"id": call_id, "type": "function",
                               "function": {"name": fn["name"], "arguments": raw_args}})
        echo: dict[str, Any] = {"role": "assistant", "content": text or None}
        if wire_calls:
            echo["tool_calls"] = wire_calls
        elif not text:
            echo["content"] = ""
        self.messages.append(echo)
        finish = choice.get("finish_reason")
        return ModelTurn(text=text, tool_calls=calls, usage=usage_from(data.get("usage")),
                         finish_reason=finish if isinstance(finish, str) else None)


class OpenAIChatDriver(Driver):
    def __init__(self, profile: VendorProfile, http: HttpClient) -> None:
        super().__init__(profile, http)
        self.url = profile.base_url.rstrip("/") + "/chat/completions"
        self.headers = {"Content-Type": "application/json", **profile.headers}
        key = profile.api_key()
        if key:
            register_secret(key)
            self.headers["Authorization"] = f"Bearer {key}"

    def session(self, system: str, tools: list[dict[str, Any]]) -> Session:
        return OpenAIChatSession(self, system, tools)
