"""The aiohttp transport under agentcheck's httpx client (src/agentcheck/transport.py): what
crosses the wire and every failure's cause must be exactly what httpx's own transport gives, so
drivers cannot tell the two apart. Each case runs on both transports over real loopback HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from agentcheck.core.errors import VendorError
from agentcheck.vendors.http import HttpClient, HttpReply
from agentcheck.vendors.transport import AiohttpTransport, VendorClient, async_client
from agentcheck.vendors.wire import SseEvent

from ..fakes import openai_chat as vs
from ..fakes.base import Exchange

BODY = {"model": "m", "messages": [{"role": "user", "content": "hi \u00e9\u4e2d"}]}
TRANSPORTS = ("aiohttp", "httpx")


def client_for(transport: str, timeout: float = 2.0, trust_env: bool = False
               ) -> httpx.AsyncClient:
    if transport == "httpx":
        return VendorClient(timeout=timeout, trust_env=trust_env)
    return async_client(timeout_s=timeout, max_connections=4, trust_env=trust_env)


def post(server: vs.VendorServer, transport: str, *, path: str = "/chat/completions",
         headers: dict[str, str] | None = None, times: int = 1, **kw: Any) -> list[HttpReply]:
    options: dict[str, Any] = {"max_retries": 2, "max_retry_wait_s": 0.02}
    options.update(kw)
    timeout = options.pop("timeout", 2.0)

    async def main() -> list[HttpReply]:
        async with client_for(transport, timeout) as client:
            http = HttpClient(client, "loopback", **options)
            return [await http.post_json(server.base_url + path, BODY, headers or {})
                    for _ in range(times)]

    return asyncio.run(main())


def cause(server: vs.VendorServer, transport: str, **kw: Any) -> str:
    with pytest.raises(VendorError) as info:
        post(server, transport, **kw)
    return info.value.cause


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_async_client_picks_the_transport(transport: str, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    monkeypatch.setenv("AGENTCHECK_TRANSPORT", transport)
    client = async_client(timeout_s=1, max_connections=2, trust_env=False)
    assert isinstance(client, VendorClient)
    assert isinstance(client._transport, AiohttpTransport) == (transport == "aiohttp")
    asyncio.run(client.aclose())


def test_the_wire_is_the_same_on_both_transports(vendor_server: vs.VendorServer) -> None:
    vendor_server.fallback = vs.answer("ok")
    headers = {"Authorization": "Bearer sk-loopback", "Content-Type": "application/json",
               "X-Extra": "1"}
    for transport in TRANSPORTS:
        replies = post(vendor_server, transport, headers=headers,
                       path="/chat/completions?api-version=2024-10-21&key=a%2Fb%20c", times=2)
        assert [r.data["choices"][0]["message"]["content"] for r in replies] == ["ok", "ok"]
        assert replies[0].headers["content-type"] == "application/json"
    a1, a2, h1, h2 = vendor_server.requests
    assert a1.body == h1.body and json.loads(a1.body) == BODY
    assert a1.path == h1.path == "/v1/chat/completions?api-version=2024-10-21&key=a%2Fb%20c"
    for name in ("authorization", "content-type", "x-extra", "user-agent", "accept",
                 "accept-encoding", "content-length", "host"):
        assert a1.headers.get(name) == h1.headers.get(name), name
    assert a1.peer == a2.peer and h1.peer == h2.peer  # keep-alive on both


def test_cookies_are_never_kept(vendor_server: vs.VendorServer) -> None:
    vendor_server.fallback = vs.json_reply(vs.completion_body("ok"),
                                           headers={"Set-Cookie": "session=abc; Path=/"})
    for transport in TRANSPORTS:
        post(vendor_server, transport, times=2)
    assert all("cookie" not in r.headers for r in vendor_server.requests)


FAULTS: dict[str, tuple[Any, str, dict[str, Any]]] = {
    "slow answer": (vs.delay(1.0, vs.answer("late")), "timeout",
                    {"timeout": 0.2, "max_retries": 0}),
    "stall mid-body": (vs.stall(max_s=2), "timeout", {"timeout": 0.2, "max_retries": 0}),
    "closed mid-body": (vs.cut(), "connection", {"max_retries": 0}),
    "reset mid-body": (vs.cut(reset=True), "connection", {"max_retries": 0}),
    "too large": (vs.huge(300_000), "too_large", {"max_response_bytes": 100_000}),
    "too large, chunked": (vs.huge(300_000, chunked=True), "too_large",
                           {"max_response_bytes": 100_000}),
    "gzip bomb": (vs.raw(gzip.compress(b'{"pad": "' + b"x" * 3_000_000 + b'"}'),
                         headers={"Content-Encoding": "gzip"}), "too_large",
                  {"max_response_bytes": 100_000}),
    "corrupt gzip": (vs.raw(b"not gzip at all", headers={"Content-Encoding": "gzip"}),
                     "malformed", {}),
    "truncated json": (vs.raw(b'{"choices": [{"message": '), "malformed", {}),
    "deep json": (vs.raw(b"[" * 100_000 + b"]" * 100_000), "malformed", {}),
    "html error page": (vs.html_page(502), "server_error", {"max_retries": 0}),
    "529 overloaded": (vs.error(529, "overloaded"), "server_error", {"max_retries": 0}),
    "429 no retry-after": (vs.error(429, "slow down"), "rate_limited", {"max_retries": 0}),
    "401": (vs.error(401, "bad key"), "auth", {}),
}


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("name", list(FAULTS))
def test_every_fault_has_the_same_cause(vendor_server: vs.VendorServer, transport: str,
                                        name: str) -> None:
    behaviour, expected, options = FAULTS[name]
    vendor_server.fallback = behaviour
    assert cause(vendor_server, transport, **options) == expected


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_retry_after_then_success(vendor_server: vs.VendorServer, transport: str) -> None:
    vendor_server.script(vs.error(429, "slow", headers={"retry-after-ms": "30"}),
                         vs.cut(), vs.answer("ok"))
    reply = post(vendor_server, transport, max_retry_wait_s=1)[0]
    assert reply.attempts == 3
    assert vendor_server.gaps()[0] >= 0.025


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_connection_refused(transport: str) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    async def main() -> None:
        async with client_for(transport) as client:
            await HttpClient(client, "gone", max_retries=0).post_json(
                f"http://127.0.0.1:{port}/v1/chat/completions", BODY, {})

    with pytest.raises(VendorError) as info:
        asyncio.run(main())
    assert info.value.cause == "connection"


class StreamThenCut(vs.Behaviour):
    kind = "stream"

    def __call__(self, ex: Exchange) -> None:
        ex.start_sse()
        ex.event(None, {"choices": [{"index": 0, "delta": {"content": "Hel"}}]})
        ex.abort()


class StreamWhole(vs.Behaviour):
    kind = "stream"

    def __call__(self, ex: Exchange) -> None:
        ex.start_sse()
        ex.event(None, {"choices": [{"index": 0, "delta": {"content": "Hello"}}]})
        ex.event(None, None)
        ex.end_chunks()


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_server_sent_events_whole_and_cut(vendor_server: vs.VendorServer, transport: str
                                          ) -> None:
    vendor_server.script(StreamWhole(), StreamThenCut())
    vendor_server.expect_invalid = True  # raw events, no referee

    def on_event(event: SseEvent) -> bool:
        seen.append(event.data)
        return event.data == "[DONE]"

    async def main() -> Any:
        async with client_for(transport) as client:
            http = HttpClient(client, "loopback", max_retries=0)
            url = vendor_server.base_url + "/chat/completions"
            await http.post_sse(url, BODY, {}, on_event)
            with pytest.raises(VendorError) as info:
                await http.post_sse(url, BODY, {}, on_event)
            return info.value

    seen: list[str] = []
    err = asyncio.run(main())
    assert err.cause == "stream_cut"
    assert seen[:2] == [json.dumps({"choices": [{"index": 0, "delta": {"content": "Hello"}}]}),
                        "[DONE]"]


# --------------------------------------------------------------------------- proxies


@contextlib.contextmanager
def fake_proxy() -> Iterator[tuple[int, list[str]]]:
    """A loopback 'proxy' that records the request line of one request and answers it."""
    lines: list[str] = []
    srv = socket.create_server(("127.0.0.1", 0))
    srv.settimeout(5)
    body = json.dumps(vs.completion_body("via proxy")).encode()

    def serve() -> None:
        with contextlib.suppress(OSError):
            conn, _ = srv.accept()
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    data += conn.recv(65536)
                head, _, rest = data.partition(b"\r\n\r\n")
                length = next((int(h.split(b":")[1]) for h in head.split(b"\r\n")
                               if h.lower().startswith(b"content-length:")), 0)
                while len(rest) < length:
                    rest += conn.recv(65536)
                lines.append(head.split(b"\r\n")[0].decode())
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\nConnection: close\r\n\r\n%s"
                             % (len(body), body))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield srv.getsockname()[1], lines
    finally:
        srv.close()
        thread.join(5)


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_trust_env_honours_the_environment_proxy(transport: str, monkeypatch: pytest.MonkeyPatch
                                                 ) -> None:
    """Remote vendors get trust_env=True (runner.py): HTTP_PROXY must be used even though a
    transport is given to httpx (which then ignores proxies itself)."""
    for var in ("HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy",
                "http_proxy"):
        monkeypatch.delenv(var, raising=False)

    async def main() -> HttpReply:
        async with client_for(transport, timeout=5, trust_env=True) as client:
            http = HttpClient(client, "remote", max_retries=0)
            return await http.post_json("http://vendor.invalid/v1/chat/completions", BODY, {})

    with fake_proxy() as (port, lines):
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
        reply = asyncio.run(main())
    assert reply.data["choices"][0]["message"]["content"] == "via proxy"
    assert lines == ["POST http://vendor.invalid/v1/chat/completions HTTP/1.1"]
