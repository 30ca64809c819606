"""The sourcing report: per-vendor statistics and business numbers against hand-computed
values, the structure of report.md and report.csv, and re-rendering a run folder."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from agentcheck.cli import main
from agentcheck.judge.verdict import summarise
from agentcheck.report import HEADERS, csv_text
from agentcheck.report.csvfile import COLUMNS
from agentcheck.report.evidence import failed_trials

from ..helpers.report_fixtures import HOSTILE, VENDORS, make_records, rendered_run

ORIGINAL_VENDOR_KEYS = {
    "name", "capability_score", "capability_ci", "tier", "tier_name", "tier_reasons", "flags",
    "flag_counts", "flag_evidence", "completion_rate", "completion_ci", "pass_hat_k",
    "reliability_measured", "tool_call_rate", "dimensions", "probe_pass_rates", "trials",
    "scored_trials", "completed_tasks", "terminations", "errors", "cost_usd",
    "cost_per_trial_usd", "cost_per_completed_task_usd", "latency_s", "step_latency_s",
    "scenarios", "not_significantly_different_from"}
ORIGINAL_SCENARIO_KEYS = {"scenario", "trials", "passed", "pass_rate", "score", "flags",
                          "variant", "family"}


def record(vendor: str, scenario: str, trial: int, passed: bool, *, variant: str = "clean",
           family: str | None = None, minutes: float = 10.0, cost: float = 0.01,
           duration: float = 2.0) -> dict[str, Any]:
    return {
        "vendor": vendor, "scenario": scenario, "trial": trial, "passed": passed,
        "score": 1.0 if passed else 0.0, "termination": "final_answer", "variant": variant,
        "family": family, "probes": ["chaining"], "human_minutes": minutes,
        "scenario_version": 1, "scenario_hash": "abc",
        "dimensions": {"completion": float(passed), "tool_use": 1.0, "autonomy": 1.0},
        "flags": [], "flag_evidence": {}, "call_sequence": ["a", "b"],
        "reference_sequence": ["a", "b"], "cost_usd": cost, "duration_s": duration,
        "model_latencies": [0.5, 1.5], "checks": [], "events": []}


def hand_run() -> list[dict[str, Any]]:
    """A: s1 (clean, family f, 10 min) 2/3; s2 (noisy, family f, 20 min) 1/3;
    s3 (clean, 6 min) 3/3. B: 0/3, 0/3, 3/3."""
    outcomes = {"A": {"s1": [1, 1, 0], "s2": [1, 0, 0], "s3": [1, 1, 1]},
                "B": {"s1": [0, 0, 0], "s2": [0, 0, 0], "s3": [1, 1, 1]}}
    meta = {"s1": ("clean", "f", 10.0), "s2": ("noisy", "f", 20.0), "s3": ("clean", None, 6.0)}
    out = []
    for vendor, by_scenario in outcomes.items():
        for sid, results in by_scenario.items():
            variant, family, minutes = meta[sid]
            for t, ok in enumerate(results):
                out.append(record(vendor, sid, t, bool(ok), variant=variant, family=family,
                                  minutes=minutes))
    return out


@pytest.fixture
def summary() -> dict[str, Any]:
    """summary.json's content for hand_run (the JSON form: these tests check its numbers)."""
    return summarise(hand_run(), ["A", "B"]).to_json()


def test_every_original_summary_key_is_kept(summary: dict[str, Any]) -> None:
    for v in summary["vendors"]:
        assert set(v) >= ORIGINAL_VENDOR_KEYS
        for s in v["scenarios"]:
            assert set(s) >= ORIGINAL_SCENARIO_KEYS


def test_per_scenario_rates_intervals_and_pass_hat_k(summary: dict[str, Any]) -> None:
    a = {s["scenario"]: s for s in summary["vendors"][0]["scenarios"]}
    # 2 of 3: Wilson by hand: denominator 1 + z^2/3 = 2.2805, centre 0.5731, half 0.3654
    assert a["s1"]["pass_rate_ci"] == pytest.approx([0.2077, 0.9385], abs=1e-4)
    assert a["s3"]["pass_rate_ci"] == [pytest.approx(0.4385, abs=1e-4), 1.0]  # 3/(3 + z^2)
    assert a["s1"]["pass_hat_k"] == {"1": pytest.approx(2 / 3, abs=1e-4),
                                     "2": pytest.approx(1 / 3, abs=1e-4), "3": 0.0}
    assert a["s3"]["pass_hat_k"] == {"1": 1.0, "2": 1.0, "3": 1.0}
    assert a["s1"]["flips"] and a["s2"]["flips"] and not a["s3"]["flips"]
    assert summary["vendors"][0]["flipping_scenarios"] == ["s1", "s2"]
    assert summary["vendors"][1]["flipping_scenarios"] == []
    assert a["s2"]["human_minutes"] == 20.0 and a["s1"]["cost_per_trial_usd"] == 0.01


