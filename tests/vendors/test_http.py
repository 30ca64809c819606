"""The shared HTTP layer on its own: Retry-After parsing, error bodies, retry rules, decoding.

Everything the vendor can do wrong must leave HttpClient as a VendorError with a stable cause;
anything else would be scored as agentcheck's own failure.
"""

from __future__ import annotations

import asyncio
import email.utils
import gzip
import time
from typing import Any

import httpx
import pytest

from agentcheck.core.errors import VendorError
from agentcheck.vendors.http import HttpClient, HttpReply, _error_message
from agentcheck.vendors.wire import parse_retry_after

from ..fakes import openai_chat as vs

BODY = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}


def post(server: vs.VendorServer, **kw: Any) -> HttpReply:
    options: dict[str, Any] = {"max_retries": 2, "max_retry_wait_s": 0.02}
    options.update(kw)
    timeout = options.pop("timeout", 2.0)

    async def main() -> HttpReply:
        async with httpx.AsyncClient(timeout=timeout, trust_env=False) as client:
            http = HttpClient(client, "loopback", **options)
            return await http.post_json(server.base_url + "/chat/completions", BODY, {})

    return asyncio.run(main())


def post_fails(server: vs.VendorServer, **kw: Any) -> VendorError:
    with pytest.raises(VendorError) as info:
        post(server, **kw)
    return info.value


def http_date(offset_s: float) -> str:
    return email.utils.formatdate(time.time() + offset_s, usegmt=True)


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(("headers", "expected"), [
    ({}, None),
    ({"retry-after-ms": "250"}, 0.25),
    ({"retry-after": "3"}, 3.0),
    ({"retry-after": "1.5"}, 1.5),
    ({"retry-after-ms": "40", "retry-after": "30"}, 0.04),
    ({"retry-after-ms": "soon", "retry-after": "2"}, 2.0),
    ({"retry-after": "-5"}, 0.0),
    ({"retry-after": http_date(-3600)}, 0.0),
    ({"retry-after": "Wed, 21 Oct 2015 07:28:00 -0000"}, 0.0),
    ({"retry-after": "soon"}, None),
    ({"retry-after": "Fri, 99 Foo 2024"}, None),
    ({"retry-after-ms": "nan"}, None),
    ({"retry-after": "nan"}, None),
    ({"retry-after": "inf"}, None),
], ids=lambda v: repr(v) if isinstance(v, dict) else None)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    assert parse_retry_after(httpx.Headers(headers)) == expected


def test_parse_retry_after_http_date_in_the_future() -> None:
    wait = parse_retry_after(httpx.Headers({"retry-after": http_date(30)}))
    assert wait is not None and 28 <= wait <= 31


@pytest.mark.parametrize(("data", "text", "message", "code"), [
    ({"error": {"message": "bad key", "type": "invalid_request_error", "code": "invalid_api_key"}},
     "", "bad key", "invalid_api_key"),
    ({"error": {"message": "slow", "type": "requests", "code": None}}, "", "slow", "requests"),
    ({"error": "plain string"}, "", "plain string", None),
    ([{"error": {"message": "list"}}], "x", "x", None),
    ({"error": [{"message": "gemini style", "status": "RESOURCE_EXHAUSTED"}]}, "",
     "gemini style", "RESOURCE_EXHAUSTED"),
    ({"detail": "fastapi style"}, "", "fastapi style", None),
    (None, "<html>\n<h1>502 Bad Gateway</h1>\n</html>", "<html> <h1>502 Bad Gateway</h1> </html>",
     None),
    (None, "", "(empty body)", None),
])
def test_error_message_shapes(data: Any, text: str, message: str, code: str | None) -> None:
    assert _error_message(data, text) == (message, code)


# --------------------------------------------------------------------------- retry rules


def test_success_reports_attempts_and_latency(vendor_server: vs.VendorServer) -> None:
    vendor_server.script(vs.error(503, "busy"), vs.answer("ok"))

    reply = post(vendor_server)

    assert reply.status == 200
    assert reply.attempts == 2
    assert reply.latency_s > 0
    assert reply.data["choices"][0]["message"]["content"] == "ok"
    assert reply.headers["content-type"] == "application/json"
    assert [r.json for r in vendor_server.requests] == [BODY, BODY]


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 529])
def test_retryable_statuses(vendor_server: vs.VendorServer, status: int) -> None:
    vendor_server.script(vs.error(status, "try again"), vs.answer("ok"))

    assert post(vendor_server).attempts == 2


@pytest.mark.parametrize(("status", "cause"), [
    (400, "http_error"), (401, "auth"), (403, "auth"), (404, "http_error"), (422, "http_error"),
    (501, "server_error"),
])
def test_final_statuses(vendor_server: vs.VendorServer, status: int, cause: str) -> None:
    vendor_server.fallback = vs.error(status, "no")

    err = post_fails(vendor_server)

    assert (err.cause, err.status) == (cause, status)
    assert len(vendor_server.requests) == 1


