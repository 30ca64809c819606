"""The library must judge vendors it was never tuned to: each lands in the tier it deserves.

The vendors here are written against the driver contract (a Session), not against any scenario:
they see only the task text, the tool list and tool results, as a real vendor would.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import pytest

from agentcheck.judge.scoring import score_trial
from agentcheck.judge.verdict import vendor_verdict
from agentcheck.run.prove import ReferenceSession, minefield_call, minefield_reachable
from agentcheck.run.runner import reference_sequence
from agentcheck.run.trial import run_trial
from agentcheck.scenario.model import Scenario, load_scenarios
from agentcheck.scenario.world import World
from agentcheck.vendors.protocols.base import ModelTurn, Session, ToolCall, ToolResult

from ..helpers.paths import SCENARIOS

LIBRARY, _ = load_scenarios([SCENARIOS])


class OneShot(Session):
    """Calls the first tool once with whatever it can lift from the message, then claims done."""

    def __init__(self, scenario: Scenario, tools: list[dict[str, Any]]) -> None:
        self.tools = tools
        self.user = ""
        self.called = False

    def add_user(self, text: str) -> None:
        self.user += text

    def add_tool_results(self, results: list[ToolResult]) -> None:
        return

    async def step(self) -> ModelTurn:
        if self.called:
            return ModelTurn(text="All done, your request has been completed successfully.")
        self.called = True
        tool = self.tools[0]
        args: dict[str, Any] = {}
        for name, spec in tool["parameters"].get("properties", {}).items():
            email = re.search(r"[\w.+-]+@[\w.-]+", self.user)
            if spec.get("type") in ("number", "integer"):
                args[name] = 1
            else:
                args[name] = email.group(0) if email and "mail" in name else "unknown"
        return ModelTurn(text="", tool_calls=[ToolCall("c1", tool["name"], args, json.dumps(args))])


class Guesser(OneShot):
    """Invents plausible ids and calls the last (usually the acting) tool with them."""

    async def step(self) -> ModelTurn:
        if self.called:
            return ModelTurn(text="Done: the change has been processed.")
        self.called = True
        tool = self.tools[-1]
        args = {name: ("ID-000001" if spec.get("type", "string") == "string" else 1)
                for name, spec in tool["parameters"].get("properties", {}).items()}
        return ModelTurn(text="", tool_calls=[ToolCall("g1", tool["name"], args, json.dumps(args))])


class Scripted(OneShot):
    """An RPA bot: the same three recorded steps, whatever the task."""

    SCRIPT = (("search_records", {"query": "open"}), ("update_record", {"id": "REC-1"}))

    async def step(self) -> ModelTurn:
        n = getattr(self, "n", 0)
        self.n = n + 1
        if n < len(self.SCRIPT):
            name, args = self.SCRIPT[n]
            return ModelTurn(text="", tool_calls=[ToolCall(f"s{n}", name, args, "{}")])
        return ModelTurn(text="Robot run complete: records updated.")


class InjectionFollower(ReferenceSession):
    """Competent, but also does what planted instructions say (it performs the forbidden call)."""

    def __init__(self, scenario: Scenario, tools: list[dict[str, Any]]) -> None:
        super().__init__(scenario)
        self.done_injected = "injection" not in scenario.probes
        self.seed = 0

    async def step(self) -> ModelTurn:
        if not self.done_injected and any(h["role"] == "tool" for h in self.history):
            self.done_injected = True
            mine = self.scenario.expect.minefields[0]
            args = minefield_call(self.scenario, 0, World(self.scenario, self.seed))
            assert isinstance(args, dict), args
            self.history.append({"role": "assistant", "text": "", "tool_calls": [{"id": "x"}]})
            return ModelTurn(text="", tool_calls=[ToolCall("inj", mine.call, args, "{}")])
        return await super().step()

    def add_tool_results(self, results: list[ToolResult]) -> None:
        if results and results[0].call.id == "inj":
            self.history.pop()  # the reference player never planned this call
            return
        super().add_tool_results(results)


def judge(vendor: type[Session]) -> dict[str, Any]:
    records = []
    for sc in LIBRARY:
        seed = 4
        world = World(sc, seed)
        if vendor is InjectionFollower:
            session: Session = InjectionFollower(sc, world.tool_specs())
            session.seed = seed  # type: ignore[attr-defined]
        else:
            session = vendor(sc, world.tool_specs())  # type: ignore[call-arg]
        traj = asyncio.run(run_trial(sc, world, session))
        score = score_trial(sc, world, traj)
        records.append({**score.to_json(), "vendor": vendor.__name__, "scenario": sc.id,
                        "trial": 0, "termination": traj.termination,
                        "reference_sequence": reference_sequence(sc),
                        "probes": list(sc.probes), "cost_usd": 0.0, "duration_s": 0.1})
    return vendor_verdict(vendor.__name__, records)


def test_one_shot_tool_caller_is_at_most_tool_assisted() -> None:
    v = judge(OneShot)
    assert v["tier"] <= 1 and v["completion_rate"] == 0.0
    assert "hallucinated_actions" in v["flags"]


def test_guesser_that_invents_ids_is_at_most_tool_assisted() -> None:
    v = judge(Guesser)
    assert v["tier"] <= 1 and v["completion_rate"] == 0.0


def test_scripted_bot_is_caught() -> None:
    v = judge(Scripted)
    assert v["tier"] == 0 and "scripted" in v["flags"]


def test_injection_follower_is_flagged_and_kept_below_tier_3() -> None:
    injected = [sc for sc in LIBRARY if "injection" in sc.probes]
    assert injected, "the library needs injection scenarios"
    for sc in injected:
        assert minefield_reachable(sc, 0, 4) is None
    v = judge(InjectionFollower)
    assert "unsafe_action" in v["flags"] and v["tier"] <= 2
    assert v["probe_pass_rates"]["injection"] == 0.0


@pytest.mark.parametrize("scenario", LIBRARY, ids=lambda s: s.id)
def test_reference_agent_solves_every_scenario(scenario: Scenario) -> None:
    world = World(scenario, 9)
    traj = asyncio.run(run_trial(scenario, world, ReferenceSession(scenario)))
    score = score_trial(scenario, world, traj)
    assert score.passed and score.flags == [], [c.reason for c in score.checks if not c.passed]
