"""Driving one protocol driver against a loopback server the way the runner does: what the
driver tests (tests/vendors/test_openai_chat.py, test_openai_responses.py, test_gemini.py,
test_anthropic.py, test_streaming.py) and tests/fakes/anthropic.py share. Each binds a
`Conversation` to its system prompt, user turn and tools, and a profile factory to its defaults.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from agentcheck.core.errors import VendorError
from agentcheck.run.runner import make_driver
from agentcheck.vendors.profile import VendorProfile
from agentcheck.vendors.protocols.base import ModelTurn, Session, ToolResult
from agentcheck.vendors.transport import async_client

T = TypeVar("T")

# a small conversation every driver test can hold
SYSTEM = "You are a test agent."
USER = "Where is order A1?"
TOOLS = [
    {"name": "get_order", "description": "Look up an order by id.",
     "parameters": {"type": "object", "properties": {"order_id": {"type": "string"}},
                    "required": ["order_id"]}},
    {"name": "refund", "description": "Refund an order.",
     "parameters": {"type": "object", "properties": {"order_id": {"type": "string"},
                                                     "amount": {"type": "number"}}}},
]


def key_in_env(env: str, key: str) -> Any:
    """An autouse `api_key` fixture that puts `key` in the environment variable `env`; assign
    it to a module-level name."""

    @pytest.fixture(autouse=True)
    def api_key(monkeypatch: pytest.MonkeyPatch) -> str:
        monkeypatch.setenv(env, key)
        return key

    return api_key


def profile(protocol: str, base_url: str, key_env: str, /, **fields: Any) -> VendorProfile:
    """A loopback profile: short timeouts and retry waits, then `fields` (which win)."""
    data: dict[str, Any] = {
        "name": "loopback", "protocol": protocol, "base_url": base_url, "model": "test-model",
        "api_key_env": key_env, "timeout_s": 2.0, "max_retries": 2, "max_retry_wait_s": 0.02,
    }
    data.update(fields)
    return VendorProfile(**data)


def write_profile(folder: Path, name: str, protocol: str, base_url: str, model: str,
                  key_env: str, **fields: Any) -> Path:
    """A profile file as a user writes one (for runs through the CLI); `fields` go in as JSON,
    which is YAML."""
    path = folder / f"{name}.yaml"
    lines = [f"name: {name}", f"protocol: {protocol}", f"base_url: {base_url}",
             f"model: {model}", f"api_key_env: {key_env}",
             *(f"{k}: {json.dumps(v)}" for k, v in fields.items())]
    path.write_text("\n".join(lines) + "\n")
    return path


def vendor_args(profiles: list[Path]) -> list[str]:
    """`--vendor PROFILE` for each profile, for `agentcheck run`."""
    return [a for p in profiles for a in ("--vendor", str(p))]


def answer_all(turn: ModelTurn, content: str = '{"ok": true}') -> list[ToolResult]:
    """Every tool call of `turn` answered with `content`, none of them an error."""
    return [ToolResult(c, content, False) for c in turn.tool_calls]


@dataclass
class Conversation:
    """One user turn with tools, through make_driver and an httpx.AsyncClient: over httpx's own
    transport, or (runner_client) over the client the runner uses (agentcheck.vendors.transport:
    aiohttp's pool by default, AGENTCHECK_TRANSPORT picks)."""

    system: str
    user: str
    tools: list[dict[str, Any]] = field(default_factory=list)
    runner_client: bool = False

    def converse(self, profile: VendorProfile, fn: Callable[[Session], Awaitable[T]]) -> T:
        """Open a client and a session as the runner does, add the user turn, run
        fn(session)."""

        async def main() -> T:
            client = (async_client(timeout_s=profile.timeout_s, max_connections=4,
                                   trust_env=False) if self.runner_client else
                      httpx.AsyncClient(timeout=httpx.Timeout(profile.timeout_s),
                                        trust_env=False))
            async with client:
                session = make_driver(profile, client).session(self.system, self.tools)
                session.add_user(self.user)
                return await fn(session)

        return asyncio.run(main())

    def one_step(self, profile: VendorProfile) -> ModelTurn:
        return self.converse(profile, lambda s: s.step())

    def step_fails(self, profile: VendorProfile) -> tuple[VendorError, float]:
        """The VendorError one step raises, and how long it took to come."""
        start = time.monotonic()
        with pytest.raises(VendorError) as info:
            self.one_step(profile)
        return info.value, time.monotonic() - start

    def error(self, profile: VendorProfile) -> VendorError:
        """The VendorError one step raises."""
        return self.step_fails(profile)[0]

    def round_trip(self, profile: VendorProfile,
                   results: Callable[[ModelTurn], list[ToolResult]]
                   ) -> tuple[ModelTurn, ModelTurn]:
        """Step, answer every tool call with `results(turn)`, step again."""

        async def fn(session: Session) -> tuple[ModelTurn, ModelTurn]:
            first = await session.step()
            session.add_tool_results(results(first))
            return first, await session.step()

        return self.converse(profile, fn)
