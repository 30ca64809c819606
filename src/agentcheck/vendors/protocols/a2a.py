"""A2A (Agent2Agent) driver, JSON-RPC binding, spec 1.0 and the 0.3 shapes still deployed.

The agent runs its own loop; agentcheck hosts the scenario's tools and tells the agent where
they are (the first message carries the MCP URL when the profile announces tools). The driver:
- discovers the agent card (`agent.a2a.card_url`, else `/.well-known/agent-card.json`, then
  the older `/.well-known/agent.json`, under base_url) and picks its JSON-RPC interface and
  version (1.0 `supportedInterfaces`, or 0.3 `url` / `additionalInterfaces`);
- sends each user turn with SendMessage (1.0: `A2A-Version: 1.0`, roles ROLE_USER, parts
  `{text}`) or message/send (0.3: `kind` fields, roles user/agent), blocking, or streamed
  (SendStreamingMessage / message/stream) when the profile sets `stream: true` and the card
  allows it; a task still working afterwards is polled with GetTask / tasks/get;
- answers `input-required` with the scenario's next scripted turn (same task), a finished task
  with the next turn in the same context; terminal states are completed (its artifacts are the
  final answer), failed, canceled and rejected; `auth-required` is a vendor error.

Everything read from the agent (card, JSON-RPC replies, stream events, the answer) is read
inside `malformed`: a shape the driver cannot use is the agent's malformed reply.

Over 400 lines on purpose: one protocol is one module (architecture.md, "adding a protocol"),
and its two spec versions share every step, so splitting them would split each step in two.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from agentcheck.core.errors import VendorError
from agentcheck.vendors.agentloop import AgentContext, AgentDriver, AgentMessage, AgentReply
from agentcheck.vendors.http import HttpClient
from agentcheck.vendors.profile import VendorProfile
from agentcheck.vendors.protocols.base import key_auth, malformed
from agentcheck.vendors.wire import SseEvent, vendor_json

CARD_PATHS = ("/.well-known/agent-card.json", "/.well-known/agent.json")
IN_PROGRESS = {"submitted", "working", "unknown", "unspecified", ""}
INTERRUPTED = {"input-required", "auth-required"}
TERMINAL = {"completed", "failed", "canceled", "rejected"}
GAVE_UP = {"failed", "canceled", "rejected"}
OUTPUT_MODES = ["text/plain", "text/markdown", "application/json"]


def norm_state(raw: Any) -> str:
    """TASK_STATE_INPUT_REQUIRED (1.0) and input-required (0.3) -> input-required."""
    s = str(raw or "").strip().lower()
    s = s.removeprefix("task_state_").replace("_", "-")
    return {"cancelled": "canceled"}.get(s, s)


def parts_text(parts: Any) -> str:
    """The readable content of A2A parts (1.0 `{text}` / `{data}`, 0.3 `{kind: text}`)."""
    out: list[str] = []
    for part in parts if isinstance(parts, list) else []:
        if not isinstance(part, dict):
            continue
        if isinstance(part.get("text"), str):
            out.append(part["text"])
        elif "data" in part:
            out.append(json.dumps(part["data"], ensure_ascii=False))
        elif isinstance(part.get("file"), dict) or "url" in part or "raw" in part:
            f = part["file"] if isinstance(part.get("file"), dict) else part
            name = f.get("name") or f.get("filename") or f.get("uri") or f.get("url") or ""
            out.append(f"[file {name}]")
    return "\n".join(t for t in out if t)


class A2AError(VendorError):
    """A JSON-RPC error from the agent, with its code."""

    def __init__(self, code: Any, message: str) -> None:
        super().__init__("protocol", message)
        self.code = code


@dataclass
class Endpoint:
    url: str
    version: str  # "1.0" or "0.3"
    streaming: bool


@dataclass
class TaskView:
    """What we know of the agent's answer: a task (with state) or a bare message."""

    kind: str  # "task" or "message"
    id: str | None = None
    context_id: str | None = None
    state: str = ""
    status_text: str = ""
    artifacts: dict[str, list[Any]] = field(default_factory=dict)
    history_text: str = ""
    message_text: str = ""

    @classmethod
    def from_task(cls, task: dict[str, Any]) -> TaskView:
        view = cls("task", task.get("id"), task.get("contextId"))
        view.update_status(task.get("status"))
        for i, art in enumerate(task.get("artifacts") or []):
            if isinstance(art, dict):
                view.artifacts[str(art.get("artifactId") or i)] = list(art.get("parts") or [])
        agent_msgs = [m for m in task.get("history") or [] if isinstance(m, dict)
                      and norm_state(m.get("role")).removeprefix("role-") == "agent"]
        if agent_msgs:
            view.history_text = parts_text(agent_msgs[-1].get("parts"))
        return view

    @classmethod
    def from_message(cls, msg: dict[str, Any]) -> TaskView:
        view = cls("message", msg.get("taskId"), msg.get("contextId"))
        view.message_text = parts_text(msg.get("parts"))
        return view

    def update_status(self, status: Any) -> None:
        if isinstance(status, dict):
            self.state = norm_state(status.get("state"))
            msg = status.get("message")
            if isinstance(msg, dict):
                self.status_text = parts_text(msg.get("parts"))

    def add_artifact(self, art: Any, append: bool) -> None:
        if not isinstance(art, dict):
            return
        key = str(art.get("artifactId") or len(self.artifacts))
        parts = list(art.get("parts") or [])
        if append and key in self.artifacts:
            self.artifacts[key].extend(parts)
        else:
            self.artifacts[key] = parts

    @property
    def settled(self) -> bool:
        return self.kind == "message" or self.state in INTERRUPTED | TERMINAL

    def answer(self) -> str:
        if self.kind == "message":
            return self.message_text
        artifacts = "\n".join(t for t in (parts_text(p) for p in self.artifacts.values()) if t)
        if self.state == "completed" and artifacts:
            return artifacts
        return self.status_text or artifacts or self.history_text


