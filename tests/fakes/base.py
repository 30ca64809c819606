"""What every loopback test server shares: a scripted HTTP/1.1 endpoint on 127.0.0.1.

`Server` owns the lifecycle (start, stop that wakes idle keep-alive connections and joins every
handler thread, context manager), records every request, keeps the script queue and the
problems list, and hands each request to its subclass's `handle(ex)`. `Exchange` is what a
behaviour can do with one request: send a status and headers, a body (plain or chunked), JSON,
server-sent events; wait (waking early when the server stops); drop the connection. The
fakes in this package (openai_chat, checked and the protocols on it, anthropic, openai_chat_stream,
zoo) and tests/redteam/vendors.py build on these; `drain` and `judge` are the shared
parts of their SDK referees.

Standard library only (the referee helpers import pytest and pydantic when called).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import socket
import struct
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self, TypeVar
from urllib.parse import parse_qs, urlsplit

# --------------------------------------------------------------------------- requests


@dataclass
class Request:
    """One request as a server saw it."""

    index: int
    method: str
    path: str
    """The path, with its query string unless the server strips it (`Server.split_query`)."""
    headers: dict[str, str]
    """Header names lower-cased."""
    body: bytes
    json: Any
    """The parsed body; None for an empty body or one that is not JSON (see parse_ok)."""
    at: float
    """time.monotonic() when the whole request had arrived."""
    parse_ok: bool = True
    query: dict[str, list[str]] = field(default_factory=dict)
    peer: tuple[str, int] = ("", 0)
    """The client's address and port: equal ports mean a reused keep-alive connection."""
    status: int | None = None
    """The status the server started to answer with."""
    rejected: Any = None
    """Why the server refused the request (a protocol's error), if it did."""
    behaviour: str | None = None
    """The kind of scripted behaviour that answered, once one did."""
    reply_json: Any = None
    """The JSON the server sent (or meant to send), when it sent JSON."""
    strict: bool = True
    """False when a scripted reply deliberately bends the spec."""
    sent: list[tuple[str, Any, bool]] = field(default_factory=list)
    """(kind, JSON value, strict) of every JSON body or stream event sent, for referees."""

    @property
    def stream(self) -> bool:
        """The body asked for a streamed reply."""
        return isinstance(self.json, dict) and self.json.get("stream") is True


# --------------------------------------------------------------------------- one exchange


class Exchange:
    """What a behaviour can do with one request."""

    def __init__(self, server: Server, handler: Handler, request: Request) -> None:
        self.server = server
        self.handler = handler
        self.request = request

    @property
    def req(self) -> Request:
        return self.request

    def start(self, status: int, headers: dict[str, str] | None = None, *,
              content_type: str | None = "application/json", length: int | None = None,
              chunked: bool = False) -> None:
        h = self.handler
        self.request.status = status
        h.send_response(status)
        if content_type:
            h.send_header("Content-Type", content_type)
        if chunked:
            h.send_header("Transfer-Encoding", "chunked")
        elif length is not None:
            h.send_header("Content-Length", str(length))
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.end_headers()
        h.wfile.flush()

    def write(self, data: bytes, *, chunked: bool = False) -> None:
        if chunked:
            if data:
                self.handler.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        else:
            self.handler.wfile.write(data)
        self.handler.wfile.flush()

    def end_chunks(self) -> None:
        self.handler.wfile.write(b"0\r\n\r\n")
        self.handler.wfile.flush()

    def send(self, status: int, body: bytes, headers: dict[str, str] | None = None, *,
             content_type: str | None = "application/json", chunked: bool = False) -> None:
        self.start(status, headers, content_type=content_type, length=len(body),
                   chunked=chunked)
        if chunked:
            for i in range(0, len(body), 16384):
                self.write(body[i:i + 16384], chunked=True)
            self.end_chunks()
        else:
            self.write(body)

    def send_json(self, status: int, value: Any, headers: dict[str, str] | None = None, *,
                  kind: str = "json", strict: bool = True) -> None:
        """A JSON body, recorded on the request (reply_json, strict, sent) for the referee."""
        self.request.reply_json = value
        self.request.strict = strict
        self.request.sent.append((kind, value, strict))
        self.send(status, json.dumps(value).encode(), headers)

    def start_sse(self, headers: dict[str, str] | None = None) -> None:
        self.start(200, {"Cache-Control": "no-cache", **(headers or {})},
                   content_type="text/event-stream; charset=utf-8", chunked=True)

    def event(self, name: str | None, value: Any, *, kind: str = "event",
              strict: bool = True) -> None:
        """One server-sent event as its own chunk; `value` None sends the raw `data: [DONE]`."""
        lines = f"event: {name}\n" if name else ""
        if value is None:
            lines += "data: [DONE]\n\n"
        else:
            self.request.sent.append((kind, value, strict))
            lines += f"data: {json.dumps(value)}\n\n"
        self.write(lines.encode(), chunked=True)

    def wait(self, seconds: float) -> bool:
        """Sleep, waking early when the server stops; True if it is stopping."""
        return self.server.stopping.wait(seconds)

    def abort(self, *, reset: bool = False) -> None:
        """Drop the connection now: a FIN, or with reset=True a TCP RST."""
        sock = self.handler.connection
        self.handler.close_connection = True
        if reset:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
        else:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


