"""The http-agent driver: a bespoke vendor task API described purely in YAML (session, message,
task id, status polling, reply selector), evaluated end to end through the CLI. Its agent really
calls the hosted MCP tools (tests/fakes/http_agent.py, with tests/fakes/a2a.py's reference brain);
a text-only chat API is tier 0. Also: profile validation, URL encoding, and the `driver_class`
escape hatch."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from agentcheck.core.errors import ConfigError
from agentcheck.run.runner import make_driver, run_one
from agentcheck.scenario.model import load_scenario
from agentcheck.vendors.agentloop import AgentContext, AgentDriver, AgentReply
from agentcheck.vendors.profile import VendorProfile, load_profile
from agentcheck.vendors.protocols.http_agent import HttpAgentDriver

from ..fakes.a2a import CHATBOT_REPLY
from ..fakes.http_agent import TaskApi
from ..helpers.cli import agentcheck
from ..helpers.paths import SCENARIOS

REFUND = SCENARIOS / "customer-service" / "refund-damaged-order.yaml"
BOOKING = SCENARIOS / "scheduling" / "book-new-hire-orientation.yaml"

TASK_API = """\
name: {name}
protocol: http-agent
base_url: {base}
model: ops-assistant
api_key_env: TASKAPI_TEST_KEY
agent:
  announce_tools: false          # the API takes the tool URL in its own field
  http:
    start:
      url: "{{{{ base_url }}}}/v1/sessions"
      body: {{tools: {{mcp: "{{{{ mcp_url }}}}"}}}}
    session_id: session.id
    send:
      url: "{{{{ base_url }}}}/v1/sessions/{{{{ session_id }}}}/messages"
      headers: {{X-Request-Id: "{{{{ uuid }}}}"}}
      body: {{sequenceId: "{{{{ turn }}}}", text: "{{{{ message }}}}"}}
    task_id: task.id
    status: task.status
    done: [done]
    input_required: [needs_input]
    poll: {{method: GET, url: "{{{{ base_url }}}}/v1/tasks/{{{{ task_id }}}}"}}
    poll_interval_s: 0.02
    reply: "task.output[?type=='text'].value"
"""

CHAT_API = """\
name: {name}
protocol: http-agent
base_url: {base}
model: chat
agent:
  http:
    send:
      url: "{{{{ base_url }}}}/chat"
      body: {{conversation: "{{{{ session_id }}}}", q: "{{{{ message }}}}"}}
    session_id: conversation
    reply: answer
