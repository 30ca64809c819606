"""The `agent:` settings of a vendor profile (vendor-run protocols: A2A, HTTP agent APIs) and
of the tool host. They live with the profile, not with the agent loop that uses them, so that a
profile can be loaded without importing how agents are run."""

from __future__ import annotations

import re
from typing import Any, Literal

import jmespath
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

AGENT_PROTOCOLS = ("a2a", "http-agent")
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
DEFAULT_TOOLS_MESSAGE = (
    "Use the tools for this task yourself. They are served by an MCP server "
    "(streamable HTTP) at {{ mcp_url }} and described as OpenAPI 3.1 at {{ openapi_url }}."
)
TOOLS_MESSAGE_PLACEHOLDERS = ("mcp_url", "openapi_url")
HTTP_PLACEHOLDERS = ("base_url", "message", "user_text", "session_id", "task_id", "turn",
                     "mcp_url", "openapi_url", "uuid")
_ENV = r"^[A-Za-z_][A-Za-z0-9_]*$"


# ---------------------------------------------------------------------------- profile settings
def _invalid(message: str) -> PydanticCustomError:
    """A validation error shown as written (a ValueError would get a 'Value error, ' prefix)."""
    return PydanticCustomError("agent_settings", message)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _check_placeholders(value: Any, allowed: tuple[str, ...]) -> None:
    if isinstance(value, str):
        for name in PLACEHOLDER.findall(value):
            if name not in allowed:
                raise _invalid(f"unknown placeholder {{{{ {name} }}}} (expected one of "
                                 f"{', '.join(allowed)})")
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_placeholders(k, allowed)
            _check_placeholders(v, allowed)
    elif isinstance(value, list):
        for v in value:
            _check_placeholders(v, allowed)


def _check_jmespath(value: str | None) -> str | None:
    if value is not None:
        try:
            jmespath.compile(value)
        except jmespath.exceptions.JMESPathError as exc:
            raise _invalid(f"not a JMESPath expression: {exc}") from None
    return value


class ToolHostSettings(_Strict):
    """Where the hosted tools listen and the URL the vendor is given for them."""

    bind: str = Field(default="127.0.0.1", min_length=1,
                      description="address to listen on; loopback unless a gateway needs more")
    port: int = Field(default=0, ge=0, le=65535, description="0: an ephemeral port")
    public_url: str | None = Field(
        default=None, pattern=r"^https?://[^\s]+$",
        description="base URL the vendor reaches the host at (tunnel or gateway)")
    max_body_bytes: int = Field(default=1_048_576, ge=1024, le=64 * 1_048_576,
                                description="larger request bodies get 413")
    stable_token_env: str | None = Field(
        default=None, pattern=_ENV,
        description="env var holding a fixed session token, for tools registered once in a "
                    "vendor console; trials of the vendor then run one at a time")

    @field_validator("public_url")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else value


class A2ASettings(_Strict):
    card_url: str | None = Field(
        default=None, pattern=r"^https?://",
        description="agent card URL; default: discovered under base_url at "
                    "/.well-known/agent-card.json, then /.well-known/agent.json")
    version: Literal["auto", "1.0", "0.3"] = Field(
        default="auto", description="wire shapes; auto: from the agent card")
    blocking: bool = Field(
        default=True, description="ask the agent to answer when the task settles; false: "
                                  "return at once and poll (for gateways that cut long requests)")
    poll_interval_s: float = Field(default=1.0, gt=0, le=60,
                                   description="tasks/get polling interval")


class HttpRequestTemplate(_Strict):
    """One request of a bespoke agent API; strings may hold {{ placeholders }}."""

    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = "POST"
    url: str = Field(min_length=1)
    headers: dict[str, str] = Field(default_factory=dict)
    body: Any = None

    @model_validator(mode="after")
    def _placeholders(self) -> HttpRequestTemplate:
        _check_placeholders([self.url, self.headers, self.body], HTTP_PLACEHOLDERS)
        return self


class HttpAgentSettings(_Strict):
    """A bespoke chat/task API described without code: requests, and JMESPath selectors that
    read the reply, the session id, the task id and the task status."""

    start: HttpRequestTemplate | None = Field(
        default=None, description="optional request that opens a conversation")
    send: HttpRequestTemplate = Field(description="request that sends one user message")
    reply: str = Field(description="JMESPath: the agent's reply text (string or list)")
    session_id: str | None = Field(
        default=None, description="JMESPath: the conversation id, read from the start reply "
                                   "(or the first send reply)")
    task_id: str | None = Field(default=None, description="JMESPath: the task id to poll")
    status: str | None = Field(default=None, description="JMESPath: the task status")
    done: list[str] = Field(default_factory=lambda: ["completed", "complete", "done",
                                                     "succeeded", "success", "finished"])
    failed: list[str] = Field(default_factory=lambda: ["failed", "error", "canceled",
                                                       "cancelled", "rejected"])
    input_required: list[str] = Field(default_factory=lambda: [
        "input-required", "input_required", "needs_input", "waiting_for_input"])
    poll: HttpRequestTemplate | None = Field(
        default=None, description="request that fetches a running task")
    poll_interval_s: float = Field(default=1.0, gt=0, le=60)

    @field_validator("reply", "session_id", "task_id", "status")
    @classmethod
    def _jmespath(cls, value: str | None) -> str | None:
        return _check_jmespath(value)

    @model_validator(mode="after")
    def _poll_needs_status(self) -> HttpAgentSettings:
        if self.poll is not None and self.status is None:
            raise _invalid("poll needs a status selector to know when the task is done")
        return self


class AgentSettings(_Strict):
    """`agent:` in a vendor profile: settings of the protocols whose agent runs its own loop."""

    announce_tools: bool = Field(
        default=True, description="tell the agent in the first message where its tools are")
    tools_message: str = Field(default=DEFAULT_TOOLS_MESSAGE, min_length=1)
    send_instructions: bool = Field(
        default=True, description="send a scenario's own instructions (its system prompt) "
                                  "with the first message")
    tool_host: ToolHostSettings = Field(default_factory=ToolHostSettings)
    a2a: A2ASettings = Field(default_factory=A2ASettings)
    http: HttpAgentSettings | None = None
    driver_class: str | None = Field(
        default=None, pattern=r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$",
        description="http-agent: module:Class, an AgentDriver subclass for APIs that need "
                    "code")

    @model_validator(mode="after")
    def _tools_message(self) -> AgentSettings:
        _check_placeholders(self.tools_message, TOOLS_MESSAGE_PLACEHOLDERS)
        return self


def check_agent_settings(protocol: str, agent: AgentSettings | None) -> None:
    """Profile-level rule (called from VendorProfile's validator): http-agent needs its
    requests or a driver class; `agent:` means nothing to the harness-loop protocols."""
    if protocol == "http-agent" and (agent is None or (agent.http is None
                                                        and agent.driver_class is None)):
        raise _invalid("protocol http-agent needs agent.http (requests and selectors) or "
                         "agent.driver_class")
    if agent is not None and protocol not in AGENT_PROTOCOLS:
        raise _invalid(f"agent settings apply to vendor-run protocols "
                         f"({', '.join(AGENT_PROTOCOLS)}), not {protocol!r}")