def test_unreliable_flag_when_pass_k_falls_far_below_pass_1(summary: dict[str, Any]) -> None:
    a, b = summary["vendors"]
    # pass^1 = (2/3 + 1/3 + 1)/3 = 2/3; pass^3 = (0 + 0 + 1)/3 = 1/3: a drop of 1/3 >= 0.2
    assert a["pass_hat_k"]["1"] == pytest.approx(2 / 3, abs=1e-4)
    assert a["pass_hat_k"]["3"] == pytest.approx(1 / 3, abs=1e-4)
    assert "unreliable" in a["flags"] and a["flag_evidence"]["unreliable"] == [
        "pass^1 0.67 but pass^3 0.33"]
    # B always does the same: pass^1 = pass^3 = 1/3, reliable (if weak)
    assert b["pass_hat_k"]["1"] == b["pass_hat_k"]["3"] and "unreliable" not in b["flags"]


def test_business_view_numbers(summary: dict[str, Any]) -> None:
    a, b = summary["vendors"]
    assert a["cost_usd"] == pytest.approx(0.09) and a["cost_per_trial_usd"] == 0.01
    assert a["cost_per_completed_task_usd"] == pytest.approx(0.09 / 6)
    assert b["cost_per_completed_task_usd"] == pytest.approx(0.09 / 3)
    assert a["completed_without_help"] == 6 and a["completed_without_help_rate"] == \
        pytest.approx(6 / 9, abs=1e-4)
    # per 1,000 tasks spread evenly over s1, s2, s3: a person needs (10 + 20 + 6)/3 = 12 min
    # each; A saves (10 * 2/3 + 20 * 1/3 + 6 * 1)/3 = 6.444 min each
    assert a["human_minutes_per_1000_tasks"] == 12000.0
    assert a["human_minutes_saved_per_1000_tasks"] == pytest.approx(6444.4, abs=0.1)
    assert b["human_minutes_saved_per_1000_tasks"] == pytest.approx(2000.0)
    # clean-to-noisy drop of family f: 2/3 - 1/3
    assert a["noisy_drop"]["families"] == [{
        "family": "f", "clean": ["s1"], "noisy": ["s2"], "clean_rate": pytest.approx(0.6667),
        "noisy_rate": pytest.approx(0.3333), "drop": pytest.approx(0.3333)}]
    assert a["noisy_drop"]["mean_drop"] == pytest.approx(0.3333)
    assert b["noisy_drop"]["mean_drop"] == 0.0
    assert a["latency_s"] == {"p50": 2.0, "p95": 2.0}
    assert a["step_latency_s"]["p50"] == 1.0  # median of 0.5 and 1.5, per model call


def test_pairwise_comparison_in_summary(summary: dict[str, Any]) -> None:
    (c,) = summary["comparisons"]
    # per-scenario differences A - B: 2/3, 1/3, 0 -> two non-zero, both for A;
    # exact Wilcoxon: 1 of the 4 sign patterns is as extreme; two-sided p = 0.5
    assert (c["a"], c["b"], c["scenarios"], c["a_better"], c["b_better"], c["ties"]) == (
        "A", "B", 3, 2, 0, 1)
    assert c["p_value"] == 0.5 and c["p_adjusted"] == 0.5 and c["sign_test_p_value"] == 0.5
    assert (c["rank_sum_a"], c["rank_sum_b"]) == (3.0, 0.0)
    assert c["significant"] is False and c["better"] is None
    assert c["intervals_overlap"] is True
    assert summary["vendors"][0]["not_significantly_different_from"] == ["B"]
    assert summary["statistics"]["alpha"] == 0.05


def test_a_real_difference_is_significant_after_holm() -> None:
    # 8 scenarios where "good" passes and "bad" fails, plus a third vendor like "bad"
    recs = [record(v, f"s{i}", 0, v == "good") for v in ("good", "bad", "worse")
            for i in range(8)]
    s = summarise(recs, ["good", "bad", "worse"])
    by_pair = {(c["a"], c["b"]): c for c in s["comparisons"]}
    good_bad = by_pair[("good", "bad")]
    assert good_bad["p_value"] == pytest.approx(2 / 256)
    assert good_bad["p_adjusted"] == pytest.approx(3 * 2 / 256)  # Holm, smallest of 3
    assert good_bad["significant"] and good_bad["better"] == "good"
    assert not by_pair[("bad", "worse")]["significant"]
    assert by_pair[("bad", "worse")]["p_adjusted"] == 1.0


# --- report.md and report.csv ----------------------------------------------------------------

@pytest.fixture(scope="module")
def synth_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return rendered_run(tmp_path_factory.mktemp("synth") / "run")


