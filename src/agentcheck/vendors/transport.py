"""httpx's API on aiohttp's connection pool: the transport every vendor client uses.

Why: with 32 trials in flight, httpx's own pool (httpcore) spends milliseconds of CPU per request
on pool bookkeeping, an order of magnitude more than the rest of agentcheck together; aiohttp's
pool does the same work in a small fraction of that (bench/README.md has the figures). Drivers and
tests keep speaking httpx: this module only swaps what is under `httpx.AsyncClient`.

Behaviour kept from httpx's transport, so nothing above notices the swap:
- every aiohttp failure leaves as the httpx exception a caller expects (ConnectError,
  ConnectTimeout, ReadTimeout, RemoteProtocolError, ReadError, ...), whether it happens before
  the reply or while its body streams (tests/vendors/test_transport.py runs the fault matrix on
  both);
- bodies arrive undecoded (httpx decodes gzip and friends, so size caps apply after decoding);
- cookies, redirects and auth stay with httpx; aiohttp keeps no cookie jar;
- httpx's timeouts map onto aiohttp's: connect -> sock_connect, read -> sock_read (between two
  reads), pool -> waiting for a free connection;
- `trust_env` honours HTTP(S)_PROXY / NO_PROXY (httpx ignores them once a transport is given)
  and SSL_CERT_FILE / SSL_CERT_DIR.

Set AGENTCHECK_TRANSPORT=httpx to fall back to httpx's own transport (for comparison, or if a
vendor's server ever trips aiohttp).
"""

from __future__ import annotations

import functools
import os
import ssl
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import httpx
from yarl import URL

MAX_HEADER_BYTES = 65_536
"""Longest header line or field accepted (httpx's h11 allows about this much too)."""
EAGER_BYTES = 262_144
"""Replies that announce at most this many bytes (and are not event streams) are read whole
before httpx sees them: one read instead of a chunk-by-chunk stream. Larger or unannounced
bodies stream, so callers can stop reading at their size cap."""


def _mapped(exc: BaseException, during_body: bool) -> Exception:
    """The httpx exception that httpx's own transport would have raised for `exc`."""
    message = str(exc) or type(exc).__name__
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout(message)
    if isinstance(exc, (aiohttp.ServerTimeoutError, TimeoutError)):
        return httpx.ReadTimeout(message)
    if isinstance(exc, aiohttp.ClientConnectorError):
        return httpx.ConnectError(message)
    if isinstance(exc, (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError,
                        aiohttp.ClientResponseError)):
        return httpx.RemoteProtocolError(message)
    if isinstance(exc, (aiohttp.ClientOSError, aiohttp.ClientConnectionError, OSError)):
        return httpx.ReadError(message) if during_body else httpx.ConnectError(message)
    if isinstance(exc, (aiohttp.InvalidURL, aiohttp.NonHttpUrlClientError)):
        return httpx.UnsupportedProtocol(message)
    return httpx.TransportError(message)


