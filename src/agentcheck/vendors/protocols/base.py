"""What a harness-loop driver (protocols/harness.py) and its Session exchange with the loop, and
the helpers every driver shares for reading replies (`malformed`) and building requests.

A session turns a protocol-neutral conversation (user turns, tool results) into its wire format
and a vendor reply back into text plus tool calls. A Session keeps the raw wire history so that
ids and opaque fields go back to the vendor exactly as received.
"""

from __future__ import annotations

import abc
import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from agentcheck.core.errors import ConfigError, VendorError
from agentcheck.core.redaction import register as register_secret
from agentcheck.core.redaction import snippet
from agentcheck.core.usage import Usage
from agentcheck.vendors.profile import VendorProfile
from agentcheck.vendors.wire import vendor_json

MALFORMED = (TypeError, LookupError, AttributeError, ValueError, RecursionError, ArithmeticError)
"""What reading data of an unexpected shape raises: KeyError and IndexError are LookupErrors,
UnicodeError a ValueError, OverflowError an ArithmeticError."""
MAX_ARGUMENT_DEPTH = 64
"""Tool arguments nested deeper are refused: no tool takes them, and every later reader
(schema check, scoring, the results writer) would have to survive them."""


@contextlib.contextmanager
def malformed(vendor: str, what: str = "reply") -> Iterator[None]:
    """Read a vendor's data inside this block: whatever the reading trips over is the vendor's
    malformed reply (VendorError "malformed", scored against it), never agentcheck's harness
    error, which a vendor could otherwise trigger to have the trials it would fail dropped.
    Only reading goes inside, so agentcheck's own bugs elsewhere stay harness errors."""
    try:
        yield
    except MALFORMED as exc:
        raise VendorError("malformed", f"{vendor}: {what} cannot be used "
                          f"({type(exc).__name__}: {snippet(str(exc), 200)})") from None


@dataclass
class ToolCall:
    id: str
    name: str
    arguments: Any
    """Parsed arguments, or None when the vendor sent something that is not a JSON object."""
    raw_arguments: str
    parse_error: str | None = None


@dataclass
class ToolResult:
    call: ToolCall
    content: str
    is_error: bool


@dataclass
class ModelTurn:
    text: str
    tool_calls: list[ToolCall] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    latency_s: float = 0.0
    finish_reason: str | None = None
    cut_off: bool = False
    """The vendor's output limit cut this reply (finish_reason length, stop_reason max_tokens,
    status incomplete for max_output_tokens, finishReason MAX_TOKENS): not a final answer."""
    ttft_s: float | None = None
    """Time to first token, for streamed replies."""
    served_model: str | None = None
    """The model the reply says answered, when it names another than the profile asked for
    (a dated snapshot behind an alias, a swapped model): `agentcheck history` marks a change."""


TOO_DEEP = "arguments are nested too deeply"


def parse_arguments(raw: Any) -> tuple[Any, str, str | None]:
    """Tool-call arguments as a vendor sent them (a JSON string, an object, empty...):
    (parsed object or None, raw text, parse error)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return {}, "{}", None
    if isinstance(raw, str):
        try:
            value = vendor_json(raw)
        except RecursionError:
            return None, raw, TOO_DEEP
        except ValueError as exc:
            return None, raw, _not_json(raw, exc)
        if not isinstance(value, dict):
            return None, raw, "arguments must be a JSON object"
        return (None, raw, TOO_DEEP) if too_deep(value) else (value, raw, None)
    if too_deep(raw):
        return None, "(nested too deeply to show)", TOO_DEEP
    text = json.dumps(raw, ensure_ascii=False)
    return (raw, text, None) if isinstance(raw, dict) else (
        None, text, "arguments must be a JSON object")


def _not_json(raw: str, exc: ValueError) -> str:
    """Why arguments are not JSON; text that stops before its JSON does was most likely cut
    by the vendor's output limit, and the vendor is told so."""
    if not isinstance(exc, json.JSONDecodeError):
        return f"arguments were not valid JSON: {snippet(str(exc), 120)}"
    early = exc.msg.startswith("Unterminated") or exc.pos >= len(raw.rstrip())
    return f"arguments were not valid JSON{CUT_GUESS if early else ''}: {exc.msg}"


