"""Real loopback servers for the OpenAI Responses API and Gemini `generateContent`, scripted
request by request, for the driver tests.

    with ResponsesServer(api_key=KEY) as server:
        server.script(call_tools(fcall("get_order", {"order_id": "A1"})), answer("Done."))
        ... point a driver at server.base_url ...
    server.assert_clean()

Each server checks every request the way the real API does (path, auth, then the body) and
answers a bad one with that provider's error status and body shape; only a valid request consumes
the next scripted behaviour. A script item is a Behaviour (a canned reply, a delay...) or a
function `(request) -> Behaviour`, so replies can echo what the request said, as the real APIs do.
Every request is recorded. `assert_clean()` fails the test if the client sent an invalid request,
a request nothing was scripted for, or sent back an output item or model turn that differs from
the one the server produced.

Standard library only: the SDK referees live in the tests.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .fakes import base as loopback

_ids = itertools.count(1)


def new_id(prefix: str) -> str:
    return f"{prefix}_{next(_ids):06d}{'0' * 10}"


def canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def json_object(text: Any) -> bool:
    """`text` is a string holding a JSON object (what function-call arguments must be)."""
    try:
        return isinstance(text, str) and isinstance(json.loads(text), dict)
    except ValueError:
        return False


# --------------------------------------------------------------------------- requests, behaviours


Request = loopback.Request
"""One request as the server saw it: `path` without the query string (that is in `query`),
`rejected` the refusal's status and error body as text."""
Exchange = loopback.Exchange


class Behaviour(loopback.Behaviour):
    def reply(self) -> Reply | None:
        """The Reply this behaviour will send, if it sends one."""
        return None


@dataclass
class Reply(Behaviour):
    status: int = 200
    json: Any = None
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    kind: str = "reply"
    strict: bool = True

    def __call__(self, ex: Exchange) -> None:
        ex.request.reply_json = self.json
        ex.request.strict = self.strict
        payload = self.raw if self.raw is not None else json.dumps(self.json).encode()
        ex.send(self.status, payload, self.headers, content_type=self.content_type)

    def reply(self) -> Reply | None:
        return self


@dataclass
class Delay(loopback.Delay, Behaviour):
    then: Behaviour

    def reply(self) -> Reply | None:
        return self.then.reply()


Script = Behaviour | Callable[[Request], Behaviour]


def raw(body: bytes | str, status: int = 200, content_type: str = "text/html",
        headers: dict[str, str] | None = None) -> Reply:
    data = body.encode() if isinstance(body, str) else body
    return Reply(status, None, data, dict(headers or {}), content_type, kind="raw")


def delay(seconds: float, then: Script) -> Callable[[Request], Behaviour]:
    return lambda req: Delay(seconds, then if isinstance(then, Behaviour) else then(req))


# --------------------------------------------------------------------------- the server


class LoopbackServer(loopback.Server):
    """Scripting and checks common to both protocols; subclasses speak one via `check` and
    `issued`."""

    prefix = "/v1"
    split_query = True

    # -- assertions

    def unexpected(self) -> list[str]:
        """Every refused request (not only 400s), and scripted replies never requested."""
        problems = [] if self.expect_invalid else [
            f"request #{r.index} rejected: {r.status} {r.rejected}"
            for r in self.requests if r.rejected is not None]
        if self.pending:
            problems.append(f"{self.pending} scripted replies never requested")
        return problems

    # -- protocol hooks

    def check(self, req: Request, parse_ok: bool) -> Reply | None:
        """A rejection (status and the provider's error body) or None to accept."""
        raise NotImplementedError

    def issued(self, req: Request, reply: Reply) -> None:
        """Called with an accepted request's reply before it is sent."""

    def nothing_scripted(self, req: Request) -> Reply:
        raise NotImplementedError

    # -- serving (handler threads)

    def handle(self, ex: Exchange) -> None:
        req = ex.request
        with self._lock:  # one request at a time: state (stored responses) stays coherent
            rejection = self.check(req, req.parse_ok)
            if rejection is not None:
                req.rejected = f"{rejection.status} {canon(rejection.json)[:300]}"
                behaviour: Behaviour = rejection
            else:
                item = self.next_script()
                if item is None:
                    self.problems.append(f"request #{req.index}: nothing scripted")
                    item = self.nothing_scripted(req)
                behaviour = item if isinstance(item, Behaviour) else item(req)
                req.behaviour = behaviour.kind
                reply = behaviour.reply()
                if reply is not None and reply.status == 200 and reply.json is not None:
                    self.issued(req, reply)
        behaviour(ex)


serving = loopback.serving


# =========================================================================== OpenAI Responses

