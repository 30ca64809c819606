"""Crash safety: `agentcheck run` killed with SIGKILL mid-run (no clean-up of any kind), then
`--resume` finishes it: no finished trial lost, none run twice, and the summary is the one an
uninterrupted run produces."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from ..fakes.zoo import REFUND, Zoo
from ..helpers.cli import agentcheck
from ..helpers.paths import ROOT
from ..helpers.shape import shape

TRIALS = 16
CONCURRENCY = 2
CALLS_PER_TRIAL = 4  # lookup_customer, list_orders, refund_order, answer


def verdicts(summary: dict[str, Any]) -> list[dict[str, Any]]:
    keep = ("name", "tier", "capability_score", "capability_ci", "flags", "completion_rate",
            "pass_hat_k", "trials", "completed_tasks", "errors", "terminations", "dimensions")
    return [{k: v[k] for k in keep} for v in summary["vendors"]]


def test_sigkill_mid_run_then_resume(zoo: Zoo, tmp_path: Path) -> None:
    profile = tmp_path / "slow-agent.yaml"
    profile.write_text(f"name: slow-agent\nprotocol: openai-chat\nbase_url: {zoo.base_url}\n"
                       f"model: slow-agent\nmax_concurrency: {CONCURRENCY}\n")
    args = ["--vendor", str(profile), "--scenarios", REFUND, "--quiet"]
    out = tmp_path / "run"
    trials = out / "trials.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "agentcheck.cli", "run", *args, "--trials", str(TRIALS),
         "--concurrency", str(CONCURRENCY), "--seed", "7", "--out", str(out)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=dict(os.environ))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if trials.exists() and trials.read_bytes().count(b"\n") >= 4:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    before = trials.read_bytes()
    finished = before[:before.rfind(b"\n") + 1].decode().splitlines()
    assert 4 <= len(finished) < TRIALS, "the kill must land mid-run"
    assert not (out / "summary.json").exists()
    # a kill in the middle of a write leaves half a line: add one, as the worst case
    with trials.open("ab") as fh:
        fh.write(b'{"vendor": "slow-agent", "scenario": "refund-damaged-order", "tri')
    time.sleep(0.3)  # requests already on the wire when the process died reach the zoo
    hits_before = zoo.hits["slow-agent"]

    res = agentcheck("run", *args, "--resume", "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr

    lines = trials.read_text().splitlines()
    assert lines[:len(finished)] == finished  # no finished trial lost or rewritten
    records = [json.loads(line) for line in lines]  # the half line is gone
    keys = [(r["vendor"], r["scenario"], r["trial"]) for r in records]
    assert sorted(keys) == [("slow-agent", "refund-damaged-order", t) for t in range(TRIALS)]
    # none ran twice: the vendor saw every finished trial once, plus at most the trials that
    # were in flight when the process died
    resumed_calls = zoo.hits["slow-agent"] - hits_before
    assert resumed_calls == CALLS_PER_TRIAL * (TRIALS - len(finished))
    assert zoo.hits["slow-agent"] <= CALLS_PER_TRIAL * (TRIALS + CONCURRENCY)
    assert json.loads((out / "run.json").read_text())["complete"] is True

    ref = tmp_path / "uninterrupted"
    res = agentcheck("run", *args, "--trials", str(TRIALS), "--concurrency", str(CONCURRENCY),
                     "--seed", "7", "--out", str(ref))
    assert res.returncode == 0, res.stderr
    resumed = json.loads((out / "summary.json").read_text())
    straight = json.loads((ref / "summary.json").read_text())
    assert shape(resumed) == shape(straight)
    assert verdicts(resumed) == verdicts(straight)
    assert verdicts(resumed)[0]["completed_tasks"] == TRIALS
    by_trial = {r["trial"]: r for r in records}
    for line in (ref / "trials.jsonl").read_text().splitlines():
        r = json.loads(line)  # the same World and the same judgement, trial by trial
        assert (by_trial[r["trial"]]["seed"], by_trial[r["trial"]]["checks"]) == \
            (r["seed"], r["checks"])
