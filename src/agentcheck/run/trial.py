"""The harness loop of one trial: send the task, execute the vendor's tool calls in the World,
send results back, answer with the scenario's scripted user turns, stop on an answer or a budget."""

from __future__ import annotations

import asyncio
import time

from agentcheck.core.calls import CallResult
from agentcheck.core.redaction import redact, redact_data
from agentcheck.core.trajectory import Trajectory
from agentcheck.scenario.model import Scenario
from agentcheck.scenario.user import USER_LEFT, ScriptedUser
from agentcheck.scenario.world import World
from agentcheck.vendors.protocols.base import ModelTurn, Session, ToolResult


async def run_trial(scenario: Scenario, world: World, session: Session) -> Trajectory:
    """Drive one trial to its end. Vendor failures end the trial; they never raise."""
    traj = Trajectory()
    start = time.perf_counter()
    try:
        async with asyncio.timeout(scenario.budget.seconds):
            await _loop(scenario, world, session, traj)
    except Exception as exc:
        traj.fail(exc, scenario.budget.seconds)
    finally:
        world.closed = True
        traj.duration_s = time.perf_counter() - start
    return traj


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
    turns = world.user_turns()
    user = ScriptedUser(scenario, turns)
    session.add_user(turns[0])
    traj.user(0, turns[0])
    step = 0
    while True:
        if step >= scenario.budget.steps:
            traj.end("step_budget", "step_budget",
                     f"no final answer within {scenario.budget.steps} model calls")
            return
        step += 1
        reply = masked(await session.step())
        traj.model_calls += 1
        traj.usage.add(reply.usage)
        traj.model_latencies.append(reply.latency_s)
        traj.assistant(step, reply.text, [c.name for c in reply.tool_calls], reply.latency_s,
                       reply.ttft_s)
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
