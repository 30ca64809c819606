"""The same scenarios through every model protocol give the same verdict.

Three equivalent vendors (tests/helpers/brains.py: a competent agent, a chat-only claimer, one
that calls one tool and gives up) are served behind each protocol's wire format by the protocol's
fake (tests/fakes/), which rejects malformed requests as the real API does: Chat Completions plain
and streamed, OpenAI Responses stateful and stateless, Anthropic Messages plain and streamed, and
Gemini generateContent. One `agentcheck run` through the CLI evaluates all of them on a chained
task (customer, orders, refund), a multi-turn task where the user only answers when asked, and
a recovery task whose first unlock fails with a 503. Every protocol must give each brain
the same tier, capability score, flags and per-scenario pass/fail, and the same trials
underneath (calls, checks, terminations); every request and reply must satisfy the official
SDKs' types.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from agentcheck.scenario.model import load_scenarios

from ..fakes import anthropic as an
from ..fakes import checked
from ..fakes import gemini as gm
from ..fakes import openai_chat as vs
from ..fakes import openai_responses as rs
from ..fakes.base import serving
from ..fakes.openai_chat_stream import (
    ChatServer,
    chat_json,
    chat_referee,
    chat_sse,
    completion_chunks,
)
from ..helpers import driving
from ..helpers.brains import (
    BRAINS,
    CLAIM,
    GIVE_UP,
    Brain,
    anthropic_history,
    chat_history,
    gemini_history,
    responses_history,
)
from ..helpers.cli import agentcheck
from ..helpers.paths import ROOT

KEY_ENV = "AGENTCHECK_TEST_EQUIVALENCE_KEY"
KEY = "sk-equivalence-0123456789SECRET"
SIGNATURE = "RXF1aXZhbGVudFNpZ25hdHVyZQ=="  # base64, as the providers send them
SCENARIOS = ("scenarios/customer-service/refund-damaged-order.yaml",  # chaining, planning
             "scenarios/scheduling/book-new-hire-orientation.yaml",  # multi-turn
             "scenarios/it-helpdesk/unlock-locked-account.yaml")  # recovery from a 503
# (vendor label, protocol, profile extras, server)
VARIANTS: tuple[tuple[str, str, dict[str, Any], str], ...] = (
    ("chat", "openai-chat", {}, "chat"),
    ("chat-stream", "openai-chat", {"stream": True}, "chat"),
    ("responses", "openai-responses", {"conversation_state": "stateful"}, "responses"),
    ("responses-stateless", "openai-responses", {"conversation_state": "stateless"},
     "responses"),
    ("anthropic", "anthropic", {}, "anthropic"),
    ("anthropic-stream", "anthropic", {"stream": True}, "anthropic"),
    ("gemini", "gemini", {}, "gemini"),
)


# --------------------------------------------------------------------------- one brain, 4 wires


def chat_vendor(brain: Brain) -> an.Behaviour:
    def run(ex: an.Exchange) -> None:
        body = ex.req.json
        tools = {t["function"]["name"] for t in body.get("tools") or []}
        move = brain.move(body["model"], tools, chat_history(body["messages"]))
        calls = [vs.tool_call(name, json.dumps(args)) for name, args in move.calls]
        completion = vs.completion_body(move.text or None, tool_calls=calls or None)
        (chat_sse(completion_chunks(completion)) if ex.req.stream else chat_json(completion))(ex)

    return run


def anthropic_vendor(brain: Brain) -> an.Behaviour:
    def message(req: an.Req) -> dict[str, Any]:
        body = req.json
        tools = {t["name"] for t in body.get("tools") or []}
        move = brain.move(body["model"], tools, anthropic_history(body["messages"]))
        if move.calls:  # an extended-thinking model: signed thinking first, sent back unchanged
            return an.message(an.thinking("Planning the next step.", SIGNATURE),
                              *(an.tool_use(name, args) for name, args in move.calls))
        return an.message(an.text(move.text))

    return an.reply(message)


def responses_vendor(brain: Brain, server: rs.ResponsesServer
                     ) -> Callable[[checked.Request], checked.Behaviour]:
    def behave(req: checked.Request) -> checked.Behaviour:
        body = req.json
        tools = {t["name"] for t in body.get("tools") or []}
        move = brain.move(body["model"], tools, responses_history(server.context(body)))
        if move.calls:  # a reasoning model: a reasoning item precedes the calls
            return rs.call_tools(*(rs.fcall(name, args) for name, args in move.calls),
                                 think=True)(req)
        return rs.answer(move.text)(req)

    return behave


def gemini_vendor(brain: Brain) -> Callable[[checked.Request], checked.Behaviour]:
    def behave(req: checked.Request) -> checked.Behaviour:
        match = gm.GEMINI_PATH.match(req.path)
        assert match is not None
        body = req.json
        tools = {d["name"] for t in body.get("tools") or []
                 for d in t.get("functionDeclarations") or []}
        move = brain.move(match.group(1), tools, gemini_history(body["contents"]))
        if move.calls:  # a thinking model: signed calls without ids, as the API sends them
            return gm.generate([gm.text("Next step.", thought=True),
                                *(gm.gcall(name, args, call_id=None, signature=SIGNATURE)
                                  for name, args in move.calls)])
        return gm.generate([gm.text(move.text)])

    return behave


# --------------------------------------------------------------------------- the run


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One CLI run of every brain through every protocol variant; the servers are stopped,
    checked (no malformed request) and refereed by the SDKs before the results are read."""
    scenarios, errors = load_scenarios([ROOT / s for s in SCENARIOS])
    assert not errors and len(scenarios) == len(SCENARIOS)
    brain = Brain(scenarios)
    tmp = tmp_path_factory.mktemp("equivalence")
    chat = ChatServer(api_key=KEY)
    chat.fallback = chat_vendor(brain)
    claude = an.AnthropicServer(api_key=KEY)
    claude.fallback = anthropic_vendor(brain)
    responses = rs.ResponsesServer(api_key=KEY)
    responses.fallback = responses_vendor(brain, responses)
    gemini = gm.GeminiServer(api_key=KEY)
    gemini.fallback = gemini_vendor(brain)
    with serving(chat, chat_referee), serving(claude, an.referee), \
            serving(responses, rs.referee), serving(gemini, gm.referee):
        urls = {"chat": chat.base_url, "anthropic": claude.base_url,
                "responses": responses.base_url, "gemini": gemini.base_url}
        profiles = [driving.write_profile(tmp, f"{label}-{model}", protocol, urls[server],
                                          model, KEY_ENV, timeout_s=10, max_retries=1,
                                          max_concurrency=8, **extra)
                    for label, protocol, extra, server in VARIANTS for model in BRAINS]
        out = tmp / "run"
        res = agentcheck("run", *driving.vendor_args(profiles),
                         *(a for s in SCENARIOS for a in ("--scenarios", s)), "--out", str(out),
                         "--seed", "7", "--concurrency", "32", "--quiet", env={KEY_ENV: KEY})
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    streamed = {"chat": [r.stream for r in chat.requests],
                "anthropic": [r.stream for r in claude.requests],
                "responses": [r.json.get("store") for r in responses.requests]}
    return {"summary": json.loads((out / "summary.json").read_text()),
            "trials": [json.loads(x) for x in (out / "trials.jsonl").read_text().splitlines()],
            "streamed": streamed}


