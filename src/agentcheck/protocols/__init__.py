"""Protocol drivers: one module per wire protocol, looked up by a profile's `protocol:` name.

Built-ins are listed here; third-party drivers register under the `agentcheck.protocols`
entry-point group and are found the same way.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .base import Driver

BUILTIN = {
    "openai-chat": "agentcheck.protocols.openai_chat:OpenAIChatDriver",
    "anthropic": "agentcheck.protocols.anthropic:AnthropicDriver",
    "openai-responses": "agentcheck.protocols.openai_responses:OpenAIResponsesDriver",
    "gemini": "agentcheck.protocols.gemini:GeminiDriver",
    # vendor-run agents: an AgentDriver (agentloop.py); the tool host records their tool calls
    "a2a": "agentcheck.protocols.a2a:A2ADriver",
    "http-agent": "agentcheck.protocols.http_agent:HttpAgentDriver",
}


def _entry_points() -> dict[str, str]:
    return {ep.name: ep.value for ep in entry_points(group="agentcheck.protocols")}


def known_protocols() -> list[str]:
    return sorted({**_entry_points(), **BUILTIN})


def driver_class(name: str) -> type[Driver]:
    target = BUILTIN.get(name) or _entry_points().get(name)
    if target is None:
        raise KeyError(name)
    module_name, _, attr = target.partition(":")
    cls: type[Driver] = getattr(importlib.import_module(module_name), attr)
    return cls