RESPONSES_PATH = "/v1/responses"
RESPONSES_KEYS = {
    "access_programs", "background", "background_options", "context_management", "conversation",
    "image", "include", "input", "instructions", "max_output_tokens", "max_tool_calls",
    "metadata", "model", "moderation", "parallel_tool_calls", "previous_response_id", "prompt",
    "prompt_cache_key", "prompt_cache_options", "prompt_cache_retention", "reasoning",
    "safety_identifier", "service_tier", "store", "stream", "stream_options", "temperature",
    "text", "tool_choice", "tools", "top_logprobs", "top_p", "truncation", "user",
}
INPUT_ITEM_TYPES = ("message", "function_call", "function_call_output", "reasoning",
                    "item_reference", "web_search_call")
FUNCTION_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


def openai_error(status: int, message: str, *, type_: str = "invalid_request_error",
                 param: str | None = None, code: str | None = None,
                 headers: dict[str, str] | None = None) -> Reply:
    body = {"error": {"message": message, "type": type_, "param": param, "code": code}}
    return Reply(status, body, headers=dict(headers or {}), kind="error")


def _bad(message: str, param: str | None = None, code: str | None = None,
         status: int = 400) -> Reply:
    return openai_error(status, message, param=param, code=code)


def _strict_schema_problem(schema: Any, where: str = "()") -> str | None:
    """Why a schema cannot be used with strict mode (the Responses API default), or None."""
    if not isinstance(schema, dict):
        return None
    if schema.get("type") == "object" or "properties" in schema:
        if schema.get("additionalProperties") is not False:
            return (f"In context={where}, 'additionalProperties' is required to be supplied and "
                    "to be false.")
        props = schema.get("properties") or {}
        missing = [p for p in props if p not in (schema.get("required") or [])]
        if missing:
            return (f"In context={where}, 'required' is required to be supplied and to be an "
                    f"array including every key in properties. Missing '{missing[0]}'.")
        for name, sub in props.items():
            bad = _strict_schema_problem(sub, f"('properties', '{name}')")
            if bad:
                return bad
    return None


@dataclass
class _Stored:
    context: list[dict[str, Any]]
    """Every item before this response's output: the chain so far plus this request's input."""
    output: list[dict[str, Any]]


