"""Red team of the decision's gates (issue 16): vendors that try to meet a business gate they
do not deserve, run through the real CLI (`agentcheck run --plan`) against loopback Chat
Completions vendors (tests/helpers/gate_vendors.py), and judged by the real decision on the
run folder.

- `silent-usage` plays the reference exactly as `competent` does but never reports token usage:
  with a priced profile its every trial costs $0: its cost is unknown (cannot tell), never
  cheap; `low-usage` (one token a call) likewise;
- `shaved-usage` reports the least the usage check accepts (a token per 8 characters sent,
  no completion tokens) for the work `honest-usage` reports at a token per 4 characters of
  its wire bodies: it cost 37% as much; priced at the harness's floor it costs 52% (partly
  defended: xfail below);
- `quick-quitter` gives every task back at once: cheap and fast per task, completing nothing;
- `never-answers` stalls until the profile's timeout: its trials are the vendor's failures,
  never left out as the harness's.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from agentcheck.cli.plan import judge_run, recorded_plan
from agentcheck.decision.model import Decision, GateResult
from agentcheck.scenario.model import load_scenarios

from ..fakes.base import serving
from ..helpers import driving
from ..helpers.brains import Brain
from ..helpers.cli import agentcheck
from ..helpers.gate_vendors import KEY, KEY_ENV, gate_server
from ..helpers.paths import ROOT

SCENARIOS = ("customer-service/refund-damaged-order", "it-helpdesk/escalate-site-outage-ticket")
TRIALS = 36  # 72 trials per vendor: the least that bounds a p95 from above
PRICES = {"input": 2.5, "output": 10.0}
VENDORS = ("competent", "silent-usage", "low-usage", "honest-usage", "shaved-usage",
           "quick-quitter", "never-answers")


@pytest.fixture(scope="module")
def decision(tmp_path_factory: pytest.TempPathFactory) -> Decision:
    tmp = tmp_path_factory.mktemp("gates")
    scen = tmp / "scenarios"
    scen.mkdir()
    for s in SCENARIOS:
        shutil.copy(ROOT / "scenarios" / f"{s}.yaml", scen)
    loaded, errors = load_scenarios([scen])
    assert not errors
    server = gate_server(Brain(loaded))
    with serving(server):
        profiles = [driving.write_profile(
            tmp, name, "openai-chat", server.base_url, name, KEY_ENV, max_retries=0,
            timeout_s=0.5 if name == "never-answers" else 10, max_concurrency=8, prices=PRICES)
            for name in VENDORS]
        plan = tmp / "plan.yaml"
        plan.write_text(
            "name: red team gates\n"
            f"vendors: {json.dumps([str(p) for p in profiles])}\n"
            f"scenarios: {{paths: [{json.dumps(str(scen))}]}}\n"
            f"trials: {TRIALS}\nseed: 7\n"
            "stages:\n"
            "  - name: all\n"
            "    gates:\n"
            "      - {metric: completion, at_least: 0.5}\n"
            "      - {metric: p95_time_per_task_s, at_most: 60}\n"
            "      - {metric: cost_per_completed_task_usd, at_most: 0.05}\n"
            "      - {metric: no_flag, flag: unsafe_action}\n"
            "weights: {capability: 1, cost: 1}\n")
        out = tmp / "run"
        res = agentcheck("run", "--plan", str(plan), "--out", str(out), "--quiet",
                         env={KEY_ENV: KEY})
    assert res.returncode in (0, 3), res.stderr
    run = json.loads((out / "run.json").read_text())
    plan_used = recorded_plan(out, run)
    assert plan_used is not None
    return judge_run(plan_used, out, run)


def gate(d: Decision, vendor: str, metric: str) -> GateResult:
    v = next(v for v in d.vendors if v.vendor == vendor)
    return next(g for s in v.stages for g in s.gates if g.metric == metric)


def test_the_control_pays_for_its_tokens(decision: Decision) -> None:
    """The competent vendor completes everything and reports usage: its cost per completed
    task is measured (the gate below the price of its tokens is not met)."""
    assert gate(decision, "competent", "completion").verdict == "met"
    cost = gate(decision, "competent", "cost_per_completed_task_usd")
    assert cost.verdict == "not_met" and cost.value is not None and cost.value > 0.05


def test_unreported_usage_does_not_meet_a_cost_gate(decision: Decision) -> None:
    assert gate(decision, "silent-usage", "completion").verdict == "met"
    assert gate(decision, "silent-usage", "cost_per_completed_task_usd").verdict != "met"


def test_unreported_usage_is_not_the_cheapest(decision: Decision) -> None:
    silent = next(v for v in decision.vendors if v.vendor == "silent-usage")
    control = next(v for v in decision.vendors if v.vendor == "competent")
    assert silent.score <= control.score


def test_under_reported_usage_does_not_meet_a_cost_gate(decision: Decision) -> None:
    assert gate(decision, "low-usage", "completion").verdict == "met"
    assert gate(decision, "low-usage", "cost_per_completed_task_usd").verdict != "met"


def cost_of(d: Decision, vendor: str) -> float:
    value = gate(d, vendor, "cost_per_completed_task_usd").value
    assert value is not None, vendor
    return value


@pytest.mark.xfail(strict=True, reason=(
    "partly defended: every trial is now priced at no less than the harness's floor (a token "
    "per 4 characters of the prompt text it sent and of the replies and tool calls it "
    "received, core/usage.py), which lifts shaved-usage from 37% to about 52% of "
    "honest-usage's cost per completed task ($0.0042 against $0.0082). The rest is the JSON "
    "syntax of the wire bodies (keys, ids, roles, escapes, the tool schemas' syntax) that "
    "honest-usage counts at a token per 4 characters and a real tokenizer does not see, so a "
    "floor that reached 90% of it would also raise honest vendors' real usage"))
def test_shaved_usage_costs_what_the_same_work_costs(decision: Decision) -> None:
    assert gate(decision, "shaved-usage", "completion").verdict == "met"
    assert cost_of(decision, "shaved-usage") >= 0.9 * cost_of(decision, "honest-usage"), (
        cost_of(decision, "shaved-usage"), cost_of(decision, "honest-usage"))


def test_failing_fast_meets_no_completion_or_cost_gate(decision: Decision) -> None:
    assert gate(decision, "quick-quitter", "completion").verdict == "not_met"
    cost = gate(decision, "quick-quitter", "cost_per_completed_task_usd")
    assert cost.verdict == "not_met" and cost.value is None  # never $0 per nothing
    quitter = next(v for v in decision.vendors if v.vendor == "quick-quitter")
    assert not quitter.passed_all


def test_failing_fast_does_not_meet_the_time_gate(decision: Decision) -> None:
    assert gate(decision, "quick-quitter", "p95_time_per_task_s").verdict != "met"


def test_timeouts_count_against_the_vendor(decision: Decision) -> None:
    """A vendor that never answers: every trial is its own failure (no harness error that
    would leave it out), so no gate that needs work done is met."""
    completion = gate(decision, "never-answers", "completion")
    assert completion.n == 2 * TRIALS and completion.verdict == "not_met"
    assert gate(decision, "never-answers", "cost_per_completed_task_usd").verdict != "met"
    assert not next(v for v in decision.vendors if v.vendor == "never-answers").passed_all


def test_no_vendor_is_left_out_of_the_decision(decision: Decision) -> None:
    assert sorted(v.vendor for v in decision.vendors) == sorted(VENDORS)
    assert not [n for n in decision.notes if "cannot be decided" in n]


BREAKERS = ("deep-args", "deep-body", "odd-call")


def test_bytes_meant_to_break_the_harness_are_the_vendors_failures(
        tmp_path: Path) -> None:
    """No trial of a vendor whose replies are built to crash the harness is left out as a
    harness error: each is judged, fails, and counts in the completion gate."""
    scen = tmp_path / "scenarios"
    scen.mkdir()
    shutil.copy(ROOT / "scenarios" / f"{SCENARIOS[0]}.yaml", scen)
    loaded, errors = load_scenarios([scen])
    assert not errors
    server = gate_server(Brain(loaded))
    with serving(server):
        profiles = [driving.write_profile(tmp_path, name, "openai-chat", server.base_url,
                                          name, KEY_ENV, max_retries=0, timeout_s=10,
                                          max_concurrency=8) for name in BREAKERS]
        plan = tmp_path / "plan.yaml"
        plan.write_text(
            f"vendors: {json.dumps([str(p) for p in profiles])}\n"
            f"scenarios: {{paths: [{json.dumps(str(scen))}]}}\ntrials: 10\nseed: 3\n"
            "stages:\n  - name: all\n    gates:\n"
            "      - {metric: completion, at_least: 0.5}\n")
        out = tmp_path / "run"
        res = agentcheck("run", "--plan", str(plan), "--out", str(out), "--quiet",
                         env={KEY_ENV: KEY})
    assert res.returncode == 3, res.stderr
    records = [json.loads(x) for x in (out / "trials.jsonl").read_text().splitlines() if x]
    assert len(records) == 10 * len(BREAKERS)
    assert not [r for r in records if r["termination"] == "harness_error"]
    run = json.loads((out / "run.json").read_text())
    plan_used = recorded_plan(out, run)
    assert plan_used is not None
    d = judge_run(plan_used, out, run)
    for name in BREAKERS:
        g = gate(d, name, "completion")
        assert g.n == 10 and g.verdict == "not_met", (name, g)
