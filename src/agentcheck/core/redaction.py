"""Keeps API keys out of everything agentcheck writes: results, logs, errors.

Every key read from the environment is registered here, and so is every credential a vendor
profile carries in plain sight (`credentials_in`): header values whose name says auth, key,
token, secret..., and the userinfo and credential-like query values of its base_url. Every text
that leaves the process through results or messages passes through `redact` (`snippet` when it
is cut short, so no part of a key survives at the cut); once anything is registered, log records
are redacted too, whoever logs them (httpx logs every request URL, `?key=` included).
"""

from __future__ import annotations

import base64
import json
import logging
import re
from typing import Any
from urllib.parse import unquote, urlsplit

_SECRETS: set[str] = set()
_pattern: re.Pattern[str] | None = None
_longest = 0
_logs_redacted = False
MASK = "[REDACTED]"

SECRET_NAME = re.compile(r"auth|key|token|secret|pass|sig|credential|session|cookie|code",
                         re.IGNORECASE)
"""A header or query parameter whose name matches carries a credential."""
_SCHEMES = ("bearer", "basic", "token", "apikey", "key", "sharedaccesssignature", "sas")
_NUMBER_LIKE = re.compile(r"[0-9.eE+-]*")


def register(secret: str | None) -> None:
    global _pattern, _longest
    if not secret or len(secret) < 4 or secret in _SECRETS:
        return
    _SECRETS.add(secret)
    escaped = json.dumps(secret, ensure_ascii=False)[1:-1]  # as it stands inside JSON text
    if escaped != secret:
        _SECRETS.add(escaped)
    ordered = sorted(_SECRETS, key=len, reverse=True)
    _longest = len(ordered[0])
    _pattern = re.compile("|".join(re.escape(s) for s in ordered))
    _redact_logs()


def redact(text: str) -> str:
    if _pattern is None or not text:
        return text
    return _pattern.sub(MASK, text)


def snippet(text: str, length: int) -> str:
    """The first `length` characters of `text`, redacted before the cut: a key that straddles
    the cut is masked whole instead of leaving its first characters behind."""
    return redact(text[:length + _longest])[:length]


def redact_data(value: Any) -> Any:
    """Redact inside any JSON-able value (cheap when no secret is registered)."""
    if _pattern is None:
        return value
    return json.loads(redact(json.dumps(value, ensure_ascii=False)))


def credentials_in(base_url: str, headers: dict[str, str]) -> list[str]:
    """What a vendor profile carries besides its key that must not be written anywhere: the
    values of headers named like a credential (with and without an auth scheme such as
    `Bearer`), the URL's userinfo (the password, or the user when it stands alone, and the
    Basic token an HTTP client derives from them) and its credential-like query values."""
    found: list[str] = []
    for name, value in headers.items():
        if SECRET_NAME.search(name):
            found.append(value)
            scheme, _, rest = value.strip().partition(" ")
            if rest.strip() and scheme.lower() in _SCHEMES:
                found.append(rest.strip())
    try:
        url = urlsplit(base_url)
        user, password = url.username, url.password
    except ValueError:  # a malformed URL is for validation to report, not to crash on
        return found
    if password or user:
        secret = password or user or ""  # a user alone is a token
        found += [secret, unquote(secret)]
        basic = f"{unquote(user or '')}:{unquote(password or '')}".encode()
        found.append(base64.b64encode(basic).decode())
    for pair in url.query.split("&"):
        name, _, value = pair.partition("=")
        if value and SECRET_NAME.search(unquote(name)):
            found += [value, unquote(value.replace("+", " "))]
    # too short or number-like values would mask ordinary text, or numbers inside JSON
    return list(dict.fromkeys(v for v in found if len(v) >= 8
                              and not _NUMBER_LIKE.fullmatch(v)))


def register_credentials(base_url: str, headers: dict[str, str]) -> None:
    for secret in credentials_in(base_url, headers):
        register(secret)


def mask_credentials(base_url: str, headers: dict[str, str]) -> tuple[str, dict[str, str]]:
    """The URL and headers with every credential in them masked, for what results show."""
    found = sorted(credentials_in(base_url, headers), key=len, reverse=True)
    if not found:
        return base_url, dict(headers)
    pattern = re.compile("|".join(re.escape(s) for s in found))
    return pattern.sub(MASK, base_url), {k: pattern.sub(MASK, v) for k, v in headers.items()}


def _redact_logs() -> None:
    """From the first registered secret on, every log record is created redacted: its message
    (arguments merged in) and any traceback text. Records of disabled levels are never
    created, so this costs nothing when nobody logs."""
    global _logs_redacted
    if _logs_redacted:
        return
    _logs_redacted = True
    make = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave it for the handler to report
            return record
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact(text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return record

    logging.setLogRecordFactory(factory)
