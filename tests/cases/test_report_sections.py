"""The case-pack sections of a report, read from a replayed run folder: agreement per vendor
(adjusted by review.yaml), per category, disagreements by impact with both sides, and the
sample's data quality; a review file with a typo is an error with its line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from agentcheck.cli import main
from agentcheck.core.errors import ConfigError
from agentcheck.report.agreement import case_sections
from agentcheck.report.markdown import section
from agentcheck.results.cases import read_outcomes

KEY = "test-masking-key-0123456789abcdef"  # the same as conftest.py's

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "case-packs"


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("ap")
    pack = tmp / "ap-invoices"
    shutil.copytree(EXAMPLES / "ap-invoices", pack)
    mp = pytest.MonkeyPatch()
    mp.setenv("AGENTCHECK_MASKING_KEY", KEY)
    try:
        exports = sorted((EXAMPLES / "exports" / "ap-invoices").iterdir())
        assert main(["import", *map(str, exports), "--pack", str(pack)]) == 0
        out = tmp / "run"
        assert main(["run", "--cases", str(pack), "--sample", "30", "--seed", "11",
                     "--stratify", "category", "--vendor", "demo-agent", "--vendor",
                     "demo-chatbot", "--out", str(out), "--quiet"]) == 0
    finally:
        mp.undo()
    return out


def text(folder: Path) -> str:
    return "\n".join(line for s in case_sections(folder) for line in section(s))


def test_sections_of_a_case_run(replayed: Path) -> None:
    keys = [s.key for s in case_sections(replayed)]
    assert keys == ["case-agreement", "case-categories", "case-disagreements",
                    "case-data-quality"]
    md = text(replayed)
    assert "## Agreement with your team (case pack)" in md
    assert "| demo-chatbot |" in md and "beats doing nothing" in md
    assert "30 of 220 cases sampled (seed 11) stratified by category" in md
    assert "(none marked yet: fill in review.yaml" in md
    # disagreements, largest amount first, with both sides
    rows = next(s for s in case_sections(replayed) if s.key == "case-disagreements").rows
    impacts = [float(r.cells[3].text.replace(",", "")) for r in rows]
    assert impacts == sorted(impacts, reverse=True)
    assert all(r.cells[4].text.startswith("decision ") for r in rows)


def test_review_marks_adjust_the_agreement(replayed: Path) -> None:
    outcomes = read_outcomes(replayed)
    wrong = next(o for o in outcomes if o.vendor == "demo-agent" and not o.agreed)
    agreed = sum(o.agreed for o in outcomes if o.vendor == "demo-agent")
    review = replayed / "review.yaml"
    original = review.read_text()
    try:
        review.write_text(original.replace(
            f'case: "{wrong.case}"\n    better: undecided',
            f'case: "{wrong.case}"\n    better: vendor', 1))
        rows = case_sections(replayed)[0].rows
        agent = next(r for r in rows if r.cells[0].text == "demo-agent")
        assert agent.cells[9].text == "1"
        assert agent.cells[10].text.startswith(f"{round(100 * (agreed + 1) / 30)}% (")
        review.write_text(original.replace("better: undecided", "beter: vendor", 1))
        with pytest.raises(ConfigError) as exc:
            case_sections(replayed)
        assert str(exc.value) == f"{review}:7: reviews[0].beter: unknown field"
    finally:
        review.write_text(original)


def test_report_md_and_html_carry_the_sections(replayed: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    md = (replayed / "report.md").read_text()
    assert md.index("## Agreement with your team (case pack)") < md.index(
        "## Data quality of the sample")
    html = (replayed / "report.html").read_text()
    assert 'id="case-agreement"' in html and 'id="case-disagreements"' in html
    # `agentcheck report` reads review.yaml again: the adjusted rate follows the marks
    outcomes = read_outcomes(replayed)
    wrong = next(o for o in outcomes if o.vendor == "demo-agent" and not o.agreed)
    review = replayed / "review.yaml"
    original = review.read_text()
    try:
        review.write_text(original.replace(f'case: "{wrong.case}"\n    better: undecided',
                                           f'case: "{wrong.case}"\n    better: vendor', 1))
        capsys.readouterr()
        assert main(["report", str(replayed), "--out", str(tmp_path / "again")]) == 0
        printed = capsys.readouterr().out  # the console's agreement table, adjusted too
        assert "adjusted (review)" in printed and re.search(r"demo-agent .* \(\+1\)", printed)
        again = (tmp_path / "again" / "report.md").read_text()
        assert "(none marked yet" not in again and "(none marked yet" in md
        table = again.split("## Disagreements, by impact")[1].split("\n## ")[0]
        (line,) = [x for x in table.splitlines() if f"| {wrong.case} " in x
                   and x.startswith("| demo-agent ")]
        assert re.search(r"\| vendor\s+\|$", line)
    finally:
        review.write_text(original)


def test_categories_differing_only_by_case_or_spaces_are_one() -> None:
    from agentcheck.report.agreement import category_section
    from agentcheck.results.cases import CaseOutcome, Side

    def outcome(case: str, category: str, agreed: bool) -> CaseOutcome:
        return CaseOutcome(vendor="v", case=case, row=1, category=category, agreed=agreed,
                           human=Side(), vendor_side=Side(), did_nothing=False,
                           nothing_agrees=False)

    sec = category_section([outcome("1", "Goods", True), outcome("2", "goods ", False),
                            outcome("3", "Goods", True), outcome("4", "Travel", False)])
    assert [[c.text for c in r.cells] for r in sec.rows] == [
        ["Goods", "3", "2/3 (67%)"], ["Travel", "1", "0/1 (0%)"]]


def test_a_case_agentcheck_failed_is_not_held_against_the_vendor() -> None:
    from agentcheck.report.agreement import agreement, agreement_section
    from agentcheck.results.cases import CaseOutcome, Side

    def outcome(case: str, agreed: bool, termination: str) -> CaseOutcome:
        return CaseOutcome(vendor="v", case=case, row=1, category="c", agreed=agreed,
                           human=Side(decision="approve"), vendor_side=Side(),
                           did_nothing=False, nothing_agrees=False, termination=termination)

    rows = agreement([outcome("1", True, "final_answer"), outcome("2", False, "harness_error"),
                      outcome("3", False, "vendor_error")])
    (row,) = rows
    assert (row.cases, row.agreed, row.not_judged) == (2, 1, 1)
    assert agreement_section(rows, False).notes == [
        "v: 1 case(s) not judged (agentcheck failed in the trial; agentcheck run --cases "
        "again)"]
