"""One trial's session on the tool host (toolhost.py): its World at `/t/{token}/`, and the record
of every call made through it into the trial's Trajectory (Trajectory.tool, so scoring is the
same as in the harness loop), with when it arrived and how long it took. A call over the
trial's step budget is refused and not recorded; once closed, the session runs nothing.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from agentcheck.core.calls import CallResult
from agentcheck.core.trajectory import Trajectory
from agentcheck.scenario.world import World
from agentcheck.vendors.toolopenapi import openapi_document


class HostedSession:
    """One trial's World at `/t/{token}/`. Closed when the trial ends; its token then 404s."""

    def __init__(self, registry: dict[str, HostedSession], token: str, world: World,
                 traj: Trajectory, base_url: str, max_body_bytes: int,
                 release: Callable[[], None] | None = None) -> None:
        self._registry = registry
        """The tool host's open sessions by token: this one leaves it when closed."""
        self.token = token
        self.world = world
        self.traj = traj
        self.base_url = f"{base_url}/t/{token}"
        self.max_body_bytes = max_body_bytes
        self.started = time.perf_counter()
        self.step = 0
        """Set by the vendor loop: the exchange the next calls belong to."""
        self.calls = 0
        self.closed = False
        self.admit: Callable[[], bool] | None = None
        """Set by the vendor loop: False when the trial's step budget is spent."""
        self._release = release
        self._openapi: dict[str, Any] | None = None

    @property
    def mcp_url(self) -> str:
        return f"{self.base_url}/mcp"

    @property
    def openapi_url(self) -> str:
        return f"{self.base_url}/openapi.json"

    def openapi(self) -> dict[str, Any]:
        if self._openapi is None:
            self._openapi = openapi_document(self.world, self.base_url)
        return self._openapi

    async def call(self, name: str, args: Any, via: str,
                   parse_error: str | None = None) -> CallResult | None:
        """Run one call in this trial's World and record it; None once the session is closed
        (the caller answers 404). A call over the step budget is refused and not recorded."""
        if self.closed:
            return None
        if self.admit is not None and not self.admit():
            return CallResult(name, args, ok=False, error="the step budget of this task is "
                              "spent; no more tool calls are accepted", error_kind="precondition")
        arrived = time.perf_counter()
        if parse_error is not None:
            outcome = CallResult(name, args, ok=False, error=parse_error,
                                 error_kind="invalid_arguments")
        else:
            outcome = self.world.call(name, args)
        self.calls += 1
        ran_ms = (time.perf_counter() - arrived) * 1000 + outcome.latency_ms
        self.traj.tool(self.step, f"{via}-{self.calls}", outcome,
                       {"via": via, "at_s": round(arrived - self.started, 4),
                        "duration_ms": round(ran_ms, 2)})
        if outcome.latency_ms:
            await asyncio.sleep(outcome.latency_ms / 1000)
        return outcome

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.world.closed = True
        if self._registry.get(self.token) is self:
            del self._registry[self.token]
        if self._release is not None:
            self._release()
