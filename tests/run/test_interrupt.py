"""Ctrl-C stops a run cleanly: what finished is written and summarised, and --resume completes
the rest without running anything twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from ..fakes.zoo import REFUND, Zoo
from ..helpers.cli import agentcheck
from ..helpers.paths import ROOT


def test_ctrl_c_then_resume(zoo: Zoo, tmp_path: Path) -> None:
    profile = tmp_path / "slow.yaml"
    profile.write_text(f"name: slow\nprotocol: openai-chat\nbase_url: {zoo.base_url}\n"
                       "model: slow\nmax_concurrency: 1\n")
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "agentcheck.cli", "run", "--vendor", str(profile),
           "--scenarios", REFUND, "--trials", "12", "--out", str(out), "--seed", "5",
           "--concurrency", "1"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=dict(os.environ))
    trials = out / "trials.jsonl"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if trials.exists() and len(trials.read_text().splitlines()) >= 2:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "--resume" in stderr
    done = len(trials.read_text().splitlines())
    assert 2 <= done < 12
    summary = json.loads((out / "summary.json").read_text())
    assert summary["vendors"][0]["trials"] == done
    assert json.loads((out / "run.json").read_text())["complete"] is False

    res = agentcheck("run", "--vendor", str(profile), "--scenarios", REFUND, "--resume",
                     "--out", str(out), "--quiet")
    assert res.returncode == 0, res.stderr
    records = [json.loads(x) for x in trials.read_text().splitlines()]
    assert sorted(r["trial"] for r in records) == list(range(12))
    assert json.loads((out / "summary.json").read_text())["vendors"][0]["trials"] == 12
    assert json.loads((out / "run.json").read_text())["complete"] is True