def test_x_should_retry_true_retries_a_400(vendor_server: vs.VendorServer) -> None:
    vendor_server.script(vs.error(400, "flaky", headers={"x-should-retry": "true"}),
                         vs.answer("ok"))

    assert post(vendor_server).attempts == 2


def test_x_should_retry_never_retries_auth(vendor_server: vs.VendorServer) -> None:
    vendor_server.fallback = vs.error(401, "no", headers={"x-should-retry": "true"})

    assert post_fails(vendor_server).cause == "auth"
    assert len(vendor_server.requests) == 1


@pytest.mark.parametrize("value", ["soon", "nan", "Fri, 99 Foo 2024"])
def test_unusable_retry_after_falls_back_to_backoff(vendor_server: vs.VendorServer,
                                                    value: str) -> None:
    vendor_server.script(vs.error(429, "slow down", headers={"retry-after": value}),
                         vs.answer("ok"))

    start = time.monotonic()
    assert post(vendor_server, max_retry_wait_s=0.05).attempts == 2
    assert time.monotonic() - start < 1
    assert vendor_server.gaps()[0] >= 0.045  # the capped backoff, not an instant retry


def test_retry_after_http_date_is_honoured(vendor_server: vs.VendorServer) -> None:
    vendor_server.script(vs.error(503, "later", headers={"retry-after": http_date(-10)}),
                         vs.answer("ok"))

    assert post(vendor_server, max_retry_wait_s=5).attempts == 2
    assert vendor_server.gaps()[0] < 0.3  # a past date means now; backoff would be >= 0.375 s


def test_max_retries_zero_means_one_attempt(vendor_server: vs.VendorServer) -> None:
    vendor_server.fallback = vs.error(500, "down")

    assert post_fails(vendor_server, max_retries=0).cause == "server_error"
    assert len(vendor_server.requests) == 1


# --------------------------------------------------------------------------- bodies


def test_gzip_bomb_is_capped_after_decoding(vendor_server: vs.VendorServer) -> None:
    bomb = gzip.compress(b'{"pad": "' + b"x" * 5_000_000 + b'"}')
    assert len(bomb) < 10_000
    vendor_server.script(vs.raw(bomb, headers={"Content-Encoding": "gzip"}))

    err = post_fails(vendor_server, max_response_bytes=100_000)

    assert err.cause == "too_large"


def test_gzip_reply_is_decoded(vendor_server: vs.VendorServer) -> None:
    body = vs.completion_body("zipped")
    import json

    vendor_server.script(vs.raw(gzip.compress(json.dumps(body).encode()),
                                headers={"Content-Encoding": "gzip"}))

    assert post(vendor_server).data == body


def test_corrupt_gzip_is_the_vendors_fault(vendor_server: vs.VendorServer) -> None:
    vendor_server.script(vs.raw(b"this is not gzip", headers={"Content-Encoding": "gzip"}))

    err = post_fails(vendor_server)

    assert err.cause == "malformed"
    assert len(vendor_server.requests) == 1


def test_absurdly_nested_json_is_malformed_not_a_crash(vendor_server: vs.VendorServer) -> None:
    vendor_server.script(vs.raw(b"[" * 200_000 + b"]" * 200_000))

    err = post_fails(vendor_server, max_response_bytes=1_000_000)

    assert err.cause == "malformed"


def test_invalid_utf8_in_error_body_is_tolerated(vendor_server: vs.VendorServer) -> None:
    vendor_server.fallback = vs.raw(b"\xff\xfe oops \xc3", 400, content_type="text/plain")

    err = post_fails(vendor_server)

    assert err.cause == "http_error"
    assert "oops" in str(err)


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/" + "a" * 70_000, "http://[zz]/x"])
def test_a_url_httpx_refuses_is_the_vendors_malformed_reply(url: str) -> None:
    """An A2A card or a task link can carry any URL: one httpx cannot request is the vendor's
    malformed reply, never an agentcheck error that would withhold the trial from judging."""
    async def main() -> None:
        async with httpx.AsyncClient() as client:
            http = HttpClient(client, "v", max_retries=0)
            with pytest.raises(VendorError) as info:
                await http.post_json(url, {}, {})
            assert info.value.cause == "malformed"
            with pytest.raises(VendorError) as info:
                await http.post_sse(url, {}, {}, lambda event: True)
            assert info.value.cause == "malformed"
    asyncio.run(main())


@pytest.mark.parametrize("base_url", ["http://bad host/v1", "http://", "https://x.com/a b",
                                      "https://x.com/" + "v" * 9000])
def test_a_profile_base_url_httpx_would_refuse_is_a_configuration_error(
        tmp_path: Any, base_url: str) -> None:
    """The other half of the rule above: a URL the buyer wrote is caught when the profile
    loads, with the file and field, so a bad URL met at request time is the vendor's."""
    from agentcheck.core.errors import ConfigError
    from agentcheck.vendors.profile import load_profile

    path = tmp_path / "v.yaml"
    path.write_text(f"name: v\nprotocol: openai-chat\nbase_url: {base_url!r}\nmodel: m\n")
    with pytest.raises(ConfigError) as info:
        load_profile(path)
    assert "base_url" in str(info.value) and str(path) in str(info.value)
