"""A fake streaming Chat Completions API on loopback, as OpenAI serves it and as Azure OpenAI's
classic deployment URL and v1 URL serve it, and its referee.

`ChatServer` validates requests with tests/fakes/openai_chat.py's Chat Completions checks (plus the
stream_options rule) and answers with `chat_sse` (chunks built by `chat_chunks` or
`completion_chunks`, cut, stalled or without `[DONE]` on demand) or `chat_json`.
`chat_referee(server)`: every chunk must be a valid openai ChatCompletionChunk, every request a
valid streaming request.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs

from openai.types.chat import ChatCompletion, ChatCompletionChunk, ChatCompletionMessageParam
from openai.types.chat.completion_create_params import CompletionCreateParamsStreaming
from openai.types.shared import ErrorObject
from pydantic import TypeAdapter

from . import openai_chat as vs
from .anthropic import KEY  # one test key for both streaming fakes
from .base import drain, judge, serving
from .checked import Exchange, Loopback, Request

Req = Request
Behaviour = Callable[[Exchange], None]


class ChatServer(Loopback):
    """Chat Completions on loopback, as OpenAI (`/v1/chat/completions`, Bearer), as Azure's
    classic deployment URL (`?api-version=` required, `api-key` header) or Azure's v1 URL."""

    def __init__(self, api_key: str | None = KEY, style: str = "openai",
                 deployment: str = "dep-1") -> None:
        super().__init__(api_key)
        self.style = style
        self.deployment = deployment

    @property
    def root_url(self) -> str:
        return self.base_url.removesuffix("/v1")

    def error_body(self, type_: str, message: str) -> Any:
        return {"error": {"message": message, "type": type_, "param": None, "code": None}}

    def check(self, req: Req) -> tuple[int, str, str] | None:
        path, _, query = req.path.partition("?")
        params = parse_qs(query)
        expected = {"openai": "/v1/chat/completions",
                    "azure": f"/openai/deployments/{self.deployment}/chat/completions",
                    "azure-v1": "/openai/v1/chat/completions"}[self.style]
        if req.method != "POST" or path != expected:
            return 404, "invalid_request_error", "Resource not found"
        if self.style == "azure" and not params.get("api-version"):
            return 404, "invalid_request_error", "Resource not found (api-version missing)"
        if self.api_key is not None:
            if self.style == "openai":
                ok = req.headers.get("authorization") == f"Bearer {self.api_key}"
            else:
                ok = req.headers.get("api-key") == self.api_key
            if not ok:
                return 401, "invalid_request_error", (
                    "Access denied due to invalid subscription key or wrong API endpoint.")
        body = req.json
        if not isinstance(body, dict):
            return 400, "invalid_request_error", "We could not parse the JSON body."
        if "stream_options" in body and body.get("stream") is not True:
            return 400, "invalid_request_error", ("The 'stream_options' parameter is only "
                                                  "allowed when 'stream' is enabled.")
        options = body.get("stream_options", {})
        if not isinstance(options, dict) or set(options) - {"include_usage",
                                                              "include_obfuscation"}:
            return 400, "invalid_request_error", "Invalid 'stream_options'."
        bad = vs.check_request({k: v for k, v in body.items()
                                if k not in ("stream", "stream_options")})
        return None if bad is None else (400, "invalid_request_error", bad.message)


def chunk(delta: dict[str, Any] | None = None, finish: str | None = None, *,
          usage: dict[str, Any] | None = None, no_choices: bool = False) -> dict[str, Any]:
    return {"id": "chatcmpl-stream1", "object": "chat.completion.chunk", "created": 1_700_000_000,
            "model": "test-model", "system_fingerprint": "fp_loopback", "service_tier": "default",
            "choices": [] if no_choices else [{"index": 0, "delta": delta or {}, "logprobs": None,
                                               "finish_reason": finish}],
            "usage": usage}


def pieces(s: str, n: int) -> list[str]:
    return [s[i:i + n] for i in range(0, len(s), n)]


def chat_chunks(content: str | None = None, calls: list[tuple[str, str, str]] | None = None, *,
                piece: int = 3, usage: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """A reply as OpenAI streams it: role first, content in pieces, each tool call as a first
    piece (index, id, name) and argument pieces, the finish chunk, then the usage chunk."""
    out = [chunk({"role": "assistant", "content": "", "refusal": None})]
    out += [chunk({"content": p}) for p in pieces(content or "", piece)]
    for i, (call_id, name, args) in enumerate(calls or []):
        out.append(chunk({"tool_calls": [{"index": i, "id": call_id, "type": "function",
                                          "function": {"name": name, "arguments": ""}}]}))
        out += [chunk({"tool_calls": [{"index": i, "function": {"arguments": p}}]})
                for p in pieces(args, piece)]
    out.append(chunk({}, "tool_calls" if calls else "stop"))
    out.append(chunk(no_choices=True, usage=usage or vs.usage_body(30, 12, cached=10,
                                                                   reasoning=4)))
    return out


def completion_chunks(completion: dict[str, Any]) -> list[dict[str, Any]]:
    message_ = completion["choices"][0]["message"]
    calls = [(c["id"], c["function"]["name"], c["function"]["arguments"])
             for c in message_.get("tool_calls") or []]
    return chat_chunks(message_.get("content"), calls, piece=7, usage=completion["usage"])


class Bent(dict[str, Any]):
    """A chunk that deliberately bends the spec: the referee expects the SDK to refuse it."""


def chat_sse(chunks: list[Any], *, cut_after: int | None = None,
             stall_after: int | None = None, before_content_s: float = 0.0,
             done: bool = True) -> Behaviour:
    """Stream chunks as `data:` events (a str item goes out as raw bytes), then `[DONE]`."""

    def run(ex: Exchange) -> None:
        ex.start_sse()
        for n, item in enumerate(chunks):
            if n == cut_after:
                ex.abort()
                return
            if n == stall_after:
                ex.wait(10)
                ex.abort()
                return
            if n == 1 and before_content_s and ex.wait(before_content_s):
                return
            if isinstance(item, str):
                ex.write(item.encode(), chunked=True)
            else:
                ex.event(None, dict(item), kind="chunk", strict=not isinstance(item, Bent))
        if done:
            ex.event(None, None)
        ex.end_chunks()

    return run


def chat_json(completion: dict[str, Any]) -> Behaviour:
    def run(ex: Exchange) -> None:
        ex.send_json(200, completion, kind="completion")

    return run


SDK_CHAT_REQUEST: TypeAdapter[Any] = TypeAdapter(CompletionCreateParamsStreaming)
SDK_CHAT_MESSAGE: TypeAdapter[Any] = TypeAdapter(ChatCompletionMessageParam)


def chat_referee(server: ChatServer) -> None:
    for r in server.requests:
        if r.rejected is None and isinstance(r.json, dict) and r.json.get("stream"):
            drain(SDK_CHAT_REQUEST.validate_python(r.json))
            for m in r.json["messages"]:
                drain(SDK_CHAT_MESSAGE.validate_python(m))
        for kind, value, strict in r.sent:
            check = {"chunk": ChatCompletionChunk.model_validate,
                     "completion": ChatCompletion.model_validate,
                     "error": lambda v: ErrorObject.model_validate(v["error"])}[kind]
            judge(check, value, strict)


@contextlib.contextmanager
def chat_serving(**kw: Any) -> Iterator[ChatServer]:
    with serving(ChatServer(**kw), chat_referee) as server:
        yield server
