"""One run of every red-team vendor over the whole scenario library, through the real CLI.

Three `agentcheck run` processes, started together against one RedTeam server in this process:

- main: every vendor with one trial per scenario, plus the three demo vendors (the reference
  verdicts the others are compared with);
- reliability: the coin-flipper and a control with three trials (pass^k needs k >= 2);
- crash: vendors whose bytes once stopped a whole run, kept apart so that, until that is fixed,
  they cannot take every other vendor's verdict down with them;
- variants: `--private-variants` (issue 13) for the memoriser, the demo vendors and one or two
  vendors of every other class (VARIANT_VENDORS, not all seventy: the run would take a third
  longer for the same evidence), whose verdicts must match the main run's.

Each run writes its own folder; `LibraryRun` reads them back (summary, trials, reports, exit code,
stderr) for the tests.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentcheck.run.runner import trial_seed
from agentcheck.scenario.model import Scenario, load_scenarios
from agentcheck.scenario.variants import VARIANT_KEY_ENV

from ..helpers.paths import ROOT, SCENARIOS
from .vendors import VENDORS, RedTeam

SEED = 20260615
RUNS = {"main": 1, "reliability": 3, "crash": 1, "variants": 1}
VARIANT_KEY = "redteam-private-variant-key-0001"
VARIANT_VENDORS = (
    "memoriser", "memoriser-mapped", "ref-player", "extra-reader", "parallel-caller",
    "confirmer", "closer-zh", "cut-args", "liar-plain", "fake-decliner", "leaker-dots",
    "never-asker", "spray-caller",
    "guesser", "rpa-declared", "rpa-chained", "overeager-same-tool", "injection-follower",
    "honest-third", "cherry-500",
)
"""The vendors run again under private variants: one or two of every class."""
DEMOS = ("demo-agent", "demo-chatbot", "demo-rpa")
BAD_KEY_ENV = "REDTEAM_BAD_KEY"
TIMEOUT_S = 240


@dataclass
class RunResult:
    name: str
    folder: Path
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    summary: dict[str, Any] = field(default_factory=dict)
    trials: list[dict[str, Any]] = field(default_factory=list)

    def text(self, name: str) -> str:
        path = self.folder / name
        return path.read_text(encoding="utf-8") if path.exists() else ""


@dataclass
class LibraryRun:
    scenarios: list[Scenario]
    runs: dict[str, RunResult]
    server: RedTeam
    seconds: float

    def run_of(self, vendor: str) -> RunResult:
        if vendor in DEMOS:
            return self.runs["main"]
        return self.runs[VENDORS[vendor].run]

    def verdict(self, vendor: str) -> dict[str, Any]:
        """The vendor's entry in its run's summary.json."""
        summary = self.run_of(vendor).summary
        found = [v for v in summary.get("vendors", []) if v.get("name") == vendor]
        assert found, (f"{vendor} has no verdict in summary.json of run "
                       f"{self.run_of(vendor).name}: {self.run_of(vendor).stderr[-2000:]}")
        return found[0]

    def trials(self, vendor: str) -> list[dict[str, Any]]:
        return [t for t in self.run_of(vendor).trials if t.get("vendor") == vendor]

    def by_scenario(self, vendor: str) -> dict[str, dict[str, Any]]:
        """The first trial of each scenario."""
        out: dict[str, dict[str, Any]] = {}
        for t in self.trials(vendor):
            out.setdefault(t["scenario"], t)
        return out

    def variant_verdict(self, vendor: str) -> dict[str, Any]:
        """The vendor's entry in the private-variants run's summary.json."""
        run = self.runs["variants"]
        found = [v for v in run.summary.get("vendors", []) if v.get("name") == vendor]
        assert found, f"{vendor} has no verdict in the variants run: {run.stderr[-2000:]}"
        verdict: dict[str, Any] = found[0]
        return verdict

    def scenario(self, sid: str) -> Scenario:
        return next(s for s in self.scenarios if s.id == sid)


def dead_port() -> int:
    """A port nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def profile_yaml(name: str, base_url: str) -> str:
    v = VENDORS[name]
    fields: dict[str, Any] = {
        "name": name, "protocol": "openai-chat", "base_url": base_url, "model": name,
        "max_concurrency": 8, "max_retries": 1, "max_retry_wait_s": 0.05, "timeout_s": 20,
        "prices": {"input": 0.5, "output": 2.0},
    }
    fields.update(v.profile)
    if fields["base_url"] == "DEAD":
        fields["base_url"] = f"http://127.0.0.1:{dead_port()}/v1"
    return "".join(f"{k}: {json.dumps(val)}\n" for k, val in fields.items())


def read_trials(folder: Path) -> list[dict[str, Any]]:
    path = folder / "trials.jsonl"
    if not path.exists():
        return []
    out = []
    # split on "\n" only: a vendor's text may hold U+0085 or U+2028, which splitlines() breaks on
    for line in path.read_text(encoding="utf-8", errors="replace").split("\n"):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except ValueError:
            continue
    return out


def run_library(tmp: Path) -> LibraryRun:
    scenarios, errors = load_scenarios([SCENARIOS])
    assert not errors, "the scenario library does not load:\n" + "\n".join(
        e.render() for e in errors)
    server = RedTeam(scenarios, [(s, trial_seed(SEED, s.id, t)) for s in scenarios
                                 for t in range(max(RUNS.values()))], VARIANT_KEY)
    env = {**os.environ, BAD_KEY_ENV: "sk-redteam-wrong-key", "PYTHONUTF8": "1",
           VARIANT_KEY_ENV: VARIANT_KEY}
    started = time.perf_counter()
    procs: dict[str, tuple[subprocess.Popen[str], Path, float]] = {}
    server.start()
    try:
        for run, trials in RUNS.items():
            folder = tmp / run
            args = [sys.executable, "-m", "agentcheck.cli", "run", "--scenarios",
                    str(SCENARIOS), "--out", str(folder), "--seed", str(SEED), "--trials",
                    str(trials), "--concurrency", "64", "--quiet"]
            if run == "variants":
                args.append("--private-variants")
            for name, v in VENDORS.items():
                if v.run != run and not (run == "variants" and name in VARIANT_VENDORS):
                    continue
                path = tmp / "profiles" / f"{name}.yaml"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(profile_yaml(name, server.base_url), encoding="utf-8")
                args += ["--vendor", str(path)]
            if run in ("main", "variants"):
                for demo in DEMOS:
                    args += ["--vendor", demo]
            procs[run] = (subprocess.Popen(args, cwd=ROOT, env=env, text=True,
                                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                           encoding="utf-8", errors="replace"),
                          folder, time.perf_counter())
        results: dict[str, RunResult] = {}
        for run, (proc, folder, t0) in procs.items():
            try:
                out, err = proc.communicate(timeout=TIMEOUT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, err = proc.communicate()
                err += f"\n(red team: killed after {TIMEOUT_S} s)"
            summary_path = folder / "summary.json"
            summary = json.loads(summary_path.read_text(encoding="utf-8")) \
                if summary_path.exists() else {}
            results[run] = RunResult(run, folder, proc.returncode, out, err,
                                     time.perf_counter() - t0, summary, read_trials(folder))
    finally:
        for proc, _, _ in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        server.stop()
    return LibraryRun(scenarios, results, server, time.perf_counter() - started)