# --------------------------------------------------------------------------- behaviours


class Behaviour:
    """A scripted answer to one request; `kind` names it in Request.behaviour."""

    kind = "behaviour"

    def __call__(self, ex: Exchange) -> None:
        raise NotImplementedError


@dataclass
class Delay(Behaviour):
    """Wait, then behave as `then`; if the server stops meanwhile, drop the connection."""

    seconds: float
    then: Behaviour
    kind: str = "delay"

    def __call__(self, ex: Exchange) -> None:
        if ex.wait(self.seconds):
            ex.abort()
            return
        self.then(ex)


# --------------------------------------------------------------------------- the server


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the listen backlog: dozens of vendors may connect at once
    owner: Server

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return  # the client went away; expected in timeout, size and cut tests
        self.owner.problems.append(f"server crashed: {type(exc).__name__}: {exc}")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 15  # a forgotten keep-alive connection never pins a thread for long
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        # headers and body go out in separate writes; without this, Nagle's algorithm and
        # delayed ACKs add ~40 ms to every reply
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.owner._opened(self.connection)

    def finish(self) -> None:
        try:
            with contextlib.suppress(OSError):
                super().finish()
        finally:
            self.server.owner._closed(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            out = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(out)
                out.extend(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_POST(self) -> None:
        self.server.owner._serve(self, self.read_body())

    def do_GET(self) -> None:
        self.server.owner._serve(self, b"")

    do_PUT = do_DELETE = do_PATCH = do_GET


Script = Any
"""A scripted item: what the subclass's `handle` knows how to play (a behaviour, a function)."""


class Server:
    """A scripted HTTP endpoint on 127.0.0.1; use as a context manager. Subclasses answer each
    recorded request in `handle`, usually with `next_script()`."""

    prefix = "/v1"
    """What base_url adds after host and port."""
    split_query = False
    """True: Request.path is the path alone (the query string is in Request.query only)."""

    def __init__(self, api_key: str | None = None) -> None:
        self.api_key = api_key
        self.requests: list[Request] = []
        self.problems: list[str] = []
        self.fallback: Script | None = None
        """Answers requests once the script is used up; without it such a request is a
        problem."""
        self.expect_invalid = False
        """Set in tests that send invalid requests on purpose."""
        self.stopping = threading.Event()
        self._queue: deque[Script] = deque()
        self._lock = threading.RLock()
        self._conns: set[socket.socket] = set()
        self._threads: set[threading.Thread] = set()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- to override

    def handle(self, ex: Exchange) -> None:
        """Answer one recorded request."""
        raise NotImplementedError

    # -- lifecycle

    def start(self) -> Self:
        httpd = _HTTPServer(("127.0.0.1", 0), Handler)
        httpd.owner = self
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01},
                                        name=type(self).__name__, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self.stopping.set()
        self._httpd.shutdown()
        with self._lock:
            conns = list(self._conns)
        for sock in conns:  # wake handler threads blocked on idle keep-alive connections
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self._httpd.server_close()
        assert self._thread is not None
        self._thread.join(5)
        with self._lock:
            threads = list(self._threads)
        for t in threads:
            t.join(5)
        alive = [t.name for t in threads if t.is_alive()] + (
            [self._thread.name] if self._thread.is_alive() else [])
        if alive:
            self.problems.append(f"threads still running after stop: {alive}")
        self._httpd = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.prefix}"

    # -- scripting and assertions

    def script(self, *items: Script) -> Self:
        with self._lock:
            self._queue.extend(items)
        return self

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def next_script(self) -> Script | None:
        """The next scripted item, else the fallback, else None."""
        with self._lock:
            return self._queue.popleft() if self._queue else self.fallback

    @property
    def accepted(self) -> list[Request]:
        """Requests that passed auth and validation and reached a behaviour."""
        return [r for r in self.requests if r.rejected is None and r.behaviour is not None]

    def gaps(self) -> list[float]:
        """Seconds between consecutive request arrivals."""
        at = [r.at for r in self.requests]
        return [b - a for a, b in itertools.pairwise(at)]

    def unexpected(self) -> list[str]:
        """What assert_clean fails on besides `problems`: by default requests refused with a
        400 (the client spoke the protocol wrong), unless the test expects invalid requests."""
        if self.expect_invalid:
            return []
        return [f"request #{r.index} rejected: {r.status} {r.rejected}"
                for r in self.requests if r.rejected is not None and r.status == 400]

    def assert_clean(self) -> None:
        problems = self.problems + self.unexpected()
        assert not problems, (f"{type(self).__name__} saw problems:\n" + "\n".join(problems))

    # -- serving (handler threads)

    def _opened(self, sock: socket.socket) -> None:
        with self._lock:
            self._conns.add(sock)
            self._threads.add(threading.current_thread())

    def _closed(self, sock: socket.socket) -> None:
        with self._lock:
            self._conns.discard(sock)

    def _serve(self, h: Handler, body: bytes) -> None:
        url = urlsplit(h.path)
        try:
            parsed: Any = json.loads(body) if body else None
            parse_ok = True
        except ValueError:
            parsed, parse_ok = None, False
        with self._lock:
            req = Request(len(self.requests), h.command,
                          url.path if self.split_query else h.path,
                          {k.lower(): v for k, v in h.headers.items()}, body, parsed,
                          time.monotonic(), parse_ok, parse_qs(url.query),
                          (str(h.client_address[0]), int(h.client_address[1])))
            self.requests.append(req)
        try:
            self.handle(Exchange(self, h, req))
        except (ConnectionError, TimeoutError):
            h.close_connection = True  # the client left; nothing to answer


