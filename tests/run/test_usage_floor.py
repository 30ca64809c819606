"""A trial is priced at no less than the harness's own estimate of its traffic (core/usage.py):
usage reported above the floor is priced as reported, below it (or missing) is raised to it,
and the record keeps both figures (usage_floor). The end-to-end cases run the real CLI against
loopback Chat Completions vendors (tests/helpers/gate_vendors.py) and the demo vendors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from agentcheck.cli import main
from agentcheck.core.usage import (
    CHARS_PER_TOKEN_FLOOR,
    Traffic,
    Usage,
    floored,
    text_chars,
    traffic,
)
from agentcheck.scenario.model import load_scenarios

from ..fakes.base import serving
from ..fakes.http_agent import TaskApi
from ..helpers import driving
from ..helpers.brains import Brain
from ..helpers.cli import agentcheck
from ..helpers.gate_vendors import KEY, KEY_ENV, gate_server
from ..helpers.paths import ROOT

PRICES = {"input": 2.5, "output": 10.0}


class _Prices:
    input = 2.5
    cached_input: float | None = 1.25
    cache_write_input: float | None = None
    output = 10.0


def test_usage_above_the_floor_is_priced_as_reported() -> None:
    reported = Usage(input_tokens=1000, cached_tokens=400, output_tokens=300,
                     reasoning_tokens=100)
    billed = floored(reported, Usage(input_tokens=999, output_tokens=300))
    assert billed == reported
    assert billed.cost(_Prices()) == reported.cost(_Prices())


def test_usage_below_the_floor_is_raised_to_it_part_by_part() -> None:
    reported = Usage(input_tokens=500, cached_tokens=400, output_tokens=0)
    billed = floored(reported, Usage(input_tokens=800, output_tokens=50))
    # 300 more prompt tokens, priced as plain input; the cached read stays a cached read
    assert (billed.input_tokens, billed.cached_tokens, billed.output_tokens) == (800, 400, 50)
    assert billed.cost(_Prices()) == pytest.approx(
        (400 * 2.5 + 400 * 1.25 + 50 * 10.0) / 1e6)
    # a prompt above the floor and a completion below: only the completion is raised
    assert floored(Usage(input_tokens=900, output_tokens=10),
                   Usage(input_tokens=800, output_tokens=50)) == Usage(900, 0, 50)


def test_missing_usage_is_priced_at_the_floor() -> None:
    floor = Traffic(prompt_chars=4003, completion_chars=401).floor()
    assert (floor.input_tokens, floor.output_tokens) == (1000, 100)
    assert floored(Usage(), floor) == floor
    assert floored(Usage(), floor).cost(_Prices()) == pytest.approx((1000 * 2.5 + 1000) / 1e6)


EVENTS: list[dict[str, Any]] = [
    {"type": "user", "turn": 0, "text": "u" * 100},
    {"type": "assistant", "step": 1, "text": "", "tool_calls": ["get_order"]},
    {"type": "tool", "step": 1, "id": "c1", "name": "get_order", "args": {"id": "A1"},
     "ok": True, "result": {"status": "ok"}},
    {"type": "assistant", "step": 2, "text": "a" * 40, "tool_calls": []},
    {"type": "end", "termination": "final_answer"},
]
CALL = len("get_order") + len('{"id": "A1"}')  # 9 + 12
RESULT = len('{"status": "ok"}')  # 16


def test_the_harness_loop_resends_the_prompt_and_the_history_on_every_call() -> None:
    seen = traffic(EVENTS, 1000, resent=True)
    # call 1: fixed + the user's turn; call 2: that again + the tool call and its result
    assert seen.prompt_chars == (1000 + 100) + (1000 + 100 + CALL + RESULT)
    assert seen.completion_chars == CALL + 40


def test_a_vendor_run_agent_is_counted_once() -> None:
    """The harness does not see an agent's model calls: what it was sent (the user's turns
    and the tool results) and what it said (replies, tool calls) count once each."""
    seen = traffic(EVENTS, 0, resent=False)
    assert seen.prompt_chars == 100 + RESULT
    assert seen.completion_chars == CALL + 40


def test_a_tool_declaration_counts_its_text_not_its_json_syntax() -> None:
    """A vendor may render tool declarations far more compactly than JSON (OpenAI writes them
    as TypeScript): the floor counts only what any rendering carries."""
    spec = [{"name": "get_order", "description": "Look up an order.",
             "parameters": {"type": "object", "required": ["order_id"],
                            "properties": {"order_id": {"type": "string"},
                                           "mode": {"enum": ["full", 2]}}}}]
    words = ["get_order", "Look up an order.", "object", "order_id", "string", "mode", "full",
             "2"]
    assert text_chars(spec) == sum(map(len, words)) < len(json.dumps(spec)) / 2
    assert Traffic(CHARS_PER_TOKEN_FLOOR * 2 + 3, 3).floor() == Usage(2, 0, 0)


@pytest.fixture(scope="module")
def gate_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One scenario, two trials each for a vendor reporting honestly, one shaving its usage
    to the old check's least (a token per 8 characters sent, no completion) and one that
    reports none, all doing the same work over real HTTP."""
    tmp = tmp_path_factory.mktemp("floor")
    scen = tmp / "scenarios"
    scen.mkdir()
    shutil.copy(ROOT / "scenarios" / "customer-service" / "refund-damaged-order.yaml", scen)
    loaded, errors = load_scenarios([scen])
    assert not errors
    server = gate_server(Brain(loaded))
    out = tmp / "run"
    with serving(server):
        profiles = [driving.write_profile(tmp, name, "openai-chat", server.base_url, name,
                                          KEY_ENV, max_retries=0, prices=PRICES)
                    for name in ("honest-usage", "shaved-usage", "silent-usage")]
        res = agentcheck("run", *driving.vendor_args(profiles), "--scenarios", str(scen),
                         "--trials", "2", "--seed", "3", "--out", str(out), "--quiet",
                         env={KEY_ENV: KEY})
    assert res.returncode in (0, 3), res.stderr
    return out