class ResponsesServer(LoopbackServer):
    prefix = "/v1"

    def __init__(self, api_key: str | None = None) -> None:
        super().__init__(api_key)
        self.stored: dict[str, _Stored] = {}
        self.items: dict[str, dict[str, Any]] = {}
        """Every output item sent, by id, exactly as sent."""

    def nothing_scripted(self, req: Request) -> Reply:
        return openai_error(500, f"nothing scripted for request #{req.index}", type_="server_error",
                            headers={"x-should-retry": "false"})

    # -- what the conversation is, as the server sees it

    @staticmethod
    def input_items(body: dict[str, Any]) -> list[dict[str, Any]]:
        value = body.get("input")
        if isinstance(value, str):
            return [{"type": "message", "role": "user", "content": value}]
        return list(value) if isinstance(value, list) else []

    def context(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """The whole conversation a request continues: stored chain plus its input."""
        prev = body.get("previous_response_id")
        before: list[dict[str, Any]] = []
        if isinstance(prev, str) and prev in self.stored:
            stored = self.stored[prev]
            before = stored.context + stored.output
        return before + self.input_items(body)

    # -- validation

    def check(self, req: Request, parse_ok: bool) -> Reply | None:
        if req.method != "POST" or req.path != RESPONSES_PATH:
            return openai_error(404, f"Invalid URL ({req.method} {req.path})")
        if self.api_key is not None:
            auth = req.headers.get("authorization", "")
            if not auth:
                return openai_error(401, "You didn't provide an API key. You need to provide "
                                    "your API key in an Authorization header using Bearer auth "
                                    "(i.e. Authorization: Bearer YOUR_KEY).")
            if auth != f"Bearer {self.api_key}":
                given = auth.removeprefix("Bearer ")
                return openai_error(401, f"Incorrect API key provided: {given[:3]}****"
                                    f"{given[-4:]}.", code="invalid_api_key")
        if not parse_ok or not isinstance(req.json, dict):
            return _bad("We could not parse the JSON body of your request. (HINT: This likely "
                        "means you aren't using your HTTP library correctly.)")
        body = req.json
        for key in body:
            if key not in RESPONSES_KEYS:
                return _bad(f"Unknown parameter: '{key}'.", key, "unknown_parameter")
        if not isinstance(body.get("model"), str) or not body["model"]:
            return _bad("Missing required parameter: 'model'.", "model",
                        "missing_required_parameter")
        if body.get("stream"):
            return _bad("this test server does not stream", "stream")
        if "tools" in body:
            bad = self._check_tools(body["tools"])
            if bad:
                return bad
        prev = body.get("previous_response_id")
        if prev is not None:
            if "conversation" in body:
                return _bad("Mutually exclusive parameters: Ensure you are only providing one "
                            "of: 'previous_response_id' or 'conversation'.",
                            code="mutually_exclusive_parameters")
            if not isinstance(prev, str) or prev not in self.stored:
                return _bad(f"Previous response with id '{prev}' not found.",
                            "previous_response_id", "previous_response_not_found", 404)
        value = body.get("input")
        if not isinstance(value, (str, list)):
            return _bad("Missing required parameter: 'input'.", "input",
                        "missing_required_parameter")
        items = self.input_items(body)
        for i, item in enumerate(items):
            bad = self._check_item(body, items, i, item)
            if bad:
                return bad
        bad = self._check_pairing(self.context(body))
        if bad is None:
            self._check_echoes(items)
        return bad

    def _check_tools(self, tools: Any) -> Reply | None:
        if not isinstance(tools, list):
            return _bad("Invalid type for 'tools': expected an array.", "tools", "invalid_type")
        for k, tool in enumerate(tools):
            here = f"tools[{k}]"
            if not isinstance(tool, dict) or tool.get("type") != "function":
                return _bad(f"Invalid value for '{here}.type'.", f"{here}.type", "invalid_value")
            if not isinstance(tool.get("name"), str):
                return _bad(f"Missing required parameter: '{here}.name'.", f"{here}.name",
                            "missing_required_parameter")
            if not FUNCTION_NAME.match(tool["name"]):
                return _bad(f"Invalid '{here}.name': string does not match pattern. Expected a "
                            "string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
                            f"{here}.name", "invalid_value")
            extra = set(tool) - {"type", "name", "description", "parameters", "strict",
                                 "defer_loading", "output_schema"}
            if extra:
                return _bad(f"Unknown parameter: '{here}.{sorted(extra)[0]}'.",
                            f"{here}.{sorted(extra)[0]}", "unknown_parameter")
            params = tool.get("parameters")
            if params is not None and not isinstance(params, dict):
                return _bad(f"Invalid type for '{here}.parameters': expected an object.",
                            f"{here}.parameters", "invalid_type")
            if tool.get("strict") is not False:  # strict is the default
                why = _strict_schema_problem(params)
                if why:
                    return _bad(f"Invalid schema for function '{tool['name']}': {why}",
                                f"{here}.parameters", "invalid_function_parameters")
        return None

    def _check_item(self, body: dict[str, Any], items: list[dict[str, Any]], i: int,
                    item: Any) -> Reply | None:
        here = f"input[{i}]"
        if not isinstance(item, dict):
            return _bad(f"Invalid type for '{here}': expected an object.", here, "invalid_type")
        kind = item.get("type", "message" if "role" in item else None)
        if kind not in INPUT_ITEM_TYPES:
            supported = ", ".join(f"'{t}'" for t in INPUT_ITEM_TYPES)
            return _bad(f"Invalid value: '{kind}'. Supported values are: {supported}.",
                        f"{here}.type", "invalid_value")
        if kind == "message":
            role = item.get("role")
            if role not in ("user", "assistant", "system", "developer"):
                return _bad(f"Invalid value: '{role}'. Supported values are: 'assistant', "
                            "'system', 'developer', and 'user'.", f"{here}.role",
                            "invalid_value")
            content = item.get("content")
            allowed = {"output_text", "refusal"} if role == "assistant" else {
                "input_text", "input_image", "input_file"}
            if isinstance(content, list):
                for j, part in enumerate(content):
                    ptype = part.get("type") if isinstance(part, dict) else None
                    if ptype not in allowed:
                        return _bad(f"Invalid value: '{ptype}'. Supported values are: "
                                    f"{sorted(allowed)}.", f"{here}.content[{j}].type",
                                    "invalid_value")
            elif not isinstance(content, str):
                return _bad(f"Missing required parameter: '{here}.content'.",
                            f"{here}.content", "missing_required_parameter")
        elif kind == "function_call":
            for key in ("call_id", "name", "arguments"):
                if not isinstance(item.get(key), str):
                    return _bad(f"Missing required parameter: '{here}.{key}'.", f"{here}.{key}",
                                "missing_required_parameter")
            if not json_object(item["arguments"]):
                return _bad(f"Invalid '{here}.arguments': the arguments of a function call "
                            "must be a JSON object.", f"{here}.arguments", "invalid_value")
        elif kind == "function_call_output":
            if not isinstance(item.get("call_id"), str) or not item["call_id"]:
                return _bad(f"Missing required parameter: '{here}.call_id'.",
                            f"{here}.call_id", "missing_required_parameter")
            if not isinstance(item.get("output"), (str, list)):
                return _bad(f"Missing required parameter: '{here}.output'.",
                            f"{here}.output", "missing_required_parameter")
        elif kind == "reasoning":
            rid = item.get("id")
            if not isinstance(rid, str) or not isinstance(item.get("summary"), list):
                return _bad(f"Missing required parameter: '{here}.summary'.",
                            f"{here}.summary", "missing_required_parameter")
            nxt = items[i + 1] if i + 1 < len(items) else None
            if not isinstance(nxt, dict) or nxt.get("type") not in ("function_call", "message"):
                return _bad(f"Item '{rid}' of type 'reasoning' was provided without its "
                            "required following item.", "input")
            sent = self.items.get(rid)
            if "encrypted_content" in item:
                if sent is None or item["encrypted_content"] != sent.get("encrypted_content"):
                    return _bad(f"The encrypted content for item {rid} could not be verified.",
                                code="invalid_encrypted_content")
            elif body.get("store") is False or rid not in self._stored_item_ids():
                return _bad(f"Item with id '{rid}' not found. Items are not persisted when "
                            "`store` is set to false. Try again with `store` set to true, or "
                            "remove this item from your input.", "input", status=404)
        return None

    def _check_echoes(self, items: list[dict[str, Any]]) -> None:
        """Output items must come back exactly as sent (not an API rule: our driver's promise),
        except the arguments of a function_call that were not a JSON object, which the API
        would refuse: those come back as "{}"."""
        for item in items:
            iid = item.get("id")
            sent = self.items.get(iid) if isinstance(iid, str) else None
            if sent is not None and sent.get("type") == "function_call" and not json_object(
                    sent.get("arguments")) and item.get("arguments") == "{}":
                sent = {**sent, "arguments": "{}"}
            if sent is not None and canon(item) != canon(sent):
                self.problems.append(f"item {iid} was not sent back exactly as received:\n"
                                     f"  sent {canon(sent)}\n  got  {canon(item)}")

    def _stored_item_ids(self) -> set[str]:
        return {str(item.get("id")) for s in self.stored.values() for item in s.output}

    def _check_pairing(self, items: list[dict[str, Any]]) -> Reply | None:
        calls: dict[str, bool] = {}
        for item in items:
            kind = item.get("type", "message" if "role" in item else None)
            if kind == "function_call":
                calls[item["call_id"]] = False
            elif kind == "function_call_output":
                cid = item["call_id"]
                if cid not in calls:
                    return _bad(f"No tool call found for function call output with call_id "
                                f"{cid}.", "input")
                calls[cid] = True
        for cid, answered in calls.items():
            if not answered:
                return _bad(f"No tool output found for function call {cid}.", "input")
        return None

    # -- replies

    def issued(self, req: Request, reply: Reply) -> None:
        data = reply.json
        if not isinstance(data, dict) or data.get("object") != "response":
            return
        for item in data.get("output") or []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                self.items[item["id"]] = copy.deepcopy(item)
        if req.json.get("store") is not False and data.get("status") in ("completed",
                                                                          "incomplete"):
            self.stored[data["id"]] = _Stored(self.context(req.json),
                                              copy.deepcopy(data.get("output") or []))


def message(text: str) -> dict[str, Any]:
    return {"id": new_id("msg"), "type": "message", "status": "completed", "role": "assistant",
            "content": [{"type": "output_text", "text": text, "annotations": [],
                         "logprobs": []}]}


def fcall(name: str, args: Any = None, call_id: str | None = None) -> dict[str, Any]:
    arguments = args if isinstance(args, str) else json.dumps(args or {})
    return {"id": new_id("fc"), "type": "function_call", "status": "completed",
            "call_id": call_id or new_id("call"), "name": name, "arguments": arguments}


def reasoning(summary: str | None = None) -> dict[str, Any]:
    """A reasoning item; it gets its encrypted_content only when the request asked for it."""
    item: dict[str, Any] = {"id": new_id("rs"), "type": "reasoning", "summary": []}
    if summary:
        item["summary"] = [{"type": "summary_text", "text": summary}]
    return item


def responses_usage(inp: int = 40, out: int = 12, cached: int = 0, reasoning_: int = 0
                    ) -> dict[str, Any]:
    return {"input_tokens": inp, "input_tokens_details": {"cached_tokens": cached,
                                                          "cache_write_tokens": 0},
            "output_tokens": out, "output_tokens_details": {"reasoning_tokens": reasoning_},
            "total_tokens": inp + out}


def response_body(req: Request, output: list[dict[str, Any]], *, status: str = "completed",
                  usage: dict[str, Any] | None = None, incomplete: str | None = None,
                  error: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """A full Response object echoing the request, as the API returns it."""
    body = req.json if isinstance(req.json, dict) else {}
    include = body.get("include") or []
    out = copy.deepcopy(output)
    for item in out:
        if item.get("type") == "reasoning" and "reasoning.encrypted_content" in include:
            item["encrypted_content"] = f"gAAAA-{item['id']}-opaque"
    data: dict[str, Any] = {
        "id": new_id("resp"), "object": "response", "created_at": time.time(),
        "status": status, "background": False, "error": error,
        "incomplete_details": {"reason": incomplete} if incomplete else None,
        "instructions": body.get("instructions"), "max_output_tokens":
            body.get("max_output_tokens"), "max_tool_calls": None,
        "model": body.get("model", "test-model"), "output": out,
        "parallel_tool_calls": body.get("parallel_tool_calls", True),
        "previous_response_id": body.get("previous_response_id"),
        "reasoning": {"effort": None, "summary": None}, "service_tier": "default",
        "store": body.get("store", True), "temperature": 1.0,
        "text": {"format": {"type": "text"}, "verbosity": "medium"},
        "tool_choice": body.get("tool_choice", "auto"),
        "tools": [{**t, "strict": t.get("strict", True)} for t in body.get("tools") or []],
        "top_p": 1.0, "truncation": "disabled",
        "usage": usage if usage is not None else responses_usage(),
        "user": None, "metadata": {},
    }
    data.update(extra)
    return data


def respond(output: list[dict[str, Any]], *, strict: bool = True, headers: dict[str, str] |
            None = None, **kw: Any) -> Callable[[Request], Behaviour]:
    """A 200 Response built from the request it answers."""
    def build(req: Request) -> Behaviour:
        return Reply(200, response_body(req, output, **kw), headers=dict(headers or {}),
                     kind="response", strict=strict)
    return build


def answer(text: str = "Done.", **kw: Any) -> Callable[[Request], Behaviour]:
    return respond([message(text)], **kw)


def call_tools(*calls: dict[str, Any], text: str | None = None, think: bool = False,
               **kw: Any) -> Callable[[Request], Behaviour]:
    output = ([reasoning("Planning the calls.")] if think else []) + (
        [message(text)] if text else []) + list(calls)
    return respond(output, **kw)


def json_reply(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, value, headers=dict(headers or {}), kind="json", strict=False)


# =========================================================================== Gemini

GEMINI_PATH = re.compile(r"^/v1beta/models/([^/:]+):generateContent$")
GEMINI_KEYS = {"contents", "tools", "toolConfig", "safetySettings", "systemInstruction",
               "generationConfig", "cachedContent", "labels", "model"}
PART_DATA = ("text", "inlineData", "functionCall", "functionResponse", "fileData",
             "executableCode", "codeExecutionResult")
PART_KEYS = {*PART_DATA, "thought", "thoughtSignature", "videoMetadata", "partMetadata",
             "mediaResolution"}
SCHEMA_KEYS = {"type", "format", "title", "description", "nullable", "enum", "maxItems",
               "minItems", "properties", "required", "minProperties", "maxProperties",
               "minLength", "maxLength", "pattern", "example", "anyOf", "propertyOrdering",
               "default", "items", "minimum", "maximum"}
SCHEMA_TYPES = {"STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT", "NULL"}
GEMINI_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_.:-]{0,127}$")
STATUS_NAMES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
                404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL",
                503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}
