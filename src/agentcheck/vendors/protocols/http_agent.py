"""HTTP agent driver (`protocol: http-agent`): a vendor's own chat or task API, described in the
profile without code.

`agent.http` gives the requests (method, URL, headers, JSON body) with {{ placeholders }}:
`message` (the user's turn, plus the scenario's instructions and where the tools are on the
first turn), `user_text` (the turn alone), `session_id`, `task_id`, `turn` (1, 2, ...),
`mcp_url`, `openapi_url`, `base_url` and `uuid`. A string that is exactly one placeholder takes
the value itself, so `sequenceId: "{{ turn }}"` sends a number. In URLs every value but
`base_url` is percent-encoded. JMESPath selectors read the reply text, the session id (from the
`start` reply, else the first `send` reply), the task id and the task status; while the status
is neither done, failed nor input-required, the `poll` request is repeated every
`poll_interval_s` until the trial's time budget runs out. Whatever the selectors trip over in
a reply is the agent's malformed reply.

APIs that need code (signatures, websockets, odd pagination) name an AgentDriver subclass in
`agent.driver_class: module:Class`; it gets the profile and HttpClient and runs the task.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import re
import time
import uuid
from typing import Any
from urllib.parse import quote

import jmespath

from agentcheck.core.errors import ConfigError, VendorError
from agentcheck.vendors.agentloop import AgentContext, AgentDriver, AgentMessage, AgentReply, fill
from agentcheck.vendors.driver import packages_of
from agentcheck.vendors.http import HttpClient
from agentcheck.vendors.profile import VendorProfile
from agentcheck.vendors.protocols.base import key_auth, malformed
from agentcheck.vendors.settings import PLACEHOLDER, HttpAgentSettings, HttpRequestTemplate


def load_driver_class(target: str, profile: VendorProfile) -> type[AgentDriver]:
    module_name, _, attr = target.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"cannot load driver class {target!r}: {exc}",
                          file=profile.source or None, field="agent.driver_class") from None
    if not (isinstance(cls, type) and issubclass(cls, AgentDriver)):
        raise ConfigError(f"{target} is not an agentcheck.vendors.agentloop.AgentDriver subclass",
                          file=profile.source or None, field="agent.driver_class")
    return cls


def select_text(expression: str, data: Any) -> str:
    """The reply text a selector finds: strings as they are, lists joined by lines."""
    found = jmespath.search(expression, data)

    def text(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        if isinstance(value, list):
            return "\n".join(t for t in (text(v) for v in value) if t)
        return json.dumps(value, ensure_ascii=False)

    return text(found)


def select_id(expression: str | None, data: Any) -> str | None:
    if expression is None:
        return None
    found = jmespath.search(expression, data)
    if found is None or isinstance(found, (dict, list)):
        return None
    return str(found)


class HttpAgentDriver(AgentDriver):
    def __init__(self, profile: VendorProfile, http: HttpClient) -> None:
        super().__init__(profile, http)
        self.delegate: AgentDriver | None = None
        if self.settings.driver_class:
            cls = load_driver_class(self.settings.driver_class, profile)
            self.delegate = cls(profile, http)
            return
        if self.settings.http is None:
            raise ConfigError("protocol http-agent needs agent.http or agent.driver_class",
                              file=profile.source or None, field="agent")
        self.spec: HttpAgentSettings = self.settings.http
        auth, _ = key_auth(profile, "bearer")
        self.headers = {"Accept": "application/json", **profile.headers, **auth}
        self.done = {s.lower() for s in self.spec.done}
        self.failed = {s.lower() for s in self.spec.failed}
        self.input_required = {s.lower() for s in self.spec.input_required}

    def code_packages(self) -> frozenset[str]:
        """The escape hatch's class is third-party code reading the vendor's replies."""
        return super().code_packages() | packages_of(self.delegate)

    async def run_task(self, ctx: AgentContext) -> None:
        if self.delegate is not None:
            await self.delegate.run_task(ctx)
            return
        spec = self.spec
        values: dict[str, Any] = {"base_url": self.profile.base_url.rstrip("/"),
                                  "mcp_url": ctx.mcp_url, "openapi_url": ctx.openapi_url,
                                  "session_id": None, "task_id": None, "turn": 0,
                                  "message": "", "user_text": ""}
        if spec.start is not None:
            opened = await self.request(spec.start, values)
            with malformed(self.profile.name, "the start reply"):
                values["session_id"] = select_id(spec.session_id, opened)
        msg: AgentMessage | None = ctx.first_message()
        while msg is not None:
            values.update(turn=values["turn"] + 1, message=msg.full_text(), user_text=msg.text)
            started = time.perf_counter()
            data = await self.request(spec.send, values)
            with malformed(self.profile.name, "the send reply"):
                if values["session_id"] is None:
                    values["session_id"] = select_id(spec.session_id, data)
                task_id = select_id(spec.task_id, data)
                status = self.status(data)
            if task_id is not None:
                values["task_id"] = task_id
            while (status is not None and spec.poll is not None
                   and status not in self.done | self.failed | self.input_required):
                await asyncio.sleep(spec.poll_interval_s)
                data = await self.request(spec.poll, values)
                with malformed(self.profile.name, "the poll reply"):
                    status = self.status(data)
            with malformed(self.profile.name, "the reply"):
                text = select_text(spec.reply, data)
            msg = ctx.reply(AgentReply(text, time.perf_counter() - started,
                                       asked=status in self.input_required,
                                       state=status, final=status in self.failed))

    def status(self, data: Any) -> str | None:
        if self.spec.status is None:
            return None
        found = jmespath.search(self.spec.status, data)
        return None if found is None else str(found).strip().lower()

    async def request(self, template: HttpRequestTemplate, values: dict[str, Any]) -> Any:
        values = {**values, "uuid": str(uuid.uuid4())}
        url = self.url(template.url, values)
        headers = {**self.headers, **{k: str(fill(v, values))
                                      for k, v in template.headers.items()}}
        body = fill(template.body, values) if template.body is not None else None
        if body is not None:
            headers.setdefault("Content-Type", "application/json")
        reply = await self.http.request_json(template.method, url, headers, body)
        if reply.data is None and template.method != "DELETE":
            raise VendorError("malformed", f"{self.profile.name}: empty reply from {url}")
        return reply.data

    @staticmethod
    def url(template: str, values: dict[str, Any]) -> str:
        def sub(m: re.Match[str]) -> str:
            name = m.group(1)
            value = values.get(name)
            if value is None:
                return ""
            text = value if isinstance(value, str) else json.dumps(value)
            return text if name == "base_url" else quote(text, safe="")

        return str(PLACEHOLDER.sub(sub, template))