def md_tables(text: str) -> list[list[str]]:
    """Every Markdown table as its list of lines."""
    tables: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def cells(line: str) -> list[str]:
    return [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def test_markdown_structure(synth_run: Path) -> None:
    text = (synth_run / "report.md").read_text()
    assert text.startswith("# agentcheck results\n")
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings[:8] == ["## Verdict", "## Business view", "## Reliability",
                            "## Which differences are real", "## Capability profile",
                            "## Vendor x scenario", "## Clean vs noisy data",
                            "## acme: tier " + headings[7].split("tier ")[1]]
    for name in VENDORS:
        assert any(h.startswith(f"## {name}: tier ") for h in headings)
    assert headings[-1] == "## How to read these numbers"
    tables = md_tables(text)
    for table in tables:  # every row of a table has as many cells as its header
        assert len({len(cells(row)) for row in table}) == 1, table[0]
        assert set(table[1].replace("|", "").strip()) <= set("-: ")
    verdict = tables[0]
    assert cells(verdict[0]) == HEADERS
    assert [cells(r)[0] for r in verdict[2:]] == list(VENDORS)
    reliability = next(t for t in tables if cells(t[0])[0] == "vendor" and "pass^3" in t[0])
    assert cells(reliability[0]) == ["vendor", "pass^1", "pass^2", "pass^3", "unreliable",
                                     "scenarios that flip"]
    pairs = next(t for t in tables if cells(t[0])[:2] == ["vendor A", "vendor B"])
    assert len(pairs) == 2 + 6  # 4 vendors: 6 pairs
    matrix = next(t for t in tables if cells(t[0])[:2] == ["scenario", "variant"])
    assert cells(matrix[0])[2:] == list(VENDORS) and len(matrix) == 2 + 8


def test_markdown_escapes_vendor_text(synth_run: Path) -> None:
    text = (synth_run / "report.md").read_text()
    assert "<script" not in text and "<img" not in text and "<svg" not in text
    assert "&lt;script&gt;window.\\_\\_pwned" in text  # shown as text, not run
    assert "claimed 'refunded' but no successful refund\\_order call" in text


def test_csv_has_one_row_per_vendor_and_scenario(synth_run: Path) -> None:
    rows = list(csv.reader(io.StringIO((synth_run / "report.csv").read_text())))
    assert rows[0] == COLUMNS
    assert rows[0][:10] == ["vendor", "tier", "capability_score", "scenario", "variant",
                            "trials", "passed", "pass_rate", "score", "flags"]
    body = rows[1:]
    assert len(body) == len(VENDORS) * 8
    assert {(r[0], r[3]) for r in body} == {(v, s) for v in VENDORS
                                            for s in {r[3] for r in body}}
    col = {name: i for i, name in enumerate(COLUMNS)}
    for r in body:
        assert len(r) == len(COLUMNS)
        assert 0 <= float(r[col["pass_rate_ci_low"]]) <= float(r[col["pass_rate"]]) \
            <= float(r[col["pass_rate_ci_high"]]) <= 1
        assert r[col["flips"]] in ("yes", "no") and r[col["k"]] == "3"
        assert int(r[col["passed"]]) <= int(r[col["trials"]]) == 3
    noisy = [r for r in body if r[col["variant"]] == "noisy"]
    assert noisy and all(r[col["family"]] for r in noisy)


def test_csv_cells_cannot_become_spreadsheet_formulas() -> None:
    summary = summarise([record("=HYPERLINK(\"http://x\")", "s1", 0, True)], [])
    text = csv_text(summary)
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row[0] == "'=HYPERLINK(\"http://x\")"


def test_failed_trial_evidence_has_reason_calls_and_transcript() -> None:
    recs = make_records({"chatty": 0.0}, trials=1)
    ev = failed_trials(recs, ["chatty"])["chatty"].scored[0]
    assert ev.headline == "claimed 'refunded' but no successful refund_order call"
    assert ev.checks[0].kind == "claim" and ev.checks[0].excerpt == "I've refunded the order"
    assert [m.role for m in ev.transcript] == ["user", "assistant", "end"]
    assert "hallucinated_actions" in ev.flags


def test_report_command_rerenders_from_trials(synth_run: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "copy"
    folder.mkdir()
    for name in ("run.json", "trials.jsonl"):
        (folder / name).write_bytes((synth_run / name).read_bytes())
    (folder / "summary.json").write_text('{"vendors": []}')  # stale: recomputed, not read
    assert main(["report", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "acme" in out and "report.html" in out
    summary = json.loads((folder / "summary.json").read_text())
    assert [v["name"] for v in summary["vendors"]] == list(VENDORS)
    assert summary == json.loads((synth_run / "summary.json").read_text())
    for name in ("report.md", "report.csv", "report.html"):
        assert (folder / name).read_text() == (synth_run / name).read_text()
    other = tmp_path / "elsewhere"
    assert main(["report", str(folder), "--out", str(other)]) == 0
    assert (other / "report.html").exists() and (other / "summary.json").exists()


def test_report_command_errors_are_usage_errors(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(tmp_path / "missing")]) == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "run.json").write_text("{}")
    assert main(["report", str(empty)]) == 2
    err = capsys.readouterr().err
    assert "no run folder" in err and "no finished trial" in err and "Traceback" not in err


def test_hostile_text_survives_into_the_report_only_escaped(synth_run: Path) -> None:
    html = (synth_run / "report.html").read_text()
    assert HOSTILE not in html
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html
