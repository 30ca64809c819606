"""Fake A2A agents built on the official a2a-sdk server, under one loopback uvicorn server.

`AgentServer(scenarios)` mounts several agents, one path prefix each: `agent` (the competent one:
its executor really calls agentcheck's hosted tools with the official MCP client, playing the
scenario's reference solution, and asks for missing facts with `input-required`), `legacy` (a
0.3 card at the older path), `chatbot` (replies with text only), `slow`, `failing`, `auth`, and
`only03` (a 1.0 card in front of a 0.3-only server). `methods` records the JSON-RPC method and
A2A version of every POST. `ReferenceBrain` is also the brain of tests/fakes/http_agent.py.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

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

from agentcheck.scenario.model import Scenario
from agentcheck.scenario.reference import identify, next_action

from .asgi import UvicornThread

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
