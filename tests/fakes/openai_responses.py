"""A fake OpenAI Responses API (`POST /v1/responses`) on loopback, scripted request by request,
and its referee.

`ResponsesServer` rejects what the real API rejects (orphan function_call_output, unanswered
function_call, unknown previous_response_id, reasoning items it cannot verify...) with OpenAI's
error body, and stores responses so that `previous_response_id` chains work. Replies: `answer`,
`call_tools`, `respond` (any output list), `json_reply`, and the shared `raw` and `delay` of
tests/fakes/checked.py. `referee(server)`: the official openai SDK's types re-check every Response
the server sent and every request body and input item the driver sent.
"""

from __future__ import annotations

import copy
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from openai.types.responses import (
    EasyInputMessageParam,
    FunctionToolParam,
    Response,
    ResponseFunctionToolCallParam,
    ResponseInputItemParam,
    ResponseOutputMessageParam,
    ResponseReasoningItemParam,
)
from openai.types.responses.response_create_params import ResponseCreateParamsNonStreaming
from openai.types.responses.response_input_item_param import FunctionCallOutput
from openai.types.shared import ErrorObject
from pydantic import TypeAdapter

from .base import drain, judge
from .checked import (
    Behaviour,
    LoopbackServer,
    Reply,
    Request,
    canon,
    json_object,
    new_id,
)

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


# --------------------------------------------------------------------------- referee


SDK_REQUEST = TypeAdapter(ResponseCreateParamsNonStreaming)
SDK_ITEM = TypeAdapter(ResponseInputItemParam)
SDK_TOOL = TypeAdapter(FunctionToolParam)
ITEM_PARAMS: dict[str, Any] = {
    "function_call": ResponseFunctionToolCallParam, "function_call_output": FunctionCallOutput,
    "reasoning": ResponseReasoningItemParam,
}


# --------------------------------------------------------------------------- referee


def keys_of(typed_dict: Any) -> set[str]:
    return set(typed_dict.__required_keys__) | set(typed_dict.__optional_keys__)


def sdk_check_request(body: dict[str, Any]) -> None:
    drain(SDK_REQUEST.validate_python(body))
    assert set(body) <= keys_of(ResponseCreateParamsNonStreaming)
    for tool in body.get("tools") or []:
        drain(SDK_TOOL.validate_python(tool))
        assert set(tool) <= keys_of(FunctionToolParam)
    items = body["input"] if isinstance(body["input"], list) else []
    for item in items:
        drain(SDK_ITEM.validate_python(item))
        kind = item.get("type", "message")
        if kind == "message":
            param = ResponseOutputMessageParam if "id" in item else EasyInputMessageParam
        else:
            param = ITEM_PARAMS[kind]
        extra = set(item) - keys_of(param)
        assert not extra, f"{kind} item has fields the SDK does not know: {extra}"


def referee(server: ResponsesServer) -> None:
    for r in server.accepted:
        sdk_check_request(r.json)
    for r in server.requests:
        if r.behaviour == "response":
            judge(Response.model_validate, r.reply_json, r.strict)
        if r.rejected is not None or r.behaviour == "error":
            ErrorObject.model_validate(r.reply_json["error"])
