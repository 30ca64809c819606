"""What the HTTP layer (http.py) reads and writes, apart from the client that sends it: JSON
bodies encoded exactly as httpx encodes them, vendor JSON parsed into what can be kept and sent
back, server-sent events parsed as they arrive, and the wait a vendor asks for before a retry
(`retry-after-ms`, `retry-after` in seconds or as an HTTP date, Google's RetryInfo). Pure
functions of bytes, headers and bodies: nothing here sends a request.
"""

from __future__ import annotations

import datetime
import email.utils
import json
import math
import time
from dataclasses import dataclass
from typing import Any

import httpx

from agentcheck.core.text import _UNSAFE_ESCAPE, clean_data


def _finite(text: str) -> float | None:
    number = float(text)
    return number if math.isfinite(number) else None


_DECODER = json.JSONDecoder(parse_float=_finite, parse_constant=lambda _: None)


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
"""What json.dumps builds on every call when given these options: built once."""


def json_text(value: Any) -> str:
    """JSON text exactly as httpx encodes a `json=` body (compact, unescaped, no NaN)."""
    return _ENCODER.encode(value)


def encode_json(body: Any) -> bytes:
    """JSON bytes exactly as httpx encodes a `json=` body."""
    return json_text(body).encode("utf-8")


def vendor_json(text: str) -> Any:
    """JSON a vendor sent, parsed into what can be kept and sent back: strings cleaned
    (clean_text), and NaN, Infinity and numbers too large for a float (1e400) read as null,
    since sending them back would make our own next request invalid JSON. Raises ValueError or
    RecursionError, as json.loads does."""
    data = _DECODER.decode(text)
    return clean_data(data) if _UNSAFE_ESCAPE.search(text) else data


@dataclass
class SseEvent:
    """One server-sent event, handed to a driver as it arrives."""

    event: str | None
    """The `event:` field, None when the stream names none (Chat Completions)."""
    data: str
    """The `data:` lines, joined with newlines."""
    elapsed_s: float
    """Seconds since the request that produced this stream was sent (retry waits excluded)."""


class SseParser:
    """Incremental text/event-stream parser: `field: value` lines, `:` comments, a blank line
    ends an event. Lines end in LF or CRLF; a line is decoded only once it is complete, so a
    multi-byte character split across network chunks is never mangled."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._event: str | None = None
        self._data: list[str] = []

    def feed(self, chunk: bytes) -> list[tuple[str | None, str]]:
        if b"\n" not in chunk:
            self._buf.extend(chunk)
            return []
        self._buf.extend(chunk)
        *lines, rest = bytes(self._buf).split(b"\n")
        self._buf = bytearray(rest)
        out: list[tuple[str | None, str]] = []
        for raw in lines:
            line = (raw[:-1] if raw.endswith(b"\r") else raw).decode("utf-8", errors="replace")
            if not line:
                out.extend(self._dispatch())
            elif not line.startswith(":"):
                name, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if name == "data":
                    self._data.append(value)
                elif name == "event":
                    self._event = value
        return out

    def finish(self) -> list[tuple[str | None, str]]:
        """At the end of the body: an event whose blank line never came is still handed over
        (lenient; whether the stream was complete is the protocol's terminator to decide)."""
        return self._dispatch()

    def _dispatch(self) -> list[tuple[str | None, str]]:
        event, data = self._event, self._data
        self._event, self._data = None, []
        return [(event, "\n".join(data))] if data else []


def parse_retry_after(headers: httpx.Headers) -> float | None:
    """Seconds to wait, or None when no header says it usably (junk is ignored, never raised)."""
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            wait = float(ms) / 1000
        except ValueError:
            pass
        else:
            if math.isfinite(wait):
                return max(wait, 0.0)
    value = headers.get("retry-after")
    if value:
        try:
            wait = float(value)
        except ValueError:
            try:
                parsed = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError):  # neither seconds nor an HTTP date
                return None
            if parsed.tzinfo is None:  # "-0000": UTC without a stated zone
                parsed = parsed.replace(tzinfo=datetime.UTC)
            wait = parsed.timestamp() - time.time()
        if math.isfinite(wait):
            return max(wait, 0.0)
    return None


def retry_info_delay(data: Any) -> float | None:
    """The wait a Google error body asks for: `error.details[]` entry of type
    `google.rpc.RetryInfo` with `retryDelay` ("2s", "0.05s", or {seconds, nanos})."""
    err = data[0] if isinstance(data, list) and data else data
    err = err.get("error") if isinstance(err, dict) else None
    details = err.get("details") if isinstance(err, dict) else None
    for item in details if isinstance(details, list) else []:
        if not (isinstance(item, dict) and str(item.get("@type", "")).endswith(
                "google.rpc.RetryInfo")):
            continue
        delay = item.get("retryDelay")
        try:
            if isinstance(delay, str) and delay.strip().endswith("s"):
                wait = float(delay.strip()[:-1])
            elif isinstance(delay, dict):
                wait = float(delay.get("seconds") or 0) + float(delay.get("nanos") or 0) / 1e9
            else:
                continue
        except (TypeError, ValueError):
            continue
        if math.isfinite(wait):
            return max(wait, 0.0)
    return None