CUT_GUESS = " (cut off by the output limit?)"


def too_deep(value: Any, limit: int = MAX_ARGUMENT_DEPTH) -> bool:
    """Nested more than `limit` containers deep (iterative: the value may be far deeper)."""
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else (
            node if isinstance(node, list) else ())
        stack.extend((child, depth + 1) for child in children
                     if isinstance(child, (dict, list)))
    return False


def served_model(reported: Any, requested: str | None) -> str | None:
    """What a reply's model field names, when it is not the model requested; None otherwise
    (the usual case, which keeps trial records as they were)."""
    if not isinstance(reported, str) or not reported.strip() or reported == requested:
        return None
    return reported.strip()[:200]


def explain_cut(turn: ModelTurn) -> ModelTurn:
    """In a reply the output limit cut, a call whose arguments do not parse was cut mid-way:
    the tool error that answers it says so (no longer as a guess), so the vendor knows what to
    fix."""
    if turn.cut_off:
        for call in turn.tool_calls:
            if call.parse_error is not None:
                call.parse_error = (f"{call.parse_error.replace(CUT_GUESS, '')} (the reply was "
                                    f"cut off by the vendor's output limit: {turn.finish_reason})")
    return turn


def token_count(obj: Any, key: str) -> int:
    """A usage count from a vendor's usage object: `obj[key]` when it is a non-negative
    number, else 0."""
    value = obj.get(key) if isinstance(obj, dict) else None
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value != value:
        return 0
    return max(int(min(value, 1e15)), 0)


class Session(abc.ABC):
    """One trial's conversation with one vendor."""

    @abc.abstractmethod
    def add_user(self, text: str) -> None: ...

    @abc.abstractmethod
    def add_tool_results(self, results: list[ToolResult]) -> None: ...

    @abc.abstractmethod
    async def step(self) -> ModelTurn:
        """Send the conversation, return the vendor's next turn; raises VendorError."""


def endpoint(base_url: str, path: str, query: dict[str, str] | None = None) -> str:
    """`path` appended to the path of base_url, whose own query string (a gateway's `?code=`,
    say) is kept, with `query` added to it."""
    url = urlsplit(base_url)
    params = "&".join(q for q in (url.query, urlencode(query or {})) if q)
    return urlunsplit((url.scheme, url.netloc, url.path.rstrip("/") + path, params, ""))


class CallIds:
    """Ids for tool calls that came without a usable one: `prefix` and a counter."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.count = 0

    def usable(self, call_id: Any, used: set[str]) -> str:
        """`call_id` if it is a non-empty string not in `used` (a repeated id could not be
        answered exactly once), else a new id that is not in `used` either."""
        if isinstance(call_id, str) and call_id and call_id not in used:
            return call_id
        while True:
            self.count += 1
            new = f"{self.prefix}{self.count}"
            if new not in used:
                return new


AUTH_HEADERS = {"bearer": "Authorization", "api-key": "api-key", "x-api-key": "x-api-key",
                "x-goog-api-key": "x-goog-api-key"}


def auth_headers(style: str, key: str, profile: VendorProfile) -> dict[str, str]:
    """The header that carries the key in a profile's `auth` style."""
    if style not in AUTH_HEADERS:
        raise ConfigError(f"auth style {style!r} is not supported by protocol "
                          f"{profile.protocol!r} (use one of {', '.join(AUTH_HEADERS)} or none)",
                          file=profile.source or None, field="auth")
    return {AUTH_HEADERS[style]: f"Bearer {key}" if style == "bearer" else key}


def key_auth(profile: VendorProfile, default: str, *, query_key: bool = False
             ) -> tuple[dict[str, str], dict[str, str]]:
    """(headers, query parameters) that carry the profile's key in its `auth` style, `default`
    when the profile names none; `query-key` (`?key=`) only where the protocol takes it. The
    key is registered as a secret: it is masked wherever it could be written."""
    style = profile.auth or default
    key = profile.api_key() if style != "none" else None
    if not key:
        return {}, {}
    register_secret(key)
    if style == "query-key" and query_key:
        return {}, {"key": key}
    return auth_headers(style, key, profile), {}
