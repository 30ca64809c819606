"""Vendors agentcheck has never seen, through the normal CLI and profile format: each is judged as
what it is, the run finishes, and the summary counts the failures by cause."""

from __future__ import annotations

import json
from pathlib import Path

from .test_cli_run import agentcheck
from .zoo import REFUND, Zoo

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
    assert all(v[n]["capability_score"] == 0 for n in BEHAVIOURS)
    # calling tools without chaining them is tier 1 at best; not calling them is tier 0
    assert {n: v[n]["tier"] for n in BEHAVIOURS} == {
        "talker": 0, "deflector": 0, "looper": 1, "garbage": 0, "flaky": 0, "down": 0,
        "guesser": 1}
    assert v["talker"]["flags"] == []
    assert v["deflector"]["flags"] == ["hands_work_back"]
    assert trials["looper"]["termination"] == "step_budget"
    assert trials["garbage"]["termination"] == "vendor_error"
    assert trials["garbage"]["error_cause"] == "malformed"
    assert v["garbage"]["errors"] == {"malformed": 1}
    assert trials["flaky"]["termination"] == "final_answer"  # retried through the 503s
    assert trials["down"]["error_cause"] == "server_error"
    assert "availability" in v["down"]["tier_reasons"][0]  # down is not "chat only" by choice
    assert not any("availability" in r for r in v["talker"]["tier_reasons"])
    assert zoo.hits["down"] == 3  # one try plus max_retries
    guess = trials["guesser"]
    assert guess["call_sequence"] == ["refund_order"]
    assert v["guesser"]["flags"] == ["hallucinated_actions", "unsafe_action"]
    assert any(e.get("error") == "order not found" for e in guess["events"])
