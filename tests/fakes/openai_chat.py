"""A real loopback OpenAI Chat Completions server for tests, scripted request by request.

    with VendorServer(api_key="sk-test") as server:
        server.script(call_tools(tool_call("get_order", '{"id": "A1"}')), answer("Done."))
        ... point a driver at server.base_url ...
    server.assert_clean()

Every request is checked the way the real API checks it (auth first, then the body) and answered
with an OpenAI-style error if it is wrong; only a valid request consumes the next scripted
behaviour. Every request is recorded (headers, body, arrival time, what was answered).
`assert_clean()` fails the test if the client sent an invalid request, a request nothing was
scripted for, or the server itself crashed: a test that forgets to look still catches a driver
that speaks broken Chat Completions.

Behaviours: `answer`, `call_tools`, `completion` (any completion body), `json_reply`, `error`,
`raw`, `html_page`, `delay`, `stall`, `cut`, `huge`, or a function from the Request to one of them.

Standard library only (the lifecycle, recording and wire helpers are tests/fakes/base.py's).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from . import base as loopback

CHAT_PATH = "/v1/chat/completions"

ROLES = ("system", "assistant", "user", "function", "tool", "developer")
MESSAGE_KEYS = {
    "system": {"role", "content", "name"},
    "developer": {"role", "content", "name"},
    "user": {"role", "content", "name"},
    "assistant": {"role", "content", "name", "tool_calls", "function_call", "refusal", "audio"},
    "tool": {"role", "content", "tool_call_id"},
    "function": {"role", "content", "name"},
}
PART_TYPES = {
    "system": {"text"},
    "developer": {"text"},
    "user": {"text", "image_url", "input_audio", "file"},
    "assistant": {"text", "refusal"},
    "tool": {"text"},
}
# Top-level request fields the real endpoint accepts (checked against the SDK in the tests).
REQUEST_KEYS = {
    "model", "messages", "tools", "tool_choice", "parallel_tool_calls", "temperature", "top_p",
    "n", "stream", "stream_options", "stop", "max_tokens", "max_completion_tokens",
    "presence_penalty", "frequency_penalty", "logit_bias", "logprobs", "top_logprobs", "user",
    "seed", "response_format", "service_tier", "store", "metadata", "reasoning_effort",
    "modalities", "audio", "prediction", "web_search_options", "verbosity", "prompt_cache_key",
    "safety_identifier", "functions", "function_call",
}
TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")

_ids = itertools.count(1)


# --------------------------------------------------------------------------- validation


@dataclass
class Invalid:
    message: str
    param: str | None = None
    code: str | None = None


def _type_name(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
            int: "an integer", float: "a decimal", type(None): "null"}.get(type(value), "other")


def _check_content(role: str, content: Any, where: str, *, optional: bool) -> Invalid | None:
    if content is None:
        if optional:
            return None
        return Invalid("Invalid value for 'content': expected a string, got null.",
                       f"{where}.content")
    if isinstance(content, str):
        return None
    if not isinstance(content, list):
        return Invalid(f"Invalid type for '{where}.content': expected one of a string or array "
                       f"of objects, but got {_type_name(content)} instead.", f"{where}.content")
    if not content:
        return Invalid(f"Invalid '{where}.content': empty array. Expected an array with minimum "
                       f"length 1, but got an empty array instead.", f"{where}.content")
    for j, part in enumerate(content):
        here = f"{where}.content[{j}]"
        if not isinstance(part, dict) or part.get("type") not in PART_TYPES[role]:
            return Invalid(f"Invalid value for '{here}.type': not a content part type allowed "
                           f"for role '{role}'.", f"{here}.type")
        if part["type"] == "text" and not isinstance(part.get("text"), str):
            return Invalid(f"Missing required parameter: '{here}.text'.", f"{here}.text")
    return None


def _check_tool_calls(calls: Any, where: str) -> Invalid | None:
    if not isinstance(calls, list):
        return Invalid(f"Invalid type for '{where}.tool_calls': expected an array, but got "
                       f"{_type_name(calls)} instead.", f"{where}.tool_calls")
    if not calls:
        return Invalid(f"Invalid '{where}.tool_calls': empty array. Expected an array with "
                       f"minimum length 1, but got an empty array instead.", f"{where}.tool_calls")
    seen: set[str] = set()
    for k, call in enumerate(calls):
        here = f"{where}.tool_calls[{k}]"
        if not isinstance(call, dict):
            return Invalid(f"Invalid type for '{here}': expected an object, but got "
                           f"{_type_name(call)} instead.", here)
        if not isinstance(call.get("id"), str) or not call["id"]:
            return Invalid(f"Missing required parameter: '{here}.id'.", f"{here}.id")
        if call["id"] in seen:
            return Invalid(f"Duplicate value for '{here}.id': {call['id']!r}.", f"{here}.id")
        seen.add(call["id"])
        if call.get("type") != "function":
            return Invalid(f"Invalid value for '{here}.type': expected 'function'.",
                           f"{here}.type")
        fn = call.get("function")
        if not isinstance(fn, dict):
            return Invalid(f"Missing required parameter: '{here}.function'.", f"{here}.function")
        if not isinstance(fn.get("name"), str) or not fn["name"]:
            return Invalid(f"Missing required parameter: '{here}.function.name'.",
                           f"{here}.function.name")
        if "arguments" not in fn:
            return Invalid(f"Missing required parameter: '{here}.function.arguments'.",
                           f"{here}.function.arguments")
        if not isinstance(fn["arguments"], str):
            return Invalid(f"Invalid type for '{here}.function.arguments': expected a string, but "
                           f"got {_type_name(fn['arguments'])} instead.",
                           f"{here}.function.arguments")
        extra = set(call) - {"id", "type", "function"}
        if extra:
            return Invalid(f"Unrecognized parameter(s) in '{here}': {sorted(extra)}.", here)
    return None


def _check_message(i: int, m: Any) -> Invalid | None:
    where = f"messages[{i}]"
    if not isinstance(m, dict):
        return Invalid(f"Invalid type for '{where}': expected an object, but got "
                       f"{_type_name(m)} instead.", where)
    role = m.get("role")
    if "role" not in m:
        return Invalid(f"Missing required parameter: '{where}.role'.", f"{where}.role")
    if role not in ROLES:
        return Invalid(f"Invalid value: {role!r}. Supported values are: 'system', 'assistant', "
                       f"'user', 'function', 'tool', and 'developer'.", f"{where}.role",
                       "invalid_value")
    extra = set(m) - MESSAGE_KEYS[role]
    if extra:
        return Invalid(f"Additional properties are not allowed ({sorted(extra)} unexpected) - "
                       f"'{where}'.", where)
    if "name" in m and not isinstance(m["name"], str):
        return Invalid(f"Invalid type for '{where}.name': expected a string.", f"{where}.name")
    if role == "function":
        return Invalid("The 'function' role is deprecated; use 'tool'.", f"{where}.role")
    if role == "assistant":
        has_calls = "tool_calls" in m and m["tool_calls"] is not None
        if has_calls:
            bad = _check_tool_calls(m["tool_calls"], where)
            if bad:
                return bad
        if "content" not in m and not has_calls and "function_call" not in m:
            return Invalid(f"Missing required parameter: '{where}.content'.", f"{where}.content")
        return _check_content(role, m.get("content"), where,
                              optional=has_calls or "function_call" in m)
    if "content" not in m:
        return Invalid(f"Missing required parameter: '{where}.content'.", f"{where}.content")
    if role == "tool":
        tcid = m.get("tool_call_id")
        if not isinstance(tcid, str) or not tcid:
            return Invalid(f"Missing required parameter: '{where}.tool_call_id'.",
                           f"{where}.tool_call_id")
    return _check_content(role, m["content"], where, optional=False)


def _check_tool_pairing(messages: list[dict[str, Any]]) -> Invalid | None:
    """Every tool_call id answered by exactly one tool message, before any other message."""
    pending: dict[str, bool] | None = None  # id -> answered, for the last assistant tool_calls
    owner = -1

    def unanswered() -> Invalid | None:
        if pending is not None and not all(pending.values()):
            missing = ", ".join(k for k, done in pending.items() if not done)
            return Invalid("An assistant message with 'tool_calls' must be followed by tool "
                           "messages responding to each 'tool_call_id'. The following "
                           f"tool_call_ids did not have response messages: {missing}",
                           f"messages.[{owner}].role")
        return None

    for i, m in enumerate(messages):
        if m["role"] == "tool":
            tcid = m["tool_call_id"]
            if pending is None or tcid not in pending:
                return Invalid("Invalid parameter: messages with role 'tool' must be a response "
                               "to a preceeding message with 'tool_calls'.",
                               f"messages.[{i}].role")
            if pending[tcid]:
                return Invalid(f"Invalid parameter: tool_call_id {tcid!r} was already answered "
                               "by an earlier tool message.", f"messages.[{i}].tool_call_id")
            pending[tcid] = True
            continue
        bad = unanswered()
        if bad:
            return bad
        pending = None
        if m["role"] == "assistant" and m.get("tool_calls"):
            pending = {c["id"]: False for c in m["tool_calls"]}
            owner = i
    return unanswered()


def _check_tools(tools: Any) -> Invalid | None:
    if not isinstance(tools, list):
        return Invalid(f"Invalid type for 'tools': expected an array, but got "
                       f"{_type_name(tools)} instead.", "tools")
    if not tools:
        return Invalid("Invalid 'tools': empty array. Expected an array with minimum length 1, "
                       "but got an empty array instead.", "tools", "empty_array")
    for k, tool in enumerate(tools):
        here = f"tools[{k}]"
        if not isinstance(tool, dict) or tool.get("type") != "function":
            return Invalid(f"Invalid value for '{here}.type': expected 'function'.",
                           f"{here}.type")
        fn = tool.get("function")
        if not isinstance(fn, dict):
            return Invalid(f"Missing required parameter: '{here}.function'.", f"{here}.function")
        name = fn.get("name")
        if not isinstance(name, str) or not TOOL_NAME.match(name):
            return Invalid(f"Invalid '{here}.function.name': string does not match pattern. "
                           f"Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
                           f"{here}.function.name", "invalid_value")
        if "description" in fn and not isinstance(fn["description"], str):
            return Invalid(f"Invalid type for '{here}.function.description'.",
                           f"{here}.function.description")
        if "parameters" in fn and not isinstance(fn["parameters"], dict):
            return Invalid(f"Invalid type for '{here}.function.parameters': expected an object.",
                           f"{here}.function.parameters")
    return None


def check_request(body: Any) -> Invalid | None:
    """What the real endpoint would reject in a Chat Completions request body, or None."""
    if not isinstance(body, dict):
        return Invalid(f"Invalid type for the request body: expected an object, but got "
                       f"{_type_name(body)} instead.")
    extra = sorted(set(body) - REQUEST_KEYS)
    if extra:
        return Invalid(f"Unrecognized request argument supplied: {extra[0]}", extra[0])
    model = body.get("model")
    if not isinstance(model, str) or not model:
        return Invalid("you must provide a model parameter", "model")
    if "messages" not in body:
        return Invalid("Missing required parameter: 'messages'.", "messages",
                       "missing_required_parameter")
    messages = body["messages"]
    if not isinstance(messages, list):
        return Invalid(f"Invalid type for 'messages': expected an array, but got "
                       f"{_type_name(messages)} instead.", "messages", "invalid_type")
    if not messages:
        return Invalid("Invalid 'messages': empty array. Expected an array with minimum length "
                       "1, but got an empty array instead.", "messages", "empty_array")
    for i, m in enumerate(messages):
        bad = _check_message(i, m)
        if bad:
            return bad
    bad = _check_tool_pairing(messages)
    if bad:
        return bad
    if "tools" in body:
        bad = _check_tools(body["tools"])
        if bad:
            return bad
    if body.get("stream"):
        return Invalid("this test server does not stream", "stream")
    return None


def error_body(message: str, type_: str = "invalid_request_error", param: str | None = None,
               code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


# --------------------------------------------------------------------------- wire helpers

Request = loopback.Request
"""One request as the server saw it; `rejected` is the Invalid that got it a 400 or 401."""
Exchange = loopback.Exchange


# --------------------------------------------------------------------------- behaviours


Behaviour = loopback.Behaviour
Delay = loopback.Delay
Script = Behaviour | Callable[[Request], Behaviour]


@dataclass
class Reply(Behaviour):
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "application/json"
    chunked: bool = False
    json: Any = None
    strict: bool = True
    kind: str = "raw"

    def __call__(self, ex: Exchange) -> None:
        ex.request.reply_json = self.json
        ex.request.strict = self.strict
        ex.send(self.status, self.body, self.headers, content_type=self.content_type,
                chunked=self.chunked)


@dataclass
class Stall(Behaviour):
    """Send the status line, the headers and part of the body, then go silent."""

    partial: bytes = b'{"id": "chatcmpl-'
    declared_length: int = 4096
    status: int = 200
    max_s: float = 30.0
    kind: str = "stall"

    def __call__(self, ex: Exchange) -> None:
        ex.start(self.status, length=self.declared_length)
        ex.write(self.partial)
        ex.wait(self.max_s)
        ex.abort()


@dataclass
class Cut(Behaviour):
    """Promise a body, send part of it, then close the connection."""

    partial: bytes = b'{"id": "chatcmpl-1", "object": "chat.completion", "choices": ['
    declared_length: int = 4096
    reset: bool = False
    kind: str = "cut"

    def __call__(self, ex: Exchange) -> None:
        ex.start(200, length=self.declared_length)
        ex.write(self.partial)
        ex.abort(reset=self.reset)


@dataclass
class Huge(Behaviour):
    """A valid completion whose text is n_bytes long, streamed out in pieces."""

    n_bytes: int
    chunked: bool = False
    kind: str = "huge"

    def __call__(self, ex: Exchange) -> None:
        head, tail = json.dumps(completion_body("\x00")).encode().split(b"\\u0000")
        size = len(head) + self.n_bytes + len(tail)
        ex.start(200, length=size, chunked=self.chunked)
        ex.write(head, chunked=self.chunked)
        left = self.n_bytes
        piece = b"x" * 65536
        while left > 0:
            ex.write(piece[:left], chunked=self.chunked)
            left -= len(piece)
        ex.write(tail, chunked=self.chunked)
        if self.chunked:
            ex.end_chunks()


def tool_call(name: str, arguments: Any = "{}", *, call_id: str | None = "auto",
              omit: tuple[str, ...] = ()) -> dict[str, Any]:
    """A tool call exactly as it goes on the wire; `arguments` is sent as given (string, object,
    null...), call_id None sends `"id": null`, and `omit` drops keys ("id", "type", "arguments")."""
    call: dict[str, Any] = {
        "id": f"call_{next(_ids):06d}" if call_id == "auto" else call_id,
        "type": "function",
        "function": {"name": name, "arguments": arguments},
    }
    for key in omit:
        if key == "arguments":
            del call["function"]["arguments"]
        else:
            del call[key]
    return call


def usage_body(prompt: int = 12, completion: int = 5, *, cached: int | None = None,
               reasoning: int | None = None) -> dict[str, Any]:
    usage: dict[str, Any] = {"prompt_tokens": prompt, "completion_tokens": completion,
                             "total_tokens": prompt + completion}
    if cached is not None:
        usage["prompt_tokens_details"] = {"cached_tokens": cached, "audio_tokens": 0}
    if reasoning is not None:
        usage["completion_tokens_details"] = {
            "reasoning_tokens": reasoning, "audio_tokens": 0,
            "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}
    return usage


def completion_body(content: Any = "Done.", *, tool_calls: list[dict[str, Any]] | None = None,
                    usage: dict[str, Any] | None = None, finish_reason: str | None = None,
                    model: str = "test-model", message: dict[str, Any] | None = None
                    ) -> dict[str, Any]:
    msg: dict[str, Any] = {"role": "assistant", "content": content, "refusal": None,
                           "annotations": []}
    if tool_calls is not None:
        msg["tool_calls"] = tool_calls
    msg.update(message or {})
    return {
        "id": f"chatcmpl-{next(_ids):08d}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": msg, "logprobs": None,
                     "finish_reason": finish_reason or ("tool_calls" if tool_calls else "stop")}],
        "usage": usage if usage is not None else usage_body(),
        "service_tier": "default",
        "system_fingerprint": "fp_loopback",
    }


def completion(body: dict[str, Any], *, strict: bool = True,
               headers: dict[str, str] | None = None) -> Reply:
    """A 200 completion; strict=False marks a body that deliberately bends the spec."""
    return Reply(200, json.dumps(body).encode(), dict(headers or {}), json=body, strict=strict,
                 kind="completion")


def answer(text: str = "Done.", *, strict: bool = True, **kw: Any) -> Reply:
    return completion(completion_body(text, **kw), strict=strict)


def call_tools(*calls: dict[str, Any], text: str | None = None, strict: bool = True,
               **kw: Any) -> Reply:
    return completion(completion_body(text, tool_calls=list(calls), **kw), strict=strict)


def json_reply(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, json.dumps(value).encode(), dict(headers or {}), json=value, kind="json")


_ERROR_TYPES = {400: "invalid_request_error", 401: "invalid_request_error",
                403: "invalid_request_error", 404: "invalid_request_error",
                429: "requests", 500: "server_error", 503: "server_error"}


def error(status: int, message: str = "Something went wrong.", *, type_: str | None = None,
          code: str | None = None, param: str | None = None,
          headers: dict[str, str] | None = None) -> Reply:
    """An OpenAI-style error: {"error": {"message", "type", "param", "code"}}."""
    body = error_body(message, type_ or _ERROR_TYPES.get(status, "api_error"), param, code)
    return Reply(status, json.dumps(body).encode(), dict(headers or {}), json=body, kind="error")


def raw(body: bytes | str, status: int = 200, *, content_type: str | None = "application/json",
        headers: dict[str, str] | None = None, chunked: bool = False) -> Reply:
    data = body.encode() if isinstance(body, str) else body
    return Reply(status, data, dict(headers or {}), content_type=content_type, chunked=chunked)


def html_page(status: int = 502, reason: str = "Bad Gateway") -> Reply:
    page = (f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
            f"<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n"
            "</body>\r\n</html>\r\n")
    return raw(page, status, content_type="text/html")


def delay(seconds: float, then: Behaviour) -> Delay:
    return Delay(seconds, then)


def stall(**kw: Any) -> Stall:
    return Stall(**kw)


def cut(**kw: Any) -> Cut:
    return Cut(**kw)


def huge(n_bytes: int, *, chunked: bool = False) -> Huge:
    return Huge(n_bytes, chunked)


# --------------------------------------------------------------------------- the server


class VendorServer(loopback.Server):
    """A scripted Chat Completions endpoint on 127.0.0.1; use as a context manager. With an
    `api_key`, every request needs `Authorization: Bearer <api_key>` (else 401)."""

    def __init__(self, api_key: str | None = None, *, echo_key: bool = True) -> None:
        super().__init__(api_key)
        self.echo_key = echo_key
        """Quote the rejected key in full in the 401 message: the worst case for redaction."""

    # -- serving (handler threads)

    def _reject(self, ex: Exchange, status: int, bad: Invalid, type_: str = "invalid_request_error"
                ) -> None:
        ex.request.rejected = bad
        ex.send_json(status, error_body(bad.message, type_, bad.param, bad.code))

    def handle(self, ex: Exchange) -> None:
        req = ex.request
        if req.method != "POST" or req.path.split("?")[0] != CHAT_PATH:
            self._reject(ex, 404, Invalid(f"Invalid URL ({req.method} {req.path})"))
            return
        if self.api_key is not None:
            auth = req.headers.get("authorization", "")
            if not auth:
                self._reject(ex, 401, Invalid(
                    "You didn't provide an API key. You need to provide your API key in an "
                    "Authorization header using Bearer auth (i.e. Authorization: Bearer "
                    "YOUR_KEY)."))
                return
            if auth != f"Bearer {self.api_key}":
                given = auth.removeprefix("Bearer ")
                shown = given if self.echo_key else given[:3] + "*" * 8 + given[-4:]
                self._reject(ex, 401, Invalid(
                    f"Incorrect API key provided: {shown}. You can find your API key at "
                    "https://platform.openai.com/account/api-keys.", None, "invalid_api_key"))
                return
        if not req.parse_ok:
            self._reject(ex, 400, Invalid(
                "We could not parse the JSON body of your request. (HINT: This likely means "
                "you aren't using your HTTP library correctly.)"))
            return
        bad = check_request(req.json)
        if bad is not None:
            self._reject(ex, 400, bad)
            return
        item = self.next_script()
        if item is None:
            self.problems.append(f"request #{req.index}: nothing scripted")
            item = error(500, f"vendor_server: nothing scripted for request #{req.index}",
                         headers={"x-should-retry": "false"})
        behaviour = item if isinstance(item, Behaviour) else item(req)
        req.behaviour = behaviour.kind
        behaviour(ex)


@contextlib.contextmanager
def serving(api_key: str | None = None, **kw: Any) -> Iterator[VendorServer]:
    """A started server that is always stopped and joined, then checked with assert_clean()."""
    with loopback.serving(VendorServer(api_key, **kw)) as server:
        yield server
