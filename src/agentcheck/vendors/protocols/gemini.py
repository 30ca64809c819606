"""Google Gemini `generateContent` (Gemini API and Vertex AI).

`POST {base_url}/models/{model}:generateContent`. The key goes in `x-goog-api-key` by default;
`auth: bearer` sends `Authorization: Bearer` (Vertex AI with an OAuth token) and `auth:
query-key` puts `?key=` in the URL (registered as a secret, so it is masked in every message).

- Tool calls are recognised by `functionCall` parts: `finishReason` is `STOP` for them too.
- The model's `content` goes back into the history exactly as received, so `thoughtSignature`
  parts (and thought parts) reach the API unchanged.
- Results go back as one `user` turn of `functionResponse` parts, in the order of the calls, with
  `response: {"output": ...}` or `{"error": ...}`. A call without an `id` gets an agentcheck id
  for the harness; its response then carries only the name, matched by position.
- Tool schemas are JSON Schema in scenarios; `gemini_schema` turns them into the OpenAPI-3.0
  subset of `parameters` that every Gemini API version accepts (see its docstring).
- A prompt blocked outright (`promptFeedback.blockReason`, no candidates) is a VendorError; a
  candidate withheld for SAFETY, RECITATION... is an empty answer with that `finish_reason`;
  `MAX_TOKENS` marks the turn as cut off. A functionCall whose `args` is not an object goes back
  with `args: {}` (the API takes only an object there).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from agentcheck.core.errors import ConfigError, VendorError
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

# Schema fields of the Gemini API (google.genai types.Schema), camelCase as on the wire.
# `additionalProperties` is left out on purpose: the Gemini Developer API rejects it.
_COMMON_KEYS = ("description", "title", "default", "example")
_KEYS_BY_TYPE: dict[str, tuple[str, ...]] = {
    "STRING": ("minLength", "maxLength", "pattern"),
    "INTEGER": ("minimum", "maximum"),
    "NUMBER": ("minimum", "maximum"),
    "ARRAY": ("minItems", "maxItems"),
    "OBJECT": ("minProperties", "maxProperties"),
    "BOOLEAN": (),
}
_FORMATS = {"STRING": {"enum", "date-time"}, "INTEGER": {"int32", "int64"},
            "NUMBER": {"float", "double"}}
_MAX_DEPTH = 24


def _resolve(schema: dict[str, Any], defs: dict[str, Any], seen: frozenset[str]
             ) -> tuple[dict[str, Any], frozenset[str]]:
    """Inline a local `$ref` (sibling keywords win) and merge `allOf`."""
    ref = schema.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        target = defs.get(name)
        rest = {k: v for k, v in schema.items() if k != "$ref"}
        if isinstance(target, dict) and name not in seen:
            schema, seen = {**target, **rest}, seen | {name}
        else:
            schema = rest
    all_of = schema.get("allOf")
    if isinstance(all_of, list):
        merged = {k: v for k, v in schema.items() if k != "allOf"}
        for sub in all_of:
            if not isinstance(sub, dict):
                continue
            sub, seen = _resolve(sub, defs, seen)
            for key, value in sub.items():
                if key == "properties" and isinstance(value, dict):
                    merged["properties"] = {**value, **(merged.get("properties") or {})}
                elif key == "required" and isinstance(value, list):
                    merged["required"] = list(dict.fromkeys(
                        [*(merged.get("required") or []), *value]))
                else:
                    merged.setdefault(key, value)
        schema = merged
    return schema, seen


def _convert(schema: Any, defs: dict[str, Any], seen: frozenset[str], depth: int
             ) -> dict[str, Any]:
    if not isinstance(schema, dict) or depth > _MAX_DEPTH:
        return {}  # `true` or too deep: any value
    schema, seen = _resolve(schema, defs, seen)
    out: dict[str, Any] = {}
    nullable = schema.get("nullable") is True
    raw_type = schema.get("type")
    types = [raw_type] if isinstance(raw_type, str) else (
        [t for t in raw_type if isinstance(t, str)] if isinstance(raw_type, list) else [])
    if "null" in types:
        nullable = True
        types = [t for t in types if t != "null"]
    variants = schema.get("anyOf", schema.get("oneOf"))
    if isinstance(variants, list):
        subs = [v for v in variants if isinstance(v, dict)]
        if any(v.get("type") == "null" for v in subs):
            nullable = True
            subs = [v for v in subs if v.get("type") != "null"]
        rest = {k: v for k, v in schema.items() if k not in ("anyOf", "oneOf")}
        if len(subs) == 1:  # Optional[X]: X, nullable
            sub, seen = _resolve(subs[0], defs, seen)
            inner = _convert({**sub, **rest}, defs, seen, depth + 1)
            if nullable:
                inner["nullable"] = True
            return inner
        if subs:
            out["anyOf"] = [_convert(v, defs, seen, depth + 1) for v in subs]
    if len(types) > 1:
        out["anyOf"] = [_convert({"type": t}, defs, seen, depth + 1) for t in types]
        types = []
    kind = types[0].upper() if types else None
    if kind is None and "anyOf" not in out:
        if isinstance(schema.get("properties"), dict):
            kind = "OBJECT"
        elif "items" in schema:
            kind = "ARRAY"
    if kind not in _KEYS_BY_TYPE:
        kind = None
    if kind:
        out["type"] = kind
    for key in _COMMON_KEYS:
        if key in schema and (key in ("default", "example") or isinstance(schema[key], str)):
            out[key] = schema[key]
    enum = schema.get("enum")
    if "const" in schema:
        enum = [schema["const"]]
    if isinstance(enum, list) and enum:
        if None in enum:
            nullable = True
        values = [v for v in enum if v is not None]
        if kind in (None, "STRING") and all(isinstance(v, str) for v in values):
            out["enum"] = values
            if kind is None:
                out["type"] = kind = "STRING"
        else:  # Gemini enums are strings only; say it in words rather than change the type
            allowed = "one of " + ", ".join(json.dumps(v) for v in values)
            desc = out.get("description")
            out["description"] = f"{desc} ({allowed})" if desc else allowed.capitalize()
    if kind:
        for key in _KEYS_BY_TYPE[kind]:
            if isinstance(schema.get(key), (int, float, str)) and not isinstance(
                    schema[key], bool):
                out[key] = schema[key]
        fmt = schema.get("format")
        if isinstance(fmt, str) and fmt in _FORMATS.get(kind, ()):
            out["format"] = fmt
    if kind == "OBJECT":
        props = schema.get("properties")
        if isinstance(props, dict) and props:
            out["properties"] = {str(name): _convert(sub, defs, seen, depth + 1)
                                 for name, sub in props.items()}
            required = schema.get("required")
            if isinstance(required, list):
                kept = [r for r in required if isinstance(r, str) and r in props]
                if kept:
                    out["required"] = kept
    elif kind == "ARRAY":
        items = schema.get("items")
        out["items"] = _convert(items, defs, seen, depth + 1) if isinstance(items, dict) else {}
        if not out["items"].get("type") and "anyOf" not in out["items"]:
            out["items"]["type"] = "STRING"  # Gemini needs a typed `items`
    if nullable:
        out["nullable"] = True
    return out


def gemini_schema(schema: Any) -> dict[str, Any]:
    """JSON Schema -> the OpenAPI-3.0 subset Gemini's `parameters` accepts.

    Follows what google-genai does for the Gemini API (`_transformers.process_schema`), so the
    result is accepted by old and new API versions and by Vertex AI alike: local `$ref`/`$defs`
    are inlined and `allOf` merged; `type: [X, "null"]` and `anyOf: [X, {type: null}]` become
    `nullable`; `oneOf` becomes `anyOf`; types are upper-cased; `const` becomes a one-value enum.
    Dropped, because the API rejects them: `$schema`, `$id`, `additionalProperties`,
    `patternProperties`, `exclusiveMinimum`..., formats other than enum/date-time (strings),
    int32/int64 and float/double, `required` names with no property, and empty `properties`.
    Enums of non-strings are described in words instead (Gemini enums are strings only). An
    array with no `items` gets string items, because Gemini requires a typed `items`.
    """
    if not isinstance(schema, dict):
        return {}
    defs: dict[str, Any] = {}
    for key in ("definitions", "$defs"):
        if isinstance(schema.get(key), dict):
            defs.update(schema[key])
    return _convert(schema, defs, frozenset(), 0)


def declaration(tool: dict[str, Any]) -> dict[str, Any]:
    decl: dict[str, Any] = {"name": tool["name"], "description": tool.get("description", "")}
    params = gemini_schema(tool.get("parameters"))
    if params.get("properties"):  # Gemini rejects an OBJECT with no properties
        decl["parameters"] = params
    return decl


def usage_from(data: Any) -> Usage:
    """Thinking tokens are billed as output, so they are counted in output_tokens too."""
    if not isinstance(data, dict):
        return Usage()
    num = base.token_count
    thoughts = num(data, "thoughtsTokenCount")
    return Usage(input_tokens=num(data, "promptTokenCount") + num(data, "toolUsePromptTokenCount"),
                 cached_tokens=num(data, "cachedContentTokenCount"),
                 output_tokens=num(data, "candidatesTokenCount") + thoughts,
                 reasoning_tokens=thoughts)


def function_response(result: ToolResult) -> dict[str, Any]:
    """`{"output": ...}` or `{"error": ...}`; JSON results go back as JSON, not as a string."""
    try:
        value: Any = json.loads(result.content)
    except ValueError:
        value = result.content
    if result.is_error:
        if isinstance(value, dict) and set(value) == {"error"}:
            value = value["error"]
        return {"error": value}
    return {"output": value}


class GeminiSession(Session):
    def __init__(self, driver: GeminiDriver, system: str, tools: list[dict[str, Any]]) -> None:
        self.driver = driver
        self.system = system
        self.declarations = [declaration(t) for t in tools]
        self.contents: list[dict[str, Any]] = []
        self.last_calls: list[tuple[ToolCall, dict[str, Any]]] = []
        """The calls of the last model turn, with the functionCall exactly as received."""
        self._ids = base.CallIds("gemini-call-")

    def add_user(self, text: str) -> None:
        last = self.contents[-1] if self.contents else None
        if last is not None and last.get("role") == "user":
            # the model's last turn was empty (filtered, or no parts) and is not in the
            # history, so this text joins the previous user turn: roles must alternate
            last["parts"].append({"text": text})
        else:
            self.contents.append({"role": "user", "parts": [{"text": text}]})

    def add_tool_results(self, results: list[ToolResult]) -> None:
        # Gemini wants one functionResponse per functionCall of the call turn, in its order
        by_id = {r.call.id: r for r in results}
        parts: list[dict[str, Any]] = []
        for call, wire in self.last_calls:
            result = by_id.pop(call.id, None)
            if result is None:
                continue
            response: dict[str, Any] = {"name": wire.get("name", call.name),
                                        "response": function_response(result)}
            if isinstance(wire.get("id"), str) and wire["id"]:
                response = {"id": wire["id"], **response}
            parts.append({"functionResponse": response})
        if parts:
            self.contents.append({"role": "user", "parts": parts})
        self.last_calls = []

    def body(self) -> dict[str, Any]:
        profile = self.driver.profile
        body: dict[str, Any] = {**profile.params, "contents": self.contents}
        if self.system:
            body["systemInstruction"] = {"parts": [{"text": self.system}]}
        if self.declarations:
            body["tools"] = [{"functionDeclarations": self.declarations}]
        if profile.max_tokens is not None:
            config = body.get("generationConfig")
            body["generationConfig"] = {**(config if isinstance(config, dict) else {}),
                                        "maxOutputTokens": profile.max_tokens}
        return body

    async def step(self) -> ModelTurn:
        driver = self.driver
        try:
            reply = await driver.http.post_json(driver.url, self.body(), driver.headers)
        except VendorError as exc:
            # the Gemini API answers a wrong key with 400 INVALID_ARGUMENT, not 401/403
            if exc.status == 400 and "API key not valid" in str(exc):
                env = driver.profile.api_key_env
                hint = f" (the key in ${env} was rejected)" if env else ""
                raise VendorError("auth", f"{exc}{hint}", status=400) from None
            raise
        with base.malformed(driver.profile.name):
            turn = self._parse(reply.data)
        turn.latency_s = reply.latency_s
        return turn

    def _parse(self, data: Any) -> ModelTurn:
        vendor = self.driver.profile.name
        if not isinstance(data, dict):
            raise VendorError("malformed", f"{vendor}: reply is not a JSON object")
        candidates = data.get("candidates")
        if not candidates:
            if isinstance(data.get("error"), dict):
                raise VendorError("protocol", f"{vendor}: error in a 200 reply: "
                                  f"{snippet(str(data['error']), 200)}")
            feedback = data.get("promptFeedback")
            reason = feedback.get("blockReason") if isinstance(feedback, dict) else None
            if reason:
                raise VendorError("protocol", f"{vendor}: the prompt was blocked "
                                  f"(blockReason {reason})")
            raise VendorError("malformed", f"{vendor}: reply has no candidates")
        if not isinstance(candidates, list) or not isinstance(candidates[0], dict):
            raise VendorError("malformed", f"{vendor}: candidates is not a list of objects")
        candidate = candidates[0]
        finish = candidate.get("finishReason")
        content = candidate.get("content")
        if content is not None and not isinstance(content, dict):
            raise VendorError("malformed", f"{vendor}: candidate content is not an object")
        parts = content.get("parts") if content else None
        if parts is not None and not isinstance(parts, list):
            raise VendorError("malformed", f"{vendor}: content parts is not a list")

        texts: list[str] = []
        calls: list[ToolCall] = []
        wires: list[dict[str, Any]] = []
        kept: list[dict[str, Any]] = []
        """The parts as they go back in the history."""
        for part in parts or []:
            if not isinstance(part, dict):
                raise VendorError("malformed", f"{vendor}: a content part is not an object")
            kept.append(part)
            fc = part.get("functionCall")
            if fc is not None:
                if not isinstance(fc, dict) or not isinstance(fc.get("name"), str) or \
                        not fc["name"]:
                    raise VendorError("malformed", f"{vendor}: a functionCall has no name")
                call_id = self._ids.usable(fc.get("id"), set())  # matched by position
                args, raw_args, error = parse_arguments(fc.get("args"))
                calls.append(ToolCall(call_id, fc["name"], args, raw_args, error))
                wires.append(fc)
                if error is not None:  # `args` must be an object (Struct); the rest as received
                    kept[-1] = {**part, "functionCall": {**fc, "args": {}}}
            elif isinstance(part.get("text"), str) and part.get("thought") is not True:
                texts.append(part["text"])
        if parts:  # keep the model's turn exactly as received, signatures and all
            echo = {**(content or {}), "parts": kept}
            echo.setdefault("role", "model")
            self.contents.append(echo)
        self.last_calls = list(zip(calls, wires, strict=True))
        return base.explain_cut(ModelTurn(
            text="".join(texts), tool_calls=calls, usage=usage_from(data.get("usageMetadata")),
            finish_reason=finish if isinstance(finish, str) else None,
            cut_off=finish == "MAX_TOKENS",
            served_model=base.served_model(data.get("modelVersion"), self.driver.profile.model)))


class GeminiDriver(HarnessDriver):
    def __init__(self, profile: VendorProfile, http: HttpClient) -> None:
        super().__init__(profile, http)
        if profile.stream:
            raise ConfigError("the gemini driver does not stream yet; set stream: false",
                              file=profile.source or None, field="stream")
        model = quote(profile.model.removeprefix("models/"), safe="-._~@")
        auth, query = base.key_auth(profile, "x-goog-api-key", query_key=True)
        self.url = base.endpoint(profile.base_url, f"/models/{model}:generateContent", query)
        self.headers = {"Content-Type": "application/json", **profile.headers, **auth}

    def session(self, system: str, tools: list[dict[str, Any]]) -> Session:
        return GeminiSession(self, system, tools)
