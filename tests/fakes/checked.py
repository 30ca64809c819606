"""What the Responses and Gemini fakes share: a loopback server that checks each request the way
the real API does and plays canned `Reply` behaviours.

    with ResponsesServer(api_key=KEY) as server:
        server.script(call_tools(fcall("get_order", {"order_id": "A1"})), answer("Done."))
        ... point a driver at server.base_url ...
    server.assert_clean()

Each server (tests/fakes/openai_responses.py, tests/fakes/gemini.py) checks every request the
way the real API does (path, auth, then the body) and answers a bad one with that provider's error
status and body shape; only a valid request consumes the next scripted behaviour. A script item is
a Behaviour (a canned reply, a delay...) or a function `(request) -> Behaviour`, so replies can
echo what the request said, as the real APIs do. Every request is recorded. `assert_clean()` fails
the test if the client sent an invalid request, a request nothing was scripted for, or sent back
an output item or model turn that differs from the one the server produced.

`Loopback` is the same idea for fakes whose behaviours are plain functions of the `Exchange`
(tests/fakes/anthropic.py, tests/fakes/openai_chat_stream.py).

Standard library only.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import base as loopback

_ids = itertools.count(1)


def new_id(prefix: str) -> str:
    return f"{prefix}_{next(_ids):06d}{'0' * 10}"


def canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def json_object(text: Any) -> bool:
    """`text` is a string holding a JSON object (what function-call arguments must be)."""
    try:
        return isinstance(text, str) and isinstance(json.loads(text), dict)
    except ValueError:
        return False


# --------------------------------------------------------------------------- requests, behaviours


Request = loopback.Request
"""One request as the server saw it: `path` without the query string (that is in `query`),
`rejected` the refusal's status and error body as text."""
Exchange = loopback.Exchange


class Behaviour(loopback.Behaviour):
    def reply(self) -> Reply | None:
        """The Reply this behaviour will send, if it sends one."""
        return None


@dataclass
class Reply(Behaviour):
    status: int = 200
    json: Any = None
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    kind: str = "reply"
    strict: bool = True

    def __call__(self, ex: Exchange) -> None:
        ex.request.reply_json = self.json
        ex.request.strict = self.strict
        payload = self.raw if self.raw is not None else json.dumps(self.json).encode()
        ex.send(self.status, payload, self.headers, content_type=self.content_type)

    def reply(self) -> Reply | None:
        return self


@dataclass
class Delay(loopback.Delay, Behaviour):
    then: Behaviour

    def reply(self) -> Reply | None:
        return self.then.reply()


Script = Behaviour | Callable[[Request], Behaviour]


def raw(body: bytes | str, status: int = 200, content_type: str = "text/html",
        headers: dict[str, str] | None = None) -> Reply:
    data = body.encode() if isinstance(body, str) else body
    return Reply(status, None, data, dict(headers or {}), content_type, kind="raw")


def delay(seconds: float, then: Script) -> Callable[[Request], Behaviour]:
    return lambda req: Delay(seconds, then if isinstance(then, Behaviour) else then(req))


# --------------------------------------------------------------------------- the server


class LoopbackServer(loopback.Server):
    """Scripting and checks common to both protocols; subclasses speak one via `check` and
    `issued`."""

    prefix = "/v1"
    split_query = True

    # -- assertions

    def unexpected(self) -> list[str]:
        """Every refused request (not only 400s), and scripted replies never requested."""
        problems = [] if self.expect_invalid else [
            f"request #{r.index} rejected: {r.status} {r.rejected}"
            for r in self.requests if r.rejected is not None]
        if self.pending:
            problems.append(f"{self.pending} scripted replies never requested")
        return problems

    # -- protocol hooks

    def check(self, req: Request, parse_ok: bool) -> Reply | None:
        """A rejection (status and the provider's error body) or None to accept."""
        raise NotImplementedError

    def issued(self, req: Request, reply: Reply) -> None:
        """Called with an accepted request's reply before it is sent."""

    def nothing_scripted(self, req: Request) -> Reply:
        raise NotImplementedError

    # -- serving (handler threads)

    def handle(self, ex: Exchange) -> None:
        req = ex.request
        with self._lock:  # one request at a time: state (stored responses) stays coherent
            rejection = self.check(req, req.parse_ok)
            if rejection is not None:
                req.rejected = f"{rejection.status} {canon(rejection.json)[:300]}"
                behaviour: Behaviour = rejection
            else:
                item = self.next_script()
                if item is None:
                    self.problems.append(f"request #{req.index}: nothing scripted")
                    item = self.nothing_scripted(req)
                behaviour = item if isinstance(item, Behaviour) else item(req)
                req.behaviour = behaviour.kind
                reply = behaviour.reply()
                if reply is not None and reply.status == 200 and reply.json is not None:
                    self.issued(req, reply)
        behaviour(ex)



class Loopback(loopback.Server):
    """A scripted HTTP endpoint on 127.0.0.1 (tests/fakes/base.py). Subclasses say what a valid
    request is (`check`) and how errors look (`error_body`); only a valid request consumes the
    next scripted behaviour (or `fallback`)."""

    path = "/"

    def __init__(self, api_key: str | None = None) -> None:
        super().__init__(api_key)
        self.referee_requests = True
        """Cleared in tests whose requests deliberately carry what the SDK cannot type."""

    # -- to override

    def check(self, req: Request) -> tuple[int, str, str] | None:
        """(status, error type, message) for a request the real API refuses, else None."""
        return None

    def error_body(self, type_: str, message: str) -> Any:
        return {"error": {"type": type_, "message": message}}

    # -- serving (handler threads)

    def handle(self, ex: Exchange) -> None:
        req = ex.request
        bad = self.check(req)
        if bad is not None:
            status, type_, message = bad
            req.rejected = message
            ex.send_json(status, self.error_body(type_, message), kind="error")
            return
        item = self.next_script()
        if item is None:
            self.problems.append(f"request #{req.index}: nothing scripted")
            ex.send_json(500, self.error_body("api_error", "nothing scripted"),
                         {"x-should-retry": "false"}, kind="error")
            return
        req.behaviour = getattr(item, "__name__", "behaviour")
        item(ex)


serving = loopback.serving