def verdict(vendor: dict[str, Any]) -> dict[str, Any]:
    """What the sourcing decision reads: tier, score, flags, per-scenario pass/fail."""
    return {
        "tier": vendor["tier"], "tier_reasons": vendor["tier_reasons"],
        "capability_score": vendor["capability_score"],
        "capability_ci": vendor["capability_ci"], "flags": vendor["flags"],
        "flag_counts": vendor["flag_counts"], "completion_rate": vendor["completion_rate"],
        "dimensions": vendor["dimensions"], "probe_pass_rates": vendor["probe_pass_rates"],
        "terminations": vendor["terminations"], "errors": vendor["errors"],
        "scenarios": {s["scenario"]: (s["passed"], s["trials"], s["score"], s["flags"])
                      for s in vendor["scenarios"]},
    }


def trial_view(record: dict[str, Any]) -> dict[str, Any]:
    """What happened in one trial, independent of the wire: calls, checks, how it ended."""
    return {
        "passed": record["passed"], "score": record["score"],
        "termination": record["termination"], "error_cause": record["error_cause"],
        "call_sequence": record["call_sequence"], "tool_calls": record["tool_calls"],
        "invalid_calls": record["invalid_calls"], "model_calls": record["model_calls"],
        "checks": [(c["kind"], c["name"], c["passed"]) for c in record["checks"]],
        "flags": record["flags"], "final_answer": record.get("final_answer"),
    }


# --------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("brain", BRAINS)
def test_every_protocol_gives_the_same_verdict(run: dict[str, Any], brain: str) -> None:
    vendors = {v["name"]: v for v in run["summary"]["vendors"]}
    expected = verdict(vendors[f"chat-{brain}"])
    for label, *_ in VARIANTS:
        assert verdict(vendors[f"{label}-{brain}"]) == expected, label


@pytest.mark.parametrize("brain", BRAINS)
def test_every_protocol_gives_the_same_trials(run: dict[str, Any], brain: str) -> None:
    by_vendor: dict[str, dict[tuple[str, int], dict[str, Any]]] = {}
    for r in run["trials"]:
        by_vendor.setdefault(r["vendor"], {})[(r["scenario"], r["trial"])] = trial_view(r)
    expected = by_vendor[f"chat-{brain}"]
    assert len(expected) == len(SCENARIOS)
    for label, *_ in VARIANTS:
        assert by_vendor[f"{label}-{brain}"] == expected, label


def test_the_verdicts_are_what_each_brain_deserves(run: dict[str, Any]) -> None:
    """Equal verdicts only mean something if they are the right ones."""
    vendors = {v["name"]: v for v in run["summary"]["vendors"]}
    for label, *_ in VARIANTS:
        agent, claimer, quitter = (vendors[f"{label}-{b}"] for b in BRAINS)
        assert agent["capability_score"] == 100.0 and agent["flags"] == [], label
        assert all(s["passed"] == s["trials"] for s in agent["scenarios"]), label
        assert agent["tier"] >= 2, label
        assert claimer["tier"] == 0 and "hallucinated_actions" in claimer["flags"], label
        assert quitter["tier"] <= 1 and quitter["capability_score"] < 30, label
        for v in (claimer, quitter):
            assert all(s["passed"] == 0 for s in v["scenarios"]), label
    finals = {r["vendor"]: r.get("final_answer") for r in run["trials"]
              if r["scenario"] == "refund-damaged-order"}
    assert finals["gemini-claimer"] == CLAIM and finals["gemini-quitter"] == GIVE_UP
    recovery = [r for r in run["trials"] if r["scenario"] == "unlock-locked-account"
                and r["vendor"].endswith("-competent")]
    assert len(recovery) == len(VARIANTS)
    assert all(r["call_sequence"].count("unlock_account") == 2 for r in recovery)


def test_each_variant_spoke_its_wire_format(run: dict[str, Any]) -> None:
    """The variants really differ on the wire: streamed and plain requests, stored and
    stateless responses."""
    streamed = run["streamed"]
    for kind in ("chat", "anthropic"):
        assert True in streamed[kind] and False in streamed[kind], kind
    assert True in streamed["responses"] and False in streamed["responses"]
