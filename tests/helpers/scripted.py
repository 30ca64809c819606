"""A scripted Session: a real implementation of the driver contract whose turns come from a
list, so scoring can be tested on exact trajectories without a network."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from agentcheck.core.trajectory import Trajectory
from agentcheck.judge.scoring import TrialScore, score_trial
from agentcheck.run.trial import run_trial
from agentcheck.scenario.model import Scenario
from agentcheck.scenario.world import World
from agentcheck.vendors.protocols.base import ModelTurn, Session, ToolCall, ToolResult


def say(text: str) -> ModelTurn:
    return ModelTurn(text=text)


def call(name: str, **args: Any) -> ModelTurn:
    return ModelTurn(text="", tool_calls=[ToolCall(f"c{name}{len(args)}", name, args,
                                                   json.dumps(args))])


class ScriptedSession(Session):
    """Turns are ModelTurns or callables receiving the tool results seen so far."""

    def __init__(self, turns: list[Any]) -> None:
        self.turns = list(turns)
        self.users: list[str] = []
        self.results: list[ToolResult] = []

    def add_user(self, text: str) -> None:
        self.users.append(text)

    def add_tool_results(self, results: list[ToolResult]) -> None:
        self.results.extend(results)

    async def step(self) -> ModelTurn:
        if not self.turns:
            return say("")
        turn = self.turns.pop(0)
        return turn(self) if callable(turn) else turn


def last_result(session: ScriptedSession) -> Any:
    return json.loads(session.results[-1].content)


def play(scenario: Scenario, turns: list[Any], seed: int = 1
         ) -> tuple[World, Trajectory, TrialScore]:
    world = World(scenario, seed)
    traj = asyncio.run(run_trial(scenario, world, ScriptedSession(turns)))
    return world, traj, score_trial(scenario, world, traj)
