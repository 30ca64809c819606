"""Vendor-run agents: the agent runs its own loop; agentcheck hosts the tools and watches.

The harness loop (trial.py) executes the tool calls a model hands back. Agent products (A2A agents,
vendor chat or task APIs) never hand them back: they call tools themselves. For them agentcheck
hosts the scenario's tools (toolhost.py: MCP and OpenAPI at an unguessable per-trial path), sends
the task through the vendor's API, answers with the scenario's scripted user turns and records
every tool call on its own side. A trial's tool calls come from that log, never from the vendor's
account of what it did: an agent that never calls a hosted tool did nothing, whatever it says.

This module holds the vendor kind of driver (`AgentDriver.run_task(ctx)`, see driver.py for the
one contract) and its trial loop (`run_agent_trial`); the profile's `agent:` settings are in
settings.py. It imports nothing heavy; the tool host (MCP SDK, uvicorn) is imported when the
first host starts.
"""

from __future__ import annotations

import abc
import asyncio
import json
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from agentcheck.core.errors import ConfigError
from agentcheck.core.redaction import redact, register
from agentcheck.vendors.driver import Driver, DriverKind, HostPool, play_trial
from agentcheck.vendors.settings import PLACEHOLDER, AgentSettings

if TYPE_CHECKING:
    from agentcheck.core.trajectory import Trajectory
    from agentcheck.scenario.model import Scenario
    from agentcheck.scenario.world import World
    from agentcheck.vendors.http import HttpClient
    from agentcheck.vendors.profile import VendorProfile
    from agentcheck.vendors.toolsession import HostedSession

__all__ = ["AgentContext", "AgentDriver", "AgentMessage", "AgentReply", "HostPool", "fill",
           "run_agent_trial"]


# ---------------------------------------------------------------------------- driver contract
@dataclass
class AgentMessage:
    """One user message for the agent."""

    text: str
    """What the scripted user says (a scenario turn)."""
    turn: int
    instructions: str | None = None
    """First message only: the scenario's own instructions, when it has and sends them."""
    tools_note: str | None = None
    """First message only: where the hosted tools are, when the profile announces them."""

    def full_text(self) -> str:
        """Everything in one text, for APIs that take a single string."""
        return "\n\n".join(p for p in (self.instructions, self.text, self.tools_note) if p)


@dataclass
class AgentReply:
    """What the agent answered to one message."""

    text: str
    latency_s: float = 0.0
    asked: bool = False
    """The protocol says the agent waits for the user (A2A input-required)."""
    state: str | None = None
    """The protocol's task state, kept in the trajectory."""
    final: bool = False
    """The agent ended the conversation itself (A2A failed, canceled, rejected)."""


