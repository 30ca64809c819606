"""The tool host: a trial's World as an MCP server (checked with the official MCP client) and as
OpenAPI 3.1 (checked with openapi-spec-validator), every call recorded server-side; isolation
between trials, 404 for foreign or finished sessions, 413 for big bodies; the vendor-loop
budgets; and `agentcheck serve-tools` with Ctrl-C."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from mcp import Client, ClientSession
from mcp.client.streamable_http import streamable_http_client
from openapi_spec_validator import validate as validate_openapi

from agentcheck.core.trajectory import Trajectory
from agentcheck.scenario.model import Scenario, load_scenario
from agentcheck.scenario.user import NEUTRAL
from agentcheck.scenario.world import World
from agentcheck.vendors.agentloop import (
    AgentContext,
    AgentDriver,
    AgentReply,
    HostPool,
    fill,
    run_agent_trial,
)
from agentcheck.vendors.http import HttpClient
from agentcheck.vendors.profile import VendorProfile
from agentcheck.vendors.settings import ToolHostSettings
from agentcheck.vendors.toolhost import ToolHost
from agentcheck.vendors.toolsession import HostedSession

from ..helpers.paths import ROOT, SCENARIOS

REFUND = SCENARIOS / "customer-service" / "refund-damaged-order.yaml"


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(REFUND)


def hosted(scenario: Scenario, body: Callable[[ToolHost, list[tuple[HostedSession, World,
                                                                    Trajectory]]],
                                               Awaitable[None]],
           sessions: int = 1, seed: int = 4, **settings: Any) -> None:
    """Run `body` against a started host with `sessions` open trials (same scenario, seed)."""
    async def main() -> None:
        async with ToolHost() as host:
            opened = []
            for _ in range(sessions):
                world, traj = World(scenario, seed), Trajectory()
                session = await host.open(world, traj, ToolHostSettings(**settings))
                opened.append((session, world, traj))
            await body(host, opened)

    asyncio.run(main())


async def mcp_session_call(url: str, name: str, args: dict[str, Any]) -> Any:
    async with streamable_http_client(url) as (read, write), ClientSession(read, write) as mcp:
        await mcp.initialize()
        return await mcp.call_tool(name, args)


# ---------------------------------------------------------------------------- MCP
def test_official_mcp_client_lists_and_calls_the_hosted_tools(scenario: Scenario) -> None:
    async def body(host: ToolHost, opened: list[Any]) -> None:
        session, world, traj = opened[0]
        email = world.data["customers"][0]["email"]
        async with streamable_http_client(session.mcp_url) as (read, write), \
                ClientSession(read, write) as mcp:
            init = await mcp.initialize()
            assert init.capabilities.tools is not None
            listed = await mcp.list_tools()
            assert [(t.name, t.description, t.input_schema) for t in listed.tools] == [
                (t.name, t.description, t.parameters) for t in scenario.tools]
            found = await mcp.call_tool("lookup_customer", {"email": email})
            assert not found.is_error
            customer = json.loads(found.content[0].text)  # type: ignore[union-attr]
            orders = await mcp.call_tool("list_orders", {"customer_id": customer["id"]})
            processing = next(o for o in json.loads(orders.content[0].text)  # type: ignore
                              if o["status"] == "processing")
            refused = await mcp.call_tool("refund_order", {"order_id": processing["id"]})
            assert refused.is_error  # a guard: a tool error, as a result the agent can read
            assert "only delivered orders" in refused.content[0].text  # type: ignore
            invalid = await mcp.call_tool("refund_order", {"order": 1})
            assert invalid.is_error and "invalid arguments" in invalid.content[0].text  # type: ignore
            unknown = await mcp.call_tool("drop_tables", {})
            assert unknown.is_error and "unknown tool" in unknown.content[0].text  # type: ignore
            delivered = next(o for o in json.loads(orders.content[0].text)  # type: ignore
                             if o["status"] == "delivered")
            done = await mcp.call_tool("refund_order", {"order_id": delivered["id"]})
            assert not done.is_error
        assert world.data["orders"][0]["status"] == "refunded"
        # everything was recorded on our side, in order, with timing
        assert [c.tool for c in traj.calls] == ["lookup_customer", "list_orders",
                                                "refund_order", "refund_order", "drop_tables",
                                                "refund_order"]
        assert [c.valid for c in traj.calls] == [True, True, True, False, False, True]
        tools = [e for e in traj.events if e["type"] == "tool"]
        assert all(e["via"] == "mcp" and e["duration_ms"] >= 0 for e in tools)
        assert [e["at_s"] for e in tools] == sorted(e["at_s"] for e in tools)
        assert tools[-1]["changes"][0]["after"]["status"] == "refunded"

    hosted(scenario, body)


def test_the_stateless_era_client_works_too(scenario: Scenario) -> None:
    async def body(host: ToolHost, opened: list[Any]) -> None:
        session, world, traj = opened[0]
        async with Client(session.mcp_url) as client:
            tools = await client.list_tools()
            assert {t.name for t in tools.tools} == {t.name for t in scenario.tools}
            result = await client.call_tool(
                "lookup_customer", {"email": world.data["customers"][1]["email"]})
            assert not result.is_error
        assert [c.tool for c in traj.calls] == ["lookup_customer"]

    hosted(scenario, body)


# ---------------------------------------------------------------------------- OpenAPI
def test_openapi_document_validates_and_endpoints_behave_as_declared(scenario: Scenario
                                                                    ) -> None:
    async def body(host: ToolHost, opened: list[Any]) -> None:
        session, world, traj = opened[0]
        async with httpx.AsyncClient(trust_env=False) as http:
            doc = (await http.get(session.openapi_url)).json()
            validate_openapi(doc)
            assert doc["openapi"].startswith("3.1") and doc["servers"] == [
                {"url": session.base_url}]
            schemas = doc["components"]["schemas"]

            def conforms(resp: httpx.Response, path: str) -> Any:
                declared = doc["paths"][path]["post"]["responses"][str(resp.status_code)]
                schema = declared["content"]["application/json"]["schema"]
                name = schema["$ref"].rsplit("/", 1)[1]
                jsonschema.validate(resp.json(), schemas[name])
                return resp.json()

            for tool in scenario.tools:
                op = doc["paths"][f"/tools/{tool.name}"]["post"]
                assert op["operationId"] == tool.name
                assert op["requestBody"]["content"]["application/json"]["schema"] == \
                    tool.parameters
            base = doc["servers"][0]["url"]
            email = world.data["customers"][0]["email"]
            r = await http.post(f"{base}/tools/lookup_customer", json={"email": email})
            assert r.status_code == 200
            assert conforms(r, "/tools/lookup_customer")["result"]["email"] == email
            r = await http.post(f"{base}/tools/lookup_customer", json={"email": "x@y.z"})
            assert r.status_code == 200 and conforms(r, "/tools/lookup_customer") == {
                "ok": False, "error": "no customer with that email"}
            r = await http.post(f"{base}/tools/refund_order", content=b"{not json")
            assert r.status_code == 400 and conforms(r, "/tools/refund_order")["ok"] is False
            r = await http.post(f"{base}/tools/refund_order", json={"order_id": 7})
            assert r.status_code == 200 and "invalid arguments" in r.json()["error"]
            r = await http.post(f"{base}/tools/refund_order",
                                content=b'{"order_id": "' + b"x" * 2_000_000 + b'"}')
            assert r.status_code == 413 and conforms(r, "/tools/refund_order")["ok"] is False
            r = await http.post(f"{base}/tools/no_such_tool", json={})
            assert r.status_code == 404
            r = await http.get(f"{base}/tools/lookup_customer")
            assert r.status_code == 405
            order = world.data["orders"][0]["id"]
            r = await http.post(f"{base}/tools/refund_order", json={"order_id": order})
            assert conforms(r, "/tools/refund_order")["result"]["status"] == "refunded"
        assert world.data["orders"][0]["status"] == "refunded"
        assert [(c.tool, c.ok) for c in traj.calls] == [
            ("lookup_customer", True), ("lookup_customer", False), ("refund_order", False),
            ("refund_order", False), ("no_such_tool", False), ("refund_order", True)]
        assert {e["via"] for e in traj.events} == {"openapi"}

    hosted(scenario, body)


# ---------------------------------------------------------------------------- isolation
def test_concurrent_trials_never_see_each_others_worlds(scenario: Scenario) -> None:
    async def body(host: ToolHost, opened: list[Any]) -> None:
        (a, world_a, traj_a), (b, world_b, traj_b) = opened
        assert a.token != b.token and len(a.token) >= 32
        order = world_a.data["orders"][0]["id"]
        assert order == world_b.data["orders"][0]["id"]  # same seed, same ids

        async def refund(session: HostedSession, via_mcp: bool) -> Any:
            if via_mcp:
                return await mcp_session_call(session.mcp_url, "refund_order",
                                              {"order_id": order})
            async with httpx.AsyncClient(trust_env=False) as http:
                return await http.post(f"{session.base_url}/tools/list_orders",
                                       json={"customer_id": "CUS-000000"})

        await asyncio.gather(refund(a, True), refund(b, False), refund(a, False))
        assert world_a.data["orders"][0]["status"] == "refunded"
        assert world_b.data == world_b.initial  # b only read, with its own token
        assert [c.tool for c in traj_a.calls].count("refund_order") == 1
        assert [c.tool for c in traj_b.calls] == ["list_orders"]

    hosted(scenario, body, sessions=2)


def test_foreign_and_finished_sessions_get_404_and_change_nothing(scenario: Scenario
                                                                 ) -> None:
    async def body(host: ToolHost, opened: list[Any]) -> None:
        session, world, traj = opened[0]
        order = world.data["orders"][0]["id"]
        async with httpx.AsyncClient(trust_env=False) as http:
            for token in ("not-a-token", session.token[:-1] + "x", ""):
                for rest in ("mcp", "openapi.json", "tools/refund_order"):
                    r = await http.post(f"{host.local_url}/t/{token}/{rest}",
                                        json={"order_id": order})
                    assert r.status_code == 404, (token, rest)
            session.close()  # the trial ended
            r = await http.post(f"{session.base_url}/tools/refund_order",
                                json={"order_id": order})
            assert r.status_code == 404
            assert (await http.get(session.openapi_url)).status_code == 404
        with pytest.raises(BaseException):  # noqa: B017 - the MCP client fails on the 404
            await mcp_session_call(session.mcp_url, "refund_order", {"order_id": order})
        assert world.data == world.initial and traj.calls == [] and traj.events == []

    hosted(scenario, body)


def test_browser_origins_are_refused(scenario: Scenario) -> None:
    async def body(host: ToolHost, opened: list[Any]) -> None:
        session, _, traj = opened[0]
        async with httpx.AsyncClient(trust_env=False) as http:
            evil = await http.post(f"{session.base_url}/tools/list_orders", json={},
                                   headers={"Origin": "https://evil.example"})
            assert evil.status_code == 403
            tunnel = await http.post(f"{session.base_url}/tools/list_orders", json={},
                                     headers={"Origin": "https://tunnel.example"})
            assert tunnel.status_code == 200
        assert len(traj.calls) == 1

    # a public URL (tunnel) is what the vendor is told, and its origin is allowed
    async def check_public(host: ToolHost, opened: list[Any]) -> None:
        session = opened[0][0]
        assert session.mcp_url.startswith("https://tunnel.example/base/t/")
        session.base_url = session.base_url.replace("https://tunnel.example/base",
                                                    host.local_url)
        await body(host, opened)

    hosted(scenario, check_public, public_url="https://tunnel.example/base/")


def test_a_fixed_token_serves_one_trial_at_a_time(scenario: Scenario) -> None:
    async def main() -> None:
        async with ToolHost() as host:
            first = await host.open(World(scenario, 1), Trajectory(), token="fixed-token-123456")
            waiting = asyncio.ensure_future(host.open(World(scenario, 2), Trajectory(),
                                                      token="fixed-token-123456"))
            await asyncio.sleep(0.05)
            assert not waiting.done()
            first.close()
            second = await asyncio.wait_for(waiting, 2)
            assert second.mcp_url == first.mcp_url and second.world.seed == 2
            second.close()

    asyncio.run(main())


# ---------------------------------------------------------------------------- vendor loop
class ScriptDriver(AgentDriver):
    """An in-process 'vendor' whose loop is a test coroutine."""

    script: Callable[[AgentContext], Awaitable[None]]

    async def run_task(self, ctx: AgentContext) -> None:
        await type(self).script(ctx)


def script_driver(script: Callable[[AgentContext], Awaitable[None]], **agent: Any
                  ) -> ScriptDriver:
    profile = VendorProfile.model_validate({"name": "scripted", "protocol": "a2a",
                                            "base_url": "http://127.0.0.1:9", "model": "m",
                                            "agent": agent})
    cls = type("Scripted", (ScriptDriver,), {"script": staticmethod(script)})
    return cls(profile, HttpClient(httpx.AsyncClient(), "scripted"))


async def call(url: str, name: str, args: dict[str, Any]) -> httpx.Response:
    async with httpx.AsyncClient(trust_env=False) as http:
        return await http.post(f"{url}/tools/{name}", json=args)


def test_a_vendor_calling_after_its_trial_ended_changes_nothing(scenario: Scenario) -> None:
    late: dict[str, Any] = {}

    async def script(ctx: AgentContext) -> None:
        msg = ctx.first_message()
        assert msg.tools_note and ctx.mcp_url in msg.tools_note
        late["base"] = ctx.session.base_url
        late["order"] = ctx.session.world.data["orders"][0]["id"]
        r = await call(late["base"], "lookup_customer", {"email": "nobody@example.com"})
        assert r.json()["ok"] is False
        assert ctx.reply(AgentReply("All done, refund processed.", 0.01)) is None
        # the trial ended with that reply: the tools are gone at once
        r = await call(late["base"], "refund_order", {"order_id": late["order"]})
        assert r.status_code == 404

    async def main() -> None:
        pool = HostPool()
        try:
            world = World(scenario, 9)
            traj = await run_agent_trial(scenario, world, script_driver(script), pool)
            assert traj.termination == "final_answer" and len(traj.calls) == 1
            r = await call(late["base"], "refund_order", {"order_id": late["order"]})
            assert r.status_code == 404
            assert world.data == world.initial and len(traj.calls) == 1
        finally:
            await pool.aclose()

    asyncio.run(main())


def test_step_budget_counts_hosted_tool_calls(scenario: Scenario) -> None:
    async def script(ctx: AgentContext) -> None:
        ctx.first_message()
        while True:  # a vendor stuck in a loop of tool calls
            await call(ctx.session.base_url, "list_orders", {"customer_id": "CUS-1"})

    budgeted = scenario.model_copy(update={"budget": scenario.budget.model_copy(
        update={"steps": 6})})
    traj = asyncio.run(run_agent_trial(budgeted, World(budgeted, 1), script_driver(script)))
    assert traj.termination == "step_budget" and len(traj.calls) == 5  # 1 message + 5 calls


def test_time_budget_and_vendor_errors_end_the_trial(scenario: Scenario) -> None:
    from agentcheck.core.errors import VendorError

    async def hang(ctx: AgentContext) -> None:
        ctx.first_message()
        await asyncio.sleep(60)

    async def fail(ctx: AgentContext) -> None:
        ctx.first_message()
        raise VendorError("server_error", "503 from scripted")

    quick = scenario.model_copy(update={"budget": scenario.budget.model_copy(
        update={"seconds": 0.3})})
    started = time.perf_counter()
    traj = asyncio.run(run_agent_trial(quick, World(quick, 1), script_driver(hang)))
    assert traj.termination == "time_budget" and time.perf_counter() - started < 5
    traj = asyncio.run(run_agent_trial(scenario, World(scenario, 1), script_driver(fail)))
    assert (traj.termination, traj.error_cause) == ("vendor_error", "server_error")


def test_scripted_user_turns_follow_the_harness_rules() -> None:
    booking = load_scenario(SCENARIOS / "scheduling" / "book-new-hire-orientation.yaml")
    seen: list[Any] = []

    async def never_asks(ctx: AgentContext) -> None:
        ctx.first_message()
        seen.append(ctx.reply(AgentReply("I booked them.", 0.1)))

    async def asks(ctx: AgentContext) -> None:
        ctx.first_message()
        # input-required with a question for something else gets a neutral reply; the fact
        # comes when the agent asks for it (the same rules as the harness loop, user.py)
        nxt = ctx.reply(AgentReply("Which site", 0.1, asked=True, state="input-required"))
        assert nxt is not None and nxt.text == NEUTRAL
        nxt = ctx.reply(AgentReply("Which employee ID", 0.1, asked=True,
                                   state="input-required"))
        seen.append(nxt)
        assert nxt is not None
        seen.append(ctx.reply(AgentReply("Booked.", 0.1, state="completed")))

    traj = asyncio.run(run_agent_trial(booking, World(booking, 2), script_driver(never_asks)))
    assert traj.termination == "user_left" and seen == [None]
    seen.clear()
    world = World(booking, 2)
    traj = asyncio.run(run_agent_trial(booking, world, script_driver(asks,
                                                                     announce_tools=False)))
    assert traj.termination == "final_answer"
    assert seen[0].text.endswith(world.data["employees"][0]["id"] + ".")
    assert seen[0].tools_note is None and seen[1] is None
    assert [e["type"] for e in traj.events] == ["user", "assistant", "user", "assistant",
                                                "user", "assistant", "end"]
    assert traj.events[1]["state"] == "input-required" and traj.model_calls == 3


def test_placeholders_fill_strings_and_keep_types() -> None:
    values = {"turn": 2, "message": 'say "hi"', "session_id": None}
    assert fill({"seq": "{{ turn }}", "text": "{{message}}!", "s": "[{{ session_id }}]"},
                values) == {"seq": 2, "text": 'say "hi"!', "s": "[]"}


# ---------------------------------------------------------------------------- serve-tools
def test_serve_tools_prints_urls_and_reports_calls_and_checks_on_ctrl_c() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "agentcheck.cli", "serve-tools",
                             "refund-damaged-order", "--seed", "12"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert proc.stdout is not None
        lines = []
        while not any(line.startswith("serving") for line in lines):
            line = proc.stdout.readline()
            assert line, proc.stderr.read() if proc.stderr else ""
            lines.append(line)
        mcp_url = next(x.split(": ", 1)[1].strip() for x in lines if x.startswith("MCP"))
        openapi = next(x.split(":", 1)[1].strip() for x in lines if x.startswith("OpenAPI"))
        assert mcp_url.startswith("http://127.0.0.1:") and openapi.endswith("/openapi.json")
        world = World(load_scenario(REFUND), 12)
        email = world.data["customers"][0]["email"]
        assert any(email in x for x in lines)  # the user's turn, to type into the console
        base = openapi.rsplit("/", 1)[0]
        with httpx.Client(trust_env=False) as http:
            r = http.post(f"{base}/tools/refund_order",
                          json={"order_id": world.data["orders"][0]["id"]})
        assert r.json()["ok"] is True
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert "1 tool call(s):" in out and "refund_order" in out
    assert "pass  outcome: orders[0].status == 'refunded'" in out
    assert "FAIL  milestone: lookup_customer" in out


def test_serve_tools_usage_errors() -> None:
    res = subprocess.run([sys.executable, "-m", "agentcheck.cli", "serve-tools", "nope"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and "unknown scenario 'nope'" in res.stderr
    res = subprocess.run([sys.executable, "-m", "agentcheck.cli", "serve-tools", str(REFUND),
                          "--public-url", "ftp://x"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert res.returncode == 2 and "public_url" in res.stderr and "Traceback" not in res.stderr


def test_oversized_mcp_body_is_refused(scenario: Scenario) -> None:
    async def body(host: ToolHost, opened: list[Any]) -> None:
        session, _, traj = opened[0]
        payload = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                   "params": {"name": "refund_order", "arguments": {"order_id": "x" * 5000}}}
        async with httpx.AsyncClient(trust_env=False) as http:
            r = await http.post(session.mcp_url, json=payload, headers={
                "Accept": "application/json, text/event-stream"})
        assert r.status_code == 413 and traj.calls == []

    hosted(scenario, body, max_body_bytes=2048)


def test_host_binds_loopback_and_reports_a_busy_port(tmp_path: Path) -> None:
    async def main() -> None:
        async with ToolHost() as host:
            assert host.local_url.startswith("http://127.0.0.1:")
            with pytest.raises(OSError, match="cannot listen"):
                await ToolHost("127.0.0.1", host.port).start()

    asyncio.run(main())