def _records(run: Path, vendor: str) -> list[dict[str, Any]]:
    lines = (run / "trials.jsonl").read_text(encoding="utf-8").splitlines()
    return sorted((r for r in map(json.loads, lines) if r["vendor"] == vendor),
                  key=lambda r: r["trial"])


def test_an_honest_vendor_is_priced_as_it_reported(gate_run: Path) -> None:
    for r in _records(gate_run, "honest-usage"):
        floor = r["usage_floor"]
        assert r["passed"] and not floor["raised"]
        assert r["usage"]["input_tokens"] > floor["input_tokens"] > 0
        assert r["cost_usd"] == floor["reported_cost_usd"]


def test_shaved_and_missing_usage_are_raised_to_the_floor(gate_run: Path) -> None:
    honest = _records(gate_run, "honest-usage")
    for vendor in ("shaved-usage", "silent-usage"):
        for r, h in zip(_records(gate_run, vendor), honest, strict=True):
            floor = r["usage_floor"]
            assert r["passed"] and floor["raised"], vendor
            assert r["cost_usd"] > floor["reported_cost_usd"], vendor
            prompt = max(r["usage"]["input_tokens"], floor["input_tokens"])
            assert r["cost_usd"] == pytest.approx(
                (prompt * 2.5 + floor["output_tokens"] * 10.0) / 1e6, abs=1e-8)
            # the same work, the same floor as the honest vendor's (the reported usage is the
            # vendor's own and stays as it said)
            assert floor["prompt_chars"] == h["usage_floor"]["prompt_chars"]
            assert floor["completion_chars"] == h["usage_floor"]["completion_chars"]
    assert all(r["usage"]["output_tokens"] == 0 for r in _records(gate_run, "shaved-usage"))
    assert all(r["usage"]["input_tokens"] == 0 for r in _records(gate_run, "silent-usage"))


def test_summary_and_report_show_the_raised_cost(gate_run: Path) -> None:
    summary = json.loads((gate_run / "summary.json").read_text(encoding="utf-8"))
    costs = {v["name"]: v["cost_usd"] for v in summary["vendors"]}
    shaved = _records(gate_run, "shaved-usage")
    assert costs["shaved-usage"] == pytest.approx(sum(r["cost_usd"] for r in shaved), abs=1e-6)
    assert costs["shaved-usage"] > sum(r["usage_floor"]["reported_cost_usd"] for r in shaved)
    report = (gate_run / "report.md").read_text(encoding="utf-8")
    assert "shaved-usage (2 trials)" in report and "silent-usage (2 trials)" in report
    assert "honest-usage (" not in report
    assert "shaved-usage (2 trials)" in (gate_run / "report.html").read_text(encoding="utf-8")


