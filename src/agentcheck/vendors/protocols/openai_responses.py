"""OpenAI Responses API (`POST {base_url}/responses`), stateful or stateless.

- stateful (the default): each request names `previous_response_id` and sends only the items that
  are new since that response (user messages, `function_call_output` items).
- stateless (`conversation_state: stateless`): `store: false`, `include:
  ["reasoning.encrypted_content"]`, and every request carries the whole history, with every
  earlier output item (reasoning, function_call, message...) sent back exactly as received.

`instructions` and `tools` are not inherited through `previous_response_id`, so both go on every
request. Tool calls are recognised by the presence of `function_call` items (`status` stays
`completed` while the model waits for a tool result) and answered by `call_id`, never by the item
`id`. Function tools are sent with `strict: false`: the Responses API defaults to strict mode,
which rejects ordinary schemas (optional properties, no `additionalProperties: false`), and
agentcheck validates arguments itself.

A reply with `status: failed` and a transient `error.code` (`server_error`,
`rate_limit_exceeded`) is retried here, within the profile's retry budget, because the HTTP layer
only sees a 200. `status: incomplete` for `max_output_tokens` marks the turn as cut off; a
function_call whose arguments did not parse is kept in the history with `"{}"`, which the API
accepts, instead of the broken text.
"""

from __future__ import annotations

import asyncio
from typing import Any

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

RETRYABLE_FAILURES = {"server_error": "server_error", "rate_limit_exceeded": "rate_limited"}
ENCRYPTED_REASONING = "reasoning.encrypted_content"


def usage_from(data: Any) -> Usage:
    num = base.token_count
    if not isinstance(data, dict):
        return Usage()
    return Usage(
        input_tokens=num(data, "input_tokens"),
        cached_tokens=num(data.get("input_tokens_details"), "cached_tokens"),
        output_tokens=num(data, "output_tokens"),
        reasoning_tokens=num(data.get("output_tokens_details"), "reasoning_tokens"),
    )


def message_text(item: dict[str, Any]) -> str:
    """The text of an output `message` item: its `output_text` parts (and refusals)."""
    content = item.get("content")
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    out: list[str] = []
    for part in content:
        if not isinstance(part, dict):
            continue
        if part.get("type") == "output_text" and isinstance(part.get("text"), str):
            out.append(part["text"])
        elif part.get("type") == "refusal" and isinstance(part.get("refusal"), str):
            out.append(part["refusal"])
    return "".join(out)


