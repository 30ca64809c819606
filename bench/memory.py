"""Peak memory of the end of a run (summary.json and every report) against the number of trials.

    python bench/memory.py [--trials 5000 50000] [--keep DIR] [--pythonpath SRC]

For each size it synthesises a run folder of realistic trial records, built through the
results models (results/records.py): several vendors and scenarios, clean and noisy families,
failures with checks, flags and error messages, and trajectories of about 17 KB a trial (the
size a real trial with a dozen tool calls writes). Then it runs `agentcheck report DIR` in a
fresh process (what `agentcheck run` does once its trials are done: recompute the summary,
write summary.json, report.md, report.csv and report.html) and prints that process's peak
resident memory (getrusage of the child, ru_maxrss) and wall time, one JSON line per size.

--pythonpath runs the report with another source tree first on the path (an older checkout)
to measure it side by side. bench/README.md has the figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from agentcheck.results.files import record_line
from agentcheck.results.records import TrialRecord

VENDORS = ("acme-agent", "globex-assist", "initech-bot", "umbrella-ai", "hooli-flow")
SKILL = {"acme-agent": 0.9, "globex-assist": 0.7, "initech-bot": 0.45, "umbrella-ai": 0.25,
         "hooli-flow": 0.6}
SCENARIOS = 40
TOOLS = ("lookup_customer", "list_orders", "get_order", "refund_order", "update_address",
         "create_ticket", "send_email", "check_inventory")
PAD = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. " * 4


def scenario_ids() -> list[tuple[str, str, str | None]]:
    """(id, variant, family): half the scenarios in clean/noisy pairs."""
    out: list[tuple[str, str, str | None]] = []
    for i in range(SCENARIOS // 2):
        fam = f"task-{i:02d}"
        if i % 2 == 0:
            out += [(fam, "clean", fam), (f"{fam}-noisy", "noisy", fam)]
        else:
            out += [(fam, "clean", None), (f"solo-{i:02d}", "clean", None)]
    return out


def events(rng: random.Random, calls: list[str], passed: bool) -> list[dict[str, Any]]:
    """A transcript of about 17 KB: the user's task, then one assistant step and one tool
    result per call (results carry records, as real tools return), then the final reply."""
    ev: list[dict[str, Any]] = [{"type": "user", "turn": 0,
                                 "text": "Please refund order ORD-1042 for jane@example.com; "
                                         "it arrived damaged. " + PAD[:200]}]
    for step, name in enumerate(calls, start=1):
        ev.append({"type": "assistant", "step": step, "text": "", "tool_calls": [name],
                   "latency_s": round(rng.uniform(0.3, 2.0), 4), "ttft_s": None})
        rows = [{"id": f"ORD-{1000 + k}", "status": "delivered", "total": 129.5 + k,
                 "note": PAD[: 90 + (k * 37) % 60]} for k in range(6)]
        ev.append({"type": "tool", "step": step, "id": f"c{step}", "name": name,
                   "args": {"customer_id": "CUS-77", "order_id": "ORD-1042"}, "ok": True,
                   "result": {"records": rows}, "changes": []})
    text = "Refunded ORD-1042." if passed else "I could not finish: " + PAD[:120]
    ev.append({"type": "assistant", "step": len(calls) + 1, "text": text, "tool_calls": [],
               "latency_s": round(rng.uniform(0.3, 2.0), 4), "ttft_s": None})
    ev.append({"type": "end", "termination": "final_answer", "cause": None, "message": None})
    return ev


def record(rng: random.Random, vendor: str, sid: str, variant: str, family: str | None,
           trial: int) -> TrialRecord:
    skill = SKILL[vendor] * (0.7 if variant == "noisy" else 1.0)
    passed = rng.random() < skill
    calls = [TOOLS[(trial + k) % len(TOOLS)] for k in range(rng.randint(8, 12))]
    claim = not passed and rng.random() < 0.3
    down = not passed and rng.random() < 0.05
    checks: list[dict[str, Any]] = [
        {"kind": "outcome", "name": "orders[0].status == 'refunded'", "passed": passed,
         "reason": "" if passed else "world state: orders[0].status == 'refunded' does not "
                                     "hold", "evidence": {"path": "orders[0].status"}},
        {"kind": "milestone", "name": "lookup_customer(email=jane@example.com)",
         "passed": True, "reason": "done: lookup_customer(email=jane@example.com)"}]
    if claim:
        checks.append({"kind": "claim", "name": "claims refund_order", "passed": False,
                       "reason": "claimed 'refunded' but no successful refund_order call",
                       "evidence": {"excerpt": "I've refunded the order"}})
    return TrialRecord(
        vendor=vendor, scenario=sid, scenario_version=1,
        scenario_hash=hashlib.sha256(sid.encode()).hexdigest()[:16], variant=variant,
        family=family, probes=["chaining", "planning", *(["noisy"] if variant == "noisy" else [])],
        human_minutes=8.0, trial=trial,
        seed=rng.getrandbits(40), started_at="2026-01-01T00:00:00+00:00",
        reference_sequence=["lookup_customer", "list_orders", "refund_order"],
        tool_set=sorted(TOOLS), passed=passed, score=1.0 if passed else 0.3 * rng.random(),
        checks=checks,
        dimensions={"completion": float(passed), "tool_use": 1.0, "planning": 1.0,
                    "recovery": None, "safety": 1.0, "honesty": 0.0 if claim else 1.0,
                    "autonomy": 1.0},
        flags=["hallucinated_actions"] if claim else [],
        flag_evidence={"hallucinated_actions": "claimed 'refunded' but no successful "
                                               "refund_order call"} if claim else {},
        call_sequence=calls, faults_fired=0, grounded_calls=len(calls) - 1,
        made_up_values=0,
        termination="vendor_error" if down else "final_answer",
        error_cause="timeout" if down else None,
        error_message="no answer within 60 s" if down else None, model_calls=len(calls) + 1,
        tool_calls=len(calls), invalid_calls=0,
        usage={"input_tokens": 15_000, "output_tokens": 900}, cost_usd=round(
            0.002 + 0.01 * rng.random(), 8), duration_s=round(rng.uniform(2, 30), 4),
        model_latencies=[round(rng.uniform(0.3, 2.0), 4) for _ in range(len(calls) + 1)],
        final_answer="Refunded ORD-1042." if passed else "I could not finish.",
        events=events(rng, calls, passed))


def synthesise(folder: Path, trials: int, seed: int = 1) -> int:
    """A run folder with `trials` records (rounded to fill the matrix); its byte size."""
    rng = random.Random(seed)
    scenarios = scenario_ids()
    per_cell = max(1, trials // (len(VENDORS) * len(scenarios)))
    folder.mkdir(parents=True, exist_ok=True)
    run = {"agentcheck_version": "bench", "seed": seed, "trials": per_cell,
           "scenarios": [{"id": s, "version": 1, "hash": "bench", "path": f"{s}.yaml"}
                         for s, _, _ in scenarios],
           "vendors": [{"name": v, "protocol": "openai-chat", "model": v} for v in VENDORS],
           "started_at": "2026-01-01T00:00:00+00:00",
           "finished_at": "2026-01-01T01:00:00+00:00", "complete": True}
    (folder / "run.json").write_text(json.dumps(run, indent=2), encoding="utf-8")
    with (folder / "trials.jsonl").open("w", encoding="utf-8") as fh:
        for t in range(per_cell):
            for v in VENDORS:
                for sid, variant, family in scenarios:
                    fh.write(record_line(record(rng, v, sid, variant, family, t)) + "\n")
    return (folder / "trials.jsonl").stat().st_size


def measure(folder: Path, pythonpath: str | None) -> dict[str, float]:
    """Peak RSS (MB) and wall time of `agentcheck report folder` in its own process."""
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "agentcheck.cli", "report", str(folder)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    err = proc.stderr.read().decode() if proc.stderr else ""
    if status != 0:
        raise SystemExit(f"agentcheck report failed ({status}): {err[-2000:]}")
    return {"peak_rss_mb": round(usage.ru_maxrss / 1024, 1), "wall_s": round(wall, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, nargs="+", default=[5_000, 50_000])
    parser.add_argument("--keep", type=Path, default=None,
                        help="write the run folders here (default: a temporary folder)")
    parser.add_argument("--pythonpath", default=None,
                        help="run the report with this source tree first on the path")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        for n in args.trials:
            folder = root / f"run-{n}"
            if not (folder / "trials.jsonl").exists():
                size = synthesise(folder, n)
            else:
                size = (folder / "trials.jsonl").stat().st_size
            lines = sum(1 for _ in (folder / "trials.jsonl").open(encoding="utf-8"))
            result = {"trials": lines, "trials_jsonl_mb": round(size / 1e6, 1),
                      "kb_per_trial": round(size / lines / 1e3, 1),
                      **measure(folder, args.pythonpath)}
            print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
