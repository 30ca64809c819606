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
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import httpx
import pytest
import uvicorn
from a2a.helpers import new_task_from_user_message, new_text_message
from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.events import EventQueue
from a2a.server.request_handlers import DefaultRequestHandler
from a2a.server.routes import create_agent_card_routes, create_jsonrpc_routes
from a2a.server.tasks import InMemoryTaskStore, TaskUpdater
from a2a.types import AgentCapabilities, AgentCard, AgentInterface, AgentSkill, Part
from google.protobuf.json_format import MessageToDict
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from agentcheck.run.runner import make_driver, run_one
from agentcheck.scenario.model import Scenario, load_scenario
from agentcheck.scenario.reference import identify, next_action
from agentcheck.vendors.http import HttpClient
from agentcheck.vendors.profile import VendorProfile

from .helpers.cli import agentcheck
from .helpers.paths import SCENARIOS

REFUND = SCENARIOS / "customer-service" / "refund-damaged-order.yaml"
BOOKING = SCENARIOS / "scheduling" / "book-new-hire-orientation.yaml"
CHATBOT_REPLY = ("Thanks! I've taken care of that for you: the refund has been processed and "
                 "everything is updated in our system.")


# ---------------------------------------------------------------------------- a real agent
@dataclass
class Conversation:
    mcp_url: str
    history: list[dict[str, Any]] = field(default_factory=list)
    scenario: Scenario | None = None


class ReferenceBrain:
    """An agent that solves a scenario with the hosted tools: it finds the MCP URL in the first
    message, lists the tools with the official MCP client, recognises the task, and plays the
    reference solution from the conversation, calling every tool over MCP."""

    def __init__(self, scenarios: list[Scenario]) -> None:
        self.scenarios = scenarios
        self.conversations: dict[str, Conversation] = {}
        self.mcp_calls = 0

    async def turn(self, conversation_id: str, user_text: str, mcp_url: str | None
                   ) -> tuple[str, bool]:
        """One user message in; (reply, wants the user's input) out."""
        conv = self.conversations.get(conversation_id)
        if conv is None:
            assert mcp_url, "the first message must say where the tools are"
            conv = self.conversations[conversation_id] = Conversation(mcp_url)
        conv.history.append({"role": "user", "text": user_text})
        async with streamable_http_client(conv.mcp_url) as (read, write), \
                ClientSession(read, write) as mcp:
            await mcp.initialize()
            if conv.scenario is None:
                listed = await mcp.list_tools()
                conv.scenario = identify(self.scenarios, {t.name for t in listed.tools},
                                         user_text)
                if conv.scenario is None:
                    return "I do not know how to help with that.", False
            for _ in range(30):
                action = next_action(conv.scenario, conv.history)
                if action.kind == "call":
                    result = await mcp.call_tool(action.name, action.args or {})
                    self.mcp_calls += 1
                    text = result.content[0].text  # type: ignore[union-attr]
                    conv.history.append({"role": "assistant", "text": "",
                                         "tool_calls": [action.name]})
                    conv.history.append({"role": "tool", "content": text})
                    continue
                conv.history.append({"role": "assistant", "text": action.text,
                                     "tool_calls": []})
                return action.text, action.text.rstrip().endswith("?")
        return "I ran out of steps.", False


def user_text_and_tools(context: RequestContext) -> tuple[str, str | None]:
    """The user's words (parts agentcheck tagged as instructions or tool notes left out) and
    the MCP URL from the message metadata."""
    assert context.message is not None
    msg = MessageToDict(context.message)
    text = "\n".join(p["text"] for p in msg.get("parts", [])
                     if "text" in p and not (p.get("metadata") or {}).get("agentcheck"))
    return text, (msg.get("metadata") or {}).get("agentcheck", {}).get("mcp_url")


class BrainExecutor(AgentExecutor):
    """A2A face of the brain: a task per request, input-required for questions, the answer as
    an artifact. `mode` makes it misbehave for the driver's edge cases."""

    def __init__(self, brain: ReferenceBrain | None, mode: str = "agent") -> None:
        self.brain = brain
        self.mode = mode

    async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        assert context.message is not None
        if self.mode == "chatbot":  # never touches a tool, claims success
            await event_queue.enqueue_event(new_text_message(
                CHATBOT_REPLY, context_id=context.context_id))
            return
        task = context.current_task
        if task is None:
            task = new_task_from_user_message(context.message)
            await event_queue.enqueue_event(task)
        updater = TaskUpdater(event_queue, task.id, task.context_id)
        await updater.start_work()
        if self.mode == "slow":  # answer later: the driver has to poll or stream
            await asyncio.sleep(0.3)
        if self.mode in ("failing", "auth"):
            message = updater.new_agent_message([Part(text="I cannot do this.")])
            if self.mode == "auth":
                await updater.requires_auth(message)
            else:
                await updater.failed(message)
            return
        assert self.brain is not None
        text, mcp_url = user_text_and_tools(context)
        reply, wants_input = await self.brain.turn(task.context_id, text, mcp_url)
        if wants_input:
            await updater.requires_input(updater.new_agent_message([Part(text=reply)]))
        else:
            await updater.add_artifact([Part(text=reply)], name="answer")
            await updater.complete()

    async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
        raise NotImplementedError