MISSING_SIGNATURE = (
    "Function call is missing a thought_signature in functionCall parts. This is required for "
    "tools to work correctly, and missing thought_signature may lead to degraded model "
    "performance. Additional data, function call `default_api:{name}` , position {pos}. Please "
    "refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.")


def google_error(status: int, message: str, *, details: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None) -> Reply:
    err: dict[str, Any] = {"code": status, "message": message,
                           "status": STATUS_NAMES.get(status, "UNKNOWN")}
    if details is not None:
        err["details"] = details
    return Reply(status, {"error": err}, headers=dict(headers or {}), kind="error")


def retry_info(delay: str) -> dict[str, Any]:
    return {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": delay}


def _gbad(message: str) -> Reply:
    return google_error(400, message)


def _unknown(name: str, at: str | None = None) -> Reply:
    where = f" at '{at}'" if at else ""
    return _gbad(f'Invalid JSON payload received. Unknown name "{name}"{where}: Cannot find '
                 "field.")


class GeminiServer(LoopbackServer):
    prefix = "/v1beta"

    def __init__(self, api_key: str | None = None, auth: str = "header") -> None:
        super().__init__(api_key)
        self.auth = auth
        """How the key must arrive: "header" (x-goog-api-key) or "query" (?key=), either
        accepted as the real API does, or "bearer" (Vertex AI style OAuth token)."""
        self.turns: set[str] = set()
        """Every model content sent, canonical JSON."""
        self.signatures: dict[str, str] = {}
        """thoughtSignature by functionCall (canonical JSON) for every call sent with one."""

    def nothing_scripted(self, req: Request) -> Reply:
        return google_error(500, f"nothing scripted for request #{req.index}",
                            headers={"x-should-retry": "false"})

    # -- validation

    def check(self, req: Request, parse_ok: bool) -> Reply | None:
        m = GEMINI_PATH.match(req.path)
        if req.method != "POST" or not m:
            return google_error(404, f"models/x is not found for API version v1beta, or is not "
                                f"supported for generateContent ({req.method} {req.path}).")
        bad = self._check_auth(req)
        if bad:
            return bad
        if not parse_ok:
            return _gbad("Invalid JSON payload received. Unexpected token.")
        body = req.json
        if not isinstance(body, dict):
            return _gbad("Invalid JSON payload received. Expected an object.")
        for key in body:
            if key not in GEMINI_KEYS:
                return _unknown(key)
        contents = body.get("contents")
        if not isinstance(contents, list) or not contents:
            return _gbad("* GenerateContentRequest.contents: contents is not specified\n")
        for i, content in enumerate(contents):
            bad = self._check_content(content, f"contents[{i}]", system=False)
            if bad:
                return bad
        bad = self._check_turns(contents)
        if bad:
            return bad
        if "systemInstruction" in body:
            bad = self._check_content(body["systemInstruction"], "system_instruction",
                                      system=True)
            if bad:
                return bad
        if "tools" in body:
            bad = self._check_tools(body["tools"])
            if bad:
                return bad
        config = body.get("generationConfig")
        if config is not None and not isinstance(config, dict):
            return _gbad("Invalid value at 'generation_config'.")
        self._check_echoes(contents)
        return None

    def _check_auth(self, req: Request) -> Reply | None:
        if self.api_key is None:
            return None
        if self.auth == "bearer":
            if req.headers.get("authorization") != f"Bearer {self.api_key}":
                return google_error(401, "Request had invalid authentication credentials. "
                                    "Expected OAuth 2 access token, login cookie or other "
                                    "valid authentication credential.")
            return None
        key = req.headers.get("x-goog-api-key") or (req.query.get("key") or [""])[0]
        if not key:
            return google_error(403, "Method doesn't allow unregistered callers (callers "
                                "without established identity). Please use API Key or other "
                                "form of API consumer identity to call this API.")
        if key != self.api_key:
            return google_error(400, "API key not valid. Please pass a valid API key.", details=[
                {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason":
                 "API_KEY_INVALID", "domain": "googleapis.com",
                 "metadata": {"service": "generativelanguage.googleapis.com"}}])
        return None

    def _check_content(self, content: Any, where: str, *, system: bool) -> Reply | None:
        if not isinstance(content, dict):
            return _gbad(f"Invalid value at '{where}': expected an object.")
        for key in content:
            if key not in ("role", "parts"):
                return _unknown(key, where)
        role = content.get("role")
        if not system and role not in ("user", "model"):
            return _gbad("Please use a valid role: user, model.")
        parts = content.get("parts")
        if not isinstance(parts, list) or not parts:
            return _gbad(f"* GenerateContentRequest.{where}.parts: contents.parts must not be "
                         "empty.\n")
        for j, part in enumerate(parts):
            here = f"{where}.parts[{j}]"
            if not isinstance(part, dict):
                return _gbad(f"Invalid value at '{here}': expected an object.")
            for key in part:
                if key not in PART_KEYS:
                    return _unknown(key, here)
            data = [k for k in PART_DATA if k in part]
            if len(data) != 1:
                return _gbad(f"* GenerateContentRequest.{here}.data: required oneof field "
                             "'data' must have one initialized field\n")
            if "functionCall" in part and role != "model":
                return _gbad(f"* GenerateContentRequest.{here}: functionCall parts are only "
                             "allowed in model turns.\n")
            if "functionResponse" in part:
                fr = part["functionResponse"]
                if role != "user" or not isinstance(fr, dict) or not isinstance(
                        fr.get("name"), str):
                    return _gbad(f"* GenerateContentRequest.{here}.function_response.name: "
                                 "Name cannot be empty.\n")
                if not isinstance(fr.get("response"), dict):
                    return _gbad(f"Invalid value at '{here}.function_response.response' "
                                 "(type.googleapis.com/google.protobuf.Struct)")
                for key in fr:
                    if key not in ("id", "name", "response", "willContinue", "scheduling",
                                   "parts"):
                        return _unknown(key, f"{here}.function_response")
            if "functionCall" in part and not isinstance(part["functionCall"].get("args", {}),
                                                         dict):
                return _gbad(f"Invalid value at '{here}.function_call.args' "
                             "(type.googleapis.com/google.protobuf.Struct)")
            if "text" in part and not isinstance(part["text"], str):
                return _gbad(f"Invalid value at '{here}.text' (TYPE_STRING)")
        return None

    def _check_turns(self, contents: list[dict[str, Any]]) -> Reply | None:
        for i, content in enumerate(contents):
            prev = contents[i - 1] if i else None
            if prev is not None and prev["role"] == content["role"]:
                return _gbad("Please ensure that multiturn requests alternate between user and "
                             "model.")
            calls = [p["functionCall"] for p in content["parts"] if "functionCall" in p]
            responses = [p["functionResponse"] for p in content["parts"]
                         if "functionResponse" in p]
            if responses:
                prev_calls = [p["functionCall"] for p in (prev or {}).get("parts", [])
                              if "functionCall" in p]
                if not prev_calls:
                    return _gbad("Please ensure that function response turn comes immediately "
                                 "after a function call turn.")
                if len(prev_calls) != len(responses):
                    return _gbad("Please ensure that the number of function response parts is "
                                 "equal to the number of function call parts of the function "
                                 "call turn.")
                for call, resp in zip(prev_calls, responses, strict=True):
                    if resp.get("name") != call.get("name") or (
                            "id" in call and resp.get("id") != call["id"]):
                        return _gbad("Please ensure that function response parts match the "
                                     "function call parts of the function call turn (name "
                                     f"{resp.get('name')!r}, id {resp.get('id')!r}).")
            if calls:
                if prev is None or prev["role"] != "user":
                    return _gbad("Please ensure that function call turn comes immediately after "
                                 "a user turn or after a function response turn.")
                nxt = contents[i + 1] if i + 1 < len(contents) else None
                if nxt is not None and not any("functionResponse" in p for p in nxt["parts"]):
                    return _gbad("Please ensure that function call turn is followed by a "
                                 "function response turn.")
            if content["role"] == "model":
                pos = 0
                for part in content["parts"]:
                    if "functionCall" not in part:
                        continue
                    pos += 1
                    sig = self.signatures.get(canon(part["functionCall"]))
                    if sig is not None and part.get("thoughtSignature") != sig:
                        return _gbad(MISSING_SIGNATURE.format(
                            name=part["functionCall"].get("name"), pos=pos))
        return None

    def _check_echoes(self, contents: list[dict[str, Any]]) -> None:
        """Model turns must come back exactly as sent (not an API rule: our driver's promise)."""
        for i, content in enumerate(contents):
            if content["role"] == "model" and canon(content) not in self.turns:
                self.problems.append(f"contents[{i}] is not a model turn the server sent, "
                                     f"unchanged: {canon(content)[:300]}")

    def _check_tools(self, tools: Any) -> Reply | None:
        if not isinstance(tools, list):
            return _gbad("Invalid value at 'tools': expected a list.")
        for k, tool in enumerate(tools):
            if not isinstance(tool, dict):
                return _gbad(f"Invalid value at 'tools[{k}]'.")
            for key in tool:
                if key not in ("functionDeclarations", "googleSearch", "codeExecution",
                               "urlContext"):
                    return _unknown(key, f"tools[{k}]")
            for d, decl in enumerate(tool.get("functionDeclarations") or []):
                here = f"tools[{k}].function_declarations[{d}]"
                if not isinstance(decl, dict):
                    return _gbad(f"Invalid value at '{here}'.")
                for key in decl:
                    if key not in ("name", "description", "parameters", "parametersJsonSchema",
                                   "response", "responseJsonSchema", "behavior"):
                        return _unknown(key, here)
                if not isinstance(decl.get("name"), str) or not GEMINI_NAME.match(decl["name"]):
                    return _gbad(f"* GenerateContentRequest.{here}.name: Invalid function name. "
                                 "Must start with a letter or an underscore. Must be alphameric "
                                 "(a-z, A-Z, 0-9), underscores (_), dots (.), colons (:), or "
                                 "dashes (-), with a maximum length of 128.\n")
                if "parameters" in decl and "parametersJsonSchema" in decl:
                    return _gbad(f"* GenerateContentRequest.{here}: parameters and "
                                 "parameters_json_schema are mutually exclusive.\n")
                if "parameters" in decl:
                    bad = self._check_schema(decl["parameters"], f"{here}.parameters")
                    if bad:
                        return bad
        return None

    def _check_schema(self, schema: Any, where: str) -> Reply | None:
        if not isinstance(schema, dict):
            return _gbad(f"Invalid value at '{where}' (type.googleapis.com/google.ai."
                         "generativelanguage.v1beta.Schema)")
        for key in schema:
            if key not in SCHEMA_KEYS:
                return _unknown(key, where)
        kind = schema.get("type")
        if kind is not None and (not isinstance(kind, str) or kind.upper() not in SCHEMA_TYPES):
            return _gbad(f"Invalid value at '{where}.type' (type.googleapis.com/google.ai."
                         f"generativelanguage.v1beta.Type), {json.dumps(kind)}")
        kind = kind.upper() if isinstance(kind, str) else None
        fmt = schema.get("format")
        if kind == "STRING" and fmt is not None and fmt not in ("enum", "date-time"):
            return _gbad(f"* GenerateContentRequest.{where}.format: only 'enum' and 'date-time' "
                         "are supported for STRING type\n")
        enum = schema.get("enum")
        if enum is not None and (not isinstance(enum, list) or
                                 not all(isinstance(v, str) for v in enum)):
            return _gbad(f"Invalid value at '{where}.enum' (TYPE_STRING)")
        props = schema.get("properties")
        if kind == "OBJECT" and props is not None:
            if not isinstance(props, dict) or not props:
                return _gbad(f"* GenerateContentRequest.{where}.properties: should be non-empty "
                             "for OBJECT type\n")
            for name, sub in props.items():
                bad = self._check_schema(sub, f"{where}.properties[{name}]")
                if bad:
                    return bad
        for r, name in enumerate(schema.get("required") or []):
            if not isinstance(props, dict) or name not in props:
                return _gbad(f"* GenerateContentRequest.{where}.required[{r}]: property is not "
                             "defined\n")
        if kind == "ARRAY":
            if "items" not in schema:
                return _gbad(f"* GenerateContentRequest.{where}.items: missing field.\n")
            bad = self._check_schema(schema["items"], f"{where}.items")
            if bad:
                return bad
        for v, sub in enumerate(schema.get("anyOf") or []):
            bad = self._check_schema(sub, f"{where}.any_of[{v}]")
            if bad:
                return bad
        return None

    # -- replies

    def issued(self, req: Request, reply: Reply) -> None:
        data = reply.json
        for cand in (data.get("candidates") or []) if isinstance(data, dict) else []:
            content = cand.get("content") if isinstance(cand, dict) else None
            if not isinstance(content, dict):
                continue
            self.turns.add(canon(content))
            self.turns.add(canon(args_repaired(content)))
            for part in content.get("parts") or []:
                if "functionCall" in part and "thoughtSignature" in part:
                    self.signatures[canon(part["functionCall"])] = part["thoughtSignature"]


def args_repaired(content: dict[str, Any]) -> dict[str, Any]:
    """A model turn as the driver may send it back: a functionCall whose `args` is not an object
    (which the API refuses) with `args: {}`, everything else unchanged."""
    parts = [{**p, "functionCall": {**p["functionCall"], "args": {}}}
             if isinstance(p, dict) and isinstance(p.get("functionCall"), dict)
             and "args" in p["functionCall"] and not isinstance(p["functionCall"]["args"], dict)
             else p for p in content.get("parts") or []]
    return {**content, "parts": parts}


def text(t: str, *, thought: bool = False, signature: str | None = None) -> dict[str, Any]:
    part: dict[str, Any] = {"text": t}
    if thought:
        part["thought"] = True
    if signature:
        part["thoughtSignature"] = signature
    return part


def gcall(name: str, args: dict[str, Any] | None = None, *, call_id: str | None = "auto",
          signature: str | None = None) -> dict[str, Any]:
    """A functionCall part; call_id None leaves the id out, as the Gemini API often does."""
    fc: dict[str, Any] = {"name": name, "args": args if args is not None else {}}
    if call_id is not None:
        fc = {"id": new_id("fc") if call_id == "auto" else call_id, **fc}
    part: dict[str, Any] = {"functionCall": fc}
    if signature:
        part["thoughtSignature"] = signature
    return part


def gusage(prompt: int = 30, candidates: int = 8, *, cached: int | None = None,
           thoughts: int | None = None) -> dict[str, Any]:
    usage: dict[str, Any] = {"promptTokenCount": prompt, "candidatesTokenCount": candidates,
                             "totalTokenCount": prompt + candidates + (thoughts or 0)}
    if cached is not None:
        usage["cachedContentTokenCount"] = cached
    if thoughts is not None:
        usage["thoughtsTokenCount"] = thoughts
    return usage


def generate_body(parts: list[dict[str, Any]] | None, *, finish: str | None = "STOP",
                  usage: dict[str, Any] | None = None, model: str = "gemini-test",
                  **extra: Any) -> dict[str, Any]:
    candidate: dict[str, Any] = {"index": 0}
    if parts is not None:
        candidate["content"] = {"role": "model", "parts": copy.deepcopy(parts)}
    if finish:
        candidate["finishReason"] = finish
    data: dict[str, Any] = {"candidates": [candidate],
                            "usageMetadata": usage if usage is not None else gusage(),
                            "modelVersion": model, "responseId": new_id("r")}
    data.update(extra)
    return data


def generate(parts: list[dict[str, Any]] | None, *, strict: bool = True,
             headers: dict[str, str] | None = None, **kw: Any) -> Reply:
    return Reply(200, generate_body(parts, **kw), headers=dict(headers or {}),
                 kind="generate", strict=strict)


def gjson(value: Any, status: int = 200) -> Reply:
    """Any 200 JSON body, refereed as a GenerateContentResponse."""
    return Reply(status, value, kind="generate")
