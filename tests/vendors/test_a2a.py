"""The A2A driver against agents built on the official a2a-sdk server, over loopback.

The competent agent's executor really calls agentcheck's hosted tools with the official MCP
client, playing the scenario's reference solution from what it sees
(agentcheck.scenario.reference); it asks for missing facts with `input-required`. A chatbot
agent only replies with text. Both are evaluated end to end through the CLI, and the driver's
protocol paths (1.0 and 0.3 shapes, the older card path, streaming, polling, terminal and
interrupted states) are checked in process.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from agentcheck.run.runner import make_driver, run_one
from agentcheck.scenario.model import load_scenario
from agentcheck.vendors.http import HttpClient
from agentcheck.vendors.profile import VendorProfile

from ..fakes.a2a import AgentServer
from ..helpers.cli import agentcheck
from ..helpers.paths import SCENARIOS

REFUND = SCENARIOS / "customer-service" / "refund-damaged-order.yaml"
BOOKING = SCENARIOS / "scheduling" / "book-new-hire-orientation.yaml"


@pytest.fixture(scope="module")
def agents() -> Iterator[AgentServer]:
    scenarios = [load_scenario(REFUND), load_scenario(BOOKING)]
    with AgentServer(scenarios) as server:
        yield server


def profile(name: str, url: str, **extra: Any) -> VendorProfile:
    data: dict[str, Any] = {"name": name, "protocol": "a2a", "base_url": url, "model": name,
                            "agent": {"a2a": {"poll_interval_s": 0.02}}, **extra}
    return VendorProfile.model_validate(data)


async def trial(prof: VendorProfile, scenario: Path, seed: int = 3) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=30, trust_env=False) as client:
        driver = make_driver(prof, client)
        return await run_one(prof, driver, load_scenario(scenario), 0, seed)


# ---------------------------------------------------------------------------- end to end
def write_profile(folder: Path, name: str, url: str, extra: str = "") -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(f"name: {name}\nprotocol: a2a\nbase_url: {url}\nmodel: {name}\n"
                    f"agent:\n  a2a: {{poll_interval_s: 0.02}}\n{extra}", encoding="utf-8")
    return path


def test_cli_ranks_a_real_a2a_agent_above_a_chatbot(agents: AgentServer, tmp_path: Path
                                                    ) -> None:
    vendors = [write_profile(tmp_path, "ops-agent", agents.url("agent")),
               write_profile(tmp_path, "ops-agent-streaming", agents.url("agent"),
                             "stream: true\n"),
               write_profile(tmp_path, "legacy-agent", agents.url("legacy")),
               write_profile(tmp_path, "chat-agent", agents.url("chatbot"))]
    out = tmp_path / "run"
    args = ["run", "--out", str(out), "--seed", "5", "--trials", "2", "--quiet",
            "--scenarios", str(REFUND), "--scenarios", str(BOOKING)]
    for v in vendors:
        args += ["--vendor", str(v)]
    res = agentcheck(*args)
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    summary = json.loads((out / "summary.json").read_text())
    by_name = {v["name"]: v for v in summary["vendors"]}
    for name in ("ops-agent", "ops-agent-streaming", "legacy-agent"):
        v = by_name[name]
        assert v["tier"] >= 2, (name, v["tier_reasons"])
        assert v["completion_rate"] == 1.0 and v["flags"] == [], name
    chat = by_name["chat-agent"]
    assert chat["tier"] == 0 and "hallucinated_actions" in chat["flags"]
    assert chat["capability_score"] < 20
    records = [json.loads(x) for x in (out / "trials.jsonl").read_text().splitlines()]
    agent_records = [r for r in records if r["vendor"] == "ops-agent"]
    assert all(r["passed"] for r in agent_records)
    tools = [e for r in agent_records for e in r["events"] if e["type"] == "tool"]
    # the calls come from the tool host's log: over MCP, timed, tied to an exchange
    assert tools and all(e["via"] == "mcp" and e["at_s"] >= 0 and e["step"] >= 1
                         for e in tools)
    booking = next(r for r in agent_records if r["scenario"] == "book-new-hire-orientation")
    states = [e.get("state") for e in booking["events"] if e["type"] == "assistant"]
    assert states == ["input-required", "completed"]
    assert [e["turn"] for e in booking["events"] if e["type"] == "user"] == [0, 1]
    assert all(not [e for e in r["events"] if e["type"] == "tool"]
               for r in records if r["vendor"] == "chat-agent")
    paths = {m for p, m in agents.methods if p.startswith("/legacy")}
    assert paths == {"message/send@-"}, paths  # 0.3 shapes, no version header
    assert {m for p, m in agents.methods if p.startswith("/agent")} >= {
        "SendMessage@1.0", "SendStreamingMessage@1.0"}


# ---------------------------------------------------------------------------- protocol paths
def test_a_working_task_is_polled_until_it_settles(agents: AgentServer) -> None:
    prof = profile("slow", agents.url("slow"))
    prof.agent.a2a.blocking = False  # type: ignore[union-attr]
    agents.methods.clear()
    record = asyncio.run(trial(prof, REFUND))
    assert record["passed"], record["checks"]
    methods = [m for p, m in agents.methods if p.startswith("/slow")]
    assert methods[0] == "SendMessage@1.0" and "GetTask@1.0" in methods


def test_terminal_failure_is_the_agents_last_word(agents: AgentServer) -> None:
    record = asyncio.run(trial(profile("failing", agents.url("failing")), REFUND))
    assert not record["passed"] and record["termination"] == "final_answer"
    last = [e for e in record["events"] if e["type"] == "assistant"][-1]
    assert last["state"] == "failed" and last["text"] == "I cannot do this."
    assert "failed" in record["error_message"]


def test_auth_required_is_a_vendor_error(agents: AgentServer) -> None:
    record = asyncio.run(trial(profile("auth", agents.url("auth")), REFUND))
    assert record["termination"] == "vendor_error" and record["error_cause"] == "auth"


def test_forced_0_3_against_a_1_0_agent(agents: AgentServer) -> None:
    prof = profile("agent03", agents.url("agent"))
    prof.agent.a2a.version = "0.3"  # type: ignore[union-attr]
    agents.methods.clear()
    record = asyncio.run(trial(prof, BOOKING))
    assert record["passed"], record["checks"]
    assert {m for _, m in agents.methods} == {"message/send@-"}


def test_a_1_0_card_on_a_0_3_only_server_falls_back_once(agents: AgentServer) -> None:
    agents.methods.clear()
    record = asyncio.run(trial(profile("only03", agents.url("only03")), BOOKING))
    assert record["passed"], record["checks"]
    methods = [m for p, m in agents.methods if p.startswith("/only03")]
    assert methods == ["SendMessage@1.0", "message/send@-", "message/send@-"]


def test_no_agent_card_is_a_vendor_error(agents: AgentServer) -> None:
    record = asyncio.run(trial(profile("nobody", agents.base + "/missing"), REFUND))
    assert record["termination"] == "vendor_error" and record["error_cause"] == "protocol"
    assert "no agent card" in record["error_message"]


def test_tools_are_not_announced_unless_the_profile_says_so(agents: AgentServer
                                                                 ) -> None:
    prof = VendorProfile.model_validate({
        "name": "quiet", "protocol": "a2a", "base_url": agents.url("agent"), "model": "q",
        "agent": {"announce_tools": False, "a2a": {"poll_interval_s": 0.02}}})
    record = asyncio.run(trial(prof, REFUND))
    # the agent never learns where the tools are, so it cannot act: a vendor-side error
    assert not record["passed"] and record["tool_calls"] == 0


def test_card_parsing_prefers_the_modern_jsonrpc_interface() -> None:
    from agentcheck.vendors.protocols.a2a import A2ADriver, TaskView, norm_state

    prof = profile("x", "http://127.0.0.1:9")
    driver = A2ADriver(prof, HttpClient(httpx.AsyncClient(), "x"))
    card = {"supportedInterfaces": [
        {"url": "/grpc", "protocolBinding": "GRPC", "protocolVersion": "1.0"},
        {"url": "rpc", "protocolBinding": "JSONRPC", "protocolVersion": "1.0"}],
        "url": "http://old.example/a2a", "capabilities": {"streaming": True}}
    ep = driver.endpoint_from_card(card, "http://h.example/x/.well-known/agent-card.json")
    assert (ep.url, ep.version, ep.streaming) == ("http://h.example/x/.well-known/rpc", "1.0",
                                                  True)
    old = driver.endpoint_from_card({"url": "http://old.example/a2a"}, "http://h.example/c")
    assert (old.url, old.version) == ("http://old.example/a2a", "0.3")
    assert norm_state("TASK_STATE_INPUT_REQUIRED") == norm_state("input-required")
    assert norm_state("cancelled") == "canceled"
    view = TaskView.from_task({"id": "t", "status": {"state": "completed"},
                               "artifacts": [{"artifactId": "a", "parts": [
                                   {"kind": "text", "text": "done"}, {"data": {"n": 1}}]}]})
    assert view.settled and view.answer() == 'done\n{"n": 1}'
