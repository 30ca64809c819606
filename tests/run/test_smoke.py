"""`agentcheck vendors check`: the smoke test before a long run, against loopback vendors that
speak Anthropic Messages and Chat Completions (validating every request as the real APIs do)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agentcheck.run.smoke import CheckResult, check_vendors
from agentcheck.vendors.profile import VendorProfile

from ..fakes import openai_chat as vs
from ..fakes.anthropic import (
    KEY,
    AnthropicServer,
    Behaviour,
    Exchange,
    Req,
    anthropic_serving,
    error,
    message,
    reply,
    text,
    tool_use,
)
from ..fakes.openai_chat_stream import ChatServer, chat_chunks, chat_json, chat_serving, chat_sse
from ..helpers import driving
from ..helpers.cli import agentcheck

ENV = "ACME_API_KEY"


def _time_asked(req: Req) -> tuple[bool, bool]:
    """(tools offered, a tool result already in the conversation)."""
    body = req.json
    offered = any((t.get("function") or t).get("name") == "get_time"
                  for t in body.get("tools") or [])
    answered = any(
        (m.get("role") == "tool") or (isinstance(m.get("content"), list) and any(
            isinstance(b, dict) and b.get("type") == "tool_result" for b in m["content"]))
        for m in body["messages"])
    return offered, answered


def claude_model(ex: Exchange) -> None:
    """A model that does what the check asks: says ready, calls get_time, reports the time."""
    offered, answered = _time_asked(ex.req)
    if not offered:
        reply(message(text("ready")))(ex)
    elif not answered:
        reply(message(tool_use("get_time", {"timezone": "UTC"})))(ex)
    else:
        reply(message(text("It is 12:34 in UTC.")))(ex)


def chat_model(ex: Exchange) -> None:
    offered, answered = _time_asked(ex.req)
    calls = [("call_t1", "get_time", '{"timezone": "UTC"}')] if offered and not answered else None
    content = None if calls else ("It is 12:34 in UTC." if answered else "ready")
    if ex.req.stream:
        chat_sse(chat_chunks(content, calls))(ex)
    else:
        chat_json(vs.completion_body(content, tool_calls=[vs.tool_call(n, a, call_id=i)
                                                          for i, n, a in calls or []]))(ex)


def talker(ex: Exchange) -> None:
    reply(message(text("ready" if not _time_asked(ex.req)[0] else "It is probably noon.")))(ex)


api_key = driving.key_in_env(ENV, KEY)


@pytest.fixture
def claude() -> Iterator[AnthropicServer]:
    with anthropic_serving() as s:
        yield s


@pytest.fixture
def chat() -> Iterator[ChatServer]:
    with chat_serving() as s:
        yield s


def profile(base_url: str, protocol: str = "anthropic", **over: Any) -> VendorProfile:
    return driving.profile(protocol, base_url, ENV, **{"name": "acme", "model": "x", **over})


def check(*profiles: VendorProfile) -> list[CheckResult]:
    return asyncio.run(check_vendors(list(profiles)))


def only(result: list[CheckResult]) -> CheckResult:
    [r] = result
    return r


@pytest.mark.parametrize("stream", [False, True])
def test_anthropic_profile_passes(claude: AnthropicServer, stream: bool) -> None:
    claude.fallback = claude_model
    r = only(check(profile(claude.base_url, stream=stream)))
    assert r.ok, r.render()
    assert r.render().startswith("acme: ok (key accepted, model 'x' answered in ")
    assert "tool round trip ok" in r.render()
    assert ("first token" in r.render()) is stream
    assert len(claude.requests) == 3  # hello; the call; the answer to the result
    assert "tools" not in claude.requests[0].json
    assert claude.requests[1].json["tools"][0]["name"] == "get_time"


@pytest.mark.parametrize("stream", [False, True])
def test_chat_completions_profile_passes(chat: ChatServer, stream: bool) -> None:
    chat.fallback = chat_model
    r = only(check(profile(chat.base_url, "openai-chat", stream=stream)))
    assert r.ok, r.render()
    assert len(chat.requests) == 3


def test_missing_key_names_the_variable_and_sends_nothing(claude: AnthropicServer,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV)
    r = only(check(profile(claude.base_url)))
    assert not r.ok and ENV in r.detail and f"export {ENV}=" in (r.fix or "")
    assert claude.requests == []


def test_rejected_key(claude: AnthropicServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "sk-ant-not-the-right-one")
    r = only(check(profile(claude.base_url)))
    assert not r.ok
    assert r.detail.startswith(f"401 from acme: the key in ${ENV} was rejected")
    assert "not-the-right-one" not in r.render() and len(claude.requests) == 1


def test_unknown_model(claude: AnthropicServer) -> None:
    claude.script(error(404, "not_found_error", "model: x"))
    r = only(check(profile(claude.base_url)))
    assert not r.ok and r.detail.startswith("404 from acme: model 'x' not found")
    assert "`model`" in (r.fix or "")


def test_model_that_never_calls_the_tool(claude: AnthropicServer) -> None:
    claude.fallback = talker
    r = only(check(profile(claude.base_url)))
    assert not r.ok and "without calling get_time" in r.detail and "tool calling" in (r.fix or "")


def test_tools_refused_after_a_good_hello(claude: AnthropicServer) -> None:
    claude.script(reply(message(text("ready"))),
                  error(400, "invalid_request_error", "tools are not supported by this model"))
    r = only(check(profile(claude.base_url)))
    assert not r.ok and r.detail.startswith("the key and model work, but the tool round trip")
    assert "tool calling" in (r.fix or "")


def test_model_that_calls_a_tool_it_was_not_given(claude: AnthropicServer) -> None:
    claude.script(reply(message(text("ready"))),
                  reply(message(tool_use("get_weather", {"city": "Paris"}))))
    r = only(check(profile(claude.base_url)))
    assert not r.ok and "unknown tool 'get_weather'" in r.detail


def test_nothing_listening(claude: AnthropicServer) -> None:
    r = only(check(profile("http://127.0.0.1:9/v1", max_retries=0)))
    assert not r.ok and r.detail.startswith("cannot connect") and "base_url" in (r.fix or "")


def test_wrong_protocol_for_the_endpoint(chat: ChatServer) -> None:
    chat.expect_invalid = True  # an Anthropic request sent to a Chat Completions server
    r = only(check(profile(chat.base_url)))
    assert not r.ok and r.detail.startswith("404 from acme")


# --------------------------------------------------------------------------- the command


def write(tmp_path: Path, name: str, base_url: str, key_env: str = ENV) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"name: {name}\nprotocol: anthropic\nbase_url: {base_url}\nmodel: x\n"
                    f"api_key_env: {key_env}\ntimeout_s: 5\nmax_retries: 1\n")
    return path


def test_cli_exit_status_and_lines(claude: AnthropicServer, tmp_path: Path) -> None:
    def route(ex: Exchange) -> None:
        behaviour: Behaviour = claude_model if ex.req.headers.get("x-api-key") == KEY else \
            error(401, "authentication_error", "invalid x-api-key")
        behaviour(ex)

    claude.api_key = None  # let the route answer the bad key, so both profiles hit it
    claude.fallback = route
    good = write(tmp_path, "good", claude.base_url)
    bad = write(tmp_path, "bad", claude.base_url, "OTHER_KEY")
    res = agentcheck("vendors", "check", str(good), env={ENV: KEY})
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.startswith("good: ok (")
    res = agentcheck("vendors", "check", str(good), str(bad), env={ENV: KEY, "OTHER_KEY": "nope"})
    assert res.returncode == 1, res.stdout + res.stderr
    lines = res.stdout.splitlines()
    assert lines[0].startswith("good: ok")
    assert lines[1] == ("bad: FAILED: 401 from bad: the key in $OTHER_KEY was rejected: "
                        "invalid x-api-key")
    assert lines[2].strip().startswith("fix: set $OTHER_KEY")
    assert lines[-1] == "1 of 2 profile(s) ok"
    assert "nope" not in res.stdout + res.stderr and "Traceback" not in res.stderr


def test_cli_refuses_demo_vendors() -> None:
    res = agentcheck("vendors", "check", "demo-agent")
    assert res.returncode == 2 and "demo" in res.stderr and "Traceback" not in res.stderr
