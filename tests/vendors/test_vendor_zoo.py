"""Vendors agentcheck has never seen, through the normal CLI and profile format: each is judged as
what it is, the run finishes, and the summary counts the failures by cause."""

from __future__ import annotations

import json
from pathlib import Path

from ..fakes.zoo import REFUND, Zoo
from ..helpers.cli import agentcheck

BEHAVIOURS = ("talker", "deflector", "looper", "garbage", "flaky", "down", "guesser")


def test_strangers_are_judged_as_what_they_are(zoo: Zoo, tmp_path: Path) -> None:
    args = []
    for name in BEHAVIOURS:
        p = tmp_path / f"{name}.yaml"
        p.write_text(f"name: {name}\nprotocol: openai-chat\nbase_url: {zoo.base_url}\n"
                     f"model: {name}\nmax_retries: 2\nmax_retry_wait_s: 0.05\ntimeout_s: 5\n")
        args += ["--vendor", str(p)]
    out = tmp_path / "run"
    res = agentcheck("run", *args, "--scenarios", REFUND, "--out", str(out), "--quiet")
    assert res.returncode == 0, res.stderr
    v = {x["name"]: x for x in json.loads((out / "summary.json").read_text())["vendors"]}
    trials = {json.loads(line)["vendor"]: json.loads(line)
              for line in (out / "trials.jsonl").read_text().splitlines()}
    judged = [n for n in BEHAVIOURS if n != "down"]
    assert all(v[n]["capability_score"] == 0 for n in judged)
    # tier 1 needs real tool work: a successful call on values the agent read. Looping over a
    # read with an id it made up, or writing with a guessed id, is none
    assert {n: v[n]["tier"] for n in BEHAVIOURS} == {
        "talker": 0, "deflector": 0, "looper": 0, "garbage": 0, "flaky": 0, "down": None,
        "guesser": 0}
    assert v["talker"]["flags"] == []
    assert v["deflector"]["flags"] == ["hands_work_back"]
    assert trials["looper"]["termination"] == "step_budget"
    assert trials["garbage"]["termination"] == "vendor_error"
    assert trials["garbage"]["error_cause"] == "malformed"
    assert v["garbage"]["errors"] == {"malformed": 1}
    assert trials["flaky"]["termination"] == "final_answer"  # retried through the 503s
    assert trials["down"]["error_cause"] == "server_error"
    # an API that does not answer is not a chatbot: no verdict, with the cause
    assert v["down"]["no_verdict"]["kind"] == "unavailable"
    assert v["down"]["capability_score"] is None and v["down"]["tier_name"] == "no verdict"
    assert "server_error: 1 of 1 trials" in v["down"]["tier_reasons"][0]
    assert v["talker"]["no_verdict"] is None
    assert zoo.hits["down"] == 3  # one try plus max_retries
    guess = trials["guesser"]
    assert guess["call_sequence"] == ["refund_order"]
    assert v["guesser"]["flags"] == ["hallucinated_actions", "unsafe_action"]
    assert any(e.get("error") == "order not found" for e in guess["events"])
    # the invented id is named, and the blocked call is not reported as harm done
    said = v["guesser"]["flag_evidence"]["hallucinated_actions"][0]
    assert "made-up value 'ORD-123456'" in said
    assert "attempted, blocked" in v["guesser"]["flag_evidence"]["unsafe_action"][0]
