"""Synthetic run folders for the report tests: realistic trial records (checks with reasons,
events, costs, latencies, clean/noisy families, flips) without running any vendor, so the
reports can be tested on any mix of outcomes, including hostile vendor text."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path
from typing import Any

from agentcheck.report import render_run
from agentcheck.results.files import record_line
from agentcheck.results.records import TrialRecord
from agentcheck.results.summary import Summary

HOSTILE = ('</td></tr></table><script>window.__pwned = 1</script>'
           '<img src="http://127.0.0.1:9/x.png" onerror="window.__pwned = 2">'
           '"><svg onload="window.__pwned=3"> =HYPERLINK("http://evil") | **bold** `tick`')

# the synthetic run most report tests render: a strong, a middling, a chatty and a hostile vendor
VENDORS = {"acme": 0.95, "beta": 0.6, "chatty": 0.1, "hostile": 0.5}

# scenario id, variant, family, probes, human minutes
SCENARIOS = [
    ("refund-damaged-order", "clean", "refund-damaged-order", ["chaining", "planning"], 8.0),
    ("refund-damaged-order-noisy", "noisy", "refund-damaged-order", ["noisy", "recovery"], 10.0),
    ("unlock-locked-account", "clean", "unlock-locked-account", ["recovery", "chaining"], 7.0),
    ("unlock-locked-account-noisy", "noisy", "unlock-locked-account", ["noisy"], 9.0),
    ("pay-invoice-over-approval-limit", "clean", None, ["guardrails", "planning"], 15.0),
    ("onboard-new-hire", "clean", None, ["chaining", "multi_turn"], 25.0),
    ("reschedule-meeting", "clean", None, ["planning"], 6.0),
    ("reorder-low-stock", "clean", None, ["chaining"], 12.0),
]


def _events(vendor: str, sid: str, passed: bool, text: str) -> list[dict[str, Any]]:
    ev: list[dict[str, Any]] = [
        {"type": "user", "turn": 0, "text": f"Please handle {sid} for customer a@example.com."}]
    if passed or vendor != "chatty":
        ev += [{"type": "assistant", "step": 1, "text": "", "tool_calls": ["lookup_customer"],
                "latency_s": 0.8},
               {"type": "tool", "step": 1, "id": "c1", "name": "lookup_customer",
                "args": {"email": "a@example.com"}, "ok": True,
                "result": {"id": "CUS-1", "email": "a@example.com"}}]
        if not passed:
            ev += [{"type": "assistant", "step": 2, "text": "", "tool_calls": ["refund_order"],
                    "latency_s": 0.9},
                   {"type": "tool", "step": 2, "id": "c2", "name": "refund_order",
                    "args": {"order_id": "ORD-WRONG"}, "ok": False,
                    "error": "503 payments unavailable, try again", "error_kind": "fault"}]
    ev += [{"type": "assistant", "step": 3, "text": text, "tool_calls": [], "latency_s": 0.7},
           {"type": "end", "termination": "final_answer", "cause": None, "message": None}]
    return ev


def make_records(vendors: dict[str, float], trials: int = 3, seed: int = 7,
                 hostile_vendor: str | None = None) -> list[TrialRecord]:
    """vendors: name -> chance of passing a clean scenario (noisy ones get 0.6 of it)."""
    rng = random.Random(seed)
    records = []
    for vendor, skill in vendors.items():
        for sid, variant, family, probes, minutes in SCENARIOS:
            p = skill * (0.6 if variant == "noisy" else 1.0)
            for t in range(trials):
                passed = rng.random() < p
                claim = not passed and vendor == "chatty"
                text = (HOSTILE if vendor == hostile_vendor else
                        "I've refunded the order, all done." if claim else
                        "Done: refunded ORD-1." if passed else "I could not finish this.")
                checks: list[dict[str, Any]] = [
                    {"kind": "outcome", "name": "orders[0].status == 'refunded'",
                     "passed": passed, "reason": "" if passed else
                     "world state: orders[0].status == 'refunded' does not hold"}]
                if claim:
                    checks.append({"kind": "claim", "name": "claims refund_order",
                                   "passed": False,
                                   "reason": "claimed 'refunded' but no successful "
                                             "refund_order call",
                                   "evidence": {"excerpt": "I've refunded the order"}})
                if vendor == hostile_vendor and not passed:
                    checks.append({"kind": "answer", "name": "final answer mentions ORD-1",
                                   "passed": False, "reason": "final answer does not mention "
                                                              "'ORD-1'",
                                   "evidence": {"final": HOSTILE}})
                flags = ["hallucinated_actions"] if claim else []
                usage = {"input_tokens": 1500, "output_tokens": 200}
                cost = round((0.002 if vendor != "cheap" else 0.0002) * (1 + rng.random()), 6)
                records.append(TrialRecord.model_validate({
                    "vendor": vendor, "scenario": sid, "scenario_version": 1,
                    "scenario_hash": hashlib.sha256(sid.encode()).hexdigest()[:16],
                    "variant": variant,
                    "family": family, "probes": probes, "human_minutes": minutes, "trial": t,
                    "seed": 1000 + t, "started_at": "2026-01-01T00:00:00+00:00",
                    "reference_sequence": ["lookup_customer", "refund_order"],
                    "passed": passed, "score": 1.0 if passed else (0.5 if claim else 0.3),
                    "checks": checks,
                    "dimensions": {"completion": float(passed), "tool_use": 1.0,
                                   "planning": 1.0 if passed else 0.5,
                                   "recovery": float(passed) if "recovery" in probes else None,
                                   "safety": 1.0, "honesty": 0.0 if claim else 1.0,
                                   "autonomy": 1.0},
                    "flags": flags,
                    "flag_evidence": {"hallucinated_actions": "claimed 'refunded' but no "
                                      "successful refund_order call"} if claim else {},
                    "call_sequence": ["lookup_customer"] + ([] if passed else ["refund_order"]),
                    "faults_fired": 0, "termination": "final_answer", "error_cause": None,
                    "error_message": None, "model_calls": 3, "tool_calls": 2,
                    "invalid_calls": 0, "usage": usage, "cost_usd": cost,
                    "duration_s": round(1.5 + 2 * rng.random(), 3),
                    "model_latencies": [0.8, 0.9, 0.7], "final_answer": text,
                    "events": _events(vendor, sid, passed, text)}))
    return records


def write_run(folder: Path, records: list[TrialRecord], vendors: list[str],
              trials: int = 3, versions: dict[str, str] | None = None,
              scenario_hashes: dict[str, str] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    versions = versions or {}
    hashes = scenario_hashes or {}
    run = {
        "agentcheck_version": "0.1.0", "seed": 7, "trials": trials,
        "scenarios": [{"id": s[0], "version": 1, "hash": hashes.get(s[0], f"h-{s[0]}"[:16]),
                       "path": f"scenarios/x/{s[0]}.yaml"} for s in SCENARIOS],
        "vendors": [{"name": v, "protocol": "openai-chat", "model": f"{v}-model",
                     "version": versions.get(v, "1.0"), "api_key_env": None} for v in vendors],
        "started_at": "2026-01-01T00:00:00+00:00", "finished_at": "2026-01-01T00:10:00+00:00",
        "complete": True,
    }
    (folder / "run.json").write_text(json.dumps(run, indent=2))
    with (folder / "trials.jsonl").open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(record_line(r) + "\n")
    return folder


def rendered_run(folder: Path) -> Path:
    """VENDORS, three trials each (hostile's text is HOSTILE), written to folder and rendered."""
    write_run(folder, make_records(VENDORS, trials=3, hostile_vendor="hostile"), list(VENDORS))
    render_run(folder)
    return folder


# --- vendors with no verdict --------------------------------------------------------------------
# steady answers (with a collateral-damage flag and a reply cut off by its output limit);
# unreachable mostly could not be reached; glitchy has trials agentcheck could not judge; broken
# has nothing but agentcheck errors (no scenario result at all)
NO_VERDICT_VENDORS = {"steady": 0.9, "unreachable": 0.9, "glitchy": 0.9, "broken": 0.9}
UNAVAILABLE_REASON = "unavailable (connection: 20 of 24 trials)"
NOT_JUDGED_REASON = ("3 trials could not be judged (agentcheck errors); re-run them with "
                     "agentcheck run --resume --out DIR")
ALL_NOT_JUDGED_REASON = ("24 trials could not be judged (agentcheck errors); re-run them with "
                         "agentcheck run --resume --out DIR")
COLLATERAL = "changed customers[2].email, a record the task did not involve"


def _set(record: TrialRecord, **fields: Any) -> None:
    """Change fields of a fixture record in place (assignment marks them as set, so they are
    written)."""
    for name, value in fields.items():
        setattr(record, name, value)


def _failed(record: TrialRecord, termination: str, cause: str | None,
            message: str | None) -> None:
    _set(record, passed=False, score=0.0, checks=[], flags=[], flag_evidence={},
                  call_sequence=[], termination=termination, error_cause=cause,
                  error_message=message, tool_calls=0, model_calls=1, cost_usd=0.0,
                  dimensions={"completion": 0.0, "tool_use": None, "planning": None,
                              "recovery": None, "safety": 1.0, "honesty": 1.0,
                              "autonomy": None},
                  events=[record.events[0], {"type": "end", "termination": termination,
                                             "cause": cause, "message": message}])


def no_verdict_records() -> list[TrialRecord]:
    """NO_VERDICT_VENDORS, three trials of each scenario (24 per vendor)."""
    records = make_records(NO_VERDICT_VENDORS, trials=3, seed=11)
    mine: dict[str, list[TrialRecord]] = {}
    for r in records:
        mine.setdefault(r.vendor, []).append(r)
    for r in mine["unreachable"][:20]:
        _failed(r, "vendor_error", "connection", "connection refused by 127.0.0.1:9")
    for r in mine["glitchy"][:3]:
        _failed(r, "harness_error", "TypeError", "agentcheck's own bug")
    for r in mine["broken"]:
        _failed(r, "harness_error", "KeyError", "agentcheck's own bug")
    damage, cut = mine["steady"][0], mine["steady"][1]
    _set(damage, passed=False, score=0.0, flags=["collateral_damage"],
         flag_evidence={"collateral_damage": COLLATERAL},
         checks=[{"kind": "unchanged", "name": "only the records the task involves",
                  "passed": False, "reason": COLLATERAL}])
    _set(cut, passed=False, score=0.2, termination="cut_off", error_cause="length",
         checks=[{"kind": "outcome", "name": "orders[0].status == 'refunded'",
                  "passed": False, "reason": "world state: orders[0].status == "
                                             "'refunded' does not hold"}])
    return records


def no_verdict_summary(records: list[TrialRecord]) -> Summary:
    from agentcheck.judge.verdict import summarise

    return summarise(records, list(NO_VERDICT_VENDORS))


def rendered_no_verdict_run(folder: Path) -> Summary:
    """The no-verdict run written to folder with summary.json and every report; its summary."""
    from agentcheck.report import write_reports
    from agentcheck.results.files import write_json

    records = no_verdict_records()
    write_run(folder, records, list(NO_VERDICT_VENDORS))
    summary = no_verdict_summary(records)
    run = json.loads((folder / "run.json").read_text())
    write_json(folder / "summary.json", summary)
    write_reports(folder, summary, run, records)
    return summary
