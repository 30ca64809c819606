"""The one HTTP layer every driver uses: timeouts, retries, size caps, error mapping.

Retries follow the rule of the official OpenAI and Anthropic SDKs: retry 408, 409, 429 and 5xx
(and 529), honour `retry-after-ms`, then `retry-after` (seconds or HTTP date), and let
`x-should-retry` override. Quota and auth failures are never retried. Every failure leaves this
module as a VendorError with a stable cause.
"""

from __future__ import annotations

import email.utils
import json
import random
import time
from dataclasses import dataclass
from typing import Any

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from .errors import VendorError
from .redaction import redact

RETRY_STATUSES = {408, 409, 429, 500, 502, 503, 504, 529}


@dataclass
class HttpReply:
    status: int
    data: Any
    headers: httpx.Headers
    latency_s: float
    attempts: int


def parse_retry_after(headers: httpx.Headers) -> float | None:
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(float(ms) / 1000, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value:
        try:
            return max(float(value), 0.0)
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(value) if value else None
            if parsed is not None:
                return max(parsed.timestamp() - time.time(), 0.0)
    return None


def _error_message(data: Any, text: str) -> tuple[str, str | None]:
    """Pull the human message and code out of an error body in any of the common shapes."""
    if isinstance(data, dict):
        err = data.get("error", data)
        if isinstance(err, list) and err:
            err = err[0]
        if isinstance(err, dict):
            msg = err.get("message") or err.get("detail") or json.dumps(err)[:300]
            code = err.get("code") or err.get("type") or err.get("status")
            return str(msg), (str(code) if code is not None else None)
        if isinstance(err, str):
            return err, None
    snippet = " ".join(text.split())[:200]
    return snippet or "(empty body)", None


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

    async def post_json(self, url: str, body: Any, headers: dict[str, str]) -> HttpReply:
        attempts = 0
        start = time.perf_counter()

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            backoff: float = min(0.5 * 2 ** (state.attempt_number - 1), 8.0)
            backoff *= 0.75 + random.random() / 2
            if isinstance(exc, VendorError) and exc.retry_after_s is not None:
                backoff = float(exc.retry_after_s)
            return min(backoff, self.max_retry_wait_s)

        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.max_retries + 1),
            wait=wait,
            retry=retry_if_exception(lambda e: isinstance(e, VendorError) and e.retryable),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                attempts += 1
                status, data, resp_headers = await self._once(url, body, headers)
        return HttpReply(status, data, resp_headers, time.perf_counter() - start, attempts)

    async def _once(self, url: str, body: Any, headers: dict[str, str]
                    ) -> tuple[int, Any, httpx.Headers]:
        try:
            async with self.client.stream("POST", url, json=body, headers=headers) as resp:
                raw = bytearray()
                async for chunk in resp.aiter_bytes():
                    raw.extend(chunk)
                    if len(raw) > self.max_response_bytes:
                        raise VendorError("too_large", f"{self.vendor}: reply larger than "
                                          f"{self.max_response_bytes} bytes; stopped reading")
                status = resp.status_code
                resp_headers = resp.headers
        except httpx.TimeoutException as exc:
            raise VendorError("timeout", f"{self.vendor}: timed out ({type(exc).__name__})",
                              retryable=True) from None
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise VendorError("connection", f"{self.vendor}: connection broken: "
                              f"{redact(str(exc))[:200]}", retryable=True) from None
        except httpx.TransportError as exc:
            raise VendorError("connection", f"{self.vendor}: cannot connect: "
                              f"{redact(str(exc))[:200]}", retryable=True) from None
        text = raw.decode("utf-8", errors="replace")
        data: Any = None
        parse_failed = False
        try:
            data = json.loads(text) if text.strip() else None
        except ValueError:
            parse_failed = True
        if 200 <= status < 300:
            if parse_failed or data is None:
                raise VendorError("malformed", f"{self.vendor}: reply is not JSON: "
                                  f"{redact(' '.join(text.split())[:120])!r}", status=status)
            return status, data, resp_headers
        raise self._status_error(status, data, text, resp_headers)

    def _status_error(self, status: int, data: Any, text: str,
                      headers: httpx.Headers) -> VendorError:
        message, code = _error_message(data, text)
        message = redact(message)[:300]
        retry_after = parse_retry_after(headers)
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
