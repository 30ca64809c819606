"""A fake Gemini API (`POST /v1beta/models/{model}:generateContent`) on loopback, scripted
request by request, and its referee.

`GeminiServer` rejects what the real API rejects (a functionResponse with no function call turn
before it, roles other than user/model, a missing thoughtSignature, schema keywords the API does
not know, a missing or wrong key...) with Google's error body. Replies: `generate` (parts built
with `text` and `gcall`), `gjson`, `google_error`, and the shared `raw` and `delay` of
tests/fakes/checked.py. `referee(server)`: google-genai's pydantic types (extra fields forbidden)
re-check every response body the server sent and every content, tool and generation config the
driver sent.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from google.genai import types

from .base import judge
from .checked import (
    LoopbackServer,
    Reply,
    Request,
    canon,
    new_id,
)

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


# --------------------------------------------------------------------------- referee


def sdk_check_request(body: dict[str, Any]) -> None:
    for content in body["contents"]:
        types.Content.model_validate(content)
    if "systemInstruction" in body:
        types.Content.model_validate(body["systemInstruction"])
    for tool in body.get("tools") or []:
        types.Tool.model_validate(tool)
    if "generationConfig" in body:
        types.GenerationConfig.model_validate(body["generationConfig"])


def referee(server: GeminiServer) -> None:
    for r in server.accepted:
        sdk_check_request(r.json)
    for r in server.requests:
        if r.behaviour == "generate":
            judge(types.GenerateContentResponse.model_validate, r.reply_json, r.strict)
        if r.rejected is not None or r.behaviour == "error":
            err = r.reply_json["error"]
            assert isinstance(err["code"], int) and isinstance(err["message"], str)
            assert err["status"] in STATUS_NAMES.values()
