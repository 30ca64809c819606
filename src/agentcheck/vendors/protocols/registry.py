"""The names of the wire protocols a profile may name: the built-in drivers and those third
parties register under the `agentcheck.protocols` entry-point group. It imports no driver, so a
profile can be checked without loading one."""

from __future__ import annotations

from importlib.metadata import entry_points

BUILTIN = {
    # harness-run models: a HarnessDriver (harness.py); agentcheck runs the loop
    "openai-chat": "agentcheck.vendors.protocols.openai_chat:OpenAIChatDriver",
    "anthropic": "agentcheck.vendors.protocols.anthropic:AnthropicDriver",
    "openai-responses": "agentcheck.vendors.protocols.openai_responses:OpenAIResponsesDriver",
    "gemini": "agentcheck.vendors.protocols.gemini:GeminiDriver",
    # vendor-run agents: an AgentDriver (agentloop.py); the tool host records their tool calls
    "a2a": "agentcheck.vendors.protocols.a2a:A2ADriver",
    "http-agent": "agentcheck.vendors.protocols.http_agent:HttpAgentDriver",
}


def entry_point_drivers() -> dict[str, str]:
    return {ep.name: ep.value for ep in entry_points(group="agentcheck.protocols")}


def known_protocols() -> list[str]:
    return sorted({**entry_point_drivers(), **BUILTIN})