def test_the_demo_vendors_are_never_raised(tmp_path: Path) -> None:
    """The demo vendors report about a token per 4 characters of what they are sent and say:
    above the floor, so their costs are what they reported."""
    out = tmp_path / "run"
    assert main(["run", "--seed", "7", "--quiet", "--out", str(out)]) == 0
    records = [json.loads(x) for x in
               (out / "trials.jsonl").read_text(encoding="utf-8").splitlines()]
    assert records
    for r in records:
        assert not r["usage_floor"]["raised"]
        assert r["cost_usd"] == r["usage_floor"]["reported_cost_usd"] > 0


TASK_API = """\
name: ops-assistant
protocol: http-agent
base_url: {base}
model: ops-assistant
api_key_env: TASKAPI_TEST_KEY
agent:
  announce_tools: false
  http:
    start:
      url: "{{{{ base_url }}}}/v1/sessions"
      body: {{tools: {{mcp: "{{{{ mcp_url }}}}"}}}}
    session_id: session.id
    send:
      url: "{{{{ base_url }}}}/v1/sessions/{{{{ session_id }}}}/messages"
      body: {{sequenceId: "{{{{ turn }}}}", text: "{{{{ message }}}}"}}
    task_id: task.id
    status: task.status
    done: [done]
    input_required: [needs_input]
    poll: {{method: GET, url: "{{{{ base_url }}}}/v1/tasks/{{{{ task_id }}}}"}}
    poll_interval_s: 0.02
    reply: "task.output[?type=='text'].value"
prices: {prices}
"""


@pytest.mark.parametrize("prices", [{"per_trial": 0.05}, {"input": 2.5, "output": 10.0}])
def test_a_vendor_run_agent_is_floored_on_what_it_was_sent_and_said(
        tmp_path: Path, prices: dict[str, float], monkeypatch: pytest.MonkeyPatch) -> None:
    """An agent product reports no token usage: a profile pricing it per trial is priced as
    before (never "raised"); one pricing tokens is priced at the floor of what the harness saw
    the agent read (the task, the tool results) and write (its replies, its tool calls), once."""
    monkeypatch.setenv("TASKAPI_TEST_KEY", "tk-test-123456")
    refund = load_scenarios([ROOT / "scenarios" / "customer-service" /
                             "refund-damaged-order.yaml"])[0]
    with TaskApi(refund) as api:
        (tmp_path / "agent.yaml").write_text(TASK_API.format(base=api.base,
                                                             prices=json.dumps(prices)))
        out = tmp_path / "run"
        assert main(["run", "--vendor", str(tmp_path / "agent.yaml"), "--scenarios",
                     str(ROOT / "scenarios" / "customer-service" / "refund-damaged-order.yaml"),
                     "--seed", "5", "--quiet", "--out", str(out)]) == 0
    [r] = [json.loads(x) for x in
           (out / "trials.jsonl").read_text(encoding="utf-8").splitlines()]
    assert r["passed"] and r["tool_calls"] >= 3
    assert not any(r["usage"].values())
    floor = r["usage_floor"]
    sent = sum(len(e["text"]) for e in r["events"] if e["type"] == "user")
    results = sum(len(json.dumps(e.get("result"), ensure_ascii=False))
                  for e in r["events"] if e["type"] == "tool")
    said = sum(len(e["text"]) for e in r["events"] if e["type"] == "assistant")
    calls = sum(len(e["name"]) + len(json.dumps(e["args"], ensure_ascii=False))
                for e in r["events"] if e["type"] == "tool")
    assert (floor["prompt_chars"], floor["completion_chars"]) == (sent + results, said + calls)
    if "per_trial" in prices:
        assert not floor["raised"] and r["cost_usd"] == floor["reported_cost_usd"] == 0.05
    else:
        assert floor["raised"] and floor["reported_cost_usd"] == 0
        assert r["cost_usd"] == pytest.approx(
            (floor["input_tokens"] * 2.5 + floor["output_tokens"] * 10.0) / 1e6, abs=1e-8)