class _Body(httpx.AsyncByteStream):
    """The reply body as aiohttp receives it; errors mapped; the connection goes back to the
    pool only when the body was read to its end."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self.response = response
        self.complete = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self.response.content.iter_any():
                yield chunk
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise _mapped(exc, during_body=True) from exc
        self.complete = True

    async def aclose(self) -> None:
        if self.complete:
            self.response.release()
        else:  # stopped early (size cap, error): never reuse a half-read connection
            self.response.close()


@functools.lru_cache(maxsize=256)
def _timeout(pool: float | None, connect: float | None, read: float | None
             ) -> aiohttp.ClientTimeout:
    """httpx's per-request timeouts as aiohttp's: aiohttp's `connect` covers waiting for a pooled
    connection plus opening one; `sock_read` is the longest wait between two reads."""
    return aiohttp.ClientTimeout(
        total=None, connect=None if pool is None else pool + (connect or 0),
        sock_connect=connect, sock_read=read)


class AiohttpTransport(httpx.AsyncBaseTransport):
    """An httpx transport over one aiohttp ClientSession, created on first use (it must be
    created inside the running event loop)."""

    def __init__(self, *, limits: httpx.Limits | None = None, trust_env: bool = False) -> None:
        self.limits = limits or httpx.Limits()
        self.trust_env = trust_env
        self._session: aiohttp.ClientSession | None = None
        self._ssl: ssl.SSLContext | None = None
        self._urls: dict[str, URL] = {}
        self._headers: dict[tuple[tuple[bytes, bytes], ...], tuple[tuple[str, str], ...]] = {}

    def _open(self, https: bool) -> aiohttp.ClientSession:
        if https and self._ssl is None:
            self._ssl = httpx.create_ssl_context(trust_env=self.trust_env)
        connector = aiohttp.TCPConnector(
            limit=self.limits.max_connections or 0, limit_per_host=0,
            keepalive_timeout=self.limits.keepalive_expiry or 5.0,
            ssl=self._ssl if self._ssl is not None else True)
        return aiohttp.ClientSession(
            connector=connector, cookie_jar=aiohttp.DummyCookieJar(), auto_decompress=False,
            trust_env=self.trust_env, timeout=aiohttp.ClientTimeout(total=None),
            skip_auto_headers=("Content-Type",),  # httpx decides every header
            max_line_size=MAX_HEADER_BYTES, max_field_size=MAX_HEADER_BYTES)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._session is None:
            self._session = self._open(request.url.scheme == "https")
        timeout: dict[str, Any] = request.extensions.get("timeout", {})
        body = await request.aread()
        url = str(request.url)
        target = self._urls.get(url)
        if target is None:
            if len(self._urls) > 64:
                self._urls.clear()
            # userinfo is httpx's to send (as Basic auth); aiohttp refuses it next to that header
            target = self._urls[url] = URL(url, encoded=True).with_user(None)
        raw = tuple(request.headers.raw)
        headers = self._headers.get(raw)
        if headers is None:  # a driver sends the same few header sets again and again
            if len(self._headers) > 64:
                self._headers.clear()
            headers = self._headers[raw] = tuple((k.decode("latin-1"), v.decode("latin-1"))
                                                 for k, v in raw)
        try:
            response = await self._session.request(
                request.method, target,
                headers=headers,
                data=body or None, allow_redirects=False, compress=None,
                timeout=_timeout(timeout.get("pool"), timeout.get("connect"),
                                 timeout.get("read")),
                server_hostname=request.extensions.get("sni_hostname"))
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise _mapped(exc, during_body=False) from exc
        version = response.version
        extensions: dict[str, Any] = {
            "http_version": f"HTTP/{version.major}.{version.minor}".encode() if version
            else b"HTTP/1.1"}
        if response.reason:
            extensions["reason_phrase"] = response.reason.encode("latin-1", "replace")
        stream: httpx.AsyncByteStream = _Body(response)
        length = response.content_length
        if (length is not None and length <= EAGER_BYTES
                and "event-stream" not in response.content_type):
            try:
                data = await response.read()
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                response.close()  # never reuse a half-read connection
                raise _mapped(exc, during_body=True) from exc
            response.release()
            stream = httpx.ByteStream(data)
        reply = httpx.Response(status_code=response.status, headers=list(response.raw_headers),
                               stream=stream, request=request, extensions=extensions)
        if all(k.isascii() and v.isascii() for k, v in response.raw_headers):
            # what httpx would find by decoding every header on first use (Headers.encoding)
            reply.headers.encoding = "ascii"
        return reply

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


class _NoCookies(httpx.Cookies):
    """Cookies that are never kept nor sent."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return

    def set_cookie_header(self, request: httpx.Request) -> None:
        return


class VendorClient(httpx.AsyncClient):
    """An httpx.AsyncClient that keeps no cookies: a vendor's cookies never carry state from
    one trial into another, and reading Set-Cookie on every reply through http.cookiejar was
    a tenth of a request's CPU. Everything else is httpx as usual."""

    _no_cookies = _NoCookies()

    @property
    def cookies(self) -> httpx.Cookies:
        return self._no_cookies

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        return


def async_client(*, timeout_s: float, max_connections: int, trust_env: bool
                 ) -> httpx.AsyncClient:
    """The httpx client a vendor's driver talks through: httpx API, aiohttp pool, no cookies."""
    limits = httpx.Limits(max_connections=max_connections,
                          max_keepalive_connections=max_connections)
    if os.environ.get("AGENTCHECK_TRANSPORT", "aiohttp") == "httpx":
        return VendorClient(timeout=httpx.Timeout(timeout_s), limits=limits, trust_env=trust_env)
    return VendorClient(timeout=httpx.Timeout(timeout_s), trust_env=trust_env,
                        transport=AiohttpTransport(limits=limits, trust_env=trust_env))
