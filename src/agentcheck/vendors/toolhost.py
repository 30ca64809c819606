"""Hosts a trial's tools for agents that run their own loop, and records every call they make.

Each trial's World is served at an unguessable path, `/t/{token}/`, as
- an MCP server over streamable HTTP (`/t/{token}/mcp`, official `mcp` SDK, stateless, JSON
  replies): tools/list gives the scenario's tools with their JSON Schemas, tools/call runs
  World.call, and a tool's error comes back as a result with `isError: true`;
- OpenAPI 3.1 (`/t/{token}/openapi.json`, generated per session) with one `POST
  /t/{token}/tools/{name}` per tool, for platforms that import OpenAPI actions.

Every call is recorded server-side into the trial's Trajectory (Trajectory.tool, so scoring is
the same as in the harness loop) with when it arrived and how long it took. An unknown or finished
session gets 404, a body over the session's limit 413, a browser Origin that is not the host's
own 403. One trial's token reaches only its own World, and once a trial has ended its token is
forgotten: a late call changes nothing. The host runs in the caller's event loop, so World calls
never race. What a call brings (tool name, arguments) is read as vendor data: strings cleaned,
arguments that do not parse or nest absurdly deep become the call's recorded error, never a
crash of the host.

Here: the server (lifecycle, routing, Origin and size checks, the MCP handlers) and the
`serve-tools` command; one trial's session and its recording in toolsession.py; the OpenAPI
document and the reading of an OpenAPI call's body in toolopenapi.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import secrets
import socket
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from mcp import MCPError
from mcp import types as mcp_types
from mcp.server import Server, ServerRequestContext
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from starlette.types import Message, Receive, Scope, Send

from agentcheck import __version__
from agentcheck.core.checks import CheckResult
from agentcheck.core.redaction import snippet
from agentcheck.core.text import clean_data, clean_text
from agentcheck.core.trajectory import Trajectory
from agentcheck.scenario.world import World
from agentcheck.vendors.protocols.base import TOO_DEEP, too_deep
from agentcheck.vendors.settings import ToolHostSettings
from agentcheck.vendors.toolopenapi import INSTRUCTIONS, read_arguments
from agentcheck.vendors.toolsession import HostedSession

TOKEN_BYTES = 24  # 32 URL-safe characters, 192 bits
SCOPE_KEY = "agentcheck.session"
MCP_BODY_CAP = 64 * 1_048_576  # the sessions' own limits apply first
SERVER_NAME = "tools"


class _QuietServer(uvicorn.Server):
    """uvicorn without its signal handlers: Ctrl-C belongs to the command running the host."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class _TooLarge(Exception):
    pass