class A2ADriver(AgentDriver):
    def __init__(self, profile: VendorProfile, http: HttpClient) -> None:
        super().__init__(profile, http)
        self.a2a = self.settings.a2a
        auth, _ = key_auth(profile, "bearer")
        self.headers = {"Content-Type": "application/json", "Accept": "application/json",
                        **profile.headers, **auth}
        self._endpoint: Endpoint | None = None
        self._lock = asyncio.Lock()

    # ------------------------------------------------------------------ discovery
    async def endpoint(self) -> Endpoint:
        async with self._lock:
            if self._endpoint is None:
                self._endpoint = await self._discover()
        return self._endpoint

    async def _discover(self) -> Endpoint:
        base = self.profile.base_url.rstrip("/")
        if self.a2a.card_url:
            urls = [self.a2a.card_url]
        elif base.endswith(".json"):
            urls = [base]
        else:
            urls = [base + p for p in CARD_PATHS]
        last: VendorError | None = None
        for url in urls:
            try:
                reply = await self.http.request_json("GET", url, self._card_headers())
            except VendorError as exc:
                if exc.status in (404, 405, 410):
                    last = exc
                    continue
                raise
            if not isinstance(reply.data, dict):
                raise VendorError("malformed", f"{self.profile.name}: the agent card at {url} "
                                  "is not a JSON object")
            with malformed(self.profile.name, f"the agent card at {url}"):
                return self.endpoint_from_card(reply.data, url)
        raise VendorError("protocol", f"{self.profile.name}: no agent card at "
                          f"{' or '.join(urls)} ({last})")

    def _card_headers(self) -> dict[str, str]:
        return {k: v for k, v in self.headers.items() if k.lower() != "content-type"}

    def endpoint_from_card(self, card: dict[str, Any], card_url: str) -> Endpoint:
        forced = self.a2a.version
        jsonrpc_v1: list[tuple[str, str]] = []
        for itf in card.get("supportedInterfaces") or []:
            if isinstance(itf, dict) and str(itf.get("protocolBinding", "")).upper() == \
                    "JSONRPC" and itf.get("url"):
                jsonrpc_v1.append((urljoin(card_url, str(itf["url"])),
                                   str(itf.get("protocolVersion") or "1.0")))
        legacy: list[str] = []
        if card.get("url") and str(card.get("preferredTransport") or "JSONRPC").upper() == \
                "JSONRPC":
            legacy.append(urljoin(card_url, str(card["url"])))
        for itf in card.get("additionalInterfaces") or []:
            if isinstance(itf, dict) and str(itf.get("transport", "")).upper() == "JSONRPC" \
                    and itf.get("url"):
                legacy.append(urljoin(card_url, str(itf["url"])))
        streaming = bool((card.get("capabilities") or {}).get("streaming"))
        modern = [u for u, v in jsonrpc_v1 if v.startswith("1")]
        url: str | None
        if forced == "1.0" or (forced == "auto" and modern):
            url = next(iter(modern or [u for u, _ in jsonrpc_v1] or legacy), None)
            version = "1.0"
        else:
            url = next(iter(legacy or [u for u, v in jsonrpc_v1 if not v.startswith("1")]
                            or [u for u, _ in jsonrpc_v1]), None)
            version = "0.3"
        if url is None:
            raise VendorError("protocol", f"{self.profile.name}: the agent card at {card_url} "
                              "offers no JSON-RPC interface (only JSON-RPC is supported)")
        return Endpoint(url, version, streaming)

    # ------------------------------------------------------------------ the task
    async def run_task(self, ctx: AgentContext) -> None:
        ep = await self.endpoint()
        msg: AgentMessage | None = ctx.first_message()
        task_id: str | None = None
        context_id: str | None = None
        while msg is not None:
            started = time.perf_counter()
            try:
                view = await self.send(ep, self.message(ep, msg, task_id, context_id, ctx))
            except A2AError as exc:
                # a card that looks 1.0 on a server that only speaks 0.3 (method not found,
                # version not supported): fall back once, when the profile left it to us
                if not (ep.version == "1.0" and self.a2a.version == "auto"
                        and exc.code in (-32601, -32009)):
                    raise
                ep = self._endpoint = Endpoint(ep.url, "0.3", ep.streaming)
                view = await self.send(ep, self.message(ep, msg, task_id, context_id, ctx))
            while not view.settled:
                if view.id is None:
                    raise VendorError("protocol", f"{self.profile.name}: task without an id "
                                      f"in state {view.state!r}")
                await asyncio.sleep(self.a2a.poll_interval_s)
                view = await self.get_task(ep, view.id, view)
            latency = time.perf_counter() - started
            with malformed(self.profile.name, "the task's answer"):
                answer = view.answer()
            if view.state == "auth-required":
                raise VendorError("auth", f"{self.profile.name}: the agent asks for "
                                  f"authentication (auth-required): {answer[:200]}")
            context_id = view.context_id or context_id
            task_id = view.id if view.state == "input-required" else None
            msg = ctx.reply(AgentReply(answer, latency,
                                       asked=view.state == "input-required",
                                       state=view.state or view.kind,
                                       final=view.state in GAVE_UP))

    def message(self, ep: Endpoint, msg: AgentMessage, task_id: str | None,
                context_id: str | None, ctx: AgentContext) -> dict[str, Any]:
        texts: list[tuple[str, str | None]] = []
        if msg.instructions:
            texts.append((msg.instructions, "instructions"))
        texts.append((msg.text, None))
        if msg.tools_note:
            texts.append((msg.tools_note, "tools"))
        v1 = ep.version == "1.0"
        parts: list[dict[str, Any]] = []
        for text, tag in texts:
            part: dict[str, Any] = {"text": text} if v1 else {"kind": "text", "text": text}
            if tag:
                part["metadata"] = {"agentcheck": tag}
            parts.append(part)
        out: dict[str, Any] = {"messageId": str(uuid.uuid4()),
                               "role": "ROLE_USER" if v1 else "user", "parts": parts}
        if not v1:
            out["kind"] = "message"
        if task_id:
            out["taskId"] = task_id
        if context_id:
            out["contextId"] = context_id
        if msg.tools_note:
            out["metadata"] = {"agentcheck": {"mcp_url": ctx.mcp_url,
                                              "openapi_url": ctx.openapi_url}}
        return out

    async def send(self, ep: Endpoint, message: dict[str, Any]) -> TaskView:
        v1 = ep.version == "1.0"
        config: dict[str, Any] = {"acceptedOutputModes": OUTPUT_MODES}
        blocking = self.a2a.blocking
        config.update({"returnImmediately": not blocking} if v1 else {"blocking": blocking})
        params = {"message": message, "configuration": config}
        if self.profile.stream and ep.streaming:
            return await self._stream(ep, params)
        result = await self.rpc(ep, "SendMessage" if v1 else "message/send", params)
        with malformed(self.profile.name, "the SendMessage result"):
            return self.view(ep, result)

    async def get_task(self, ep: Endpoint, task_id: str, previous: TaskView) -> TaskView:
        v1 = ep.version == "1.0"
        result = await self.rpc(ep, "GetTask" if v1 else "tasks/get", {"id": task_id})
        if v1 and isinstance(result, dict) and "task" in result:
            result = result["task"]
        if not isinstance(result, dict):
            raise VendorError("malformed", f"{self.profile.name}: GetTask returned no task")
        with malformed(self.profile.name, "the GetTask result"):
            view = TaskView.from_task(result)
        for key, parts in previous.artifacts.items():  # streamed artifacts a poll may omit
            view.artifacts.setdefault(key, parts)
        return view

    def view(self, ep: Endpoint, result: Any) -> TaskView:
        if not isinstance(result, dict):
            raise VendorError("malformed", f"{self.profile.name}: SendMessage result is not "
                              "an object")
        if isinstance(result.get("task"), dict):
            return TaskView.from_task(result["task"])
        if isinstance(result.get("message"), dict):
            return TaskView.from_message(result["message"])
        kind = result.get("kind")
        if kind == "message" or ("parts" in result and "status" not in result):
            return TaskView.from_message(result)
        if kind == "task" or "status" in result:
            return TaskView.from_task(result)
        raise VendorError("malformed", f"{self.profile.name}: SendMessage result is neither "
                          "a task nor a message")

    # ------------------------------------------------------------------ JSON-RPC
    def _headers(self, ep: Endpoint) -> dict[str, str]:
        headers = dict(self.headers)
        if ep.version == "1.0":
            headers["A2A-Version"] = "1.0"
        return headers

    async def rpc(self, ep: Endpoint, method: str, params: dict[str, Any]) -> Any:
        body = {"jsonrpc": "2.0", "id": str(uuid.uuid4()), "method": method, "params": params}
        reply = await self.http.post_json(ep.url, body, self._headers(ep))
        with malformed(self.profile.name, f"the {method} reply"):
            return self._result(reply.data, method)

    def _result(self, data: Any, method: str) -> Any:
        if not isinstance(data, dict):
            raise VendorError("malformed", f"{self.profile.name}: {method}: reply is not a "
                              "JSON-RPC object")
        error = data.get("error")
        if isinstance(error, dict):
            code = error.get("code")
            raise A2AError(code, f"{self.profile.name}: {method} failed: A2A error {code}: "
                           f"{str(error.get('message'))[:300]}")
        if "result" not in data:
            raise VendorError("malformed", f"{self.profile.name}: {method}: JSON-RPC reply "
                              "without result")
        return data["result"]

    async def _stream(self, ep: Endpoint, params: dict[str, Any]) -> TaskView:
        v1 = ep.version == "1.0"
        method = "SendStreamingMessage" if v1 else "message/stream"
        body = {"jsonrpc": "2.0", "id": str(uuid.uuid4()), "method": method, "params": params}
        state: dict[str, TaskView] = {}

        def on_event(event: SseEvent) -> bool:
            if not event.data.strip():
                return False
            with malformed(self.profile.name, "a stream event"):
                try:
                    data = vendor_json(event.data)
                except (ValueError, RecursionError):
                    raise VendorError("malformed", f"{self.profile.name}: stream event is not "
                                      "JSON") from None
                result = self._result(data, method)
                return self._apply_event(state, result)

        try:
            reply = await self.http.post_sse(ep.url, body, self._headers(ep), on_event)
        except VendorError as exc:
            view = state.get("view")
            if exc.cause == "stream_cut" and view is not None and view.id:
                return view  # the task goes on: poll it
            raise
        if reply.data is not None:  # the server answered with plain JSON
            with malformed(self.profile.name, f"the {method} reply"):
                return self.view(ep, self._result(reply.data, method))
        if "view" not in state:
            raise VendorError("malformed", f"{self.profile.name}: the stream carried no task "
                              "or message")
        return state["view"]

    def _apply_event(self, state: dict[str, TaskView], result: Any) -> bool:
        """Fold one stream event into the view; True once the stream has said enough."""
        if not isinstance(result, dict):
            return False
        view = state.get("view")
        kind = result.get("kind")
        task = result.get("task") if isinstance(result.get("task"), dict) else (
            result if kind == "task" else None)
        message = result.get("message") if isinstance(result.get("message"), dict) else (
            result if kind == "message" else None)
        status = result.get("statusUpdate") if isinstance(result.get("statusUpdate"), dict) \
            else (result if kind == "status-update" else None)
        artifact = result.get("artifactUpdate") if isinstance(result.get("artifactUpdate"),
                                                              dict) \
            else (result if kind == "artifact-update" else None)
        if task is not None:
            fresh = TaskView.from_task(task)
            if view is not None:
                for key, parts in view.artifacts.items():
                    fresh.artifacts.setdefault(key, parts)
            state["view"] = view = fresh
        elif message is not None:
            if view is None or view.kind == "message":
                state["view"] = view = TaskView.from_message(message)
                return True
            view.history_text = parts_text(message.get("parts")) or view.history_text
        elif status is not None:
            if view is None:
                state["view"] = view = TaskView("task", status.get("taskId"),
                                                status.get("contextId"))
            view.update_status(status.get("status"))
            if status.get("final") is True:
                return True
        elif artifact is not None:
            if view is None:
                state["view"] = view = TaskView("task", artifact.get("taskId"),
                                                artifact.get("contextId"))
            view.add_artifact(artifact.get("artifact"), bool(artifact.get("append")))
        return view is not None and view.settled
