"""A fake bespoke vendor task API, the kind the http-agent driver is configured for in YAML only:
sessions that carry a tool URL, messages that start tasks, tasks polled until done or waiting for
input (answered by tests/fakes/a2a.py's `ReferenceBrain`, which calls the hosted MCP tools), a plain
chat endpoint that only talks, and an echo endpoint that leaks the caller's key."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from agentcheck.scenario.model import Scenario

from .a2a import CHATBOT_REPLY, ReferenceBrain
from .asgi import UvicornThread


class TaskApi(UvicornThread):
    """A bespoke vendor API: sessions that carry a tool URL, messages that start tasks, tasks
    polled until done or waiting for input, and a plain chat endpoint that only talks."""

    def __init__(self, scenarios: list[Scenario]) -> None:
        super().__init__()
        self.brain = ReferenceBrain(scenarios)
        self.sessions: dict[str, dict[str, Any]] = {}
        self.tasks: dict[str, dict[str, Any]] = {}
        self.requests: list[dict[str, Any]] = []
        self.ids = itertools.count(1)
        self.background: set[asyncio.Task[None]] = set()
        app = Starlette(routes=[
            Route("/v1/sessions", self.open_session, methods=["POST"]),
            Route("/v1/sessions/{sid}/messages", self.message, methods=["POST"]),
            Route("/v1/tasks/{tid}", self.get_task, methods=["GET"]),
            Route("/chat", self.chat, methods=["POST"]),
            Route("/echo", self.echo, methods=["POST"]),
        ])
        self.serve(app, lifespan="off")

    async def open_session(self, request: Request) -> JSONResponse:
        body = await request.json()
        if request.headers.get("authorization") != "Bearer tk-test-123456":
            return JSONResponse({"error": "no key"}, 401)
        sid = f"s{next(self.ids)}"
        self.sessions[sid] = {"mcp": body["tools"]["mcp"]}
        return JSONResponse({"session": {"id": sid}}, 201)

    async def message(self, request: Request) -> JSONResponse:
        body = await request.json()
        sid = request.path_params["sid"]
        self.requests.append({"sid": sid, "body": body,
                              "request_id": request.headers.get("x-request-id")})
        tid = f"t{next(self.ids)}"
        task = self.tasks[tid] = {"id": tid, "status": "running", "output": []}

        async def work() -> None:
            await asyncio.sleep(0.05)  # long-running: the caller has to poll
            reply, wants = await self.brain.turn(sid, body["text"], self.sessions[sid]["mcp"])
            task["output"] = [{"type": "text", "value": reply}]
            task["status"] = "needs_input" if wants else "done"

        job = asyncio.create_task(work())
        self.background.add(job)
        job.add_done_callback(self.background.discard)
        return JSONResponse({"task": task}, 202)

    async def get_task(self, request: Request) -> JSONResponse:
        return JSONResponse({"task": self.tasks[request.path_params["tid"]]})

    async def chat(self, request: Request) -> JSONResponse:
        body = await request.json()
        return JSONResponse({"conversation": body.get("conversation") or "c1",
                             "answer": CHATBOT_REPLY})

    async def echo(self, request: Request) -> JSONResponse:
        """A vendor that leaks what it was sent: the caller's key, back in its reply, placed
        so that the 2,000-character cut of the recorded final answer falls inside the key."""
        key = request.headers.get("authorization", "")  # "Bearer <key>"
        pad = "Debug: you called me with " + "." * (2000 - 26 - 7 - 15)
        return JSONResponse({"conversation": "c1", "answer": f"{pad}{key} (end)"})