class AgentContext:
    """One trial as a vendor-run agent sees it: the task's messages, where the tools are, the
    budgets. The driver sends `first_message()`, hands every reply to `reply()` and sends what
    that returns, until it returns None; the context records the conversation and plays the
    scenario's scripted user exactly as the harness loop does."""

    def __init__(self, scenario: Scenario, world: World, traj: Trajectory,
                 session: HostedSession, settings: AgentSettings) -> None:
        self.scenario = scenario
        self.traj = traj
        self.session = session
        self.settings = settings
        self.turns = world.user_turns()
        self.system = world.system_prompt() if scenario.system else None  # {{ today() }}
        from agentcheck.scenario.user import (
            ScriptedUser,  # the speech-act reader: only when a trial runs
        )

        self.user = ScriptedUser(scenario, self.turns)
        self.tools = world.tool_specs()
        self.mcp_url = session.mcp_url
        self.openapi_url = session.openapi_url
        self.budget_steps = scenario.budget.steps
        self.budget_seconds = scenario.budget.seconds
        self.turn = 0
        self.exchanges = 0
        self.ended = False
        self.over_budget = asyncio.Event()
        self._calls_at_exchange = 0
        session.admit = self._admit

    # -- what the driver uses
    def first_message(self) -> AgentMessage:
        if self.exchanges:
            raise RuntimeError("first_message() is called once per trial")
        instructions = None
        if self.settings.send_instructions and self.system:
            instructions = self.system.strip()
        note = None
        if self.settings.announce_tools:
            note = str(fill(self.settings.tools_message,
                            {"mcp_url": self.mcp_url, "openapi_url": self.openapi_url}))
        self.traj.user(0, self.turns[0])
        self._start_exchange()
        return AgentMessage(self.turns[0], 0, instructions, note)

    def reply(self, reply: AgentReply) -> AgentMessage | None:
        """Record the agent's reply; return the scripted user's next message, or None when
        the trial is over (the driver then returns)."""
        if self.ended:
            return None
        # mask secrets before the text is scored, cut or recorded (as the harness loop does)
        reply.text = redact(reply.text)
        called = [c.tool for c in self.traj.calls[self._calls_at_exchange:]]
        self.traj.reply(self.exchanges, reply.text, called, reply.latency_s,
                        state=reply.state)
        if reply.final:
            self._end("final_answer", None, f"the agent ended the task ({reply.state})"
                      if reply.state else None)
            return None
        move = self.user.answer(reply.text, asked=reply.asked)
        if move.text is None:
            self._end(move.end or "final_answer", None,
                      self.user.left_why if move.end == "user_left" else None)
            return None
        if self.steps_used() >= self.budget_steps:
            self._out_of_steps()
            return None
        self.turn = self.user.turn
        self.traj.user(self.turn, move.text)
        self._start_exchange()
        return AgentMessage(move.text, self.turn)

    def steps_used(self) -> int:
        """Messages sent to the agent plus hosted tool calls: the vendor loop's steps."""
        return self.exchanges + self.session.calls

    # -- internals
    def _start_exchange(self) -> None:
        self.exchanges += 1
        self.session.step = self.exchanges
        self._calls_at_exchange = len(self.traj.calls)

    def _admit(self) -> bool:
        """Called by the tool host before each call: is there budget left for it?"""
        if self.steps_used() >= self.budget_steps:
            self.over_budget.set()
            return False
        return True

    def _out_of_steps(self) -> None:
        if not self.ended:
            self.traj.out_of_steps(f"no final answer within {self.budget_steps} steps "
                                   "(messages to the agent plus tool calls)")
            self._closed()

    def _end(self, termination: str, cause: str | None = None,
             message: str | None = None) -> None:
        if not self.ended:
            self.traj.end(termination, cause, message)
            self._closed()

    def _closed(self) -> None:
        self.ended = True
        self.session.close()  # from now on the tools answer 404 and change nothing

    async def run(self, driver: AgentDriver) -> None:
        task = asyncio.ensure_future(driver.run_task(self))
        budget = asyncio.ensure_future(self.over_budget.wait())
        try:
            await asyncio.wait({task, budget}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for t in (task, budget):
                t.cancel()
            await asyncio.gather(task, budget, return_exceptions=True)
        error = task.exception() if task.done() and not task.cancelled() else None
        if error is not None:
            raise error
        if self.over_budget.is_set():
            self._out_of_steps()
        self._end("final_answer")


class AgentDriver(Driver):
    """The vendor kind of driver: an agent product that runs its own loop. It does not return
    tool calls: the agent calls the hosted tools itself, and the tool host records them.
    Implement `run_task`; subclass it for the `driver_class: module:Class` escape hatch."""

    kind: ClassVar[DriverKind] = "vendor"

    def __init__(self, profile: VendorProfile, http: HttpClient) -> None:
        super().__init__(profile, http)
        self.settings = profile.agent or AgentSettings()
        self.stable_token: str | None = None
        env = self.settings.tool_host.stable_token_env
        if env is not None:
            token = os.environ.get(env, "")
            if len(token) < 16 or not re.fullmatch(r"[A-Za-z0-9_-]+", token):
                raise ConfigError(f"environment variable {env} must hold a stable tool-host "
                                  "token of at least 16 URL-safe characters (letters, digits, "
                                  "- and _)", file=profile.source or None,
                                  field="agent.tool_host.stable_token_env")
            self.stable_token = token
            register(token)  # a reusable credential: masked wherever it could be written

    @abc.abstractmethod
    async def run_task(self, ctx: AgentContext) -> None:
        """Send ctx.first_message(), give each reply to ctx.reply() and send the message it
        returns, until it returns None. Raise VendorError when the vendor fails."""

    async def play(self, scenario: Scenario, world: World,
                   hosts: HostPool | None = None) -> Trajectory:
        return await run_agent_trial(scenario, world, self, hosts)



# ---------------------------------------------------------------------------- trial loop
async def run_agent_trial(scenario: Scenario, world: World, driver: AgentDriver,
                          hosts: HostPool | None = None) -> Trajectory:
    """Drive one vendor-run trial to its end; like run_trial, it never raises for the vendor.
    The trial's clock starts once its tool-host session is open."""
    pool = hosts or HostPool()
    session: HostedSession | None = None

    async def open_tools(traj: Trajectory) -> None:
        nonlocal session
        host = await pool.get(driver.settings.tool_host)
        session = await host.open(world, traj, driver.settings.tool_host,
                                  token=driver.stable_token)

    async def drive(traj: Trajectory) -> None:
        assert session is not None
        await AgentContext(scenario, world, traj, session, driver.settings).run(driver)

    try:
        return await play_trial(scenario, world, drive, setup=open_tools,
                                vendor=driver.profile.name, code=driver.code_packages())
    finally:
        if session is not None:
            session.close()
        if hosts is None:
            await pool.aclose()


# ---------------------------------------------------------------------------- shared helpers
def fill(template: Any, values: dict[str, Any]) -> Any:
    """Replace {{ name }} placeholders in strings, inside lists and mappings. A string that is
    exactly one placeholder takes the value itself (a number stays a number)."""
    if isinstance(template, str):
        whole = PLACEHOLDER.fullmatch(template.strip())
        if whole and whole.group(1) in values:
            return values[whole.group(1)]

        def sub(m: re.Match[str]) -> str:
            value = values.get(m.group(1))
            if value is None:
                return ""
            return value if isinstance(value, str) else json.dumps(value)

        return PLACEHOLDER.sub(sub, template)
    if isinstance(template, dict):
        return {fill(k, values): fill(v, values) for k, v in template.items()}
    if isinstance(template, list):
        return [fill(v, values) for v in template]
    return template