class ToolHost:
    """One HTTP server, in the caller's event loop, serving any number of trial sessions."""

    def __init__(self, bind: str = "127.0.0.1", port: int = 0) -> None:
        self.bind = bind
        self.port = port
        self.local_url = ""
        self._sessions: dict[str, HostedSession] = {}
        self._token_locks: dict[str, asyncio.Lock] = {}
        self._mcp: Server[Any] = Server(SERVER_NAME, version=__version__,
                                        instructions=INSTRUCTIONS,
                                        on_list_tools=self._list_tools,
                                        on_call_tool=self._call_tool)
        self._manager: StreamableHTTPSessionManager | None = None
        self._server: _QuietServer | None = None
        self._task: asyncio.Task[None] | None = None
        self._origins: set[str] = set()

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> ToolHost:
        family, _, proto, _, addr = socket.getaddrinfo(self.bind, self.port,
                                                       type=socket.SOCK_STREAM)[0]
        # proto IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say TCP,
        # and without it Nagle's algorithm adds ~40 ms to every reply
        sock = socket.socket(family, socket.SOCK_STREAM, proto or socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(addr)
        except OSError as exc:
            sock.close()
            raise OSError(f"tool host cannot listen on {self.bind}:{self.port}: "
                          f"{exc.strerror or exc}") from None
        self.port = sock.getsockname()[1]
        shown = "127.0.0.1" if self.bind in ("0.0.0.0", "") else \
            ("[::1]" if self.bind == "::" else self.bind)
        if ":" in shown and not shown.startswith("["):
            shown = f"[{shown}]"
        self.local_url = f"http://{shown}:{self.port}"
        self._origins = {self.local_url, f"http://localhost:{self.port}",
                         f"http://127.0.0.1:{self.port}", f"http://[::1]:{self.port}"}
        self._manager = StreamableHTTPSessionManager(
            app=self._mcp, json_response=True, stateless=True,
            # Host and Origin are checked here for every route, with tunnel hosts allowed
            security_settings=TransportSecuritySettings(enable_dns_rebinding_protection=False),
            max_request_body_size=MCP_BODY_CAP)
        config = uvicorn.Config(self._asgi, interface="asgi3", lifespan="off", log_config=None,
                                proxy_headers=False,
                                log_level="warning", access_log=False, ws="none",
                                server_header=False, timeout_graceful_shutdown=1)
        server = self._server = _QuietServer(config)
        manager = self._manager

        async def serve() -> None:
            async with manager.run():
                await server.serve(sockets=[sock])

        self._task = asyncio.create_task(serve(), name=f"agentcheck-toolhost-{self.port}")
        while not server.started:
            if self._task.done():
                sock.close()
                self._task.result()
                raise OSError("tool host stopped while starting")
            await asyncio.sleep(0.005)
        return self

    async def stop(self) -> None:
        for session in list(self._sessions.values()):
            session.close()
        if self._server is not None:
            self._server.should_exit = True
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), 10)
            except TimeoutError:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
            self._task = None

    async def __aenter__(self) -> ToolHost:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ sessions
    async def open(self, world: World, traj: Trajectory,
                   settings: ToolHostSettings | None = None,
                   token: str | None = None) -> HostedSession:
        """Expose one trial's World. A fixed `token` (a tool URL registered once in a vendor
        console) serves one trial at a time: the next open waits for the previous close."""
        settings = settings or ToolHostSettings()
        release: Callable[[], None] | None = None
        if token is None:
            token = secrets.token_urlsafe(TOKEN_BYTES)
        else:
            lock = self._token_locks.setdefault(token, asyncio.Lock())
            await lock.acquire()
            release = lock.release
        if settings.public_url:
            parts = urlsplit(settings.public_url)
            self._origins.add(f"{parts.scheme}://{parts.netloc}")
        session = HostedSession(self._sessions, token, world, traj,
                                settings.public_url or self.local_url,
                                settings.max_body_bytes, release)
        self._sessions[token] = session
        return session

    # ------------------------------------------------------------------ MCP handlers
    @staticmethod
    def _session_of(ctx: ServerRequestContext[Any]) -> HostedSession:
        request = ctx.request
        scope = getattr(request, "scope", None)
        session = scope.get(SCOPE_KEY) if isinstance(scope, dict) else None
        if not isinstance(session, HostedSession) or session.closed:
            raise MCPError(mcp_types.INVALID_REQUEST, "unknown or finished session")
        return session

    async def _list_tools(self, ctx: ServerRequestContext[Any],
                          params: mcp_types.PaginatedRequestParams | None
                          ) -> mcp_types.ListToolsResult:
        session = self._session_of(ctx)
        return mcp_types.ListToolsResult(tools=[
            mcp_types.Tool(name=t["name"], description=t["description"],
                           input_schema=t["parameters"])
            for t in session.world.tool_specs()])

    async def _call_tool(self, ctx: ServerRequestContext[Any],
                         params: mcp_types.CallToolRequestParams) -> mcp_types.CallToolResult:
        session = self._session_of(ctx)
        args = clean_data(params.arguments) if params.arguments is not None else {}
        error = TOO_DEEP if too_deep(args) else None
        outcome = await session.call(clean_text(params.name), "(nested too deeply to show)"
                                     if error else args, "mcp", error)
        if outcome is None:
            raise MCPError(mcp_types.INVALID_REQUEST, "the session has ended")
        return mcp_types.CallToolResult(content=[mcp_types.TextContent(text=outcome.content())],
                                        is_error=not outcome.ok)

    # ------------------------------------------------------------------ HTTP
    async def _asgi(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        parts = scope["path"].split("/", 3)
        session = self._sessions.get(parts[2]) if len(parts) >= 3 and parts[1] == "t" else None
        if session is None or session.closed:
            await _json(send, 404, {"ok": False, "error": "unknown or finished session"})
            return
        rest = parts[3].rstrip("/") if len(parts) > 3 else ""
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        origin = headers.get("origin")
        if origin and origin.rstrip("/") not in self._origins:
            await _json(send, 403, {"ok": False, "error": "origin not allowed"})
            return
        try:
            body = await _read_body(receive, headers, session.max_body_bytes)
        except _TooLarge:
            await _json(send, 413, {"ok": False, "error": "request body larger than "
                                                         f"{session.max_body_bytes} bytes"})
            return
        method = scope["method"]
        if rest == "mcp":
            assert self._manager is not None
            scope[SCOPE_KEY] = session
            await self._manager.handle_request(scope, _replay(body, receive), send)
        elif rest == "openapi.json":
            if method != "GET":
                await _json(send, 405, {"ok": False, "error": "use GET"}, {"Allow": "GET"})
            else:
                await _json(send, 200, session.openapi())
        elif rest.startswith("tools/") and rest.count("/") == 1:
            if method != "POST":
                await _json(send, 405, {"ok": False, "error": "use POST"}, {"Allow": "POST"})
            else:
                await self._tool_endpoint(session, clean_text(rest[len("tools/"):]), body, send)
        else:
            await _json(send, 404, {"ok": False, "error": "not found"})

    async def _tool_endpoint(self, session: HostedSession, name: str, body: bytes,
                             send: Send) -> None:
        args, parse_error = read_arguments(body)
        outcome = await session.call(name, args, "openapi", parse_error)
        if outcome is None:
            await _json(send, 404, {"ok": False, "error": "unknown or finished session"})
        elif parse_error is not None:
            await _json(send, 400, {"ok": False, "error": parse_error})
        elif outcome.error_kind == "unknown_tool":
            await _json(send, 404, {"ok": False, "error": outcome.error})
        elif outcome.ok:
            await _json(send, 200, {"ok": True, "result": outcome.result})
        else:
            await _json(send, 200, {"ok": False, "error": outcome.error})


async def _read_body(receive: Receive, headers: dict[str, str], limit: int) -> bytes:
    declared = headers.get("content-length")
    if declared is not None and declared.isascii() and declared.isdigit() \
            and int(declared) > limit:
        raise _TooLarge
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        body.extend(message.get("body", b""))
        if len(body) > limit:
            raise _TooLarge
        if not message.get("more_body", False):
            break
    return bytes(body)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _json(send: Send, status: int, data: Any, headers: dict[str, str] | None = None
                ) -> None:
    payload = json.dumps(data, ensure_ascii=False, allow_nan=False,
                         default=str).encode("utf-8")
    raw = [(b"content-type", b"application/json"),
           (b"content-length", str(len(payload)).encode()),
           (b"cache-control", b"no-store")]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": payload})


# ---------------------------------------------------------------------------- serve-tools
async def serve_tools(world: World, traj: Trajectory, settings: ToolHostSettings,
                      out: Callable[[str], None], duration_s: float | None = None) -> None:
    """`agentcheck serve-tools`: host one World until cancelled (Ctrl-C) or `duration_s`."""
    async with ToolHost(settings.bind, settings.port) as host:
        session = await host.open(world, traj, settings)
        turns = world.user_turns()
        out(f"MCP server (streamable HTTP): {session.mcp_url}")
        out(f"OpenAPI 3.1 document:         {session.openapi_url}")
        out(f"scenario {world.scenario.id}, seed {world.seed}; the user's turns:")
        for i, (text, turn) in enumerate(zip(turns, world.scenario.task, strict=True)):
            when = " (only if asked)" if turn.only_if_asked else ""
            out(f"  {i + 1}{when}: {text}")
        out("serving; Ctrl-C stops and prints the calls made and the scenario's checks")
        try:
            await asyncio.sleep(duration_s if duration_s is not None else math.inf)
        finally:
            session.close()


def session_report(traj: Trajectory, checks: list[CheckResult]) -> list[str]:
    """What serve-tools prints at exit: every call, then the scenario's checks on the World
    (judged by the caller: the tool host records calls, it does not score them)."""
    lines = [f"{len(traj.calls)} tool call(s):"]
    events = [e for e in traj.events if e["type"] == "tool"]
    for event in events:
        args = snippet(json.dumps(event["args"], ensure_ascii=False), 160)
        status = "ok" if event["ok"] else f"error: {snippet(str(event.get('error')), 120)}"
        lines.append(f"  {event.get('at_s', 0):8.2f}s  {event.get('via', ''):7} "
                     f"{event['name']}({args}) -> {status}")
    judged = [c for c in checks if c.kind not in ("answer", "claim")]
    passed = sum(c.passed for c in judged)
    lines.append(f"checks against the world: {passed}/{len(judged)} pass "
                 "(the final answer is not judged here)")
    for c in judged:
        mark = "pass" if c.passed else "FAIL"
        lines.append(f"  {mark}  {c.kind}: {c.name}" + (f" ({c.reason})" if c.reason
                                                        and not c.passed else ""))
    return lines