"""


@pytest.fixture(scope="module")
def api() -> Iterator[TaskApi]:
    with TaskApi([load_scenario(REFUND), load_scenario(BOOKING)]) as server:
        yield server


def test_yaml_only_task_api_is_evaluated_like_any_agent(api: TaskApi, tmp_path: Path) -> None:
    task_api = tmp_path / "ops-assistant.yaml"
    task_api.write_text(TASK_API.format(name="ops-assistant", base=api.base))
    chat = tmp_path / "chat-assistant.yaml"
    chat.write_text(CHAT_API.format(name="chat-assistant", base=api.base))
    valid = agentcheck("validate", str(task_api), str(chat))
    assert valid.returncode == 0, valid.stderr
    out = tmp_path / "run"
    res = agentcheck("run", "--vendor", str(task_api), "--vendor", str(chat), "--out", str(out),
                     "--seed", "21", "--trials", "2", "--quiet", "--scenarios", str(REFUND),
                     "--scenarios", str(BOOKING), env={"TASKAPI_TEST_KEY": "tk-test-123456"})
    assert res.returncode == 0, res.stderr
    summary = json.loads((out / "summary.json").read_text())
    by_name = {v["name"]: v for v in summary["vendors"]}
    agent = by_name["ops-assistant"]
    assert agent["tier"] >= 2 and agent["completion_rate"] == 1.0 and agent["flags"] == []
    chatbot = by_name["chat-assistant"]
    assert chatbot["tier"] == 0 and "hallucinated_actions" in chatbot["flags"]
    # the templates: numbers stay numbers, every request gets its own uuid, the key stays out
    seqs = [r["body"]["sequenceId"] for r in api.requests]
    assert set(seqs) == {1, 2} and all(isinstance(s, int) for s in seqs)
    assert len({r["request_id"] for r in api.requests}) == len(api.requests)
    assert "tk-test-123456" not in (out / "trials.jsonl").read_text()
    assert "tk-test-123456" not in (out / "run.json").read_text()
    records = [json.loads(x) for x in (out / "trials.jsonl").read_text().splitlines()]
    booking = [r for r in records if r["vendor"] == "ops-assistant"
               and r["scenario"] == "book-new-hire-orientation"]
    assert all([e.get("state") for e in r["events"] if e["type"] == "assistant"]
               == ["needs_input", "done"] for r in booking)


class EchoDriver(AgentDriver):
    """The escape hatch: any code that talks to the vendor; here it only talks."""

    async def run_task(self, ctx: AgentContext) -> None:
        msg = ctx.first_message()
        async with httpx.AsyncClient(trust_env=False) as http:
            r = await http.post(self.profile.base_url + "/chat", json={"q": msg.full_text()})
        ctx.reply(AgentReply(r.json()["answer"], r.elapsed.total_seconds()))


def test_driver_class_escape_hatch(api: TaskApi) -> None:
    prof = VendorProfile.model_validate({
        "name": "custom", "protocol": "http-agent", "base_url": api.base, "model": "x",
        "agent": {"driver_class": "tests.vendors.test_http_agent:EchoDriver"}})

    async def main() -> dict[str, Any]:
        async with httpx.AsyncClient(trust_env=False) as client:
            driver = make_driver(prof, client)
            assert isinstance(driver, HttpAgentDriver)
            assert isinstance(driver.delegate, EchoDriver)
            return await run_one(prof, driver, load_scenario(REFUND), 0, 1)

    record = asyncio.run(main())
    assert record["final_answer"] == CHATBOT_REPLY and record["tool_calls"] == 0
    assert "hallucinated_actions" in record["flags"]
    bad = prof.model_copy(update={"agent": prof.agent.model_copy(  # type: ignore[union-attr]
        update={"driver_class": "agentcheck.scenario.world:World"})})
    with pytest.raises(ConfigError, match=r"not an agentcheck\.vendors\.agentloop\.AgentDriver"):
        make_driver(bad, httpx.AsyncClient())


@pytest.mark.parametrize(("text", "message"), [
    ("agent:\n  http:\n    send: {url: 'x/{{ secret }}'}\n    reply: a\n",
     "unknown placeholder {{ secret }}"),
    ("agent: {announce_tools: true}\n", "needs agent.http"),
    ("agent:\n  http:\n    send: {url: x}\n    reply: 'a[?'\n", "not a JMESPath"),
    ("agent:\n  http:\n    send: {url: x}\n    reply: a\n    poll: {url: y}\n",
     "poll needs a status"),
    ("agent:\n  http:\n    send: {url: x, verb: GET}\n    reply: a\n", "unknown field"),
])
def test_profile_mistakes_are_config_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("name: p\nprotocol: http-agent\nbase_url: http://127.0.0.1:9\nmodel: m\n"
                    + text)
    with pytest.raises(ConfigError, match=r"p\.yaml") as err:
        load_profile(path)
    assert message in str(err.value)


def test_agent_settings_are_refused_on_harness_loop_protocols(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("name: p\nprotocol: openai-chat\nbase_url: http://127.0.0.1:9\nmodel: m\n"
                    "agent: {announce_tools: false}\n")
    with pytest.raises(ConfigError, match="vendor-run protocols"):
        load_profile(path)


def test_url_placeholders_are_percent_encoded() -> None:
    url = HttpAgentDriver.url("{{ base_url }}/s/{{ session_id }}?q={{ message }}&n={{ turn }}",
                              {"base_url": "https://api.example/v1", "session_id": "a/b c",
                               "message": "refund & more?", "turn": 3})
    assert url == "https://api.example/v1/s/a%2Fb%20c?q=refund%20%26%20more%3F&n=3"


def test_vendors_check_explains_vendor_run_agents(api: TaskApi, tmp_path: Path) -> None:
    chat = tmp_path / "chat.yaml"
    chat.write_text(CHAT_API.format(name="chat", base=api.base))
    res = agentcheck("vendors", "check", str(chat))
    assert res.returncode == 2 and "runs its own agent loop" in res.stderr
    assert "Traceback" not in res.stderr


def test_a_vendor_echoing_the_key_never_gets_it_into_results(api: TaskApi,
                                                              tmp_path: Path) -> None:
    secret = "tk-PLANTED-echo-0123456789abcdef"
    profile = tmp_path / "echo.yaml"
    profile.write_text(CHAT_API.format(name="echo", base=api.base).replace("/chat", "/echo")
                       + "api_key_env: ECHO_TEST_KEY\n")
    out = tmp_path / "run"
    res = agentcheck("run", "--vendor", str(profile), "--out", str(out), "--seed", "2",
                     "--scenarios", str(REFUND), env={"ECHO_TEST_KEY": secret})
    assert res.returncode == 0, res.stderr
    events = (out / "trials.jsonl").read_text()
    assert "Debug: you called me with" in events  # the reply was recorded...
    for f in out.iterdir():  # ...with the key masked everywhere
        assert secret[:12] not in f.read_text(errors="replace"), f.name
    assert secret[:12] not in res.stdout + res.stderr