def agent_card(url: str, streaming: bool) -> AgentCard:
    return AgentCard(
        name="Operations agent", description="Carries out back-office requests.",
        version="1.0",
        supported_interfaces=[AgentInterface(url=url, protocol_binding="JSONRPC",
                                             protocol_version="1.0")],
        capabilities=AgentCapabilities(streaming=streaming),
        default_input_modes=["text/plain"], default_output_modes=["text/plain"],
        skills=[AgentSkill(id="ops", name="Operations", description="Back-office work.",
                           tags=["operations"])])


def legacy_card(url: str) -> dict[str, Any]:
    """A v0.3 card, served only at the older /.well-known/agent.json."""
    return {"name": "Legacy agent", "description": "A 0.3 agent.", "url": url,
            "version": "1.0", "protocolVersion": "0.3.0", "preferredTransport": "JSONRPC",
            "capabilities": {"streaming": False}, "defaultInputModes": ["text/plain"],
            "defaultOutputModes": ["text/plain"],
            "skills": [{"id": "ops", "name": "Operations", "description": "Work.",
                        "tags": ["operations"]}]}


class UvicornThread:
    """An ASGI app served by uvicorn in a daemon thread on a loopback port; a context manager.
    The port is bound first (`base`), so the app can be built knowing its own URL."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.sock.bind(("127.0.0.1", 0))
        self.base = f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def serve(self, app: Any, lifespan: str) -> None:
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan=lifespan,
                                                    ws="none"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        while not self.server.started:
            assert self.thread.is_alive()
            threading.Event().wait(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


class AgentServer(UvicornThread):
    """Several a2a-sdk agents under one loopback uvicorn server, one path prefix each."""

    AGENTS = ("agent", "legacy", "chatbot", "slow", "failing", "auth", "only03")

    def __init__(self, scenarios: list[Scenario]) -> None:
        super().__init__()
        self.brain = ReferenceBrain(scenarios)
        self.methods: list[tuple[str, str]] = []
        mounts = [self._mount(name) for name in self.AGENTS]
        app = Starlette(routes=mounts)
        app.add_middleware(_MethodLog, log=self.methods)  # type: ignore[arg-type]
        self.serve(app, lifespan="on")

    def _mount(self, name: str) -> Mount:
        url = f"{self.base}/{name}/"
        mode = {"agent": "agent", "legacy": "agent", "only03": "agent"}.get(name, name)
        executor = BrainExecutor(self.brain if mode in ("agent", "slow") else None, mode)
        card = agent_card(url, streaming=name in ("agent", "slow"))
        handler = DefaultRequestHandler(agent_executor=executor, task_store=InMemoryTaskStore(),
                                        agent_card=card)
        routes: list[Any] = list(create_jsonrpc_routes(handler, rpc_url="/",
                                                       enable_v0_3_compat=True))
        if name == "only03":  # a 1.0 card in front of a server that only speaks 0.3
            routes = [Route("/.well-known/agent-card.json",
                            lambda request: JSONResponse(agent_card_json(url))),
                      Mount("/", app=_Only03(Starlette(routes=routes)))]
        elif name == "legacy":
            async def old_card(request: Request) -> JSONResponse:
                return JSONResponse(legacy_card(url))
            routes.append(Route("/.well-known/agent.json", old_card))
        else:
            routes += create_agent_card_routes(card)
        return Mount(f"/{name}", routes=routes)

    def url(self, name: str) -> str:
        return f"{self.base}/{name}"


def agent_card_json(url: str) -> dict[str, Any]:
    return MessageToDict(agent_card(url, streaming=False))


async def buffered(receive: Any) -> tuple[bytes, Any]:
    """For a middleware that reads the request body: the whole body, and a `receive` that
    hands it to the wrapped app again."""
    chunks: list[bytes] = []
    more = True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"".join(chunks)
    sent = False

    async def replay() -> Any:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


class _Only03:
    """Answers the 1.0 methods with JSON-RPC 'method not found', like a 0.3-only server."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        body, replay = await buffered(receive)
        request = json.loads(body or b"{}")
        if request.get("method") in ("SendMessage", "GetTask", "SendStreamingMessage"):
            await JSONResponse({"jsonrpc": "2.0", "id": request.get("id"), "error": {
                "code": -32601, "message": "Method not found"}})(scope, receive, send)
            return
        await self.app(scope, replay, send)


class _MethodLog:
    """Records (path, JSON-RPC method and A2A-Version) of every POST, to check the shapes."""

    def __init__(self, app: Any, log: list[tuple[str, str]]) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        body, replay = await buffered(receive)
        headers = dict(scope["headers"])
        try:
            method = json.loads(body).get("method", "?")
        except ValueError:
            method = "?"
        version = headers.get(b"a2a-version", b"").decode()
        self.log.append((scope["path"], f"{method}@{version or '-'}"))
        await self.app(scope, replay, send)


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
