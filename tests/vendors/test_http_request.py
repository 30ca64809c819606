"""HttpClient builds its requests itself (vendors/http.py `_request`), handing httpx a prepared
stream: the requests must be the ones httpx's own preparation makes of the same merged headers
and body (`httpx.Request(..., headers=merged, content=body)`), header for header and byte for
byte, whatever the driver's headers say."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from agentcheck.vendors.http import HttpClient
from agentcheck.vendors.wire import encode_json


def prepared_by_httpx(client: httpx.AsyncClient, method: str, url: str, body: Any,
                      headers: dict[str, str]) -> httpx.Request:
    """The request as httpx prepares it from the client's defaults merged with `headers`."""
    merged = list(httpx.Headers({**client.headers, **headers}).raw)
    content = None
    if body is not None:
        content = body if isinstance(body, bytes) else encode_json(body)
        merged.append((b"Content-Type", b"application/json"))
    return httpx.Request(method, url, headers=merged, content=content)

CASES: list[tuple[str, str, Any, dict[str, str]]] = [
    ("POST", "https://api.example.com/v1/chat", {"model": "m", "messages": [{"a": "é"}]},
     {"Authorization": "Bearer sk-x"}),
    ("POST", "http://127.0.0.1:8080/v1/x?key=1", {"n": 1.5}, {}),
    ("POST", "http://127.0.0.1:8080/v1/x", None, {"X-Api-Key": "k"}),
    ("GET", "https://example.com/v1/tasks/7", None, {"Accept": "text/plain"}),
    ("post", "https://example.com/a", {"x": [1, 2]}, {"content-type": "application/json; v=2"}),
    ("POST", "https://example.com/a", {"x": 1}, {"Content-Length": "7", "Host": "other"}),
    ("PUT", "https://user:pw@example.com:8443/a", None, {"Transfer-Encoding": "chunked"}),
    ("POST", "https://example.com/a", {"x": 1}, {"User-Agent": "mine"}),
    ("POST", "https://example.com/a", {"x": 1}, {"Transfer-Encoding": "chunked"}),
    ("PATCH", "http://[::1]:9/a", None, {}),
    ("DELETE", "http://h/a", None, {}),
]


@pytest.mark.parametrize("method,url,body,headers", CASES)
def test_request_is_what_build_request_gives(method: str, url: str, body: Any,
                                             headers: dict[str, str]) -> None:
    client = httpx.AsyncClient(headers={"X-Default": "d"}, timeout=7)
    http = HttpClient(client, "v")
    for _ in range(2):  # the second time from the cached header set
        ours = http._request(method, url, body, headers)
        theirs = prepared_by_httpx(client, method, url, body, headers)
        assert ours.method == theirs.method
        assert ours.url == theirs.url
        assert ours.headers.raw == theirs.headers.raw
        assert ours.content == theirs.content
        assert ours.extensions["timeout"] == client.timeout.as_dict()


def test_body_already_encoded_is_sent_as_is() -> None:
    ours = HttpClient(httpx.AsyncClient(), "v")._request("POST", "http://h/x", b'{"a":1}', {})
    assert ours.content == b'{"a":1}'
    assert ours.headers["content-length"] == "7"
