"""The harness loop: for model APIs that hand tool calls back. Send the task, execute the
vendor's tool calls in the World, send the results back, answer with the scenario's scripted user
turns, stop on an answer or a budget.

`HarnessDriver` is the driver kind for these protocols: a subclass only turns a conversation into
its wire format (`session()`); the loop here does the rest.
"""

from __future__ import annotations

import abc
import asyncio
from typing import TYPE_CHECKING, Any, ClassVar

from agentcheck.core.calls import CallResult
from agentcheck.core.redaction import redact, redact_data
from agentcheck.vendors.driver import Driver, DriverKind, packages_of, play_trial
from agentcheck.vendors.protocols.base import ModelTurn, Session, ToolResult

if TYPE_CHECKING:
    from agentcheck.core.trajectory import Trajectory
    from agentcheck.scenario.model import Scenario
    from agentcheck.scenario.world import World
    from agentcheck.vendors.driver import HostPool


class HarnessDriver(Driver):
    """A model API: it returns tool calls and agentcheck runs the loop. Implement `session()`."""

    kind: ClassVar[DriverKind] = "harness"

    @abc.abstractmethod
    def session(self, system: str, tools: list[dict[str, Any]]) -> Session: ...

    async def play(self, scenario: Scenario, world: World,
                   hosts: HostPool | None = None) -> Trajectory:
        # a session that cannot be built (a profile the driver refuses) is not a trial: it
        # raises to the runner, as before any vendor was asked
        session = self.session(world.system_prompt(), world.tool_specs())
        return await run_trial(scenario, world, session, vendor=self.profile.name,
                               code=packages_of(self, session))


async def run_trial(scenario: Scenario, world: World, session: Session, *, vendor: str = "",
                    code: frozenset[str] | None = None) -> Trajectory:
    """Drive one harness-loop trial to its end. Vendor failures end the trial; they never
    raise. `code`: the session's third-party packages (default: its class's)."""
    async def drive(traj: Trajectory) -> None:
        await _loop(scenario, world, session, traj)

    return await play_trial(scenario, world, drive, vendor=vendor,
                            code=packages_of(session) if code is None else code)


def masked(turn: ModelTurn) -> ModelTurn:
    """The vendor's turn with every registered secret masked, before anything scores, records
    or cuts it: a vendor echoing a key must not leave half of it in an excerpt cut to length,
    where redaction on the way out can no longer recognise it."""
    turn.text = redact(turn.text)
    for call in turn.tool_calls:
        raw = redact(call.raw_arguments)
        if raw != call.raw_arguments:
            call.raw_arguments = raw
            call.arguments = redact_data(call.arguments)
    return turn


async def _loop(scenario: Scenario, world: World, session: Session, traj: Trajectory) -> None:
    from agentcheck.scenario.user import USER_LEFT, ScriptedUser  # the speech reader: on use

    turns = world.user_turns()
    user = ScriptedUser(scenario, turns)
    session.add_user(turns[0])
    traj.user(0, turns[0])
    step = 0
    while True:
        if step >= scenario.budget.steps:
            traj.out_of_steps(f"no final answer within {scenario.budget.steps} model calls")
            return
        step += 1
        reply = masked(await session.step())
        traj.reply(step, reply.text, [c.name for c in reply.tool_calls], reply.latency_s,
                   reply.ttft_s, reply.usage, served_model=reply.served_model)
        if reply.cut_off:  # evidence; with no call to run it ends the trial: it is no answer
            traj.cut_off(reply.finish_reason, ends=not reply.tool_calls)
            if not reply.tool_calls:
                return
        if reply.tool_calls:
            results: list[ToolResult] = []
            for call in reply.tool_calls:
                if call.parse_error is not None:
                    outcome = CallResult(call.name, call.raw_arguments, ok=False,
                                         error=call.parse_error, error_kind="invalid_arguments")
                else:
                    outcome = world.call(call.name, call.arguments)
                if outcome.latency_ms:
                    await asyncio.sleep(outcome.latency_ms / 1000)
                traj.tool(step, call.id, outcome)
                results.append(ToolResult(call, outcome.content(), not outcome.ok))
            session.add_tool_results(results)
            continue
        move = user.answer(reply.text)
        if move.text is None:
            traj.end(move.end or "final_answer", None,
                     USER_LEFT if move.end == "user_left" else None)
            return
        session.add_user(move.text)
        traj.user(user.turn, move.text)
