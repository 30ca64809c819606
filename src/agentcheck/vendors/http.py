"""The one HTTP layer every driver uses: timeouts, retries, size caps, error mapping.

Retries follow the rule of the official OpenAI and Anthropic SDKs: retry 408, 409, 429 and 5xx
(and 529), honour `retry-after-ms`, then `retry-after` (seconds or HTTP date), and let
`x-should-retry` override. Quota and auth failures are never retried. Every failure leaves this
module as a VendorError with a stable cause. What it reads and writes without the client (JSON
bodies, server-sent events, the wait a vendor asks for) is in wire.py.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from agentcheck.core.errors import VendorError
from agentcheck.core.redaction import snippet
from agentcheck.vendors.wire import (
    SseEvent,
    SseParser,
    encode_json,
    parse_retry_after,
    retry_info_delay,
    vendor_json,
)

_T = TypeVar("_T")
RETRY_STATUSES = {408, 409, 429, 500, 502, 503, 504, 529}


@dataclass
class HttpReply:
    status: int
    data: Any
    headers: httpx.Headers
    latency_s: float
    attempts: int


def _error_message(data: Any, text: str) -> tuple[str, str | None]:
    """Pull the human message and code out of an error body in any of the common shapes."""
    if isinstance(data, dict):
        err = data.get("error", data)
        if isinstance(err, list) and err:
            err = err[0]
        if isinstance(err, dict):
            msg = err.get("message") or err.get("detail") or snippet(json.dumps(err), 300)
            code = err.get("code") or err.get("type") or err.get("status")
            return str(msg), (str(code) if code is not None else None)
        if isinstance(err, str):
            return err, None
    return snippet(" ".join(text[:8192].split()), 200) or "(empty body)", None


class HttpClient:
    """POST JSON to a vendor and get JSON back, or a VendorError."""

    def __init__(self, client: httpx.AsyncClient, vendor: str, *, max_retries: int = 4,
                 max_retry_wait_s: float = 60, max_response_bytes: int = 8_000_000,
                 key_env: str | None = None) -> None:
        self.client = client
        self.vendor = vendor
        self.max_retries = max_retries
        self.max_retry_wait_s = max_retry_wait_s
        self.max_response_bytes = max_response_bytes
        self.key_env = key_env
        self._urls: dict[str, httpx.URL] = {}
        self._headers: dict[tuple[Any, ...], tuple[list[tuple[bytes, bytes]], bool]] = {}
        self._timeout = client.timeout.as_dict()

    async def post_json(self, url: str, body: Any, headers: dict[str, str]) -> HttpReply:
        return await self.request_json("POST", url, headers, body)

    async def request_json(self, method: str, url: str, headers: dict[str, str],
                           body: Any = None) -> HttpReply:
        """Send JSON (or nothing), get JSON back, with the retry rule, size cap and error
        mapping of this module."""
        start = time.perf_counter()
        (status, data, resp_headers), attempts = await self._with_retries(
            lambda: self._once(url, body, headers, method))
        return HttpReply(status, data, resp_headers, time.perf_counter() - start, attempts)

    async def _with_retries(self, once: Callable[[], Awaitable[_T]]) -> tuple[_T, int]:
        """The first attempt runs straight away, so the hot path of every model call pays
        nothing for retrying; after a retryable failure tenacity runs the remaining attempts
        with the backoff and Retry-After rule (_retrying)."""
        try:
            return await once(), 1
        except VendorError as exc:
            if not exc.retryable or self.max_retries < 1:
                raise
            await asyncio.sleep(self.backoff(1, exc))
        attempts = 1
        async for attempt in self._retrying(done=1):
            with attempt:
                attempts += 1
                result = await once()
        return result, attempts

    def backoff(self, attempt: int, exc: VendorError) -> float:
        """Seconds to wait after failed attempt number `attempt` (counted from 1): what the
        server asked for (Retry-After), else exponential backoff with jitter; never more than
        max_retry_wait_s."""
        backoff: float = min(0.5 * 2 ** (attempt - 1), 8.0)
        backoff *= 0.75 + random.random() / 2
        if exc.retry_after_s is not None:
            backoff = float(exc.retry_after_s)
        return min(backoff, self.max_retry_wait_s)

    def _url(self, url: str) -> httpx.URL:
        """Parsed once per distinct URL: httpx parses a str URL on every request."""
        parsed = self._urls.get(url)
        if parsed is None:
            if len(self._urls) > 64:
                self._urls.clear()
            try:
                parsed = httpx.URL(url)
            except httpx.InvalidURL as exc:
                raise self._bad_url(exc) from None
            self._urls[url] = parsed
        return parsed

    def _bad_url(self, exc: httpx.InvalidURL) -> VendorError:
        """A URL httpx refuses (too long, bad characters): profiles' base URLs are checked when
        they load, so what is left came from the vendor (an A2A card's `url`, a task link) and
        is its malformed reply, not agentcheck's error."""
        return VendorError("malformed", f"{self.vendor}: cannot request the URL it gave: "
                           f"{snippet(str(exc), 200)}")

    def _request(self, method: str, url: str, body: Any, headers: dict[str, str]
                 ) -> httpx.Request:
        """The request `client.build_request(method, url, json=body, headers=headers)` builds,
        for less: the client's default headers merged with `headers`, and the Host header,
        once per distinct set; the body encoded as httpx encodes JSON (or taken as is when a
        driver passes JSON it encoded itself, as `bytes`). Passed as a stream, the request is
        not prepared again: its headers are the ones httpx's preparation gives, in its order
        (Host, a zero Content-Length for an empty POST, the merged headers, Content-Length)."""
        parsed = self._url(url)
        method = method.upper()
        key = (tuple(headers.items()), parsed.netloc, method, body is None)
        prepared = self._headers.get(key)
        if prepared is None:
            if len(self._headers) > 64:
                self._headers.clear()
            merged = list(httpx.Headers({**self.client.headers, **headers}).raw)
            if body is not None:
                merged.append((b"Content-Type", b"application/json"))
            names = {k.lower() for k, _ in merged}
            length = b"content-length" in names
            auto = [(b"Host", parsed.netloc)] if b"host" not in names and parsed.host else []
            if body is None and not length and b"transfer-encoding" not in names and \
                    method in ("POST", "PUT", "PATCH"):
                auto.append((b"Content-Length", b"0"))
            prepared = self._headers[key] = (auto + merged, body is not None and not length)
        raw, add_length = prepared
        content = b"" if body is None else body if isinstance(body, bytes) else encode_json(body)
        if add_length:
            raw = [*raw, (b"Content-Length", str(len(content)).encode("ascii"))]
        request = httpx.Request(method, parsed, headers=raw, stream=httpx.ByteStream(content),
                                extensions={"timeout": self._timeout})
        request.read()  # as httpx does for a body given whole: `request.content` is there
        return request

    async def _once(self, url: str, body: Any, headers: dict[str, str], method: str = "POST"
                    ) -> tuple[int, Any, httpx.Headers]:
        request = self._request(method, url, body, headers)
        try:
            resp = await self.client.send(request, stream=True)
            try:
                raw = await self._read_whole(resp)
            finally:
                await resp.aclose()
            status = resp.status_code
            resp_headers = resp.headers
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise self._request_error(exc) from None
        return self._json_reply(status, raw, resp_headers)

    async def _read_whole(self, resp: httpx.Response) -> bytearray:
        """A reply's whole body, read no further than max_response_bytes."""
        raw = bytearray()
        async for chunk in resp.aiter_bytes():
            raw.extend(chunk)
            if len(raw) > self.max_response_bytes:
                raise VendorError("too_large", f"{self.vendor}: reply larger than "
                                  f"{self.max_response_bytes} bytes; stopped reading")
        return raw

    def _request_error(self, exc: httpx.TransportError | httpx.DecodingError) -> VendorError:
        """An httpx failure as the VendorError of this module: timeouts and broken or refused
        connections are retryable, a body that cannot be decoded (says gzip and is not) is not."""
        if isinstance(exc, httpx.TimeoutException):
            return VendorError("timeout", f"{self.vendor}: timed out ({type(exc).__name__})",
                               retryable=True)
        if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError)):
            return VendorError("connection", f"{self.vendor}: connection broken: "
                               f"{snippet(str(exc), 200)}", retryable=True)
        if isinstance(exc, httpx.TransportError):
            return VendorError("connection", f"{self.vendor}: cannot connect: "
                               f"{snippet(str(exc), 200)}", retryable=True)
        return VendorError("malformed", f"{self.vendor}: reply cannot be decoded: "
                           f"{snippet(str(exc), 200)}")

    def _json_reply(self, status: int, raw: bytes | bytearray, headers: httpx.Headers
                    ) -> tuple[int, Any, httpx.Headers]:
        """A whole reply body: its JSON for a 2xx status, else the status's VendorError."""
        text = raw.decode("utf-8", errors="replace")
        data: Any = None
        parse_failed = False
        try:
            data = vendor_json(text) if text.strip() else None
        except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
            parse_failed = True
        if 200 <= status < 300:
            if parse_failed or data is None:
                raise VendorError("malformed", f"{self.vendor}: reply is not JSON: "
                                  f"{snippet(' '.join(text[:8192].split()), 120)!r}",
                                  status=status)
            return status, data, headers
        raise self._status_error(status, data, text, headers)

    async def post_sse(self, url: str, body: Any, headers: dict[str, str],
                       on_event: Callable[[SseEvent], bool]) -> HttpReply:
        """POST and read a server-sent-event reply, handing each event to `on_event` as it
        arrives; `on_event` returns True at the protocol's end marker and may raise VendorError.

        Until the reply's first body byte, failures are retried and mapped as in post_json.
        After it nothing is retried: a connection that breaks or stalls, or a body that ends
        before the end marker, is a VendorError with cause 'stream_cut'. The whole stream obeys
        max_response_bytes. A 2xx JSON reply (a server that ignored the stream flag) comes back
        in `data` for the driver to parse as a whole reply; after a stream `data` is None.
        """
        start = time.perf_counter()
        headers = {"Accept": "text/event-stream", **headers}
        (status, data, resp_headers), attempts = await self._with_retries(
            lambda: self._sse_once(url, body, headers, on_event))
        return HttpReply(status, data, resp_headers, time.perf_counter() - start, attempts)

    def _retrying(self, done: int = 0) -> AsyncRetrying:
        """Tenacity for the attempts left after `done` failed ones: retry 408/409/429/5xx and
        broken connections, wait as the server asks (Retry-After) or back off exponentially."""

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, VendorError):
                return self.backoff(state.attempt_number + done, exc)
            return 0.0

        return AsyncRetrying(
            stop=stop_after_attempt(self.max_retries + 1 - done),
            wait=wait,
            retry=retry_if_exception(lambda e: isinstance(e, VendorError) and e.retryable),
            reraise=True,
        )

    async def _sse_once(self, url: str, body: Any, headers: dict[str, str],
                        on_event: Callable[[SseEvent], bool]
                        ) -> tuple[int, Any, httpx.Headers]:
        sent = time.perf_counter()
        received = 0  # body bytes so far; after the first one nothing is retried
        events = 0
        plain: bytearray | None = None

        def cut(why: str) -> VendorError:
            return VendorError("stream_cut", f"{self.vendor}: stream cut after {events} "
                               f"event(s), {received} bytes: {why}")

        def deliver(parsed: list[tuple[str | None, str]]) -> bool:
            """Hand events to on_event; True once it saw the end marker."""
            nonlocal events
            for name, data in parsed:
                events += 1
                if on_event(SseEvent(name, data, time.perf_counter() - sent)):
                    return True
            return False

        try:
            async with self.client.stream("POST", url, json=body, headers=headers) as resp:
                status = resp.status_code
                resp_headers = resp.headers
                ctype = resp.headers.get("content-type", "").lower()
                if not 200 <= status < 300 or "json" in ctype or "html" in ctype:
                    plain = await self._read_whole(resp)
                else:
                    parser = SseParser()
                    done = False
                    async for chunk in resp.aiter_bytes():
                        received += len(chunk)
                        if received > self.max_response_bytes:
                            raise VendorError("too_large", f"{self.vendor}: stream larger than "
                                              f"{self.max_response_bytes} bytes; stopped "
                                              "reading", status=status)
                        done = deliver(parser.feed(chunk))
                        if done:
                            break
                    if not done and not deliver(parser.finish()):
                        raise cut("the stream ended before its end marker")
        except httpx.InvalidURL as exc:
            raise self._bad_url(exc) from None
        except (httpx.TransportError, httpx.DecodingError) as exc:
            if received and isinstance(exc, httpx.TimeoutException):
                raise cut(f"no data within the timeout ({type(exc).__name__})") from None
            if received and isinstance(exc, httpx.TransportError):
                raise cut(f"connection broken: {snippet(str(exc), 200)}") from None
            raise self._request_error(exc) from None
        if plain is None:
            return status, None, resp_headers
        return self._json_reply(status, plain, resp_headers)

    def _status_error(self, status: int, data: Any, text: str,
                      headers: httpx.Headers) -> VendorError:
        message, code = _error_message(data, text)
        message = snippet(message, 300)
        retry_after = parse_retry_after(headers)
        if retry_after is None:
            retry_after = retry_info_delay(data)
        should = headers.get("x-should-retry")
        retryable = status in RETRY_STATUSES
        if should in ("true", "false"):
            retryable = should == "true"
        prefix = f"{status} from {self.vendor}"
        if status in (401, 403):
            hint = (f"the key in ${self.key_env} was rejected" if self.key_env
                    else "the vendor requires credentials (set api_key_env in the profile)")
            return VendorError("auth", f"{prefix}: {hint}: {message}", status=status)
        if status == 429 and code == "insufficient_quota":
            return VendorError("quota", f"{prefix}: the account has no quota left: {message}",
                               status=status)
        if status == 429:
            return VendorError("rate_limited", f"{prefix}: rate limited: {message}",
                               status=status, retry_after_s=retry_after, retryable=retryable)
        if status >= 500:
            return VendorError("server_error", f"{prefix}: server error: {message}",
                               status=status, retry_after_s=retry_after, retryable=retryable)
        return VendorError("http_error", f"{prefix}: {message}", status=status,
                           retry_after_s=retry_after, retryable=retryable)
