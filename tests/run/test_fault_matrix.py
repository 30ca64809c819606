"""The fault matrix as ONE run over real loopback HTTP: a competent vendor alongside every kind of
broken one. Each broken vendor is scored with its cause, none crashes the run or touches another
vendor's trials, the good vendor keeps its verdict, and summary.json counts failures by cause."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from agentcheck.judge.verdict import UNAVAILABLE_CAUSES

from ..fakes.zoo import REFUND
from ..helpers.cli import agentcheck

TRIALS = 2

# vendor (= zoo model) -> (profile options, termination, error cause, attempts per trial)
MATRIX: dict[str, tuple[str, str, str | None, int | None]] = {
    "sleeper": ("timeout_s: 0.3\nmax_retries: 1\n", "vendor_error", "timeout", 2),
    "staller": ("timeout_s: 0.3\nmax_retries: 0\n", "vendor_error", "timeout", 1),
    "throttled": ("max_retries: 2\n", "vendor_error", "rate_limited", 3),
    "throttled-bare": ("max_retries: 1\n", "vendor_error", "rate_limited", 2),
    "down": ("max_retries: 1\n", "vendor_error", "server_error", 2),
    "overloaded": ("max_retries: 1\n", "vendor_error", "server_error", 2),
    "html-error": ("max_retries: 1\n", "vendor_error", "server_error", 2),
    "truncated": ("", "vendor_error", "malformed", 1),
    "garbage": ("", "vendor_error", "malformed", 1),
    "huge": ("max_response_bytes: 1000000\n", "vendor_error", "too_large", 1),
    "stream-cut": ("stream: true\n", "vendor_error", "stream_cut", 1),
    "bad-args": ("", "final_answer", None, None),
    "unknown-tool": ("", "final_answer", None, None),
    "looper": ("", "step_budget", "step_budget", None),
    "flaky": ("max_retries: 2\n", "final_answer", None, None),
}


@pytest.fixture(scope="module")
def matrix_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    from ..fakes.zoo import Zoo

    zoo = Zoo().start()
    try:
        tmp = tmp_path_factory.mktemp("matrix")
        args = ["--vendor", "demo-agent"]
        for name, (options, *_rest) in MATRIX.items():
            profile = tmp / f"{name}.yaml"
            profile.write_text(f"name: {name}\nprotocol: openai-chat\nbase_url: {zoo.base_url}\n"
                               f"model: {name}\nmax_retry_wait_s: 0.02\nmax_concurrency: 2\n"
                               + options, encoding="utf-8")
            args += ["--vendor", str(profile)]
        out = tmp / "run"
        res = agentcheck("run", *args, "--scenarios", REFUND, "--trials", str(TRIALS),
                         "--concurrency", "32", "--seed", "3", "--out", str(out), "--quiet")
        assert res.returncode == 0, res.stderr
        assert "Traceback" not in res.stderr
        return out, dict(zoo.hits)
    finally:
        zoo.stop()


def load(out: Path) -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    summary = {v["name"]: v for v in json.loads((out / "summary.json").read_text())["vendors"]}
    trials: dict[str, list[dict[str, Any]]] = {}
    for line in (out / "trials.jsonl").read_text().splitlines():
        record = json.loads(line)
        trials.setdefault(record["vendor"], []).append(record)
    return summary, trials


def test_the_good_vendor_is_unaffected(matrix_run: tuple[Path, dict[str, int]]) -> None:
    summary, trials = load(matrix_run[0])
    good = summary["demo-agent"]
    assert (good["tier"], good["capability_score"], good["flags"]) == (3, 100.0, [])
    assert good["errors"] == {} and good["completed_tasks"] == TRIALS
    assert all(r["termination"] == "final_answer" and r["passed"] for r in trials["demo-agent"])


@pytest.mark.parametrize("name", list(MATRIX))
def test_each_broken_vendor_is_scored_with_its_cause(matrix_run: tuple[Path, dict[str, int]],
                                                     name: str) -> None:
    out, hits = matrix_run
    summary, trials = load(out)
    _, termination, cause, attempts = MATRIX[name]
    records = trials[name]
    assert len(records) == TRIALS  # every trial ran and was written, none crashed the run
    assert {(r["termination"], r["error_cause"]) for r in records} == {(termination, cause)}
    v = summary[name]
    assert v["terminations"] == {termination: TRIALS}
    if termination == "vendor_error":
        assert v["errors"] == {cause: TRIALS}
        assert all(r["error_message"] for r in records)  # with what went wrong
        if cause in UNAVAILABLE_CAUSES:  # an API that did not answer is not a chatbot
            assert v["tier"] is None and v["capability_score"] is None
            assert v["no_verdict"]["kind"] == "unavailable"
            assert f"{cause}: {TRIALS} of {TRIALS} trials" in v["no_verdict"]["reason"]
        else:  # a malformed or oversized answer is an answer, and fails
            assert v["capability_score"] == 0 and v["tier"] == 0
            assert v["no_verdict"] is None
    if attempts is not None:  # retried exactly as the profile says, never more
        assert hits[name] == attempts * TRIALS


def test_tool_level_faults_are_the_vendors_and_go_back_to_it(
        matrix_run: tuple[Path, dict[str, int]]) -> None:
    summary, trials = load(matrix_run[0])
    for r in trials["bad-args"]:
        kinds = [e.get("error_kind") for e in r["events"] if e["type"] == "tool"]
        assert kinds == ["invalid_arguments", "invalid_arguments"]
        assert r["invalid_calls"] == 2 and not r["passed"]
    assert summary["bad-args"]["dimensions"]["tool_use"] == 0
    for r in trials["unknown-tool"]:
        errors = [e.get("error") or "" for e in r["events"] if e["type"] == "tool"]
        assert [e.startswith("unknown tool 'issue_refund_now'") for e in errors] == [True]
    assert summary["looper"]["trials"] == TRIALS
    assert all(r["model_calls"] == 30 for r in trials["looper"])  # the scenario's step budget
    assert summary["flaky"]["errors"] == {}  # retried through its 503s


def test_the_summary_counts_failures_by_cause(matrix_run: tuple[Path, dict[str, int]]) -> None:
    summary, trials = load(matrix_run[0])
    counted: Counter[str] = Counter()
    for v in summary.values():
        counted.update(v["errors"])
    expected: Counter[str] = Counter()
    for _, termination, cause, _ in MATRIX.values():
        if termination == "vendor_error" and cause:
            expected[cause] += TRIALS
    assert counted == expected
    assert not any(r["termination"] == "harness_error" for rs in trials.values() for r in rs)


def test_huge_replies_are_capped(matrix_run: tuple[Path, dict[str, int]]) -> None:
    _, trials = load(matrix_run[0])
    for r in trials["huge"]:
        assert "larger than 1000000 bytes" in r["error_message"]
        assert len(json.dumps(r)) < 100_000  # nothing of the 3 MB reached the record