Canned = tuple[int, str, bytes]
"""(status, content type, body): one whole reply, bytes exactly as they go on the wire."""


class CannedServer(Server):
    """Answers every request with `answer(request)`, whatever it is: for tests that throw
    arbitrary replies (any bytes, any JSON, a whole event stream in one body) at a client."""

    def __init__(self, answer: Callable[[Request], Canned]) -> None:
        super().__init__()
        self.answer = answer

    def handle(self, ex: Exchange) -> None:
        status, content_type, body = self.answer(ex.request)
        ex.request.behaviour = "canned"
        ex.send(status, body, content_type=content_type)


S = TypeVar("S", bound=Server)


@contextlib.contextmanager
def serving(server: S, referee: Callable[[S], None] | None = None) -> Iterator[S]:
    """Started, always stopped and joined, then checked: assert_clean(), then the referee
    (the official SDK's verdict on what crossed the wire), if there is one."""
    server.start()
    try:
        yield server
    finally:
        server.stop()
    server.assert_clean()
    if referee is not None:
        referee(server)


# --------------------------------------------------------------------------- referees


def drain(value: Any) -> Any:
    """Pydantic validates Iterable fields lazily; walking them forces every item through."""
    if isinstance(value, dict):
        return {k: drain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) or (hasattr(value, "__next__") and
                                             not isinstance(value, (str, bytes))):
        return [drain(v) for v in value]
    return value


def judge(check: Callable[[Any], Any], value: Any, strict: bool) -> None:
    """The SDK's verdict on one thing a server sent: it must parse, unless it deliberately
    bends the spec (strict=False), in which case the SDK must refuse it."""
    import pytest
    from pydantic import ValidationError

    if strict:
        check(value)
    else:
        with pytest.raises(ValidationError):
            check(value)