class OpenAIResponsesSession(Session):
    def __init__(self, driver: OpenAIResponsesDriver, system: str,
                 tools: list[dict[str, Any]]) -> None:
        self.driver = driver
        self.stateless = driver.profile.conversation_state == "stateless"
        self.instructions = system
        self.tools = [{"type": "function", "name": t["name"], "description": t["description"],
                       "parameters": t["parameters"], "strict": False} for t in tools]
        self.history: list[dict[str, Any]] = []
        """Every item of the conversation, in order: ours and the vendor's output items."""
        self.pending: list[dict[str, Any]] = []
        """Items added since the last response (what a stateful request sends)."""
        self.previous_id: str | None = None

    def _add(self, item: dict[str, Any]) -> None:
        self.history.append(item)
        self.pending.append(item)

    def add_user(self, text: str) -> None:
        self._add({"type": "message", "role": "user", "content": text})

    def add_tool_results(self, results: list[ToolResult]) -> None:
        for result in results:
            self._add({"type": "function_call_output", "call_id": result.call.id,
                       "output": result.content})

    def body(self) -> dict[str, Any]:
        profile = self.driver.profile
        body: dict[str, Any] = {**profile.params, "model": profile.model,
                                "instructions": self.instructions}
        if self.tools:
            body["tools"] = self.tools
        if profile.max_tokens is not None:
            body["max_output_tokens"] = profile.max_tokens
        if self.stateless:
            body["store"] = False
            include = body.get("include")
            include = list(include) if isinstance(include, list) else []
            if ENCRYPTED_REASONING not in include:
                include.append(ENCRYPTED_REASONING)
            body["include"] = include
            body["input"] = list(self.history)
            body.pop("previous_response_id", None)
        else:
            body["store"] = True
            body["input"] = list(self.pending)
            if self.previous_id is not None:
                body["previous_response_id"] = self.previous_id
            else:
                body.pop("previous_response_id", None)
        return body

    async def step(self) -> ModelTurn:
        driver = self.driver
        profile = driver.profile
        body = self.body()
        latency = 0.0
        attempt = 0
        while True:
            reply = await driver.http.post_json(driver.url, body, driver.headers)
            latency += reply.latency_s
            try:
                with base.malformed(profile.name):
                    turn = self._parse(reply.data)
            except VendorError as exc:
                if not exc.retryable or attempt >= profile.max_retries:
                    raise
                attempt += 1
                await asyncio.sleep(driver.http.backoff(attempt, exc))
                continue
            turn.latency_s = latency
            return turn

    def _parse(self, data: Any) -> ModelTurn:
        vendor = self.driver.profile.name
        if not isinstance(data, dict):
            raise VendorError("malformed", f"{vendor}: reply is not a JSON object")
        output = data.get("output")
        status = data.get("status")
        error = data.get("error")
        if status == "failed" or (output is None and isinstance(error, dict)):
            err = error if isinstance(error, dict) else {}
            code = str(err.get("code") or "unknown")
            message = snippet(str(err.get("message") or "no message"), 300)
            cause = RETRYABLE_FAILURES.get(code)
            if cause is not None:
                raise VendorError(cause, f"{vendor}: response failed ({code}): {message}",
                                  retryable=True)
            raise VendorError("protocol", f"{vendor}: response failed ({code}): {message}")
        if status in ("in_progress", "queued"):
            raise VendorError("protocol", f"{vendor}: response is still {status}; agentcheck "
                              "does not poll background responses")
        if status == "cancelled":
            raise VendorError("protocol", f"{vendor}: response was cancelled")
        if not isinstance(output, list):
            raise VendorError("malformed", f"{vendor}: reply has no output list")
        response_id = data.get("id")
        if not self.stateless and (not isinstance(response_id, str) or not response_id):
            raise VendorError("malformed", f"{vendor}: response has no id to continue from")

        texts: list[str] = []
        calls: list[ToolCall] = []
        kept: list[dict[str, Any]] = []
        """The output as it goes back in a stateless history."""
        for item in output:
            if not isinstance(item, dict):
                raise VendorError("malformed", f"{vendor}: an output item is not an object")
            kept.append(item)
            kind = item.get("type")
            if kind == "message":
                text = message_text(item)
                if text:
                    texts.append(text)
            elif kind == "function_call":
                call_id, name = item.get("call_id"), item.get("name")
                if not isinstance(call_id, str) or not call_id:
                    raise VendorError("malformed", f"{vendor}: a function_call has no call_id")
                if not isinstance(name, str) or not name:
                    raise VendorError("malformed", f"{vendor}: a function_call has no name")
                args, raw_args, parse_error = parse_arguments(item.get("arguments"))
                calls.append(ToolCall(call_id, name, args, raw_args, parse_error))
                if parse_error is not None or not isinstance(item.get("arguments"), str):
                    kept[-1] = {**item, "arguments": raw_args if parse_error is None else "{}"}
            # reasoning, web_search_call and any type added later: kept, not interpreted

        finish = "completed"
        cut = False
        if status == "incomplete":
            details = data.get("incomplete_details")
            reason = details.get("reason") if isinstance(details, dict) else None
            finish = reason if isinstance(reason, str) and reason else "incomplete"
            cut = finish == "max_output_tokens"
            if not texts and not calls and not cut:  # cut with nothing: reasoning took it all
                raise VendorError("protocol", f"{vendor}: response incomplete ({finish}) "
                                  "with no usable output")

        # the reply is accepted: only now does the conversation move on
        self.history.extend(kept)
        self.pending = []
        if isinstance(response_id, str) and response_id:
            self.previous_id = response_id
        return base.explain_cut(ModelTurn(
            text="\n\n".join(texts), tool_calls=calls, usage=usage_from(data.get("usage")),
            finish_reason=finish, cut_off=cut,
            served_model=base.served_model(data.get("model"), self.driver.profile.model)))


class OpenAIResponsesDriver(HarnessDriver):
    def __init__(self, profile: VendorProfile, http: HttpClient) -> None:
        super().__init__(profile, http)
        if profile.stream:
            raise ConfigError("the openai-responses driver does not stream yet; "
                              "set stream: false", file=profile.source or None, field="stream")
        auth, query = base.key_auth(profile, "bearer", query_key=True)
        if profile.api_version:
            query = {"api-version": profile.api_version, **query}
        self.url = base.endpoint(profile.base_url, "/responses", query)
        self.headers = {"Content-Type": "application/json", **profile.headers, **auth}

    def session(self, system: str, tools: list[dict[str, Any]]) -> Session:
        return OpenAIResponsesSession(self, system, tools)
